//! `secassess show FILE`: a summary of one assessment (system, assessor, effective
//! classification, progress, answers that could not be used, what changed in the
//! questionnaires since it was answered, and who has it open), read without changing
//! anything. Every piece of text from the file goes through `text::sanitise` first.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Local, Utc};
use secassess::assessment::findings;
use secassess::assessment::upgrade::{upgrade_report, UpgradeReport, VersionChange};
use secassess::questionnaire::Catalogue;
use secassess::rules::Evaluation;
use secassess::store::{self, lock, Loaded, LockInfo, Staleness, END_MARKER};
use secassess::text::{sanitise, sanitise_line};

use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// One assessment evaluated against the loaded questionnaires: what `show` and `list`
/// report.
pub struct Summary {
    pub loaded: Loaded,
    pub evaluation: Evaluation,
    pub problems: Vec<String>,
    pub upgrade: UpgradeReport,
    /// Who holds the lock, and why it is stale when it is.
    pub lock: Option<(LockInfo, Option<Staleness>)>,
}

impl Summary {
    pub fn read(path: &Path, catalogue: &Catalogue) -> Result<Summary, CliError> {
        let loaded = store::load(path)?;
        let (evaluation, problems) = findings::evaluate(&loaded.assessment, catalogue);
        let upgrade = upgrade_report(&loaded.assessment, catalogue);
        let lock = lock::holder(path).ok().flatten();
        Ok(Summary {
            loaded,
            evaluation,
            problems: problems.into_iter().map(|p| p.problem).collect(),
            upgrade,
            lock,
        })
    }

    /// "OFFICIAL-SENSITIVE", "at least OFFICIAL (not settled)" or "not known yet".
    pub fn classification(&self) -> String {
        match &self.evaluation.effective_classification {
            Some(ec) => ec
                .label
                .clone()
                .unwrap_or_else(|| format!("at least {} (not settled)", ec.at_least_label)),
            None => "not known yet".into(),
        }
    }
}

/// A time as the user's clock shows it, with the offset so it is unambiguous.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M %:z")
        .to_string()
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let summary = Summary::read(&args.assessment, &catalogue)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let a = &summary.loaded.assessment;
            let json = serde_json::json!({
                "file": args.assessment,
                "system": a.system,
                "assessor": a.assessor,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "questionnaires": a.questionnaires.iter().map(|q| serde_json::json!({"id": q.id, "version": q.version})).collect::<Vec<_>>(),
                "effective_classification": summary.evaluation.effective_classification,
                "progress": summary.evaluation.progress,
                "answer_problems": summary.problems,
                "upgrade": summary.upgrade,
                "schema_version": summary.loaded.schema_version,
                "complete": summary.loaded.complete,
                "locked_by": summary.lock.as_ref().map(|(info, staleness)| serde_json::json!({"lock": info, "stale": staleness.is_some(), "staleness": staleness})),
            });
            writeln!(out, "{}", to_json(&json)?)?;
        }
        Format::Text => write_text(&mut out, &args.assessment, &summary)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn ids(list: &[String]) -> String {
    sanitise_line(&list.join(", "))
}

