//! `secassess export` through the real binary: every format from real assessment files
//! (empty, half-done, complete with long and non-Latin texts and 50 findings, signed off,
//! and with an audit entry edited by hand), the PDF read back with lopdf (page count,
//! "Page N of N", the marking on every page), the one-line summary printed after writing,
//! owner-only files, determinism, and refusing to overwrite the assessment.

mod report_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use report_support::*;

fn secassess(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(args)
        .args(["--as", "Test Runner <test@example.nhs.uk>"])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("secassess runs")
}

fn write_sample(dir: &Path, shape: Shape) -> PathBuf {
    let catalogue = catalogue();
    let assessment = sample(&catalogue, shape);
    let path = dir.join("portal.secassess.toml");
    secassess::store::create(&path, &assessment).expect("sample saved");
    path
}

/// Writes the assessment, and its local evidence file as it was attached.
fn write_assessment(dir: &Path, assessment: &secassess::assessment::Assessment) -> PathBuf {
    let evidence = dir.join(PENTEST_PATH);
    std::fs::create_dir_all(evidence.parent().expect("a folder")).expect("folder made");
    std::fs::write(&evidence, PENTEST_REPORT).expect("evidence written");
    let path = dir.join("portal.secassess.toml");
    secassess::store::create(&path, assessment).expect("sample saved");
    path
}

/// Changes the file as a text editor would: `f` gets the text and returns the new one.
fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).expect("readable");
    let edited = f(text.clone());
    assert_ne!(edited, text, "the edit changed something");
    std::fs::write(path, edited).expect("written");
}

fn export_all(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let s = |p: PathBuf| p.to_string_lossy().into_owned();
    let mut args = vec![
        "export".to_string(),
        s(file.to_path_buf()),
        "--pdf".into(),
        s(out.join("pack.pdf")),
        "--markdown".into(),
        s(out.join("pack.md")),
        "--json".into(),
        s(out.join("pack.json")),
        "--csv".into(),
        s(out.join("pack.csv")),
        "--date".into(),
        "2026-07-01".into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    secassess(&refs)
}

/// Text of each page, extracted through the fonts' Unicode maps.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|n| doc.extract_text(&[*n]).expect("text extracts"))
        .collect()
}

fn check_pdf(pdf: &[u8], marking: &str, must_contain: &[&str]) -> usize {
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = page_texts(pdf);
    let n = pages.len();
    assert!(n >= 8, "one page per part at least, got {n}");
    for (i, text) in pages.iter().enumerate() {
        assert!(
            text.contains(&format!("Page {} of {n}", i + 1)),
            "page {} lacks its number: {text}",
            i + 1
        );
        assert!(
            text.matches(marking).count() >= 2,
            "page {} lacks the marking at top and bottom",
            i + 1
        );
        // Level and status words are never broken across lines in the obligations table.
        for line in text.lines() {
            assert!(
                !["UNKNOW", "SHOUL", "NOT M"].contains(&line.trim()),
                "page {} breaks a status or level word: {text}",
                i + 1
            );
        }
    }
    let all = pages.concat();
    for wanted in must_contain {
        assert!(all.contains(wanted), "the PDF lacks {wanted:?}");
    }
    n
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn exports_every_format_of_a_complete_assessment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_sample(dir.path(), COMPLETE);
    let out = export_all(&file, dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "pack.pdf",
        "pack.md",
        "pack.json",
        "pack-obligations.csv",
        "pack-findings.csv",
    ] {
        let path = dir.path().join(name);
        assert!(stdout.contains(&path.display().to_string()), "{stdout}");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600, "{name} is not owner-only");
    }
    // Non-Latin text the font lacks is reported, not silently dropped.
    assert!(String::from_utf8_lossy(&out.stderr).contains("U+674E"));

    let pdf = std::fs::read(dir.path().join("pack.pdf")).expect("pdf");
    let pages = check_pdf(
        &pdf,
        "OFFICIAL-SENSITIVE",
        &[
            "Patient portal – bookings",
            "Zoë Ångström-O’Neill",
            "Findings register",
            "Integrity appendix",
            "Chain verification: INTACT",
            "Привет",
            "£2,400",
        ],
    );
    println!("complete assessment: {pages} pages, {} bytes", pdf.len());
    if let Ok(keep) = std::env::var("SECASSESS_KEEP_EXPORT") {
        let _ = std::fs::copy(dir.path().join("pack.pdf"), keep);
    }

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("pack.json")).expect("json"))
            .expect("the JSON parses");
    assert_eq!(json["marking"], "OFFICIAL-SENSITIVE");
    let sha = json["integrity"]["assessment_sha256"]
        .as_str()
        .unwrap_or_default();
    let file_bytes = std::fs::read(&file).expect("assessment");
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&file_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sha, expected, "the fingerprint is the file's SHA-256");
    let md = std::fs::read_to_string(dir.path().join("pack.md")).expect("md");
    assert!(
        md.starts_with("**OFFICIAL-SENSITIVE**")
            && md.trim_end().ends_with("**OFFICIAL-SENSITIVE**")
    );
}

