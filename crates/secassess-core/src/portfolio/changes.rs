//! What changed in one assessment between two versions of its file (`secassess
//! portfolio --since REV`): new, removed, signed off (or the sign-off lost), gate passed
//! or failed, classification, other edits. Pure: the shell reads both versions.

use serde::Serialize;

use super::{Gate, Row, SignOff, SignOffStatus};

/// What changed in one assessment between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The file is new since the revision.
    New,
    /// The file was there at the revision and is gone.
    Removed,
    /// Signed off, signed off again, changed since sign-off, or the sign-off removed.
    SignOff,
    /// The gate passed then and fails now, or the other way round.
    Gate,
    /// The effective classification changed.
    Classification,
    /// Changed in other ways (answers, findings, reviews) with gate, sign-off and
    /// classification as they were.
    Edited,
    /// One of the two versions could not be read.
    Unreadable,
}

/// One change to one assessment, worded for a table: what it was, what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The file, as its row names it ([`Row::file`]).
    pub file: String,
    /// The system's name, as its row has it (now, or at the revision when removed).
    pub system: String,
    /// What kind of change.
    pub kind: ChangeKind,
    /// How it stood at the revision, e.g. "passed" or "not signed off"; empty for a new
    /// file or an edit.
    pub before: String,
    /// How it stands now, e.g. "FAILED (3 blocking)"; empty for a removed file.
    pub after: String,
}

fn sign_off_words(s: &SignOff) -> String {
    let words = sign_off_state_words(s);
    match s.signature_word() {
        Some(signature) if s.state != SignOffStatus::None => format!("{words}, {signature}"),
        _ => words,
    }
}

fn sign_off_state_words(s: &SignOff) -> String {
    match (s.state, &s.signed_by, s.signed_at) {
        (SignOffStatus::None, _, _) => String::from("not signed off"),
        (state, Some(by), Some(at)) => format!(
            "signed off by {by} on {}{}",
            at.format("%Y-%m-%d"),
            match state {
                SignOffStatus::ChangedSince => ", CHANGED SINCE",
                SignOffStatus::NoLongerValid => ", NO LONGER VALID",
                _ => "",
            }
        ),
        (state, _, _) => format!("{state:?}"),
    }
}

fn gate_words(g: &Gate) -> String {
    if g.passed {
        String::from("passed")
    } else {
        format!("FAILED ({} blocking)", g.blocking.len())
    }
}

/// What changed between `before` (the row at a revision, judged on that revision's
/// date) and `after` (the row now). `content_changed` says whether the file's bytes
/// differ, so an unchanged file whose gate changed only because a date passed is still
/// reported, and an edited file with nothing else changed says "edited".
pub fn changes(before: Option<&Row>, after: Option<&Row>, content_changed: bool) -> Vec<Change> {
    let change = |row: &Row, kind, before: String, after: String| Change {
        file: row.file.clone(),
        system: row.system.clone(),
        kind,
        before,
        after,
    };
    match (before, after) {
        (None, None) => Vec::new(),
        (None, Some(a)) => vec![change(
            a,
            ChangeKind::New,
            String::new(),
            format!(
                "{}; gate {}; {}",
                a.classification.text,
                gate_words(&a.gate),
                sign_off_words(&a.sign_off)
            ),
        )],
        (Some(b), None) => vec![change(
            b,
            ChangeKind::Removed,
            format!("{}; gate {}", b.classification.text, gate_words(&b.gate)),
            String::new(),
        )],
        (Some(b), Some(a)) => {
            let mut out = Vec::new();
            // A sign-off redone with an SSH signature is a change too.
            if (
                b.sign_off.state,
                b.sign_off.signed_at,
                b.sign_off.signature_word(),
            ) != (
                a.sign_off.state,
                a.sign_off.signed_at,
                a.sign_off.signature_word(),
            ) {
                out.push(change(
                    a,
                    ChangeKind::SignOff,
                    sign_off_words(&b.sign_off),
                    sign_off_words(&a.sign_off),
                ));
            }
            if b.gate.passed != a.gate.passed {
                out.push(change(
                    a,
                    ChangeKind::Gate,
                    gate_words(&b.gate),
                    gate_words(&a.gate),
                ));
            }
            if b.classification.text != a.classification.text {
                out.push(change(
                    a,
                    ChangeKind::Classification,
                    b.classification.text.clone(),
                    a.classification.text.clone(),
                ));
            }
            if out.is_empty() && content_changed {
                out.push(change(
                    a,
                    ChangeKind::Edited,
                    String::new(),
                    format!(
                        "changed; gate, sign-off and classification as they were; {} of {} answered (was {} of {})",
                        a.progress.answered, a.progress.total, b.progress.answered, b.progress.total
                    ),
                ));
            }
            out
        }
    }
}
