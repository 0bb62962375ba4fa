//! The review rules on assessments built in memory with the embedded questionnaires.

// Built without `cfg(test)` for the shell's tests (feature `test-support`), where only
// the builders are used.
#![cfg_attr(not(test), allow(unused_imports, dead_code))]

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::findings::{self, Actor};
use crate::assessment::record::{MitigationPlan, StoredValue, System};
use crate::assessment::sign_off::{self, Judged, STANDARD_STATEMENT};
use crate::questionnaire::answer::{AnswerValue, EvidenceRef};
use crate::questionnaire::model::{AnswerKind, Catalogue};
use crate::rules;

/// The project lead who answers in these tests (Ann Lead, ann@example.org).
pub fn lead() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.org".into(),
    }
}

/// The IG reviewer who reviews and signs off in these tests (Ivy Reviewer,
/// ivy@example.org).
pub fn reviewer() -> Person {
    Person {
        name: "Ivy Reviewer".into(),
        role: "IG representative".into(),
        email: "ivy@example.org".into(),
    }
}

/// A fixed instant plus `seconds` (UTC, whole seconds), so tests order events without a
/// clock.
pub fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000 + seconds, 0).expect("valid time")
}

/// The date of `at(0)`: the "today" overdue dates are checked against in these tests.
pub fn today() -> NaiveDate {
    at(0).date_naive()
}

/// Nothing known about evidence files: the review rules on the records alone.
pub fn unchecked() -> &'static EvidenceFiles {
    static NONE: EvidenceFiles = EvidenceFiles::not_checked();
    &NONE
}

// The review functions with no evidence files checked; evidence has its own tests.
fn decide(
    a: &mut Assessment,
    q: &str,
    d: Decision<'_>,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    super::decide(a, q, d, who, now, unchecked())
}

fn status(a: &Assessment, q: &str) -> ReviewStatus {
    super::status(a, q, unchecked())
}

fn items(a: &Assessment, c: &Catalogue, e: &Evaluation, f: Filter) -> Vec<Item> {
    super::items(a, c, e, unchecked(), f)
}

fn progress(a: &Assessment, c: &Catalogue, e: &Evaluation) -> Progress {
    super::progress(a, c, e, unchecked())
}

