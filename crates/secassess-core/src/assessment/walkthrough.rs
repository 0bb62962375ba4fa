//! The guided walkthrough as pure data, shared by the TUI and the plain line-by-line
//! front end: the order questions are asked in (profile first), which are asked, skipped
//! or pending, progress per section, and the next thing the user should do.
//!
//! It lives in `assessment` because most of it reads an assessment's answers, and the
//! review and sign-off rules walk questions in this order: imports go `review`/`sign_off`
//! -> `walkthrough` -> `record`. `crate::walkthrough` is the same module.

use crate::assessment::record::Assessment;
use crate::questionnaire::answer::AnswerValue;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::{Evaluation, Status};

/// One question's place in the walkthrough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The question's id, e.g. `data_classification`: what answers are keyed by.
    pub question: String,
    /// The id of the questionnaire it belongs to, e.g. `profile`.
    pub questionnaire: String,
    /// The id of its section within that questionnaire.
    pub section: String,
}

/// Every question in walking order: questionnaires by `order`, then sections and
/// questions as written.
pub fn steps(catalogue: &Catalogue) -> Vec<Step> {
    catalogue
        .questionnaires
        .iter()
        .flat_map(|questionnaire| {
            questionnaire.sections.iter().flat_map(move |section| {
                section.questions.iter().map(move |question| Step {
                    question: question.clone(),
                    questionnaire: questionnaire.id.clone(),
                    section: section.id.clone(),
                })
            })
        })
        .collect()
}

/// Where a question stands for the person answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// Asked and answered (a real answer).
    Answered,
    /// Asked and answered "don't know yet".
    DontKnow,
    /// Asked, not answered.
    Open,
    /// Not asked: its `ask_if` is false. Shown dimmed.
    Skipped,
    /// May be asked, depending on answers still missing.
    Pending,
}

/// Where question `question` (an id) stands in `assessment`, given the evaluation of its
/// answers (for whether it is asked): skipped when its `ask_if` is false, whatever was
/// answered; "don't know yet" before any value; a value or evidence makes it answered.
/// An id the evaluation does not know counts as possibly asked (pending or answered).
pub fn step_state(question: &str, evaluation: &Evaluation, assessment: &Assessment) -> StepState {
    let asked = evaluation
        .asked
        .get(question)
        .copied()
        .unwrap_or(Truth::Unknown);
    let answer = assessment.answers.get(question);
    let has_value = answer.is_some_and(|a| a.value.is_some() || a.evidence.is_some());
    let dont_know = answer.is_some_and(|a| a.dont_know);
    match asked {
        Truth::False => StepState::Skipped,
        _ if dont_know => StepState::DontKnow,
        _ if has_value => StepState::Answered,
        Truth::Unknown => StepState::Pending,
        Truth::True => StepState::Open,
    }
}

/// Whether the user should be taken to this question when moving on.
pub fn needs_answer(state: StepState) -> bool {
    matches!(state, StepState::Open | StepState::Pending)
}

/// Whether moving on should stop at this question: it needs an answer, or its answer was
/// given to an earlier version of the question and is to be confirmed again (and it is
/// still asked).
pub fn wants_answer(question: &str, evaluation: &Evaluation, assessment: &Assessment) -> bool {
    let state = step_state(question, evaluation, assessment);
    needs_answer(state) || (state != StepState::Skipped && evaluation.reconfirm.contains(question))
}

/// The next step after `from` (exclusive) that is asked and not yet answered (or whose
/// answer is to be confirmed again), wrapping round to the start; `None` when everything
/// asked has a current answer.
pub fn next_open(
    steps: &[Step],
    from: usize,
    evaluation: &Evaluation,
    assessment: &Assessment,
) -> Option<usize> {
    let count = steps.len();
    (1..=count)
        .map(|offset| (from + offset) % count)
        .find(|&i| wants_answer(&steps[i].question, evaluation, assessment))
}

