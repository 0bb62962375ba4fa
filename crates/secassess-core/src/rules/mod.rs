//! The rules engine: from a catalogue and a set of answers to the effective
//! classification, which questions are asked, which notices show, and the status of every
//! obligation with the reasons behind it. Pure: no I/O, same input, same output.
//!
//! None of the rules themselves live here; they are the expressions in
//! `questionnaires/`. This module only evaluates them and words the result.

pub mod facts;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::questionnaire::answer::{AnswerValue, Answers};
use crate::questionnaire::expr::{self, Expr, Outcome, Truth};
use crate::questionnaire::model::{Catalogue, Level, NoticeSeverity, Obligation, Scope, Source};
use facts::{describe_range, sentence_of, AnswerFacts};

/// The derived value the content uses for the effective classification. The engine needs
/// its name only to report it prominently; how it is worked out is in the content.
pub const EFFECTIVE_CLASSIFICATION: &str = "effective_classification";

/// How the last reason of an obligation that cites a source begins, so a document that
/// quotes the sources elsewhere can leave that reason out.
pub const REQUIRED_BY: &str = "Required by ";

/// How that reason begins for good practice, which no requirement sentence demands.
pub const GOOD_PRACTICE_BASIS: &str =
    "Good practice, not a requirement of the standards; it supports ";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotMet,
    Unknown,
    Met,
    NotApplicable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::NotApplicable => "not-applicable",
            Status::Met => "met",
            Status::NotMet => "not-met",
            Status::Unknown => "unknown",
        }
    }
}

/// A citation resolved against its standard, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub standard: String,
    pub title: String,
    pub path: String,
    pub url: String,
    pub last_updated: String,
    pub section: String,
    pub quote: String,
}

