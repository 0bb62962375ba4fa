//! Nothing a person types, pastes or presses changes an answer they did not mean to
//! change (issue 16), end to end: the real binary in a pseudo-terminal, one test per
//! point of the issue. Where nothing should change, the saved file is compared byte for
//! byte; after a signal the terminal's modes are read back with `stty -a` on the same
//! pty.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use secassess::assessment::record::{Assessment, Person, System};
use secassess::questionnaire::answer::AnswerValue;
use secassess::store;

mod pty_support;

use pty_support::{assessment_file, first_run, Tui};

const LEAD: &str = "Ann Lead <ann@example.org>";
const DOWN: &str = "\x1b[B";
const HOME: &str = "\x1b[H";
const BACKSPACE: &str = "\x7f";
const CTRL_C: &str = "\x03";
const CTRL_S: &str = "\x13";

fn open(home: &Path, size: (u16, u16)) -> Tui {
    let file = assessment_file(home).display().to_string();
    Tui::start(home, &["--as", LEAD, "open", &file], size, &[])
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("the file is readable")
}

fn lock_of(path: &Path) -> PathBuf {
    store::lock::lock_path(path)
}

fn saved(path: &Path) -> Assessment {
    store::load(path).expect("the file loads").assessment
}

/// Point 1: a paste on a question, bracketed or as a burst of keys (a terminal without
/// bracketed paste, the Windows console), one line or four: ignored with a message, the
/// file unchanged.
#[test]
fn a_paste_on_a_question_changes_nothing_byte_for_byte() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let before = bytes(&file);
    let mut tui = open(home.path(), (80, 24));
    tui.wait_for("question 2 of");
    tui.wait_for("[saved");
    tui.paste("2 day release window; details to follow");
    tui.wait_for_text("Pasted text ignored");
    tui.paste("1\n2\nd\nyes");
    tui.send("2 day release window; details to follow");
    tui.send("1\r2\rd\ryes\r");
    tui.wait_for_text("Pasted text ignored");
    assert!(tui.screen().contains("question 2 of"), "{}", tui.screen());
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    assert_eq!(bytes(&file), before, "nothing was saved");
}

/// Point 1: in a form and in the notes, a paste goes in whole: joined with spaces in a one-line
/// field, line breaks kept where the box takes several lines.
#[test]
fn a_paste_goes_whole_into_the_open_text_box() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let mut tui = Tui::start(home.path(), &["--as", LEAD], (80, 24), &[]);
    tui.wait_for("Assessments in");
    tui.send("n");
    tui.wait_for("New assessment");
    tui.paste("Pharmacy\nstock\ncontrol\nsystem");
    tui.wait_for("Pharmacy stock control system");
    tui.send("\t");
    tui.paste("Orders stock.\nTracks controlled drugs.\nRuns on Azure.\nOwned by Pharmacy.");
    tui.send("\r");
    tui.wait_for("question 1 of");
    tui.send("n");
    tui.wait_for("Ctrl-S");
    // As the Windows console delivers a paste: keys in a burst.
    tui.send("Asked IG\rDPIA due\rin May\rok");
    tui.send(CTRL_S);
    tui.wait_for("Notes kept");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));

    let file = home
        .path()
        .join("data")
        .join("pharmacy-stock-control-system.secassess.toml");
    let assessment = saved(&file);
    assert_eq!(assessment.system.name, "Pharmacy stock control system");
    assert_eq!(
        assessment.system.description,
        "Orders stock.\nTracks controlled drugs.\nRuns on Azure.\nOwned by Pharmacy."
    );
    let record = &assessment.answers["classification"];
    assert_eq!(record.notes, "Asked IG\nDPIA due\nin May\nok");
    assert_eq!(record.value, None, "notes answer nothing");
    assert!(
        assessment
            .audit
            .iter()
            .all(|e| e.action != "answer-set" && e.action != "answer-changed"),
        "no answer was recorded"
    );
}

