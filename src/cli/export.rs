//! `secassess export FILE --pdf OUT.pdf --markdown OUT.md --json OUT.json --csv OUT.csv`:
//! the evidence pack and the exports for the tools around it. Parses the flags, decides
//! the dates (`--generated-at`, `SOURCE_DATE_EPOCH`, `--date`), and hands over to
//! `secassess::pack`, which reads, checks and writes. After writing it prints one
//! line saying what the pack says, so the user knows without opening it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};

use secassess::pack::{self, ExportError, Outputs};
use secassess::text::sanitise_line;

use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Write the PDF evidence pack here.
    #[arg(long, value_name = "OUT.pdf")]
    pdf: Option<PathBuf>,

    /// Write the accessible evidence pack here: one self-contained HTML file (headings,
    /// tables with headers, no scripts), for screen readers and any browser.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,

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

    /// Re-check every local evidence file the assessment names, including those outside
    /// its folder. By default only files in the assessment's folder (or below) are
    /// re-read: an assessment received from someone else could name any of your files,
    /// and the pack would show their SHA-256 and size. Use it for your own assessments.
    #[arg(long)]
    recheck_evidence: bool,

    /// Check the signatures' keys against this allowed-signers file (OpenSSH's format),
    /// so the pack says whether each signature is trusted; without it the pack says
    /// "signed, not checked against an allowed-signers file".
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
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

pub(super) fn source_date_epoch() -> Result<Option<DateTime<Utc>>, ExportError> {
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

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let allowed = super::allowed_signers(args.allowed_signers.as_deref())?;
    Ok(export(context, args, allowed)?)
}

fn export(
    context: &Context,
    args: Args,
    allowed: Option<secassess::assessment::allowed_signers::AllowedSigners>,
) -> Result<ExitCode, ExportError> {
    let outputs = Outputs {
        pdf: args.pdf,
        html: args.html,
        markdown: args.markdown,
        json: args.json,
        csv: args.csv,
    };
    let catalogue = context.catalogue().map_err(|e| ExportError::Read {
        path: context.questionnaires.clone().unwrap_or_default(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let explicit = args.generated_at.or(source_date_epoch()?);
    let options = pack::Options {
        generated_at: explicit,
        today: args
            .date
            .or(explicit.map(|t| t.date_naive()))
            .unwrap_or_else(|| Local::now().date_naive()),
        marking: args.marking,
        recheck_evidence: args.recheck_evidence,
        allowed_signers: allowed,
    };
    let written = pack::export(&args.assessment, &catalogue, &outputs, &options)?;
    for warning in &written.warnings {
        eprintln!("secassess: warning: {warning}");
    }
    let mut out = std::io::stdout().lock();
    for line in &written.files {
        let _ = writeln!(out, "{line}");
    }
    // Nothing the PDF could not draw as written goes unsaid.
    for note in written.notes() {
        eprintln!("secassess: note: {note}");
    }
    // What the pack says, so the user knows without opening it.
    let _ = writeln!(out, "{}", sanitise_line(&written.headline));
    Ok(ExitCode::SUCCESS)
}