impl Citation {
    /// "Application Security (application-development/common-dev/security.md, last
    /// updated 2024-03-19)".
    pub fn reference(&self) -> String {
        let date = self
            .last_updated
            .split_whitespace()
            .next()
            .unwrap_or(&self.last_updated);
        format!("{} ({}, last updated {date})", self.title, self.path)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ObligationResult {
    pub id: String,
    pub level: Level,
    pub scope: Scope,
    pub status: Status,
    /// Whether it applies, separately from whether it is met: an obligation can apply
    /// while the answer that shows it met is still missing.
    pub applies: Truth,
    pub title: String,
    /// Why it applies (or not) and why it is met (or not), then the requirement it comes
    /// from, in sentences a project lead can read.
    pub reasons: Vec<String>,
    pub involves: Vec<String>,
    pub guidance: String,
    pub evidence: Option<String>,
    pub requires_approval: Option<String>,
    /// Who must approve an exception when it is not met (see
    /// [`Obligation::exception_approver`]): a risk acceptance does not treat it.
    pub exception_approver: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EffectiveClassification {
    /// The value when it is settled.
    pub value: Option<String>,
    pub label: Option<String>,
    /// The lowest value it can still be: what a document must at least be marked.
    pub at_least: String,
    pub at_least_label: String,
    /// The highest value it can still be.
    pub at_most: String,
    pub at_most_label: String,
    pub declared: Option<String>,
    pub because: Vec<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeResult {
    pub id: String,
    pub severity: NoticeSeverity,
    pub title: String,
    pub text: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Questions asked (or possibly asked) with a real answer.
    pub answered: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
    /// Questions that are, or may yet be, asked.
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub effective_classification: Option<EffectiveClassification>,
    pub notices: Vec<NoticeResult>,
    pub obligations: Vec<ObligationResult>,
    /// For every question: asked (true), skipped (false) or depending on missing answers.
    pub asked: BTreeMap<String, Truth>,
    pub progress: Progress,
    /// Questions whose stored answer was given to an earlier wording or option list of
    /// the question: to confirm again. Filled from the assessment's records by
    /// `findings::evaluate`; empty when evaluating bare answers.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub reconfirm: BTreeSet<String>,
}

impl Evaluation {
    pub fn obligation(&self, id: &str) -> Option<&ObligationResult> {
        self.obligations.iter().find(|o| o.id == id)
    }

    /// The notices of severity "stop" that show: while there is one, the system is outside
    /// self-assessment, whatever the obligations say (the content decides when, for
    /// example SECRET and above).
    pub fn stops(&self) -> impl Iterator<Item = &NoticeResult> {
        self.notices
            .iter()
            .filter(|n| n.severity == NoticeSeverity::Stop)
    }
}

/// Evaluates everything for one set of answers.
pub fn evaluate(catalogue: &Catalogue, answers: &Answers) -> Evaluation {
    let facts = AnswerFacts::new(catalogue, answers);
    let asked: BTreeMap<String, Truth> = catalogue
        .questions
        .values()
        .map(|q| (q.id.clone(), facts.asked(q)))
        .collect();
    let progress = progress(&asked, answers);
    let notices = catalogue
        .notices
        .iter()
        .filter(|n| expr::evaluate(&n.show_if, &facts).truth == Truth::True)
        .map(|n| NoticeResult {
            id: n.id.clone(),
            severity: n.severity,
            title: n.title.clone(),
            text: n.text.clone(),
            contact: n.contact.clone(),
        })
        .collect();
    let obligations = catalogue
        .obligations
        .iter()
        .map(|o| evaluate_obligation(catalogue, &facts, o))
        .collect();
    Evaluation {
        effective_classification: effective_classification(catalogue, &facts),
        notices,
        obligations,
        asked,
        progress,
        reconfirm: BTreeSet::new(),
    }
}

fn progress(asked: &BTreeMap<String, Truth>, answers: &Answers) -> Progress {
    let mut result = Progress {
        answered: 0,
        dont_know: 0,
        total: 0,
    };
    for (id, truth) in asked {
        if *truth == Truth::False {
            continue;
        }
        result.total += 1;
        match answers.get(id) {
            Some(AnswerValue::DontKnow) => result.dont_know += 1,
            Some(_) => result.answered += 1,
            None => {}
        }
    }
    result
}

fn effective_classification(
    catalogue: &Catalogue,
    facts: &AnswerFacts<'_>,
) -> Option<EffectiveClassification> {
    let derived = catalogue.derived(EFFECTIVE_CLASSIFICATION)?;
    let from = catalogue.question(&derived.from)?;
    let range = facts.derived_range(derived)?;
    let value_at = |i: usize| from.options.get(i);
    let settled = range.low == range.high;
    Some(EffectiveClassification {
        value: settled
            .then(|| value_at(range.low).map(|o| o.value.clone()))
            .flatten(),
        label: settled
            .then(|| value_at(range.low).map(|o| o.label.clone()))
            .flatten(),
        at_least: value_at(range.low)
            .map(|o| o.value.clone())
            .unwrap_or_default(),
        at_least_label: value_at(range.low)
            .map(|o| o.label.clone())
            .unwrap_or_default(),
        at_most: value_at(range.high)
            .map(|o| o.value.clone())
            .unwrap_or_default(),
        at_most_label: value_at(range.high)
            .map(|o| o.label.clone())
            .unwrap_or_default(),
        declared: range.declared.and_then(value_at).map(|o| o.value.clone()),
        because: range.raised_because.clone(),
        explanation: capitalise(&describe_range(derived, from, &range)),
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn sentence(facts: &Outcome) -> String {
    sentence_of(facts)
}

pub fn citation(catalogue: &Catalogue, source: &Source) -> Citation {
    let standard = catalogue.standard_for(source);
    Citation {
        standard: source.standard.clone(),
        title: standard.map(|s| s.title.clone()).unwrap_or_default(),
        path: standard.map(|s| s.path.clone()).unwrap_or_default(),
        url: standard.map(|s| s.url.clone()).unwrap_or_default(),
        last_updated: standard.map(|s| s.last_updated.clone()).unwrap_or_default(),
        section: source.section.clone(),
        quote: source.quote.clone(),
    }
}

fn evaluate_obligation(
    catalogue: &Catalogue,
    facts: &AnswerFacts<'_>,
    obligation: &Obligation,
) -> ObligationResult {
    let applies = expr::evaluate(&obligation.applies_if, facts);
    let mut reasons = Vec::new();
    let status = match applies.truth {
        Truth::False => {
            reasons.push(format!("Does not apply because {}.", sentence(&applies)));
            Status::NotApplicable
        }
        Truth::Unknown => {
            reasons.push(format!(
                "May apply; not known yet because {}.",
                sentence(&applies)
            ));
            Status::Unknown
        }
        Truth::True => {
            reasons.push(if obligation.applies_if == Expr::Always {
                match obligation.scope {
                    Scope::System => String::from("Applies to every IT system and service."),
                    Scope::Organisation => String::from(
                        "The organisation's duty, not the project's: shown as context for every system it runs, it does not block the project.",
                    ),
                }
            } else {
                format!("Applies because {}.", sentence(&applies))
            });
            let met = expr::evaluate(&obligation.met_if, facts);
            let (status, lead) = match met.truth {
                Truth::True => (Status::Met, "Met"),
                Truth::False => (Status::NotMet, "Not met"),
                Truth::Unknown => (Status::Unknown, "Not known yet whether it is met"),
            };
            let detail = sentence(&met);
            reasons.push(if detail.is_empty() {
                format!("{lead}.")
            } else {
                format!("{lead}: {detail}.")
            });
            status
        }
    };
    let sources: Vec<Citation> = obligation
        .sources
        .iter()
        .map(|s| citation(catalogue, s))
        .collect();
    if let Some(first) = sources.first() {
        reasons.push(if obligation.level == Level::GoodPractice {
            format!(
                "{GOOD_PRACTICE_BASIS}{}, {}: \"{}\"",
                first.reference(),
                first.section,
                first.quote
            )
        } else {
            format!(
                "{REQUIRED_BY}{}, {}: \"{}\"",
                first.reference(),
                first.section,
                first.quote
            )
        });
    }
    ObligationResult {
        id: obligation.id.clone(),
        level: obligation.level,
        scope: obligation.scope,
        status,
        applies: applies.truth,
        title: obligation.title.clone(),
        reasons,
        involves: obligation.involves.clone(),
        guidance: obligation.guidance.clone(),
        evidence: obligation.evidence.clone(),
        requires_approval: obligation.requires_approval.clone(),
        exception_approver: obligation.exception_approver.clone(),
        sources,
    }
}
