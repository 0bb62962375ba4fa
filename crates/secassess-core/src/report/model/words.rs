//! How the pack words things: text from the assessment file sanitised before any
//! renderer sees it (`clean`, `clean_line`), times as printed ([`when`]: UTC, to the
//! minute), statuses as words ([`status_word`], never a colour alone), and evidence
//! references with what the export's re-check found ([`evidence_words`]).

use chrono::{DateTime, Utc};

use super::pack::EvidenceView;
use crate::questionnaire::expr::Truth;
use crate::rules::Status;

pub(super) fn clean(text: &str) -> String {
    crate::text::sanitise(text).replace('\r', "")
}

pub(super) fn clean_line(text: &str) -> String {
    crate::text::sanitise_line(text)
}

/// The time as printed everywhere in the pack: UTC, to the minute.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub(super) fn truth_word(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "yes",
        Truth::False => "no",
        Truth::Unknown => "not known yet",
    }
}

/// A status as a word on the page (never a colour alone).
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Met => "MET",
        Status::NotMet => "NOT MET",
        Status::Unknown => "UNKNOWN",
        Status::NotApplicable => "N/A",
    }
}

/// An evidence reference in words: title, link or path, recorded hash and size, and what
/// the re-check at export found.
pub fn evidence_words(e: &EvidenceView) -> String {
    let mut words = e.title.clone();
    if let Some(link) = &e.link {
        words.push_str(&format!(" <{link}>"));
    }
    if let Some(path) = &e.path {
        words.push_str(&format!("\nFile: {path}"));
        match (&e.sha256, e.size) {
            (Some(sha), Some(size)) => words.push_str(&format!("\nSHA-256 {sha} ({size} bytes)")),
            (Some(sha), None) => words.push_str(&format!("\nSHA-256 {sha}")),
            _ => {}
        }
        if let Some(check) = &e.check {
            words.push_str(&format!("\n{}", check.words()));
        }
    }
    words
}
