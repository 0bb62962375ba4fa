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
/// its name only to report it prominently; how it is worked out is in the content
/// (`questionnaires/00-profile.toml`: the declared classification, raised to
/// OFFICIAL-SENSITIVE for personal or commercially sensitive data).
pub const EFFECTIVE_CLASSIFICATION: &str = "effective_classification";

/// How the last reason of an obligation that cites a source begins, so a document that
/// quotes the sources elsewhere can leave that reason out.
pub const REQUIRED_BY: &str = "Required by ";

/// How that reason begins for good practice, which no requirement sentence demands.
pub const GOOD_PRACTICE_BASIS: &str =
    "Good practice, not a requirement of the standards; it supports ";

/// Where an obligation stands for one set of answers. Ordered as documents list them:
/// not met, unknown, met, not applicable. Serialised in kebab case (`not-met`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// It applies and its `met_if` is false; or, once findings are applied
    /// (`assessment::findings::evaluate`), it needs a pre-approval that is not recorded.
    /// Findings can treat it; only answers (or the recorded approval) make it met.
    NotMet,
    /// Whether it applies, or whether it is met, depends on answers not given yet,
    /// answered "don't know yet", or that do not fit their question.
    Unknown,
    /// It applies and its `met_if` is true.
    Met,
    /// Its `applies_if` is false for this system.
    NotApplicable,
}

impl Status {
    /// The status as text and JSON give it: `not-met`, `unknown`, `met`,
    /// `not-applicable`.
    pub fn name(self) -> &'static str {
        match self {
            Status::NotApplicable => "not-applicable",
            Status::Met => "met",
            Status::NotMet => "not-met",
            Status::Unknown => "unknown",
        }
    }
}

/// A citation resolved against its standard, ready to show: the [`Source`] with the
/// standard's details copied in, so a reader of the JSON or the pack needs nothing else.
/// The standard's fields are empty strings if it is unknown (never for a loaded
/// catalogue, whose loader refuses unknown standards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The standard's id, e.g. `application-security`.
    pub standard: String,
    /// The standard's title, e.g. "Application Security".
    pub title: String,
    /// The page's path in the nhsengland/it-standards repository.
    pub path: String,
    /// The page's address online.
    pub url: String,
    /// The page's `lastUpdated` as written in the content, e.g. `2024-03-19 10:22:52`.
    pub last_updated: String,
    /// The heading the sentence sits under.
    pub section: String,
    /// The requirement, word for word.
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

/// One obligation evaluated against the answers: its status and why, with what a front
/// end or the pack shows beside it. Copied from the [`Obligation`] where not said
/// otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationResult {
    /// The obligation's stable id, e.g. `mfa-elevated-accounts`.
    pub id: String,
    /// How binding it is.
    pub level: Level,
    /// Whose duty it is.
    pub scope: Scope,
    /// Where it stands.
    pub status: Status,
    /// Whether it applies, separately from whether it is met: an obligation can apply
    /// while the answer that shows it met is still missing.
    pub applies: Truth,
    /// What must be done, in one line.
    pub title: String,
    /// Why it applies (or not) and why it is met (or not), then the requirement it comes
    /// from, in sentences a project lead can read.
    ///
    /// In order, each a full sentence: "Applies because ...", "Does not apply because
    /// ...", "May apply; not known yet because ...", or for `applies_if = "always"` a
    /// sentence saying it applies to every system (or is the organisation's duty); then,
    /// when it applies, "Met: ...", "Not met: ..." or "Not known yet whether it is met:
    /// ..."; last, when it has a source, [`REQUIRED_BY`] (or [`GOOD_PRACTICE_BASIS`])
    /// with the first source's reference, section and quote.
    pub reasons: Vec<String>,
    /// Roles who take part in meeting it.
    pub involves: Vec<String>,
    /// What the project must do to meet it, in plain English.
    pub guidance: String,
    /// The id of the evidence question that supports it, if any.
    pub evidence: Option<String>,
    /// Who must pre-approve it, when the obligation is itself an exception the standard
    /// requires pre-approved (see [`Obligation::requires_approval`]).
    pub requires_approval: Option<String>,
    /// Who must approve an exception when it is not met (see
    /// [`Obligation::exception_approver`]): a risk acceptance does not treat it.
    pub exception_approver: Option<String>,
    /// Every sentence it rests on, resolved against its standard.
    pub sources: Vec<Citation>,
}

