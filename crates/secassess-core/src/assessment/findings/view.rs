//! A finding with what is worked out about it, for lists and exports ([`views`]): its
//! treatment in words, passed dates, escalation flag, consistency problems, and whether
//! its obligations still apply ([`no_longer_applies`]).

use chrono::NaiveDate;
use serde::Serialize;

use super::register::ConsistencyProblem;
use super::treatment::{needs_escalation, overdue, treatment_summary, Overdue};
use crate::assessment::index::ProblemsByFinding;
use crate::assessment::record::{Assessment, Finding, FindingStatus};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::Catalogue;
use crate::rules::{Evaluation, ObligationResult};

/// When every obligation a finding is about no longer applies to the system (and it is
/// not closed): why, and the suggestion to close it. `None` otherwise, and for a finding
/// raised by hand (no obligation). The evaluation should come from [`evaluate`](super::evaluate).
pub fn no_longer_applies(finding: &Finding, evaluation: &Evaluation) -> Option<String> {
    if finding.status == FindingStatus::Closed || finding.obligations.is_empty() {
        return None;
    }
    let results: Vec<&ObligationResult> = finding
        .obligations
        .iter()
        .map(|id| evaluation.obligation(id))
        .collect::<Option<Vec<_>>>()?;
    if !results.iter().all(|o| o.applies == Truth::False) {
        return None;
    }
    let why: Vec<String> = results
        .iter()
        .map(|o| {
            let reason = o.reasons.first().map_or(String::new(), |r| {
                let r = r.trim_end_matches('.');
                let mut chars = r.chars();
                chars
                    .next()
                    .map(|c| c.to_lowercase().chain(chars).collect())
                    .unwrap_or_default()
            });
            format!("{} ({reason})", o.id)
        })
        .collect();
    Some(format!(
        "its obligation no longer applies to this system: {}; if the gap it recorded has gone, close it (secassess finding close FILE {})",
        why.join(", "),
        finding.id
    ))
}

/// A finding with what is worked out about it, for lists and exports.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView<'a> {
    /// The finding as recorded; its fields are serialised at the top level.
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// What is recorded to treat it, in words ("none" when nothing is).
    pub treatment: String,
    /// Its passed dates ([`overdue`](super::overdue)); empty when none has passed.
    pub overdue: Vec<Overdue>,
    /// Its risk acceptance is flagged for escalation
    /// ([`needs_escalation`](super::needs_escalation)).
    pub needs_escalation: bool,
    /// Its consistency problems; a finding with any treats nothing.
    pub problems: Vec<ConsistencyProblem>,
    /// Its obligations no longer apply: why, and the suggestion to close it
    /// ([`no_longer_applies`]).
    pub no_longer_applies: Option<String>,
}

/// Every finding with its overdue dates, escalation flag and consistency problems.
pub fn views<'a>(
    assessment: &'a Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    problems: &[ConsistencyProblem],
    today: NaiveDate,
) -> Vec<FindingView<'a>> {
    let by_finding = ProblemsByFinding::new(problems);
    assessment
        .findings
        .iter()
        .map(|f| FindingView {
            finding: f,
            treatment: treatment_summary(f, today),
            overdue: overdue(f, today),
            needs_escalation: needs_escalation(f, catalogue, evaluation),
            no_longer_applies: no_longer_applies(f, evaluation),
            problems: by_finding.of(&f.id).iter().map(|p| (*p).clone()).collect(),
        })
        .collect()
}