/// Point 2: pre-filled text takes typing at its end, and the usual editing keys work.
#[test]
fn pre_filled_fields_take_typing_at_their_end() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut tui = Tui::start(home.path(), &[], (80, 24), &[]);
    tui.wait_for("Who are you?");
    tui.type_text("Zoë O'Brien");
    tui.send("\t");
    // "Project lead": Backspace takes its end, typing goes after it.
    for _ in 0..4 {
        tui.send(BACKSPACE);
    }
    tui.type_text("manager");
    tui.send("\t");
    tui.type_line("zoe@example.org");
    tui.wait_for("No assessments yet");
    tui.send("n");
    tui.wait_for("New assessment");
    tui.type_text("rota");
    tui.send(HOME);
    tui.type_text("Ward ");
    tui.send("\r");
    tui.send("\r");
    tui.wait_for("question 1 of");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    let identity = std::fs::read_to_string(home.path().join("config").join("identity.toml"))
        .expect("identity kept");
    assert!(
        identity.contains("role = \"Project manager\""),
        "{identity}"
    );
    assert!(identity.contains("name = \"Zoë O'Brien\""), "{identity}");
    assert_eq!(
        saved(&assessment_file(home.path())).system.name,
        "Ward rota"
    );
}

/// Point 3: Enter on an unanswered question answers nothing and says how; moving then Enter,
/// or a number, answers.
#[test]
fn enter_alone_never_answers_an_unanswered_question() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let before = bytes(&file);
    let mut tui = open(home.path(), (80, 24));
    tui.wait_for("question 2 of");
    tui.send("\r");
    tui.wait_for_text("Nothing is chosen yet");
    assert!(tui.screen().contains("question 2 of"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    assert_eq!(bytes(&file), before, "Enter changed nothing");

    let mut tui = open(home.path(), (80, 24));
    tui.wait_for("question 2 of");
    tui.send(DOWN);
    tui.send("\r");
    tui.wait_for("question 3 of");
    tui.send("2");
    tui.wait_for("question 4 of");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    let assessment = saved(&file);
    let value = |id: &str| {
        assessment.answers[id]
            .value
            .clone()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default()
    };
    assert!(
        value("personal_data").contains("yes"),
        "{}",
        value("personal_data")
    );
    assert!(
        value("commercially_sensitive").contains("no"),
        "{}",
        value("commercially_sensitive")
    );
}

/// Point 4: leaving is safe: Ctrl-C and Esc in a text box ask, `q` closes help first, an empty
/// required field says so.
#[test]
fn leaving_a_text_box_asks_and_q_closes_help_first() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let before = bytes(&file);
    let mut tui = open(home.path(), (80, 24));
    tui.wait_for("question 2 of");
    tui.send("n");
    tui.wait_for("Ctrl-S");
    tui.type_text("half a thought");
    tui.send(CTRL_C);
    tui.wait_for("Keep what you typed?");
    tui.send("b");
    tui.wait_for("Ctrl-S keep the text");
    tui.send("\x1b");
    tui.wait_for("Keep what you typed?");
    tui.send("d");
    tui.wait_for_text("Thrown away; nothing was changed");
    tui.send("?");
    tui.wait_for("Keys (");
    tui.send("q");
    tui.wait_for("1-9 answer");
    assert!(!tui.screen().contains("Keys ("), "q closed the help");
    tui.send("n");
    tui.wait_for("Ctrl-S");
    tui.type_text("x");
    tui.send(CTRL_C);
    tui.wait_for("Keep what you typed?");
    tui.send("d");
    assert_eq!(tui.wait_exit(), (true, false));
    assert_eq!(bytes(&file), before, "nothing half-typed was saved");

    let mut tui = Tui::start(home.path(), &["--as", LEAD], (80, 24), &[]);
    tui.wait_for("Assessments in");
    tui.send("n");
    tui.wait_for("New assessment");
    tui.send("\r");
    tui.wait_for("System name is needed");
    tui.send("\x1b");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
}

/// Point 5: SIGTERM and SIGHUP: the terminal is restored (modes read back with `stty -a`),
/// the last answer is in the file, half-typed notes are not, the lock is released, and
/// the process ends by that signal.
fn stopped_by(signal: i32, name: &str) {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let mut tui = open(home.path(), (80, 24));
    tui.wait_for("question 2 of");
    tui.send("1");
    tui.wait_for("question 3 of");
    tui.send("n");
    tui.wait_for("Ctrl-S");
    tui.type_text("half typed");
    assert!(lock_of(&file).exists());
    tui.signal(signal);
    let exit = tui.wait_end();
    assert_eq!(exit.signal.as_deref(), Some(name), "{exit:?}");
    assert!(!exit.alternate_screen, "left the alternate screen");
    assert!(!exit.cursor_hidden, "the cursor shows again");
    assert!(!exit.bracketed_paste, "bracketed paste is off again");
    let modes = tui.terminal_modes();
    let words: Vec<&str> = modes.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            words.contains(&mode) && !words.contains(&format!("-{mode}").as_str()),
            "{mode} is back on after {name}:\n{modes}"
        );
    }
    tui.wait_for("secassess stopped");
    assert!(!lock_of(&file).exists(), "the lock was released");
    let assessment = saved(&file);
    assert!(assessment.answers.contains_key("personal_data"));
    assert!(
        !std::fs::read_to_string(&file)
            .expect("readable")
            .contains("half typed"),
        "half-typed notes are not saved"
    );
}

