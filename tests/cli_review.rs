//! The review, verify and diff commands as people run them: a project lead answers, a
//! reviewer queries, the lead changes the answer, the reviewer accepts and signs off;
//! then files edited by hand are caught by `verify`, each kind of edit on its own file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const LEAD: &str = "Ann Lead <ann@example.nhs.uk>";
const REVIEWER: &str = "Ivy Reviewer <ivy@example.nhs.uk>";

/// Runs secassess in `dir` (data and config there) as `who`, with `input` on stdin.
fn secassess(dir: &Path, who: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["--data-dir", &dir.display().to_string(), "--as", who])
        .args(args)
        .current_dir(dir)
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        // No SSH key from the real home folder: these sign-offs are unsigned.
        .env("HOME", dir)
        .env("USERPROFILE", dir)
        .env_remove("SECASSESS_SIGNING_KEY")
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env_remove("SECASSESS_NAME")
        .env_remove("SECASSESS_EMAIL")
        .env_remove("SECASSESS_ROLE")
        .env_remove("SECASSESS_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the secassess binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    // The command may stop reading early (e.g. when everything is answered).
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A new assessment with every question answered by the lead: "2" (No, or the second
/// option) where it fits, a date where a date is asked.
fn answered(dir: &Path) -> PathBuf {
    let o = secassess(dir, LEAD, &["new", "Ward rota"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let path = dir.join("ward-rota.secassess.toml");
    let answers = "2\n2026-06-01\n".repeat(100);
    let o = secassess(
        dir,
        LEAD,
        &["--plain", "open", "ward-rota.secassess.toml"],
        &answers,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("That was the last question still open."));
    plan_for_must_gaps(dir);
    path
}

/// Records each MUST obligation `check` says is not met as a finding with a mitigation
/// plan, as a lead must before a reviewer can sign off.
fn plan_for_must_gaps(dir: &Path) {
    let o = secassess(
        dir,
        LEAD,
        &["check", "ward-rota.secassess.toml", "--format", "json"],
        "",
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("check JSON");
    let blockers = report["report"]["blockers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!blockers.is_empty(), "answering \"no\" leaves MUST gaps");
    for blocker in blockers {
        let obligation = blocker["obligation"].as_str().expect("an obligation id");
        let o = secassess(
            dir,
            LEAD,
            &[
                "finding",
                "add",
                "ward-rota.secassess.toml",
                "--obligation",
                obligation,
                "--owner",
                "Ann Lead",
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let id = out
            .split_whitespace()
            .find(|w| w.starts_with("F-"))
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
            .expect("the new finding's id");
        let o = secassess(
            dir,
            LEAD,
            &[
                "finding",
                "plan",
                "ward-rota.secassess.toml",
                id,
                "--actions",
                "Commission the work",
                "--owner",
                "Ann Lead",
                "--target",
                "2099-01-01",
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = secassess(dir, LEAD, &["check", "ward-rota.secassess.toml"], "");
    assert!(o.status.success(), "{}", stdout(&o));
}

fn review(dir: &Path, args: &[&str], input: &str) -> String {
    let mut all = vec!["review", "ward-rota.secassess.toml"];
    all.extend_from_slice(args);
    let o = secassess(dir, REVIEWER, &all, input);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// An answered, accepted and signed-off assessment.
fn signed_off(dir: &Path) -> PathBuf {
    let path = answered(dir);
    let out = review(
        dir,
        &[],
        &format!("{}yes\nReviewed with the lead.\n", "a\n".repeat(200)),
    );
    assert!(out.contains("Signed off by Ivy Reviewer"), "{out}");
    path
}

fn verify(dir: &Path, file: &str) -> Output {
    secassess(dir, REVIEWER, &["verify", file], "")
}

#[test]
fn lead_answers_reviewer_queries_lead_changes_reviewer_accepts_and_signs_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let path = answered(dir);
    std::fs::copy(&path, dir.join("before.secassess.toml")).expect("copied");

    // The reviewer queries the classification and accepts everything else.
    let out = review(
        dir,
        &[],
        &format!("q\nWhy OFFICIAL-SENSITIVE?\n{}", "a\n".repeat(200)),
    );
    assert!(
        out.contains("Reviewing as Ivy Reviewer <ivy@example.nhs.uk>."),
        "{out}"
    );
    assert!(out.contains("[not reviewed]: classification"));
    assert!(out.contains("Query saved."));
    assert!(out.contains("Not ready for sign-off: 1 thing(s) stand in the way:"));
    assert!(out.contains("  - classification: queried"));

    // Opening it, the lead is told about the query.
    let o = secassess(
        dir,
        LEAD,
        &["--plain", "open", "ward-rota.secassess.toml"],
        "",
    );
    assert!(
        stdout(&o).contains("The reviewer has 1 open query(ies) on: classification."),
        "{}",
        stdout(&o)
    );

    // The lead changes the answer to OFFICIAL and replies.
    let o = secassess(
        dir,
        LEAD,
        &["review", "ward-rota.secassess.toml", "--reply"],
        "c\n1\nr\nStaff names only: OFFICIAL.\n",
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("Why OFFICIAL-SENSITIVE?"), "{out}");
    assert!(out.contains("Answer changed and saved"));
    assert!(out.contains("Reply saved."));

    // The reviewer sees it stale, accepts it and signs off.
    let out = review(dir, &["--only", "unreviewed"], "a\nyes\n\n");
    assert!(
        out.contains("[stale — answer changed after review (was queried)]: classification"),
        "{out}"
    );
    assert!(out.contains("Staff names only: OFFICIAL."));
    assert!(out.contains("Sign off the assessment now?"));
    assert!(out.contains("Signed off by Ivy Reviewer <ivy@example.nhs.uk> on "));

    let o = verify(dir, "ward-rota.secassess.toml");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains(
        "the content and evidence are what was signed off, and it is still ready to sign off"
    ));
    assert!(stdout(&o).contains("Result: OK"));

    // What changed against the file before the review.
    let o = secassess(
        dir,
        REVIEWER,
        &["diff", "before.secassess.toml", "ward-rota.secassess.toml"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("~ classification: OFFICIAL-SENSITIVE -> OFFICIAL"),
        "{out}"
    );
    assert!(out.contains("penetration-test (MUST): not-met -> not-applicable"));
    let o = secassess(
        dir,
        REVIEWER,
        &[
            "diff",
            "before.secassess.toml",
            "ward-rota.secassess.toml",
            "--format",
            "json",
        ],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(json["diff"]["answers"][0]["question"], "classification");

    // A change after sign-off: verify says so (exit 1) and diff --since-sign-off lists it.
    let o = secassess(
        dir,
        LEAD,
        &["review", "ward-rota.secassess.toml", "--reply"],
        "",
    );
    assert!(stdout(&o).contains("There are no open review queries."));
    let o = secassess(
        dir,
        REVIEWER,
        &["review", "ward-rota.secassess.toml", "--only", "must"],
        "q\nPlease attach the DPIA.\nquit\n",
    );
    assert!(o.status.success());
    let o = verify(dir, "ward-rota.secassess.toml");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("CHANGED SINCE SIGN-OFF (1 audit entries after it"));
    let o = secassess(
        dir,
        REVIEWER,
        &["diff", "ward-rota.secassess.toml", "--since-sign-off"],
        "",
    );
    let out = stdout(&o);
    assert!(out.contains("CHANGED SINCE SIGN-OFF"), "{out}");
    assert!(
        out.contains("review-decision classification by Ivy Reviewer"),
        "{out}"
    );
}

/// The file's text split at each `[[audit]]` table: the part before, then each entry.
fn audit_blocks(text: &str) -> Vec<String> {
    text.split("\n[[audit]]\n").map(str::to_string).collect()
}

fn join_blocks(blocks: &[String]) -> String {
    blocks.join("\n[[audit]]\n")
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).expect("readable");
    let edited = f(text.clone());
    assert_ne!(edited, text, "the edit changed something");
    std::fs::write(path, edited).expect("written");
}

#[test]
fn verify_detects_an_answer_edited_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_off(dir.path());
    edit(&path, |t| {
        t.replacen(
            "[answers.personal_data]\nvalue = \"no\"",
            "[answers.personal_data]\nvalue = \"yes\"",
            1,
        )
    });
    let o = verify(dir.path(), "ward-rota.secassess.toml");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "[answer, audit entry 3] the answer to 'personal_data' was changed outside secassess"
        ),
        "{out}"
    );
    assert!(out.contains("expected: ") && out.contains("found:    "));
    assert!(out.contains("CHANGED SINCE SIGN-OFF"));
    assert!(out.contains(
        "Stale reviews (answer or its evidence file changed after review): personal_data"
    ));
}

#[test]
fn verify_detects_a_deleted_audit_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_off(dir.path());
    edit(&path, |t| {
        let mut blocks = audit_blocks(&t);
        blocks.remove(3);
        join_blocks(&blocks)
    });
    let o = verify(dir.path(), "ward-rota.secassess.toml");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("[audit-chain, audit entry 3]") && out.contains("deleted, inserted or moved"),
        "{out}"
    );
}

#[test]
fn verify_detects_a_reordered_audit_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_off(dir.path());
    edit(&path, |t| {
        let mut blocks = audit_blocks(&t);
        blocks.swap(4, 5);
        join_blocks(&blocks)
    });
    let o = verify(dir.path(), "ward-rota.secassess.toml");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("[audit-chain, audit entry 4]"), "{out}");
}

#[test]
fn verify_detects_an_edited_audit_entry_and_an_edited_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_off(dir.path());
    edit(&path, |t| {
        let mut blocks = audit_blocks(&t);
        blocks[2] = blocks[2].replacen("who = \"Ann Lead", "who = \"Bob Other", 1);
        join_blocks(&blocks)
    });
    let o = verify(dir.path(), "ward-rota.secassess.toml");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("[audit-chain, audit entry 2]")
            && out.contains("was edited after it was written"),
        "{out}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_off(dir.path());
    edit(&path, |t| {
        t.replacen(
            "[reviews.personal_data]\ndecision = \"accepted\"",
            "[reviews.personal_data]\ndecision = \"query\"",
            1,
        )
    });
    let o = verify(dir.path(), "ward-rota.secassess.toml");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("the review of 'personal_data' was changed outside secassess"),
        "{out}"
    );
}

#[test]
fn verify_of_an_unreadable_file_exits_2_and_json_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = verify(dir.path(), "missing.secassess.toml");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"));

    let path = answered(dir.path());
    let o = secassess(
        dir.path(),
        REVIEWER,
        &["verify", &path.display().to_string(), "--format", "json"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(json["ok"], true);
    assert_eq!(json["report"]["sign_off"]["state"], "not-signed-off");
    assert_eq!(json["report"]["problems"], serde_json::json!([]));
}
