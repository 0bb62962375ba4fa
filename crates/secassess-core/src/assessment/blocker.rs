//! What stands in the way of a sign-off: one [`Blocker`] per unanswered question, open
//! query, untreated finding, failing gate or integrity problem. Its own file, below both
//! `review` (which refuses a sign-off with the blockers) and `sign_off` (which finds them,
//! [`super::sign_off::readiness`]), so neither imports the other for it.

use serde::Serialize;

/// What one blocker is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockerKind {
    /// An asked question with no answer yet.
    NotAnswered,
    /// Answered "don't know yet": not an answer a reviewer can accept.
    DontKnow,
    /// Flagged by the lead to come back to.
    Flagged,
    /// An answer with no review decision.
    NotReviewed,
    /// A query on the question is still open, answered or not.
    OpenQuery,
    /// The query was resolved, but the answer has not been accepted since.
    QueryNotAccepted,
    /// The decision was made on an answer that has changed since (a changed evidence file
    /// is [`BlockerKind::EvidenceChanged`] instead).
    Stale,
    /// A local evidence file changed, went missing or cannot be read since it was attached.
    EvidenceChanged,
    /// A finding not treated ([`finding_treatment`](super::sign_off::finding_treatment)): open, overdue, escalated with no
    /// decision, or with a consistency problem.
    Finding,
    /// The pipeline gate (`findings::gate`) does not pass: a MUST obligation is neither
    /// met nor treated as `check` requires.
    Gate,
    /// The file does not match its audit trail ([`record_problems`](super::integrity::record_problems); a problem
    /// with the sign-off being replaced is not one).
    Integrity,
}

/// One thing that stops a sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// What kind of thing stands in the way.
    pub kind: BlockerKind,
    /// A question id, a finding id, an obligation id, or what an integrity problem is about.
    pub subject: String,
    /// Why it stands in the way and what to do, in words.
    pub reason: String,
}
