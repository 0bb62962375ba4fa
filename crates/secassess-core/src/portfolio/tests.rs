// Built without `cfg(test)` for the shell's tests (feature `test-support`), where only
// the builders are used.
#![cfg_attr(not(test), allow(unused_imports, dead_code))]

use chrono::{Duration, TimeZone};

use super::*;
use crate::assessment::audit::{self, Action};
use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::findings::{Actor, NewFinding};
use crate::assessment::record::{
    Assessment, Person, RiskAcceptance, Severity, SignOff as Signed, System,
};
use crate::assessment::sign_off;
use crate::questionnaire::answer::parse_answer;
use crate::questionnaire::model::AnswerKind;

fn catalogue() -> Catalogue {
    crate::questionnaire::load_embedded().expect("the embedded questionnaires load")
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("valid")
}

/// A date in 2026, month `m`, day `d`; panics on an invalid date (test data only).
pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

/// Ann Lead, the project lead who answers (`ann@example.nhs.uk`).
pub fn ann() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.nhs.uk".into(),
    }
}

/// The first `n` questions answered "no" (or the first option), with the classification
/// given: many MUST obligations not met.
pub fn answered(catalogue: &Catalogue, classification: &str, n: usize) -> Assessment {
    let mut a = Assessment::new(
        System {
            name: "Ward rota".into(),
            description: String::new(),
        },
        ann(),
        catalogue,
        t0(),
    );
    let mut now = t0();
    let questions: Vec<_> = catalogue.questions_in_order().cloned().collect();
    for q in questions.iter().take(n) {
        now += Duration::minutes(1);
        let text = match (q.id.as_str(), q.kind) {
            ("classification", _) => classification.to_string(),
            (_, AnswerKind::YesNo) => "no".into(),
            (_, AnswerKind::Single | AnswerKind::Multiple) => q
                .options
                .first()
                .map(|o| o.value.clone())
                .unwrap_or_default(),
            (_, AnswerKind::Text) => "Answered".into(),
            (_, AnswerKind::Date) => "2026-01-15".into(),
            (_, AnswerKind::Evidence) => "https://example.invalid/report.pdf".into(),
        };
        let value = parse_answer(q, &text).expect("a valid answer");
        a.set_answer(q, &value, &ann(), now).expect("answered");
    }
    a
}

fn decoded(a: Assessment) -> Decoded {
    Decoded {
        assessment: a,
        schema_version: crate::assessment::record::SCHEMA_VERSION,
        migrations: Vec::new(),
        complete: true,
    }
}

/// The row [`summarise`] makes of `a`, as a complete current file named
/// `team/rota.secassess.toml` with no evidence files looked at, judged on `today`.
pub fn row_of(a: &Assessment, catalogue: &Catalogue, today: NaiveDate) -> Row {
    summarise(
        "team/rota.secassess.toml",
        &decoded(a.clone()),
        &EvidenceFiles::not_checked(),
        catalogue,
        today,
    )
}

/// A sign-off recorded as the sign-off module records it, without its readiness rules.
pub fn sign(a: &mut Assessment) {
    let hash = sign_off::content_hash(a);
    let who = Person {
        name: "Ivy Reviewer".into(),
        role: "IG representative".into(),
        email: "ivy@example.nhs.uk".into(),
    };
    let now = a.updated_at + Duration::minutes(1);
    let record = Signed {
        signed_by: who.clone(),
        signed_at: now,
        statement: "Reviewed.".into(),
        content_hash: hash,
        signature: None,
    };
    let pin = sign_off::sign_off_pin(&record);
    a.sign_off = Some(record);
    audit::append(
        a,
        &who,
        audit::Change {
            action: Action::SignOff,
            subject: sign_off::SIGN_OFF_SUBJECT,
            old: String::new(),
            new: "Reviewed.".into(),
            pin,
        },
        now,
    );
}

fn raise(a: &mut Assessment, catalogue: &Catalogue, obligation: &str) -> String {
    let who = ann();
    let actor = Actor {
        who: &who,
        now: a.updated_at + Duration::minutes(1),
        today: day(2, 1),
    };
    findings::create_finding(
        a,
        catalogue,
        NewFinding {
            title: "A gap".into(),
            obligations: vec![obligation.to_string()],
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::High,
            owner: "Dev lead".into(),
        },
        &actor,
    )
    .expect("raised")
}

