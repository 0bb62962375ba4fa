//! Folders of assessments for the portfolio tests and benchmark: one assessment for every
//! status the register shows (signed off and valid, changed since sign-off, gate failed
//! with MUST gaps, overdue dates, escalations, old questionnaires, edited outside
//! secassess, cut short, SECRET, a hostile system name), files secassess cannot read
//! (damaged, written by a newer secassess, empty, not UTF-8), and a corpus of any size
//! for timing. Built through the same operations the front ends use (see
//! `report_support`), so each status is what the real code says it is.
#![allow(dead_code)]

#[path = "../report_support/mod.rs"]
pub mod report_support;

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use secassess::assessment::findings::{self, Actor, NewFinding};
use secassess::assessment::record::*;
use secassess::questionnaire::Catalogue;
use secassess::store::format::encode;

pub use report_support::{catalogue, date};

/// The day every test judges dates on.
pub fn today() -> NaiveDate {
    date(2026, 7, 1)
}

fn shape(answers: usize, classification: &'static str) -> report_support::Shape {
    report_support::Shape {
        answers,
        findings: 0,
        extra_audit: 0,
        classification: Some(classification),
        long_texts: false,
        reviews: false,
    }
}

/// Renamed through secassess (audited), as `secassess system` does.
fn named(mut a: Assessment, name: &str) -> Assessment {
    let system = System {
        name: name.to_string(),
        description: a.system.description.clone(),
    };
    let at = a.updated_at + Duration::minutes(1);
    a.set_system(system, &report_support::assessor(), at);
    a
}

/// A finding on `obligation` raised on 2026-02-01 (before every date used here).
fn raise(a: &mut Assessment, catalogue: &Catalogue, obligation: &str) -> String {
    let who = report_support::assessor();
    let now = a.updated_at + Duration::minutes(1);
    let actor = Actor {
        who: &who,
        now,
        today: date(2026, 2, 1),
    };
    findings::create_finding(
        a,
        catalogue,
        NewFinding {
            title: format!("Gap in {obligation}"),
            obligations: vec![obligation.to_string()],
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::High,
            owner: "Dev lead".into(),
        },
        &actor,
    )
    .expect("finding created")
}

fn actor_at<'a>(who: &'a Person, a: &Assessment, today: NaiveDate) -> Actor<'a> {
    Actor {
        who,
        now: a.updated_at + Duration::minutes(1),
        today,
    }
}

/// The applicable MUST obligations that are not met.
fn must_gaps(a: &Assessment, catalogue: &Catalogue) -> Vec<String> {
    let (evaluation, _) = findings::evaluate(a, catalogue);
    findings::gaps_without_finding(&a.findings, &evaluation)
        .into_iter()
        .filter(|o| o.level == secassess::questionnaire::Level::Must)
        .map(|o| o.id.clone())
        .collect()
}

