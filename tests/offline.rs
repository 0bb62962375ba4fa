//! Proof that secassess works offline, in two parts:
//!
//! 1. **What is linked in.** The crates that end up in the binary (normal and build
//!    dependencies, for Linux and for the Windows target we ship) contain no networking
//!    client, server, TLS stack, DNS resolver or async network runtime. See [`DENIED`] for
//!    the list and the reason for each entry.
//! 2. **What it does.** The real binary runs, step by step, inside a network namespace
//!    that has no network at all (`unshare -n`: only a loopback interface, which is down),
//!    and every step still succeeds with the expected output. See [`steps`]: add a step
//!    there when a new command (assessment, export, ...) lands; [`signing_steps`] sign
//!    with an SSH key and check it.
//!
//! Neither part alone is a proof: the standard library can open sockets without any
//! crate, so part 1 cannot see a stray `std::net` call, and part 2 only exercises the
//! paths it runs. Together they make an accidental network dependency very hard to miss.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ---------------------------------------------------------------------------------------
// Part 1: no networking crates in the dependency graph
// ---------------------------------------------------------------------------------------

/// How a deny-list entry matches a crate name.
#[derive(Clone, Copy)]
enum Match {
    /// The crate name exactly.
    Exact(&'static str),
    /// The name itself, or the name followed by `-` or `_` and anything: `hyper` matches
    /// `hyper`, `hyper-util` and `hyper_rustls`, but not `hyperloglog`.
    Family(&'static str),
}

impl Match {
    fn matches(self, name: &str) -> bool {
        match self {
            Match::Exact(n) => name == n,
            Match::Family(n) => {
                name == n
                    || name
                        .strip_prefix(n)
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
            }
        }
    }

    fn pattern(self) -> String {
        match self {
            Match::Exact(n) => n.to_string(),
            Match::Family(n) => format!("{n}, {n}-*"),
        }
    }
}

/// Crates that must never be in the shipped binary, each with the reason.
///
/// The rule: deny what exists to talk over a network (clients, servers, protocol stacks,
/// TLS, DNS, async network runtimes). Do not deny general-purpose crates that merely sit
/// near networking, because that makes the list noisy and gets it switched off:
///
/// - `mio` is allowed. It is an I/O event loop (epoll/kqueue/IOCP), not a network client;
///   crossterm uses it on Unix to wait for terminal input and resize signals. Whether a
///   network connection is ever made is proven by part 2, not by banning the event loop.
/// - `http`, `url`, `percent-encoding`, `idna` are allowed: they are data types and
///   parsers (we show links to the standards in the text) and open no connection.
/// - `libc`, `windows-sys`, `windows` are allowed: every program needs the OS API, which
///   includes sockets; again part 2 is what shows sockets are not used.
const DENIED: &[(Match, &str)] = &[
    // HTTP clients.
    (
        Match::Family("reqwest"),
        "HTTP client (reqwest and its middleware crates)",
    ),
    (Match::Family("ureq"), "HTTP client"),
    (
        Match::Family("curl"),
        "HTTP client (libcurl bindings; covers curl-sys)",
    ),
    (Match::Family("isahc"), "HTTP client"),
    (Match::Family("surf"), "HTTP client"),
    (Match::Family("attohttpc"), "HTTP client"),
    (Match::Exact("minreq"), "HTTP client"),
    (Match::Exact("awc"), "HTTP client (actix)"),
    (Match::Exact("ehttp"), "HTTP client"),
    // HTTP protocol stacks and servers: an offline tool neither calls nor listens.
    (
        Match::Family("hyper"),
        "HTTP protocol stack (covers hyper-util, hyper-tls, hyper-rustls)",
    ),
    (Match::Exact("h2"), "HTTP/2 protocol stack"),
    (Match::Exact("h3"), "HTTP/3 protocol stack"),
    (Match::Family("quinn"), "QUIC protocol stack"),
    (
        Match::Family("actix"),
        "network server framework (actix-web, actix-rt, ...)",
    ),
    (Match::Family("axum"), "HTTP server framework"),
    (Match::Exact("warp"), "HTTP server framework"),
    (Match::Exact("rocket"), "HTTP server framework"),
    (Match::Exact("tide"), "HTTP server framework"),
    (Match::Exact("tiny_http"), "HTTP server"),
    (Match::Family("tungstenite"), "WebSocket client/server"),
    (
        Match::Family("tokio-tungstenite"),
        "WebSocket client/server",
    ),
    // Async network runtimes. tokio is denied outright, not only with its `net` feature:
    // a terminal tool has no use for an async runtime, and a feature-based rule would
    // silently pass the day another crate switched `net` on through feature unification.
    (
        Match::Family("tokio"),
        "async runtime with networking (covers tokio-util, tokio-rustls, ...)",
    ),
    (Match::Family("async-std"), "async runtime with networking"),
    (Match::Exact("async-net"), "async TCP/UDP"),
    (
        Match::Exact("smol"),
        "async runtime that re-exports async-net",
    ),
    (
        Match::Exact("socket2"),
        "socket construction; only networking code needs it",
    ),
    // TLS: nothing to encrypt a connection for when there are no connections.
    (
        Match::Family("openssl"),
        "TLS library bindings (covers openssl-sys)",
    ),
    (
        Match::Family("native-tls"),
        "TLS wrapper over the platform's TLS",
    ),
    (
        Match::Family("rustls"),
        "TLS implementation (covers rustls-webpki, rustls-native-certs)",
    ),
    (
        Match::Family("webpki"),
        "TLS certificate verification (covers webpki-roots)",
    ),
    (Match::Exact("schannel"), "Windows TLS (SChannel) bindings"),
    (
        Match::Exact("security-framework"),
        "macOS TLS and keychain bindings",
    ),
    // DNS.
    (Match::Family("trust-dns"), "DNS resolver"),
    (Match::Family("hickory"), "DNS resolver"),
    (Match::Exact("c-ares"), "DNS resolver"),
    // Other network protocols.
    (Match::Family("ssh2"), "SSH client"),
    (Match::Exact("libssh2-sys"), "SSH client"),
    (Match::Exact("russh"), "SSH client"),
    (Match::Exact("lettre"), "email (SMTP) client"),
    (
        Match::Exact("git2"),
        "libgit2 bindings, which fetch over HTTPS and SSH",
    ),
    (
        Match::Exact("libgit2-sys"),
        "libgit2 bindings, which fetch over HTTPS and SSH",
    ),
    // Telemetry and crash reporting send data off the machine by design.
    (Match::Family("sentry"), "crash reporting that uploads"),
    (Match::Exact("opentelemetry-otlp"), "telemetry exporter"),
];

fn denial(name: &str) -> Option<(Match, &'static str)> {
    DENIED
        .iter()
        .find(|(m, _)| m.matches(name))
        .map(|&(m, why)| (m, why))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string())
}

fn manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")
}

