//! The audited changes to an assessment record: creating it (its first audit entry pins
//! the header), changing the system's details, an answer or its notes. Each change
//! appends its audit entry here, so `record` (the stored shape) never calls `audit` (the
//! chain over that shape): the imports go one way, `changes` → `audit` → `record`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::audit;
use super::record::*;
use crate::questionnaire::answer::{check_answer, display_answer, AnswerValue};
use crate::questionnaire::model::{Catalogue, Question};
use crate::text::{nfc, same_text};

/// The header in words, for the audit entry that pins it.
fn header_words(a: &Assessment) -> String {
    let questionnaires = a
        .questionnaires
        .iter()
        .map(|q| format!("{} {}", q.id, q.version))
        .collect::<Vec<_>>()
        .join(", ");
    let role = if a.assessor.role.is_empty() {
        String::new()
    } else {
        format!(" ({})", a.assessor.role)
    };
    format!(
        "system: {}; description: {}; assessor: {}{role}; created: {}; questionnaires: {questionnaires}",
        a.system.name,
        a.system.description,
        a.assessor.signature(),
        a.created_at.to_rfc3339()
    )
}

/// Appends an entry pinning the header as it is now.
pub(crate) fn pin_header(
    a: &mut Assessment,
    action: audit::Action,
    old: String,
    who: &Person,
    now: DateTime<Utc>,
) {
    let pin = header_pin(a);
    let new = header_words(a);
    audit::append(
        a,
        who,
        audit::Change {
            action,
            subject: ASSESSMENT_SUBJECT,
            old,
            new,
            pin,
        },
        now,
    );
}

