//! Questionnaire upgrades: what changed between the questionnaire versions an assessment
//! was answered against and the ones loaded now, and which answers must be confirmed
//! again because the question they answer has changed.
//!
//! A changed question is found by the fingerprint stored with each answer, not by the
//! questionnaire version, so an answer is marked for re-confirmation exactly when what it
//! answered (prompt, kind, options) changed, and the mark goes away when it is answered
//! again (which stores the new fingerprint). Nothing here changes answers.

use std::collections::BTreeSet;

use serde::Serialize;

use chrono::{DateTime, Utc};

use super::audit::Action;
use super::changes::pin_header;
use super::record::{
    question_fingerprint, questionnaire_refs, timestamp, AnswerRecord, Assessment, Person,
};
use crate::questionnaire::model::{Catalogue, Question};

/// How one questionnaire differs from the version the assessment was answered against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum VersionChange {
    /// A different version number.
    Upgraded {
        /// The version the assessment recorded.
        from: String,
        /// The version loaded now.
        to: String,
    },
    /// Same version number, different content (someone edited it without a new version).
    ContentChanged {
        /// The version number both share.
        version: String,
    },
    /// Not part of the questionnaires when the assessment was answered.
    Added {
        /// The version loaded now.
        version: String,
    },
    /// Answered against, but not loaded now.
    Removed {
        /// The version the assessment recorded.
        version: String,
    },
}

/// One questionnaire that differs from what the assessment recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionnaireChange {
    /// The questionnaire's id.
    pub id: String,
    /// How it differs (flattened into the JSON object, tagged `change`).
    #[serde(flatten)]
    pub change: VersionChange,
}

/// Everything a user needs to know after a questionnaire upgrade. Ids are in walking
/// order for new and changed questions, sorted for removed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpgradeReport {
    /// Questionnaires that differ: the loaded ones in load order, then those no longer
    /// loaded.
    pub questionnaires: Vec<QuestionnaireChange>,
    /// Questions that did not exist when the assessment was answered.
    pub new_questions: Vec<String>,
    /// Questions the assessment knew (answered, or listed in its questionnaire versions)
    /// that the current questionnaires do not have. Their answers stay in the file.
    pub removed_questions: Vec<String>,
    /// Answered questions whose prompt, kind or options changed since: confirm again.
    pub reconfirm: Vec<String>,
}

impl UpgradeReport {
    /// Nothing changed: the assessment follows the loaded questionnaires as they are.
    pub fn is_empty(&self) -> bool {
        self.questionnaires.is_empty()
            && self.new_questions.is_empty()
            && self.removed_questions.is_empty()
            && self.reconfirm.is_empty()
    }
}

/// Whether an answer was given to a different version of its question. Answers without
/// a fingerprint (written by hand) cannot be compared and are not marked.
pub fn needs_reconfirmation(record: &AnswerRecord, question: &Question) -> bool {
    !record.question_fingerprint.is_empty()
        && record.question_fingerprint != question_fingerprint(question)
}

/// Compares the assessment with the loaded questionnaires.
pub fn upgrade_report(assessment: &Assessment, catalogue: &Catalogue) -> UpgradeReport {
    let mut report = UpgradeReport::default();
    for current in &catalogue.questionnaires {
        let current_ids = current.sections.iter().flat_map(|s| s.questions.iter());
        let recorded = assessment
            .questionnaires
            .iter()
            .find(|r| r.id == current.id);
        let is_new = |id: &String| !assessment.answers.contains_key(id);
        match recorded {
            None => {
                report.questionnaires.push(QuestionnaireChange {
                    id: current.id.clone(),
                    change: VersionChange::Added {
                        version: current.version.clone(),
                    },
                });
                report
                    .new_questions
                    .extend(current_ids.filter(|id| is_new(id)).cloned());
            }
            Some(recorded) => {
                let same_content = recorded.sha256.is_empty()
                    || current.sha256.is_empty()
                    || recorded.sha256 == current.sha256;
                let change = if recorded.version != current.version {
                    VersionChange::Upgraded {
                        from: recorded.version.clone(),
                        to: current.version.clone(),
                    }
                } else if !same_content {
                    VersionChange::ContentChanged {
                        version: current.version.clone(),
                    }
                } else {
                    continue;
                };
                report.questionnaires.push(QuestionnaireChange {
                    id: current.id.clone(),
                    change,
                });
                // Without the recorded list (older files) an unanswered question in an
                // upgraded questionnaire is the best guess at "new".
                let known: BTreeSet<&String> = recorded.questions.iter().collect();
                report.new_questions.extend(
                    current_ids
                        .filter(|id| {
                            if known.is_empty() {
                                is_new(id)
                            } else {
                                !known.contains(id)
                            }
                        })
                        .cloned(),
                );
            }
        }
    }
    for recorded in &assessment.questionnaires {
        if !catalogue.questionnaires.iter().any(|q| q.id == recorded.id) {
            report.questionnaires.push(QuestionnaireChange {
                id: recorded.id.clone(),
                change: VersionChange::Removed {
                    version: recorded.version.clone(),
                },
            });
        }
    }
    let known: BTreeSet<&String> = assessment
        .answers
        .keys()
        .chain(
            assessment
                .questionnaires
                .iter()
                .flat_map(|r| r.questions.iter()),
        )
        .collect();
    report.removed_questions = known
        .into_iter()
        .filter(|id| catalogue.question(id).is_none())
        .cloned()
        .collect();
    report.reconfirm = catalogue
        .questions_in_order()
        .filter(|q| {
            assessment
                .answers
                .get(&q.id)
                .is_some_and(|record| needs_reconfirmation(record, q))
        })
        .map(|q| q.id.clone())
        .collect();
    report
}

