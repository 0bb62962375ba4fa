//! Writing evidence packs to files, shared by `secassess export` and the TUI: the shell
//! above both `store` and `report`. It reads the assessment file once through the store
//! (its bytes are both parsed and hashed, so the fingerprint is of exactly what was
//! exported), re-checks local evidence files (`store::evidence`), builds the pack with
//! `report` and writes each output atomically and owner-only (`store::atomic`). Nothing in
//! `store` or `report` imports this module.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::questionnaire::model::Catalogue;
use crate::report::{self, EvidenceCheck, Input};
use crate::store::{self, atomic, MAX_ASSESSMENT_BYTES};
use crate::text::sanitise_line;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("nothing to export: give at least one of --pdf OUT.pdf, --html OUT.html, --markdown OUT.md, --json OUT.json, --csv OUT.csv")]
    NothingToDo,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is the assessment file itself; give the export another name")]
    WouldOverwriteAssessment { path: PathBuf },
    #[error("two exports would be written to {path}; give each a different name")]
    SameOutput { path: PathBuf },
    #[error(
        "SOURCE_DATE_EPOCH is '{0}', not a number of seconds since 1970-01-01; unset it or fix it"
    )]
    SourceDateEpoch(String),
    #[error("{0}")]
    Report(#[from] report::ReportError),
    #[error("cannot draw the PDF: {0}")]
    Pdf(#[from] report::pdf::PdfError),
    #[error("cannot encode the JSON export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write {what} to {path}: {source}; check that the folder exists and that you can write to it")]
    Write {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// `OUT.csv` -> `OUT-obligations.csv` and `OUT-findings.csv`.
pub fn csv_paths(base: &Path) -> (PathBuf, PathBuf) {
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    (
        base.with_file_name(format!("{stem}-obligations.csv")),
        base.with_file_name(format!("{stem}-findings.csv")),
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes a local evidence file and compares it with what was recorded.
fn check_evidence(file: &Path, recorded: Option<&str>) -> EvidenceCheck {
    match store::evidence::fingerprint(file) {
        Ok(print) => match recorded {
            Some(r) if r.eq_ignore_ascii_case(&print.sha256) => EvidenceCheck::Unchanged,
            Some(_) => EvidenceCheck::Changed {
                sha256: print.sha256,
                size: print.size,
            },
            None => EvidenceCheck::NoRecordedHash {
                sha256: print.sha256,
                size: print.size,
            },
        },
        Err(e) if e.is_missing() => EvidenceCheck::Missing,
        Err(e) => EvidenceCheck::Unreadable {
            reason: e.to_string(),
        },
    }
}

/// Re-checks every local evidence file the assessment names. Paths outside the
/// assessment's folder (`base`) are re-read only with `recheck_all`: an assessment
/// received from someone else must not make the pack reveal anything about files of
/// the person exporting it (see [`store::evidence::within_folder`]).
fn evidence_checks(
    assessment: &crate::assessment::record::Assessment,
    base: &Path,
    recheck_all: bool,
) -> BTreeMap<String, EvidenceCheck> {
    let mut refs = Vec::new();
    for record in assessment.answers.values() {
        refs.extend(record.evidence.iter());
    }
    for finding in &assessment.findings {
        refs.extend(
            finding
                .mitigation
                .as_ref()
                .and_then(|m| m.evidence.as_ref()),
        );
    }
    let mut checks = BTreeMap::new();
    for evidence in refs {
        if let Some(path) = &evidence.path {
            checks.entry(path.clone()).or_insert_with(|| {
                let file = if recheck_all {
                    Some(base.join(path))
                } else {
                    store::evidence::within_folder(base, path)
                };
                match file {
                    Some(file) => check_evidence(&file, evidence.sha256.as_deref()),
                    None => EvidenceCheck::NotRechecked,
                }
            });
        }
    }
    checks
}

fn write(what: &'static str, path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    atomic::write_private(path, bytes).map_err(|source| ExportError::Write {
        what,
        path: path.to_path_buf(),
        source,
    })
}

/// Where each output goes; `None` leaves it out.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub pdf: Option<PathBuf>,
    /// The accessible HTML pack: one self-contained file.
    pub html: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub json: Option<PathBuf>,
    /// `OUT.csv` writes `OUT-obligations.csv` and `OUT-findings.csv`.
    pub csv: Option<PathBuf>,
}

/// The dates and marking the pack is made with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The time printed as "generated"; `None` means the assessment's last change, so
    /// exporting the same file twice gives identical files.
    pub generated_at: Option<DateTime<Utc>>,
    /// The date overdue items are checked against.
    pub today: NaiveDate,
    /// A marking higher than the effective classification.
    pub marking: Option<String>,
    /// Re-read evidence files outside the assessment's folder too (`--recheck-evidence`):
    /// only for an assessment the user trusts, since the pack then states the SHA-256
    /// and size of whatever files it names.
    pub recheck_evidence: bool,
    /// The allowed-signers file the pack checks signatures against (`--allowed-signers`).
    pub allowed_signers: Option<crate::assessment::allowed_signers::AllowedSigners>,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    /// One line per file: "PDF evidence pack (12 pages, marked OFFICIAL): path".
    pub files: Vec<String>,
    /// What the pack says, in one line.
    pub headline: String,
    /// Characters the PDF font lacks, printed as a replacement.
    pub replaced: Vec<char>,
    /// What the user should know about the file exported (it may be cut short), one
    /// sentence each.
    pub warnings: Vec<String>,
    /// Right-to-left runs, drawn in the PDF in visual order without shaping.
    pub right_to_left: Vec<String>,
}

impl Written {
    /// What the PDF could not draw as written, in words, for every front end to show:
    /// characters the font lacks (printed as `?`) and right-to-left runs (drawn in visual
    /// order without joined letter forms). Empty when there is nothing to say.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.replaced.is_empty() {
            let list: Vec<String> = self
                .replaced
                .iter()
                .map(|c| format!("U+{:04X}", u32::from(*c)))
                .collect();
            notes.push(format!(
                "the PDF font has no glyph for {} character(s), printed as '{}' instead: {}. The HTML, Markdown and JSON exports keep them.",
                list.len(),
                report::pdf::REPLACEMENT,
                list.join(" ")
            ));
        }
        if !self.right_to_left.is_empty() {
            let runs: Vec<String> = self
                .right_to_left
                .iter()
                .take(10)
                .map(|r| format!("\"{}\"", sanitise_line(r)))
                .collect();
            let more = self.right_to_left.len().saturating_sub(runs.len());
            notes.push(format!(
                "the PDF has {} right-to-left run(s) of text, drawn in visual order but without joined letter forms: {}{}. Check them in the HTML or Markdown export, which keep the text as written.",
                self.right_to_left.len(),
                runs.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ));
        }
        notes
    }
}

