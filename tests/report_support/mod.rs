//! Assessments for the evidence pack tests and the export benchmark, built through the
//! same operations the front ends use (answers, notes, findings and review decisions are
//! audited), so they match their audit trails: `secassess verify` finds nothing wrong
//! with them. The COMPLETE sample was signed off and changed afterwards;
//! [`signed_off_sample`] is signed off and unchanged.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use secassess::assessment::audit::{self, Action, Change};
use secassess::assessment::evidence::EvidenceFiles;
use secassess::assessment::findings::{self, Actor, NewFinding};
use secassess::assessment::record::*;
use secassess::assessment::review::{self, Decision};
use secassess::assessment::sign_off;
use secassess::questionnaire::answer::parse_answer;
use secassess::questionnaire::{load_embedded, AnswerKind, Catalogue};
use secassess::report::{self, EvidenceCheck, Input};

/// No evidence files checked: the review rules on the records alone.
pub fn unchecked() -> EvidenceFiles {
    EvidenceFiles::not_checked()
}

/// What the samples' local evidence file holds: write it at [`PENTEST_PATH`] beside the
/// assessment for the file to be found unchanged.
pub const PENTEST_REPORT: &[u8] =
    b"%PDF-1.4 Penetration test report: no high or critical findings.\n";

/// Where the samples record their local evidence file, relative to the assessment.
pub const PENTEST_PATH: &str = "evidence/pentest.pdf";