fn comment(
    a: &mut Assessment,
    q: &str,
    text: &str,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<CommentKind, ReviewError> {
    super::comment(a, q, text, who, now, unchecked())
}

/// The embedded questionnaires, loaded (panics only if the built-in content is invalid,
/// which the loader's own tests rule out).
pub fn catalogue() -> Catalogue {
    crate::questionnaire::load_embedded().expect("content loads")
}

/// A plausible answer to any question: "no", the first option, some text.
pub fn some_answer(question: &crate::questionnaire::model::Question) -> AnswerValue {
    match question.kind {
        AnswerKind::YesNo => AnswerValue::YesNo(false),
        AnswerKind::Single => AnswerValue::Choice(question.options[0].value.clone()),
        AnswerKind::Multiple => AnswerValue::Choices(vec![question.options[0].value.clone()]),
        AnswerKind::Text => AnswerValue::Text("As described in the design document.".into()),
        AnswerKind::Date => AnswerValue::Date(today()),
        AnswerKind::Evidence => AnswerValue::Evidence(EvidenceRef {
            title: "Design document v2".into(),
            link: None,
            path: None,
            sha256: None,
            size: None,
        }),
    }
}

/// An assessment with every asked question answered by the lead.
pub fn answered(catalogue: &Catalogue) -> Assessment {
    let mut a = Assessment::new(System::default(), lead(), catalogue, at(0));
    let steps = walkthrough::steps(catalogue);
    for round in 0..=steps.len() {
        let (typed, _) = a.typed_answers(catalogue);
        let evaluation = rules::evaluate(catalogue, &typed);
        let Some(step) = steps.iter().find(|s| {
            walkthrough::needs_answer(walkthrough::step_state(&s.question, &evaluation, &a))
        }) else {
            break;
        };
        let q = catalogue.question(&step.question).expect("question exists");
        a.set_answer(q, &some_answer(q), &lead(), at(1 + round as i64))
            .expect("answer fits");
    }
    plan_for_must_gaps(&mut a, catalogue);
    a
}

/// Records every applicable MUST gap as a finding with a mitigation plan, as the lead
/// must before a sign-off.
pub fn plan_for_must_gaps(a: &mut Assessment, c: &Catalogue) {
    let actor = Actor {
        who: &lead(),
        now: at(500),
        today: today(),
    };
    let (e, _) = findings::evaluate(a, c);
    let gaps: Vec<String> = findings::gaps_without_finding(&a.findings, &e)
        .into_iter()
        .filter(|o| o.level == crate::questionnaire::model::Level::Must)
        .map(|o| o.id.clone())
        .collect();
    for obligation in gaps {
        let id = findings::create_from_obligation(a, c, &obligation, "Ann Lead", &actor)
            .expect("finding created");
        findings::set_mitigation_plan(
            a,
            c,
            &id,
            MitigationPlan {
                actions: "Planned in the delivery plan".into(),
                owner: "Ann Lead".into(),
                target_date: today() + chrono::Days::new(60),
                completed_on: None,
                evidence: None,
            },
            &actor,
        )
        .expect("planned");
    }
}

fn evaluation(a: &Assessment, c: &Catalogue) -> Evaluation {
    findings::evaluate(a, c).0
}

/// Accepts every answer as the reviewer.
pub fn accept_all(a: &mut Assessment, c: &Catalogue) {
    let e = evaluation(a, c);
    for item in items(a, c, &e, Filter::All) {
        decide(a, &item.question, Decision::Accept, &reviewer(), at(1000)).expect("accepted");
    }
}

/// Judged with the catalogue, no evidence files checked, on `today()`.
pub fn judged<'a>(c: &'a Catalogue, evidence: &'a EvidenceFiles) -> Judged<'a> {
    Judged {
        catalogue: c,
        evidence,
        today: today(),
    }
}

/// A fully answered, reviewed and signed-off assessment.
pub fn signed_off(c: &Catalogue) -> Assessment {
    let mut a = answered(c);
    accept_all(&mut a, c);
    sign_off::sign_off(
        &mut a,
        &judged(c, unchecked()),
        STANDARD_STATEMENT,
        &reviewer(),
        at(2000),
        None,
    )
    .expect("eligible");
    a
}

#[test]
fn a_decision_goes_stale_when_the_value_notes_or_evidence_change() {
    let c = catalogue();
    let mut a = answered(&c);
    decide(
        &mut a,
        "personal_data",
        Decision::Accept,
        &reviewer(),
        at(100),
    )
    .expect("ok");
    assert!(status(&a, "personal_data").is_accepted());

    let q = c.question("personal_data").expect("exists");
    a.set_answer(q, &AnswerValue::YesNo(true), &lead(), at(101))
        .expect("ok");
    let s = status(&a, "personal_data");
    assert!(s.stale && !s.is_accepted() && s.needs_review());
    assert_eq!(
        s.label(),
        "stale — answer changed after review (was accepted)"
    );

    // Accepting again pins the new answer; then notes make it stale.
    decide(
        &mut a,
        "personal_data",
        Decision::Accept,
        &reviewer(),
        at(102),
    )
    .expect("ok");
    assert!(status(&a, "personal_data").is_accepted());
    a.set_notes("personal_data", "staff names only", &lead(), at(103));
    assert!(status(&a, "personal_data").stale);

    // Evidence: an evidence question whose reference changes.
    let evidence = c
        .questions_in_order()
        .find(|q| q.kind == AnswerKind::Evidence && a.answers.contains_key(&q.id))
        .expect("an answered evidence question")
        .clone();
    decide(&mut a, &evidence.id, Decision::Accept, &reviewer(), at(104)).expect("ok");
    assert!(status(&a, &evidence.id).is_accepted());
    let other = AnswerValue::Evidence(EvidenceRef {
        title: "Design document v3".into(),
        link: Some("https://example.org/design".into()),
        path: None,
        sha256: None,
        size: None,
    });
    a.set_answer(&evidence, &other, &lead(), at(105))
        .expect("ok");
    assert!(status(&a, &evidence.id).stale);

    // An "answer later" mark is not part of the answer.
    decide(
        &mut a,
        "classification",
        Decision::Accept,
        &reviewer(),
        at(106),
    )
    .expect("ok");
    a.set_flagged("classification", true, &lead(), at(107));
    assert!(status(&a, "classification").is_accepted());
}

#[test]
fn a_query_is_a_thread_that_the_reviewer_resolves() {
    let c = catalogue();
    let mut a = answered(&c);
    let before = a.audit.len();
    decide(
        &mut a,
        "classification",
        Decision::Query("Why not OFFICIAL-SENSITIVE?"),
        &reviewer(),
        at(100),
    )
    .expect("ok");
    let s = status(&a, "classification");
    assert!(s.open_query && s.decision == ReviewDecision::Query);
    assert_eq!(open_queries_in_order(&a, &c).len(), 1);
    reply(
        &mut a,
        "classification",
        "No patient data at all.",
        &lead(),
        at(101),
    )
    .expect("ok");
    let thread = &a.reviews["classification"].thread;
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[1].author, lead().signature());
    resolve(&mut a, "classification", &reviewer(), at(102)).expect("ok");
    let s = status(&a, "classification");
    assert!(!s.open_query && !s.is_accepted());
    assert_eq!(s.label(), "query resolved, not accepted yet");
    assert!(open_queries_in_order(&a, &c).is_empty());
    // Still the reviewer's to accept: the walk of what waits on them (`A`'s "next", and
    // `review --only unreviewed`) does not skip it.
    assert!(s.awaits_reviewer() && !s.needs_review());
    let (typed, _) = a.typed_answers(&c);
    let e = crate::rules::evaluate(&c, &typed);
    assert!(
        super::items(&a, &c, &e, &EvidenceFiles::default(), Filter::Unreviewed)
            .iter()
            .any(|item| item.question == "classification"),
        "a resolved, unaccepted answer is listed as waiting on the reviewer"
    );
    assert_eq!(
        reply(&mut a, "classification", "more", &lead(), at(103)),
        Err(ReviewError::NoOpenQuery {
            question: "classification".into(),
            what: "reply to"
        })
    );
    // Each change is one audit entry, pinned to the review it left.
    let actions: Vec<&str> = a.audit[before..]
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["review-decision", "review-comment", "review-resolved"]
    );
    assert_eq!(
        a.audit.last().map(|e| e.pin.clone()),
        Some(review_hash(&a.reviews["classification"]))
    );
    assert!(a.audit[before].new.contains("Why not OFFICIAL-SENSITIVE?"));
}

