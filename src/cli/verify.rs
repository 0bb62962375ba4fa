//! `secassess verify FILE [--format text|json] [--date YYYY-MM-DD]`: checks the audit
//! trail's hash chain, the assessment's own details, every answer (who and when too),
//! review and finding against its latest audit entry, and the sign-off against the
//! content it was pinned to, the evidence files as they are now and the rule for "ready
//! to sign off" (which includes the gate, judged on `--date`), and says exactly what does
//! not match. Reads only. Exit 0: everything matches; 1: something does not (or the
//! sign-off no longer holds); 2: the file cannot be read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use secassess::assessment::sign_off::Judged;
use secassess::assessment::verify::{self, Report, SignOffState};
use secassess::session::observe_evidence;
use secassess::store;
use secassess::text::sanitise_line;

use super::findings::{parse_date, today};
use super::show::local_time;
use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// The day the gate's target and review dates are judged against, for whether the
    /// sign-off still holds, instead of today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let loaded = store::load(&args.assessment)?;
    let evidence = observe_evidence(&loaded.assessment, &args.assessment);
    let judged = Judged {
        catalogue: &catalogue,
        evidence: &evidence,
        today: today(args.date),
    };
    let report = verify::verify(&loaded.assessment, &judged);
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
            ..
        } => writeln!(
            out,
            "Sign-off: by {} on {}; the content and evidence are what was signed off, and it is still ready to sign off.",
            sanitise_line(signed_by),
            local_time(*signed_at)
        )?,
        SignOffState::ChangedSince {
            signed_by,
            signed_at,
            expected,
            found,
            entries_after,
            reasons,
            ..
        } => {
            writeln!(
                out,
                "Sign-off: by {} on {}; CHANGED SINCE SIGN-OFF ({entries_after} audit entries after it; `secassess diff FILE --since-sign-off` lists them):",
                sanitise_line(signed_by),
                local_time(*signed_at)
            )?;
            for reason in reasons {
                writeln!(out, "  - {}", sanitise_line(reason))?;
            }
            if expected != found {
                writeln!(out, "    signed content hash: {}", sanitise_line(expected))?;
                writeln!(out, "    content hash now:    {}", sanitise_line(found))?;
            }
        }
        SignOffState::NoLongerValid {
            signed_by,
            signed_at,
            reasons,
            ..
        } => {
            writeln!(
                out,
                "Sign-off: by {} on {}; NO LONGER VALID: the content is what was signed, but the assessment would not be signed off now:",
                sanitise_line(signed_by),
                local_time(*signed_at)
            )?;
            for reason in reasons {
                writeln!(out, "  - {}", sanitise_line(reason))?;
            }
        }
    }
    if !report.stale_reviews.is_empty() {
        writeln!(
            out,
            "Stale reviews (answer or its evidence file changed after review): {}",
            sanitise_line(&report.stale_reviews.join(", "))
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
        } else if !report.problems.is_empty() {
            "problems found"
        } else if matches!(report.sign_off, SignOffState::ChangedSince { .. }) {
            "changed since sign-off"
        } else {
            "sign-off no longer valid"
        }
    )
}

/// Where the sign-off stands and whether the assessment is ready to sign off, for
/// `check` (the same functions `verify`, `review`, the TUI and the pack use).
pub fn sign_off_standing(
    assessment: &secassess::assessment::Assessment,
    path: &Path,
    catalogue: &secassess::questionnaire::Catalogue,
    today: NaiveDate,
) -> (SignOffState, secassess::assessment::sign_off::Readiness) {
    let evidence = observe_evidence(assessment, path);
    let judged = Judged {
        catalogue,
        evidence: &evidence,
        today,
    };
    let problems = verify::record_problems(assessment);
    (
        secassess::assessment::sign_off::state(assessment, &judged, &problems),
        secassess::assessment::sign_off::readiness(assessment, &judged),
    )
}

/// The sign-off and readiness as `check` prints them, after the gate.
pub fn write_sign_off_standing(
    out: &mut impl Write,
    state: &SignOffState,
    readiness: &secassess::assessment::sign_off::Readiness,
) -> std::io::Result<()> {
    match state.signer() {
        None => writeln!(out, "\nSign-off: not signed off.")?,
        Some((by, _, at)) => writeln!(
            out,
            "\nSign-off: by {} on {}; {}.",
            sanitise_line(by),
            local_time(at),
            sanitise_line(&state.words())
        )?,
    }
    if readiness.ready() {
        writeln!(out, "Ready for sign-off: yes.")
    } else {
        writeln!(
            out,
            "Ready for sign-off: no; {} thing(s) stand in the way (secassess review FILE lists them all):",
            readiness.blockers.len()
        )?;
        for b in readiness.blockers.iter().take(5) {
            writeln!(
                out,
                "  - {}: {}",
                sanitise_line(&b.subject),
                sanitise_line(&b.reason)
            )?;
        }
        if readiness.blockers.len() > 5 {
            writeln!(out, "  - and {} more", readiness.blockers.len() - 5)?;
        }
        Ok(())
    }
}