/// Exports `assessment_path` to `outputs`.
pub fn export(
    assessment_path: &Path,
    catalogue: &Catalogue,
    outputs: &Outputs,
    options: &Options,
) -> Result<Written, ExportError> {
    let csv = outputs.csv.as_deref().map(csv_paths);
    let mut targets: Vec<&Path> = Vec::new();
    targets.extend(outputs.pdf.as_deref());
    targets.extend(outputs.html.as_deref());
    targets.extend(outputs.markdown.as_deref());
    targets.extend(outputs.json.as_deref());
    if let Some((o, f)) = &csv {
        targets.push(o);
        targets.push(f);
    }
    if targets.is_empty() {
        return Err(ExportError::NothingToDo);
    }
    for (i, out) in targets.iter().enumerate() {
        if store::same_file(out, assessment_path) {
            return Err(ExportError::WouldOverwriteAssessment {
                path: out.to_path_buf(),
            });
        }
        if targets
            .iter()
            .skip(i + 1)
            .any(|other| store::same_file(out, other))
        {
            return Err(ExportError::SameOutput {
                path: out.to_path_buf(),
            });
        }
    }
    let read_error = |source| ExportError::Read {
        path: assessment_path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    let (file, _) = store::open_regular(assessment_path).map_err(|e| ExportError::Read {
        path: assessment_path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    file.take(MAX_ASSESSMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let text = String::from_utf8(bytes).map_err(|_| ExportError::Read {
        path: assessment_path.to_path_buf(),
        source: std::io::Error::other("the file is not UTF-8 text"),
    })?;
    let decoded = store::format::decode(assessment_path, &text).map_err(|e| ExportError::Read {
        path: assessment_path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let assessment = decoded.assessment;
    let fingerprint = sha256_hex(text.as_bytes());
    let base = atomic::parent_dir(assessment_path).to_path_buf();
    let evidence = evidence_checks(&assessment, &base, options.recheck_evidence);
    let file_name = assessment_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = Input {
        assessment: &assessment,
        catalogue,
        file_name: &file_name,
        file_sha256: &fingerprint,
        generated_at: options.generated_at.unwrap_or(assessment.updated_at),
        today: options.today,
        tool_version: env!("CARGO_PKG_VERSION"),
        evidence: &evidence,
        marking: options.marking.as_deref(),
        complete: decoded.complete,
        allowed_signers: options.allowed_signers.as_ref(),
    };
    let pack = report::build(&input)?;
    let document = report::document(&pack);

    let mut written = Written {
        files: Vec::new(),
        headline: report::model::headline(&pack),
        replaced: Vec::new(),
        warnings: Vec::new(),
        right_to_left: Vec::new(),
    };
    if !decoded.complete {
        written.warnings.push(format!(
            "{} does not end with the line '{}' that secassess always writes last, so it may have been cut short; the pack says so on its cover. Compare it with {}.",
            sanitise_line(&assessment_path.display().to_string()),
            store::END_MARKER,
            store::compare_hint(assessment_path)
        ));
    }
    if let Some(path) = &outputs.pdf {
        let rendered = report::pdf::render(&document)?;
        write("the PDF evidence pack", path, &rendered.bytes)?;
        written.files.push(format!(
            "PDF evidence pack ({} pages, marked {}): {}",
            rendered.pages,
            pack.marking,
            sanitise_line(&path.display().to_string())
        ));
        written.replaced = rendered.replaced.into_iter().collect();
        written.right_to_left = rendered.right_to_left.into_iter().collect();
    }
    if let Some(path) = &outputs.html {
        write(
            "the HTML evidence pack",
            path,
            report::html::render(&document).as_bytes(),
        )?;
        written.files.push(format!(
            "HTML evidence pack (accessible, marked {}): {}",
            pack.marking,
            sanitise_line(&path.display().to_string())
        ));
    }
    if let Some(path) = &outputs.markdown {
        write(
            "the Markdown export",
            path,
            report::markdown::render(&document).as_bytes(),
        )?;
        written.files.push(format!(
            "Markdown: {}",
            sanitise_line(&path.display().to_string())
        ));
    }
    if let Some(path) = &outputs.json {
        write("the JSON export", path, &report::json::render(&pack)?)?;
        written.files.push(format!(
            "JSON: {}",
            sanitise_line(&path.display().to_string())
        ));
    }
    if let Some((obligations, findings)) = &csv {
        write(
            "the obligations CSV",
            obligations,
            &report::csv::obligations(&pack),
        )?;
        written.files.push(format!(
            "Obligations CSV: {}",
            sanitise_line(&obligations.display().to_string())
        ));
        write("the findings CSV", findings, &report::csv::findings(&pack))?;
        written.files.push(format!(
            "Findings CSV: {}",
            sanitise_line(&findings.display().to_string())
        ));
    }
    Ok(written)
}

/// The PDF, HTML and Markdown beside an assessment: `ward-rota.secassess.toml` ->
/// `ward-rota-evidence-pack.pdf`, `.html` and `.md`. Used by the TUI's export.
pub fn beside(assessment_path: &Path) -> Outputs {
    let name = assessment_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".secassess.toml")
        .or_else(|| name.strip_suffix(".toml"))
        .unwrap_or(&name)
        .to_string();
    let dir = atomic::parent_dir(assessment_path);
    Outputs {
        pdf: Some(dir.join(format!("{stem}-evidence-pack.pdf"))),
        html: Some(dir.join(format!("{stem}-evidence-pack.html"))),
        markdown: Some(dir.join(format!("{stem}-evidence-pack.md"))),
        json: None,
        csv: None,
    }
}
