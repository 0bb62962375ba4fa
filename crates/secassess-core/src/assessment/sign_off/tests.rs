//! The one rule for "ready to sign off", the sign-off and where it stands, on
//! assessments built in memory with the embedded questionnaires.

use chrono::DateTime;

use super::pin::{parse_sign_off_pin, SignOffPin};
use super::*;
use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::findings::{Actor, NewFinding};
use crate::assessment::record::{MitigationPlan, Severity, System};
use crate::assessment::review::tests::{
    accept_all, answered, at, catalogue, judged, lead, reviewer, signed_off, today, unchecked,
};
use crate::assessment::review::{decide as decide_with, resolve, Decision};
use crate::assessment::verify;
use crate::questionnaire::answer::{AnswerValue, EvidenceRef};

fn decide(
    a: &mut Assessment,
    q: &str,
    d: Decision<'_>,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    decide_with(a, q, d, who, now, unchecked())
}

#[test]
fn sign_off_is_refused_until_everything_is_accepted_and_says_what_blocks() {
    let c = catalogue();
    let mut a = Assessment::new(System::default(), lead(), &c, at(0));
    let blockers = readiness(&a, &judged(&c, unchecked())).blockers;
    assert!(blockers
        .iter()
        .any(|b| b.kind == BlockerKind::NotAnswered && b.subject == "classification"));

    let mut a2 = answered(&c);
    let blockers = readiness(&a2, &judged(&c, unchecked())).blockers;
    assert!(!blockers.is_empty());
    assert!(blockers.iter().all(|b| b.kind == BlockerKind::NotReviewed));
    std::mem::swap(&mut a, &mut a2);

    accept_all(&mut a, &c);
    decide(
        &mut a,
        "personal_data",
        Decision::Query("Are staff names personal data?"),
        &reviewer(),
        at(1001),
    )
    .expect("ok");
    let err = sign_off(
        &mut a,
        &judged(&c, unchecked()),
        STANDARD_STATEMENT,
        &reviewer(),
        at(1002),
        None,
    )
    .expect_err("an open query blocks");
    let ReviewError::NotEligible { blockers } = &err else {
        panic!("{err}");
    };
    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].kind, BlockerKind::OpenQuery);
    assert_eq!(blockers[0].subject, "personal_data");
    assert!(err.to_string().contains("personal_data: queried"), "{err}");
    assert!(a.sign_off.is_none());

    // Resolved but not accepted still blocks; accepting clears it.
    resolve(&mut a, "personal_data", &reviewer(), at(1003)).expect("ok");
    assert_eq!(
        readiness(&a, &judged(&c, unchecked())).blockers[0].kind,
        BlockerKind::QueryNotAccepted
    );
    decide(
        &mut a,
        "personal_data",
        Decision::Accept,
        &reviewer(),
        at(1004),
    )
    .expect("ok");
    assert!(readiness(&a, &judged(&c, unchecked())).ready());

    // An untreated finding blocks; a mitigation plan treats it.
    let actor = Actor {
        who: &lead(),
        now: at(1005),
        today: today(),
    };
    let id = findings::create_finding(
        &mut a,
        &c,
        NewFinding {
            title: "No penetration test yet".into(),
            obligations: Vec::new(),
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Medium,
            owner: "Ann Lead".into(),
        },
        &actor,
    )
    .expect("created");
    let blockers = readiness(&a, &judged(&c, unchecked())).blockers;
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert_eq!(
        (blockers[0].kind, blockers[0].subject.as_str()),
        (BlockerKind::Finding, id.as_str())
    );
    findings::set_mitigation_plan(
        &mut a,
        &c,
        &id,
        MitigationPlan {
            actions: "Commission a CHECK test".into(),
            owner: "Ann Lead".into(),
            target_date: today() + chrono::Days::new(30),
            completed_on: None,
            evidence: None,
        },
        &actor,
    )
    .expect("planned");
    assert!(readiness(&a, &judged(&c, unchecked())).ready());

    sign_off(
        &mut a,
        &judged(&c, unchecked()),
        "Reviewed.",
        &reviewer(),
        at(1006),
        None,
    )
    .expect("signed");
    let s = a.sign_off.as_ref().expect("signed");
    assert_eq!(s.signed_by, reviewer());
    assert_eq!(s.content_hash, content_hash(&a));
    assert_eq!(changed_since_sign_off(&a), Some(false));
    let last = a.audit.last().expect("an entry");
    assert_eq!(
        (last.action.as_str(), last.pin.clone()),
        ("sign-off", sign_off_pin(s))
    );
    assert_eq!(
        parse_sign_off_pin(&last.pin),
        SignOffPin {
            content: s.content_hash.clone(),
            signer: Some(signer_hash(&reviewer())),
            key: None
        }
    );
}

