//! Checking an assessment record against its own audit trail: the hash chain (an entry
//! edited, deleted, inserted or moved), every answer, review and finding against the pin
//! of its latest audit entry (something changed in a text editor rather than through
//! secassess), and the sign-off against the content it was pinned to. Pure; what `secassess
//! verify` reports.
//!
//! This detects edits made without recomputing the hashes. It does not prove who made a
//! change: identities are self-declared and anyone can recompute a chain. Signing the
//! sign-off with a key would be a later, additive step.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::audit::{self, Action};
use super::findings;
use super::index::{AuditIndex, FindingIds};
use super::record::{Assessment, AuditEntry};
use super::review::{self, REVIEW_ACTIONS, SIGN_OFF_SUBJECT};
use crate::text::shorten;

const ANSWER_ACTIONS: [Action; 3] = [
    Action::AnswerSet,
    Action::AnswerChanged,
    Action::NotesChanged,
];
const FINDING_ACTIONS: [Action; 2] = [Action::FindingCreated, Action::FindingChanged];

/// What a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The audit trail itself: an entry edited, deleted, inserted or moved.
    AuditChain,
    /// An answer that does not match its latest audit entry.
    Answer,
    /// A review that does not match its latest audit entry.
    Review,
    /// A finding that does not match its latest audit entry.
    Finding,
    /// The sign-off does not match the audit entry that recorded it.
    SignOff,
}

/// One thing that does not match, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// A question id, a finding id, "assessment" (the sign-off) or "audit".
    pub subject: String,
    /// 1-based position of the audit entry concerned, when there is one.
    pub entry: Option<usize>,
    /// What the audit trail says it should be (a hash).
    pub expected: String,
    /// What the file holds.
    pub found: String,
    pub message: String,
}

/// Where the sign-off stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum SignOffState {
    NotSignedOff,
    /// The content is what was signed off.
    Intact {
        signed_by: String,
        signed_at: DateTime<Utc>,
    },
    /// The content has changed since (through secassess or not): "changed since sign-off".
    ChangedSince {
        signed_by: String,
        signed_at: DateTime<Utc>,
        expected: String,
        found: String,
        /// Audit entries written after the sign-off.
        entries_after: usize,
    },
}

/// Everything `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub entries: usize,
    pub answers: usize,
    pub reviews: usize,
    pub findings: usize,
    pub sign_off: SignOffState,
    /// Review decisions made on an answer that has changed since (not tampering: shown
    /// so the reviewer knows).
    pub stale_reviews: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Report {
    /// Nothing edited outside secassess and nothing changed since the sign-off.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && !matches!(self.sign_off, SignOffState::ChangedSince { .. })
    }
}

/// The last entry about `subject` with one of `actions`, with its 1-based position.
pub fn last_entry<'a>(
    entries: &'a [AuditEntry],
    subject: &str,
    actions: &[Action],
) -> Option<(usize, &'a AuditEntry)> {
    entries
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| e.subject == subject && actions.iter().any(|a| a.name() == e.action))
        .map(|(i, e)| (i + 1, e))
}

fn describe(position: usize, entry: &AuditEntry) -> String {
    format!(
        "audit entry {position} ({} {} by {} at {})",
        shorten(&entry.action),
        shorten(&entry.subject),
        shorten(&entry.who),
        entry.at.to_rfc3339()
    )
}

/// The chain: each entry's hash over its content, and each `previous_hash` the hash of
/// the entry before (the first, [`audit::GENESIS`]). The same checks as
/// [`audit::verify_chain`], with what was expected and what was found.
fn chain_problems(entries: &[AuditEntry]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut expected_previous = audit::GENESIS.to_string();
    for (index, entry) in entries.iter().enumerate() {
        let position = index + 1;
        if entry.previous_hash != expected_previous {
            problems.push(Problem {
                kind: ProblemKind::AuditChain,
                subject: entry.subject.clone(),
                entry: Some(position),
                expected: expected_previous.clone(),
                found: entry.previous_hash.clone(),
                message: format!(
                    "{} does not follow the entry before it: an entry was deleted, inserted or moved just before it",
                    describe(position, entry)
                ),
            });
        }
        let computed = audit::entry_hash(entry);
        if computed != entry.hash {
            problems.push(Problem {
                kind: ProblemKind::AuditChain,
                subject: entry.subject.clone(),
                entry: Some(position),
                expected: computed,
                found: entry.hash.clone(),
                message: format!(
                    "{} was edited after it was written: its content does not match its hash",
                    describe(position, entry)
                ),
            });
        }
        expected_previous = entry.hash.clone();
    }
    problems
}

/// A thing in the file checked against the pin of its latest audit entry.
struct Pinned<'a> {
    kind: ProblemKind,
    what: &'static str,
    subject: &'a str,
    hash: String,
    actions: &'a [Action],
}

fn pin_problem(audit: &AuditIndex<'_>, p: Pinned<'_>) -> Option<Problem> {
    match audit.last_entry(p.subject, p.actions) {
        None => Some(Problem {
            kind: p.kind,
            subject: p.subject.to_string(),
            entry: None,
            expected: String::from("(no audit entry)"),
            found: p.hash,
            message: format!(
                "the {} '{}' is not in the audit trail: it was added outside secassess",
                p.what,
                shorten(p.subject)
            ),
        }),
        Some((position, entry)) if entry.pin != p.hash => Some(Problem {
            kind: p.kind,
            subject: p.subject.to_string(),
            entry: Some(position),
            expected: entry.pin.clone(),
            found: p.hash,
            message: format!(
                "the {} '{}' was changed outside secassess: it does not match {}, its latest recorded change",
                p.what,
                shorten(p.subject),
                describe(position, entry)
            ),
        }),
        Some(_) => None,
    }
}