/// Records that the assessment now follows the loaded questionnaire versions, once the
/// user has seen the report (audited as `who`: the pack states the versions). Answers
/// marked for re-confirmation stay marked until they are answered again. Returns whether
/// anything changed.
pub fn accept_current_questionnaires(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    who: &Person,
    now: DateTime<Utc>,
) -> bool {
    let refs = questionnaire_refs(catalogue);
    if assessment.questionnaires == refs {
        return false;
    }
    let old = assessment
        .questionnaires
        .iter()
        .map(|q| format!("{} {}", q.id, q.version))
        .collect::<Vec<_>>()
        .join(", ");
    let now = timestamp(now);
    assessment.questionnaires = refs;
    assessment.updated_at = now;
    pin_header(assessment, Action::QuestionnairesAccepted, old, who, now);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::record::{QuestionnaireRef, System};
    use crate::questionnaire::answer::AnswerValue;
    use chrono::TimeZone;

    fn catalogue() -> Catalogue {
        crate::questionnaire::load_embedded()
            .unwrap_or_else(|e| panic!("embedded questionnaires: {e}"))
    }

    fn answered(catalogue: &Catalogue) -> Assessment {
        let now = Utc
            .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
            .single()
            .unwrap_or_default();
        let who = Person {
            name: "Jane".into(),
            ..Person::default()
        };
        let mut a = Assessment::new(System::default(), who.clone(), catalogue, now);
        let q = catalogue
            .questions_in_order()
            .find(|q| q.kind == crate::questionnaire::model::AnswerKind::YesNo);
        if let Some(q) = q {
            a.set_answer(q, &AnswerValue::DontKnow, &who, now)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        a
    }

    #[test]
    fn an_assessment_on_the_current_questionnaires_has_nothing_to_report() {
        let c = catalogue();
        assert!(upgrade_report(&answered(&c), &c).is_empty());
    }

    #[test]
    fn a_changed_question_marks_its_answer_for_reconfirmation() {
        let mut c = catalogue();
        let a = answered(&c);
        let Some(id) = a.answers.keys().next().cloned() else {
            return;
        };
        if let Some(q) = c.questions.get_mut(&id) {
            q.prompt.push_str(" (reworded)");
        }
        let report = upgrade_report(&a, &c);
        assert_eq!(report.reconfirm, vec![id.clone()]);
        // Help text is not part of the fingerprint: a typo fix asks nobody to re-confirm.
        let mut c = catalogue();
        if let Some(q) = c.questions.get_mut(&id) {
            q.help.push_str(" More help.");
        }
        assert!(upgrade_report(&a, &c).reconfirm.is_empty());
    }

    #[test]
    fn new_and_removed_questions_and_versions_are_reported() {
        let c = catalogue();
        let mut a = answered(&c);
        let Some(first) = a.questionnaires.first_mut() else {
            return;
        };
        let id = first.id.clone();
        first.version = "0.1".into();
        let dropped = first.questions.pop();
        first.questions.push("retired_question".into());
        a.questionnaires.push(QuestionnaireRef {
            id: "gone".into(),
            version: "3".into(),
            sha256: String::new(),
            questions: vec!["gone_q".into()],
        });
        let report = upgrade_report(&a, &c);
        assert!(report.questionnaires.iter().any(|q| q.id == id
            && matches!(&q.change, VersionChange::Upgraded { from, .. } if from == "0.1")));
        assert!(report
            .questionnaires
            .iter()
            .any(|q| q.id == "gone" && matches!(q.change, VersionChange::Removed { .. })));
        assert_eq!(
            report.new_questions,
            dropped.into_iter().collect::<Vec<_>>()
        );
        assert_eq!(
            report.removed_questions,
            vec!["gone_q".to_string(), "retired_question".to_string()]
        );
        let who = a.assessor.clone();
        let entries = a.audit.len();
        assert!(accept_current_questionnaires(&mut a, &c, &who, Utc::now()));
        assert!(upgrade_report(&a, &c).is_empty());
        // The versions the pack states are audited, and pinned.
        let last = a.audit.last().expect("an entry");
        assert_eq!(a.audit.len(), entries + 1);
        assert_eq!(last.action, "questionnaires-accepted");
        assert_eq!(last.pin, crate::assessment::record::header_pin(&a));
        assert!(!accept_current_questionnaires(&mut a, &c, &who, Utc::now()));
    }
}
