//! `secassess portfolio` end to end: the real binary on a generated folder with every
//! status the register shows, damaged and newer-schema files among them, in every
//! format, checked against the single-file commands (`check`, `verify`) and outside
//! tools (pdftotext, sha256 of the JSON), and in a git repository made for the test.

mod portfolio_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use portfolio_support::{catalogue, write_folder};
use sha2::{Digest, Sha256};

fn secassess_with(dir: &Path, args: &[&str], path: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_secassess"));
    command
        .current_dir(dir)
        .args(args)
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        .env("SECASSESS_DATA_DIR", dir.join("data"))
        .env_remove("SECASSESS_QUESTIONNAIRES")
        // 2026-07-01T10:00:00Z: the register's "generated" time.
        .env("SOURCE_DATE_EPOCH", "1782900000");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("secassess runs")
}

fn secassess(dir: &Path, args: &[&str]) -> Output {
    secassess_with(dir, args, None)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_folder(&dir.path().join("shared"), &catalogue());
    let root = dir.path().to_path_buf();
    (dir, root)
}

fn json(output: &Output) -> serde_json::Value {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

fn row<'a>(listing: &'a serde_json::Value, system: &str) -> &'a serde_json::Value {
    listing["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .find(|r| r["system"] == system)
        .unwrap_or_else(|| panic!("no row for {system}: {listing}"))
}