/// Runs `cargo tree` for the shipped dependency graph (normal and build edges, so neither
/// dev-dependencies nor benches count) for one target, returning the crate names.
///
/// Tries `--offline` first, so the test works on a machine without a registry once the
/// crates are downloaded, and then online, because the crates for the other target may not
/// be downloaded yet on a fresh machine.
fn dependency_names(target: &str) -> BTreeSet<String> {
    let run = |offline: bool| {
        let mut command = Command::new(cargo());
        command
            .arg("tree")
            .arg("--manifest-path")
            .arg(manifest())
            .args(["--locked", "--edges", "normal,build", "--prefix", "none"])
            .args(["--format", "{p}", "--target", target])
            .stdin(Stdio::null());
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo tree could not be started")
    };
    let mut output = run(true);
    if !output.status.success() {
        output = run(false);
    }
    assert!(
        output.status.success(),
        "cargo tree --target {target} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Lines look like `serde v1.0.228`, `secassess v0.1.0 (/path)` or `libc v0.2.1 (*)`.
    stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

fn host_target() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc -vV could not be started");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV printed no host line")
        .trim()
        .to_string()
}

#[test]
fn deny_list_matches_what_it_should() {
    for denied in [
        "reqwest",
        "reqwest-middleware",
        "hyper",
        "hyper-util",
        "hyper_rustls",
        "tokio",
        "tokio-util",
        "curl-sys",
        "openssl-sys",
        "rustls-webpki",
        "hickory-resolver",
        "trust-dns-proto",
        "h2",
        "socket2",
    ] {
        assert!(denial(denied).is_some(), "{denied} should be denied");
    }
    for allowed in [
        "mio",
        "http",
        "url",
        "libc",
        "windows-sys",
        "hyperloglog",
        "h2o",
        "serde",
        "crossterm",
    ] {
        assert!(denial(allowed).is_none(), "{allowed} should be allowed");
    }
}