/// How both front ends number the question at `index`: `(number, total)` for "question
/// NUMBER of TOTAL", counting only the questions not skipped (asked, or that may yet be
/// asked), so the total is what there is to answer, not every question in the
/// questionnaires. On a skipped question, NUMBER is that of the next one not skipped;
/// TOTAL is never below NUMBER.
pub fn position(
    steps: &[Step],
    index: usize,
    evaluation: &Evaluation,
    assessment: &Assessment,
) -> (usize, usize) {
    let not_skipped =
        |step: &Step| step_state(&step.question, evaluation, assessment) != StepState::Skipped;
    let number = steps.iter().take(index).filter(|s| not_skipped(s)).count() + 1;
    let total = steps.iter().filter(|s| not_skipped(s)).count();
    (number, total.max(number))
}

/// The next (or previous) step that is not skipped, without wrapping.
pub fn neighbour(
    steps: &[Step],
    from: usize,
    forward: bool,
    evaluation: &Evaluation,
) -> Option<usize> {
    let skipped = |i: usize| {
        evaluation
            .asked
            .get(&steps[i].question)
            .is_some_and(|t| *t == Truth::False)
    };
    if forward {
        (from + 1..steps.len()).find(|&i| !skipped(i))
    } else {
        (0..from).rev().find(|&i| !skipped(i))
    }
}

/// How far one section of the walkthrough has got, counted over its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionProgress {
    /// The id of the questionnaire the section belongs to.
    pub questionnaire: String,
    /// The section's id within that questionnaire.
    pub section: String,
    /// The section's title as written (its id when the catalogue has no such section).
    pub title: String,
    /// Index of the section's first step, for jumping there.
    pub first_step: usize,
    /// Questions answered with a value or evidence.
    pub answered: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
    /// Asked or pending questions (skipped ones are not counted).
    pub total: usize,
    /// Questions not asked of this system (their `ask_if` is false).
    pub skipped: usize,
}

impl SectionProgress {
    /// Every question asked has an answer ("don't know yet" included); a section with
    /// nothing asked is not complete, so it is never ticked off by being empty.
    pub fn is_complete(&self) -> bool {
        self.total > 0 && self.answered + self.dont_know == self.total
    }

    /// Fraction done, for progress bars; a section with nothing asked counts as done.
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.answered + self.dont_know) as f64 / self.total as f64
        }
    }
}

/// The progress of every section in `steps` (as [`steps`] gives them for `catalogue`),
/// in walking order, one entry per run of steps in the same section.
pub fn section_progress(
    catalogue: &Catalogue,
    steps: &[Step],
    evaluation: &Evaluation,
    assessment: &Assessment,
) -> Vec<SectionProgress> {
    let mut out: Vec<SectionProgress> = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let is_new = out
            .last()
            .is_none_or(|s| s.section != step.section || s.questionnaire != step.questionnaire);
        if is_new {
            let title = catalogue
                .questionnaires
                .iter()
                .find(|q| q.id == step.questionnaire)
                .and_then(|q| q.sections.iter().find(|s| s.id == step.section))
                .map(|s| s.title.clone())
                .unwrap_or_else(|| step.section.clone());
            out.push(SectionProgress {
                questionnaire: step.questionnaire.clone(),
                section: step.section.clone(),
                title,
                first_step: index,
                answered: 0,
                dont_know: 0,
                total: 0,
                skipped: 0,
            });
        }
        let Some(progress) = out.last_mut() else {
            continue;
        };
        match step_state(&step.question, evaluation, assessment) {
            StepState::Skipped => progress.skipped += 1,
            StepState::Answered => {
                progress.total += 1;
                progress.answered += 1;
            }
            StepState::DontKnow => {
                progress.total += 1;
                progress.dont_know += 1;
            }
            StepState::Open | StepState::Pending => progress.total += 1,
        }
    }
    out
}

/// Counts that say how far from done an assessment is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outstanding {
    /// Applicable MUST obligations of the system whose status is not known yet.
    pub unknown_musts: usize,
    /// Applicable MUST obligations of the system that are not met.
    pub unmet_musts: usize,
    /// Questions flagged "answer later".
    pub flagged: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
}

