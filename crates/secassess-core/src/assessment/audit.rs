//! The audit trail: every change to an assessment appended as an entry (time, who, what,
//! old -> new), each entry hashing the one before it, so editing, deleting or reordering
//! entries in a text editor is detected (`integrity`, reported by `verify`).
//!
//! This detects edits; it does not prove who made them. Identities are self-declared,
//! and anyone can recompute a chain. Sign-offs, risk acceptances and exceptions can be
//! signed with the decider's SSH key (`signature`); ordinary entries are not.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::record::{timestamp, AnswerRecord, Assessment, AuditEntry, Person};

/// The `previous_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The audit actions whose pin is [`super::record::header_pin`].
pub const HEADER_ACTIONS: [Action; 4] = [
    Action::Created,
    Action::SystemChanged,
    Action::QuestionnairesAccepted,
    Action::Migrated,
];

/// The audit actions that change a review.
pub const REVIEW_ACTIONS: [Action; 3] = [
    Action::ReviewDecision,
    Action::ReviewComment,
    Action::ReviewResolved,
];

/// What kind of change an entry records. Stored as its kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// An answer given to a question with no usable answer before. Subject: the question
    /// id; pin: [`answer_hash`].
    AnswerSet,
    /// An answer replaced by a different one, or confirmed again for a changed version
    /// of its question. Subject: the question id; pin: [`answer_hash`].
    AnswerChanged,
    /// The notes on a question changed. Subject: the question id; pin: [`answer_hash`]
    /// of the record with its new notes.
    NotesChanged,
    /// A finding raised. Subject: its id; pin: `findings::finding_hash`.
    FindingCreated,
    /// Any later change to a finding: its details, treatment, status, a signature added,
    /// or an outside edit acknowledged (a deletion pins `findings::DELETED_PIN`).
    /// Subject: its id; pin: `findings::finding_hash`.
    FindingChanged,
    /// A reviewer accepted or queried an answer, or withdrew a decision. Subject: the
    /// question id; pin: `review::review_hash`.
    ReviewDecision,
    /// A reply added to an open query. Subject: the question id; pin:
    /// `review::review_hash`.
    ReviewComment,
    /// A reviewer closing a query thread.
    ReviewResolved,
    /// The assessment signed off. Subject: [`super::record::ASSESSMENT_SUBJECT`]; pin:
    /// `sign_off::sign_off_pin`; `new`: the sign-off statement.
    SignOff,
    /// The assessment was created: pins the system, the assessor, the creation time and
    /// the questionnaire list ([`super::record::header_pin`]).
    Created,
    /// The system's name or description changed.
    SystemChanged,
    /// The assessment now follows the loaded questionnaire versions.
    QuestionnairesAccepted,
    /// The file was brought up to a newer format; pins what that format pins from then on.
    Migrated,
}

