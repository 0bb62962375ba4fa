//! The real binary in a real pseudo-terminal, read back through a vt100 parser (see
//! `pty_support`): first run, answering, quitting, resuming, resizing and Ctrl-C, findings,
//! review and the evidence pack, as a user would do them.
#![cfg(unix)]

use std::path::{Path, PathBuf};

mod pty_support;

use pty_support::{assessment_file, first_run, Tui};

#[test]
fn first_run_answer_quit_and_resume() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let path = assessment_file(home.path());
    let saved = std::fs::read_to_string(&path).expect("the assessment was saved");
    assert!(saved.contains("official-sensitive"), "{saved}");
    assert!(saved.contains("Ann Lead"), "{saved}");
    assert!(
        !path.with_extension("toml.lock").exists(),
        "the lock is released on quit"
    );
    let identity = std::fs::read_to_string(home.path().join("config").join("identity.toml"))
        .expect("identity kept");
    assert!(identity.contains("ann@example.org"));

    // Reopening goes straight back to where the user left off.
    let path_text = path.display().to_string();
    let mut tui = Tui::start(home.path(), &["open", &path_text], (80, 24), &[]);
    tui.wait_for("question 2 of");
    tui.wait_for("[saved");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
}

#[test]
fn ctrl_c_while_typing_asks_and_keeps_the_text_when_told() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let path = assessment_file(home.path());
    let path_text = path.display().to_string();
    let mut tui = Tui::start(home.path(), &["open", &path_text], (80, 24), &[]);
    tui.wait_for("question 2 of");
    tui.send("n"); // notes on this question
    tui.wait_for("Ctrl-S");
    for c in "ask IG about rota data".chars() {
        tui.send(&c.to_string());
    }
    tui.send("\x03");
    tui.wait_for("Keep what you typed?");
    tui.send("k");
    assert_eq!(tui.wait_exit(), (true, false));
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("ask IG about rota data"), "{saved}");
}

#[test]
fn resizing_redraws_and_too_small_says_so() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let path_text = assessment_file(home.path()).display().to_string();
    let mut tui = Tui::start(home.path(), &["open", &path_text], (80, 24), &[]);
    tui.wait_for("question 2 of");
    tui.resize(60, 20);
    tui.wait_for("needs at least 80x24");
    tui.resize(120, 40);
    tui.wait_for("Why this is asked");
    tui.wait_for("question 2 of");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
}

#[test]
fn a_second_instance_is_read_only_and_says_who_has_it() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let path = assessment_file(home.path());
    let path_text = path.display().to_string();
    let mut first = Tui::start(home.path(), &["open", &path_text], (80, 24), &[]);
    first.wait_for("[saved");
    let mut second = Tui::start(home.path(), &["open", &path_text], (100, 30), &[]);
    second.wait_for("[read-only]");
    second.wait_for("Ann Lead");
    let before = std::fs::read_to_string(&path).expect("readable");
    second.send("1");
    second.send("q");
    assert_eq!(second.wait_exit(), (true, false));
    assert_eq!(
        std::fs::read_to_string(&path).expect("readable"),
        before,
        "the read-only instance changed nothing"
    );
    first.send("q");
    assert_eq!(first.wait_exit(), (true, false));
}

const LEAD: &str = "Ann Lead <ann@example.nhs.uk>";
const REVIEWER: &str = "Ivy Reviewer <ivy@example.nhs.uk>";

fn cli(home: &Path, who: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["--as", who])
        .args(args)
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"))
        .output()
        .expect("secassess runs")
}

