//! The cost of saving an assessment, the operation a front end runs after every answer:
//! `store::save` of a 500-answer assessment including both fsyncs (file and directory)
//! and the backup, on the disk under target/, next to encoding and loading alone.
#![allow(clippy::unwrap_used)]

#[path = "../tests/store_support/mod.rs"]
mod store_support;

use divan::{black_box, Bencher};
use secassess::store::{self, format};

fn main() {
    divan::main();
}

const ANSWERS: usize = 500;

#[divan::bench(sample_count = 200)]
fn save_500_answers_with_fsync(bencher: Bencher) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("bench.secassess.toml");
    let assessment = store_support::assessment(ANSWERS, "bench");
    store::save(&path, &assessment).unwrap();
    bencher.bench_local(|| store::save(&path, black_box(&assessment)).unwrap());
}

#[divan::bench]
fn encode_500_answers(bencher: Bencher) {
    let assessment = store_support::assessment(ANSWERS, "bench");
    bencher.bench_local(|| format::encode(black_box(&assessment)).unwrap());
}

#[divan::bench]
fn load_500_answers(bencher: Bencher) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("bench.secassess.toml");
    store::save(&path, &store_support::assessment(ANSWERS, "bench")).unwrap();
    bencher.bench_local(|| store::load(black_box(&path)).unwrap());
}
