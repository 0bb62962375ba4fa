//! Checking an assessment record against its own audit trail: the hash chain (an entry
//! edited, deleted, inserted or moved); the assessment's own details (system, assessor,
//! creation time, questionnaires, last change) against the entries that pin them; every
//! answer (content, who and when), review and finding against its latest audit entry;
//! finding ids used twice or never recorded; the sign-off against the entry that recorded
//! it (its role and signing key included), or missing while its entry stays; SSH
//! signatures that do not verify over what they say they sign ([`signature::tampering`]).
//! Then where the sign-off stands ([`sign_off::state`]). Pure; what `secassess verify`
//! reports.
//!
//! This detects edits made without recomputing the hashes. It does not prove who made a
//! change: identities are self-declared and anyone can recompute a chain. What proves
//! who signed a sign-off is its SSH signature, checked against an allowed-signers file
//! (`signature`).

use serde::Serialize;

use super::audit::HEADER_ACTIONS;
use super::audit::{self, Action};
use super::findings;
use super::index::{AuditIndex, FindingIds};
use super::record::{header_fields, pin_fields, Assessment, AuditEntry};
use super::review::{self, REVIEW_ACTIONS};
use super::sign_off::{self, Judged, SIGN_OFF_SUBJECT};
use super::signature;

pub use super::sign_off::SignOffState;

use crate::text::shorten;

const ANSWER_ACTIONS: [Action; 3] = [
    Action::AnswerSet,
    Action::AnswerChanged,
    Action::NotesChanged,
];
/// The entries that set an answer, and so its `answered_by` and `answered_at`.
const ANSWER_SET_ACTIONS: [Action; 2] = [Action::AnswerSet, Action::AnswerChanged];
const FINDING_ACTIONS: [Action; 2] = [Action::FindingCreated, Action::FindingChanged];

/// What a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The audit trail itself: an entry edited, deleted, inserted or moved.
    AuditChain,
    /// The assessment's own details: system, assessor, creation time, questionnaires,
    /// time of the last change.
    Header,
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
    /// What it is about.
    pub kind: ProblemKind,
    /// A question id, a finding id, "assessment" (the sign-off) or "audit".
    pub subject: String,
    /// 1-based position of the audit entry concerned, when there is one.
    pub entry: Option<usize>,
    /// What the audit trail says it should be (a hash).
    pub expected: String,
    /// What the file holds.
    pub found: String,
    /// The problem in words: what does not match, the audit entry concerned, and what
    /// happened (changed, added or removed outside secassess).
    pub message: String,
}

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

/// The last entry about `subject` with one of `actions`, with its 1-based position.
pub(crate) fn last_entry<'a>(
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

/// The assessment's own details against the latest entry that pinned them (its
/// creation, a change to the system, a questionnaire upgrade, a format migration), field
/// by field; and the time of the last change against the last audit entry.
fn header_problems(assessment: &Assessment, problems: &mut Vec<Problem>) {
    let entries = &assessment.audit;
    match last_entry(entries, SIGN_OFF_SUBJECT, &HEADER_ACTIONS) {
        None => problems.push(Problem {
            kind: ProblemKind::Header,
            subject: String::from("assessment"),
            entry: None,
            expected: String::from("(no audit entry)"),
            found: super::record::header_pin(assessment),
            message: String::from(
                "the assessment's creation is not in the audit trail, so its system name and description, assessor, creation time and questionnaires cannot be checked: the entry was removed, or the file was made outside secassess",
            ),
        }),
        Some((position, entry)) => {
            let recorded = pin_fields(&entry.pin);
            for (field, hash) in header_fields(assessment) {
                let expected = recorded
                    .iter()
                    .find(|(k, _)| *k == field)
                    .map_or("(not recorded)", |(_, v)| v);
                if expected != hash {
                    problems.push(Problem {
                        kind: ProblemKind::Header,
                        subject: field.to_string(),
                        entry: Some(position),
                        expected: expected.to_string(),
                        found: hash,
                        message: format!(
                            "the assessment's {field} was changed outside secassess: it does not match {}, the latest entry that recorded it",
                            describe(position, entry)
                        ),
                    });
                }
            }
        }
    }
    if let Some(last) = entries.last() {
        if assessment.updated_at != last.at {
            problems.push(Problem {
                kind: ProblemKind::Header,
                subject: String::from("updated_at"),
                entry: Some(entries.len()),
                expected: last.at.to_rfc3339(),
                found: assessment.updated_at.to_rfc3339(),
                message: format!(
                    "the assessment's updated_at (its last change, shown in the evidence pack) was changed outside secassess: it is not the time of {}, the last entry",
                    describe(entries.len(), last)
                ),
            });
        }
    }
}

/// Who gave an answer and when, against the entry that set it.
fn answered_problems(
    audit: &AuditIndex<'_>,
    id: &str,
    record: &super::record::AnswerRecord,
    problems: &mut Vec<Problem>,
) {
    let Some((position, entry)) = audit.last_entry(id, &ANSWER_SET_ACTIONS) else {
        return;
    };
    let checks = [
        ("answered_by", entry.who.clone(), record.answered_by.clone()),
        (
            "answered_at",
            entry.at.to_rfc3339(),
            record.answered_at.to_rfc3339(),
        ),
    ];
    for (field, expected, found) in checks {
        if expected != found {
            problems.push(Problem {
                kind: ProblemKind::Answer,
                subject: id.to_string(),
                entry: Some(position),
                message: format!(
                    "the {field} of the answer to '{}' was changed outside secassess: it does not match {}, which set the answer",
                    shorten(id),
                    describe(position, entry)
                ),
                expected,
                found,
            });
        }
    }
}

