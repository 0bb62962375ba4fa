//! A shared folder or a hostile file can never overwrite, hang, leak or forge (issue 22):
//! one test per numbered point, each driving the real binary on the small input the
//! issue describes. Point 4 (time) is in `tests/scale.rs`; point 7 (what `verify`
//! misses) belongs to the sign-off work.
//!
//! Every run uses a temporary folder for the data and the config directory, and `--as`
//! for the identity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
#[cfg(unix)]
use std::time::{Duration, Instant};

use secassess::assessment::record::{AnswerRecord, Assessment, Person, System};
use secassess::questionnaire::answer::EvidenceRef;
use secassess::questionnaire::load_embedded;
use secassess::store;

const ME: &str = "Ann Lead <ann@example.org>";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_secassess")
}

fn command(home: &Path) -> Command {
    let mut command = Command::new(bin());
    command
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"));
    command
}

fn secassess(home: &Path, args: &[&str]) -> Output {
    command(home)
        .args(["--as", ME])
        .args(args)
        .output()
        .expect("secassess runs")
}

/// Runs secassess through `bash -c SCRIPT`, where the script plants something named
/// after its own PID (`$$`) and then `exec`s secassess, which keeps that PID: the
/// attack of point 1, where the PID is readable from the lock file.
#[cfg(unix)]
fn planted(home: &Path, script: &str, args: &[&str]) -> Output {
    let mut full = vec!["-c", script, "plant", bin(), "--as", ME];
    full.extend_from_slice(args);
    Command::new("bash")
        .args(full)
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"))
        .output()
        .expect("bash runs")
}

