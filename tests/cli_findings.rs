//! The findings register from the command line, as a script or a screen-reader user
//! drives it: `finding add|plan|accept|exception|done|escalate|close|acknowledge` change
//! the file (under its lock, audited), `findings` lists the register and the gaps, and
//! `check` is the pipeline gate with exit codes 0, 1 and 2.
//!
//! Every run uses a temporary folder for the file and for the config directory, and
//! `--as` for the identity, so nothing touches the real home directory. Dates the tool
//! checks against the real clock are far in the future; overdue dates are tested with
//! `--date`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use secassess::assessment::record::Person;
use secassess::questionnaire::answer::parse_answer;
use secassess::questionnaire::{load_embedded, AnswerKind};
use secassess::store;

const ME: &str = "Ann Lead <ann@example.nhs.uk>";

struct Workspace {
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Workspace {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_secassess"))
            .args(args)
            .env_remove("SECASSESS_QUESTIONNAIRES")
            .env_remove("SECASSESS_NAME")
            .env_remove("SECASSESS_EMAIL")
            .env_remove("SECASSESS_ROLE")
            .env("SECASSESS_CONFIG_DIR", self.dir.path().join("config"))
            .env("SECASSESS_DATA_DIR", self.dir.path())
            .output()
            .expect("the secassess binary runs")
    }

    fn file(&self) -> &str {
        self.file.to_str().expect("a UTF-8 path")
    }