#[test]
fn empty_and_half_done_assessments_export_with_the_right_marking() {
    for (shape, marking) in [(EMPTY, "OFFICIAL"), (HALF, "OFFICIAL-SENSITIVE")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = write_sample(dir.path(), shape);
        let out = export_all(&file, dir.path(), &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pdf = std::fs::read(dir.path().join("pack.pdf")).expect("pdf");
        check_pdf(
            &pdf,
            marking,
            &["Evidence pack", "Summary", "NOT SIGNED OFF"],
        );
    }
}

#[test]
fn two_exports_of_the_same_file_are_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_sample(dir.path(), HALF);
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).expect("dir");
    std::fs::create_dir_all(&b).expect("dir");
    assert!(export_all(&file, &a, &[]).status.success());
    assert!(export_all(&file, &b, &[]).status.success());
    for name in ["pack.pdf", "pack.md", "pack.json", "pack-findings.csv"] {
        let one = std::fs::read(a.join(name)).expect("first");
        let two = std::fs::read(b.join(name)).expect("second");
        assert!(one == two, "{name} differs between two exports");
    }
    // A different generation time gives a different PDF.
    let c = dir.path().join("c");
    std::fs::create_dir_all(&c).expect("dir");
    assert!(
        export_all(&file, &c, &["--generated-at", "2026-02-01T10:00:00Z"])
            .status
            .success()
    );
    assert!(std::fs::read(a.join("pack.pdf")).ok() != std::fs::read(c.join("pack.pdf")).ok());
}

#[test]
fn refuses_to_overwrite_the_assessment_or_lower_the_marking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_sample(dir.path(), HALF);
    let before = std::fs::read(&file).expect("file");
    let path = file.to_string_lossy().into_owned();
    let out = secassess(&["export", &path, "--markdown", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the assessment file itself"));
    assert_eq!(std::fs::read(&file).expect("file"), before);

    let md = dir.path().join("x.md").to_string_lossy().into_owned();
    let out = secassess(&["export", &path, "--markdown", &md, "--marking", "OFFICIAL"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never lower"));

    let out = secassess(&["export", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to export"));
}

/// The PDF passes qpdf's structural check and has embedded subset fonts with Unicode
/// maps, when those tools are installed (they are not needed to build or test).
#[test]
fn external_pdf_tools_accept_the_pack_when_installed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_sample(dir.path(), HALF);
    assert!(export_all(&file, dir.path(), &[]).status.success());
    let pdf = dir.path().join("pack.pdf");
    match Command::new("qpdf").arg("--check").arg(&pdf).output() {
        Ok(out) => assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => println!("skipped qpdf --check: qpdf is not installed"),
    }
    match Command::new("pdffonts").arg(&pdf).output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("+LiberationSans"), "{text}");
            for line in text.lines().filter(|l| l.contains("LiberationSans")) {
                // name type encoding emb sub uni
                let cols: Vec<&str> = line.split_whitespace().collect();
                let tail = &cols[cols.len().saturating_sub(5)..];
                assert_eq!(&tail[..3], ["yes", "yes", "yes"], "{line}");
            }
        }
        Err(_) => println!("skipped pdffonts: poppler-utils is not installed"),
    }
}

#[test]
fn a_signed_off_assessment_exports_as_signed_off_and_matching_its_audit_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_assessment(dir.path(), &signed_off_sample(&catalogue()));
    let out = export_all(&file, dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The last line says what the pack says.
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("The pack says: OFFICIAL-SENSITIVE; MUST obligations "),
        "{stdout}"
    );
    assert!(
        last.contains("open queries, 0 stale; signed off, valid — nothing changed since sign-off (sign-off unsigned); file matches its audit trail."),
        "{last}"
    );
    assert!(last.contains("; gate passed;"), "{last}");
    assert!(
        last.contains(" 0 untreated, "),
        "every finding is treated: {last}"
    );

    let pdf = std::fs::read(dir.path().join("pack.pdf")).expect("pdf");
    check_pdf(
        &pdf,
        "OFFICIAL-SENSITIVE",
        &[
            "SIGNED OFF by Priya Raman",
            "Contents",
            "How to check this pack",
        ],
    );
    let md = std::fs::read_to_string(dir.path().join("pack.md")).expect("md");
    assert!(md.contains(": valid — nothing changed since sign-off"));
    assert!(md.contains("the file matches its audit trail"));
    assert!(!md.contains("DOES NOT MATCH"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("pack.json")).expect("json"))
            .expect("the JSON parses");
    assert_eq!(json["sign_off"]["changed_since"], false);
    assert_eq!(json["integrity"]["matches_audit_trail"], true);
}