/// Runs secassess, killing it (and failing) if it has not finished within `limit`: a
/// hang must fail the test, not stall it. (Used by the Unix-only tests: pipes, devices.)
#[cfg(unix)]
fn within(home: &Path, limit: Duration, args: &[&str]) -> Output {
    use std::process::Stdio;
    let mut child = command(home)
        .args(["--as", ME])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secassess runs");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("secassess {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn new_assessment(home: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(home.join("data")).expect("data folder");
    let path = home.join("data").join(format!("{name}.secassess.toml"));
    let out = secassess(
        home,
        &["new", name, "--output", path.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", text(&out));
    path
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[cfg(unix)]
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Point 1: a symbolic link planted at the temporary name `.NAME.PID.tmp` (or at the
/// output itself) is never followed by `export`, `new` or `answer`: the victim's file
/// keeps its content and mode, and the output is a regular file.
#[cfg(unix)]
#[test]
fn planted_links_never_redirect_a_write() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let file = new_assessment(home, "shared");
    let victim = home.join("victim.txt");
    std::fs::write(&victim, "the victim's own file\n").expect("victim");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).expect("mode");
    let shared = home.join("shared");
    std::fs::create_dir_all(&shared).expect("shared folder");
    let untouched = |what: &str| {
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "the victim's own file\n",
            "{what}"
        );
        let mode = std::fs::metadata(&victim)
            .expect("victim")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{what}");
    };

    // export, the reproduction in the issue.
    let pack = shared.join("pack.md");
    let script = format!(
        "ln -s '{}' '{}/.pack.md.'$$'.tmp'; exec \"$@\"",
        victim.display(),
        shared.display()
    );
    let out = planted(home, &script, &["export", s(&file), "--markdown", s(&pack)]);
    assert!(out.status.success(), "{}", text(&out));
    untouched("export");
    assert!(std::fs::symlink_metadata(&pack).expect("pack").is_file());
    assert!(std::fs::read_to_string(&pack)
        .expect("pack")
        .contains("shared"));

    // A link at the output path itself is replaced, not written through.
    std::fs::remove_file(&pack).expect("removed");
    std::os::unix::fs::symlink(&victim, &pack).expect("link");
    let out = secassess(home, &["export", s(&file), "--markdown", s(&pack)]);
    assert!(out.status.success(), "{}", text(&out));
    untouched("export over a link");
    assert!(!is_symlink(&pack));

    // new.
    let created = shared.join("new.secassess.toml");
    let script = format!(
        "ln -s '{}' '{}/.new.secassess.toml.'$$'.tmp'; exec \"$@\"",
        victim.display(),
        shared.display()
    );
    let out = planted(home, &script, &["new", "New", "--output", s(&created)]);
    assert!(out.status.success(), "{}", text(&out));
    untouched("new");
    assert!(std::fs::symlink_metadata(&created)
        .expect("created")
        .is_file());

    // answer, in the assessment's own folder.
    let script = format!(
        "ln -s '{}' '{}/.shared.secassess.toml.'$$'.tmp'; exec \"$@\"",
        victim.display(),
        home.join("data").display()
    );
    let out = planted(
        home,
        &script,
        &["answer", s(&file), "--set", "classification=official"],
    );
    assert!(out.status.success(), "{}", text(&out));
    untouched("answer");
    assert!(!is_symlink(&file));
    assert!(std::fs::read_to_string(&file)
        .expect("saved")
        .contains("value = \"official\""));
}

/// Point 2: an assessment opened through a symbolic link is saved in place: the real
/// file gets the answer, the link stays a link, and the backup beside the real file is
/// a real copy of the previous version.
#[cfg(unix)]
#[test]
fn a_linked_assessment_is_saved_through_to_its_file() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let real = new_assessment(home, "real");
    let before = std::fs::read_to_string(&real).expect("real");
    let link = home.join("link.secassess.toml");
    std::os::unix::fs::symlink(&real, &link).expect("link");
    let out = secassess(
        home,
        &["answer", s(&link), "--set", "classification=official"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the file the link"),
        "says where it saved: {}",
        text(&out)
    );
    assert!(is_symlink(&link), "the link is still a link");
    assert!(std::fs::read_to_string(&real)
        .expect("real")
        .contains("value = \"official\""));
    let backup = store::atomic::backup_path(&real);
    assert!(std::fs::symlink_metadata(&backup)
        .expect("backup")
        .is_file());
    assert_eq!(std::fs::read_to_string(&backup).expect("backup"), before);
    assert!(!store::atomic::backup_path(&link).exists());
    // The lock was beside the real file, and released.
    assert!(!store::lock::lock_path(&real).exists());
    assert!(!store::lock::lock_path(&link).exists());
}

/// Point 3: an evidence path naming a device or a named pipe never hangs: `answer`
/// refuses it before taking the lock (so no lock is left behind), and `export` says the
/// file could not be read.
#[cfg(unix)]
#[test]
fn devices_and_pipes_as_evidence_never_hang() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let file = new_assessment(home, "hang");
    let fifo = home.join("data").join("pipe.pdf");
    let c_path = std::ffi::CString::new(s(&fifo)).expect("path");
    // SAFETY: mkfifo with a valid NUL-terminated path; the result is checked.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);

    for (path, words) in [("/dev/zero", "is a device"), (s(&fifo), "named pipe")] {
        let out = within(
            home,
            Duration::from_secs(30),
            &[
                "answer",
                s(&file),
                "--set",
                &format!("slsp_document=file: {path}"),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(words), "{}", text(&out));
        assert!(!store::lock::lock_path(&file).exists(), "no lock left");
    }

    // A pipe planted in a shared data folder as an assessment, or as a lock file, hangs
    // nothing either: `list` and `show` say what it is, `answer` finds the lock
    // unreadable and offers to take it over.
    let planted_pipe = |path: &Path| {
        let c_path = std::ffi::CString::new(s(path)).expect("path");
        // SAFETY: mkfifo with a valid NUL-terminated path; the result is checked.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    };
    let fake = home.join("data").join("fake.secassess.toml");
    planted_pipe(&fake);
    let out = within(home, Duration::from_secs(30), &["show", s(&fake)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("named pipe"), "{}", text(&out));
    // `list` finishes, and still lists the real assessment ("hang").
    let out = within(home, Duration::from_secs(30), &["list"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("hang"), "{}", text(&out));
    planted_pipe(&store::lock::lock_path(&file));
    let out = within(
        home,
        Duration::from_secs(30),
        &["answer", s(&file), "--set", "classification=official"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--take-over"), "{}", text(&out));
    // Taking it over replaces the pipe, hangs nothing, and names no holder it never had.
    let out = within(
        home,
        Duration::from_secs(30),
        &[
            "answer",
            s(&file),
            "--set",
            "classification=official",
            "--take-over",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("its lock file could not be read") && !text(&out).contains("1970"),
        "{}",
        text(&out)
    );
    assert!(!store::lock::lock_path(&file).exists(), "the lock released");

    // The same paths written into the file by hand.
    let mut assessment = store::read_assessment(&file).expect("readable");
    for (id, path) in [
        ("slsp_document", "/dev/zero"),
        ("iams_reference", "pipe.pdf"),
    ] {
        assessment
            .answers
            .insert(id.into(), evidence_answer(path, None));
    }
    store::save(&file, &assessment).expect("saved");
    let pack = home.join("pack.md");
    let out = within(
        home,
        Duration::from_secs(30),
        &[
            "export",
            s(&file),
            "--markdown",
            s(&pack),
            "--recheck-evidence",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let md = std::fs::read_to_string(&pack).expect("pack");
    assert!(md.contains("UNREADABLE at export"), "{md}");
    assert!(
        md.contains("is a device") && md.contains("named pipe"),
        "{md}"
    );
}

fn evidence_answer(path: &str, sha256: Option<String>) -> AnswerRecord {
    AnswerRecord {
        value: None,
        dont_know: false,
        evidence: Some(EvidenceRef {
            title: String::from("Policy"),
            link: None,
            path: Some(path.to_string()),
            sha256,
            size: None,
        }),
        notes: String::new(),
        flagged: false,
        question_fingerprint: String::new(),
        answered_by: String::from("Sam Sender <sam@example.org>"),
        answered_at: chrono::Utc::now(),
    }
}

fn sample(name: &str) -> Assessment {
    let catalogue = load_embedded().expect("embedded questionnaires");
    Assessment::new(
        System {
            name: name.into(),
            description: String::new(),
        },
        Person {
            name: "Sam Sender".into(),
            role: String::new(),
            email: "sam@example.org".into(),
        },
        &catalogue,
        chrono::Utc::now(),
    )
}

/// Point 5: a save whose text would be larger than a load accepts is refused with the
/// old file kept, and a file past 80 % of the cap is saved with a warning.
#[test]
fn a_save_never_writes_what_a_load_refuses() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    std::fs::create_dir_all(home.join("data")).expect("data");
    let file = home.join("data").join("full.secassess.toml");
    // Padding in the notes of an answer to a question no longer asked (kept in the
    // file), sized to leave `room` bytes below the cap.
    let padded = |room: u64| {
        let mut a = sample("Full");
        let mut record = evidence_answer("x", None);
        record.evidence = None;
        a.answers.insert("old_question".into(), record);
        store::save(&file, &a).expect("saved");
        let size = std::fs::metadata(&file).expect("file").len();
        let pad = store::MAX_ASSESSMENT_BYTES - room - size - "notes = \"\"\n".len() as u64;
        if let Some(r) = a.answers.get_mut("old_question") {
            r.notes = "x".repeat(usize::try_from(pad).expect("fits"));
        }
        store::save(&file, &a).expect("saved");
        assert_eq!(
            std::fs::metadata(&file).expect("file").len(),
            store::MAX_ASSESSMENT_BYTES - room
        );
    };

    padded(100);
    let before = std::fs::read(&file).expect("file");
    let out = secassess(
        home,
        &["answer", s(&file), "--set", "classification=official"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("more than the 16777216 bytes secassess can read back"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("previous version on disk is unchanged"));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Answered"),
        "nothing claims an answer that was not saved: {}",
        text(&out)
    );
    assert_eq!(std::fs::read(&file).expect("file"), before);
    let show = secassess(home, &["show", s(&file)]);
    assert!(
        show.status.success(),
        "the old file still opens: {}",
        text(&show)
    );

    padded(store::MAX_ASSESSMENT_BYTES / 10);
    let out = secassess(
        home,
        &["answer", s(&file), "--set", "classification=official"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("90% of the 16777216 bytes"),
        "{stderr}"
    );
}

/// A questionnaire folder whose texts carry escape sequences and bidirectional
/// overrides: an override of the base requirements with a hostile obligation title and
/// version.
fn hostile_questionnaires(home: &Path) -> PathBuf {
    let dir = home.join("questionnaires");
    std::fs::create_dir_all(&dir).expect("folder");
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires/10-base-requirements.toml"),
    )
    .expect("base requirements");
    // The version, and the title of the first obligation.
    let at = base.find("[[obligations]]").expect("obligations");
    let (head, obligations) = base.split_at(at);
    let hostile = format!(
        "{}{}",
        head.replacen(
            "version = \"1.0.0\"",
            "version = \"1.0.0\\u001b]0;pwned\\u0007\\u009b31m\"",
            1,
        ),
        obligations.replacen(
            "title = \"",
            "title = \"\\u001b[2J\\u001b]52;c;cHduZWQ=\\u0007\\u202eOWNED ",
            1,
        )
    );
    std::fs::write(dir.join("10-base-requirements.toml"), hostile).expect("written");
    dir
}

const UNSAFE: [char; 6] = ['\u{1b}', '\u{7}', '\u{9b}', '\u{85}', '\u{202e}', '\r'];

/// No unsafe character in `text`, except the CRLF that ends a CSV record (RFC 4180).
fn assert_clean(what: &str, text: &str) {
    let text = text.replace("\r\n", "\n");
    if let Some(c) = text.chars().find(|c| UNSAFE.contains(c)) {
        panic!("{what} has U+{:04X}: {text:?}", u32::from(c));
    }
}

/// Point 6: nothing from a file or a questionnaire folder reaches the terminal or an
/// export with its control characters: CSV on stdout, `validate`, the Markdown pack and
/// the CSV exports; JSON escapes C1 controls and bidirectional overrides; and `answer`
/// refuses control characters in text and evidence answers.
#[test]
fn escape_sequences_never_reach_a_terminal_or_an_export() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let file = new_assessment(home, "escapes");
    // A finding edited by hand with escape sequences in every text field.
    let mut text_of_file = std::fs::read_to_string(&file).expect("file");
    text_of_file = text_of_file.replace("findings = []\n", "");
    text_of_file = text_of_file.replace(
        "# end of secassess assessment",
        "[[findings]]\nid = \"F-001\\u001b]0;title\\u0007\"\ntitle = \"\\u001b[2JCleared\\r\\u009b31m\"\nseverity = \"low\"\nstatus = \"open\"\nowner = \"\\u001b]52;c;cHduZWQ=\\u0007\\u0085Sam\\u202e\"\ndescription = \"line\\u001b[1A\"\nraised_by = \"x\"\nraised_at = \"2026-01-01T00:00:00Z\"\nupdated_at = \"2026-01-01T00:00:00Z\"\n# end of secassess assessment",
    );
    std::fs::write(&file, &text_of_file).expect("edited");

    let csv = secassess(home, &["findings", s(&file), "--format", "csv"]);
    assert!(csv.status.success(), "{}", text(&csv));
    assert_clean(
        "findings --format csv",
        &String::from_utf8_lossy(&csv.stdout),
    );
    assert!(String::from_utf8_lossy(&csv.stdout).contains("Cleared"));
    let listed = secassess(home, &["findings", s(&file)]);
    assert_clean("findings", &text(&listed));
    let json = secassess(home, &["findings", s(&file), "--format", "json"]);
    let json_text = String::from_utf8_lossy(&json.stdout).into_owned();
    assert_clean("findings --format json", &json_text);
    assert!(
        json_text.contains("\\u009b31m") && json_text.contains("\\u202e"),
        "{json_text}"
    );
    let value: serde_json::Value = serde_json::from_str(&json_text).expect("valid JSON");
    assert!(value["findings"][0]["title"]
        .as_str()
        .is_some_and(|t| t.contains('\u{9b}')));

    let questionnaires = hostile_questionnaires(home);
    let validate = command(home)
        .args(["validate", s(&questionnaires)])
        .output()
        .expect("runs");
    assert!(validate.status.success(), "{}", text(&validate));
    assert_clean("validate", &text(&validate));

    let out = home.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let export = command(home)
        .args(["--questionnaires", s(&questionnaires)])
        .args(["export", s(&file)])
        .args(["--markdown", s(&out.join("pack.md"))])
        .args(["--csv", s(&out.join("pack.csv"))])
        .args(["--json", s(&out.join("pack.json"))])
        .args(["--html", s(&out.join("pack.html"))])
        .output()
        .expect("runs");
    assert!(export.status.success(), "{}", text(&export));
    assert_clean("export", &text(&export));
    for name in [
        "pack.md",
        "pack.html",
        "pack-obligations.csv",
        "pack-findings.csv",
        "pack.json",
    ] {
        let written = std::fs::read_to_string(out.join(name)).expect("written");
        assert_clean(name, &written);
        assert!(
            written.contains("OWNED") || name == "pack-findings.csv",
            "{name}"
        );
    }

    for set in [
        "hosting_and_support=Azure\u{1b}[2J",
        "slsp_document=Policy\u{9b}31m",
        "iams_reference=https://example.org/\u{202e}fdp.exe",
    ] {
        let before = std::fs::read(&file).expect("file");
        let out = secassess(home, &["answer", s(&file), "--set", set]);
        assert_eq!(out.status.code(), Some(2), "{set}: {}", text(&out));
        assert!(
            text(&out).contains("control characters"),
            "{set}: {}",
            text(&out)
        );
        assert_clean("the refusal", &text(&out));
        assert_eq!(std::fs::read(&file).expect("file"), before, "{set}");
    }
}

/// Point 8: `validate` refuses a chain of `ask_if` conditions deeper than the rules
/// engine follows, instead of letting it evaluate to a wrong "unknown".
#[test]
fn validate_refuses_a_chain_deeper_than_the_engine_follows() {
    let home = tempfile::tempdir().expect("temp dir");
    let dir = home.path().join("deep");
    std::fs::create_dir_all(&dir).expect("folder");
    let mut toml = String::from(
        "[questionnaire]\nid = \"deep\"\nversion = \"1\"\ntitle = \"Deep\"\n\n[[sections]]\nid = \"deep-s\"\ntitle = \"S\"\n",
    );
    let n = secassess::questionnaire::model::MAX_DEPENDENCY_DEPTH + 1;
    for i in 0..=n {
        toml.push_str(&format!(
            "\n[[questions]]\nid = \"deep_{i}\"\nsection = \"deep-s\"\nkind = \"yes-no\"\nprompt = \"Q{i}?\"\nhelp = \"h\"\nwho_can_answer = \"w\"\nwhen_yes = \"y\"\nwhen_no = \"n\"\nshort = \"deep {i}\"\n"
        ));
        if i > 0 {
            toml.push_str(&format!("ask_if = \"deep_{} == yes\"\n", i - 1));
        }
    }
    std::fs::write(dir.join("deep.toml"), toml).expect("written");
    let out = command(home.path())
        .args(["validate", s(&dir)])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("a chain of {n} conditions")),
        "{}",
        text(&out)
    );
}

/// Point 9: evidence paths in a file received from someone else that point outside the
/// assessment's folder are not re-read at export, so the pack reveals nothing about the
/// exporter's files; `--recheck-evidence` re-reads them on request. Paths inside the
/// folder are re-checked as before.
#[test]
fn evidence_outside_the_folder_is_not_re_read_unless_asked() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let received = home.join("received");
    std::fs::create_dir_all(received.join("docs")).expect("folders");
    std::fs::write(home.join("secret.txt"), "hunter2\n").expect("secret");
    std::fs::write(received.join("docs/slsp.pdf"), "policy\n").expect("inside");
    // SHA-256 of "hunter2\n": what the sender guesses and hopes to see confirmed.
    let secret_sha = "46a9d5bde718bf366178313019f04a753bad00685d38e3ec81c8628f35dfcb1b";
    let mut a = sample("Received");
    a.answers.insert(
        "slsp_document".into(),
        evidence_answer("../secret.txt", Some(secret_sha.into())),
    );
    a.answers.insert(
        "iams_reference".into(),
        evidence_answer("docs/slsp.pdf", None),
    );
    let file = received.join("received.secassess.toml");
    store::save(&file, &a).expect("saved");

    let pack = home.join("pack.md");
    let out = secassess(home, &["export", s(&file), "--markdown", s(&pack)]);
    assert!(out.status.success(), "{}", text(&out));
    let md = std::fs::read_to_string(&pack).expect("pack");
    let secret_row = md
        .lines()
        .find(|l| l.starts_with("| ../secret.txt |"))
        .expect("the secret's row");
    assert!(
        secret_row.contains("not re-checked at export"),
        "{secret_row}"
    );
    assert!(
        !md.contains("UNREADABLE") && !md.contains("MISSING"),
        "{md}"
    );
    assert!(!md.contains("(8 bytes)"), "the size leaks nothing: {md}");
    let inside_row = md
        .lines()
        .find(|l| l.starts_with("| docs/slsp.pdf |"))
        .expect("the inside row");
    assert!(inside_row.contains("no hash was recorded"), "{inside_row}");

    let out = secassess(
        home,
        &[
            "export",
            s(&file),
            "--markdown",
            s(&pack),
            "--recheck-evidence",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let md = std::fs::read_to_string(&pack).expect("pack");
    let secret_row = md
        .lines()
        .find(|l| l.starts_with("| ../secret.txt |"))
        .expect("the secret's row");
    assert!(secret_row.contains("unchanged"), "{secret_row}");
}

/// Point 10: the smaller messages.
#[test]
fn the_smaller_messages_say_what_is_true() {
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();

    // A file cut short (no end marker): export warns, the pack does not call the
    // sign-off valid, and `answer` names no backup that is not there.
    let file = new_assessment(home, "cut");
    let whole = std::fs::read_to_string(&file).expect("file");
    let cut = whole.replace(store::END_MARKER, "");
    std::fs::write(&file, &cut).expect("cut");
    let pack = home.join("cut.md");
    let out = secassess(home, &["export", s(&file), "--markdown", s(&pack)]);
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("may have been cut short"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FILE MAY HAVE BEEN CUT SHORT"), "{stdout}");
    let md = std::fs::read_to_string(&pack).expect("pack");
    assert!(md.contains("MAY HAVE BEEN CUT SHORT"), "{md}");
    let out = secassess(
        home,
        &["answer", s(&file), "--set", "classification=official"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!store::atomic::backup_path(&file).exists());
    assert!(!text(&out).contains(".bak"), "{}", text(&out));
    assert!(
        text(&out).contains("the copy it came from"),
        "{}",
        text(&out)
    );

    // `new` where the file cannot be created: nothing "previous" is claimed.
    let out = secassess(
        home,
        &[
            "new",
            "Nowhere",
            "--output",
            s(&home.join("no-such-folder").join("x.secassess.toml")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("cannot create"), "{}", text(&out));
    assert!(!text(&out).contains("previous version"), "{}", text(&out));

    // A wrong answer type says what to write.
    let typed = new_assessment(home, "typed");
    let wrong = std::fs::read_to_string(&typed).expect("file").replace(
        "[answers]\n",
        "[answers.classification]\nvalue = 3\nanswered_by = \"x\"\nanswered_at = \"2026-01-01T00:00:00Z\"\n",
    );
    std::fs::write(&typed, wrong).expect("written");
    let out = secassess(home, &["show", s(&typed)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("expected text in quotes or a list of texts"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("untagged enum"), "{}", text(&out));

    // A 200,000-character id is shortened wherever it is quoted.
    let long = new_assessment(home, "long");
    let id = "x".repeat(200_000);
    let with_long_id = std::fs::read_to_string(&long).expect("file").replace(
        "[answers]\n",
        &format!("[answers.{id}]\nvalue = \"yes\"\nanswered_by = \"x\"\nanswered_at = \"2026-01-01T00:00:00Z\"\n"),
    );
    std::fs::write(&long, with_long_id).expect("written");
    for command in ["show", "check", "verify", "obligations"] {
        let out = secassess(home, &[command, s(&long)]);
        let all = text(&out);
        assert!(
            all.lines().all(|l| l.len() < 2_000),
            "{command} quotes the whole id"
        );
        assert!(all.contains("(200000 characters)"), "{command}: {all}");
    }
}
