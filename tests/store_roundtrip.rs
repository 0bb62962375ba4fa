//! Saving and loading: what is saved loads back identical, the file is readable TOML, the
//! previous version is kept, files are private, nothing existing is overwritten by
//! `create`, and a save of 500 answers is fast enough to run after every answer.

mod store_support;

use std::path::Path;

use proptest::prelude::*;
use secassess::assessment::record::{AnswerRecord, StoredValue};
use secassess::store::{self, format, lock, Opened, StoreError};
use store_support::*;

fn temp_dir() -> tempfile::TempDir {
    // Under target/ rather than /tmp: a real disk, so fsync costs what it costs users.
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory")
}

#[test]
fn save_then_load_gives_the_identical_assessment() {
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    let original = rich_assessment();
    store::save(&path, &original).expect("saved");
    let loaded = store::load(&path).expect("loaded");
    assert_eq!(loaded.assessment, original);
    assert!(loaded.complete);
    assert_eq!(loaded.schema_version, secassess::assessment::SCHEMA_VERSION);
    // Saving what was loaded writes the same bytes: no drift from save to save.
    let first = std::fs::read(&path).expect("read");
    store::save(&path, &loaded.assessment).expect("saved again");
    assert_eq!(std::fs::read(&path).expect("read"), first);
}

#[test]
fn the_file_is_plain_toml_with_the_version_first_and_the_end_marker_last() {
    let text = format::encode(&rich_assessment()).expect("encoded");
    let first_setting = text
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or_default();
    assert_eq!(first_setting, "schema_version = 3");
    assert_eq!(text.lines().last(), Some(store::END_MARKER));
    // One answer per table, so a diff of two versions shows which answers changed.
    assert!(text.contains("\n[answers.question_0001]\n"));
    assert!(text.contains("answered_by = \"Jane Smith <jane.smith@nhs.net>\""));
    assert!(text.contains("answered_at = \"2025-06-15T15:06:41Z\""));
    toml::from_str::<toml::Table>(&text).expect("valid TOML");
}

#[test]
fn saving_keeps_the_previous_version_as_bak() {
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    let first = assessment(3, "first");
    let second = assessment(3, "second");
    store::save(&path, &first).expect("saved");
    assert!(!dir.path().join("portal.secassess.toml.bak").exists());
    store::save(&path, &second).expect("saved");
    let backup = store::load(&dir.path().join("portal.secassess.toml.bak")).expect("backup loads");
    assert_eq!(backup.assessment, first);
    assert_eq!(store::read_assessment(&path).expect("loads"), second);
    // Only the file, its backup: no temporary files left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["portal.secassess.toml", "portal.secassess.toml.bak"]
    );
}

#[cfg(unix)]
#[test]
fn new_files_are_private_and_shared_files_stay_shared() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    store::create(&path, &assessment(1, "a")).expect("created");
    assert_eq!(mode(&path), 0o600);
    store::save(&path, &assessment(1, "b")).expect("saved");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("portal.secassess.toml.bak")), 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    store::save(&path, &assessment(1, "c")).expect("saved");
    assert_eq!(
        mode(&path),
        0o640,
        "a deliberately shared file stays shared"
    );
    let private = dir.path().join("new/data");
    store::ensure_dir(&private).expect("created");
    assert_eq!(mode(&private), 0o700);
}

