//! What `secassess verify` reports: the integrity problems of a record against its own
//! audit trail ([`integrity`](super::integrity), re-exported here) and then where the
//! sign-off stands ([`sign_off::state`]), with the reviews made stale since. Pure.
//!
//! This detects edits made without recomputing the hashes. It does not prove who made a
//! change: identities are self-declared and anyone can recompute a chain. What proves
//! who signed a sign-off is its SSH signature, checked against an allowed-signers file
//! (`signature`).

use serde::Serialize;

use super::record::{has_answer, Assessment};
use super::review;
use super::sign_off::{self, Judged};

pub use super::integrity::{record_problems, Problem, ProblemKind};
pub use super::sign_off::SignOffState;

/// Everything `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How many audit entries the file holds.
    pub entries: usize,
    /// How many answer records hold an answer or notes (an "answer later" mark alone is
    /// not audited, so not counted).
    pub answers: usize,
    /// How many review records the file holds, whatever their decision.
    pub reviews: usize,
    /// How many findings the register holds.
    pub findings: usize,
    /// Where the sign-off stands ([`sign_off::state`]).
    pub sign_off: SignOffState,
    /// Question ids, sorted, of review decisions made on an answer, or a local evidence
    /// file, that has changed since (not tampering: shown so the reviewer knows).
    pub stale_reviews: Vec<String>,
    /// Everything that does not match, in this order: the chain, the assessment's own
    /// details, answers, reviews, findings, the sign-off, signatures. Empty when nothing
    /// was edited outside secassess.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Nothing edited outside secassess, and a sign-off (if any) that still holds.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && !self.sign_off.broken()
    }
}

/// Checks everything, and where the sign-off stands as `judged` (the catalogue, the
/// evidence files as found, today): see the module documentation.
pub fn verify(assessment: &Assessment, judged: &Judged<'_>) -> Report {
    let problems = record_problems(assessment);
    let sign_off = sign_off::state(assessment, judged, &problems);
    let stale_reviews = assessment
        .reviews
        .keys()
        .filter(|id| review::status(assessment, id, judged.evidence).stale)
        .cloned()
        .collect();
    Report {
        entries: assessment.audit.len(),
        answers: assessment
            .answers
            .values()
            .filter(|r| has_answer(r) || !r.notes.is_empty())
            .count(),
        reviews: assessment.reviews.len(),
        findings: assessment.findings.len(),
        sign_off,
        stale_reviews,
        problems,
    }
}

#[cfg(test)]
mod tests;