/// Audit subjects with entries of `actions` whose thing is missing from the file.
fn removed(
    audit: &AuditIndex<'_>,
    actions: &[Action],
    exists: impl Fn(&str) -> bool,
    kind: ProblemKind,
    what: &str,
) -> Vec<Problem> {
    audit
        .subjects(actions)
        .into_iter()
        .filter(|s| !exists(s))
        .filter_map(|s| {
            let (position, entry) = audit.last_entry(s, actions)?;
            Some(Problem {
                kind,
                subject: s.to_string(),
                entry: Some(position),
                expected: entry.pin.clone(),
                found: String::from("(missing)"),
                message: format!(
                    "the {what} '{}' recorded in {} is missing from the file: it was removed outside secassess",
                    shorten(s),
                    describe(position, entry)
                ),
            })
        })
        .collect()
}

fn sign_off_check(assessment: &Assessment, problems: &mut Vec<Problem>) -> SignOffState {
    let Some(sign_off) = &assessment.sign_off else {
        return SignOffState::NotSignedOff;
    };
    let entries = &assessment.audit;
    let recorded = last_entry(entries, SIGN_OFF_SUBJECT, &[Action::SignOff]);
    match recorded {
        None => problems.push(Problem {
            kind: ProblemKind::SignOff,
            subject: SIGN_OFF_SUBJECT.to_string(),
            entry: None,
            expected: String::from("(no audit entry)"),
            found: sign_off.content_hash.clone(),
            message: String::from(
                "the sign-off is not in the audit trail: it was added outside secassess",
            ),
        }),
        Some((position, entry)) => {
            let mut mismatches = Vec::new();
            if entry.pin != sign_off.content_hash {
                mismatches.push((
                    "content hash",
                    entry.pin.clone(),
                    sign_off.content_hash.clone(),
                ));
            }
            if entry.who != sign_off.signed_by.signature() {
                mismatches.push((
                    "signed by",
                    entry.who.clone(),
                    sign_off.signed_by.signature(),
                ));
            }
            if entry.at != sign_off.signed_at {
                mismatches.push((
                    "signed at",
                    entry.at.to_rfc3339(),
                    sign_off.signed_at.to_rfc3339(),
                ));
            }
            if entry.new != sign_off.statement {
                mismatches.push(("statement", entry.new.clone(), sign_off.statement.clone()));
            }
            for (field, expected, found) in mismatches {
                problems.push(Problem {
                    kind: ProblemKind::SignOff,
                    subject: SIGN_OFF_SUBJECT.to_string(),
                    entry: Some(position),
                    expected,
                    found,
                    message: format!(
                        "the sign-off's {field} was changed outside secassess: it does not match {}",
                        describe(position, entry)
                    ),
                });
            }
        }
    }
    let found = review::content_hash(assessment);
    let signed_by = sign_off.signed_by.signature();
    if found == sign_off.content_hash {
        SignOffState::Intact {
            signed_by,
            signed_at: sign_off.signed_at,
        }
    } else {
        SignOffState::ChangedSince {
            signed_by,
            signed_at: sign_off.signed_at,
            expected: sign_off.content_hash.clone(),
            found,
            entries_after: recorded.map_or(0, |(position, _)| entries.len() - position),
        }
    }
}

/// Checks everything; see the module documentation.
pub fn verify(assessment: &Assessment) -> Report {
    let entries = &assessment.audit;
    let audit = AuditIndex::new(entries);
    let finding_ids = FindingIds::new(&assessment.findings);
    let mut problems = chain_problems(entries);
    let mut answers = 0;
    for (id, record) in &assessment.answers {
        if !review::has_answer(record) && record.notes.is_empty() {
            // Only an "answer later" mark: not audited.
            continue;
        }
        answers += 1;
        problems.extend(pin_problem(
            &audit,
            Pinned {
                kind: ProblemKind::Answer,
                what: "answer to",
                subject: id,
                hash: audit::answer_hash(record),
                actions: &ANSWER_ACTIONS,
            },
        ));
    }
    problems.extend(removed(
        &audit,
        &ANSWER_ACTIONS,
        |s| assessment.answers.contains_key(s),
        ProblemKind::Answer,
        "answer to",
    ));
    for (id, review) in &assessment.reviews {
        problems.extend(pin_problem(
            &audit,
            Pinned {
                kind: ProblemKind::Review,
                what: "review of",
                subject: id,
                hash: review::review_hash(review),
                actions: &REVIEW_ACTIONS,
            },
        ));
    }
    problems.extend(removed(
        &audit,
        &REVIEW_ACTIONS,
        |s| assessment.reviews.contains_key(s),
        ProblemKind::Review,
        "review of",
    ));
    for finding in &assessment.findings {
        if finding_ids.count(&finding.id) != 1 {
            // Duplicate ids are reported by the findings register's own checks.
            continue;
        }
        problems.extend(pin_problem(
            &audit,
            Pinned {
                kind: ProblemKind::Finding,
                what: "finding",
                subject: &finding.id,
                hash: findings::finding_hash(finding),
                actions: &FINDING_ACTIONS,
            },
        ));
    }
    problems.extend(removed(
        &audit,
        &FINDING_ACTIONS,
        |s| finding_ids.contains(s),
        ProblemKind::Finding,
        "finding",
    ));
    let sign_off = sign_off_check(assessment, &mut problems);
    let stale_reviews = assessment
        .reviews
        .keys()
        .filter(|id| review::status(assessment, id).stale)
        .cloned()
        .collect();
    Report {
        entries: entries.len(),
        answers,
        reviews: assessment.reviews.len(),
        findings: assessment.findings.len(),
        sign_off,
        stale_reviews,
        problems,
    }
}

#[cfg(test)]
mod tests;
