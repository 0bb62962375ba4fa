//! `secassess export FILE --pdf OUT.pdf --markdown OUT.md --json OUT.json --csv OUT.csv`:
//! the evidence pack and the exports for the tools around it. The imperative shell of
//! `secassess::report`: it reads the assessment file once (its bytes are both parsed and
//! hashed, so the fingerprint is of exactly what was exported), re-checks local evidence
//! files, decides the dates, and writes each output atomically and owner-only. After
//! writing it prints one line saying what the pack says (marking, MUST obligations,
//! findings, review, sign-off, integrity), so the user knows without opening it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};

use secassess::report::{self, EvidenceCheck, Input};
use secassess::store::{self, atomic, MAX_ASSESSMENT_BYTES};
use secassess::text::sanitise_line;

use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Write the PDF evidence pack here.
    #[arg(long, value_name = "OUT.pdf")]
    pdf: Option<PathBuf>,

    /// Write the evidence pack as Markdown here (for wikis and repositories).
    #[arg(long, value_name = "OUT.md")]
    markdown: Option<PathBuf>,

    /// Write everything as JSON here (versioned schema, for other tools).
    #[arg(long, value_name = "OUT.json")]
    json: Option<PathBuf>,

    /// Write the obligations and the findings as CSV: OUT-obligations.csv and
    /// OUT-findings.csv next to the name given.
    #[arg(long, value_name = "OUT.csv")]
    csv: Option<PathBuf>,

    /// The time printed as "generated", RFC 3339 (e.g. 2026-01-31T09:00:00Z). Default:
    /// SOURCE_DATE_EPOCH if set, otherwise the assessment's last change, so exporting the
    /// same file twice gives identical files.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    generated_at: Option<DateTime<Utc>>,

    /// The date overdue items are checked against, YYYY-MM-DD. Default: the date of
    /// --generated-at or SOURCE_DATE_EPOCH when given, otherwise today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<NaiveDate>,

    /// Mark the pack higher than the effective classification (e.g. OFFICIAL-SENSITIVE).
    /// It can never be marked lower.
    #[arg(long, value_name = "MARKING")]
    marking: Option<String>,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("'{text}' is not an RFC 3339 time such as 2026-01-31T09:00:00Z ({e})"))
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date in the form YYYY-MM-DD"))
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("nothing to export: give at least one of --pdf OUT.pdf, --markdown OUT.md, --json OUT.json, --csv OUT.csv")]
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

/// The same file, even when named differently (relative, through a link).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn source_date_epoch() -> Result<Option<DateTime<Utc>>, ExportError> {
    let Ok(text) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = text
        .trim()
        .parse()
        .map_err(|_| ExportError::SourceDateEpoch(sanitise_line(&text)))?;
    Utc.timestamp_opt(seconds, 0)
        .single()
        .map(Some)
        .ok_or_else(|| ExportError::SourceDateEpoch(sanitise_line(&text)))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes a local evidence file, streaming, and compares it with what was recorded.
fn check_evidence(base: &Path, path: &str, recorded: Option<&str>) -> EvidenceCheck {
    let full = base.join(path);
    let mut file = match std::fs::File::open(&full) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return EvidenceCheck::Missing,
        Err(e) => {
            return EvidenceCheck::Unreadable {
                reason: e.to_string(),
            }
        }
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                size += n as u64;
                hasher.update(buffer.get(..n).unwrap_or_default());
            }
            Err(e) => {
                return EvidenceCheck::Unreadable {
                    reason: e.to_string(),
                }
            }
        }
    }
    let sha256: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match recorded {
        Some(r) if r.eq_ignore_ascii_case(&sha256) => EvidenceCheck::Unchanged,
        Some(_) => EvidenceCheck::Changed { sha256, size },
        None => EvidenceCheck::NoRecordedHash { sha256, size },
    }
}

fn evidence_checks(
    assessment: &secassess::assessment::Assessment,
    base: &Path,
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
            checks
                .entry(path.clone())
                .or_insert_with(|| check_evidence(base, path, evidence.sha256.as_deref()));
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

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    Ok(export(context, args)?)
}