/// What is left to do on `assessment`: applicable MUST obligations of the system not
/// known yet or not met (organisation duties left out), and answers flagged or "don't
/// know yet" among the questions still asked.
pub fn outstanding(evaluation: &Evaluation, assessment: &Assessment) -> Outstanding {
    // Organisation duties are context, not the project's to meet.
    let musts = evaluation.obligations.iter().filter(|o| {
        o.level == Level::Must
            && o.scope == crate::questionnaire::model::Scope::System
            && o.applies != Truth::False
    });
    let mut result = Outstanding::default();
    for o in musts {
        match o.status {
            Status::Unknown => result.unknown_musts += 1,
            Status::NotMet => result.unmet_musts += 1,
            _ => {}
        }
    }
    // Answers to questions no longer asked count for nothing.
    let asked = |id: &String| evaluation.asked.get(id) != Some(&Truth::False);
    let records = || assessment.answers.iter().filter(|(id, _)| asked(id));
    result.flagged = records().filter(|(_, a)| a.flagged).count();
    result.dont_know = records().filter(|(_, a)| a.dont_know).count();
    result
}

/// The single next thing to do, in words, for the overview and the plain front end.
pub fn next_thing_to_do(
    catalogue: &Catalogue,
    steps: &[Step],
    evaluation: &Evaluation,
    assessment: &Assessment,
) -> String {
    if let Some(stop) = evaluation
        .notices
        .iter()
        .find(|n| n.severity == crate::questionnaire::model::NoticeSeverity::Stop)
    {
        return format!(
            "{}: take the system to the {}; it cannot be self-assessed, whatever the obligations say.",
            stop.title.trim_end_matches('.'),
            stop.contact.as_deref().unwrap_or("Cyber Security team")
        );
    }
    if let Some(index) = next_open(steps, steps.len().saturating_sub(1), evaluation, assessment) {
        let question = catalogue.question(&steps[index].question);
        return match question {
            Some(q) => format!("Answer: {}", q.prompt),
            None => String::from("Answer the remaining questions."),
        };
    }
    let dont_know: Vec<&str> = assessment
        .answers
        .iter()
        .filter(|(id, a)| a.dont_know && evaluation.asked.get(*id) != Some(&Truth::False))
        .filter_map(|(id, _)| catalogue.question(id))
        .map(|q| q.who_can_answer.as_str())
        .collect();
    if let Some(who) = dont_know.first() {
        return format!(
            "{} question(s) are \"don't know yet\": ask {} first.",
            dont_know.len(),
            who.to_lowercase()
        );
    }
    let unmet: Vec<&str> = evaluation
        .obligations
        .iter()
        .filter(|o| o.level == Level::Must && o.status == Status::NotMet)
        // One with a finding is being dealt with; the register says how.
        .filter(|o| {
            !assessment
                .findings
                .iter()
                .any(|f| f.obligations.contains(&o.id))
        })
        .map(|o| o.id.as_str())
        .collect();
    if !unmet.is_empty() {
        return format!(
            "{} MUST obligation(s) are not met ({}): record a finding with a mitigation plan or the business owner's risk acceptance for each.",
            unmet.len(),
            unmet.iter().take(3).copied().collect::<Vec<_>>().join(", ")
        );
    }
    String::from(
        "Everything is answered: ask your Information Governance representative to review it.",
    )
}

