//! Bad input gets a clear error and loses nothing: for each kind of damaged, hand-edited
//! or hostile file, the error names the file, the line and what is wrong, offers the
//! backup when there is one, and the bytes on disk are exactly as they were.

mod store_support;

use std::path::{Path, PathBuf};

use secassess::store::{self, format, Opened, StoreError};
use store_support::*;

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
    bytes: Vec<u8>,
}

/// A file holding `bytes`, optionally with a good backup beside it.
fn case(bytes: &[u8], with_backup: bool) -> Case {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("portal.secassess.toml");
    std::fs::write(&path, bytes).expect("written");
    if with_backup {
        let good = format::encode(&assessment(3, "good")).expect("encoded");
        std::fs::write(dir.path().join("portal.secassess.toml.bak"), good).expect("written");
    }
    Case {
        _dir: dir,
        path,
        bytes: bytes.to_vec(),
    }
}

fn good_text() -> String {
    format::encode(&assessment(3, "good")).expect("encoded")
}

/// Loads (read-only) and opens for editing; both must fail with the same message, and
/// the file must be untouched. Returns the message.
fn refused(case: &Case) -> String {
    let error = store::load(&case.path).expect_err("refused");
    let message = error.to_string();
    match store::open_for_edit(&case.path, &jane(), at(0)) {
        Err(e) => assert_eq!(e.to_string(), message),
        Ok(_) => panic!("opened for editing: {}", case.path.display()),
    }
    assert_eq!(
        std::fs::read(&case.path).expect("read"),
        case.bytes,
        "the file changed"
    );
    assert!(
        !store::lock::lock_path(&case.path).exists(),
        "a failed open leaves no lock behind"
    );
    assert!(
        message.contains(&case.path.display().to_string()),
        "{message}"
    );
    message
}

fn position(message: &str, path: &Path) -> (usize, usize) {
    let rest = message
        .strip_prefix(&format!("{}:", path.display()))
        .unwrap_or_else(|| panic!("no file:line:column in {message}"));
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().and_then(|p| p.parse().ok()).expect("a line");
    let column = parts.next().and_then(|p| p.parse().ok()).expect("a column");
    (line, column)
}

#[test]
fn a_file_cut_short_mid_line_names_the_line_and_offers_the_backup() {
    let text = good_text();
    let cut = text.find("answered_by").expect("an answer") + 14;
    let case = case(&text.as_bytes()[..cut], true);
    let message = refused(&case);
    let (line, _) = position(&message, &case.path);
    assert_eq!(line, text[..cut].lines().count());
    assert!(message.contains("The file was not changed"), "{message}");
    assert!(message.contains("portal.secassess.toml.bak"), "{message}");
}

#[test]
fn without_a_backup_the_error_does_not_invent_one() {
    let text = good_text();
    let case = case(&text.as_bytes()[..text.len() / 2], false);
    let message = refused(&case);
    assert!(!message.contains(".bak"), "{message}");
}

#[test]
fn a_file_cut_short_at_a_line_boundary_can_be_read_but_not_saved_over() {
    let text = good_text();
    let answers_start = text.find("[answers.question_0002]").expect("answer 2");
    let case = case(&text.as_bytes()[..answers_start], true);
    // Valid TOML, missing an answer: readable, with the warning...
    let loaded = store::load(&case.path).expect("readable");
    assert!(!loaded.complete);
    assert_eq!(loaded.assessment.answers.len(), 2);
    // ...but not editable, so the missing answer is never saved away.
    let error = store::open_for_edit(&case.path, &jane(), at(0)).expect_err("refused");
    assert!(matches!(error, StoreError::Incomplete { .. }));
    let message = error.to_string();
    assert!(message.contains(store::END_MARKER), "{message}");
    assert!(message.contains("portal.secassess.toml.bak"), "{message}");
    assert_eq!(std::fs::read(&case.path).expect("read"), case.bytes);
    assert!(!store::lock::lock_path(&case.path).exists());
}

#[test]
fn bytes_that_are_not_utf8_are_reported_with_their_position() {
    let mut bytes = good_text().into_bytes();
    let at_line_5 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .map(|(i, _)| i + 3)
        .expect("five lines");
    bytes[at_line_5] = 0xff;
    let case = case(&bytes, false);
    let message = refused(&case);
    assert_eq!(position(&message, &case.path), (5, 3));
    assert!(message.contains("not UTF-8"), "{message}");
}

