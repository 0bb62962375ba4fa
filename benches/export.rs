//! Benchmark of the evidence pack, run with `cargo bench --bench export`.
//!
//! - `pdf_of_a_complete_assessment`: every question answered (long, non-Latin texts),
//!   50 findings and over 300 audit entries, from the assessment to PDF bytes: the pack
//!   model, layout with real font metrics, font subsetting and compression. Target: under
//!   150 ms.
//! - `markdown_of_a_complete_assessment`: the same pack to Markdown, for comparison.

#[path = "../tests/report_support/mod.rs"]
mod report_support;

use std::sync::LazyLock;

use secassess::assessment::Assessment;
use secassess::questionnaire::Catalogue;
use secassess::report::{markdown, pdf};

fn main() {
    divan::main();
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(report_support::catalogue);

static COMPLETE: LazyLock<Assessment> = LazyLock::new(|| {
    let a = report_support::sample(&CATALOGUE, report_support::COMPLETE);
    assert_eq!(a.findings.len(), 50);
    assert!(a.audit.len() >= 300, "{} audit entries", a.audit.len());
    a
});

#[divan::bench]
fn pdf_of_a_complete_assessment(bencher: divan::Bencher) {
    let (catalogue, assessment) = (&*CATALOGUE, &*COMPLETE);
    let today = report_support::date(2026, 7, 1);
    bencher.bench(|| {
        let doc = report_support::document(divan::black_box(assessment), catalogue, today);
        pdf::render(&doc).expect("renders").bytes.len()
    });
}

#[divan::bench]
fn markdown_of_a_complete_assessment(bencher: divan::Bencher) {
    let (catalogue, assessment) = (&*CATALOGUE, &*COMPLETE);
    let today = report_support::date(2026, 7, 1);
    bencher.bench(|| {
        let doc = report_support::document(divan::black_box(assessment), catalogue, today);
        markdown::render(&doc).len()
    });
}