/// The SHA-256 of [`PENTEST_REPORT`], in hex.
pub fn pentest_sha256() -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(PENTEST_REPORT)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn catalogue() -> Catalogue {
    load_embedded().expect("the embedded questionnaires load")
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("valid")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn assessor() -> Person {
    Person {
        name: "Zoë Ångström-O’Neill".into(),
        role: "Project lead".into(),
        email: "zoe.angstrom@nhs.net".into(),
    }
}

pub fn reviewer() -> Person {
    Person {
        name: "Priya Raman".into(),
        role: "IG representative".into(),
        email: "priya.raman@nhs.net".into(),
    }
}

/// What to put in a sample assessment.
#[derive(Clone, Copy)]
pub struct Shape {
    /// How many questions (in walking order) to answer; `usize::MAX` for all.
    pub answers: usize,
    pub findings: usize,
    /// Extra notes changes, to make the audit trail longer.
    pub extra_audit: usize,
    pub classification: Option<&'static str>,
    pub long_texts: bool,
    pub reviews: bool,
}

pub const EMPTY: Shape = Shape {
    answers: 0,
    findings: 0,
    extra_audit: 0,
    classification: None,
    long_texts: false,
    reviews: false,
};

pub const HALF: Shape = Shape {
    answers: 45,
    findings: 3,
    extra_audit: 0,
    classification: Some("official-sensitive"),
    long_texts: false,
    reviews: true,
};

pub const COMPLETE: Shape = Shape {
    answers: usize::MAX,
    findings: 50,
    extra_audit: 150,
    classification: Some("official-sensitive"),
    long_texts: true,
    reviews: true,
};

const LONG: &str = "Checked with the supplier’s “security pack” – see ticket ABC-123 (£2,400 budget). Übergrößenträger and naïve café résumé. 李小龍 and Привет, мир and مرحبا. Hash: 3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea9b3c8c2e4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff. ";

/// A sample assessment of the given shape; deterministic.
pub fn sample(catalogue: &Catalogue, shape: Shape) -> Assessment {
    let who = assessor();
    let mut now = t0();
    let mut a = Assessment::new(
        System {
            name: "Patient portal – bookings".into(),
            description: "Lets patients book, move and cancel appointments.\nRuns in the NHS cloud landing zone.".into(),
        },
        who.clone(),
        catalogue,
        now,
    );
    let questions: Vec<_> = catalogue.questions_in_order().cloned().collect();
    for (i, question) in questions.iter().enumerate().take(shape.answers) {
        now += Duration::minutes(3);
        let first = question
            .options
            .first()
            .map(|o| o.value.clone())
            .unwrap_or_default();
        let text = match (question.id.as_str(), shape.classification) {
            ("classification", Some(c)) => c.to_string(),
            ("personal_data", _) => "yes".into(),
            _ => match question.kind {
                AnswerKind::YesNo => if i % 3 == 0 { "no" } else { "yes" }.to_string(),
                AnswerKind::Single | AnswerKind::Multiple => first,
                AnswerKind::Text => {
                    if shape.long_texts {
                        LONG.repeat(3)
                    } else {
                        "Answered for the test".into()
                    }
                }
                AnswerKind::Date => "2026-01-15".into(),
                AnswerKind::Evidence => "https://example.invalid/evidence/report.pdf".into(),
            },
        };
        let value = parse_answer(question, &text).expect("a valid answer");
        a.set_answer(question, &value, &who, now)
            .expect("answer accepted");
        if shape.long_texts && i % 4 == 0 {
            a.set_notes(&question.id, &format!("Note {i}: {LONG}"), &who, now);
        }
    }
    // An evidence file recorded by path, as an attach would.
    if let Some(q) = questions.iter().find(|q| q.kind == AnswerKind::Evidence) {
        if a.answers.contains_key(&q.id) {
            now += Duration::minutes(1);
            let value = secassess::questionnaire::AnswerValue::Evidence(
                secassess::questionnaire::EvidenceRef {
                    title: "Penetration test report".into(),
                    link: None,
                    path: Some(PENTEST_PATH.into()),
                    sha256: Some(pentest_sha256()),
                    size: Some(PENTEST_REPORT.len() as u64),
                },
            );
            a.set_answer(q, &value, &who, now)
                .expect("evidence accepted");
        }
    }
    for i in 0..shape.extra_audit {
        now += Duration::minutes(1);
        let id = &questions[i % questions.len()].id;
        a.set_notes(id, &format!("Revision {i} of the notes."), &who, now);
    }

    let (evaluation, _) = findings::evaluate(&a, catalogue);
    let obligations: Vec<String> = evaluation
        .obligations
        .iter()
        .map(|o| o.id.clone())
        .collect();
    let today = date(2026, 2, 1);
    for i in 0..shape.findings {
        now += Duration::minutes(5);
        let actor = Actor {
            who: &who,
            now,
            today,
        };
        let id = findings::create_finding(
            &mut a,
            catalogue,
            NewFinding {
                title: format!("Gap {i}: {}", if shape.long_texts { "session tokens are not rotated after privilege change, so a stolen token keeps working" } else { "tokens" }),
                obligations: vec![obligations[i % obligations.len()].clone()],
                questions: Vec::new(),
                description: if shape.long_texts { LONG.to_string() } else { String::new() },
                severity: Severity::ALL[i % 4],
                owner: "=HYPERLINK(\"http://evil.invalid\")".into(),
            },
            &actor,
        )
        .expect("finding created");
        if i % 3 == 0 {
            findings::set_mitigation_plan(
                &mut a,
                catalogue,
                &id,
                MitigationPlan {
                    actions: "Rotate tokens on every privilege change.".into(),
                    owner: "Dev lead".into(),
                    target_date: date(2026, 3, 1),
                    completed_on: None,
                    evidence: None,
                },
                &actor,
            )
            .expect("plan recorded");
        } else if i % 3 == 1 {
            findings::accept_risk(
                &mut a,
                catalogue,
                &id,
                RiskAcceptance {
                    accepted_by: Person {
                        name: "Sam Owner".into(),
                        role: "Business owner".into(),
                        email: String::new(),
                    },
                    accepted_on: today,
                    rationale: "Compensating controls in place.".into(),
                    review_date: date(2026, 6, 1),
                    signature: None,
                },
                &actor,
            )
            .expect("risk accepted");
        }
    }

    if shape.reviews && !a.answers.is_empty() {
        // The reviewer accepts four answers and queries two; the lead then changes one
        // of the queried answers, so that decision is stale.
        let reviewer = reviewer();
        let ids: Vec<String> = a.answers.keys().cloned().collect();
        for (n, id) in ids.iter().enumerate().take(6) {
            now += Duration::minutes(1);
            let decision = if n == 1 || n == 2 {
                Decision::Query("Which supplier report is this based on?")
            } else {
                Decision::Accept
            };
            review::decide(&mut a, id, decision, &reviewer, now, &unchecked())
                .expect("decision recorded");
        }
        if shape.findings > 10 {
            // Signed off as the review mode records it, though not everything was
            // accepted (a sign-off from before the review rules were tightened), and
            // changed afterwards.
            now += Duration::minutes(1);
            record_sign_off(&mut a, &reviewer, now);
        }
        if let Some(id) = ids.get(1) {
            now += Duration::minutes(1);
            a.set_notes(id, "Supplier report 2025-11, section 4.", &who, now);
        }
    }
    a
}

/// Records a sign-off pinned to the content as it is, with its audit entry, without the
/// review module's eligibility rules.
pub fn record_sign_off(a: &mut Assessment, who: &Person, now: DateTime<Utc>) {
    let statement = "Reviewed and accepted for go-live.";
    let record = SignOff {
        signed_by: who.clone(),
        signed_at: now,
        statement: statement.into(),
        content_hash: sign_off::content_hash(a),
        signature: None,
    };
    let pin = sign_off::sign_off_pin(&record);
    a.sign_off = Some(record);
    a.updated_at = now;
    audit::append(
        a,
        who,
        Change {
            action: Action::SignOff,
            subject: sign_off::SIGN_OFF_SUBJECT,
            old: String::new(),
            new: statement.into(),
            pin,
        },
        now,
    );
}

/// Every question answered, every applicable MUST gap recorded as a finding with a
/// mitigation plan due on 2027-01-01, every answer accepted by the reviewer, and signed
/// off through the review module (so it passed every sign-off rule on 2026-02-01).
pub fn signed_off_sample(catalogue: &Catalogue) -> Assessment {
    let mut a = sample(
        catalogue,
        Shape {
            answers: usize::MAX,
            findings: 0,
            extra_audit: 0,
            classification: Some("official-sensitive"),
            long_texts: false,
            reviews: false,
        },
    );
    let who = assessor();
    let mut now = a.updated_at + Duration::minutes(5);
    let today = date(2026, 2, 1);
    let (evaluation, _) = findings::evaluate(&a, catalogue);
    let gaps: Vec<String> = findings::gaps_without_finding(&a.findings, &evaluation)
        .into_iter()
        .filter(|o| o.level == secassess::questionnaire::Level::Must)
        .map(|o| o.id.clone())
        .collect();
    for obligation in gaps {
        now += Duration::minutes(1);
        let actor = Actor {
            who: &who,
            now,
            today,
        };
        let id =
            findings::create_from_obligation(&mut a, catalogue, &obligation, "Dev lead", &actor)
                .expect("finding created");
        findings::set_mitigation_plan(
            &mut a,
            catalogue,
            &id,
            MitigationPlan {
                actions: "Planned for the next release.".into(),
                owner: "Dev lead".into(),
                target_date: date(2027, 1, 1),
                completed_on: None,
                evidence: None,
            },
            &actor,
        )
        .expect("plan recorded");
    }
    let (evaluation, _) = findings::evaluate(&a, catalogue);
    let reviewer = reviewer();
    for item in review::items(
        &a,
        catalogue,
        &evaluation,
        &unchecked(),
        review::Filter::All,
    ) {
        now += Duration::minutes(1);
        review::decide(
            &mut a,
            &item.question,
            Decision::Accept,
            &reviewer,
            now,
            &unchecked(),
        )
        .expect("accepted");
    }
    now += Duration::minutes(1);
    let judged = sign_off::Judged {
        catalogue,
        evidence: &unchecked(),
        today,
    };
    sign_off::sign_off(
        &mut a,
        &judged,
        sign_off::STANDARD_STATEMENT,
        &reviewer,
        now,
        None,
    )
    .expect("eligible for sign-off");
    a
}

/// The pack's input for a sample, with fixed dates.
pub fn input<'a>(
    assessment: &'a Assessment,
    catalogue: &'a Catalogue,
    evidence: &'a BTreeMap<String, EvidenceCheck>,
    today: NaiveDate,
) -> Input<'a> {
    Input {
        assessment,
        catalogue,
        file_name: "portal.secassess.toml",
        file_sha256: "5e1f0000000000000000000000000000000000000000000000000000000000aa",
        generated_at: assessment.updated_at,
        today,
        tool_version: "0.1.0",
        evidence,
        marking: None,
        allowed_signers: None,
    }
}

pub fn document(
    assessment: &Assessment,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> report::Document {
    let evidence = BTreeMap::new();
    let pack = report::build(&input(assessment, catalogue, &evidence, today)).expect("pack builds");
    report::document(&pack)
}
