//! Benchmarks of the functional core, run with `cargo bench --bench core`.
//!
//! - `load_embedded_and_validate`: parse and validate every embedded questionnaire, as each command
//!   does at start-up. Target: under 5 ms.
//! - `evaluate_*`: the rules engine over the whole catalogue, as the TUI does after each
//!   answer: once with nothing answered, once with every question answered.

use std::sync::LazyLock;

use secassess::questionnaire::answer::parse_answer;
use secassess::questionnaire::{load_embedded, AnswerKind, Answers, Catalogue};
use secassess::rules;

fn main() {
    divan::main();
}

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| load_embedded().expect("the embedded questionnaires do not load"));

/// A plausible answer to every question, in walking order: yes, the first option, a date,
/// some text, a link to evidence. Read through `parse_answer`, the same path as `--set`.
static FULL_ANSWERS: LazyLock<Answers> = LazyLock::new(|| {
    let mut answers = Answers::new();
    for question in CATALOGUE.questions_in_order() {
        let first_option = question
            .options
            .first()
            .map(|o| o.value.as_str())
            .unwrap_or_default();
        let text = match question.kind {
            AnswerKind::YesNo => "yes",
            AnswerKind::Single | AnswerKind::Multiple => first_option,
            AnswerKind::Text => "Answered for the benchmark",
            AnswerKind::Date => "2026-01-15",
            AnswerKind::Evidence => "https://example.invalid/evidence/report.pdf",
        };
        let value = parse_answer(question, text)
            .unwrap_or_else(|e| panic!("cannot answer {} with '{text}': {e}", question.id));
        answers.insert(question.id.clone(), value);
    }
    assert_eq!(answers.len(), CATALOGUE.questions.len());
    answers
});

#[divan::bench]
fn load_embedded_and_validate() -> Catalogue {
    load_embedded().expect("the embedded questionnaires do not load")
}

#[divan::bench]
fn evaluate_nothing_answered(bencher: divan::Bencher) {
    let catalogue = &*CATALOGUE;
    let answers = Answers::new();
    bencher.bench(|| rules::evaluate(divan::black_box(catalogue), divan::black_box(&answers)));
}

#[divan::bench]
fn evaluate_every_question_answered(bencher: divan::Bencher) {
    let catalogue = &*CATALOGUE;
    let answers = &*FULL_ANSWERS;
    bencher.bench(|| rules::evaluate(divan::black_box(catalogue), divan::black_box(answers)));
}