#[test]
fn sigterm_restores_the_terminal_saves_and_releases_the_lock() {
    stopped_by(libc::SIGTERM, "Terminated");
}

#[test]
fn sighup_restores_the_terminal_saves_and_releases_the_lock() {
    stopped_by(libc::SIGHUP, "Hangup");
}

fn write_lock(file: &Path, text: &str) {
    std::fs::write(lock_of(file), text).expect("lock written");
}

/// Point 6: a lock naming a process id that a different, running program now has (it started
/// at another time) is recognised as stale and taken over.
#[cfg(target_os = "linux")]
#[test]
fn a_lock_whose_process_id_was_reused_is_taken_over() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let mut other = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("another program runs");
    let started = (Utc::now() - Duration::hours(2)).format("%Y-%m-%dT%H:%M:%SZ");
    write_lock(
        &file,
        &format!(
            "holder = \"Bob Other <bob@example.org>\"\nhost = \"{}\"\npid = {}\nstarted_at = \"{started}\"\nprocess_started = \"linux boot 00000000-0000-0000-0000-000000000000 tick 1\"\n",
            store::lock::this_host(),
            other.id()
        ),
    );
    let mut tui = open(home.path(), (100, 30));
    tui.wait_for("[read-only]");
    tui.wait_for_text("now belongs to another program");
    tui.send("T");
    tui.wait_for_text("Took over the lock held by Bob Other");
    tui.wait_for("[saved");
    tui.send("1");
    tui.wait_for("question 3 of");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    let _ = other.kill();
    let _ = other.wait();
    assert!(saved(&file).answers.contains_key("personal_data"));
    assert!(!lock_of(&file).exists());
}