/// Why a question is not asked, in words from its `ask_if` and the answers that decide
/// it ("the system is not a web application"); empty when it is asked or has no
/// condition.
pub fn why_not_asked(
    catalogue: &Catalogue,
    answers: &crate::questionnaire::answer::Answers,
    question: &crate::questionnaire::model::Question,
) -> String {
    let Some((condition, _)) = &question.ask_if else {
        return String::new();
    };
    let facts = crate::rules::facts::AnswerFacts::new(catalogue, answers);
    let outcome = crate::questionnaire::expr::evaluate(condition, &facts);
    if outcome.truth != Truth::False {
        return String::new();
    }
    let texts: Vec<&str> = outcome.because.iter().map(|f| f.text.as_str()).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A value worth showing next to a question in a list ("Yes", "OFFICIAL", ...).
pub fn short_answer(
    catalogue: &Catalogue,
    assessment: &Assessment,
    question: &str,
) -> Option<String> {
    let q = catalogue.question(question)?;
    let (answers, _) = assessment.typed_answers(catalogue);
    let value: &AnswerValue = answers.get(question)?;
    Some(crate::questionnaire::answer::display_answer(q, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::record::{Person, System};
    use crate::questionnaire::answer::parse_answer;
    use crate::rules;
    use chrono::Utc;

    fn setup() -> (Catalogue, Assessment, Person) {
        let catalogue = crate::questionnaire::load_embedded().expect("content loads");
        let who = Person {
            name: "Ann".into(),
            role: "Lead".into(),
            email: "ann@example.org".into(),
        };
        let assessment = Assessment::new(System::default(), who.clone(), &catalogue, Utc::now());
        (catalogue, assessment, who)
    }

    fn answer(
        catalogue: &Catalogue,
        assessment: &mut Assessment,
        who: &Person,
        id: &str,
        value: &str,
    ) {
        let q = catalogue.question(id).expect("question exists");
        let v = parse_answer(q, value).expect("valid");
        assessment.set_answer(q, &v, who, Utc::now()).expect("fits");
    }

    #[test]
    fn the_profile_comes_first() {
        let (catalogue, _, _) = setup();
        let steps = steps(&catalogue);
        assert_eq!(steps[0].question, "classification");
        assert_eq!(steps[0].questionnaire, "profile");
        assert_eq!(steps.len(), catalogue.questions.len());
    }

    #[test]
    fn conditional_questions_are_skipped_and_come_back() {
        let (catalogue, mut assessment, who) = setup();
        let web_only: Vec<String> = catalogue
            .questions
            .values()
            .filter(|q| {
                q.ask_if
                    .as_ref()
                    .is_some_and(|(_, t)| t.trim() == "web_application == yes")
            })
            .map(|q| q.id.clone())
            .collect();
        assert!(!web_only.is_empty(), "content has web-only questions");
        answer(&catalogue, &mut assessment, &who, "web_application", "no");
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        assert_eq!(
            step_state(&web_only[0], &evaluation, &assessment),
            StepState::Skipped
        );
        answer(&catalogue, &mut assessment, &who, "web_application", "yes");
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        assert_eq!(
            step_state(&web_only[0], &evaluation, &assessment),
            StepState::Open
        );
    }

    #[test]
    fn next_open_skips_answered_and_skipped_questions() {
        let (catalogue, mut assessment, who) = setup();
        let steps = steps(&catalogue);
        answer(&catalogue, &mut assessment, &who, "personal_data", "yes");
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        // From the classification, the next open question is not the answered personal_data.
        let next = next_open(&steps, 0, &evaluation, &assessment).expect("more to answer");
        assert_ne!(steps[next].question, "personal_data");
        assert_eq!(steps[next].question, "commercially_sensitive");
    }

    #[test]
    fn questions_are_numbered_among_those_not_skipped() {
        let (catalogue, mut assessment, who) = setup();
        let steps = steps(&catalogue);
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        let (first, before) = position(&steps, 0, &evaluation, &assessment);
        assert_eq!(first, 1);
        assert!(before <= steps.len());
        // Saying no web application skips its questions: fewer to answer, and a later
        // question's number drops by as many as were skipped before it.
        answer(&catalogue, &mut assessment, &who, "web_application", "no");
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        let skipped: Vec<usize> = (0..steps.len())
            .filter(|&i| {
                step_state(&steps[i].question, &evaluation, &assessment) == StepState::Skipped
            })
            .collect();
        assert!(!skipped.is_empty(), "some questions are skipped");
        let last = steps.len() - 1;
        let (number, total) = position(&steps, last, &evaluation, &assessment);
        assert_eq!(total, steps.len() - skipped.len());
        let skipped_before_last = skipped.iter().filter(|&&i| i < last).count();
        assert_eq!(number, last + 1 - skipped_before_last);
    }

    #[test]
    fn section_progress_counts_answers_and_skips() {
        let (catalogue, mut assessment, who) = setup();
        answer(
            &catalogue,
            &mut assessment,
            &who,
            "classification",
            "official",
        );
        answer(
            &catalogue,
            &mut assessment,
            &who,
            "personal_data",
            "dont-know",
        );
        let steps = steps(&catalogue);
        let evaluation = rules::evaluate(&catalogue, &assessment.typed_answers(&catalogue).0);
        let progress = section_progress(&catalogue, &steps, &evaluation, &assessment);
        let data = &progress[0];
        assert_eq!(data.section, "profile-data");
        assert_eq!((data.answered, data.dont_know), (1, 1));
        assert!(!data.is_complete());
        let first = next_thing_to_do(&catalogue, &steps, &evaluation, &assessment);
        assert!(first.starts_with("Answer: "), "{first}");
    }
}