#[test]
fn no_networking_crates_in_the_shipped_binary() {
    let host = host_target();
    let mut targets = vec![host.clone()];
    if host != "x86_64-pc-windows-gnu" {
        // The target the Windows build ships for; `cargo tree` only needs the target's
        // cfg values for this, not the target's standard library.
        targets.push("x86_64-pc-windows-gnu".to_string());
    }
    let mut problems = Vec::new();
    for target in &targets {
        let names = dependency_names(target);
        // Guard against a silently empty or misparsed listing passing the test.
        for expected in ["secassess", "serde", "toml"] {
            assert!(
                names.contains(expected),
                "cargo tree --target {target} did not list {expected}; is its output format \
                 still `name vX.Y.Z`? Got: {names:?}"
            );
        }
        for name in &names {
            if let Some((pattern, why)) = denial(name) {
                problems.push(format!(
                    "{target}: {name} is a networking crate ({why}; denied as {})",
                    pattern.pattern()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "secassess must work offline and ship no networking code, but:\n  {}\n\
         Run `cargo tree -e normal,build -i CRATE --target TARGET` to see what pulls it in, \
         and turn off the feature or drop the dependency.",
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------
// Part 2: the binary works with no network
// ---------------------------------------------------------------------------------------

/// What one step's run produced.
struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// One command the offline run performs, and what its output must show.
struct Step {
    name: &'static str,
    args: Vec<String>,
    check: fn(&Run),
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The commands run without a network, in order. Each runs in the same scratch folder
/// (the working directory, and HOME for anything kept per user), so a later step can use
/// a file an earlier one wrote. Add steps here as commands land.
fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "validate the built-in questionnaires",
            args: args(&["validate"]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                assert!(
                    run.stdout.starts_with("OK: "),
                    "validate should start with OK: {}",
                    run.stdout
                );
                assert!(run.stdout.contains("questions"), "{}", run.stdout);
            },
        },
        Step {
            name: "obligations for an OFFICIAL system with personal data, as JSON",
            args: args(&[
                "obligations",
                "--set",
                "classification=official",
                "--set",
                "personal_data=yes",
                "--format",
                "json",
            ]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                let json: serde_json::Value = serde_json::from_str(&run.stdout)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
                let ec = &json["effective_classification"];
                assert_eq!(ec["declared"], "official", "{ec}");
                assert!(ec["value"].is_string(), "classification not settled: {ec}");
                let obligations = json["obligations"]
                    .as_array()
                    .unwrap_or_else(|| panic!("no obligations array: {json}"));
                assert!(!obligations.is_empty(), "no obligations at all");
                for o in obligations {
                    let status = o["status"].as_str().unwrap_or_default();
                    assert!(
                        ["met", "not-met", "unknown", "not-applicable"].contains(&status),
                        "odd status in {o}"
                    );
                    assert!(o["id"].is_string(), "obligation without an id: {o}");
                }
            },
        },
        Step {
            name: "start an assessment in the scratch folder",
            args: args(&[
                "new",
                "Offline portal",
                "--output",
                "offline.secassess.toml",
                "--as",
                "Ann Lead <ann@example.nhs.uk>",
            ]),
            check: |run| assert_eq!(run.code, Some(0), "stderr: {}", run.stderr),
        },
        Step {
            name: "export its evidence pack in every format",
            args: args(&[
                "export",
                "offline.secassess.toml",
                "--pdf",
                "pack.pdf",
                "--markdown",
                "pack.md",
                "--json",
                "pack.json",
                "--csv",
                "pack.csv",
            ]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                assert!(run.stdout.contains("pack.pdf"), "{}", run.stdout);
                assert!(run.stdout.contains("pack-findings.csv"), "{}", run.stdout);
            },
        },
        Step {
            name: "list the folder as a portfolio, with the HTML and PDF registers",
            args: args(&[
                "portfolio",
                ".",
                "--format",
                "json",
                "--html",
                "register.html",
                "--pdf",
                "register.pdf",
            ]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                let json: serde_json::Value = serde_json::from_str(
                    run.stdout
                        .lines()
                        .take_while(|l| *l != "}")
                        .chain(["}"])
                        .collect::<Vec<_>>()
                        .join("\n")
                        .as_str(),
                )
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
                assert_eq!(json["found"], 1, "{json}");
                assert!(run.stdout.contains("register.pdf"), "{}", run.stdout);
            },
        },
    ]
}

/// Signing, offline: the business owner records and signs her own risk acceptance with
/// the key in `~/.ssh` (made by ssh-keygen before the run, not encrypted, so standard
/// input is not read), and `verify` checks it against an allowed-signers file. Nothing
/// about SSH signatures needs a network: no key server, no certificate status check.
fn signing_steps() -> Vec<Step> {
    vec![
        Step {
            name: "raise a finding",
            args: args(&[
                "finding",
                "add",
                "offline.secassess.toml",
                "--title",
                "Supplier desk resets passwords by phone",
                "--as",
                "Ann Lead <ann@example.nhs.uk>",
            ]),
            check: |run| assert_eq!(run.code, Some(0), "stderr: {}", run.stderr),
        },
        Step {
            name: "the business owner accepts the risk, signed with her SSH key",
            args: args(&[
                "finding",
                "accept",
                "offline.secassess.toml",
                "F-001",
                "--by",
                "Pat Owner <pat@example.nhs.uk>",
                "--role",
                "Business owner",
                "--rationale",
                "Call-back before any reset",
                "--review",
                "2099-01-01",
                "--as",
                "Pat Owner <pat@example.nhs.uk>",
            ]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                assert!(
                    run.stdout
                        .contains("Signature: risk acceptance: signed by pat@example.nhs.uk"),
                    "{}",
                    run.stdout
                );
            },
        },
        Step {
            name: "verify the signature against an allowed-signers file",
            args: args(&[
                "verify",
                "offline.secassess.toml",
                "--allowed-signers",
                "allowed_signers",
            ]),
            check: |run| {
                assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
                assert!(
                    run.stdout.contains(
                        "risk acceptance on F-001 by Pat Owner <pat@example.nhs.uk>: signed by pat@example.nhs.uk with key SHA256:"
                    ) && run.stdout.contains(", trusted"),
                    "{}",
                    run.stdout
                );
            },
        },
    ]
}

/// Pat's key where OpenSSH keeps it in `home`, and an allowed-signers file listing it;
/// false when ssh-keygen is not installed (CI installs it).
fn pat_key(home: &Path) -> bool {
    let ssh = home.join(".ssh");
    std::fs::create_dir_all(&ssh).expect("made .ssh");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "pat", "-f"])
        .arg(ssh.join("id_ed25519"))
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        return false;
    }
    let public = std::fs::read_to_string(ssh.join("id_ed25519.pub")).expect("public key");
    std::fs::write(
        home.join("allowed_signers"),
        format!("pat@example.nhs.uk namespaces=\"secassess\" {public}"),
    )
    .expect("allowed signers written");
    true
}

/// A way to run a command with no network, or why there is none here.
fn isolation() -> Result<Vec<&'static str>, String> {
    let works = |prefix: &[&str]| {
        Command::new(prefix[0])
            .args(&prefix[1..])
            .args(["cat", "/proc/net/dev"])
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    // As root, a plain network namespace; otherwise map ourselves to root in a new user
    // namespace first, which unprivileged users may do on most Linux systems.
    let candidates: [&[&str]; 2] = [&["unshare", "-n"], &["unshare", "-r", "-n"]];
    let mut last = String::from("unshare was not found (it is in util-linux)");
    for prefix in candidates {
        match works(prefix) {
            Some(output) => {
                // Prove the namespace really has no way out: the only interface is lo.
                let devices = String::from_utf8_lossy(&output.stdout);
                let interfaces: Vec<&str> = devices
                    .lines()
                    .skip(2)
                    .filter_map(|l| l.split(':').next())
                    .map(str::trim)
                    .collect();
                assert_eq!(
                    interfaces,
                    ["lo"],
                    "`{}` left network interfaces in place",
                    prefix.join(" ")
                );
                return Ok(prefix.to_vec());
            }
            None => {
                if Command::new("unshare").arg("--version").output().is_ok() {
                    last = format!("`{} true` is not permitted here", prefix.join(" "));
                }
            }
        }
    }
    Err(last)
}

fn run_offline(prefix: &[&str], dir: &Path, args: &[String]) -> Run {
    let output: Output = Command::new(prefix[0])
        .args(&prefix[1..])
        .arg(env!("CARGO_BIN_EXE_secassess"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env("XDG_DATA_HOME", dir.join(".local/share"))
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .stdin(Stdio::null())
        .output()
        .expect("could not start the binary under unshare");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code(),
    }
}

#[test]
fn runs_with_no_network() {
    if !cfg!(target_os = "linux") {
        eprintln!("SKIPPED runs_with_no_network: network namespaces are Linux only");
        return;
    }
    let prefix = match isolation() {
        Ok(prefix) => prefix,
        Err(reason) => {
            eprintln!("SKIPPED runs_with_no_network: {reason}");
            println!("SKIPPED runs_with_no_network: {reason}");
            return;
        }
    };
    let scratch = tempfile::tempdir().expect("no scratch folder");
    let mut all = steps();
    if pat_key(scratch.path()) {
        all.extend(signing_steps());
    } else {
        eprintln!("ssh-keygen is not installed: the signing steps are skipped");
    }
    for step in all {
        let run = run_offline(&prefix, scratch.path(), &step.args);
        eprintln!(
            "offline step '{}': secassess {} -> exit {:?}",
            step.name,
            step.args.join(" "),
            run.code
        );
        let result = std::panic::catch_unwind(|| (step.check)(&run));
        if result.is_err() {
            panic!(
                "offline step '{}' (secassess {}) failed its check; stdout:\n{}\nstderr:\n{}",
                step.name,
                step.args.join(" "),
                run.stdout,
                run.stderr
            );
        }
    }
}