    /// `secassess finding ACTION FILE ARGS... --as ME`, which must succeed.
    fn finding(&self, action: &str, args: &[&str]) -> String {
        let mut all = vec!["finding", action, self.file()];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as", ME]);
        let output = self.run(&all);
        assert!(
            output.status.success(),
            "finding {action} {args:?}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        stdout(&output)
    }

    fn check(&self, extra: &[&str]) -> Output {
        let mut all = vec!["check", self.file()];
        all.extend_from_slice(extra);
        self.run(&all)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.run(args);
        assert!(output.status.code() != Some(2), "{}", stderr(&output));
        serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)))
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.file).expect("the file reads")
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.file, text).expect("the file writes");
    }

    /// Blocking MUST obligations, by id.
    fn blockers(&self) -> Vec<String> {
        let json = self.json(&["check", self.file(), "--format", "json"]);
        json["report"]["blockers"]
            .as_array()
            .expect("blockers")
            .iter()
            .map(|b| b["obligation"].as_str().expect("an id").to_string())
            .collect()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A new assessment made with `secassess new`, every question then answered (through the
/// library, audited as if typed): `changes` first, then "yes", the first option or some
/// text for everything else.
fn answered(changes: &[(&str, &str)]) -> Workspace {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("portal.secassess.toml");
    let ws = Workspace { dir, file };
    let output = ws.run(&["new", "Patient portal", "--output", ws.file(), "--as", ME]);
    assert!(output.status.success(), "{}", stderr(&output));

    let catalogue = load_embedded().expect("embedded questionnaires");
    let mut assessment = store::read_assessment(&ws.file).expect("the new file reads");
    let who = Person {
        name: "Ann Lead".into(),
        role: String::new(),
        email: "ann@example.nhs.uk".into(),
    };
    let now = Utc
        .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("a time");
    let chosen = |id: &str| changes.iter().find(|(q, _)| *q == id).map(|(_, v)| *v);
    for question in catalogue.questions_in_order() {
        let value = match (chosen(&question.id), question.kind) {
            (Some(value), _) => value.to_string(),
            (None, AnswerKind::YesNo) => "yes".into(),
            (None, AnswerKind::Single | AnswerKind::Multiple) => question.options[0].value.clone(),
            (None, AnswerKind::Date) => "2026-01-31".into(),
            (None, _) => "Report v1".into(),
        };
        let value = parse_answer(question, &value).expect("a valid answer");
        assessment
            .set_answer(question, &value, &who, now)
            .expect("answered");
    }
    store::save(&ws.file, &assessment).expect("saved");
    ws
}

/// An OFFICIAL system with no shared accounts and two MUST gaps that a business owner
/// may accept: an endpoint still accepts TLS 1.1 (`tls-1-2`) and the System Level
/// Security Policy is not approved yet (`slsp`). (Authentication gaps need the
/// Architecture Review Board instead: see tests/system_types.rs.)
const OFFICIAL: &[(&str, &str)] = &[
    ("classification", "official"),
    ("personal_data", "no"),
    ("commercially_sensitive", "no"),
    ("shared_accounts", "no"),
    ("own_password_login", "no"),
    ("tls_min_version", "older"),
    ("slsp_status", "drafted"),
];

fn findings_json(ws: &Workspace, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["findings", ws.file(), "--format", "json"];
    args.extend_from_slice(extra);
    ws.json(&args)
}

fn gap_ids(json: &serde_json::Value) -> Vec<String> {
    json["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| g["obligation"].as_str().expect("an id").to_string())
        .collect()
}

/// Raises and plans a finding for every blocking MUST obligation: the gate then passes.
fn plan_every_blocker(ws: &Workspace) -> Vec<String> {
    let blockers = ws.blockers();
    assert!(!blockers.is_empty(), "the fixture has something to treat");
    for obligation in &blockers {
        ws.finding("add", &["--obligation", obligation, "--owner", "Sam Tech"]);
    }
    let json = findings_json(ws, &[]);
    let ids: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("an id").to_string())
        .collect();
    for id in &ids {
        ws.finding(
            "plan",
            &[
                id,
                "--actions",
                "Fix it in the next release",
                "--owner",
                "Sam Tech",
                "--target",
                "2099-06-30",
            ],
        );
    }
    ids
}

#[test]
fn check_fails_with_what_blocks_then_passes_once_every_gap_is_treated() {
    let ws = answered(OFFICIAL);
    let output = ws.check(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.starts_with("FAILED ("), "{text}");
    assert!(text.contains("and no finding: raise one"), "{text}");
    assert!(
        text.contains("To do: raise a finding (secassess finding add"),
        "{text}"
    );

    // Every blocking MUST shows up as a gap in `findings` before it has a finding.
    let blockers = ws.blockers();
    let gaps = gap_ids(&findings_json(&ws, &[]));
    for b in &blockers {
        assert!(gaps.contains(b), "{b} is not listed as a gap: {gaps:?}");
    }

    let ids = plan_every_blocker(&ws);
    assert_eq!(ids.len(), blockers.len());
    let output = ws.check(&[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).starts_with("PASSED ("));
    let json = findings_json(&ws, &[]);
    let must_gaps: Vec<&serde_json::Value> = json["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter(|g| g["level"] == "MUST")
        .collect();
    assert!(must_gaps.is_empty(), "{must_gaps:?}");

    // The same file a year after the target dates: overdue, and the gate fails again.
    let late = ws.check(&["--date", "2099-07-02"]);
    assert_eq!(late.status.code(), Some(1));
    let text = stdout(&late);
    assert!(
        text.contains("mitigation target date 2099-06-30 passed 2 days ago"),
        "{text}"
    );
}

/// `secassess check FILE | head -1` must still fail the pipeline: a reader that goes away
/// (here its end of the pipe is closed before the first write) changes only the output.
#[test]
fn check_keeps_its_exit_code_when_the_reader_closes_the_pipe() {
    let ws = answered(OFFICIAL);
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["check", ws.file()])
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env("SECASSESS_CONFIG_DIR", ws.dir.path().join("config"))
        .stdout(writer)
        .output()
        .expect("the secassess binary runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn unknown_must_obligations_block_and_name_the_questions() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("new.secassess.toml");
    let ws = Workspace { dir, file };
    let output = ws.run(&["new", "Empty", "--output", ws.file(), "--as", ME]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = ws.check(&[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("To do: answer security_assessment_status, privacy_assessment_status, personal_data, delivery"),
        "{text}"
    );
    let json = ws.json(&["check", ws.file(), "--format", "json"]);
    assert_eq!(json["report"]["passed"], false);
    let first = &json["report"]["blockers"][0];
    assert_eq!(first["obligation"], "security-privacy-review");
    assert_eq!(
        first["answer"],
        serde_json::json!([
            "security_assessment_status",
            "privacy_assessment_status",
            "personal_data",
            "delivery"
        ])
    );
}

#[test]
fn check_exits_2_for_unreadable_input() {
    let ws = answered(OFFICIAL);
    let missing = ws.run(&["check", "no-such-file.secassess.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read"),
        "{}",
        stderr(&missing)
    );

    let text = ws.read();
    ws.write(&text.replacen("schema_version = 3", "schema_version = [", 1));
    let broken = ws.check(&["--format", "json"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stdout(&broken).is_empty());
    assert!(
        stderr(&broken).contains("portal.secassess.toml:"),
        "{}",
        stderr(&broken)
    );

    let bad_date = ws.run(&["check", ws.file(), "--date", "31/12/2026"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(stderr(&bad_date).contains("YYYY-MM-DD"));
}

#[test]
fn a_risk_acceptance_is_shown_as_not_met_and_flagged_on_a_sensitive_system() {
    let ws = answered(&[
        ("classification", "official"),
        ("personal_data", "yes"),
        ("shared_accounts", "no"),
        ("own_password_login", "no"),
        ("tls_min_version", "older"),
    ]);
    let obligation = "tls-1-2";
    assert_eq!(ws.blockers(), [obligation]);
    ws.finding("add", &["--obligation", obligation, "--owner", "Sam Tech"]);
    let saved = ws.finding(
        "accept",
        &[
            "F-001",
            "--by",
            "Pat Owner <pat@example.nhs.uk>",
            "--role",
            "Business owner",
            "--rationale",
            "Low use until the next release",
            "--review",
            "2099-01-31",
            "--on",
            "2026-01-10",
        ],
    );
    assert!(saved.contains("ESCALATE"), "{saved}");

    let json = findings_json(&ws, &[]);
    let f = &json["findings"][0];
    assert_eq!(f["id"], "F-001");
    assert_eq!(f["status"], "risk-accepted");
    assert_eq!(f["needs_escalation"], true);
    assert_eq!(f["acceptance"]["accepted_by"]["name"], "Pat Owner");
    assert_eq!(f["acceptance"]["review_date"], "2099-01-31");
    assert!(f["treatment"]
        .as_str()
        .expect("text")
        .starts_with("risk accepted by Pat Owner"));

    let obligations = ws.json(&["obligations", ws.file(), "--format", "json"]);
    let o = obligations["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["id"] == obligation)
        .expect("the obligation");
    assert_eq!(o["status"], "not-met");
    let text = stdout(&ws.run(&["obligations", ws.file()]));
    assert!(
        text.contains("not met — risk accepted by Pat Owner on 2026-01-10"),
        "{text}"
    );

    let check = ws.check(&[]);
    assert_eq!(check.status.code(), Some(0), "a valid acceptance treats it");
    let check = stdout(&check);
    assert!(check.contains("flagged for escalation"), "{check}");
    ws.finding(
        "escalate",
        &[
            "F-001",
            "--to",
            "Dee Director <dee@example.nhs.uk>",
            "--role",
            "Director of Digital",
        ],
    );
    let json = findings_json(&ws, &["--status", "escalated"]);
    assert_eq!(
        json["findings"][0]["owner"],
        "Dee Director <dee@example.nhs.uk> (Director of Digital)"
    );
    assert_eq!(json["findings"][0]["needs_escalation"], false);
}

#[test]
fn shared_accounts_need_a_recorded_exception_not_just_a_yes() {
    let ws = answered(&[
        ("classification", "official"),
        ("personal_data", "no"),
        ("commercially_sensitive", "no"),
        ("shared_accounts", "yes"),
        ("shared_accounts_approved", "yes"),
    ]);
    assert!(ws
        .blockers()
        .contains(&"shared-account-exception".to_string()));
    let text = stdout(&ws.run(&["obligations", ws.file()]));
    assert!(
        text.contains("the approval by the Cyber Security team is not recorded"),
        "{text}"
    );
    ws.finding(
        "add",
        &["--obligation", "shared-account-exception", "--owner", "Sam"],
    );
    let refused = ws.run(&[
        "finding",
        "accept",
        ws.file(),
        "F-001",
        "--by",
        "Pat Owner <pat@example.nhs.uk>",
        "--role",
        "Business owner",
        "--rationale",
        "x",
        "--review",
        "2099-01-01",
        "--as",
        ME,
    ]);
    assert!(refused.status.success());
    assert!(
        stdout(&refused).contains("so a risk acceptance does not treat it"),
        "{}",
        stdout(&refused)
    );
    assert!(ws
        .blockers()
        .contains(&"shared-account-exception".to_string()));
    ws.finding(
        "exception",
        &[
            "F-001",
            "--by",
            "Cy Security <cyber@example.nhs.uk>",
            "--role",
            "Cyber Security team",
            "--reference",
            "CS-2026-014",
            "--on",
            "2026-01-04",
        ],
    );
    assert!(!ws
        .blockers()
        .contains(&"shared-account-exception".to_string()));
    let saved = ws.read();
    assert!(saved.contains("reference = \"CS-2026-014\""), "{saved}");
}

#[test]
fn findings_filter_by_status_and_show_overdue_dates() {
    let ws = answered(OFFICIAL);
    ws.finding(
        "add",
        &["--title", "Support desk resets passwords by phone"],
    );
    ws.finding(
        "add",
        &[
            "--title",
            "Old admin page still reachable",
            "--severity",
            "critical",
        ],
    );
    ws.finding(
        "plan",
        &[
            "F-002",
            "--actions",
            "Remove the page",
            "--owner",
            "Sam Tech",
            "--target",
            "2099-03-31",
        ],
    );
    let open = findings_json(&ws, &["--status", "open"]);
    let ids: Vec<&str> = open["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["F-001"]);
    let planned = findings_json(&ws, &["--status", "mitigation-planned"]);
    assert_eq!(planned["findings"][0]["id"], "F-002");
    assert_eq!(planned["findings"][0]["severity"], "critical");
    assert!(
        planned["gaps"].as_array().expect("gaps").is_empty(),
        "gaps are open, not planned"
    );

    let text = stdout(&ws.run(&["findings", ws.file(), "--date", "2099-04-10"]));
    assert!(text.contains("Findings as of 2099-04-10 (2):"), "{text}");
    assert!(
        text.contains("OVERDUE: mitigation target date 2099-03-31 passed 10 days ago"),
        "{text}"
    );
    let not_yet = stdout(&ws.run(&["findings", ws.file(), "--date", "2099-03-31"]));
    assert!(!not_yet.contains("OVERDUE"), "{not_yet}");
    let bad = ws.run(&["findings", ws.file(), "--status", "done"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn csv_is_quoted_and_safe_from_formula_injection() {
    let ws = answered(OFFICIAL);
    ws.finding(
        "add",
        &[
            "--title",
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "--owner",
            "@Sam, \"the\" admin",
            "--description",
            "line one\nline two",
        ],
    );
    let output = ws.run(&["findings", ws.file(), "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("\"id\",\"title\",\"severity\",\"status\",\"owner\",\"obligations\",\"treatment\",\"overdue\",\"needs_escalation\",\"problems\",\"description\"")
    );
    let row = lines.next().expect("a row");
    assert!(
        row.starts_with(
            "\"F-001\",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",\"medium\",\"open\",\"'@Sam, \"\"the\"\" admin\""
        ),
        "{row}"
    );
    assert!(csv.contains("\"line one\nline two\""), "{csv}");
    // No cell anywhere starts with a formula character unquoted.
    for cell in csv.split(['\n', ',']) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@'])
                && !cell.starts_with("\"=")
                && !cell.starts_with("\"+")
                && !cell.starts_with("\"-")
                && !cell.starts_with("\"@"),
            "{cell}"
        );
    }
}

#[test]
fn text_output_neutralises_terminal_escapes_from_the_file() {
    let ws = answered(OFFICIAL);
    ws.finding(
        "add",
        &["--title", "Plain title", "--description", "harmless"],
    );
    // A hostile edit: escape sequences in the title (then acknowledged, so it is listed
    // without a problem as well as with one).
    let text = ws.read();
    ws.write(&text.replacen(
        "title = \"Plain title\"",
        "title = \"\\u001b]0;pwned\\u0007\\u001b[2J\"",
        1,
    ));
    let output = stdout(&ws.run(&["findings", ws.file()]));
    assert!(!output.contains('\u{1b}'), "{output:?}");
    assert!(!output.contains('\u{7}'), "{output:?}");
    assert!(output.contains("changed outside secassess"), "{output}");
}

#[test]
fn a_finding_edited_in_a_text_editor_is_detected_refused_and_acknowledged() {
    let ws = answered(OFFICIAL);
    let obligation = &"tls-1-2".to_string();
    ws.finding("add", &["--obligation", obligation, "--owner", "Sam Tech"]);
    ws.finding(
        "accept",
        &[
            "F-001",
            "--by",
            "Pat Owner <pat@example.nhs.uk>",
            "--role",
            "Business owner",
            "--rationale",
            "Accepted for now",
            "--review",
            "2099-01-31",
        ],
    );
    assert!(!ws.blockers().contains(obligation));

    // Someone pushes the review date out by hand.
    let text = ws.read();
    assert!(text.contains("review_date = \"2099-01-31\""), "{text}");
    ws.write(&text.replace(
        "review_date = \"2099-01-31\"",
        "review_date = \"2199-01-31\"",
    ));

    let output = ws.check(&[]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.contains("F-001 (id): this finding was changed outside secassess"),
        "{report}"
    );
    assert!(ws.blockers().contains(obligation), "it treats nothing now");
    let json = findings_json(&ws, &[]);
    assert!(json["findings"][0]["problems"][0]["problem"]
        .as_str()
        .expect("a problem")
        .contains("changed outside secassess"));

    let refused = ws.run(&["finding", "close", ws.file(), "F-001", "--as", ME]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("finding acknowledge"),
        "{}",
        stderr(&refused)
    );

    ws.finding("acknowledge", &["F-001"]);
    assert!(!ws.blockers().contains(obligation));
    let saved = ws.read();
    assert!(
        saved.contains("old = \"(changed outside secassess)\""),
        "the audit trail records the acknowledgement"
    );
}

#[test]
fn refused_changes_say_why_and_leave_the_file_alone() {
    let ws = answered(OFFICIAL);
    ws.finding("add", &["--title", "Something to fix"]);
    let before = ws.read();
    let cases: [&[&str]; 5] = [
        &[
            "finding",
            "plan",
            ws.file(),
            "F-001",
            "--actions",
            "x",
            "--owner",
            "Sam",
            "--target",
            "2001-01-01",
        ],
        &[
            "finding",
            "plan",
            ws.file(),
            "F-404",
            "--actions",
            "x",
            "--owner",
            "Sam",
            "--target",
            "2099-01-01",
        ],
        &["finding", "done", ws.file(), "F-001"],
        &[
            "finding",
            "add",
            ws.file(),
            "--obligation",
            "no-such-obligation",
        ],
        &[
            "finding",
            "accept",
            ws.file(),
            "F-001",
            "--by",
            "not an <email",
            "--role",
            "BO",
            "--rationale",
            "x",
            "--review",
            "2099-01-01",
        ],
    ];
    for args in cases {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--as", ME]);
        let output = ws.run(&all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stdout(&output)
        );
        assert!(!stderr(&output).is_empty());
        assert_eq!(ws.read(), before, "{args:?} changed the file");
    }
    let output = ws.run(&[
        "finding",
        "plan",
        ws.file(),
        "F-001",
        "--actions",
        "x",
        "--owner",
        "Sam",
        "--target",
        "2001-01-01",
        "--as",
        ME,
    ]);
    assert!(
        stderr(&output).contains("has already passed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_edit_waits_for_whoever_has_the_file_open() {
    let ws = answered(OFFICIAL);
    let lock = store::lock::lock_path(Path::new(&ws.file));
    let now = Utc::now();
    let holder = Person {
        name: "Bob Other".into(),
        role: String::new(),
        email: "bob@example.nhs.uk".into(),
    };
    let _guard = match store::lock::acquire(&ws.file, &holder, now).expect("lock") {
        store::LockOutcome::Acquired(guard) => guard,
        other => panic!("{other:?}"),
    };
    assert!(lock.exists());
    let before = ws.read();
    let output = ws.run(&["finding", "add", ws.file(), "--title", "x", "--as", ME]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Bob Other"), "{}", stderr(&output));
    assert_eq!(ws.read(), before);
}

#[test]
fn a_lock_left_by_a_crashed_secassess_is_taken_over_only_when_asked() {
    let ws = answered(OFFICIAL);
    let lock = store::lock::lock_path(Path::new(&ws.file));
    // pid 0 on this host: a holder that is certainly not running.
    std::fs::write(
        &lock,
        format!(
            "holder = \"Bob Other <bob@example.nhs.uk>\"\nhost = \"{}\"\npid = 0\nstarted_at = \"2026-11-23T09:00:00Z\"\n",
            store::lock::this_host()
        ),
    )
    .expect("lock written");
    let before = ws.read();
    let output = ws.run(&["finding", "add", ws.file(), "--title", "x", "--as", ME]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--take-over"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.read(), before, "nothing changed");

    ws.finding("add", &["--title", "Hand-raised issue", "--take-over"]);
    assert!(ws.read().contains("Hand-raised issue"));
    assert!(!lock.exists(), "the lock is released after saving");
    ws.finding("close", &["F-001"]);
}

#[test]
fn closing_a_met_finding_and_completing_a_plan_with_evidence() {
    let ws = answered(OFFICIAL);
    ws.finding("add", &["--title", "Hand-raised issue"]);
    ws.finding(
        "plan",
        &[
            "F-001",
            "--actions",
            "Fix",
            "--owner",
            "Sam Tech",
            "--target",
            "2099-01-01",
        ],
    );
    let done = ws.finding(
        "done",
        &["F-001", "--evidence", "https://tickets.example/CHG-1"],
    );
    assert!(done.contains("mitigated"), "{done}");
    let json = findings_json(&ws, &["--status", "mitigated"]);
    assert_eq!(
        json["findings"][0]["mitigation"]["evidence"]["link"],
        "https://tickets.example/CHG-1"
    );
    ws.finding("close", &["F-001"]);
    let json = findings_json(&ws, &["--status", "closed"]);
    assert_eq!(json["findings"][0]["id"], "F-001");
}

#[test]
fn check_warns_when_the_file_may_have_been_cut_short() {
    let ws = answered(OFFICIAL);
    let text = ws.read();
    ws.write(&text.replace(store::END_MARKER, ""));
    let output = ws.check(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("it may have been cut short"),
        "{}",
        stdout(&output)
    );
}
