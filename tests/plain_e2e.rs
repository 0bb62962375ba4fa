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

/// Ctrl-C, SIGTERM or a closed terminal while plain mode or `review` waits for a line
/// used to end the process with `FILE.lock` left behind, so the next run had to take it
/// over. Now the lock goes with the process, which still ends by that signal.
#[cfg(unix)]
#[test]
fn a_signal_while_waiting_for_a_line_releases_the_lock() {
    use std::os::unix::process::ExitStatusExt;
    use std::time::Duration;

    for (signal, args) in [
        (libc::SIGINT, &["open"][..]),
        (libc::SIGTERM, &["open"][..]),
        (libc::SIGHUP, &["review"][..]),
    ] {
        let home = tempfile::tempdir().expect("temp dir");
        let created = secassess(
            home.path(),
            &["--as", "Ann Lead <ann@example.org>", "new", "Ward rota"],
            "",
        );
        assert!(created.status.success(), "{}", text(&created.stderr));
        let file = home.path().join("data").join("ward-rota.secassess.toml");
        let lock = file.with_extension("toml.lock");
        let file_text = file.display().to_string();
        // An answer, so `review` has something to wait on.
        let answered = secassess(
            home.path(),
            &[
                "--as",
                "Ann Lead <ann@example.org>",
                "answer",
                &file_text,
                "--set",
                "classification=official",
            ],
            "",
        );
        assert!(answered.status.success(), "{}", text(&answered.stderr));

        let who = if args[0] == "review" {
            "Ivy Reviewer <ivy@example.org>"
        } else {
            "Ann Lead <ann@example.org>"
        };
        // stdin stays open and empty: the command waits for a line, holding the lock.
        let mut child = Command::new(env!("CARGO_BIN_EXE_secassess"))
            .args(["--as", who, args[0], &file_text])
            .env("SECASSESS_DATA_DIR", home.path().join("data"))
            .env("SECASSESS_CONFIG_DIR", home.path().join("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("secassess starts");
        // Wait for the question on stdout: by then the lock is taken and recorded as
        // held (the file alone can exist a moment before that).
        let mut stdout = child.stdout.take().expect("stdout piped");
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let marker = if args[0] == "review" {
            "Answer 1 of"
        } else {
            "Question "
        };
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut buffer = [0_u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buffer) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buffer[..n]);
                if String::from_utf8_lossy(&seen).contains(marker) {
                    let _ = seen_tx.send(());
                }
            }
        });
        assert!(
            seen_rx.recv_timeout(Duration::from_secs(30)).is_ok(),
            "{} never asked its first question",
            args[0]
        );
        assert!(lock.exists(), "{}: the lock is held while asking", args[0]);
        let pid = i32::try_from(child.id()).expect("pid fits");
        // SAFETY: sends a signal to the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "signal sent");
        // `Child::wait` closes stdin first, and the end of input is a clean stop of its
        // own: keep stdin open until the signal has ended the process.
        let stdin = child.stdin.take();
        let status = child.wait().expect("secassess ends");
        drop(stdin);
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        assert_eq!(
            status.signal(),
            Some(signal),
            "{}: ended by the signal: {status}; stderr: {stderr}",
            args[0]
        );
        assert!(
            !lock.exists(),
            "{}: lock released on signal {signal}; stderr: {stderr}",
            args[0]
        );
        // The walkthrough may have saved where it is; the file is whole either way.
        let after = std::fs::read_to_string(&file).expect("still there");
        assert!(
            after.ends_with("# end of secassess assessment\n"),
            "{}: the file is whole",
            args[0]
        );
    }
}
