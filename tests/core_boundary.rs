//! The core crate stays pure: `cargo tree -p secassess-core` (normal edges, so neither
//! dev-dependencies nor build tools count) holds none of the shell's crates: no terminal
//! (ratatui, crossterm), no PDF writer (printpdf, lopdf), no OS paths or calls
//! (directories, libc; libc only through getrandom, the OS random source of the signature
//! crates), no command line (clap), no parallel folder walk (rayon, walkdir).
//! Adding one to `crates/secassess-core/Cargo.toml`, directly or through another crate,
//! fails this test, and so does turning on chrono's `clock` feature there; the message
//! says how the crate or feature gets in and what to do instead.
//!
//! Both read the manifests (`cargo tree`). That the core's code compiles without the
//! clock is a build, not a test: `.ci/run` runs `cargo check -p secassess-core --lib`, the
//! one build where chrono's features are not unified with the shell's `clock`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

const SHELL_CRATES: &[&str] = &[
    "ratatui",
    "crossterm",
    "printpdf",
    "lopdf",
    "directories",
    "clap",
    "libc",
    "rayon",
    "walkdir",
];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string())
}

/// The crate names in the core's normal dependency graph for `target`.
fn core_dependencies(target: &str) -> BTreeSet<String> {
    let run = |offline: bool| {
        let mut command = Command::new(cargo());
        command
            .arg("tree")
            .arg("--manifest-path")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .args(["-p", "secassess-core", "--locked", "-e", "normal"])
            .args(["--prefix", "none", "--format", "{p}", "--target", target])
            .stdin(Stdio::null());
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo runs")
    };
    let mut output = run(true);
    if !output.status.success() {
        output = run(false);
    }
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// How `name` gets into the core's normal dependency graph for `target`: the inverted
/// tree (`cargo tree -i`), from `name` up to `secassess-core`, for a failure message.
/// For libc the allowed path through getrandom is left out, so what is shown is what to
/// remove.
fn how_it_gets_in(name: &str, target: &str) -> String {
    let mut command = Command::new(cargo());
    command
        .arg("tree")
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args(["-p", "secassess-core", "--locked", "--offline"])
        .args(["-e", "normal", "-i", name, "--target", target])
        .stdin(Stdio::null());
    if name == "libc" {
        for getrandom in getrandom_using_libc(target) {
            command.args(["--prune", &getrandom]);
        }
    }
    let output = command.output().expect("cargo runs");
    let text = if output.status.success() {
        output.stdout
    } else {
        output.stderr
    };
    String::from_utf8_lossy(&text).into_owned()
}

/// The getrandom versions in the core's graph that use libc directly, as package specs
/// (`getrandom@0.2.17`): the allowed path, left out of a failure message.
fn getrandom_using_libc(target: &str) -> Vec<String> {
    let output = Command::new(cargo())
        .arg("tree")
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args(["-p", "secassess-core", "--locked", "--offline"])
        .args(["-e", "normal", "-i", "libc", "--depth", "1"])
        .args(["--prefix", "depth", "--format", "{p}", "--target", target])
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("1getrandom v"))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(|version| format!("getrandom@{version}"))
        .collect()
}

/// Whether the only crate in the core's graph that uses libc is getrandom: the OS random
/// source of the signature crates (ssh-key, rsa), which the core never calls itself. Any
/// other path to libc (the core's own, or a new crate's) is a shell dependency.
fn libc_only_through_getrandom(target: &str) -> bool {
    let output = Command::new(cargo())
        .arg("tree")
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args([
            "-p",
            "secassess-core",
            "--locked",
            "--offline",
            "-e",
            "normal",
        ])
        .args([
            "-i", "libc", "--depth", "1", "--prefix", "depth", "--format", "{p}",
        ])
        .args(["--target", target])
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let users: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix('1'))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    output.status.success() && users == ["getrandom"]
}

#[test]
fn the_core_crate_depends_on_no_shell_crate() {
    for target in ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-gnu"] {
        let names = core_dependencies(target);
        assert!(
            names.contains("secassess-core") && names.contains("serde"),
            "cargo tree did not list the core's dependencies for {target}: {names:?}"
        );
        let shell: Vec<&str> = SHELL_CRATES
            .iter()
            .copied()
            .filter(|c| names.contains(*c))
            .filter(|c| *c != "libc" || !libc_only_through_getrandom(target))
            .collect();
        let paths: Vec<String> = shell
            .iter()
            .map(|c| format!("{c}:\n{}", how_it_gets_in(c, target)))
            .collect();
        assert!(
            shell.is_empty(),
            "secassess-core depends on shell crates {shell:?} for {target}.\n\
             The core stays free of the terminal, PDF writing, OS calls, the command line and \
             folder walks (ARCHITECTURE.md), so another front end or a pipeline can use it \
             without them (libc is allowed only through getrandom, the signature crates' \
             random source).\n\
             To fix: remove the dependency from crates/secassess-core/Cargo.toml, or the \
             dependency that brings it in (the path is shown below, from the crate up to \
             secassess-core). Do the work that needs it in the secassess crate (src/) and \
             hand the core the result, as the shell hands it the date, the decoded file and \
             the evidence files it read.\n\n\
             How each gets in (cargo tree -p secassess-core -e normal -i CRATE --target {target}; \
             for libc, --prune getrandom):\n{}",
            paths.join("\n")
        );
    }
}

#[test]
fn the_core_crate_does_not_read_the_clock() {
    // chrono's `now` feature is what gives `Utc::now`, and `clock` (which turns `now` on)
    // `Local::now` too; the core is given the time.
    let output = Command::new(cargo())
        .arg("tree")
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args([
            "-p",
            "secassess-core",
            "--locked",
            "--offline",
            "-e",
            "normal,features",
        ])
        .args(["-i", "chrono"])
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("chrono"), "no chrono in: {text}");
    let clock: Vec<&str> = ["clock", "now"]
        .into_iter()
        .filter(|feature| text.contains(&format!("chrono feature \"{feature}\"")))
        .collect();
    assert!(
        clock.is_empty(),
        "secassess-core turns on chrono feature(s) {clock:?}, which give it `Utc::now` \
         (`now`) and `Local::now` (`clock`); the core is given the time instead.\n\
         To fix: take \"clock\" and \"now\" out of chrono's features in \
         crates/secassess-core/Cargo.toml (keep default-features = false), or out of the \
         dependency that turns them on (below). Read the clock in the secassess crate \
         (src/) and pass the time in (`now: DateTime<Utc>`, `today: NaiveDate`). The \
         core's own tests may read the clock: its [dev-dependencies] turn `clock` on, and \
         that does not count here.\n\n\
         Which crate turns on which chrono feature (cargo tree -p secassess-core -e \
         normal,features -i chrono):\n{text}"
    );
}