impl Action {
    /// The kebab-case name stored in an entry's `action` ("answer-set", "sign-off", ...),
    /// by which entries are matched.
    pub fn name(self) -> &'static str {
        match self {
            Action::AnswerSet => "answer-set",
            Action::AnswerChanged => "answer-changed",
            Action::NotesChanged => "notes-changed",
            Action::FindingCreated => "finding-created",
            Action::FindingChanged => "finding-changed",
            Action::ReviewDecision => "review-decision",
            Action::ReviewComment => "review-comment",
            Action::ReviewResolved => "review-resolved",
            Action::SignOff => "sign-off",
            Action::Created => "created",
            Action::SystemChanged => "system-changed",
            Action::QuestionnairesAccepted => "questionnaires-accepted",
            Action::Migrated => "migrated",
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// The hash of what an answer says (value, don't-know, evidence and notes), leaving out
/// who and when: a review decision is pinned to it, and so is the audit entry that set it.
/// Lowercase hex SHA-256 of the JSON array `[value, dont_know, evidence, notes]`; the
/// evidence includes a local file's recorded SHA-256 and size, so re-attaching a changed
/// file changes the hash.
pub fn answer_hash(record: &AnswerRecord) -> String {
    let canonical = serde_json::json!([
        record.value,
        record.dont_know,
        record.evidence,
        record.notes,
    ]);
    hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

/// The hash an entry must carry: over its content and the previous entry's hash.
/// Lowercase hex SHA-256 of the JSON array `[previous_hash, at (RFC 3339), who, action,
/// subject, old, new, pin]`; the bytes files have always been written with.
pub fn entry_hash(entry: &AuditEntry) -> String {
    // A JSON array of strings, written straight from a tuple: the same bytes as a
    // `serde_json::json!` array of them, without building a value first (`verify` hashes
    // every entry of every file `secassess portfolio` reads).
    let canonical = serde_json::to_string(&(
        &entry.previous_hash,
        entry.at.to_rfc3339(),
        &entry.who,
        &entry.action,
        &entry.subject,
        &entry.old,
        &entry.new,
        &entry.pin,
    ))
    .unwrap_or_default();
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// Details of one change for [`append`].
pub struct Change<'a> {
    /// What kind of change it is.
    pub action: Action,
    /// What it is about: a question id, a finding id, or
    /// [`super::record::ASSESSMENT_SUBJECT`].
    pub subject: &'a str,
    /// The value before, in words; empty when there was none.
    pub old: String,
    /// The value after, in words; empty when there is none.
    pub new: String,
    /// A hash of the subject's content after the change (e.g. [`answer_hash`]), so
    /// `verify` can tell a later edit outside secassess from a recorded one.
    pub pin: String,
}

/// Appends one entry for `change`, made by `who` (recorded as `Name <email>`) at `now`
/// (kept to the second), chained to the last entry, or to [`GENESIS`] when it is the
/// first. Only the trail: the caller changes the record and its `updated_at`.
pub fn append(assessment: &mut Assessment, who: &Person, change: Change<'_>, now: DateTime<Utc>) {
    let previous_hash = assessment
        .audit
        .last()
        .map(|e| e.hash.clone())
        .unwrap_or_else(|| GENESIS.to_string());
    let mut entry = AuditEntry {
        at: timestamp(now),
        who: who.signature(),
        action: change.action.name().to_string(),
        subject: change.subject.to_string(),
        old: change.old,
        new: change.new,
        pin: change.pin,
        previous_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    assessment.audit.push(entry);
}

/// The last pin recorded for a subject by an entry of one of `actions`, if any: what the
/// audit trail says its content should be now. A scan from the end; `index::AuditIndex`
/// answers the same for many subjects.
pub fn last_pin<'a>(audit: &'a [AuditEntry], subject: &str, actions: &[Action]) -> Option<&'a str> {
    audit
        .iter()
        .rev()
        .find(|e| e.subject == subject && actions.iter().any(|a| a.name() == e.action))
        .map(|e| e.pin.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::record::System;

    fn sample() -> Assessment {
        let catalogue = crate::questionnaire::load_embedded().expect("embedded content loads");
        let who = Person {
            name: "Ann Lead".into(),
            role: "Project lead".into(),
            email: "ann@example.nhs.uk".into(),
        };
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        let mut assessment = Assessment::new(System::default(), who.clone(), &catalogue, now);
        for (i, subject) in ["a", "b", "c"].iter().enumerate() {
            append(
                &mut assessment,
                &who,
                Change {
                    action: Action::AnswerSet,
                    subject,
                    old: String::new(),
                    new: format!("value {i}"),
                    pin: format!("pin{i}"),
                },
                now,
            );
        }
        assessment
    }

    #[test]
    fn entry_hash_is_over_the_json_array_files_were_written_with() {
        // The hash files on disk carry: a `json!` array of the fields, hex-encoded.
        let mut entry = sample().audit[1].clone();
        entry.who = "Zoë \"Q\" O’Neill <z@x>\u{1b}\n\u{2028}".into();
        entry.new = "line one\nline two\t\\ end".into();
        let canonical = serde_json::json!([
            entry.previous_hash,
            entry.at.to_rfc3339(),
            entry.who,
            entry.action,
            entry.subject,
            entry.old,
            entry.new,
            entry.pin,
        ]);
        let expected: String = Sha256::digest(canonical.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry_hash(&entry), expected);
    }

    #[test]
    fn last_pin_finds_the_latest_change_of_a_subject() {
        let assessment = sample();
        assert_eq!(
            last_pin(&assessment.audit, "b", &[Action::AnswerSet]),
            Some("pin1")
        );
        assert_eq!(last_pin(&assessment.audit, "z", &[Action::AnswerSet]), None);
    }
}