/// A new assessment with every question answered by the lead through `secassess answer`:
/// "no", the first option, a date, some text, a link; personal data "yes" so the
/// classification is OFFICIAL-SENSITIVE whatever is declared.
fn answered_by_lead(home: &Path) -> PathBuf {
    let out = cli(home, LEAD, &["new", "Ward rota"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let catalogue = secassess::questionnaire::load_embedded().expect("content loads");
    let mut args = vec![
        String::from("answer"),
        assessment_file(home).display().to_string(),
    ];
    for question in catalogue.questions_in_order() {
        use secassess::questionnaire::AnswerKind;
        let first = question
            .options
            .first()
            .map(|o| o.value.clone())
            .unwrap_or_default();
        let value = match question.kind {
            _ if question.id == "personal_data" => String::from("yes"),
            AnswerKind::YesNo => String::from("no"),
            AnswerKind::Single | AnswerKind::Multiple => first,
            AnswerKind::Text => String::from("As in the design document"),
            AnswerKind::Date => String::from("2026-06-01"),
            AnswerKind::Evidence => String::from("https://example.invalid/design.pdf"),
        };
        args.push(format!("--set={}={value}", question.id));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(home, LEAD, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assessment_file(home)
}

/// Every MUST gap `check` reports gets a finding with a mitigation plan.
fn plan_for_gaps(home: &Path, file: &str) {
    let out = cli(home, LEAD, &["check", file, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    for blocker in report["report"]["blockers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let obligation = blocker["obligation"].as_str().expect("obligation id");
        let out = cli(
            home,
            LEAD,
            &["finding", "add", file, "--obligation", obligation],
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let id = stdout
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .find(|w| w.starts_with("F-"))
            .expect("new finding id")
            .to_string();
        let out = cli(
            home,
            LEAD,
            &[
                "finding",
                "plan",
                file,
                &id,
                "--actions",
                "In the delivery plan",
                "--owner",
                "Ann Lead",
                "--target",
                "2099-01-01",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(cli(home, LEAD, &["check", file]).status.success());
}

#[test]
fn a_gap_goes_from_not_met_to_risk_accepted_through_the_tui() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = answered_by_lead(home.path()).display().to_string();
    let mut tui = Tui::start(home.path(), &["--as", LEAD, "open", &file], (100, 30), &[]);
    tui.wait_for("question 1 of");
    tui.send("o");
    tui.wait_for("[!] NOT MET");
    tui.send("c");
    tui.wait_for("Raise a finding for this obligation");
    for _ in 0..4 {
        tui.send("\r");
    }
    tui.wait_for("F-001 raised");
    tui.send("a");
    tui.wait_for("acceptance of the risk");
    tui.type_line_in_form(&[
        "Pat Owner <pat@example.nhs.uk>",
        "",
        "Low exposure until go-live",
        "",
        "2099-01-31",
    ]);
    tui.wait_for("Risk acceptance recorded on F-001");
    tui.wait_for("[saved");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));

    let saved = std::fs::read_to_string(&file).expect("saved");
    assert!(
        saved.contains("rationale = \"Low exposure until go-live\""),
        "{saved}"
    );
    let out = cli(home.path(), LEAD, &["obligations", &file]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("risk accepted by Pat Owner"), "{text}");
}

#[test]
fn lead_answers_reviewer_queries_lead_changes_reviewer_accepts_and_signs_off() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = answered_by_lead(home.path()).display().to_string();
    plan_for_gaps(home.path(), &file);

    // The reviewer queries the classification.
    let mut reviewer = Tui::start(
        home.path(),
        &["--as", REVIEWER, "open", &file],
        (100, 30),
        &[],
    );
    reviewer.wait_for("question 1 of");
    reviewer.send("Q");
    reviewer.wait_for("Review comment");
    reviewer.type_line_in_form(&["Why only OFFICIAL?"]);
    reviewer.wait_for("Query saved");
    reviewer.wait_for("[saved");
    reviewer.send("q");
    assert_eq!(reviewer.wait_exit(), (true, false));

    // The lead sees the query, changes the answer and replies.
    let mut lead = Tui::start(home.path(), &["--as", LEAD, "open", &file], (100, 30), &[]);
    lead.wait_for("Review: queried");
    lead.wait_for("Why only OFFICIAL?");
    lead.send("2");
    lead.wait_for("question 2 of");
    lead.send("h");
    lead.wait_for("answer changed after review");
    lead.send("Q");
    lead.wait_for("Review comment");
    lead.type_line_in_form(&["It is OFFICIAL-SENSITIVE: it holds staff names"]);
    lead.wait_for("Reply saved");
    lead.wait_for("[saved");
    lead.send("q");
    assert_eq!(lead.wait_exit(), (true, false));

    // The reviewer accepts every answer, then signs off.
    let mut reviewer = Tui::start(
        home.path(),
        &["--as", REVIEWER, "open", &file],
        (100, 30),
        &[],
    );
    reviewer.wait_for("question 1 of");
    for _ in 0..200 {
        if reviewer.screen().contains("No answer is waiting") {
            break;
        }
        reviewer.send("A");
    }
    reviewer.wait_for("No answer is waiting");
    reviewer.send("S");
    reviewer.wait_for("Sign off the assessment");
    reviewer.send("\r");
    reviewer.wait_for("Signed off.");
    reviewer.wait_for("[saved");
    reviewer.send("q");
    assert_eq!(reviewer.wait_exit(), (true, false));

    let saved = std::fs::read_to_string(&file).expect("saved");
    assert!(saved.contains("[sign_off"), "{saved}");
    assert!(saved.contains("Ivy Reviewer"), "{saved}");
    let out = cli(home.path(), REVIEWER, &["verify", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_evidence_pack_is_written_from_the_tui() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = answered_by_lead(home.path());
    let file_text = file.display().to_string();
    let mut tui = Tui::start(
        home.path(),
        &["--as", LEAD, "open", &file_text],
        (120, 40),
        &[],
    );
    tui.wait_for("question 1 of");
    tui.send("v");
    tui.wait_for("evidence pack");
    tui.send("P");
    tui.wait_for("Written: PDF evidence pack");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    let pdf = home.path().join("data").join("ward-rota-evidence-pack.pdf");
    let bytes = std::fs::read(&pdf).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF-"));
    let markdown =
        std::fs::read_to_string(home.path().join("data").join("ward-rota-evidence-pack.md"))
            .expect("the Markdown was written");
    assert!(markdown.contains("OFFICIAL-SENSITIVE"), "{markdown}");
}