/// One assessment per status, each with the file name (under its folder) it is written
/// as. Judged on [`today`].
pub fn varieties(catalogue: &Catalogue) -> Vec<(&'static str, Assessment)> {
    let who = report_support::assessor();
    let mut out = Vec::new();

    // Signed off through the sign-off module (every rule met); the other renamed after
    // its sign-off, so its content changed since.
    let valid = report_support::signed_off_sample(catalogue);
    let changed = named(
        report_support::signed_off_sample(catalogue),
        "Changed portal",
    );
    out.push(("signed/valid.secassess.toml", valid));
    out.push(("signed/changed.secassess.toml", changed));

    let gaps = named(
        report_support::sample(catalogue, shape(60, "official-sensitive")),
        "Gaps rota",
    );
    out.push(("team-a/gaps.secassess.toml", gaps));

    // Overdue: a mitigation target of 2026-03-01 and a risk review of 2026-06-01.
    let mut overdue = named(
        report_support::sample(catalogue, shape(60, "official-sensitive")),
        "Overdue bridge",
    );
    let obligations = must_gaps(&overdue, catalogue);
    let f1 = raise(&mut overdue, catalogue, &obligations[0]);
    let actor = actor_at(&who, &overdue, date(2026, 2, 1));
    findings::set_mitigation_plan(
        &mut overdue,
        catalogue,
        &f1,
        MitigationPlan {
            actions: "Fix it".into(),
            owner: "Dev lead".into(),
            target_date: date(2026, 3, 1),
            completed_on: None,
            evidence: None,
        },
        &actor,
    )
    .expect("plan");
    let f2 = raise(&mut overdue, catalogue, &obligations[1]);
    let actor = actor_at(&who, &overdue, date(2026, 2, 1));
    findings::accept_risk(
        &mut overdue,
        catalogue,
        &f2,
        RiskAcceptance {
            accepted_by: Person {
                name: "Sam Owner".into(),
                role: "Business owner".into(),
                email: String::new(),
            },
            accepted_on: date(2026, 2, 1),
            rationale: "Compensating controls.".into(),
            review_date: date(2026, 6, 1),
            signature: None,
        },
        &actor,
    )
    .expect("accepted");
    out.push(("team-a/overdue.secassess.toml", overdue));

    // Escalation: a MUST gap of an OFFICIAL-SENSITIVE system risk-accepted (to escalate)
    // and another escalated.
    let mut escalation = named(
        report_support::sample(catalogue, shape(60, "official-sensitive")),
        "Escalation hub",
    );
    let obligations = must_gaps(&escalation, catalogue);
    let f1 = raise(&mut escalation, catalogue, &obligations[0]);
    let actor = actor_at(&who, &escalation, date(2026, 2, 1));
    findings::accept_risk(
        &mut escalation,
        catalogue,
        &f1,
        RiskAcceptance {
            accepted_by: Person {
                name: "Sam Owner".into(),
                role: "Business owner".into(),
                email: String::new(),
            },
            accepted_on: date(2026, 2, 1),
            rationale: "Accepted for a year.".into(),
            review_date: date(2027, 2, 1),
            signature: None,
        },
        &actor,
    )
    .expect("accepted");
    let f2 = raise(&mut escalation, catalogue, &obligations[1]);
    let actor = actor_at(&who, &escalation, date(2026, 2, 1));
    findings::escalate(
        &mut escalation,
        catalogue,
        &f2,
        &Person {
            name: "Dee Rector".into(),
            role: "Director of Digital".into(),
            email: String::new(),
        },
        &actor,
    )
    .expect("escalated");
    out.push(("team-b/escalation.secassess.toml", escalation));

    let official = named(
        report_support::sample(
            catalogue,
            report_support::Shape {
                answers: 0,
                ..shape(0, "official")
            },
        ),
        "Official wiki",
    );
    let mut official = official;
    answer_profile(&mut official, catalogue, "official");
    out.push(("team-b/official.secassess.toml", official));

    let fresh = named(
        report_support::sample(catalogue, report_support::EMPTY),
        "Fresh start",
    );
    out.push(("team-b/fresh.secassess.toml", fresh));

    let mut old = named(
        report_support::sample(catalogue, shape(20, "official-sensitive")),
        "Old questionnaires",
    );
    old.questionnaires[0].version = "0.9.0".into();
    out.push(("team-c/old.secassess.toml", old));

    let mut edited = named(
        report_support::sample(catalogue, shape(20, "official-sensitive")),
        "Edited outside",
    );
    let id = edited
        .answers
        .iter()
        .find(|(_, r)| r.value.is_some())
        .map(|(id, _)| id.clone())
        .expect("an answer");
    if let Some(record) = edited.answers.get_mut(&id) {
        record.notes = "Typed in a text editor.".into();
    }
    out.push(("team-c/edited.secassess.toml", edited));

    let mut secret = named(
        report_support::sample(catalogue, report_support::EMPTY),
        "Secret store",
    );
    answer_profile(&mut secret, catalogue, "secret");
    out.push(("team-c/secret.secassess.toml", secret));

    let hostile = named(
        report_support::sample(catalogue, shape(5, "official")),
        "=HYPERLINK(\"x\")\u{1b}[2J<script>alert(1)</script>",
    );
    out.push(("team-c/hostile.secassess.toml", hostile));
    out
}