/// The sign-off against the entry that recorded it, or a recorded sign-off missing.
fn sign_off_problems(assessment: &Assessment, problems: &mut Vec<Problem>) {
    let entries = &assessment.audit;
    let recorded = last_entry(entries, SIGN_OFF_SUBJECT, &[Action::SignOff]);
    let problem = |entry, expected: String, found: String, message: String| Problem {
        kind: ProblemKind::SignOff,
        subject: SIGN_OFF_SUBJECT.to_string(),
        entry,
        expected,
        found,
        message,
    };
    let (sign_off, (position, entry)) = match (&assessment.sign_off, recorded) {
        (None, None) => return,
        (Some(s), None) => {
            problems.push(problem(
                None,
                String::from("(no audit entry)"),
                s.content_hash.clone(),
                String::from(
                    "the sign-off is not in the audit trail: it was added outside secassess",
                ),
            ));
            return;
        }
        (None, Some((position, entry))) => {
            problems.push(problem(
                Some(position),
                entry.pin.clone(),
                String::from("(missing)"),
                format!(
                    "the sign-off recorded in {} is missing from the file: the [sign_off] table was removed outside secassess",
                    describe(position, entry)
                ),
            ));
            return;
        }
        (Some(s), Some(found)) => (s, found),
    };
    let pin = sign_off::parse_sign_off_pin(&entry.pin);
    let (content, signer) = (pin.content, pin.signer);
    let mut mismatches = Vec::new();
    if content != sign_off.content_hash {
        mismatches.push(("content_hash", content, sign_off.content_hash.clone()));
    }
    let key = sign_off.signature.as_ref().map(|s| s.fingerprint.clone());
    if pin.key != key {
        let words = |k: Option<String>| k.unwrap_or_else(|| String::from("(unsigned)"));
        mismatches.push(("signature", words(pin.key), words(key)));
    }
    if entry.who != sign_off.signed_by.signature() {
        mismatches.push((
            "signed_by",
            entry.who.clone(),
            sign_off.signed_by.signature(),
        ));
    } else if let Some(signer) = signer {
        let now = sign_off::signer_hash(&sign_off.signed_by);
        if signer != now {
            // Name and email match the entry: what else is pinned is the role.
            mismatches.push(("signed_by.role", signer, now));
        }
    }
    if entry.at != sign_off.signed_at {
        mismatches.push((
            "signed_at",
            entry.at.to_rfc3339(),
            sign_off.signed_at.to_rfc3339(),
        ));
    }
    if entry.new != sign_off.statement {
        mismatches.push(("statement", entry.new.clone(), sign_off.statement.clone()));
    }
    for (field, expected, found) in mismatches {
        problems.push(problem(
            Some(position),
            expected,
            found,
            format!(
                "the sign-off's {field} was changed outside secassess: it does not match {}",
                describe(position, entry)
            ),
        ));
    }
}

/// Finding ids used by more than one finding: the audit trail cannot say which is which.
fn duplicate_findings(assessment: &Assessment, problems: &mut Vec<Problem>) {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in &assessment.findings {
        *counts.entry(f.id.as_str()).or_default() += 1;
    }
    for (id, count) in counts.into_iter().filter(|(_, c)| *c > 1) {
        problems.push(Problem {
            kind: ProblemKind::Finding,
            subject: id.to_string(),
            entry: None,
            expected: String::from("1 finding"),
            found: format!("{count} findings"),
            message: format!(
                "{count} findings have the id '{}': a finding was copied or added outside secassess, and the audit trail cannot say which one it recorded",
                shorten(id)
            ),
        });
    }
}

/// Everything in the record checked against the audit trail (see the module
/// documentation); nothing about whether the sign-off still holds.
pub fn record_problems(assessment: &Assessment) -> Vec<Problem> {
    let entries = &assessment.audit;
    let audit = AuditIndex::new(entries);
    let finding_ids = FindingIds::new(&assessment.findings);
    let mut problems = chain_problems(entries);
    header_problems(assessment, &mut problems);
    for (id, record) in &assessment.answers {
        if !review::has_answer(record) && record.notes.is_empty() {
            // Only an "answer later" mark: not audited.
            continue;
        }
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
        if review::has_answer(record) {
            answered_problems(&audit, id, record, &mut problems);
        }
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
    duplicate_findings(assessment, &mut problems);
    for finding in &assessment.findings {
        if finding_ids.count(&finding.id) != 1 {
            // Reported once above.
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
    problems.extend(
        removed(
            &audit,
            &FINDING_ACTIONS,
            |s| finding_ids.contains(s),
            ProblemKind::Finding,
            "finding",
        )
        .into_iter()
        // A deletion acknowledged through secassess is recorded, not an outside edit.
        .filter(|p| p.expected != findings::DELETED_PIN),
    );
    sign_off_problems(assessment, &mut problems);
    for (kind, finding, why) in signature::tampering(assessment) {
        let (problem_kind, subject, what) = match &finding {
            None => (
                ProblemKind::SignOff,
                SIGN_OFF_SUBJECT.to_string(),
                String::from("the sign-off's signature"),
            ),
            Some(id) => (
                ProblemKind::Finding,
                id.clone(),
                format!("the signature of the {} on {id}", kind.words()),
            ),
        };
        problems.push(Problem {
            kind: problem_kind,
            subject,
            entry: None,
            expected: String::from("a signature over what it signs"),
            found: why.clone(),
            message: format!(
                "{what} does not verify over what it says it signed: {why}; it was copied from elsewhere or edited outside secassess"
            ),
        });
    }
    problems
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
            .filter(|r| review::has_answer(r) || !r.notes.is_empty())
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
