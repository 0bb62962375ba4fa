//! Tamper detection on records edited the way a text editor would.

use proptest::prelude::*;

use super::*;
use crate::assessment::audit;
use crate::assessment::record::ReviewDecision;
use crate::assessment::review::tests::{at, catalogue, judged, reviewer, signed_off, unchecked};
use crate::assessment::review::{self as rv, Decision};

/// Verified against the embedded questionnaires, no evidence files, on the test's day.
fn verify(a: &Assessment) -> Report {
    super::verify(a, &judged(&catalogue(), unchecked()))
}

fn messages(report: &Report) -> String {
    report
        .problems
        .iter()
        .map(|p| p.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn kinds(report: &Report) -> Vec<(ProblemKind, String, Option<usize>)> {
    report
        .problems
        .iter()
        .map(|p| (p.kind, p.subject.clone(), p.entry))
        .collect()
}

#[test]
fn an_untouched_signed_off_assessment_verifies() {
    let a = signed_off(&catalogue());
    let report = verify(&a);
    assert_eq!(report.problems, []);
    assert!(report.is_ok());
    assert!(matches!(report.sign_off, SignOffState::Intact { .. }));
    assert_eq!(report.entries, a.audit.len());
    assert!(report.answers > 3 && report.reviews == report.answers);
}

#[test]
fn an_edited_audit_entry_is_reported_with_its_position_and_hashes() {
    let mut a = signed_off(&catalogue());
    a.audit[2].new = "something else".into();
    let report = verify(&a);
    assert!(!report.is_ok());
    let chain: Vec<&Problem> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::AuditChain)
        .collect();
    assert_eq!(chain.len(), 1, "{:?}", report.problems);
    assert_eq!(chain[0].entry, Some(3));
    assert_eq!(chain[0].found, a.audit[2].hash);
    assert_eq!(chain[0].expected, audit::entry_hash(&a.audit[2]));
    assert!(chain[0].message.contains("was edited after it was written"));
}

#[test]
fn a_deleted_entry_is_reported() {
    let mut a = signed_off(&catalogue());
    let removed = a.audit.remove(1);
    let report = verify(&a);
    let chain: Vec<&Problem> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::AuditChain)
        .collect();
    assert_eq!(chain.len(), 1, "{:?}", report.problems);
    assert_eq!(chain[0].entry, Some(2));
    assert_eq!(chain[0].expected, a.audit[0].hash);
    assert_eq!(chain[0].found, removed.hash);
    assert!(chain[0].message.contains("deleted, inserted or moved"));

    // Deleting the last entry leaves the chain whole, but the sign-off has lost its entry.
    let mut a = signed_off(&catalogue());
    a.audit.pop();
    assert!(kinds(&verify(&a))
        .iter()
        .any(|(k, _, _)| *k == ProblemKind::SignOff));
}

#[test]
fn a_reordered_entry_is_reported() {
    let mut a = signed_off(&catalogue());
    a.audit.swap(3, 4);
    let report = verify(&a);
    assert!(report
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::AuditChain && p.entry == Some(4)));
}

#[test]
fn an_edited_review_is_reported_by_question() {
    let mut a = signed_off(&catalogue());
    if let Some(r) = a.reviews.get_mut("personal_data") {
        r.reviewer = "Someone Else".into();
    }
    let report = verify(&a);
    let found = kinds(&report);
    assert!(found.contains(&(
        ProblemKind::Review,
        "personal_data".into(),
        found
            .iter()
            .find(|(k, _, _)| *k == ProblemKind::Review)
            .and_then(|(_, _, e)| *e)
    )));
    let p = &report.problems[0];
    assert_eq!(p.subject, "personal_data");
    assert!(
        p.message.contains("changed outside secassess"),
        "{}",
        p.message
    );

    // A review added by hand has no entry at all.
    let mut a = signed_off(&catalogue());
    let mut extra = a.reviews["personal_data"].clone();
    extra.decision = ReviewDecision::Accepted;
    a.reviews.insert("made_up".into(), extra);
    assert!(kinds(&verify(&a)).contains(&(ProblemKind::Review, "made_up".into(), None)));
}

