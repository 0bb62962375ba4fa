//! `secassess check FILE [--format text|json] [--date YYYY-MM-DD]`: the pipeline gate.
//! Exit 0 when every applicable MUST obligation is met or treated (see
//! `findings::gate`), 1 with the list of what blocks and what to do, 2 when the file or
//! the questionnaires cannot be used.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use secassess::assessment::findings::{self, GateReport};
use secassess::assessment::Assessment;
use secassess::store;
use secassess::text::sanitise_line;

use super::findings::{parse_date, today};
use super::{reader_went_away, to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// The day to judge target and review dates against, instead of today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let loaded = store::load(&args.assessment)?;
    let assessment = loaded.assessment;
    let mut report = findings::gate(&assessment, &catalogue, today(args.date));
    if !loaded.complete {
        report.warnings.insert(
            0,
            format!(
                "the file does not end with '{}': it may have been cut short, so this result may be wrong; compare it with its .bak",
                store::END_MARKER
            ),
        );
    }
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "file": args.assessment,
                "system": assessment.system.name,
                "report": report,
            });
            writeln!(out, "{}", to_json(&json)?)
        }
        Format::Text => write_text(&mut out, &args.assessment, &assessment, &report),
    };
    // `secassess check FILE | head` must not turn a failed gate into a pass.
    match written {
        Err(e) if reader_went_away(&e) => {}
        other => other?,
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_text(
    out: &mut impl Write,
    path: &Path,
    assessment: &Assessment,
    report: &GateReport,
) -> std::io::Result<()> {
    let file = sanitise_line(&path.display().to_string());
    if report.passed {
        writeln!(
            out,
            "PASSED ({}): all {} MUST obligations that apply are met ({}) or treated ({}).",
            report.today, report.must, report.met, report.treated
        )?;
    } else {
        writeln!(
            out,
            "FAILED ({}): {} of the {} MUST obligations that apply (or may) block.",
            report.today,
            report.blockers.len(),
            report.must
        )?;
    }
    for b in &report.blockers {
        writeln!(out, "\n  {}  {}", b.obligation, sanitise_line(&b.title))?;
        writeln!(out, "      {}", sanitise_line(&b.reason))?;
        let linked: Vec<&str> = assessment
            .findings
            .iter()
            .filter(|f| f.obligations.contains(&b.obligation))
            .map(|f| f.id.as_str())
            .collect();
        let todo = if !b.answer.is_empty() {
            format!(
                "answer {} (secassess open {file})",
                sanitise_line(&b.answer.join(", "))
            )
        } else if linked.is_empty() {
            format!(
                "raise a finding (secassess finding add {file} --obligation {} --owner NAME), then treat it",
                b.obligation
            )
        } else {
            format!(
                "treat {} with a mitigation plan (secassess finding plan {file} ID ...), a risk acceptance (finding accept) or, where the standard allows, an approved exception (finding exception)",
                sanitise_line(&linked.join(", "))
            )
        };
        writeln!(out, "      To do: {todo}")?;
    }
    if !report.problems.is_empty() {
        writeln!(
            out,
            "\nProblems in the findings register ({}); a finding with a problem treats nothing:",
            report.problems.len()
        )?;
        for p in &report.problems {
            writeln!(out, "  - {}", sanitise_line(&p.to_string()))?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out, "\nWarnings ({}):", report.warnings.len())?;
        for w in &report.warnings {
            writeln!(out, "  - {}", sanitise_line(w))?;
        }
    }
    Ok(())
}