#[test]
fn a_hand_edit_with_a_wrong_value_names_the_line_and_field() {
    let text = good_text().replacen(
        "answered_at = \"2025-06-15T15:06:41Z\"",
        "answered_at = \"yesterday afternoon\"",
        1,
    );
    let line = text[..text.find("yesterday").expect("edited")]
        .lines()
        .count();
    let case = case(text.as_bytes(), true);
    let message = refused(&case);
    assert_eq!(position(&message, &case.path).0, line);
    assert!(
        message.contains("input contains invalid characters")
            || message.contains("premature end")
            || message.to_lowercase().contains("input"),
        "{message}"
    );
}

#[test]
fn a_misspelt_field_is_reported_not_ignored() {
    let text = good_text().replacen("answered_by =", "answerd_by =", 1);
    let field_line = text[..text.find("answerd_by").expect("edited")]
        .lines()
        .count()
        + 1;
    let case = case(text.as_bytes(), false);
    let message = refused(&case);
    assert!(message.contains("answerd_by"), "{message}");
    // serde reports an unknown field at its table; the line is that answer's.
    assert!(
        position(&message, &case.path).0 <= field_line,
        "field on line {field_line}: {message}"
    );
}

#[test]
fn a_missing_or_wrong_schema_version_is_refused() {
    let text = good_text().replacen("schema_version = 3\n", "", 1);
    let message = refused(&case(text.as_bytes(), false));
    assert!(message.contains("no schema_version"), "{message}");
    let text = good_text().replacen("schema_version = 3", "schema_version = \"one\"", 1);
    let c = case(text.as_bytes(), false);
    let message = refused(&c);
    assert_eq!(position(&message, &c.path).0, 4);
    assert!(message.contains("not a whole number"), "{message}");
}

#[test]
fn a_newer_schema_version_is_refused_with_what_to_do() {
    let text = good_text().replacen("schema_version = 3", "schema_version = 7", 1);
    let case = case(text.as_bytes(), false);
    let message = refused(&case);
    assert!(
        message.contains("newer secassess (schema version 7; this build reads up to 3)"),
        "{message}"
    );
    assert!(message.contains("Use a newer secassess"), "{message}");
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let text = format!(
        "schema_version = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let case = case(text.as_bytes(), false);
    let message = refused(&case);
    assert_eq!(position(&message, &case.path), (2, 37));
    assert!(message.contains("nested more than 32 deep"), "{message}");
}

#[test]
fn a_huge_file_is_refused_unread() {
    let mut text = good_text();
    text.push_str(&"# padding\n".repeat((store::MAX_ASSESSMENT_BYTES as usize) / 10 + 1));
    let case = case(text.as_bytes(), false);
    let message = refused(&case);
    assert!(message.contains("larger than any assessment"), "{message}");
}

#[test]
fn an_empty_file_is_reported_as_possibly_cut_short() {
    let case = case(b"", true);
    let message = refused(&case);
    assert!(message.contains("empty"), "{message}");
    assert!(message.contains(".bak"), "{message}");
}

#[test]
fn binary_garbage_is_refused() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let message = refused(&case(&garbage, false));
    assert!(
        message.contains("not UTF-8") || message.contains(":1:"),
        "{message}"
    );
}

#[test]
fn terminal_escapes_in_text_load_but_are_kept_out_of_messages() {
    // Escapes are legal in TOML strings and kept as data; what matters is that nothing
    // shows them raw. Errors about them are sanitised by the one reporter in main; here
    // we check they survive a load and save unchanged.
    let mut a = assessment(1, "x");
    a.system.name = "Portal\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}".into();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("x.secassess.toml");
    store::save(&path, &a).expect("saved");
    let raw = std::fs::read(&path).expect("read");
    assert!(
        !raw.contains(&0x1b),
        "escape characters are written escaped, not raw"
    );
    assert_eq!(store::read_assessment(&path).expect("loads"), a);
}

#[test]
fn a_file_held_by_another_writer_opens_read_only() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("portal.secassess.toml");
    store::create(&path, &assessment(1, "x")).expect("created");
    let Opened::Editable(editor, _) = store::open_for_edit(&path, &jane(), at(0)).expect("opened")
    else {
        panic!("not locked yet");
    };
    let sam = secassess::assessment::record::Person {
        name: "Sam".into(),
        ..Default::default()
    };
    match store::open_for_edit(&path, &sam, at(1)).expect("opened") {
        Opened::ReadOnly(loaded, holder) => {
            assert_eq!(holder.holder, jane().signature());
            assert_eq!(holder.pid, std::process::id());
            assert_eq!(loaded.assessment, assessment(1, "x"));
        }
        other => panic!("expected read-only, got {other:?}"),
    }
    drop(editor);
}