/// Point 6: a lock from another computer says whose, where and how old, refuses changes, and
/// is taken over only after a warning (in the TUI) or with --take-over (which names
/// what it overrode).
#[test]
fn a_lock_from_another_computer_is_taken_over_deliberately() {
    let home = tempfile::tempdir().expect("temp dir");
    first_run(home.path());
    let file = assessment_file(home.path());
    let foreign = format!(
        "holder = \"Bob Other <bob@example.org>\"\nhost = \"WARD-PC-17\"\npid = 4242\nstarted_at = \"{}\"\nprocess_started = \"windows created 1\"\naccount = \"bother\"\n",
        (Utc::now() - Duration::days(61)).format("%Y-%m-%dT%H:%M:%SZ")
    );
    write_lock(&file, &foreign);
    let before = bytes(&file);
    let mut tui = open(home.path(), (100, 30));
    tui.wait_for("[read-only]");
    tui.wait_for_text("on computer WARD-PC-17, account bother");
    tui.wait_for_text("2 months ago");
    tui.send("1");
    tui.send("T");
    tui.wait_for("Take over this assessment?");
    tui.wait_for_text("sure nobody is working on it");
    tui.send("n");
    tui.wait_for_text("Not taken over");
    assert_eq!(bytes(&file), before, "read-only changed nothing");
    tui.send("T");
    tui.wait_for("Take over this assessment?");
    tui.send("y");
    tui.wait_for_text("Took over the lock held by Bob Other");
    tui.wait_for("[saved");
    tui.send("1");
    tui.wait_for("question 3 of");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
    assert!(saved(&file).answers.contains_key("personal_data"));
    assert!(!lock_of(&file).exists());

    // From the command line: refused with what to do, then --take-over says what it
    // overrode.
    write_lock(&file, &foreign);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_secassess"))
            .args(["--as", LEAD])
            .args(args)
            .env("SECASSESS_DATA_DIR", home.path().join("data"))
            .env("SECASSESS_CONFIG_DIR", home.path().join("config"))
            .output()
            .expect("secassess runs")
    };
    let file_text = file.display().to_string();
    let out = run(&["answer", &file_text, "--set", "commercially_sensitive=no"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for part in ["WARD-PC-17", "2 months ago", "--take-over", "Deleting"] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
    let out = run(&[
        "answer",
        &file_text,
        "--take-over",
        "--set",
        "commercially_sensitive=no",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Took over the lock held by Bob Other <bob@example.org>'s secassess on computer WARD-PC-17"),
        "{stderr}"
    );
    assert!(!lock_of(&file).exists());
}

/// Point 7: the marking in the header is never cut, notes keep their line breaks, status
/// messages name obligations by title, the help has every findings key, and the
/// obligations list explains its marks.
#[test]
fn the_screen_keeps_the_marking_line_breaks_and_every_key_in_help() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_secassess"))
            .args(["--as", LEAD])
            .args(args)
            .env("SECASSESS_DATA_DIR", home.path().join("data"))
            .env("SECASSESS_CONFIG_DIR", home.path().join("config"))
            .output()
            .expect("secassess runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let name = "Regional workforce rostering, e-rostering and staff bank booking platform";
    run(&["new", name]);
    let file = std::fs::read_dir(home.path().join("data"))
        .expect("data folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.to_string_lossy().ends_with(".secassess.toml"))
        .expect("the new assessment");
    let file_text = file.display().to_string();
    let mut tui = Tui::start(
        home.path(),
        &["--as", LEAD, "open", &file_text],
        (80, 24),
        &[],
    );
    tui.wait_for("question 1 of");
    tui.send("2");
    tui.wait_for_text("Have the system penetration tested");
    assert!(!tui.text().contains("penetration-test"), "titles, not ids");
    let header = tui.screen().lines().next().unwrap_or_default().to_string();
    assert!(header.contains("│ OFFICIAL-SENSITIVE"), "{header}");
    assert!(
        header.contains("Regional workforce") && header.contains("..."),
        "{header}"
    );
    tui.send("n");
    tui.wait_for("Ctrl-S");
    tui.paste("first line\nsecond line");
    tui.send(CTRL_S);
    tui.wait_for("Notes kept");
    let screen = tui.screen();
    let rows: Vec<&str> = screen.lines().collect();
    let notes = rows
        .iter()
        .position(|r| r.contains("Notes: first line"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(rows[notes + 1].contains("second line"), "{screen}");
    tui.send("f");
    tui.wait_for("Findings:");
    tui.send("?");
    tui.wait_for("Findings register");
    for key_help in [
        "mitigated: the date and the evidence",
        "pre-approved exception",
        "escalate to the directorate",
    ] {
        tui.wait_for(key_help);
    }
    tui.send("q");
    tui.send("o");
    tui.wait_for("F has a finding");
    tui.wait_for("~MUST may apply, answers will tell");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
}

/// Times are converted with the offset in force at each instant: an answer given in
/// January shows in GMT, one given in July in BST, whenever the assessment is opened.
#[test]
fn times_are_shown_with_the_offset_in_force_when_they_happened() {
    let home = tempfile::tempdir().expect("temp dir");
    let catalogue = secassess::questionnaire::load_embedded().expect("content loads");
    let at = |text: &str| -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("valid")
            .with_timezone(&Utc)
    };
    let who = Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.org".into(),
    };
    let mut assessment = Assessment::new(
        System {
            name: "Ward rota".into(),
            description: String::new(),
        },
        who.clone(),
        &catalogue,
        at("2026-01-15T08:00:00Z"),
    );
    let question = |id: &str| catalogue.question(id).expect("exists").clone();
    assessment
        .set_answer(
            &question("classification"),
            &AnswerValue::Choice("official".into()),
            &who,
            at("2026-01-15T09:00:00Z"),
        )
        .expect("answered");
    assessment
        .set_answer(
            &question("personal_data"),
            &AnswerValue::YesNo(true),
            &who,
            at("2026-07-15T09:00:00Z"),
        )
        .expect("answered");
    assessment.last_question = Some("classification".into());
    let file = assessment_file(home.path());
    store::ensure_dir(&home.path().join("data")).expect("data folder");
    store::create(&file, &assessment).expect("written");

    let file_text = file.display().to_string();
    // The UK's rules as a POSIX TZ string, so no time zone database is needed.
    let mut tui = Tui::start(
        home.path(),
        &["--as", LEAD, "open", &file_text],
        (100, 30),
        &[("TZ", "GMT0BST,M3.5.0/1,M10.5.0")],
    );
    tui.wait_for("question 1 of");
    tui.wait_for("on 2026-01-15 at 09:00");
    tui.send("\x1b[C");
    tui.wait_for("question 2 of");
    tui.wait_for("on 2026-07-15 at 10:00");
    tui.send("q");
    assert_eq!(tui.wait_exit(), (true, false));
}
