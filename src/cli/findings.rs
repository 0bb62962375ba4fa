//! `secassess findings FILE [--format text|json|csv] [--status S] [--date YYYY-MM-DD]`:
//! the findings register of one assessment (treatment, overdue dates, escalation flags,
//! consistency problems) and the applicable unmet obligations that have no finding yet,
//! read without changing anything. Also the `--date` flag `check` shares.
//!
//! Text output passes everything from the file through `text::sanitise`; CSV output is
//! RFC 4180 quoted and defuses cells a spreadsheet would run as a formula.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use secassess::assessment::findings::{self, suggested_severity, ConsistencyProblem, FindingView};
use secassess::assessment::record::FindingStatus;
use secassess::report::csv;
use secassess::rules::ObligationResult;
use secassess::store;
use secassess::text::{sanitise, sanitise_line};

use super::{to_json, CliError, Context};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// Comma-separated values for a spreadsheet (RFC 4180).
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,

    /// Only findings with this status: open, mitigation-planned, mitigated,
    /// risk-accepted, escalated or closed. Obligations with no finding yet are listed
    /// with "open".
    #[arg(long, value_parser = parse_status, value_name = "STATUS")]
    status: Option<FindingStatus>,

    /// The day to judge target and review dates against, instead of today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
}

/// Reads `--date`, `--target` and the like.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31"))
}

fn parse_status(text: &str) -> Result<FindingStatus, String> {
    FindingStatus::parse(text).ok_or_else(|| {
        let names: Vec<&str> = FindingStatus::ALL.iter().map(|s| s.name()).collect();
        format!("'{text}' is not a status; use one of {}", names.join(", "))
    })
}