impl Assessment {
    /// A new assessment of `system` by `assessor`, its creation recorded as the first
    /// audit entry (who, when, the system, the assessor and the questionnaires).
    pub fn new(
        system: System,
        assessor: Person,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Self {
        let now = timestamp(now);
        let mut assessment = Assessment {
            schema_version: SCHEMA_VERSION,
            system,
            assessor,
            created_at: now,
            updated_at: now,
            questionnaires: questionnaire_refs(catalogue),
            last_question: None,
            answers: BTreeMap::new(),
            findings: Vec::new(),
            reviews: BTreeMap::new(),
            sign_off: None,
            audit: Vec::new(),
        };
        let who = assessment.assessor.clone();
        pin_header(
            &mut assessment,
            audit::Action::Created,
            String::new(),
            &who,
            now,
        );
        assessment
    }

    /// Changes the system's name and description (audited, as `who`). Returns whether
    /// anything changed. The caller checks the text (length, control characters).
    pub fn set_system(&mut self, system: System, who: &Person, now: DateTime<Utc>) -> bool {
        if same_text(&self.system.name, &system.name)
            && same_text(&self.system.description, &system.description)
        {
            return false;
        }
        let system = System {
            name: nfc(&system.name).into_owned(),
            description: nfc(&system.description).into_owned(),
        };
        let now = timestamp(now);
        let old = header_words(self);
        self.system = system;
        self.updated_at = now;
        pin_header(self, audit::Action::SystemChanged, old, who, now);
        true
    }

    /// Sets an answer (value, and who and when), keeping any notes already written and
    /// the "answer later" mark. Text and evidence titles are recorded in NFC; the
    /// question's fingerprint is stored with it. Audited as `answer-set` or
    /// `answer-changed`, pinned to [`audit::answer_hash`]. Saying the same thing again
    /// records nothing, unless the question changed since it was answered: then it
    /// confirms the answer for the new version, which is recorded.
    ///
    /// Errors: [`AnswerError`](crate::questionnaire::answer::AnswerError) when `value`
    /// does not fit `question` (the wrong kind, an option it does not have, ...); nothing
    /// is changed then. The caller checks who may answer (`roles::may_change_answers`).
    pub fn set_answer(
        &mut self,
        question: &Question,
        value: &AnswerValue,
        who: &Person,
        now: DateTime<Utc>,
    ) -> Result<(), crate::questionnaire::answer::AnswerError> {
        check_answer(question, value)?;
        let value = &recorded_form(value);
        let now = timestamp(now);
        let previous = self.answers.get(&question.id).cloned();
        let old_text = previous
            .as_ref()
            .and_then(|p| typed_value(question, p).ok().flatten())
            .map(|v| display_answer(question, &v))
            .unwrap_or_default();
        let (notes, flagged) = previous
            .as_ref()
            .map(|p| (p.notes.clone(), p.flagged))
            .unwrap_or_default();
        let mut record = AnswerRecord {
            value: None,
            dont_know: false,
            evidence: None,
            notes,
            flagged,
            question_fingerprint: question_fingerprint(question),
            answered_by: who.signature(),
            answered_at: now,
        };
        match value {
            AnswerValue::DontKnow => record.dont_know = true,
            AnswerValue::YesNo(b) => {
                record.value = Some(StoredValue::One(if *b { "yes" } else { "no" }.into()))
            }
            AnswerValue::Choice(c) | AnswerValue::Text(c) => {
                record.value = Some(StoredValue::One(c.clone()))
            }
            AnswerValue::Choices(cs) => record.value = Some(StoredValue::Many(cs.clone())),
            AnswerValue::Date(d) => {
                record.value = Some(StoredValue::One(d.format("%Y-%m-%d").to_string()))
            }
            AnswerValue::Evidence(e) => record.evidence = Some(e.clone()),
        }
        let pin = audit::answer_hash(&record);
        // Saying the same thing again changes nothing and records nothing, unless the
        // question changed since (a questionnaire upgrade): then it confirms the answer
        // for the new version of the question, which is recorded.
        // Compared once normalised: an answer stored before secassess normalised input
        // keeps its bytes (and the hash its review was pinned to) when said again.
        let same_value = previous
            .as_ref()
            .is_some_and(|p| audit::answer_hash(p) == pin || says_the_same(p, &record));
        let confirms = previous
            .as_ref()
            .is_some_and(|p| p.question_fingerprint != record.question_fingerprint);
        if same_value && !confirms {
            return Ok(());
        }
        let action = if old_text.is_empty() {
            audit::Action::AnswerSet
        } else {
            audit::Action::AnswerChanged
        };
        let old_text = if same_value {
            format!("{old_text} (given to an earlier version of the question)")
        } else {
            old_text
        };
        self.answers.insert(question.id.clone(), record);
        self.updated_at = now;
        audit::append(
            self,
            who,
            audit::Change {
                action,
                subject: &question.id,
                old: old_text,
                new: display_answer(question, value),
                pin,
            },
            now,
        );
        Ok(())
    }

    /// Sets the free-text notes on a question, answered or not (recorded in NFC; a record
    /// is created for an unanswered question). Audited as `notes-changed`, pinned to the
    /// record's [`audit::answer_hash`]; the same notes again record nothing.
    pub fn set_notes(&mut self, question_id: &str, notes: &str, who: &Person, now: DateTime<Utc>) {
        let now = timestamp(now);
        let record = self
            .answers
            .entry(question_id.to_string())
            .or_insert_with(|| AnswerRecord {
                value: None,
                dont_know: false,
                evidence: None,
                notes: String::new(),
                flagged: false,
                question_fingerprint: String::new(),
                answered_by: who.signature(),
                answered_at: now,
            });
        if same_text(&record.notes, notes) {
            return;
        }
        let notes = nfc(notes);
        let notes = notes.as_ref();
        let old = std::mem::replace(&mut record.notes, notes.to_string());
        let pin = audit::answer_hash(record);
        self.updated_at = now;
        audit::append(
            self,
            who,
            audit::Change {
                action: audit::Action::NotesChanged,
                subject: question_id,
                old,
                new: notes.to_string(),
                pin,
            },
            now,
        );
    }
}
