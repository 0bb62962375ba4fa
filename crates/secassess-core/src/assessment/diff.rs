//! What changed between two assessments (last year's against this year's, or a copy
//! against the current file): answers added, changed and removed with old and new values,
//! obligations whose status or applicability changed, findings added, removed or changed;
//! and, within one file, what was recorded after the last sign-off. Pure.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::audit::Action;
use super::evidence::EvidenceFiles;
use super::findings;
use super::record::{AnswerRecord, Assessment, AuditEntry, FindingStatus, StoredValue};
use super::review;
use super::sign_off::{self, SIGN_OFF_SUBJECT};
use crate::questionnaire::answer::{display_answer, Answers};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::Status;

/// How one thing differs from the old assessment to the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Only in the new assessment.
    Added,
    /// In both, different.
    Changed,
    /// Only in the old assessment.
    Removed,
}

/// One answer that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerChange {
    /// The question id.
    pub question: String,
    /// Whether the answer (or its notes) was added, changed or removed. A record holding
    /// only an "answer later" mark counts as absent.
    pub change: ChangeKind,
    /// The old value as shown ("Yes", "OFFICIAL-SENSITIVE", "don't know yet", ...);
    /// `None` when there was no answer (nothing, or notes only).
    pub old: Option<String>,
    /// The new value as shown; `None` when there is no answer (nothing, or notes only).
    pub new: Option<String>,
    /// Set when the notes differ.
    pub notes: Option<(String, String)>,
}

/// One obligation whose status or applicability differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationChange {
    /// The obligation's id from the questionnaires.
    pub id: String,
    /// Its title from the questionnaires.
    pub title: String,
    /// MUST, SHOULD, ...
    pub level: Level,
    /// Its status for the old assessment (recorded approvals applied); `None` when the
    /// evaluation gave none.
    pub old_status: Option<Status>,
    /// Its status for the new assessment; `None` when the evaluation gave none.
    pub new_status: Option<Status>,
    /// Whether it applied to the old assessment (true, false or unknown).
    pub old_applies: Option<Truth>,
    /// Whether it applies to the new assessment (true, false or unknown).
    pub new_applies: Option<Truth>,
}

/// One finding that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingChange {
    /// The finding's id: findings are matched by id.
    pub id: String,
    /// Its title, as the new assessment has it (the old one's when removed).
    pub title: String,
    /// Added, changed or removed.
    pub change: ChangeKind,
    /// Its status in the old assessment; `None` when added.
    pub old_status: Option<FindingStatus>,
    /// Its status in the new assessment; `None` when removed.
    pub new_status: Option<FindingStatus>,
    /// Anything other than the status differs (plan, acceptance, owner, ...).
    pub details_changed: bool,
}

/// Everything that differs between two assessments, as `secassess diff` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Diff {
    /// Answers and notes that differ, in walking order, then those to questions the
    /// questionnaires do not have (by id).
    pub answers: Vec<AnswerChange>,
    /// Obligations whose status or applicability differs, in questionnaire order.
    pub obligations: Vec<ObligationChange>,
    /// Findings changed or removed, in the old register's order, then those added, in
    /// the new register's order.
    pub findings: Vec<FindingChange>,
}

impl Diff {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty() && self.obligations.is_empty() && self.findings.is_empty()
    }
}

fn shown(
    catalogue: &Catalogue,
    typed: &Answers,
    id: &str,
    record: &AnswerRecord,
) -> Option<String> {
    if !review::has_answer(record) {
        return None;
    }
    if let (Some(q), Some(v)) = (catalogue.question(id), typed.get(id)) {
        return Some(display_answer(q, v));
    }
    if record.dont_know {
        return Some(String::from("don't know yet"));
    }
    let mut parts = Vec::new();
    match &record.value {
        Some(StoredValue::One(v)) => parts.push(v.clone()),
        Some(StoredValue::Many(vs)) => parts.push(vs.join(", ")),
        None => {}
    }
    if let Some(e) = &record.evidence {
        parts.push(format!("evidence: {}", e.title));
    }
    Some(parts.join("; "))
}

fn same_value(a: &AnswerRecord, b: &AnswerRecord) -> bool {
    a.value == b.value && a.dont_know == b.dont_know && a.evidence == b.evidence
}

fn present(record: &AnswerRecord) -> bool {
    review::has_answer(record) || !record.notes.is_empty()
}

