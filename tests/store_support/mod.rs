//! Assessments for the store tests, built directly (not through a questionnaire) so they
//! can hold every kind of record and any number of answers.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use secassess::assessment::record::*;
use secassess::questionnaire::answer::EvidenceRef;

pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 0)
        .single()
        .expect("a valid timestamp")
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, d).expect("a valid date")
}

pub fn jane() -> Person {
    Person {
        name: "Jane Smith".into(),
        role: "Project lead".into(),
        email: "jane.smith@nhs.net".into(),
    }
}

/// An answer to question `i`, with a value that says which version (`tag`) wrote it.
pub fn answer(i: usize, tag: &str) -> AnswerRecord {
    let value = match i % 4 {
        0 => Some(StoredValue::One(format!("{tag}-{i}"))),
        1 => Some(StoredValue::Many(vec![
            format!("{tag}-{i}-a"),
            format!("{tag}-{i}-b"),
        ])),
        2 => None,
        _ => Some(StoredValue::One(format!(
            "{tag} line one\nline \"two\" for {i}"
        ))),
    };
    AnswerRecord {
        dont_know: value.is_none() && i % 8 == 2,
        evidence: (value.is_none() && i % 8 == 6).then(|| EvidenceRef {
            title: format!("{tag} design document {i}"),
            link: None,
            path: Some(format!("docs/design-{i}.pdf")),
            sha256: Some("ab".repeat(32)),
            size: Some(1234 + i as u64),
        }),
        value,
        notes: if i.is_multiple_of(3) {
            format!("{tag}: checked with the supplier, see ticket {i}")
        } else {
            String::new()
        },
        flagged: i.is_multiple_of(5),
        question_fingerprint: format!("{:016x}", i),
        answered_by: jane().signature(),
        answered_at: at(i as i64),
    }
}

/// An assessment with `answers` answers, every answer tagged with `tag`.
pub fn assessment(answers: usize, tag: &str) -> Assessment {
    let mut a = Assessment {
        schema_version: SCHEMA_VERSION,
        system: System {
            name: "Patient portal".into(),
            description: "Lets patients book appointments.\nRuns in the cloud.".into(),
        },
        assessor: jane(),
        created_at: at(0),
        updated_at: at(answers as i64),
        questionnaires: vec![QuestionnaireRef {
            id: "profile".into(),
            version: "1.0.0".into(),
            sha256: "cd".repeat(32),
            questions: (0..answers).map(|i| format!("question_{i:04}")).collect(),
        }],
        last_question: Some(format!("question_{:04}", answers / 2)),
        answers: BTreeMap::new(),
        findings: Vec::new(),
        reviews: BTreeMap::new(),
        sign_off: None,
        audit: Vec::new(),
    };
    for i in 0..answers {
        a.answers.insert(format!("question_{i:04}"), answer(i, tag));
    }
    a
}

/// An assessment using every part of the record: findings, reviews, sign-off, audit.
pub fn rich_assessment() -> Assessment {
    let mut a = assessment(40, "rich");
    a.findings.push(Finding {
        id: "F-001".into(),
        title: "Admin accounts without MFA".into(),
        obligations: vec!["admin-mfa".into()],
        questions: vec!["question_0001".into()],
        description: "Two admin accounts sign in with a password only.".into(),
        severity: Severity::High,
        owner: "Sam Jones".into(),
        status: FindingStatus::MitigationPlanned,
        raised_by: jane().signature(),
        raised_at: at(100),
        updated_at: at(200),
        mitigation: Some(MitigationPlan {
            actions: "Enrol both in the MFA service.".into(),
            owner: "Sam Jones".into(),
            target_date: day(30),
            completed_on: None,
            evidence: Some(EvidenceRef {
                title: "Change ticket".into(),
                link: Some("https://example.nhs.uk/ticket/42".into()),
                ..EvidenceRef::default()
            }),
        }),
        acceptance: Some(RiskAcceptance {
            accepted_by: Person {
                name: "Pat Owner".into(),
                role: "Business owner".into(),
                email: "pat@nhs.net".into(),
            },
            accepted_on: day(2),
            rationale: "Until the MFA rollout.".into(),
            review_date: day(28),
            signature: Some(SshSignature {
                signed_at: at(150),
                content_sha256: "56".repeat(32),
                fingerprint: "SHA256:AAAA".into(),
                public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5".into(),
                sshsig: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n".into(),
            }),
        }),
        exception: Some(ExceptionApproval {
            approved_by: jane(),
            reference: "EX-7".into(),
            approved_on: day(3),
            signature: None,
        }),
    });
    a.reviews.insert(
        "question_0001".into(),
        Review {
            decision: ReviewDecision::Query,
            answer_hash: "ef".repeat(32),
            reviewer: "Rev Iewer <rev@nhs.net>".into(),
            decided_at: at(300),
            thread: vec![Comment {
                author: "Rev Iewer".into(),
                at: at(301),
                text: "Which supplier?\nPlease attach the contract.".into(),
            }],
            resolved: false,
        },
    );
    a.sign_off = Some(SignOff {
        signed_by: jane(),
        signed_at: at(400),
        statement: "I confirm these answers.".into(),
        content_hash: "12".repeat(32),
        signature: None,
    });
    // Parsed rather than built, so this keeps compiling as the audit entry gains fields.
    let entry: AuditEntry = toml::from_str(&format!(
        "at = \"2025-06-15T15:06:41Z\"\nwho = \"{}\"\naction = \"answer\"\nsubject = \"question_0001\"\nnew = \"yes\"\nprevious_hash = \"\"\nhash = \"{}\"\n",
        jane().signature(),
        "34".repeat(32)
    ))
    .expect("an audit entry");
    a.audit.push(entry);
    a
}