#[test]
fn a_review_edited_by_hand_does_not_count_as_accepted() {
    let c = catalogue();
    let mut a = answered(&c);
    accept_all(&mut a, &c);
    // Someone marks a query as accepted in a text editor.
    decide(
        &mut a,
        "classification",
        Decision::Query("why?"),
        &reviewer(),
        at(1001),
    )
    .expect("ok");
    if let Some(r) = a.reviews.get_mut("classification") {
        r.decision = ReviewDecision::Accepted;
        r.resolved = true;
    }
    let blockers = readiness(&a, &judged(&c, unchecked())).blockers;
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert_eq!(blockers[0].kind, BlockerKind::Integrity);
    assert_eq!(blockers[0].subject, "classification");
}

#[test]
fn any_later_change_shows_changed_since_sign_off_but_saving_again_does_not() {
    let c = catalogue();
    let a = signed_off(&c);
    assert_eq!(changed_since_sign_off(&a), Some(false));

    // Saved and read back, with navigation state and bookmarks changed: still intact.
    let mut b = a.clone();
    b.updated_at = at(5000);
    b.last_question = Some("personal_data".into());
    b.set_flagged("personal_data", true, &lead(), at(5001));
    let text = crate::assessment::format::encode(&b).expect("encodes");
    let b = crate::assessment::format::decode(std::path::Path::new("x.secassess.toml"), &text)
        .expect("decodes")
        .assessment;
    assert_eq!(changed_since_sign_off(&b), Some(false));

    // A changed answer.
    let mut b = a.clone();
    let q = c.question("personal_data").expect("exists");
    b.set_answer(q, &AnswerValue::YesNo(true), &lead(), at(5002))
        .expect("ok");
    assert_eq!(changed_since_sign_off(&b), Some(true));
    // Notes.
    let mut b = a.clone();
    b.set_notes("classification", "see DPIA", &lead(), at(5003));
    assert_eq!(changed_since_sign_off(&b), Some(true));
    // A review decision withdrawn.
    let mut b = a.clone();
    decide(
        &mut b,
        "classification",
        Decision::NotReviewed,
        &reviewer(),
        at(5004),
    )
    .expect("ok");
    assert_eq!(changed_since_sign_off(&b), Some(true));
    // The system description.
    let mut b = a.clone();
    b.system.description = "Now with patient data".into();
    assert_eq!(changed_since_sign_off(&b), Some(true));
    // A new query changes the decision.
    let mut b = a;
    decide(
        &mut b,
        "classification",
        Decision::Query("x"),
        &reviewer(),
        at(5005),
    )
    .expect("ok");
    assert_eq!(changed_since_sign_off(&b), Some(true));
}

#[test]
fn dont_know_and_flagged_answers_block_and_so_does_a_failing_gate() {
    let c = catalogue();
    let mut a = answered(&c);
    accept_all(&mut a, &c);
    assert!(readiness(&a, &judged(&c, unchecked())).ready());

    // "Don't know yet" is not an answer a reviewer can accept, and it blocks.
    let mut b = a.clone();
    let q = c.question("personal_data").expect("exists");
    b.set_answer(q, &AnswerValue::DontKnow, &lead(), at(3000))
        .expect("fits");
    let kinds: Vec<BlockerKind> = readiness(&b, &judged(&c, unchecked()))
        .blockers
        .iter()
        .map(|x| x.kind)
        .collect();
    assert!(kinds.contains(&BlockerKind::DontKnow), "{kinds:?}");

    // Flagged to answer later blocks, with its answer accepted.
    let mut b = a.clone();
    b.set_flagged("classification", true, &lead(), at(3001));
    let blockers = readiness(&b, &judged(&c, unchecked())).blockers;
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert_eq!(
        (blockers[0].kind, blockers[0].subject.as_str()),
        (BlockerKind::Flagged, "classification")
    );

    // The gate, judged on a day after the mitigation target dates: the same blockers
    // `secassess check` gives.
    let later = Judged {
        catalogue: &c,
        evidence: unchecked(),
        today: today() + chrono::Days::new(400),
    };
    let blockers = readiness(&a, &later).blockers;
    let gate = findings::gate(&a, &c, later.today);
    assert!(!gate.passed);
    for b in &gate.blockers {
        assert!(
            blockers
                .iter()
                .any(|x| x.kind == BlockerKind::Gate && x.subject == b.obligation),
            "{blockers:?}"
        );
    }
}