/// Everything that differs from `old` to `new`, both evaluated against `catalogue` (with
/// recorded approvals, as every front end shows them).
pub fn diff(old: &Assessment, new: &Assessment, catalogue: &Catalogue) -> Diff {
    let (old_typed, _) = old.typed_answers(catalogue);
    let (new_typed, _) = new.typed_answers(catalogue);
    let ids: BTreeSet<&String> = old.answers.keys().chain(new.answers.keys()).collect();
    // Walking order first, then ids the questionnaires do not have.
    let mut order: Vec<&String> = catalogue
        .questions_in_order()
        .map(|q| &q.id)
        .filter(|id| ids.contains(id))
        .collect();
    order.extend(ids.iter().filter(|id| catalogue.question(id).is_none()));
    let mut answers = Vec::new();
    for id in order {
        let before = old.answers.get(id).filter(|r| present(r));
        let after = new.answers.get(id).filter(|r| present(r));
        let (change, notes) = match (before, after) {
            (None, None) => continue,
            (None, Some(a)) => (
                ChangeKind::Added,
                (!a.notes.is_empty()).then(|| (String::new(), a.notes.clone())),
            ),
            (Some(b), None) => (
                ChangeKind::Removed,
                (!b.notes.is_empty()).then(|| (b.notes.clone(), String::new())),
            ),
            (Some(b), Some(a)) => {
                if same_value(b, a) && b.notes == a.notes {
                    continue;
                }
                (
                    ChangeKind::Changed,
                    (b.notes != a.notes).then(|| (b.notes.clone(), a.notes.clone())),
                )
            }
        };
        answers.push(AnswerChange {
            question: id.clone(),
            change,
            old: before.and_then(|r| shown(catalogue, &old_typed, id, r)),
            new: after.and_then(|r| shown(catalogue, &new_typed, id, r)),
            notes,
        });
    }

    let (old_eval, _) = findings::evaluate(old, catalogue);
    let (new_eval, _) = findings::evaluate(new, catalogue);
    let obligations = catalogue
        .obligations
        .iter()
        .filter_map(|o| {
            let before = old_eval.obligation(&o.id);
            let after = new_eval.obligation(&o.id);
            let same = match (before, after) {
                (Some(b), Some(a)) => b.status == a.status && b.applies == a.applies,
                (None, None) => true,
                _ => false,
            };
            (!same).then(|| ObligationChange {
                id: o.id.clone(),
                title: o.title.clone(),
                level: o.level,
                old_status: before.map(|b| b.status),
                new_status: after.map(|a| a.status),
                old_applies: before.map(|b| b.applies),
                new_applies: after.map(|a| a.applies),
            })
        })
        .collect();

    let mut finding_changes = Vec::new();
    for f in &old.findings {
        match new.findings.iter().find(|n| n.id == f.id) {
            None => finding_changes.push(FindingChange {
                id: f.id.clone(),
                title: f.title.clone(),
                change: ChangeKind::Removed,
                old_status: Some(f.status),
                new_status: None,
                details_changed: false,
            }),
            Some(n) if findings::finding_hash(n) != findings::finding_hash(f) => {
                let mut same_but_status = n.clone();
                same_but_status.status = f.status;
                same_but_status.updated_at = f.updated_at;
                finding_changes.push(FindingChange {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    change: ChangeKind::Changed,
                    old_status: Some(f.status),
                    new_status: Some(n.status),
                    details_changed: same_but_status != *f,
                });
            }
            Some(_) => {}
        }
    }
    for n in &new.findings {
        if !old.findings.iter().any(|f| f.id == n.id) {
            finding_changes.push(FindingChange {
                id: n.id.clone(),
                title: n.title.clone(),
                change: ChangeKind::Added,
                old_status: None,
                new_status: Some(n.status),
                details_changed: false,
            });
        }
    }
    Diff {
        answers,
        obligations,
        findings: finding_changes,
    }
}

/// One audit entry, with its position, for listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRef {
    /// 1-based position in the audit trail.
    pub position: usize,
    /// The entry as stored (its fields flattened into the JSON object).
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// What was recorded after the last sign-off of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SinceSignOff {
    /// Who signed off, as `Name <email>`.
    pub signed_by: String,
    /// When they signed off (UTC, to the second).
    pub signed_at: DateTime<Utc>,
    /// The content differs from what was signed off.
    pub changed: bool,
    /// Questions whose answer or notes were changed after the sign-off, in the order
    /// first changed.
    pub answers_changed: Vec<String>,
    /// Local evidence files that are not what was attached, in words ("evidence for
    /// pen_test_report changed"): what `verify` and the pack also report
    /// ([`EvidenceFiles::changes_since_attached`]). Empty when the files were not checked.
    pub evidence_changed: Vec<String>,
    /// Question ids, sorted, of review decisions made on an answer, or a local evidence
    /// file, that has changed since (as `verify` counts them).
    pub stale_reviews: Vec<String>,
    /// Every audit entry after the sign-off.
    pub entries: Vec<EntryRef>,
}

