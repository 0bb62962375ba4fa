//! The evidence pack's own protective marking ([`pack_marking`]): the effective
//! classification, raised to at least OFFICIAL-SENSITIVE when the pack lists open
//! weaknesses ([`weaknesses_listed`]), raised further on request, never lowered. The
//! portfolio marks its register with the same rule.

use chrono::NaiveDate;

use super::words::clean_line;
use crate::assessment::findings;
use crate::assessment::index::ProblemsByFinding;
use crate::assessment::record::Assessment;
use crate::assessment::sign_off;
use crate::questionnaire::model::{Catalogue, Choice};
use crate::rules::{Status, EFFECTIVE_CLASSIFICATION};

/// The marking of an assessment whose classification is not known: all government
/// information is at least OFFICIAL.
pub const DEFAULT_MARKING: &str = "OFFICIAL";

/// Why a pack could not be made: the only refusal is a marking the user asked for
/// (`--marking`) that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    /// The marking asked for is lower than the pack's content needs: a document may be
    /// marked higher than its content, never lower.
    #[error("the marking '{requested}' is lower than this pack needs, {minimum} ({reason}); a document may be marked higher than its content, never lower. Leave --marking out or give {minimum} or higher")]
    MarkingTooLow {
        /// The marking as the user gave it (sanitised for the terminal).
        requested: String,
        /// The lowest marking allowed, as printed ("OFFICIAL-SENSITIVE").
        minimum: String,
        /// Why that is the minimum, in words.
        reason: String,
    },
    /// The marking asked for is none of the classification question's options.
    #[error(
        "'{requested}' is not a protective marking the questionnaires know; use one of: {known}"
    )]
    UnknownMarking {
        /// The marking as the user gave it (sanitised for the terminal).
        requested: String,
        /// The markings that would be accepted, by label, comma-separated.
        known: String,
    },
}

/// The marking at least of a pack that lists a system's open weaknesses (unmet
/// obligations, untreated findings): secassess policy, after the Government Security
/// Classifications' guidance that an OFFICIAL system's list of its own open gaps is
/// normally handled as OFFICIAL-SENSITIVE. A value of the classification question.
pub const WEAKNESSES_MARKING: &str = "official-sensitive";

/// What a pack lists that makes it sensitive in itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weaknesses {
    /// Obligations the pack shows as not met (the organisation's included).
    pub unmet_obligations: usize,
    /// Findings not treated (in the sign-off's sense).
    pub untreated_findings: usize,
}

/// The weaknesses a pack of assessment `a` lists, as [`build`](super::build) counts them for its
/// marking: obligations not met once findings are taken into account (`standings`), and
/// findings not treated in the sign-off's sense, judged on `today`. `problems` are
/// [`findings::check_consistency`]'s. The portfolio marks its rows and its register with
/// this, so a register is never marked lower than the packs it lists.
pub fn weaknesses_listed(
    a: &Assessment,
    catalogue: &Catalogue,
    evaluation: &crate::rules::Evaluation,
    problems: &[findings::ConsistencyProblem],
    today: NaiveDate,
) -> Weaknesses {
    let standings = findings::standings(&a.findings, problems, catalogue, evaluation, today);
    let unmet_obligations = evaluation
        .obligations
        .iter()
        .filter(|o| {
            standings
                .iter()
                .find(|s| s.obligation == o.id)
                .map_or(o.status, |s| s.status)
                == Status::NotMet
        })
        .count();
    // Indexed once, so a register of 60,000 findings is not scanned per finding.
    let by_finding = ProblemsByFinding::new(problems);
    let untreated_findings = a
        .findings
        .iter()
        .filter(|f| sign_off::finding_treatment(f, &by_finding, today).is_err())
        .count();
    Weaknesses {
        unmet_obligations,
        untreated_findings,
    }
}

/// The pack's own protective marking and why it has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackMarking {
    /// "OFFICIAL-SENSITIVE", as printed on every page.
    pub marking: String,
    /// Why, in words: "the effective classification", "raised from OFFICIAL because ...".
    pub reason: String,
}

/// The marking rule, one pure function: the pack is marked with the effective
/// classification (`classification`: a value of the classification question, its lowest
/// possible value while unsettled; OFFICIAL when unknown), raised to at least
/// [`WEAKNESSES_MARKING`] when it lists unmet obligations or untreated findings, and
/// raised further when the user asks (`requested`, a value or label, any case). `levels`
/// are the classification question's options, lowest first. Never lowered: a request
/// below the minimum is [`ReportError::MarkingTooLow`], an unknown one
/// [`ReportError::UnknownMarking`].
pub fn pack_marking(
    levels: &[Choice],
    classification: Option<&str>,
    weaknesses: Weaknesses,
    requested: Option<&str>,
) -> Result<PackMarking, ReportError> {
    let label = |i: usize| {
        levels
            .get(i)
            .map(|o| o.label.to_uppercase())
            .unwrap_or_else(|| DEFAULT_MARKING.to_string())
    };
    let find = |wanted: &str| {
        levels.iter().position(|o| {
            o.value.eq_ignore_ascii_case(wanted) || o.label.eq_ignore_ascii_case(wanted)
        })
    };
    let classified = classification.and_then(find);
    let classification_words = match classified {
        Some(i) => format!("the effective classification, {}", label(i)),
        None => format!("{DEFAULT_MARKING}: the classification is not answered yet"),
    };
    let (mut minimum, mut reason) = (classified, classification_words.clone());
    let sensitive = find(WEAKNESSES_MARKING);
    let listed = weaknesses.unmet_obligations + weaknesses.untreated_findings > 0;
    if let Some(s) = sensitive.filter(|s| listed && minimum.is_none_or(|m| m < *s)) {
        let mut what = Vec::new();
        if weaknesses.unmet_obligations > 0 {
            what.push(format!(
                "{} unmet obligation(s)",
                weaknesses.unmet_obligations
            ));
        }
        if weaknesses.untreated_findings > 0 {
            what.push(format!(
                "{} untreated finding(s)",
                weaknesses.untreated_findings
            ));
        }
        reason = format!(
            "raised from {} ({classification_words}) because this pack lists {}: a pack listing a system's open weaknesses is handled as at least {} (secassess policy)",
            classified.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            what.join(" and "),
            label(s)
        );
        minimum = Some(s);
    } else if listed {
        reason.push_str(", which already covers the open weaknesses this pack lists");
    }
    let Some(requested) = requested else {
        return Ok(PackMarking {
            marking: minimum.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            reason,
        });
    };
    let Some(index) = find(requested.trim()) else {
        return Err(ReportError::UnknownMarking {
            requested: clean_line(requested),
            known: levels
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if minimum.is_some_and(|m| index < m) {
        return Err(ReportError::MarkingTooLow {
            requested: clean_line(requested),
            minimum: minimum.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            reason,
        });
    }
    if minimum == Some(index) {
        return Ok(PackMarking {
            marking: label(index),
            reason,
        });
    }
    Ok(PackMarking {
        marking: label(index),
        reason: format!("raised with --marking (without it: {reason})"),
    })
}

/// The classification question's options, lowest first: the scale markings are on.
pub fn marking_levels(catalogue: &Catalogue) -> Vec<Choice> {
    catalogue
        .derived(EFFECTIVE_CLASSIFICATION)
        .and_then(|d| catalogue.question(&d.from))
        .map(|q| q.options.clone())
        .unwrap_or_default()
}
