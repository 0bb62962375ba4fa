//! Files near the 16 MiB an assessment may be take time in proportion to their size
//! (issue 22, point 4): `check` and `findings` on 60,000 findings, and `verify` on
//! 30,000 answers with 40,000 audit entries, each run as the real binary. The bounds
//! are generous (a debug build on a loaded two-core machine); they fail on the
//! quadratic behaviour these replaced, which took minutes. The figures come from the
//! benchmarks in `benches/core.rs` (`cargo bench --bench core -- scale`).

#[path = "scale_support/mod.rs"]
mod scale_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
#[cfg(not(unix))]
use std::time::Instant;

use secassess::questionnaire::load_embedded;
use secassess::store;

/// Processor time (user and system) a command may take: far above what a debug build
/// needs (about 5 s for `check` on 60,000 findings) and far below what the quadratic
/// versions took (minutes). Processor time rather than wall time, so other builds on
/// the machine do not make the test fail.
const BOUND: Duration = Duration::from_secs(60);

/// Runs secassess and returns its output and the processor time it used.
fn run(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_secassess"));
    command
        .args(args)
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        .env("SECASSESS_DATA_DIR", dir);
    let (output, took) = timed(command);
    eprintln!(
        "secassess {}: {took:?} of processor time",
        args.first().unwrap_or(&"")
    );
    (output, took)
}

/// The child's own processor time, from `wait4`, with its output read meanwhile.
/// `wait4` is what reaps the child, so `Child::wait` is never called.
#[cfg(unix)]
#[allow(clippy::zombie_processes)]
fn timed(mut command: Command) -> (Output, Duration) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the secassess binary runs");
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).expect("read output");
            }
            bytes
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child with valid pointers; the result is checked.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    let seconds = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    };
    (output, seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

/// Elsewhere, wall time.
#[cfg(not(unix))]
fn timed(mut command: Command) -> (Output, Duration) {
    let start = Instant::now();
    let output = command.output().expect("the secassess binary runs");
    (output, start.elapsed())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).expect("written").len()
}

#[test]
fn sixty_thousand_findings_are_checked_and_listed_in_linear_time() {
    let catalogue = load_embedded().expect("embedded questionnaires");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.secassess.toml");
    store::save(&path, &scale_support::many_findings(&catalogue, 60_000)).expect("saved");
    let size = file_size(&path);
    assert!(
        size > 9_000_000 && size <= store::MAX_ASSESSMENT_BYTES,
        "{size} bytes"
    );
    let file = path.to_str().expect("utf-8");

    let (output, took) = run(dir.path(), &["check", file]);
    // Every finding was added outside secassess, so each is a problem: it blocks.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(took < BOUND, "check took {took:?}");

    let (output, took) = run(dir.path(), &["findings", file]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Findings as of") && stdout.contains("F-60000"));
    assert!(took < BOUND, "findings took {took:?}");
}

#[test]
fn thirty_thousand_answers_with_forty_thousand_audit_entries_verify_in_linear_time() {
    let catalogue = load_embedded().expect("embedded questionnaires");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.secassess.toml");
    store::save(
        &path,
        &scale_support::many_answers(&catalogue, 30_000, 40_000),
    )
    .expect("saved");
    assert!(file_size(&path) <= store::MAX_ASSESSMENT_BYTES);
    let file = path.to_str().expect("utf-8");

    let (output, took) = run(dir.path(), &["verify", file]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("40001 audit entries, 30000 answers"),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(took < BOUND, "verify took {took:?}");
}