fn systems(listing: &serde_json::Value) -> Vec<String> {
    listing["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .map(|r| r["system"].as_str().unwrap_or_default().to_string())
        .collect()
}

const DATE: &str = "2026-07-01";

#[test]
fn every_status_is_listed_and_unreadable_files_never_stop_the_run() {
    let (_dir, root) = sample();
    let listing = json(&secassess(
        &root,
        &["portfolio", "shared", "--date", DATE, "--format", "json"],
    ));
    assert_eq!(listing["schema"], "secassess-portfolio");
    assert_eq!(listing["schema_version"], 1);
    assert_eq!(listing["found"], 12, "{listing}");
    assert_eq!(listing["marking"], "SECRET", "the highest marking listed");

    let unreadable = listing["unreadable"].as_array().expect("unreadable");
    let errors: Vec<String> = unreadable
        .iter()
        .map(|u| format!("{} {}", u["file"], u["error"]))
        .collect();
    assert_eq!(unreadable.len(), 4, "{errors:?}");
    for (file, says) in [
        ("corrupt", "1:20"),
        ("newer", "newer secassess (schema version 99"),
        ("empty", "empty"),
        ("binary", "not UTF-8"),
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.contains(&format!("{file}.secassess.toml")) && e.contains(says)),
            "{file}: {errors:?}"
        );
    }

    let signed = row(&listing, "Patient portal – bookings");
    assert_eq!(signed["gate"]["passed"], true);
    assert_eq!(signed["sign_off"]["state"], "valid");
    assert_eq!(signed["integrity_problems"], 0);
    assert_eq!(
        row(&listing, "Changed portal")["sign_off"]["state"],
        "changed-since"
    );
    let gaps = row(&listing, "Gaps rota");
    assert_eq!(gaps["gate"]["passed"], false);
    assert!(!gaps["must_gaps_untreated"]
        .as_array()
        .expect("gaps")
        .is_empty());
    assert_eq!(gaps["sign_off"]["state"], "none");
    let overdue = row(&listing, "Overdue bridge");
    let whats: Vec<&str> = overdue["overdue"]
        .as_array()
        .expect("overdue")
        .iter()
        .filter_map(|o| o["what"].as_str())
        .collect();
    assert_eq!(
        whats,
        ["mitigation target date", "risk acceptance review date"]
    );
    let escalation = row(&listing, "Escalation hub");
    assert_eq!(
        escalation["escalation"]["escalated"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        escalation["escalation"]["to_escalate"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        row(&listing, "Old questionnaires")["questionnaires"]["current"],
        false
    );
    assert!(row(&listing, "Edited outside")["integrity_problems"].as_u64() > Some(0));
    assert_eq!(row(&listing, "Cut short")["file_complete"], false);
    let secret = row(&listing, "Secret store");
    assert_eq!(secret["marking"], "SECRET");
    assert_eq!(secret["gate"]["passed"], false);
    assert!(
        !secret["gate"]["outside_self_assessment"]
            .as_array()
            .expect("stop notices")
            .is_empty(),
        "SECRET is outside self-assessment: {secret}"
    );
    assert_eq!(
        row(&listing, "Fresh start")["classification"]["text"],
        "at least OFFICIAL"
    );
    // Text from a file is sanitised: the escape character is gone.
    assert!(
        !stdout(&secassess(&root, &["portfolio", "shared", "--date", DATE])).contains('\u{1b}')
    );
    assert!(systems(&listing)
        .iter()
        .any(|s| s.starts_with("=HYPERLINK")));

    // One rule: the row's gate is `secassess check`, its sign-off `secassess verify`.
    for r in listing["assessments"].as_array().expect("rows") {
        let file = r["file"].as_str().expect("file");
        let check = secassess(&root, &["check", file, "--date", DATE]);
        assert_eq!(
            check.status.code() == Some(0),
            r["gate"]["passed"] == true,
            "{file}: {}",
            stdout(&check)
        );
        let verify = secassess(&root, &["verify", file, "--format", "json"]);
        let verified: serde_json::Value =
            serde_json::from_str(&stdout(&verify)).expect("verify JSON");
        let state = match verified["report"]["sign_off"]["state"].as_str() {
            Some("intact") => "valid",
            Some("changed-since") => "changed-since",
            _ => "none",
        };
        assert_eq!(r["sign_off"]["state"], state, "{file}");
        assert_eq!(
            r["integrity_problems"].as_u64(),
            verified["report"]["problems"]
                .as_array()
                .map(|p| p.len() as u64),
            "{file}"
        );
    }
}

#[test]
fn filters_and_sort_choose_and_order_rows() {
    let (_dir, root) = sample();
    let run = |extra: &[&str]| {
        let mut args = vec!["portfolio", "shared", "--date", DATE, "--format", "json"];
        args.extend(extra);
        json(&secassess(&root, &args))
    };
    let sensitive_unsigned_failed = run(&[
        "--classification",
        "official-sensitive+",
        "--gate",
        "failed",
        "--unsigned",
    ]);
    let names = systems(&sensitive_unsigned_failed);
    assert!(names.contains(&"Secret store".to_string()), "{names:?}");
    assert!(names.contains(&"Gaps rota".to_string()), "{names:?}");
    assert!(
        !names.contains(&"Patient portal – bookings".to_string()),
        "{names:?}"
    );
    assert!(!names.contains(&"Official wiki".to_string()), "{names:?}");
    // "Fresh start" is "at least OFFICIAL": not listed, but counted as could-be.
    assert!(!names.contains(&"Fresh start".to_string()), "{names:?}");
    assert_eq!(sensitive_unsigned_failed["could_match"], 1);
    assert_eq!(sensitive_unsigned_failed["found"], 12);
    assert_eq!(
        sensitive_unsigned_failed["unreadable"]
            .as_array()
            .map(Vec::len),
        Some(4),
        "files that cannot be read are listed whatever the filter"
    );
    assert_eq!(systems(&run(&["--overdue"])), ["Overdue bridge"]);
    assert_eq!(
        systems(&run(&["--gate", "passed"])),
        ["Changed portal", "Patient portal – bookings"]
    );
    assert_eq!(
        systems(&run(&["--classification", "secret"])),
        ["Secret store"]
    );
    let by_gate = systems(&run(&["--sort", "gate"]));
    assert_eq!(
        &by_gate[by_gate.len() - 2..],
        ["Changed portal", "Patient portal – bookings"],
        "passed last"
    );
    assert_eq!(
        systems(&run(&["--sort", "classification"]))[0],
        "Secret store"
    );

    // The date judged changes the gate, as `check --date` does: before the mitigation
    // target of 2026-03-01 nothing is overdue.
    assert!(run(&["--overdue"])["assessments"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    let february = json(&secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--date",
            "2026-02-15",
            "--format",
            "json",
            "--overdue",
        ],
    ));
    assert_eq!(february["assessments"].as_array().map(Vec::len), Some(0));

    let bad = secassess(
        &root,
        &["portfolio", "shared", "--classification", "restricted+"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("official-sensitive"),
        "{}",
        stderr(&bad)
    );
    let missing = secassess(&root, &["portfolio", "no-such-folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no-such-folder")
            && stderr(&missing).contains("give folders that exist")
            && !stderr(&missing).contains("--data-dir"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn the_text_table_fits_the_width_and_says_what_it_left_out() {
    let (_dir, root) = sample();
    for width in [80usize, 120] {
        let w = width.to_string();
        let out = secassess(
            &root,
            &["portfolio", "shared", "--date", DATE, "--width", &w],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        for line in text.lines() {
            assert!(
                unicode_width(line) <= width,
                "{width}: {line:?} is {} wide",
                unicode_width(line)
            );
        }
        assert!(text.contains("SYSTEM") && text.contains("GATE") && text.contains("SIGN-OFF"));
        assert!(text.contains("Not shown at"), "{text}");
        assert!(text.contains("Could not be read (4)"), "{text}");
        assert!(text.contains("Gaps rota") && text.contains("FAILED") && text.contains("passed"));
    }
    // No limit when not a terminal: every column.
    let all = stdout(&secassess(&root, &["portfolio", "shared", "--date", DATE]));
    assert!(all.contains("FILE") && all.contains("ASSESSOR") && !all.contains("Not shown"));
}

/// Terminal cells: characters, as the sample has no wide ones.
fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

/// Fields of RFC 4180 records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn csv_follows_the_exports_rules() {
    let (_dir, root) = sample();
    let out = secassess(
        &root,
        &["portfolio", "shared", "--date", DATE, "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\r\n"), "CRLF line ends");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first, as the export's CSV, for Excel");
    let records = parse_csv(text);
    assert_eq!(records[0][0], "file");
    assert_eq!(records[0].last().map(String::as_str), Some("marking"));
    assert_eq!(records.len(), 1 + 12 + 4);
    assert!(records.iter().all(|r| r.len() == records[0].len()));
    let hostile = records
        .iter()
        .find(|r| r[1].contains("HYPERLINK"))
        .expect("hostile row");
    assert!(
        hostile[1].starts_with("'="),
        "formula defused: {}",
        hostile[1]
    );
    let newer = records
        .iter()
        .find(|r| r[0].ends_with("newer.secassess.toml"))
        .expect("newer-schema file listed");
    let error = records[0]
        .iter()
        .position(|h| h == "error")
        .expect("an error column");
    assert!(newer[error].contains("newer secassess"), "{newer:?}");
}

#[test]
fn html_is_one_accessible_page_without_scripts() {
    let (_dir, root) = sample();
    let out = secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--date",
            DATE,
            "--html",
            "register.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("HTML register (12 assessments, marked SECRET)"));
    let page = std::fs::read_to_string(root.join("register.html")).expect("written");
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(
        !page.contains("<script"),
        "a system name cannot add a script"
    );
    assert!(page.contains("&lt;script&gt;"));
    assert!(
        !page.contains("src=") && !page.contains("href=\"http"),
        "self-contained"
    );
    assert_eq!(page.matches("<p class=\"marking\">SECRET</p>").count(), 2);
    assert!(page.matches("<th scope=\"col\">").count() > 10);
    assert!(page.matches("<th scope=\"row\">").count() >= 12);
    for section in [
        "gate-failed",
        "no-sign-off",
        "overdue",
        "escalations",
        "all",
        "not-read",
    ] {
        assert!(page.contains(&format!("id=\"{section}\"")), "{section}");
        assert!(page.contains(&format!("href=\"#{section}\"")), "{section}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join("register.html"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "owner-only");
    }
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_pdf_register_is_marked_and_checkable_against_the_json() {
    let (_dir, root) = sample();
    let out = secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--date",
            DATE,
            "--classification",
            "official-sensitive",
            "--pdf",
            "register.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Only OFFICIAL-SENSITIVE ones are listed, so that is the marking (not SECRET).
    assert!(
        stdout(&out).contains("marked OFFICIAL-SENSITIVE"),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(root.join("register.pdf")).expect("written");
    assert!(bytes.starts_with(b"%PDF-"));
    let json = stdout(&secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--classification",
            "official-sensitive",
            "--sort",
            "system",
            "--date",
            DATE,
            "--format",
            "json",
        ],
    ));
    let sha: String = Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let Some(text) = pdftotext(&root.join("register.pdf")) else {
        eprintln!("pdftotext is not installed: the PDF's text is not checked");
        return;
    };
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages >= 1);
    assert!(
        text.matches("OFFICIAL-SENSITIVE").count() >= pages * 2,
        "the marking at the top and bottom of every page"
    );
    assert!(
        text.contains(&format!("Register SHA-256 {}", &sha[..16])),
        "{text}"
    );
    assert!(text.contains("Assessment register"));
    assert!(text.contains("Gaps rota") && text.contains("Escalation hub"));
    assert!(!text.contains("Secret store"), "filtered out");
}

// ---- git ----

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", "2026-06-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-06-01T10:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A repository with the sample committed and tagged `v1`, then: one file edited, one
/// added (untracked), one deleted, one replaced by a signed-off assessment (gate and
/// sign-off change), and one kept out by .gitignore.
fn repository() -> Option<(tempfile::TempDir, PathBuf)> {
    if !git_available() {
        eprintln!("git is not installed: the git part of `secassess portfolio` is not tested");
        return None;
    }
    let (dir, root) = sample();
    git(&root, &["init", "-q"]);
    std::fs::write(root.join(".gitignore"), "shared/ignored.secassess.toml\n").expect("written");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "assessments as reviewed"]);
    git(&root, &["tag", "v1"]);
    let shared = root.join("shared");
    let mut gaps =
        std::fs::read_to_string(shared.join("team-a/gaps.secassess.toml")).expect("read");
    gaps = gaps.replace("name = \"Gaps rota\"", "name = \"Gaps rota v2\"");
    std::fs::write(shared.join("team-a/gaps.secassess.toml"), gaps).expect("written");
    std::fs::copy(
        shared.join("team-b/fresh.secassess.toml"),
        shared.join("team-b/new.secassess.toml"),
    )
    .expect("copied");
    std::fs::copy(
        shared.join("team-b/fresh.secassess.toml"),
        shared.join("ignored.secassess.toml"),
    )
    .expect("copied");
    std::fs::remove_file(shared.join("team-c/old.secassess.toml")).expect("removed");
    // The overdue bridge is now the signed-off portal: signed, and its gate passes.
    std::fs::copy(
        shared.join("signed/valid.secassess.toml"),
        shared.join("team-a/overdue.secassess.toml"),
    )
    .expect("copied");
    Some((dir, root))
}

#[test]
fn in_a_git_repository_each_row_says_whether_git_has_it() {
    let Some((_dir, root)) = repository() else {
        return;
    };
    let listing = json(&secassess(
        &root,
        &["portfolio", "shared", "--date", DATE, "--format", "json"],
    ));
    let git_of = |file: &str| -> String {
        listing["assessments"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .map(|r| r["git"].as_str().unwrap_or("none").to_string())
            .unwrap_or_else(|| panic!("no row for {file}"))
    };
    assert_eq!(git_of("team-a/gaps.secassess.toml"), "uncommitted");
    assert_eq!(git_of("team-b/new.secassess.toml"), "untracked");
    assert_eq!(git_of("shared/ignored.secassess.toml"), "ignored");
    assert_eq!(git_of("signed/valid.secassess.toml"), "committed");
    assert_eq!(listing["totals"]["uncommitted"], 4, "{}", listing["totals"]);
    let text = stdout(&secassess(&root, &["portfolio", "shared", "--date", DATE]));
    assert!(
        text.contains("UNCOMMITTED") && text.contains("NOT IN GIT"),
        "{text}"
    );

    // A folder further down the same repository works too.
    let team = json(&secassess(
        &root,
        &[
            "portfolio",
            "shared/team-a",
            "--date",
            DATE,
            "--format",
            "json",
        ],
    ));
    assert_eq!(team["found"], 2);
    assert!(team["assessments"][0]["git"].is_string());

    // The TUI's home screen on the same folder: the same git states, by the same code.
    let home = secassess::tui::shell::home_entries(&root.join("shared"), &catalogue());
    let home_git = |file: &str| {
        home.iter()
            .find(|e| e.path.ends_with(file))
            .and_then(|e| e.row.as_ref().ok())
            .and_then(|r| r.git)
            .unwrap_or_else(|| panic!("no git state on the home screen for {file}"))
    };
    use secassess::portfolio::GitState;
    assert_eq!(
        home_git("team-a/gaps.secassess.toml"),
        GitState::Uncommitted
    );
    assert_eq!(home_git("team-b/new.secassess.toml"), GitState::Untracked);
    assert_eq!(home_git("ignored.secassess.toml"), GitState::Ignored);
    assert_eq!(home_git("signed/valid.secassess.toml"), GitState::Committed);
}

#[test]
fn since_a_revision_lists_new_removed_sign_offs_gates_and_edits() {
    let Some((_dir, root)) = repository() else {
        return;
    };
    let listing = json(&secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--date",
            DATE,
            "--since",
            "v1",
            "--format",
            "json",
        ],
    ));
    let since = &listing["since"];
    assert_eq!(since["revision"], "v1");
    assert_eq!(since["judged_then"], "2026-06-01");
    let changes: Vec<(String, String)> = since["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["file"].as_str().unwrap_or_default().to_string(),
                c["kind"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let has = |file: &str, kind: &str| changes.iter().any(|(f, k)| f.ends_with(file) && k == kind);
    assert!(has("team-b/new.secassess.toml", "new"), "{changes:?}");
    assert!(has("shared/ignored.secassess.toml", "new"), "{changes:?}");
    assert!(has("team-c/old.secassess.toml", "removed"), "{changes:?}");
    assert!(
        has("team-a/overdue.secassess.toml", "sign-off"),
        "{changes:?}"
    );
    assert!(has("team-a/overdue.secassess.toml", "gate"), "{changes:?}");
    assert!(has("team-a/gaps.secassess.toml", "edited"), "{changes:?}");
    assert!(
        !changes
            .iter()
            .any(|(f, _)| f.ends_with("signed/valid.secassess.toml")),
        "an unchanged file whose gate is the same is not listed: {changes:?}"
    );

    let text = stdout(&secassess(
        &root,
        &["portfolio", "shared", "--date", DATE, "--since", "v1"],
    ));
    assert!(text.contains("Changes since v1"), "{text}");
    assert!(
        text.contains("SIGN-OFF") && text.contains("REMOVED"),
        "{text}"
    );

    // The HTML and the PDF carry the changes too.
    let out = secassess(
        &root,
        &[
            "portfolio",
            "shared",
            "--date",
            DATE,
            "--since",
            "v1",
            "--html",
            "since.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(root.join("since.html")).expect("written");
    assert!(page.contains("id=\"since\"") && page.contains("REMOVED"));

    let unknown = secassess(&root, &["portfolio", "shared", "--since", "no-such-tag"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no-such-tag"),
        "{}",
        stderr(&unknown)
    );
    let hostile = secassess(&root, &["portfolio", "shared", "--since=--output=x"]);
    assert_eq!(hostile.status.code(), Some(2));
}

#[test]
fn without_git_the_listing_says_so_and_since_refuses() {
    let Some((dir, root)) = repository() else {
        return;
    };
    let empty = dir.path().join("no-tools");
    std::fs::create_dir_all(&empty).expect("folder");
    let path = empty.display().to_string();
    let out = secassess_with(&root, &["portfolio", "shared", "--date", DATE], Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("git is not installed"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("UNCOMMITTED"));
    let since = secassess_with(
        &root,
        &["portfolio", "shared", "--since", "v1"],
        Some(&path),
    );
    assert_eq!(since.status.code(), Some(2));
    assert!(
        stderr(&since).contains("git is not installed")
            && stderr(&since).contains("--since cannot compare"),
        "{}",
        stderr(&since)
    );

    // Outside any repository there is nothing to say about git, and --since says why.
    let (_plain, plain_root) = sample();
    let listing = stdout(&secassess(
        &plain_root,
        &["portfolio", "shared", "--date", DATE],
    ));
    assert!(!listing.contains("Git:"), "{listing}");
    let since = secassess(&plain_root, &["portfolio", "shared", "--since", "HEAD"]);
    assert_eq!(since.status.code(), Some(2));
    assert!(
        stderr(&since).contains("not in a git work tree"),
        "{}",
        stderr(&since)
    );
}

/// Writes the sample folder to $PORTFOLIO_SAMPLE_DIR, to look at by hand.
#[test]
#[ignore = "a generator, not a check: writes to $PORTFOLIO_SAMPLE_DIR when run by hand"]
fn write_sample_folder() {
    let dir =
        PathBuf::from(std::env::var("PORTFOLIO_SAMPLE_DIR").expect("set PORTFOLIO_SAMPLE_DIR"));
    write_folder(&dir, &catalogue());
}

/// Writes the benchmark's corpus (2,000 assessments of 60 answers) to
/// $PORTFOLIO_CORPUS_DIR, for a whole-process timing:
/// `hyperfine 'secassess portfolio DIR --format json'`.
#[test]
#[ignore = "a generator, not a check: scripts/bench-compare.sh runs it with --ignored to write the 99 MB corpus"]
fn write_benchmark_corpus() {
    let dir =
        PathBuf::from(std::env::var("PORTFOLIO_CORPUS_DIR").expect("set PORTFOLIO_CORPUS_DIR"));
    portfolio_support::write_corpus(&dir, 2_000, &catalogue());
}