/// The effective classification worked out from the answers (the derived value
/// [`EFFECTIVE_CLASSIFICATION`]). In the embedded content it is the declared
/// classification raised by what the system handles, after NHS England's Application
/// Security standard, which counts "commercially sensitive or personally identifiable
/// information" among "information classified at OFFICIAL-SENSITIVE or above". While
/// answers are missing it is a range. Values are
/// option values of the classification question (`official-sensitive`), labels its
/// labels ("OFFICIAL-SENSITIVE").
#[derive(Debug, Clone, Serialize)]
pub struct EffectiveClassification {
    /// The value when it is settled (both ends of the range agree); `None` while not.
    pub value: Option<String>,
    /// The label of `value`, when settled.
    pub label: Option<String>,
    /// The lowest value it can still be: what a document must at least be marked.
    pub at_least: String,
    /// The label of `at_least`.
    pub at_least_label: String,
    /// The highest value it can still be.
    pub at_most: String,
    /// The label of `at_most`.
    pub at_most_label: String,
    /// The answer to the classification question (an option value), when it is asked
    /// and answered with an option; `None` when unanswered or "don't know yet".
    pub declared: Option<String>,
    /// Why it is raised above the declared value: the `because` clauses of the raises
    /// that hold and reach the value, in content order ("it handles personal data");
    /// two raises to the same value both give a clause, and a raise to a lower value
    /// than another that holds gives none.
    pub because: Vec<String>,
    /// The whole story as one sentence starting with a capital, e.g. "Effective
    /// classification is OFFICIAL-SENSITIVE (declared OFFICIAL, treated as
    /// OFFICIAL-SENSITIVE because it handles personal data)", or, while unsettled, both
    /// ends and what it depends on.
    pub explanation: String,
}

/// A notice that shows for these answers (its `show_if` is true), copied from the
/// content's [`Notice`](crate::questionnaire::model::Notice).
#[derive(Debug, Clone, Serialize)]
pub struct NoticeResult {
    /// The notice's stable id, e.g. `secret-out-of-scope`.
    pub id: String,
    /// How much it matters; `Stop` takes the system out of self-assessment.
    pub severity: NoticeSeverity,
    /// One line saying what it is about.
    pub title: String,
    /// What it means and what to do.
    pub text: String,
    /// Who to talk to, if the content names someone.
    pub contact: Option<String>,
}

/// How far the questions are answered, counting only questions that are or may yet be
/// asked (a question skipped by its `ask_if` does not count).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Questions asked (or possibly asked) with a real answer.
    pub answered: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
    /// Questions that are, or may yet be, asked.
    pub total: usize,
}

/// Everything the rules work out for one set of answers ([`evaluate`]): what every front
/// end, `check`, the pack and sign-off read.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The effective classification; `None` when the catalogue has no derived value
    /// [`EFFECTIVE_CLASSIFICATION`] (or its source question is missing).
    pub effective_classification: Option<EffectiveClassification>,
    /// The notices that show (their `show_if` is true, not merely unknown), in content
    /// order.
    pub notices: Vec<NoticeResult>,
    /// Every obligation of the catalogue, in content order, whatever its status.
    pub obligations: Vec<ObligationResult>,
    /// For every question: asked (true), skipped (false) or depending on missing answers.
    pub asked: BTreeMap<String, Truth>,
    /// How far the questions are answered.
    pub progress: Progress,
    /// Questions whose stored answer was given to an earlier wording or option list of
    /// the question: to confirm again. Filled from the assessment's records by
    /// `findings::evaluate`; empty when evaluating bare answers.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub reconfirm: BTreeSet<String>,
}

impl Evaluation {
    /// The result for the obligation with this id; `None` when the catalogue has no such
    /// obligation.
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

/// Evaluates everything for one set of answers (by question id; an answer to a question
/// the catalogue lacks is ignored): which questions are asked, the effective
/// classification, the notices that show and every obligation's status with its
/// reasons. Pure and total: never fails, same input, same output. `reconfirm` is left
/// empty and pre-approvals are not applied; `assessment::findings::evaluate` adds both
/// for an assessment, and is what front ends call.
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

/// Resolves a citation against the catalogue's standards (see [`Citation`] for a
/// standard it does not know).
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