/// Answers the classification and the data questions that raise it.
fn answer_profile(a: &mut Assessment, catalogue: &Catalogue, classification: &str) {
    let who = report_support::assessor();
    for (id, value) in [
        ("classification", classification),
        ("personal_data", "no"),
        ("commercially_sensitive", "no"),
    ] {
        let question = catalogue.question(id).expect("profile question");
        let value = secassess::questionnaire::answer::parse_answer(question, value)
            .expect("a valid answer");
        let at = a.updated_at + Duration::minutes(1);
        a.set_answer(question, &value, &who, at).expect("answered");
    }
}

/// Files secassess cannot read, with what is in them.
pub fn broken(catalogue: &Catalogue) -> Vec<(&'static str, Vec<u8>)> {
    let newer = encode(&report_support::sample(catalogue, report_support::EMPTY))
        .expect("encodes")
        .replace(
            &format!("schema_version = {SCHEMA_VERSION}"),
            "schema_version = 99",
        );
    vec![
        (
            "broken/corrupt.secassess.toml",
            b"system = [ not toml".to_vec(),
        ),
        ("broken/newer.secassess.toml", newer.into_bytes()),
        ("broken/empty.secassess.toml", Vec::new()),
        ("broken/binary.secassess.toml", vec![0xff, 0xfe, 0x00, 0x41]),
    ]
}

/// A file cut short: valid, but without the line secassess writes last.
pub fn cut_short(catalogue: &Catalogue) -> (&'static str, Vec<u8>) {
    let text = encode(&named(
        report_support::sample(catalogue, shape(10, "official")),
        "Cut short",
    ))
    .expect("encodes");
    let text = text.replace(secassess::store::END_MARKER, "");
    ("team-c/cut-short.secassess.toml", text.into_bytes())
}

fn write(root: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("has a folder")).expect("folder made");
    std::fs::write(&path, bytes).expect("written");
    path
}

/// The samples' local evidence file, beside the assessments in `folder`, so it is found
/// unchanged.
fn write_evidence(folder: &Path) {
    write(
        folder,
        report_support::PENTEST_PATH,
        report_support::PENTEST_REPORT,
    );
}

/// Writes every variety, the broken files and the cut-short one under `root`, with the
/// evidence file the samples record beside each.
pub fn write_folder(root: &Path, catalogue: &Catalogue) {
    for (name, a) in varieties(catalogue) {
        let path = write(root, name, encode(&a).expect("encodes").as_bytes());
        write_evidence(path.parent().expect("in a folder"));
    }
    for (name, bytes) in broken(catalogue) {
        write(root, name, &bytes);
    }
    let (name, bytes) = cut_short(catalogue);
    write(root, name, &bytes);
}

/// `n` assessments of 60 answers each under `root`, 100 to a folder, cycling through
/// eight kinds (classification, findings, reviews, sign-off); returns their paths.
pub fn write_corpus(root: &Path, n: usize, catalogue: &Catalogue) -> Vec<PathBuf> {
    let classifications = ["official", "official-sensitive", "official", "secret"];
    let templates: Vec<Assessment> = (0..8)
        .map(|k| {
            let mut a = report_support::sample(
                catalogue,
                report_support::Shape {
                    answers: 60,
                    findings: k % 4,
                    extra_audit: 0,
                    classification: Some(classifications[k % 4]),
                    long_texts: false,
                    reviews: k >= 4,
                },
            );
            if k % 2 == 1 {
                let at = a.updated_at + Duration::minutes(1);
                report_support::record_sign_off(&mut a, &report_support::reviewer(), at);
            }
            a
        })
        .collect();
    (0..n)
        .map(|i| {
            // Renamed through secassess, so every file matches its audit trail.
            let a = named(
                templates[i % templates.len()].clone(),
                &format!("System {i:04}"),
            );
            let path = write(
                root,
                &format!("team-{:02}/system-{i:04}.secassess.toml", i / 100),
                encode(&a).expect("encodes").as_bytes(),
            );
            if i % 100 == 0 {
                write_evidence(path.parent().expect("in a folder"));
            }
            path
        })
        .collect()
}