#[test]
fn refusals_change_nothing() {
    let c = catalogue();
    let mut a = answered(&c);
    let copy = a.clone();
    assert!(matches!(
        decide(&mut a, "classification", Decision::Accept, &lead(), at(100)),
        Err(ReviewError::Role(_))
    ));
    assert!(matches!(
        decide(
            &mut a,
            "classification",
            Decision::Query("  "),
            &reviewer(),
            at(100)
        ),
        Err(ReviewError::Empty { .. })
    ));
    assert!(matches!(
        decide(
            &mut a,
            "classification",
            Decision::Query("\u{1b}[2J"),
            &reviewer(),
            at(100)
        ),
        Err(ReviewError::InvalidText { .. })
    ));
    assert!(matches!(
        decide(
            &mut a,
            "no_such_question",
            Decision::Accept,
            &reviewer(),
            at(100)
        ),
        Err(ReviewError::NotAnswered { .. })
    ));
    assert!(matches!(
        resolve(&mut a, "classification", &reviewer(), at(100)),
        Err(ReviewError::NoOpenQuery { .. })
    ));
    assert_eq!(a, copy);
    // The same decision again records nothing.
    decide(
        &mut a,
        "classification",
        Decision::Accept,
        &reviewer(),
        at(101),
    )
    .expect("ok");
    let len = a.audit.len();
    decide(
        &mut a,
        "classification",
        Decision::Accept,
        &reviewer(),
        at(102),
    )
    .expect("ok");
    assert_eq!(a.audit.len(), len);
}

#[test]
fn filters_select_unreviewed_queried_and_must_related_answers() {
    let c = catalogue();
    let mut a = answered(&c);
    let e = evaluation(&a, &c);
    let all = items(&a, &c, &e, Filter::All);
    assert!(all.len() > 3);
    decide(
        &mut a,
        &all[0].question,
        Decision::Accept,
        &reviewer(),
        at(100),
    )
    .expect("ok");
    decide(
        &mut a,
        &all[1].question,
        Decision::Query("source?"),
        &reviewer(),
        at(101),
    )
    .expect("ok");
    let unreviewed = items(&a, &c, &e, Filter::Unreviewed);
    assert_eq!(unreviewed.len(), all.len() - 2);
    let queried = items(&a, &c, &e, Filter::Queried);
    assert_eq!(queried.len(), 1);
    assert_eq!(queried[0].question, all[1].question);
    let must = items(&a, &c, &e, Filter::Must);
    assert!(!must.is_empty() && must.len() < all.len());
    // The classification decides the classification-driven MUST obligations.
    assert!(must.iter().any(|i| i.question == "classification"));
    let p = progress(&a, &c, &e);
    assert_eq!(
        (p.answers, p.accepted, p.open_queries, p.not_reviewed),
        (all.len(), 1, 1, all.len() - 2)
    );
}