/// The day dates are judged against: `--date`, or today on this computer's clock.
pub fn today(date: Option<NaiveDate>) -> NaiveDate {
    date.unwrap_or_else(|| Local::now().date_naive())
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let assessment = store::read_assessment(&args.assessment)?;
    let today = today(args.date);
    let (evaluation, _) = findings::evaluate(&assessment, &catalogue);
    let problems = findings::check_consistency(&assessment, &catalogue);
    let views: Vec<FindingView<'_>> =
        findings::views(&assessment, &catalogue, &evaluation, &problems, today)
            .into_iter()
            .filter(|v| args.status.is_none_or(|s| v.finding.status == s))
            .collect();
    let gaps: Vec<&ObligationResult> = if args.status.is_none_or(|s| s == FindingStatus::Open) {
        findings::gaps_without_finding(&assessment.findings, &evaluation)
    } else {
        Vec::new()
    };
    // Problems of findings no longer in the file (deleted by hand) belong to no view.
    let orphans: Vec<&ConsistencyProblem> = problems
        .iter()
        .filter(|p| !assessment.findings.iter().any(|f| f.id == p.finding))
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let json = serde_json::json!({
                "system": assessment.system.name,
                "today": today,
                "findings": views,
                "gaps": gaps.iter().map(|o| serde_json::json!({
                    "obligation": o.id,
                    "level": o.level,
                    "title": o.title,
                    "suggested_severity": suggested_severity(o.level),
                    "reasons": o.reasons,
                })).collect::<Vec<_>>(),
                "problems": problems,
            });
            writeln!(out, "{}", to_json(&json)?)?;
        }
        ListFormat::Csv => write_csv(&mut out, &views, &gaps)?,
        ListFormat::Text => write_text(
            &mut out,
            &args.assessment,
            &assessment.system.name,
            today,
            &views,
            &gaps,
            &orphans,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_text(
    out: &mut impl Write,
    path: &Path,
    system: &str,
    today: NaiveDate,
    views: &[FindingView<'_>],
    gaps: &[&ObligationResult],
    orphans: &[&ConsistencyProblem],
) -> std::io::Result<()> {
    let file = sanitise_line(&path.display().to_string());
    writeln!(out, "System: {}", sanitise_line(system))?;
    writeln!(out, "Findings as of {today} ({}):", views.len())?;
    for view in views {
        let f = view.finding;
        writeln!(
            out,
            "\n{}  [{}] {}: {}",
            sanitise_line(&f.id),
            f.severity.name(),
            f.status.label(),
            sanitise_line(&f.title)
        )?;
        let owner = if f.owner.trim().is_empty() {
            "(none)".to_string()
        } else {
            sanitise_line(&f.owner)
        };
        writeln!(out, "    Owner: {owner}")?;
        if !f.obligations.is_empty() {
            writeln!(
                out,
                "    Obligations: {}",
                sanitise_line(&f.obligations.join(", "))
            )?;
        }
        writeln!(out, "    Treatment: {}", sanitise_line(&view.treatment))?;
        for o in &view.overdue {
            writeln!(out, "    OVERDUE: {o}")?;
        }
        if view.needs_escalation {
            writeln!(
                out,
                "    ESCALATE ({}): risk accepted on a MUST obligation of an OFFICIAL-SENSITIVE system; escalate it to the directorate or organisation risk owner (secassess finding escalate {file} {} --to \"NAME <EMAIL>\" --role ROLE)",
                findings::ESCALATION_POLICY,
                sanitise_line(&f.id)
            )?;
        }
        if let Some(why) = &view.no_longer_applies {
            writeln!(
                out,
                "    NO LONGER APPLIES: {}",
                sanitise_line(&why.replace("FILE", &file))
            )?;
        }
        for p in &view.problems {
            writeln!(out, "    PROBLEM: {}", sanitise_line(&p.to_string()))?;
        }
        if !f.description.trim().is_empty() {
            for line in sanitise(f.description.trim()).lines() {
                writeln!(out, "    |{}{line}", if line.is_empty() { "" } else { " " })?;
            }
        }
    }
    for p in orphans {
        writeln!(out, "\nPROBLEM: {}", sanitise_line(&p.to_string()))?;
    }
    if !gaps.is_empty() {
        writeln!(
            out,
            "\nUnmet obligations with no finding yet ({}):",
            gaps.len()
        )?;
        for o in gaps {
            writeln!(
                out,
                "  {:<6} {}  {}",
                o.level.name(),
                o.id,
                sanitise_line(&o.title)
            )?;
        }
        writeln!(
            out,
            "Raise one with: secassess finding add {file} --obligation ID --owner NAME"
        )?;
    }
    Ok(())
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "title",
    "severity",
    "status",
    "owner",
    "obligations",
    "treatment",
    "overdue",
    "needs_escalation",
    "problems",
    "description",
];

fn write_csv(
    out: &mut impl Write,
    views: &[FindingView<'_>],
    gaps: &[&ObligationResult],
) -> std::io::Result<()> {
    write_csv_row(out, &CSV_HEADER.map(String::from))?;
    for view in views {
        let f = view.finding;
        let row = [
            f.id.clone(),
            f.title.clone(),
            f.severity.name().to_string(),
            f.status.name().to_string(),
            f.owner.clone(),
            f.obligations.join("; "),
            view.treatment.clone(),
            view.overdue
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            if view.needs_escalation { "yes" } else { "no" }.to_string(),
            view.problems
                .iter()
                .map(|p| format!("{} {}", p.problem, p.fix))
                .collect::<Vec<_>>()
                .join(" "),
            f.description.clone(),
        ];
        write_csv_row(out, &row)?;
    }
    for o in gaps {
        let row = [
            String::new(),
            o.title.clone(),
            suggested_severity(o.level).name().to_string(),
            String::from("no-finding"),
            String::new(),
            o.id.clone(),
            String::from("none"),
            String::new(),
            String::from("no"),
            format!(
                "{} obligation not met and no finding raised for it.",
                o.level.name()
            ),
            String::new(),
        ];
        write_csv_row(out, &row)?;
    }
    Ok(())
}

fn write_csv_row(out: &mut impl Write, cells: &[String]) -> std::io::Result<()> {
    out.write_all(csv::record(cells).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_statuses_read_back_or_say_what_to_write() {
        assert_eq!(
            parse_date(" 2026-03-31 "),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())
        );
        assert!(parse_date("31/03/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(
            parse_status("risk accepted"),
            Ok(FindingStatus::RiskAccepted)
        );
        assert!(parse_status("done")
            .unwrap_err()
            .contains("mitigation-planned"));
    }
}
