//! The core crate stays pure: `cargo tree -p secassess-core` (normal edges, so neither
//! dev-dependencies nor build tools count) holds none of the shell's crates: no terminal
//! (ratatui, crossterm), no PDF writer (printpdf, lopdf), no OS paths or calls
//! (directories, libc; libc only through getrandom, the OS random source of the signature
//! crates), no command line (clap), no parallel folder walk (rayon, walkdir).
//! Adding one to `crates/secassess-core/Cargo.toml`, directly or through another crate,
//! fails this test.

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
        assert!(
            shell.is_empty(),
            "secassess-core depends on shell crates {shell:?} for {target}; \
             keep them in the secassess crate (see ARCHITECTURE.md)"
        );
    }
}

#[test]
fn the_core_crate_does_not_read_the_clock() {
    // chrono's `clock` feature is what gives `Utc::now`; the core is given the time.
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
        .args(["-i", "chrono", "--prefix", "none"])
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
    assert!(
        !text.contains("chrono feature \"clock\""),
        "secassess-core turns on chrono's clock feature:\n{text}"
    );
}
