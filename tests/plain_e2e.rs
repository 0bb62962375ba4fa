//! Plain mode through the real binary over pipes, as a screen reader or a script uses
//! it: no terminal, so `secassess` picks plain mode by itself; answers given on stdin are
//! saved one by one, and the end of input is a clean stop.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn secassess(home: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(args)
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"))
        .env_remove("SECASSESS_NAME")
        .env_remove("SECASSESS_EMAIL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secassess starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("secassess ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn answers_over_a_pipe_are_saved_and_announce_obligations() {
    let home = tempfile::tempdir().expect("temp dir");
    let created = secassess(
        home.path(),
        &["--as", "Ann Lead <ann@example.org>", "new", "Ward rota"],
        "",
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let file = home.path().join("data").join("ward-rota.secassess.toml");
    let file_text = file.display().to_string();

    let run = secassess(
        home.path(),
        &["--as", "Ann Lead <ann@example.org>", "open", &file_text],
        "2\nyes\ndont-know\n",
    );
    let out = text(&run.stdout);
    assert!(run.status.success(), "{out}\n{}", text(&run.stderr));
    assert!(
        out.contains("Now applies: Have the system penetration tested (MUST) because effective classification is OFFICIAL-SENSITIVE"),
        "{out}"
    );
    assert!(out.contains("Question 4 of"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "plain mode writes no escape sequences"
    );
    let saved = std::fs::read_to_string(&file).expect("saved");
    assert!(saved.contains("official-sensitive"), "{saved}");
    assert!(saved.contains("dont_know = true"), "{saved}");
    assert!(!file.with_extension("toml.lock").exists(), "lock released");
}

#[test]
fn no_arguments_over_a_pipe_lists_asks_identity_and_creates() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = secassess(
        home.path(),
        &[],
        "Ann Lead\nProject lead\nann@example.org\nn\nWard rota\nRota for wards\n1\n",
    );
    let out = text(&run.stdout);
    assert!(run.status.success(), "{out}\n{}", text(&run.stderr));
    assert!(out.contains("No assessments in"), "{out}");
    let saved = std::fs::read_to_string(home.path().join("data").join("ward-rota.secassess.toml"))
        .expect("created");
    assert!(saved.contains("Rota for wards"), "{saved}");
    assert!(saved.contains("value = \"official\""), "{saved}");
    let identity = std::fs::read_to_string(home.path().join("config").join("identity.toml"))
        .expect("identity saved");
    assert!(identity.contains("ann@example.org"), "{identity}");
}