#[test]
fn an_answer_edited_or_removed_by_hand_is_reported() {
    let mut a = signed_off(&catalogue());
    if let Some(r) = a.answers.get_mut("classification") {
        r.value = Some(crate::assessment::record::StoredValue::One("secret".into()));
    }
    let report = verify(&a);
    let answer: Vec<&Problem> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Answer)
        .collect();
    assert_eq!(answer.len(), 1, "{:?}", report.problems);
    assert_eq!(answer[0].subject, "classification");
    assert_eq!(
        answer[0].found,
        audit::answer_hash(&a.answers["classification"])
    );
    // Also stale and changed since sign-off, which are reported separately.
    assert!(report.stale_reviews.contains(&"classification".to_string()));
    assert!(matches!(report.sign_off, SignOffState::ChangedSince { .. }));

    let mut a = signed_off(&catalogue());
    a.answers.remove("personal_data");
    assert!(kinds(&verify(&a))
        .iter()
        .any(|(k, s, e)| *k == ProblemKind::Answer && s == "personal_data" && e.is_some()));
}

#[test]
fn changes_through_secassess_after_sign_off_are_not_tampering() {
    let c = catalogue();
    let mut a = signed_off(&c);
    rv::decide(
        &mut a,
        "classification",
        Decision::Query("why?"),
        &reviewer(),
        at(9000),
        unchecked(),
    )
    .expect("ok");
    let report = verify(&a);
    assert_eq!(report.problems, []);
    let SignOffState::ChangedSince { entries_after, .. } = report.sign_off else {
        panic!("{:?}", report.sign_off);
    };
    assert_eq!(entries_after, 1);
    assert!(!report.is_ok());
}

#[test]
fn an_edited_sign_off_is_reported() {
    let mut a = signed_off(&catalogue());
    if let Some(s) = a.sign_off.as_mut() {
        s.statement = "I accept everything, no questions asked.".into();
        s.signed_by.name = "Chief Officer".into();
    }
    let found: Vec<ProblemKind> = verify(&a).problems.iter().map(|p| p.kind).collect();
    assert_eq!(found, [ProblemKind::SignOff, ProblemKind::SignOff]);
}

#[test]
fn the_sign_offs_role_and_a_deleted_sign_off_are_problems() {
    let mut a = signed_off(&catalogue());
    if let Some(s) = a.sign_off.as_mut() {
        s.signed_by.role = "Senior Information Risk Owner".into();
    }
    let report = verify(&a);
    assert!(!report.is_ok());
    assert!(
        messages(&report).contains("the sign-off's signed_by.role was changed outside secassess"),
        "{}",
        messages(&report)
    );
    assert!(!report.sign_off.holds(), "{:?}", report.sign_off);

    let mut a = signed_off(&catalogue());
    a.sign_off = None;
    let report = verify(&a);
    assert!(!report.is_ok());
    assert_eq!(report.sign_off, SignOffState::NotSignedOff);
    assert!(
        messages(&report).contains("is missing from the file: the [sign_off] table was removed"),
        "{}",
        messages(&report)
    );
}

#[test]
fn duplicate_and_unrecorded_findings_are_problems() {
    let mut a = signed_off(&catalogue());
    let first = a
        .findings
        .first()
        .cloned()
        .expect("the sample has findings");
    a.findings.push(first.clone());
    let report = verify(&a);
    assert!(
        messages(&report).contains(&format!("2 findings have the id '{}'", first.id)),
        "{}",
        messages(&report)
    );

    let mut a = signed_off(&catalogue());
    let mut extra = first;
    extra.id = "F-900".into();
    a.findings.push(extra);
    let report = verify(&a);
    assert!(
        messages(&report).contains("the finding 'F-900' is not in the audit trail"),
        "{}",
        messages(&report)
    );
}

#[test]
fn the_assessments_own_details_are_pinned_field_by_field() {
    type RecordEdit = fn(&mut Assessment);
    let edits: [(&str, RecordEdit); 8] = [
        ("system.name", |a| a.system.name = "Something else".into()),
        ("system.description", |a| {
            a.system.description = "Now with patient data".into()
        }),
        ("assessor.name", |a| a.assessor.name = "Someone".into()),
        ("assessor.role", |a| a.assessor.role = "SIRO".into()),
        ("assessor.email", |a| {
            a.assessor.email = "x@example.org".into()
        }),
        ("created_at", |a| {
            a.created_at -= chrono::Duration::days(200)
        }),
        ("questionnaires", |a| {
            a.questionnaires[0].questions.pop();
        }),
        ("updated_at", |a| a.updated_at += chrono::Duration::days(1)),
    ];
    for (field, edit) in edits {
        let mut a = signed_off(&catalogue());
        edit(&mut a);
        let report = verify(&a);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::Header && p.subject == field),
            "{field}: {}",
            messages(&report)
        );
        assert!(!report.is_ok());
    }
}