fn export(context: &Context, args: Args) -> Result<ExitCode, ExportError> {
    let csv = args.csv.as_deref().map(csv_paths);
    let mut outputs: Vec<&Path> = Vec::new();
    outputs.extend(args.pdf.as_deref());
    outputs.extend(args.markdown.as_deref());
    outputs.extend(args.json.as_deref());
    if let Some((o, f)) = &csv {
        outputs.push(o);
        outputs.push(f);
    }
    if outputs.is_empty() {
        return Err(ExportError::NothingToDo);
    }
    for (i, out) in outputs.iter().enumerate() {
        if same_file(out, &args.assessment) {
            return Err(ExportError::WouldOverwriteAssessment {
                path: out.to_path_buf(),
            });
        }
        if outputs
            .iter()
            .skip(i + 1)
            .any(|other| same_file(out, other))
        {
            return Err(ExportError::SameOutput {
                path: out.to_path_buf(),
            });
        }
    }

    let catalogue = context.catalogue().map_err(|e| ExportError::Read {
        path: context.questionnaires.clone().unwrap_or_default(),
        source: std::io::Error::other(e.to_string()),
    })?;
    // Read once: the bytes hashed are the bytes parsed.
    let read_error = |source| ExportError::Read {
        path: args.assessment.clone(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(&args.assessment)
        .map_err(read_error)?
        .take(MAX_ASSESSMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let text = String::from_utf8(bytes).map_err(|_| ExportError::Read {
        path: args.assessment.clone(),
        source: std::io::Error::other("the file is not UTF-8 text"),
    })?;
    let assessment =
        store::parse_assessment(&args.assessment, &text).map_err(|e| ExportError::Read {
            path: args.assessment.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let fingerprint = sha256_hex(text.as_bytes());

    let epoch = source_date_epoch()?;
    let explicit = args.generated_at.or(epoch);
    let generated_at = explicit.unwrap_or(assessment.updated_at);
    let today = args
        .date
        .or(explicit.map(|t| t.date_naive()))
        .unwrap_or_else(|| Local::now().date_naive());
    let base = store::atomic::parent_dir(&args.assessment).to_path_buf();
    let evidence = evidence_checks(&assessment, &base);
    let file_name = args
        .assessment
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = Input {
        assessment: &assessment,
        catalogue: &catalogue,
        file_name: &file_name,
        file_sha256: &fingerprint,
        generated_at,
        today,
        tool_version: env!("CARGO_PKG_VERSION"),
        evidence: &evidence,
        marking: args.marking.as_deref(),
    };
    let pack = report::build(&input)?;
    let document = report::document(&pack);

    let mut out = std::io::stdout().lock();
    let mut say = |line: String| {
        let _ = writeln!(out, "{}", sanitise_line(&line));
    };
    if let Some(path) = &args.pdf {
        let rendered = report::pdf::render(&document)?;
        write("the PDF evidence pack", path, &rendered.bytes)?;
        say(format!(
            "PDF evidence pack ({} pages, marked {}): {}",
            rendered.pages,
            pack.marking,
            path.display()
        ));
        if !rendered.replaced.is_empty() {
            let list: Vec<String> = rendered
                .replaced
                .iter()
                .map(|c| format!("U+{:04X}", u32::from(*c)))
                .collect();
            eprintln!(
                "secassess: note: the PDF font has no glyph for {} character(s), printed as '{}' instead: {}. The Markdown and JSON exports keep them.",
                list.len(),
                report::pdf::REPLACEMENT,
                list.join(" ")
            );
        }
    }
    if let Some(path) = &args.markdown {
        write(
            "the Markdown export",
            path,
            report::markdown::render(&document).as_bytes(),
        )?;
        say(format!("Markdown: {}", path.display()));
    }
    if let Some(path) = &args.json {
        write("the JSON export", path, &report::json::render(&pack)?)?;
        say(format!("JSON: {}", path.display()));
    }
    if let Some((obligations, findings)) = &csv {
        write(
            "the obligations CSV",
            obligations,
            &report::csv::obligations(&pack),
        )?;
        say(format!("Obligations CSV: {}", obligations.display()));
        write("the findings CSV", findings, &report::csv::findings(&pack))?;
        say(format!("Findings CSV: {}", findings.display()));
    }
    // What the pack says, so the user knows without opening it.
    say(report::model::headline(&pack));
    Ok(ExitCode::SUCCESS)
}