#[test]
fn an_assessment_with_a_tampered_audit_entry_exports_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_assessment(dir.path(), &signed_off_sample(&catalogue()));
    // The third audit entry's author is changed in a text editor.
    edit(&file, |text| {
        let mut blocks: Vec<String> = text.split("\n[[audit]]\n").map(str::to_string).collect();
        blocks[3] = blocks[3].replacen("who = \"Zoë", "who = \"Mallory", 1);
        blocks.join("\n[[audit]]\n")
    });
    let out = export_all(&file, dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "a tampered file still exports: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains("; FILE DOES NOT MATCH ITS AUDIT TRAIL ("),
        "{stdout}"
    );

    let pdf = std::fs::read(dir.path().join("pack.pdf")).expect("pdf");
    check_pdf(
        &pdf,
        "OFFICIAL-SENSITIVE",
        &[
            "WARNING: THIS ASSESSMENT FILE DOES NOT MATCH ITS AUDIT TRAIL",
            "Chain verification: BROKEN",
        ],
    );
    let md = std::fs::read_to_string(dir.path().join("pack.md")).expect("md");
    assert!(md.contains("THE FILE DOES NOT MATCH ITS AUDIT TRAIL"));
    assert!(
        md.contains("audit entry 3 (answer-set"),
        "the entry is named by number"
    );
    assert!(md.contains("was edited after it was written"));
    assert!(
        md.contains("| 3 | audit chain |"),
        "listed in the integrity appendix"
    );

    // The pack lists exactly what `secassess verify` finds.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("pack.json")).expect("json"))
            .expect("the JSON parses");
    assert_eq!(json["integrity"]["matches_audit_trail"], false);
    let problems = json["integrity"]["verify_problems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!problems.is_empty());
    let verify = secassess(&["verify", &file.to_string_lossy()]);
    let verify_out = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{verify_out}");
    for p in &problems {
        let message = p["message"].as_str().unwrap_or_default();
        assert!(
            verify_out.contains(message),
            "verify lacks {message:?}: {verify_out}"
        );
    }
}

#[test]
fn a_change_after_the_sign_off_is_printed_and_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalogue = catalogue();
    let mut a = signed_off_sample(&catalogue);
    let question = a.answers.keys().next().cloned().expect("answered");
    let later = a.updated_at + chrono::Duration::minutes(10);
    a.set_notes(&question, "A later note.", &assessor(), later);
    let file = write_assessment(dir.path(), &a);
    let out = export_all(&file, dir.path(), &[]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "; CHANGED SINCE SIGN-OFF: answer to {question} changed (sign-off unsigned); file matches its audit trail."
        )),
        "{stdout}"
    );
    let md = std::fs::read_to_string(dir.path().join("pack.md")).expect("md");
    assert!(
        md.contains(&format!("CHANGED SINCE SIGN-OFF: answer to {} changed; the reviewer needs to review the changes and sign off again", secassess::report::markdown::escape(&question))),
        "{md}"
    );
}
