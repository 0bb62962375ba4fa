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
        stdout.contains("Now applies: iams-registration (MUST) because"),
        "{stdout}"
    );
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