#[test]
fn create_never_replaces_an_existing_file() {
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    std::fs::write(&path, b"not even an assessment").expect("written");
    let error = store::create(&path, &assessment(1, "a")).expect_err("refused");
    assert!(matches!(error, StoreError::AlreadyExists { .. }));
    assert!(error.to_string().contains("already exists"));
    assert_eq!(
        std::fs::read(&path).expect("read"),
        b"not even an assessment"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("listed").count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn an_editor_saves_under_the_lock_and_clears_leftover_temporary_files() {
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    store::create(&path, &assessment(2, "a")).expect("created");
    let leftover = dir.path().join(".portal.secassess.toml.99999.tmp");
    std::fs::write(&leftover, b"half a save").expect("written");
    let Opened::Editable(mut editor, loaded) =
        store::open_for_edit(&path, &jane(), at(0)).expect("opened")
    else {
        panic!("nobody else holds the lock");
    };
    assert!(!leftover.exists());
    assert!(lock::lock_path(&path).exists());
    let mut changed = loaded.assessment.clone();
    changed.last_question = Some("question_0000".into());
    editor.save(&changed).expect("saved");
    drop(editor);
    assert!(
        !lock::lock_path(&path).exists(),
        "the lock is released on drop"
    );
    assert_eq!(store::read_assessment(&path).expect("loads"), changed);
}

#[test]
fn unknown_question_ids_are_kept_through_a_save() {
    let dir = temp_dir();
    let path = dir.path().join("portal.secassess.toml");
    let mut a = assessment(1, "a");
    a.answers
        .insert("a_question_from_the_future".into(), answer(0, "kept"));
    store::save(&path, &a).expect("saved");
    let catalogue = secassess::questionnaire::load_embedded().expect("embedded questionnaires");
    let loaded = store::read_assessment(&path).expect("loads");
    let (_, problems) = loaded.typed_answers(&catalogue);
    assert!(problems
        .iter()
        .any(|p| p.question == "a_question_from_the_future"
            && p.problem.contains("kept in the file")));
    store::save(&path, &loaded).expect("saved again");
    assert!(store::read_assessment(&path)
        .expect("loads")
        .answers
        .contains_key("a_question_from_the_future"));
}

/// Text as hostile as it gets: any character, newlines, both quote kinds, the closing
/// sequences of TOML's multi-line strings, backslashes and escapes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(\\PC|[\n\r\t\"'\\\\\u{0}-\u{1f}\u{7f}-\u{9f}\u{202e}\u{feff}]){0,40}",
        proptest::collection::vec(
            prop_oneof![
                Just("'''".to_string()),
                Just("\"\"\"".to_string()),
                Just("\\".to_string()),
                Just("\\u0041".to_string()),
                Just("\r\n".to_string()),
                Just("\n".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("# not a comment".to_string()),
                Just("[answers.x]".to_string()),
                Just(store::END_MARKER.to_string()),
                "\\PC{0,5}",
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_round_trips(
        answer_text in any_text(),
        choices in proptest::collection::vec(any_text(), 0..4),
        notes in any_text(),
        id in any_text(),
        name in any_text(),
        description in any_text(),
    ) {
        let mut a = assessment(2, "p");
        a.system.name = name;
        a.system.description = description;
        a.answers.insert(id.clone(), AnswerRecord {
            value: Some(StoredValue::One(answer_text)),
            notes,
            ..answer(0, "p")
        });
        a.answers.insert(format!("{id}-many"), AnswerRecord {
            value: Some(StoredValue::Many(choices)),
            ..answer(1, "p")
        });
        let text = format::encode(&a).expect("encoded");
        let decoded = format::decode(Path::new("p.secassess.toml"), &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert!(decoded.complete);
        prop_assert_eq!(decoded.assessment, a);
    }
}

/// Writes the seed files for the fuzzer (`fuzz/seeds/`) when asked to with
/// SECASSESS_WRITE_FUZZ_SEEDS=DIR; does nothing otherwise.
#[test]
fn write_fuzz_seeds_when_asked() {
    let Some(dir) = std::env::var_os("SECASSESS_WRITE_FUZZ_SEEDS") else {
        return;
    };
    let dir = Path::new(&dir);
    for (name, a) in [
        ("rich", rich_assessment()),
        ("small", assessment(4, "seed")),
    ] {
        let text = format::encode(&a).expect("encoded");
        std::fs::write(dir.join(format!("{name}.secassess.toml")), text).expect("written");
    }
}