#[test]
fn a_comment_is_a_query_from_a_reviewer_and_a_reply_from_the_answers_author() {
    let c = catalogue();
    let mut a = answered(&c);
    let kind = comment(
        &mut a,
        "personal_data",
        "Staff names?",
        &reviewer(),
        at(3000),
    )
    .expect("queried");
    assert_eq!(kind, CommentKind::Query);
    assert!(status(&a, "personal_data").open_query);
    let kind = comment(&mut a, "personal_data", "None held.", &lead(), at(3001)).expect("replied");
    assert_eq!(kind, CommentKind::Reply);
    let thread = &a.reviews["personal_data"].thread;
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[1].text, "None held.");
}

#[test]
fn the_same_person_under_another_name_or_case_cannot_review_their_answer() {
    let c = catalogue();
    let mut a = answered(&c);
    let q = c.question("personal_data").expect("exists");
    let peer = Person {
        name: "Pat Peer".into(),
        role: "Technical lead".into(),
        email: "peer@example.org".into(),
    };
    a.set_answer(q, &AnswerValue::YesNo(true), &peer, at(100))
        .expect("fits");
    for disguise in [
        Person {
            email: "PEER@example.org".into(),
            ..peer.clone()
        },
        Person {
            name: "P. Peer (IG)".into(),
            role: "IG representative".into(),
            email: " peer@Example.org ".into(),
        },
    ] {
        assert!(matches!(
            decide(
                &mut a,
                "personal_data",
                Decision::Accept,
                &disguise,
                at(101)
            ),
            Err(ReviewError::OwnAnswer { .. })
        ));
    }
    decide(
        &mut a,
        "personal_data",
        Decision::Accept,
        &reviewer(),
        at(102),
    )
    .expect("another person");
}

#[test]
fn dont_know_and_changed_evidence_cannot_be_accepted_and_the_lead_cannot_review() {
    let c = catalogue();
    let mut a = answered(&c);
    let q = c.question("personal_data").expect("exists");
    a.set_answer(q, &AnswerValue::DontKnow, &lead(), at(100))
        .expect("fits");
    assert_eq!(
        decide(
            &mut a,
            "personal_data",
            Decision::Accept,
            &reviewer(),
            at(101)
        ),
        Err(ReviewError::DontKnow {
            question: "personal_data".into()
        })
    );
    // A query is how a reviewer asks for an answer.
    decide(
        &mut a,
        "personal_data",
        Decision::Query("Who can tell us?"),
        &reviewer(),
        at(102),
    )
    .expect("queried");

    // An evidence file that is not what was attached.
    let evidence = c
        .questions_in_order()
        .find(|q| q.kind == AnswerKind::Evidence && a.answers.contains_key(&q.id))
        .expect("an answered evidence question")
        .clone();
    let attached = AnswerValue::Evidence(EvidenceRef {
        title: "Pen test report".into(),
        link: None,
        path: Some("/reports/pentest.pdf".into()),
        sha256: Some("aa".repeat(32)),
        size: Some(10),
    });
    a.set_answer(&evidence, &attached, &lead(), at(103))
        .expect("fits");
    let mut files = EvidenceFiles::not_checked();
    files.insert(
        "/reports/pentest.pdf",
        FileState::Present {
            sha256: "aa".repeat(32),
            size: 10,
        },
    );
    super::decide(
        &mut a,
        &evidence.id,
        Decision::Accept,
        &reviewer(),
        at(104),
        &files,
    )
    .expect("the file is what was attached");
    assert!(super::status(&a, &evidence.id, &files).is_accepted());
    files.insert(
        "/reports/pentest.pdf",
        FileState::Present {
            sha256: "bb".repeat(32),
            size: 10,
        },
    );
    let s = super::status(&a, &evidence.id, &files);
    assert!(s.stale && s.evidence_changed && !s.is_accepted());
    assert_eq!(
        s.label(),
        "stale — evidence file changed after review (was accepted)"
    );
    assert!(matches!(
        super::decide(
            &mut a,
            &evidence.id,
            Decision::Accept,
            &reviewer(),
            at(105),
            &files
        ),
        Err(ReviewError::EvidenceChanged { .. })
    ));
    files.insert("/reports/pentest.pdf", FileState::Missing);
    assert!(super::status(&a, &evidence.id, &files).stale);

    // The project lead does not review their own assessment, whatever the answer.
    let tech = Person {
        name: "Tom Tech".into(),
        role: String::new(),
        email: "tom@example.org".into(),
    };
    a.set_answer(q, &AnswerValue::YesNo(false), &tech, at(106))
        .expect("fits");
    assert!(matches!(
        decide(&mut a, "personal_data", Decision::Accept, &lead(), at(107)),
        Err(ReviewError::Role(_))
    ));
}