/// What changed after the last sign-off, from the audit trail (entries after the one
/// that recorded the sign-off; if that entry is missing, entries later than the sign-off
/// time), with the local evidence files as the shell found them (`evidence`). `None`
/// when the assessment is not signed off.
pub fn since_sign_off(assessment: &Assessment, evidence: &EvidenceFiles) -> Option<SinceSignOff> {
    let sign_off = assessment.sign_off.as_ref()?;
    let audit = &assessment.audit;
    let start = audit
        .iter()
        .rposition(|e| e.action == Action::SignOff.name() && e.subject == SIGN_OFF_SUBJECT)
        .map(|i| i + 1);
    let entries: Vec<EntryRef> = audit
        .iter()
        .enumerate()
        .filter(|(i, e)| match start {
            Some(start) => *i >= start,
            None => e.at > sign_off.signed_at,
        })
        .map(|(i, e)| EntryRef {
            position: i + 1,
            entry: e.clone(),
        })
        .collect();
    let answer_actions = [
        Action::AnswerSet,
        Action::AnswerChanged,
        Action::NotesChanged,
    ];
    let mut answers_changed: Vec<String> = Vec::new();
    for e in &entries {
        if answer_actions.iter().any(|a| a.name() == e.entry.action)
            && !answers_changed.contains(&e.entry.subject)
        {
            answers_changed.push(e.entry.subject.clone());
        }
    }
    Some(SinceSignOff {
        signed_by: sign_off.signed_by.signature(),
        signed_at: sign_off.signed_at,
        changed: sign_off::changed_since_sign_off(assessment).unwrap_or(false),
        answers_changed,
        evidence_changed: evidence.changes_since_attached(assessment),
        stale_reviews: assessment
            .reviews
            .keys()
            .filter(|id| review::status(assessment, id, evidence).stale)
            .cloned()
            .collect(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::record::{Person, System};
    use crate::questionnaire::answer::parse_answer;

    fn ann() -> Person {
        Person {
            name: "Ann Lead".into(),
            role: "Project lead".into(),
            email: "ann@example.org".into(),
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + seconds, 0).expect("valid time")
    }

    fn answer(c: &Catalogue, a: &mut Assessment, id: &str, value: &str, t: i64) {
        let q = c.question(id).expect("question exists");
        let v = parse_answer(q, value).expect("valid answer");
        a.set_answer(q, &v, &ann(), at(t)).expect("fits");
    }

    #[test]
    fn answers_obligations_and_notes_are_compared() {
        let c = crate::questionnaire::load_embedded().expect("content loads");
        let mut old = Assessment::new(System::default(), ann(), &c, at(0));
        answer(&c, &mut old, "classification", "official", 1);
        answer(&c, &mut old, "personal_data", "no", 2);
        answer(&c, &mut old, "commercially_sensitive", "no", 3);
        let mut new = old.clone();
        answer(&c, &mut new, "personal_data", "yes", 4);
        new.set_notes("classification", "checked with IG", &ann(), at(5));
        new.answers.remove("commercially_sensitive");
        answer(&c, &mut new, "public_information_only", "no", 6);

        let d = diff(&old, &new, &c);
        let find = |id: &str| d.answers.iter().find(|a| a.question == id).cloned();
        let pd = find("personal_data").expect("personal data changed");
        assert_eq!(pd.change, ChangeKind::Changed);
        assert_eq!(
            (pd.old.as_deref(), pd.new.as_deref()),
            (Some("No"), Some("Yes"))
        );
        let cl = find("classification").expect("notes changed");
        assert_eq!(cl.old, cl.new);
        assert_eq!(
            cl.notes,
            Some((String::new(), String::from("checked with IG")))
        );
        assert_eq!(
            find("commercially_sensitive").map(|a| a.change),
            Some(ChangeKind::Removed)
        );
        assert_eq!(
            find("public_information_only").map(|a| a.change),
            Some(ChangeKind::Added)
        );
        // Personal data raises the classification: classification-driven obligations change.
        assert!(!d.obligations.is_empty(), "{d:?}");
        assert!(diff(&new, &new, &c).is_empty());
    }

    #[test]
    fn since_sign_off_lists_later_entries() {
        let c = crate::questionnaire::load_embedded().expect("content loads");
        let mut a = Assessment::new(System::default(), ann(), &c, at(0));
        answer(&c, &mut a, "classification", "official", 1);
        assert_eq!(since_sign_off(&a, &EvidenceFiles::not_checked()), None);
        a.sign_off = Some(crate::assessment::record::SignOff {
            signed_by: ann(),
            signed_at: at(2),
            statement: "ok".into(),
            content_hash: sign_off::content_hash(&a),
            signature: None,
        });
        let pin = sign_off::content_hash(&a);
        crate::assessment::audit::append(
            &mut a,
            &ann(),
            crate::assessment::audit::Change {
                action: Action::SignOff,
                subject: SIGN_OFF_SUBJECT,
                old: String::new(),
                new: "ok".into(),
                pin,
            },
            at(2),
        );
        let s = since_sign_off(&a, &EvidenceFiles::not_checked()).expect("signed off");
        assert!(!s.changed && s.entries.is_empty());
        answer(&c, &mut a, "classification", "official-sensitive", 3);
        let s = since_sign_off(&a, &EvidenceFiles::not_checked()).expect("signed off");
        assert!(s.changed);
        assert_eq!(s.answers_changed, ["classification"]);
        assert_eq!(s.entries.len(), 1);
        assert_eq!(
            s.entries[0].position, 4,
            "after the creation, the answer and the sign-off"
        );
    }
}