#[test]
fn the_gate_and_its_gaps_are_the_check_commands() {
    let catalogue = catalogue();
    let a = answered(&catalogue, "official-sensitive", usize::MAX);
    let today = day(7, 1);
    let row = row_of(&a, &catalogue, today);
    let gate = findings::gate(&a, &catalogue, today);
    assert_eq!(row.gate.passed, gate.passed);
    assert!(!row.gate.passed, "everything answered 'no' fails the gate");
    assert_eq!(
        row.gate.blocking,
        gate.blockers
            .iter()
            .map(|b| b.obligation.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!((row.gate.must, row.gate.met), (gate.must, gate.met));
    // Every question answered: nothing is unknown, so every blocker is an untreated gap.
    assert!(!row.must_gaps_untreated.is_empty());
    assert_eq!(row.must_gaps_untreated, row.gate.blocking);
    assert_eq!(row.classification.text, "OFFICIAL-SENSITIVE");
    assert_eq!(row.marking, "OFFICIAL-SENSITIVE");
    assert_eq!(row.progress.answered, row.progress.total);
    assert_eq!(row.assessor, "Ann Lead <ann@example.nhs.uk>");
    assert_eq!(row.integrity_problems, 0);
    assert!(row.questionnaires.current);
}

#[test]
fn unknown_must_obligations_block_but_are_not_gaps() {
    let catalogue = catalogue();
    let a = answered(&catalogue, "official", 1);
    let row = row_of(&a, &catalogue, day(7, 1));
    assert!(!row.gate.passed);
    assert!(!row.gate.blocking.is_empty());
    assert!(
        row.must_gaps_untreated.is_empty(),
        "nothing is known to be unmet yet: {:?}",
        row.must_gaps_untreated
    );
    assert_eq!(row.classification.text, "at least OFFICIAL");
    assert!(!row.classification.settled());
}

#[test]
fn a_treated_gap_is_not_untreated_until_its_review_date_passes() {
    let catalogue = catalogue();
    let mut a = answered(&catalogue, "official-sensitive", usize::MAX);
    let before = row_of(&a, &catalogue, day(3, 1));
    let gap = before.must_gaps_untreated[0].clone();
    let id = raise(&mut a, &catalogue, &gap);
    let who = ann();
    let actor = Actor {
        who: &who,
        now: a.updated_at + Duration::minutes(1),
        today: day(2, 1),
    };
    findings::accept_risk(
        &mut a,
        &catalogue,
        &id,
        RiskAcceptance {
            accepted_by: Person {
                name: "Sam Owner".into(),
                role: "Business owner".into(),
                email: String::new(),
            },
            accepted_on: day(2, 1),
            rationale: "Compensating controls.".into(),
            review_date: day(6, 1),
            signature: None,
        },
        &actor,
    )
    .expect("accepted");

    let march = row_of(&a, &catalogue, day(3, 1));
    assert!(!march.must_gaps_untreated.contains(&gap));
    assert!(march.overdue.is_empty());
    // A risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system.
    assert_eq!(march.escalation.to_escalate, std::slice::from_ref(&id));
    assert!(march.escalation.escalated.is_empty());

    let july = row_of(&a, &catalogue, day(7, 1));
    assert!(july.must_gaps_untreated.contains(&gap));
    assert_eq!(july.overdue.len(), 1);
    assert_eq!(july.overdue[0].finding, id);
    assert_eq!(july.overdue[0].what, "risk acceptance review date");
    assert_eq!(july.overdue[0].days, 30);
    assert_eq!(july.overdue_findings(), 1);
    // The same dates as `findings::overdue` gives.
    let f = a.findings.iter().find(|f| f.id == id).expect("finding");
    assert_eq!(findings::overdue(f, day(7, 1)).len(), july.overdue.len());

    let actor = Actor {
        who: &who,
        now: a.updated_at + Duration::minutes(1),
        today: day(3, 1),
    };
    let board = Person {
        name: "Dee Rector".into(),
        role: "Director of Digital".into(),
        email: String::new(),
    };
    findings::escalate(&mut a, &catalogue, &id, &board, &actor).expect("escalated");
    let escalated = row_of(&a, &catalogue, day(3, 1));
    assert_eq!(escalated.escalation.escalated, [id]);
    assert!(escalated.escalation.to_escalate.is_empty());
}

#[test]
fn edits_outside_secassess_old_questionnaires_and_damage_are_flagged() {
    let catalogue = catalogue();
    let mut a = answered(&catalogue, "official", 10);
    a.questionnaires[0].version = "0.1.0".into();
    let id = a.answers.keys().next().cloned().expect("an answer");
    if let Some(record) = a.answers.get_mut(&id) {
        record.notes = "typed in an editor".into();
    }
    // Both edits are outside secassess: the answer's notes and the questionnaire list.
    let problems = verify::record_problems(&a);
    assert_eq!(problems.len(), 2, "{problems:?}");
    let mut d = decoded(a);
    d.complete = false;
    d.schema_version = 0;
    d.migrations = vec!["a step"];
    let row = summarise(
        "x.secassess.toml",
        &d,
        &EvidenceFiles::not_checked(),
        &catalogue,
        day(7, 1),
    );
    assert_eq!(row.integrity_problems, problems.len());
    assert!(!row.questionnaires.current);
    assert_eq!(row.questionnaires.changes.len(), 1);
    assert!(
        row.questionnaires.changes[0].contains("0.1.0 -> "),
        "{:?}",
        row.questionnaires.changes
    );
    assert!(!row.file_complete);
    assert_eq!(row.older_format, Some(0));
}

#[test]
fn text_from_the_file_is_sanitised() {
    let catalogue = catalogue();
    let mut a = answered(&catalogue, "official", 1);
    a.system.name = "Evil\u{1b}[2J\nname\u{202e}".into();
    a.assessor.name = "Bad\u{7}".into();
    let row = summarise(
        "dir/\u{1b}]0;title\u{7}.secassess.toml",
        &decoded(a),
        &EvidenceFiles::not_checked(),
        &catalogue,
        day(7, 1),
    );
    for text in [&row.system, &row.assessor, &row.file] {
        assert!(
            !text.chars().any(crate::text::is_unsafe_control) && !text.contains('\n'),
            "{text:?}"
        );
    }
    let bad = Unreadable::new("a\u{1b}b", "line\nbreak\u{9b}");
    assert_eq!(bad.error, "line break\u{fffd}");
}

#[test]
fn an_unreadable_file_is_named_once_in_its_sentence() {
    let named = Unreadable::new(
        "d/x.secassess.toml",
        "cannot read d/x.secassess.toml: denied",
    );
    assert_eq!(named.sentence(), "cannot read d/x.secassess.toml: denied");
    let bare = Unreadable::new("d/x.secassess.toml", "a symbolic link; not followed");
    assert_eq!(
        bare.sentence(),
        "d/x.secassess.toml: a symbolic link; not followed"
    );
}

#[test]
fn the_classification_filter_reads_values_labels_and_plus() {
    let catalogue = catalogue();
    let plus = ClassificationFilter::parse("official-sensitive+", &catalogue).expect("parses");
    assert!(plus.or_above);
    assert_eq!(plus.label, "OFFICIAL-SENSITIVE");
    let exact = ClassificationFilter::parse(" OFFICIAL ", &catalogue).expect("parses");
    assert!(!exact.or_above);
    assert_eq!(exact.value, "official");
    let error = ClassificationFilter::parse("restricted+", &catalogue).expect_err("unknown");
    assert!(error.contains("official-sensitive"), "{error}");

    let at = |value: &str, settled: bool| Classification {
        text: String::new(),
        value: settled.then(|| value.to_string()),
        at_least: Some(value.to_string()),
        rank: classification_options(&catalogue)
            .iter()
            .position(|(v, _)| v == value),
    };
    assert!(plus.matches(&at("official-sensitive", true)));
    assert!(plus.matches(&at("secret", true)));
    assert!(!plus.matches(&at("official", true)));
    assert!(!plus.could_match(&at("official", true)));
    // "At least OFFICIAL" while answers are missing: not shown, but could be.
    assert!(!plus.matches(&at("official", false)));
    assert!(plus.could_match(&at("official", false)));
    let unknown = Classification {
        text: "not known yet".into(),
        value: None,
        at_least: None,
        rank: None,
    };
    assert!(!plus.matches(&unknown) && plus.could_match(&unknown));
    assert!(exact.matches(&at("official", true)));
    assert!(!exact.matches(&at("secret", true)));
}

/// Rows of every kind, built from real assessments and then adjusted.
fn rows(catalogue: &Catalogue) -> Vec<Row> {
    let base = row_of(&answered(catalogue, "official", 3), catalogue, day(7, 1));
    let os = row_of(
        &answered(catalogue, "official-sensitive", usize::MAX),
        catalogue,
        day(7, 1),
    );
    let mut passed = base.clone();
    passed.system = "b passed".into();
    passed.file = "b.secassess.toml".into();
    passed.gate.passed = true;
    passed.gate.blocking.clear();
    passed.sign_off.state = SignOffStatus::Valid;
    passed.last_change = t0() + Duration::days(30);
    let mut failed = os.clone();
    failed.system = "A failed".into();
    failed.file = "z.secassess.toml".into();
    failed.sign_off.state = SignOffStatus::ChangedSince;
    // One answer: "at least OFFICIAL", not settled.
    let mut overdue = row_of(&answered(catalogue, "official", 1), catalogue, day(7, 1));
    overdue.system = "c overdue".into();
    overdue.file = "c.secassess.toml".into();
    overdue.overdue = vec![OverdueDate {
        finding: "F-001".into(),
        what: "mitigation target date".into(),
        date: day(3, 1),
        days: 122,
    }];
    vec![passed, failed, overdue]
}

#[test]
fn filters_keep_what_every_condition_asks_for() {
    let catalogue = catalogue();
    let rows = rows(&catalogue);
    let names = |filter: &Filter| -> Vec<String> {
        rows.iter()
            .filter(|r| filter.matches(r))
            .map(|r| r.system.clone())
            .collect()
    };
    assert_eq!(names(&Filter::default()).len(), 3);
    let failed = Filter {
        gate: Some(GateFilter::Failed),
        ..Filter::default()
    };
    assert_eq!(names(&failed), ["A failed", "c overdue"]);
    let overdue = Filter {
        overdue: true,
        ..Filter::default()
    };
    assert_eq!(names(&overdue), ["c overdue"]);
    let unsigned = Filter {
        unsigned: true,
        ..Filter::default()
    };
    assert_eq!(names(&unsigned), ["A failed", "c overdue"]);
    let sensitive_failed = Filter {
        classification: Some(
            ClassificationFilter::parse("official-sensitive+", &catalogue).expect("parses"),
        ),
        gate: Some(GateFilter::Failed),
        ..Filter::default()
    };
    assert_eq!(names(&sensitive_failed), ["A failed"]);
    assert_eq!(
        sensitive_failed.words(),
        "OFFICIAL-SENSITIVE or above, gate failed"
    );
    // The one with a single answer is "at least OFFICIAL": it could match.
    assert_eq!(
        rows.iter()
            .filter(|r| sensitive_failed.could_match(r))
            .count(),
        1
    );
}

#[test]
fn each_sort_puts_what_needs_attention_first() {
    let catalogue = catalogue();
    let order = |by: Sort| -> Vec<String> {
        let mut rows = rows(&catalogue);
        sort(&mut rows, by);
        rows.into_iter().map(|r| r.system).collect()
    };
    assert_eq!(order(Sort::System), ["A failed", "b passed", "c overdue"]);
    assert_eq!(order(Sort::File), ["b passed", "c overdue", "A failed"]);
    // Failed first, the one with more blockers (unknowns included) before the other.
    assert_eq!(order(Sort::Gate), ["c overdue", "A failed", "b passed"]);
    assert_eq!(order(Sort::Classification)[0], "A failed");
    assert_eq!(order(Sort::Overdue)[0], "c overdue");
    assert_eq!(order(Sort::Gaps)[0], "A failed");
    assert_eq!(order(Sort::SignOff), ["A failed", "c overdue", "b passed"]);
    assert_eq!(order(Sort::Changed)[0], "b passed");
    for s in Sort::ALL {
        assert_eq!(Sort::parse(s.name()), Ok(s));
    }
    assert!(Sort::parse("size").is_err());
}

#[test]
fn the_highest_marking_among_rows_marks_the_register() {
    let catalogue = catalogue();
    let rows = rows(&catalogue);
    assert_eq!(highest_marking(&rows, &catalogue), "OFFICIAL-SENSITIVE");
    assert_eq!(highest_marking(&rows[..1], &catalogue), "OFFICIAL");
    assert_eq!(highest_marking(&[], &catalogue), "OFFICIAL");
    let t = totals(&rows);
    assert_eq!(
        (
            t.assessments,
            t.gate_failed,
            t.with_overdue,
            t.signed_off_valid
        ),
        (3, 2, 1, 1)
    );
}

#[test]
fn changes_name_new_removed_sign_off_gate_and_edits() {
    let catalogue = catalogue();
    let rows = rows(&catalogue);
    let (passed, failed) = (&rows[0], &rows[1]);
    let new = changes(None, Some(failed), true);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].kind, ChangeKind::New);
    assert!(new[0].after.contains("FAILED"), "{}", new[0].after);
    assert_eq!(
        changes(Some(passed), None, true)[0].kind,
        ChangeKind::Removed
    );
    let mut then = passed.clone();
    then.sign_off.state = SignOffStatus::None;
    then.gate.passed = false;
    then.gate.blocking = vec!["mfa".into()];
    let kinds: Vec<ChangeKind> = changes(Some(&then), Some(passed), true)
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [ChangeKind::SignOff, ChangeKind::Gate]);
    let edited = changes(Some(passed), Some(passed), true);
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].kind, ChangeKind::Edited);
    assert!(changes(Some(passed), Some(passed), false).is_empty());
    // The same sign-off, now carrying an SSH signature.
    let mut signed = passed.clone();
    signed.sign_off.signature = Some(crate::assessment::signature::SignatureState::NotChecked {
        principal: "ivy@example.nhs.uk".into(),
        fingerprint: "SHA256:x".into(),
    });
    let resigned = changes(Some(passed), Some(&signed), true);
    assert_eq!(resigned[0].kind, ChangeKind::SignOff);
    assert!(
        resigned[0].after.ends_with(", signed"),
        "{}",
        resigned[0].after
    );
}
