//! `secassess answer FILE --set ID=VALUE`: answers from a script are saved and audited
//! like answers in the walkthrough; a bad value changes nothing; a locked file is refused.

use std::path::Path;
use std::process::{Command, Output};

fn secassess(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["--as", "Ann Lead <ann@example.org>"])
        .args(args)
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"))
        .output()
        .expect("secassess runs")
}

fn created(home: &Path) -> String {
    let out = secassess(home, &["new", "Ward rota"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    home.join("data")
        .join("ward-rota.secassess.toml")
        .display()
        .to_string()
}

#[test]
fn answers_are_saved_audited_and_announced() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    let out = secassess(
        home.path(),
        &[
            "answer",
            &file,
            "--set",
            "classification=official",
            "--set",
            "personal_data=yes",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "Now applies: Register the system in the Information Asset Management System (IAMS) (MUST) because"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("iams-registration"),
        "ids only with --verbose: {stdout}"
    );
    // --verbose adds the ids.
    let out = secassess(
        home.path(),
        &["--verbose", "answer", &file, "--set", "personal_data=no"],
    );
    let verbose = String::from_utf8_lossy(&out.stdout);
    assert!(
        verbose.contains("(IAMS) [iams-registration] (MUST)"),
        "{verbose}"
    );
    let out = secassess(
        home.path(),
        &["answer", &file, "--set", "personal_data=yes"],
    );
    assert!(out.status.success());
    let saved = std::fs::read_to_string(&file).expect("saved");
    assert!(saved.contains("value = \"official\""), "{saved}");
    assert_eq!(
        saved.matches("action = \"answer-set\"").count(),
        2,
        "{saved}"
    );
    let verify = secassess(home.path(), &["show", &file]);
    assert!(verify.status.success());
}

#[test]
fn a_bad_value_changes_nothing() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    let before = std::fs::read(&file).expect("readable");
    let out = secassess(
        home.path(),
        &[
            "answer",
            &file,
            "--set",
            "personal_data=yes",
            "--set",
            "classification=secretish",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--set classification=secretish"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&file).expect("readable"), before);
}

#[test]
fn a_file_open_elsewhere_is_refused() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    // A lock held by a process that is certainly running: this test itself.
    let lock = format!(
        "holder = \"Bob <bob@example.org>\"\nhost = \"{}\"\npid = {}\nstarted_at = \"2026-11-23T09:00:00Z\"\n",
        secassess::store::lock::this_host(),
        std::process::id()
    );
    std::fs::write(format!("{file}.lock"), lock).expect("lock written");
    let before = std::fs::read(&file).expect("readable");
    let out = secassess(
        home.path(),
        &["answer", &file, "--set", "personal_data=yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Bob"), "{stderr}");
    assert_eq!(std::fs::read(&file).expect("readable"), before);
}

#[test]
fn a_local_evidence_file_is_fingerprinted_and_a_missing_one_refused() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    let document = home.path().join("slsp.txt");
    std::fs::write(&document, b"abc").expect("written");
    let set = format!("slsp_document=file: {}", document.display());
    let out = secassess(home.path(), &["answer", &file, "--set", &set]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read_to_string(&file).expect("saved");
    // The SHA-256 of "abc" (FIPS 180-2 test vector) and its size.
    assert!(
        saved.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        "{saved}"
    );
    assert!(saved.contains("size = 3"), "{saved}");

    let before = std::fs::read(&file).expect("readable");
    let missing = format!(
        "slsp_document=file: {}",
        home.path().join("gone.pdf").display()
    );
    let out = secassess(home.path(), &["answer", &file, "--set", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone.pdf"));
    assert_eq!(std::fs::read(&file).expect("readable"), before);
}

#[test]
fn a_stale_lock_is_taken_over_only_when_asked() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    // A lock left by a process that no longer exists on this host.
    let lock = format!(
        "holder = \"Bob <bob@example.org>\"\nhost = \"{}\"\npid = 0\nstarted_at = \"2026-11-23T09:00:00Z\"\n",
        secassess::store::lock::this_host()
    );
    std::fs::write(format!("{file}.lock"), lock).expect("lock written");
    let out = secassess(
        home.path(),
        &["answer", &file, "--set", "personal_data=yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--take-over"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = secassess(
        home.path(),
        &["answer", &file, "--take-over", "--set", "personal_data=yes"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&file)
        .expect("saved")
        .contains("personal_data"));
    assert!(
        !Path::new(&format!("{file}.lock")).exists(),
        "released after saving"
    );
}

/// Saying the same answer again records nothing, so it must not claim it did: it used
/// to print "Answered ..." and "Saved ..." over an unchanged file.
#[test]
fn the_same_answer_again_says_nothing_changed_and_writes_nothing() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = created(home.path());
    let first = secassess(
        home.path(),
        &["answer", &file, "--set", "personal_data=yes"],
    );
    assert!(first.status.success());
    let before = std::fs::read(&file).expect("saved");
    let backup = format!("{file}.bak");
    let backup_before = std::fs::read(&backup).expect("backup");
    let again = secassess(
        home.path(),
        &["answer", &file, "--set", "personal_data=yes"],
    );
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{stdout}");
    assert!(
        stdout.contains("personal_data already has that answer; nothing changed."),
        "{stdout}"
    );
    assert!(stdout.contains("Nothing to save"), "{stdout}");
    assert!(
        !stdout.contains("Answered") && !stdout.contains("Saved"),
        "{stdout}"
    );
    assert_eq!(std::fs::read(&file).expect("still there"), before);
    assert_eq!(
        std::fs::read(&backup).expect("backup"),
        backup_before,
        "the backup still holds the version before"
    );
}
