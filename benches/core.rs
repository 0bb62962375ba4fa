//! Benchmarks of the functional core, run with `cargo bench --bench core`.
//!
//! - `load_embedded_and_validate`: parse and validate every embedded questionnaire, as each command
//!   does at start-up. Target: under 5 ms.
//! - `evaluate_*`: the rules engine over the whole catalogue, as the TUI does after each
//!   answer: once with nothing answered, once with every question answered.
//! - `scale_*`: files near the 16 MiB cap (issue 22): reading and checking 60,000 findings
//!   as `check` and `findings` do, and verifying 30,000 answers with 40,000 audit
//!   entries as `verify` does. Target: about a second each, in time linear in the file.
//!   `cargo bench --bench core -- scale`.

#![allow(clippy::unwrap_used)]

#[path = "../tests/scale_support/mod.rs"]
mod scale_support;

use std::path::Path;
use std::sync::LazyLock;

use secassess::assessment::evidence::EvidenceFiles;
use secassess::assessment::sign_off::{self, Judged};
use secassess::assessment::{findings, verify};
use secassess::questionnaire::answer::parse_answer;
use secassess::questionnaire::{load_embedded, AnswerKind, Answers, Catalogue};
use secassess::rules;
use secassess::store::format;

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

/// The text of the 60,000-findings file (about 15 MB).
static SIXTY_THOUSAND_FINDINGS: LazyLock<String> =
    LazyLock::new(|| format::encode(&scale_support::many_findings(&CATALOGUE, 60_000)).unwrap());

/// The text of the file with 30,000 answers and 40,000 audit entries (about 15 MB).
static LONG_AUDIT_TRAIL: LazyLock<String> = LazyLock::new(|| {
    format::encode(&scale_support::many_answers(&CATALOGUE, 30_000, 40_000)).unwrap()
});

fn bench_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// `secassess check` on 60,000 findings: parse the file, the gate, then where the
/// sign-off stands and whether it is ready for one, as `check` prints after the gate.
#[divan::bench(sample_count = 5)]
fn scale_check_60000_findings(bencher: divan::Bencher) {
    let text = &*SIXTY_THOUSAND_FINDINGS;
    let catalogue = &*CATALOGUE;
    let evidence = EvidenceFiles::not_checked();
    let judged = Judged {
        catalogue,
        evidence: &evidence,
        today: bench_day(),
    };
    bencher.bench(|| {
        let decoded =
            format::decode(Path::new("big.secassess.toml"), divan::black_box(text)).unwrap();
        let a = &decoded.assessment;
        let gate = findings::gate(a, catalogue, judged.today);
        let problems = verify::record_problems(a);
        (
            gate,
            sign_off::state(a, &judged, &problems),
            sign_off::readiness(a, &judged),
        )
    });
}

/// `secassess findings` on 60,000 findings, after parsing: evaluation, consistency and
/// one view per finding.
#[divan::bench(sample_count = 5)]
fn scale_findings_register_60000(bencher: divan::Bencher) {
    let decoded =
        format::decode(Path::new("big.secassess.toml"), &SIXTY_THOUSAND_FINDINGS).unwrap();
    let assessment = &decoded.assessment;
    let catalogue = &*CATALOGUE;
    bencher.bench(|| {
        let (evaluation, _) = findings::evaluate(assessment, catalogue);
        let problems = findings::check_consistency(assessment, catalogue);
        findings::views(assessment, catalogue, &evaluation, &problems, bench_day()).len()
    });
}

/// `secassess verify` on 30,000 answers and 40,000 audit entries: parse, then verify.
#[divan::bench(sample_count = 5)]
fn scale_verify_40000_audit_entries(bencher: divan::Bencher) {
    let text = &*LONG_AUDIT_TRAIL;
    let evidence = EvidenceFiles::not_checked();
    let judged = Judged {
        catalogue: &CATALOGUE,
        evidence: &evidence,
        today: bench_day(),
    };
    bencher.bench(|| {
        let decoded =
            format::decode(Path::new("long.secassess.toml"), divan::black_box(text)).unwrap();
        verify::verify(&decoded.assessment, &judged)
    });
}
