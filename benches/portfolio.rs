//! Benchmark of the team's view, run with `cargo bench --bench portfolio`. The corpus is
//! generated once, into a temporary folder, before timing starts.
//!
//! - `summarise_2000_assessments`: 2,000 assessment files of 60 answers each (20 folders
//!   of 100), found by the recursive walk, then read, parsed and evaluated in parallel
//!   on rayon's pool (one thread per core) into one row each: what `secassess portfolio
//!   DIR` does before printing. Target: under 2 s on 2 cores.
//! - `summarise_one_assessment`: one of those files to its row, for the cost per file.
//! - `text_table_of_2000_rows`: the rows drawn as the text table at 120 columns.

#[path = "../tests/portfolio_support/mod.rs"]
mod portfolio_support;

use std::path::PathBuf;
use std::sync::LazyLock;

use secassess::questionnaire::Catalogue;
use secassess::store::portfolio as walk;

fn main() {
    divan::main();
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(portfolio_support::catalogue);

struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    files: Vec<PathBuf>,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("assessments");
    let files = portfolio_support::write_corpus(&root, 2_000, &CATALOGUE);
    Corpus {
        _dir: dir,
        root,
        files,
    }
});

#[divan::bench(sample_count = 10)]
fn summarise_2000_assessments(bencher: divan::Bencher) {
    let (catalogue, corpus) = (&*CATALOGUE, &*CORPUS);
    let today = portfolio_support::today();
    bencher.bench(|| {
        let found = walk::find(std::slice::from_ref(&corpus.root)).expect("walks");
        assert_eq!(found.files.len(), 2_000);
        let rows = walk::summarise(&found.files, catalogue, today);
        assert!(rows.iter().all(Result::is_ok));
        rows.len()
    });
}

#[divan::bench]
fn summarise_one_assessment(bencher: divan::Bencher) {
    let (catalogue, corpus) = (&*CATALOGUE, &*CORPUS);
    let today = portfolio_support::today();
    bencher.bench(|| {
        walk::summarise_file(divan::black_box(&corpus.files[7]), catalogue, today)
            .expect("summarised")
    });
}

static ROWS: LazyLock<Vec<secassess::portfolio::Row>> = LazyLock::new(|| {
    let found = walk::find(std::slice::from_ref(&CORPUS.root)).expect("walks");
    walk::summarise(&found.files, &CATALOGUE, portfolio_support::today())
        .into_iter()
        .filter_map(Result::ok)
        .collect()
});

#[divan::bench]
fn text_table_of_2000_rows(bencher: divan::Bencher) {
    use secassess::report::portfolio::text;
    let rows: Vec<&secassess::portfolio::Row> = ROWS.iter().collect();
    let utc = |at: chrono::DateTime<chrono::Utc>| at.fixed_offset();
    bencher.bench(|| {
        let table = text::layout(divan::black_box(&rows), Some(120), utc);
        text::table_lines(&rows, &table, utc).len()
    });
}