#[test]
fn a_query_on_a_question_no_longer_asked_counts_nowhere() {
    let c = catalogue();
    let mut a = answered(&c);
    let yes_no = |a: &mut Assessment, id: &str, value: bool, s: i64| {
        let q = c.question(id).expect("question exists");
        a.set_answer(q, &AnswerValue::YesNo(value), &lead(), at(s))
            .expect("fits");
    };
    // Administrator accounts: the MFA question is asked, answered and queried.
    yes_no(&mut a, "admin_accounts", true, 200);
    yes_no(&mut a, "admin_mfa", true, 201);
    for (i, id) in ["admin_accounts", "admin_mfa"].into_iter().enumerate() {
        decide(
            &mut a,
            id,
            Decision::Query("Which accounts?"),
            &reviewer(),
            at(210 + i as i64),
        )
        .expect("queried");
    }
    let open = |a: &Assessment| -> Vec<String> {
        let (e, _) = findings::evaluate(a, &c);
        super::open_queries(a, &c, &e)
            .into_iter()
            .map(|q| q.question)
            .collect()
    };
    assert_eq!(open(&a), ["admin_accounts", "admin_mfa"]);

    // No administrator accounts after all: the MFA question is no longer asked, and its
    // answer and the query on it count nowhere.
    yes_no(&mut a, "admin_accounts", false, 220);
    assert_eq!(open(&a), ["admin_accounts"]);
    assert_eq!(
        open_queries_in_order(&a, &c)
            .into_iter()
            .map(|q| q.question)
            .collect::<Vec<_>>(),
        ["admin_accounts"]
    );
    let (e, _) = findings::evaluate(&a, &c);
    let p = super::progress(&a, &c, &e, unchecked());
    assert_eq!(
        p.open_queries, 0,
        "the answer to admin_accounts changed: stale"
    );
    assert!(!super::counts("admin_mfa", &c, &e, &a));
    assert!(super::counts("admin_accounts", &c, &e, &a));
    let readiness = sign_off::readiness(
        &a,
        &Judged {
            catalogue: &c,
            evidence: unchecked(),
            today: today(),
        },
    );
    assert!(
        !readiness.blockers.iter().any(|b| b.subject == "admin_mfa"),
        "{:?}",
        readiness.blockers
    );
    assert!(readiness
        .blockers
        .iter()
        .any(|b| b.subject == "admin_accounts"));
    // It is kept in the file, where the pack shows it with the answer no longer asked.
    assert_eq!(a.reviews["admin_mfa"].decision, ReviewDecision::Query);
}

#[test]
fn text_is_recorded_in_nfc_and_an_answer_stored_decomposed_does_not_look_changed() {
    let c = catalogue();
    let mut a = answered(&c);
    let q = c.question("hosting_and_support").expect("question exists");
    let decomposed = "Hosted by Sea\u{301}n's team in Zu\u{308}rich";
    let composed = "Hosted by Se\u{e1}n's team in Z\u{fc}rich";
    a.set_answer(q, &AnswerValue::Text(decomposed.into()), &lead(), at(300))
        .expect("fits");
    assert_eq!(
        a.answers[&q.id].value,
        Some(StoredValue::One(composed.into()))
    );
    a.set_notes(&q.id, "Zoe\u{308}", &lead(), at(301));
    assert_eq!(a.answers[&q.id].notes, "Zo\u{eb}");

    // An answer stored decomposed (written before secassess normalised input), accepted
    // on those bytes: saying it again, composed or not, changes nothing.
    a.answers.get_mut(&q.id).expect("answered").value = Some(StoredValue::One(decomposed.into()));
    decide(&mut a, &q.id, Decision::Accept, &reviewer(), at(302)).expect("accepted");
    let entries = a.audit.len();
    for text in [composed, decomposed] {
        a.set_answer(q, &AnswerValue::Text(text.into()), &lead(), at(303))
            .expect("fits");
        a.set_notes(&q.id, "Zoe\u{308}", &lead(), at(304));
    }
    assert_eq!(a.audit.len(), entries, "nothing recorded");
    assert_eq!(
        a.answers[&q.id].value,
        Some(StoredValue::One(decomposed.into()))
    );
    assert!(status(&a, &q.id).is_accepted());
}
