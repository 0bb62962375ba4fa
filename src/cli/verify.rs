//! `secassess verify FILE [--format text|json]`: checks the audit trail's hash chain,
//! every answer, review and finding against its latest audit entry, and the sign-off
//! against the content it was pinned to, and says exactly what does not match. Reads
//! only. Exit 0: everything matches; 1: something does not (or the content changed since
//! sign-off); 2: the file cannot be read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use secassess::assessment::verify::{self, Report, SignOffState};
use secassess::store;
use secassess::text::{sanitise_line, shorten};

use super::show::local_time;
use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(_context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let loaded = store::load(&args.assessment)?;
    let report = verify::verify(&loaded.assessment);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "file": args.assessment,
                "ok": report.is_ok(),
                "complete": loaded.complete,
                "report": report,
            });
            writeln!(out, "{}", to_json(&json)?)?;
        }
        Format::Text => write_text(&mut out, &args.assessment, &report)?,
    }
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_text(out: &mut impl Write, path: &Path, report: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} audit entries, {} answers, {} reviews, {} findings checked.",
        sanitise_line(&path.display().to_string()),
        report.entries,
        report.answers,
        report.reviews,
        report.findings
    )?;
    match &report.sign_off {
        SignOffState::NotSignedOff => writeln!(out, "Sign-off: not signed off.")?,
        SignOffState::Intact {
            signed_by,
            signed_at,
        } => writeln!(
            out,
            "Sign-off: by {} on {}; the content is what was signed off.",
            sanitise_line(signed_by),
            local_time(*signed_at)
        )?,
        SignOffState::ChangedSince {
            signed_by,
            signed_at,
            expected,
            found,
            entries_after,
        } => {
            writeln!(
                out,
                "Sign-off: by {} on {}; CHANGED SINCE SIGN-OFF ({entries_after} audit entries after it; `secassess diff FILE --since-sign-off` lists them).",
                sanitise_line(signed_by),
                local_time(*signed_at)
            )?;
            writeln!(out, "    signed content hash: {}", sanitise_line(expected))?;
            writeln!(out, "    content hash now:    {}", sanitise_line(found))?;
        }
    }
    if !report.stale_reviews.is_empty() {
        writeln!(
            out,
            "Stale reviews (answer changed after review): {}",
            report
                .stale_reviews
                .iter()
                .map(|id| shorten(id))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if report.problems.is_empty() {
        writeln!(
            out,
            "Audit trail: intact; every answer, review and finding matches its latest entry."
        )?;
    } else {
        writeln!(
            out,
            "\n{} thing(s) do not match the audit trail:",
            report.problems.len()
        )?;
        for p in &report.problems {
            let entry = p
                .entry
                .map(|e| format!(", audit entry {e}"))
                .unwrap_or_default();
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            writeln!(out, "  - [{kind}{entry}] {}", sanitise_line(&p.message))?;
            writeln!(out, "      expected: {}", sanitise_line(&p.expected))?;
            writeln!(out, "      found:    {}", sanitise_line(&p.found))?;
        }
        writeln!(
            out,
            "\nThe file was edited outside secassess. Compare it with its previous version (FILE.bak) or a copy you trust; secassess records changes made through it in the audit trail."
        )?;
    }
    writeln!(
        out,
        "Result: {}",
        if report.is_ok() {
            "OK"
        } else if report.problems.is_empty() {
            "changed since sign-off"
        } else {
            "problems found"
        }
    )
}