fn write_text(out: &mut impl Write, path: &Path, summary: &Summary) -> std::io::Result<()> {
    let a = &summary.loaded.assessment;
    writeln!(out, "System: {}", sanitise_line(&a.system.name))?;
    if !a.system.description.is_empty() {
        for line in sanitise(&a.system.description).lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out, "File: {}", sanitise_line(&path.display().to_string()))?;
    let role = if a.assessor.role.is_empty() {
        String::new()
    } else {
        format!(", {}", a.assessor.role)
    };
    writeln!(
        out,
        "Assessor: {}{}",
        sanitise_line(&a.assessor.signature()),
        sanitise_line(&role)
    )?;
    writeln!(
        out,
        "Created: {}   Last changed: {}",
        local_time(a.created_at),
        local_time(a.updated_at)
    )?;
    let against: Vec<String> = a
        .questionnaires
        .iter()
        .map(|q| format!("{} {}", q.id, q.version))
        .collect();
    if !against.is_empty() {
        writeln!(
            out,
            "Answered against: {}",
            sanitise_line(&against.join(", "))
        )?;
    }
    writeln!(
        out,
        "Effective classification: {}",
        summary.classification()
    )?;
    for stop in summary.evaluation.stops() {
        writeln!(
            out,
            "STOP: {}. Take the system to the {}; it cannot be self-assessed.",
            sanitise_line(stop.title.trim_end_matches('.')),
            sanitise_line(stop.contact.as_deref().unwrap_or("Cyber Security team"))
        )?;
    }
    let progress = &summary.evaluation.progress;
    writeln!(
        out,
        "Progress: {} of {} questions answered ({} \"don't know yet\")",
        progress.answered, progress.total, progress.dont_know
    )?;
    if let Some((info, staleness)) = &summary.lock {
        let state = match staleness {
            None => "",
            Some(Staleness::Ended | Staleness::PidReused | Staleness::OwnPid) => {
                " (that process has ended: the lock is stale and can be taken over)"
            }
            Some(Staleness::Unreadable) => " (the lock file cannot be read: it can be taken over)",
            Some(Staleness::OtherHost) => {
                " (another computer: this one cannot tell whether it is still open there)"
            }
            Some(Staleness::Unverifiable) => {
                " (this computer cannot tell whether that process is still secassess)"
            }
        };
        writeln!(
            out,
            "Open for editing by {} on {} since {} (process {}){state}",
            sanitise_line(&info.holder),
            sanitise_line(&info.host),
            local_time(info.started_at),
            info.pid
        )?;
    }
    if !summary.loaded.complete {
        writeln!(
            out,
            "\nWARNING: the file does not end with '{END_MARKER}': it may have been cut short. It can be viewed but will not be saved over until that is checked."
        )?;
    }
    for step in &summary.loaded.migrations {
        writeln!(
            out,
            "\nNOTE: written in schema version {}; it will be updated when next saved ({step}), and the original kept.",
            summary.loaded.schema_version
        )?;
    }
    if !summary.problems.is_empty() {
        writeln!(
            out,
            "\nAnswers that could not be used ({}):",
            summary.problems.len()
        )?;
        for problem in &summary.problems {
            writeln!(out, "  - {}", sanitise_line(problem))?;
        }
    }
    write_upgrade(out, &summary.upgrade, summary)
}

fn write_upgrade(
    out: &mut impl Write,
    report: &UpgradeReport,
    summary: &Summary,
) -> std::io::Result<()> {
    if report.is_empty() {
        writeln!(
            out,
            "\nQuestionnaires: unchanged since this assessment was answered."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\nQuestionnaires changed since this assessment was answered:"
    )?;
    for q in &report.questionnaires {
        let change = match &q.change {
            VersionChange::Upgraded { from, to } => format!("version {from} -> {to}"),
            VersionChange::ContentChanged { version } => {
                format!("content changed without a new version (still {version})")
            }
            VersionChange::Added { version } => format!("new questionnaire (version {version})"),
            VersionChange::Removed { version } => {
                format!("no longer loaded (was version {version})")
            }
        };
        writeln!(
            out,
            "  {}: {}",
            sanitise_line(&q.id),
            sanitise_line(&change)
        )?;
    }
    if !report.new_questions.is_empty() {
        writeln!(
            out,
            "  New questions ({}): {}",
            report.new_questions.len(),
            ids(&report.new_questions)
        )?;
    }
    if !report.removed_questions.is_empty() {
        let answered = report
            .removed_questions
            .iter()
            .filter(|id| summary.loaded.assessment.answers.contains_key(*id))
            .count();
        writeln!(
            out,
            "  Removed questions ({}): {}{}",
            report.removed_questions.len(),
            ids(&report.removed_questions),
            if answered > 0 {
                " (their answers are kept in the file)"
            } else {
                ""
            }
        )?;
    }
    if !report.reconfirm.is_empty() {
        writeln!(
            out,
            "  Changed questions, answers to confirm again ({}): {}",
            report.reconfirm.len(),
            ids(&report.reconfirm)
        )?;
    }
    Ok(())
}
