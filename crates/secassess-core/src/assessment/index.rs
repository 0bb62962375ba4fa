//! Lookups over one assessment, built once per check so that `check`, `findings` and
//! `verify` take time in proportion to the file, not to its square: the latest audit
//! entry of each subject and action, how many findings carry each id, and which
//! consistency problems belong to which finding. A 16 MiB file of 60,000 findings or
//! 40,000 audit entries is checked in about a second (see `benches/core.rs`).
//!
//! Pure: built from borrowed records, answering the same questions the linear scans
//! they replace answered, in the same way (the last entry in file order wins).

use std::collections::{HashMap, HashSet};

use super::audit::Action;
use super::findings::ConsistencyProblem;
use super::record::{AuditEntry, Finding};

/// The latest audit entry for each (subject, action), by position in the trail.
#[derive(Debug, Clone)]
pub struct AuditIndex<'a> {
    entries: &'a [AuditEntry],
    /// (subject, action name) -> 0-based index of its last entry.
    last: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> AuditIndex<'a> {
    /// Indexes `entries` in one pass.
    pub fn new(entries: &'a [AuditEntry]) -> Self {
        let mut last = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            last.insert((e.subject.as_str(), e.action.as_str()), i);
        }
        AuditIndex { entries, last }
    }

    /// The last entry about `subject` with one of `actions`, with its 1-based position
    /// in the trail: the same as scanning the trail backwards for it.
    pub fn last_entry(&self, subject: &str, actions: &[Action]) -> Option<(usize, &'a AuditEntry)> {
        let index = actions
            .iter()
            .filter_map(|a| self.last.get(&(subject, a.name())).copied())
            .max()?;
        self.entries.get(index).map(|e| (index + 1, e))
    }

    /// The pin of [`AuditIndex::last_entry`]: what the trail says the subject's content
    /// should be now.
    pub fn last_pin(&self, subject: &str, actions: &[Action]) -> Option<&'a str> {
        self.last_entry(subject, actions)
            .map(|(_, e)| e.pin.as_str())
    }

    /// Every subject with at least one entry of one of `actions`, sorted, each once.
    pub fn subjects(&self, actions: &[Action]) -> Vec<&'a str> {
        let mut subjects: Vec<&'a str> = self
            .last
            .keys()
            .filter(|(_, action)| actions.iter().any(|a| a.name() == *action))
            .map(|(subject, _)| *subject)
            .collect();
        subjects.sort_unstable();
        subjects.dedup();
        subjects
    }
}

/// How many findings carry each id.
#[derive(Debug, Clone, Default)]
pub struct FindingIds<'a> {
    counts: HashMap<&'a str, usize>,
}

impl<'a> FindingIds<'a> {
    /// Counts the ids of `findings` in one pass.
    pub fn new(findings: &'a [Finding]) -> Self {
        let mut counts = HashMap::with_capacity(findings.len());
        for f in findings {
            *counts.entry(f.id.as_str()).or_insert(0) += 1;
        }
        FindingIds { counts }
    }

    /// How many findings have the id `id` (0 when none).
    pub fn count(&self, id: &str) -> usize {
        self.counts.get(id).copied().unwrap_or(0)
    }

    /// Whether some finding has the id `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.counts.contains_key(id)
    }
}

/// Consistency problems grouped by the finding they name.
#[derive(Debug, Clone, Default)]
pub struct ProblemsByFinding<'a> {
    by_id: HashMap<&'a str, Vec<&'a ConsistencyProblem>>,
}

impl<'a> ProblemsByFinding<'a> {
    /// Groups `problems` by the finding each names, in one pass, keeping their order.
    pub fn new(problems: &'a [ConsistencyProblem]) -> Self {
        let mut by_id: HashMap<&'a str, Vec<&'a ConsistencyProblem>> = HashMap::new();
        for p in problems {
            by_id.entry(p.finding.as_str()).or_default().push(p);
        }
        ProblemsByFinding { by_id }
    }

    /// The problems naming finding `id`, in the order they were found.
    pub fn of(&self, id: &str) -> &[&'a ConsistencyProblem] {
        self.by_id.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether any problem names finding `id`.
    pub fn any(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
}

/// The ids of the obligations some finding links to.
pub fn linked_obligations(findings: &[Finding]) -> HashSet<&str> {
    findings
        .iter()
        .flat_map(|f| f.obligations.iter().map(String::as_str))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn entry(subject: &str, action: Action, pin: &str) -> AuditEntry {
        AuditEntry {
            at: DateTime::<Utc>::UNIX_EPOCH,
            who: String::from("Ann"),
            action: action.name().to_string(),
            subject: subject.to_string(),
            old: String::new(),
            new: String::new(),
            pin: pin.to_string(),
            previous_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_last_entry_is_the_one_a_backward_scan_finds() {
        let entries = vec![
            entry("a", Action::AnswerSet, "1"),
            entry("b", Action::AnswerSet, "2"),
            entry("a", Action::NotesChanged, "3"),
            entry("a", Action::ReviewDecision, "4"),
            entry("a", Action::AnswerChanged, "5"),
            entry("b", Action::NotesChanged, "6"),
        ];
        let index = AuditIndex::new(&entries);
        let answer = [
            Action::AnswerSet,
            Action::AnswerChanged,
            Action::NotesChanged,
        ];
        for subject in ["a", "b", "c"] {
            let scanned = entries
                .iter()
                .enumerate()
                .rev()
                .find(|(_, e)| e.subject == subject && answer.iter().any(|a| a.name() == e.action))
                .map(|(i, e)| (i + 1, e));
            assert_eq!(index.last_entry(subject, &answer), scanned, "{subject}");
        }
        assert_eq!(index.last_pin("a", &answer), Some("5"));
        assert_eq!(index.last_pin("a", &[Action::ReviewDecision]), Some("4"));
        assert_eq!(index.subjects(&[Action::NotesChanged]), ["a", "b"]);
        assert_eq!(index.subjects(&[Action::SignOff]), Vec::<&str>::new());
    }
}
