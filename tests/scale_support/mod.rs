//! Large assessments near the 16 MiB a file may hold, for the tests and benchmarks that
//! show checks take linear time: many findings (as a register grown by a script, or
//! typed in by hand), and many answers with a long audit trail.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use secassess::assessment::audit::{self, Action, Change};
use secassess::assessment::record::{
    AnswerRecord, Assessment, Finding, FindingStatus, Person, Severity, StoredValue, System,
};
use secassess::questionnaire::Catalogue;

pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 0)
        .single()
        .expect("a valid timestamp")
}

pub fn ann() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.nhs.uk".into(),
    }
}

fn empty(catalogue: &Catalogue) -> Assessment {
    Assessment::new(
        System {
            name: "Scale".into(),
            description: String::new(),
        },
        ann(),
        catalogue,
        at(0),
    )
}

/// An assessment with `n` minimal open findings (an id, a title, a severity; no audit
/// entries, as if added in a text editor or by a script), the shape reported slow in
/// issue 22: 60,000 of them make a file of about 12 MB, under the 16 MiB cap.
pub fn many_findings(catalogue: &Catalogue, n: usize) -> Assessment {
    let mut assessment = empty(catalogue);
    let who = ann().signature();
    assessment.findings = (1..=n)
        .map(|i| Finding {
            id: format!("F-{i:05}"),
            title: format!("Finding {i}"),
            obligations: Vec::new(),
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Low,
            owner: String::new(),
            status: FindingStatus::Open,
            raised_by: who.clone(),
            raised_at: at(1),
            updated_at: at(1),
            mitigation: None,
            acceptance: None,
            exception: None,
        })
        .collect();
    assessment
}

/// An assessment with `answers` answers (to questions the catalogue does not have, which
/// `verify` does not mind) and `entries` audit entries (after the one that records its
/// creation) chained through `audit::append`:
/// each answer set once, the first `entries - answers` changed a second time, every pin
/// matching, so `verify` finds nothing wrong and has to look at everything.
pub fn many_answers(catalogue: &Catalogue, answers: usize, entries: usize) -> Assessment {
    let mut assessment = empty(catalogue);
    // A short name, so 40,000 entries fit in the 16 MiB a file may hold.
    let who = Person {
        name: "Ann".into(),
        role: String::new(),
        email: String::new(),
    };
    let changes = entries.saturating_sub(answers);
    for round in 0..2 {
        let count = if round == 0 { answers } else { changes };
        for i in 0..count {
            let id = format!("q{i:05}");
            let record = AnswerRecord {
                value: Some(StoredValue::One(format!("v{round}"))),
                dont_know: false,
                evidence: None,
                notes: String::new(),
                flagged: false,
                question_fingerprint: String::new(),
                answered_by: who.signature(),
                answered_at: at(2),
            };
            let pin = audit::answer_hash(&record);
            assessment.answers.insert(id.clone(), record);
            audit::append(
                &mut assessment,
                &who,
                Change {
                    action: if round == 0 {
                        Action::AnswerSet
                    } else {
                        Action::AnswerChanged
                    },
                    subject: &id,
                    old: String::new(),
                    new: String::new(),
                    pin,
                },
                at(2),
            );
        }
    }
    // The last change is the last audit entry's time, as a save through secassess has it.
    assessment.updated_at = at(2);
    assessment
}