#[test]
fn who_answered_and_when_are_pinned() {
    let mut a = signed_off(&catalogue());
    if let Some(r) = a.answers.get_mut("personal_data") {
        r.answered_at = at(-86_400 * 150);
    }
    let report = verify(&a);
    assert!(
        messages(&report).contains("the answered_at of the answer to 'personal_data'"),
        "{}",
        messages(&report)
    );
    let mut a = signed_off(&catalogue());
    if let Some(r) = a.answers.get_mut("personal_data") {
        r.answered_by = "Chief Officer <chief@example.org>".into();
    }
    assert!(messages(&verify(&a)).contains("the answered_by of the answer to 'personal_data'"));
}

#[test]
fn a_sign_off_is_never_intact_beside_stale_reviews_or_a_failing_gate() {
    let c = catalogue();
    // A file made to look signed off over a stale review: the content hash and every pin
    // recomputed, as someone who knows the format could.
    let mut a = signed_off(&c);
    if let Some(r) = a.reviews.get_mut("personal_data") {
        r.answer_hash = "0".repeat(64);
    }
    let report = verify(&a);
    assert!(report.stale_reviews.contains(&"personal_data".to_string()));
    assert!(!report.sign_off.holds(), "{:?}", report.sign_off);
    assert!(!report.is_ok());

    // Untouched, but judged on a day when the mitigation target dates have passed.
    let a = signed_off(&c);
    let later = Judged {
        today: crate::assessment::review::tests::today() + chrono::Days::new(400),
        ..judged(&c, unchecked())
    };
    let report = super::verify(&a, &later);
    assert_eq!(report.problems, []);
    assert!(
        matches!(report.sign_off, SignOffState::NoLongerValid { .. }),
        "{:?}",
        report.sign_off
    );
    assert!(!report.is_ok());
}

/// Which field of an entry to change, and how.
#[derive(Debug, Clone)]
enum Edit {
    At(i64),
    Who(usize, char),
    Action(usize, char),
    Subject(usize, char),
    Old(usize, char),
    New(usize, char),
    Pin(usize, char),
    Previous(usize, char),
    Hash(usize, char),
}

/// Replaces (or, past the end, appends) one character.
fn poke(text: &mut String, at: usize, c: char) {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() || at >= chars.len() {
        chars.push(c);
    } else if chars[at] == c {
        chars.remove(at);
    } else {
        chars[at] = c;
    }
    *text = chars.into_iter().collect();
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = prop_oneof![
        Just('0'),
        Just('a'),
        Just('Z'),
        Just(' '),
        Just('é'),
        Just('f')
    ];
    prop_oneof![
        (1i64..100_000).prop_map(Edit::At),
        (0usize..80, c.clone()).prop_map(|(i, c)| Edit::Who(i, c)),
        (0usize..20, c.clone()).prop_map(|(i, c)| Edit::Action(i, c)),
        (0usize..30, c.clone()).prop_map(|(i, c)| Edit::Subject(i, c)),
        (0usize..40, c.clone()).prop_map(|(i, c)| Edit::Old(i, c)),
        (0usize..40, c.clone()).prop_map(|(i, c)| Edit::New(i, c)),
        (0usize..64, c.clone()).prop_map(|(i, c)| Edit::Pin(i, c)),
        (0usize..64, c.clone()).prop_map(|(i, c)| Edit::Previous(i, c)),
        (0usize..64, c).prop_map(|(i, c)| Edit::Hash(i, c)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_small_edit_of_any_audit_entry_is_detected(entry in 0usize..1000, edit in edit()) {
        let original = {
            thread_local!(static SIGNED: Assessment = signed_off(&catalogue()));
            SIGNED.with(Clone::clone)
        };
        let mut a = original.clone();
        let index = entry % a.audit.len();
        let e = &mut a.audit[index];
        match edit {
            Edit::At(s) => e.at += chrono::Duration::seconds(s),
            Edit::Who(i, c) => poke(&mut e.who, i, c),
            Edit::Action(i, c) => poke(&mut e.action, i, c),
            Edit::Subject(i, c) => poke(&mut e.subject, i, c),
            Edit::Old(i, c) => poke(&mut e.old, i, c),
            Edit::New(i, c) => poke(&mut e.new, i, c),
            Edit::Pin(i, c) => poke(&mut e.pin, i, c),
            Edit::Previous(i, c) => poke(&mut e.previous_hash, i, c),
            Edit::Hash(i, c) => poke(&mut e.hash, i, c),
        }
        prop_assume!(a.audit[index] != original.audit[index]);
        let report = verify(&a);
        prop_assert!(
            report.problems.iter().any(|p| p.kind == ProblemKind::AuditChain),
            "not detected: {:?}", a.audit[index]
        );
    }
}