#[test]
fn a_sign_off_holds_only_while_content_evidence_and_readiness_hold() {
    let c = catalogue();
    let mut a = answered(&c);
    // A local evidence file, attached and accepted.
    let evidence = c
        .questions_in_order()
        .find(|q| {
            q.kind == crate::questionnaire::model::AnswerKind::Evidence
                && a.answers.contains_key(&q.id)
        })
        .expect("an answered evidence question")
        .clone();
    let attached = AnswerValue::Evidence(EvidenceRef {
        title: "Pen test report".into(),
        link: None,
        path: Some("/reports/pentest.pdf".into()),
        sha256: Some("aa".repeat(32)),
        size: Some(10),
    });
    a.set_answer(&evidence, &attached, &lead(), at(900))
        .expect("fits");
    let mut files = EvidenceFiles::not_checked();
    files.insert(
        "/reports/pentest.pdf",
        FileState::Present {
            sha256: "aa".repeat(32),
            size: 10,
        },
    );
    let j = judged(&c, &files);
    let e = findings::evaluate(&a, &c).0;
    for item in crate::assessment::review::items(&a, &c, &e, &files, review::Filter::All) {
        decide_with(
            &mut a,
            &item.question,
            Decision::Accept,
            &reviewer(),
            at(1000),
            &files,
        )
        .expect("accepted");
    }
    sign_off(&mut a, &j, STANDARD_STATEMENT, &reviewer(), at(2000), None).expect("signed");
    let problems = verify::record_problems(&a);
    assert_eq!(problems, []);
    assert!(state(&a, &j, &problems).holds());
    assert!(change_notice(&a).is_some());

    // The file replaced after sign-off: changed since sign-off, naming the question.
    let mut replaced = files.clone();
    replaced.insert(
        "/reports/pentest.pdf",
        FileState::Present {
            sha256: "bb".repeat(32),
            size: 12,
        },
    );
    let s = state(&a, &judged(&c, &replaced), &problems);
    assert_eq!(
        s.words(),
        format!(
            "CHANGED SINCE SIGN-OFF: evidence for {} changed",
            evidence.id
        )
    );
    let mut gone = files.clone();
    gone.insert("/reports/pentest.pdf", FileState::Missing);
    assert!(state(&a, &judged(&c, &gone), &problems)
        .words()
        .contains("is missing"));
    // And the review of that answer is stale, so a new sign-off is refused.
    let blockers = readiness(&a, &judged(&c, &replaced)).blockers;
    assert!(blockers
        .iter()
        .any(|b| b.kind == BlockerKind::EvidenceChanged && b.subject == evidence.id));

    // The content unchanged, but the gate fails on a later day: no longer valid.
    let later = Judged {
        today: today() + chrono::Days::new(400),
        ..j
    };
    let s = state(&a, &later, &problems);
    assert!(matches!(s, SignOffState::NoLongerValid { .. }), "{s:?}");
    assert!(s.words().starts_with("NO LONGER VALID: "), "{}", s.words());

    // An answer changed through secassess: changed since, naming it.
    let mut b = a.clone();
    let q = c.question("personal_data").expect("exists");
    b.set_answer(q, &AnswerValue::YesNo(true), &lead(), at(3000))
        .expect("fits");
    assert_eq!(change_notice(&b), None, "already changed: nothing to ask");
    let s = state(&b, &j, &verify::record_problems(&b));
    assert!(
        s.words().contains("answer to personal_data changed"),
        "{}",
        s.words()
    );
}

#[test]
fn the_project_lead_and_the_answers_author_cannot_sign_off() {
    let c = catalogue();
    let mut a = answered(&c);
    accept_all(&mut a, &c);
    let j = judged(&c, unchecked());
    assert!(matches!(
        sign_off(&mut a, &j, STANDARD_STATEMENT, &lead(), at(2000), None),
        Err(ReviewError::Role(_))
    ));
    // Someone who gave one of the answers, reviewed by another reviewer.
    let tech = Person {
        name: "Tom Tech".into(),
        role: "Technical lead".into(),
        email: "tom@example.org".into(),
    };
    let q = c
        .questions_in_order()
        .find(|q| {
            q.kind == crate::questionnaire::model::AnswerKind::Text && a.answers.contains_key(&q.id)
        })
        .expect("an answered text question")
        .clone();
    a.set_answer(
        &q,
        &AnswerValue::Text("Checked by Tom.".into()),
        &tech,
        at(2001),
    )
    .expect("fits");
    decide(&mut a, &q.id, Decision::Accept, &reviewer(), at(2002)).expect("ok");
    let err = sign_off(&mut a, &j, STANDARD_STATEMENT, &tech, at(2003), None).expect_err("refused");
    assert!(err.to_string().contains(&q.id), "{err}");
    assert!(a.sign_off.is_none());
    sign_off(&mut a, &j, STANDARD_STATEMENT, &reviewer(), at(2004), None).expect("signed");
}

#[test]
fn a_signed_off_assessment_reads_back_intact() {
    let c = catalogue();
    let a = signed_off(&c);
    let j = judged(&c, unchecked());
    assert!(verify::verify(&a, &j).is_ok());
}
