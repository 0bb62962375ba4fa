//! Assessments for the sign-off tests, built through the real binary as people build
//! them: the project lead creates and answers (one answer's evidence a local file), plans
//! a mitigation for every MUST gap `check` names; the reviewer accepts every answer and
//! signs off.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const LEAD: &str = "Ann Lead <ann@example.nhs.uk>";
pub const REVIEWER: &str = "Ivy Reviewer <ivy@example.nhs.uk>";
pub const FILE: &str = "ward-rota.secassess.toml";
pub const EVIDENCE: &str = "pentest.txt";
pub const EVIDENCE_V1: &str = "Penetration test report v1: no high or critical findings.\n";

/// Runs secassess in `dir` (data and config there) as `who`, with `input` on stdin.
pub fn secassess(dir: &Path, who: &str, args: &[&str], input: &str) -> Output {
    let role = if who == REVIEWER {
        "IG representative"
    } else {
        "Project lead"
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["--data-dir", &dir.display().to_string(), "--as", who])
        .args(args)
        .current_dir(dir)
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        // No SSH key from the real home folder: these sign-offs are unsigned.
        .env("HOME", dir)
        .env("USERPROFILE", dir)
        .env_remove("SECASSESS_SIGNING_KEY")
        .env("SECASSESS_ROLE", role)
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env_remove("SECASSESS_NAME")
        .env_remove("SECASSESS_EMAIL")
        .env_remove("SECASSESS_DATA_DIR")
        .env_remove("SECASSESS_PLAIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the secassess binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    // The command may stop reading early.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("finishes")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects success.
pub fn ok(dir: &Path, who: &str, args: &[&str], input: &str) -> String {
    let o = secassess(dir, who, args, input);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// A new assessment of an internet-facing OFFICIAL-SENSITIVE system whose penetration
/// test report is the local file [`EVIDENCE`], every other question answered "2" (no,
/// or the second option) or a date, and every MUST gap planned: ready for review.
pub fn answered(dir: &Path) -> PathBuf {
    ok(
        dir,
        LEAD,
        &["new", "Ward rota", "--description", "Staff rota for wards"],
        "",
    );
    std::fs::write(dir.join(EVIDENCE), EVIDENCE_V1).expect("evidence written");
    ok(
        dir,
        LEAD,
        &[
            "answer",
            FILE,
            "--set",
            "classification=official-sensitive",
            "--set",
            "internet_accessible=yes",
            "--set",
            "pen_test_status=done",
            "--set",
            &format!("pen_test_report=file: {EVIDENCE}"),
        ],
        "",
    );
    ok(
        dir,
        LEAD,
        &["--plain", "open", FILE],
        &"2\n2026-06-01\n".repeat(100),
    );
    plan_for_must_gaps(dir);
    dir.join(FILE)
}

/// Records each MUST obligation `check` says blocks as a finding with a mitigation plan.
pub fn plan_for_must_gaps(dir: &Path) {
    let o = secassess(dir, LEAD, &["check", FILE, "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("check JSON");
    let blockers = report["report"]["blockers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for blocker in blockers {
        let obligation = blocker["obligation"].as_str().expect("an obligation id");
        let out = ok(
            dir,
            LEAD,
            &[
                "finding",
                "add",
                FILE,
                "--obligation",
                obligation,
                "--owner",
                "Ann Lead",
            ],
            "",
        );
        let id = out
            .split_whitespace()
            .find(|w| w.starts_with("F-"))
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
            .expect("the new finding's id")
            .to_string();
        ok(
            dir,
            LEAD,
            &[
                "finding",
                "plan",
                FILE,
                &id,
                "--actions",
                "Commission the work",
                "--owner",
                "Ann Lead",
                "--target",
                "2099-01-01",
            ],
            "",
        );
    }
    let o = secassess(dir, LEAD, &["check", FILE], "");
    assert!(o.status.success(), "{}", stdout(&o));
}

/// The reviewer's walk: accept everything, then sign off with the standard statement.
pub fn review_and_sign_off(dir: &Path) -> String {
    ok(
        dir,
        REVIEWER,
        &["review", FILE],
        &format!("{}yes\n\n", "a\n".repeat(80)),
    )
}

/// An answered, accepted and signed-off assessment in `dir`; `verify` finds it intact.
pub fn signed_off(dir: &Path) -> PathBuf {
    let path = answered(dir);
    let out = review_and_sign_off(dir);
    assert!(out.contains("Signed off by Ivy Reviewer"), "{out}");
    let o = secassess(dir, REVIEWER, &["verify", FILE], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    path
}

/// Changes the file as a text editor would.
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).expect("readable");
    let edited = f(text.clone());
    assert_ne!(edited, text, "the edit changed something");
    std::fs::write(path, edited).expect("written");
}
