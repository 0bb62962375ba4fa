//! The `validate`, `questions` and `obligations` commands as a user runs them: output,
//! exit codes, and errors that name file, line and column.

use std::path::Path;
use std::process::{Command, Output};

fn secassess(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(args)
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .output()
        .expect("the secassess binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn obligations_what_if_json_shows_iams_and_pen_test_with_cited_reasons() {
    let output = secassess(&[
        "obligations",
        "--set",
        "classification=official",
        "--set",
        "personal_data=yes",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(
        json["effective_classification"]["value"],
        "official-sensitive"
    );
    let obligations = json["obligations"].as_array().expect("a list");
    for id in ["iams-registration", "penetration-test"] {
        let o = obligations
            .iter()
            .find(|o| o["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(o["applies"], "true", "{id}: {o}");
        assert_ne!(o["status"], "not-applicable", "{id}");
        assert_eq!(o["level"], "MUST");
        let reasons: Vec<&str> = o["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|r| r.as_str())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("OFFICIAL-SENSITIVE because it handles personal data")),
            "{id}: {reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.starts_with("Required by ")),
            "{id}: {reasons:?}"
        );
        let source = &o["sources"][0];
        assert!(source["quote"].as_str().is_some_and(|q| !q.is_empty()));
        assert!(source["last_updated"]
            .as_str()
            .is_some_and(|d| d.starts_with("20")));
        assert!(o["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn obligations_text_output_groups_by_status() {
    let output = secassess(&["obligations", "--set", "internet_accessible=yes"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("penetration-test"), "{text}");
    assert!(text.contains("Summary:"), "{text}");
}

#[test]
fn unknown_id_or_bad_value_in_set_is_exit_code_2_with_a_clear_message() {
    let output = secassess(&["obligations", "--set", "classificaton=official"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("there is no question 'classificaton'"),
        "{err}"
    );
    assert!(err.contains("secassess questions"), "{err}");

    let output = secassess(&["obligations", "--set", "classification=restricted"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("'restricted' is not a valid answer to 'classification'"),
        "{err}"
    );
    assert!(err.contains("official-sensitive"), "{err}");

    let output = secassess(&["obligations", "--set", "classification"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("ID=VALUE"));
}

#[test]
fn validate_accepts_the_built_in_questionnaires() {
    let output = secassess(&["validate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("OK: "));
}

#[test]
fn validate_the_repository_folder_gives_the_same_content() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    let output = secassess(&["validate", dir.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write test file");
}

const EXTRA: &str = r#"[questionnaire]
id = "extra"
version = "1"
title = "Extra"
order = 90

[[sections]]
id = "x"
title = "X"

[[questions]]
id = "extra_q"
section = "x"
kind = "yes-no"
prompt = "p"
help = "h"
who_can_answer = "w"
when_yes = "y"
when_no = "n"
ask_if = "personal_data == maybe"
"#;

#[test]
fn validate_reports_file_line_column_for_each_problem_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "extra.toml", EXTRA);
    write(dir.path(), "broken.toml", "[questionnaire\nid = 1\n");
    let output = secassess(&["validate", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let extra = dir.path().join("extra.toml").display().to_string();
    // `ask_if = "` is 10 characters; the value starts at column 11, 'maybe' 17 later.
    assert!(
        err.contains(&format!("{extra}:20:28: 'personal_data' is a yes-no question; compare it with yes or no, not 'maybe'")),
        "{err}"
    );
    let broken = dir.path().join("broken.toml").display().to_string();
    assert!(err.contains(&format!("{broken}:1:")), "{err}");
    assert!(err.contains("2 problems"), "{err}");
}

#[test]
fn user_folder_adds_questions_that_use_built_in_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "extra.toml", &EXTRA.replace("maybe", "yes"));
    let path = dir.path().to_str().expect("utf-8");
    let output = secassess(&["--questionnaires", path, "questions", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let ids: Vec<&str> = json["questionnaires"]
        .as_array()
        .expect("list")
        .iter()
        .map(|q| q["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids.first(), Some(&"profile"));
    assert_eq!(ids.last(), Some(&"extra"));
}

#[test]
fn cycles_duplicates_and_huge_files_are_errors_not_crashes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cycle = EXTRA.replace("personal_data == maybe", "extra_q == yes");
    write(dir.path(), "extra.toml", &cycle);
    let output = secassess(&["validate", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("circular condition: extra_q -> extra_q"),
        "{}",
        stderr(&output)
    );

    let duplicate = EXTRA
        .replace("extra_q", "classification")
        .replace("personal_data == maybe", "always");
    write(dir.path(), "extra.toml", &duplicate);
    let output = secassess(&["validate", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("duplicate question id 'classification'"),
        "{}",
        stderr(&output)
    );

    std::fs::remove_file(dir.path().join("extra.toml")).expect("remove");
    write(dir.path(), "huge.toml", &"# padding\n".repeat(200_000));
    let output = secassess(&["validate", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("limited to"),
        "{}",
        stderr(&output)
    );

    std::fs::remove_file(dir.path().join("huge.toml")).expect("remove");
    write(
        dir.path(),
        "deep.toml",
        &format!("a = {}{}", "[".repeat(50_000), "]".repeat(50_000)),
    );
    let output = secassess(&["validate", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("nest more than"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn missing_folder_is_a_clear_error() {
    let output = secassess(&["validate", "/nonexistent/secassess-questionnaires"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read the questionnaire directory"),
        "{}",
        stderr(&output)
    );
}

/// `secassess questions | head -1`: a reader that goes away is not an error. Its end of the
/// pipe is closed before secassess starts, so the very first write fails.
#[test]
fn a_closed_output_pipe_ends_quietly_with_exit_0() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .arg("questions")
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .stdout(writer)
        .output()
        .expect("the secassess binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn questions_lists_profile_first_with_options() {
    let output = secassess(&["questions"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("System profile"), "{text}");
    assert!(
        text.contains("official-sensitive (OFFICIAL-SENSITIVE)"),
        "{text}"
    );
}

#[test]
fn section_titles_are_unique_so_the_jump_list_and_headers_tell_them_apart() {
    let catalogue = secassess::questionnaire::load_embedded().expect("content loads");
    let mut seen = std::collections::BTreeMap::new();
    for questionnaire in &catalogue.questionnaires {
        for section in &questionnaire.sections {
            if let Some(other) = seen.insert(section.title.clone(), section.id.clone()) {
                panic!(
                    "sections '{other}' and '{}' are both titled '{}'",
                    section.id, section.title
                );
            }
        }
    }
}
