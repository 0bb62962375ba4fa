//! `secassess obligations [ASSESSMENT] [--set id=value]...`: which obligations apply,
//! whether they are met, why, what to do and every requirement quoted; a system outside
//! self-assessment (a "stop" notice) is said first; organisation duties are shown apart,
//! as context; for an assessment file, for answers given on the
//! command line (a what-if view), or both (the flags override the file). With a file,
//! its findings count: a recorded pre-approval can show an obligation as met, and a
//! treated gap reads "not met — risk accepted by NAME on DATE", never met.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use secassess::assessment::findings::{self, Standing};
use secassess::questionnaire::answer::{parse_answer, AnswerValue, Answers};
use secassess::questionnaire::expr::Truth;
use secassess::questionnaire::model::{Level, NoticeSeverity, Scope};
use secassess::questionnaire::{Catalogue, Question};
use secassess::rules::{self, Evaluation, ObligationResult, Status};
use secassess::store;
use secassess::text::{sanitise, sanitise_line};

use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// An assessment file (*.secassess.toml). Without it, only the --set answers count.
    assessment: Option<PathBuf>,

    /// Answer a question for this run only, e.g. --set classification=official.
    /// Repeat for more answers; use dont-know for "don't know yet".
    #[arg(long = "set", value_name = "ID=VALUE")]
    set: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Applies `--set id=value` flags over the answers, checking ids and values.
pub fn apply_sets(
    catalogue: &Catalogue,
    answers: &mut Answers,
    sets: &[String],
) -> Result<(), CliError> {
    for set in sets {
        let (question, value) = parse_set(catalogue, set)?;
        answers.insert(question.id.clone(), value);
    }
    Ok(())
}

/// Reads one `--set ID=VALUE`: the question it names and the typed value, or a usage
/// error that says what to write instead.
pub fn parse_set<'c>(
    catalogue: &'c Catalogue,
    set: &str,
) -> Result<(&'c Question, AnswerValue), CliError> {
    let Some((id, value)) = set.split_once('=') else {
        return Err(CliError::Usage(format!(
            "--set {set}: write it as ID=VALUE, e.g. --set classification=official"
        )));
    };
    let id = id.trim();
    let Some(question) = catalogue.question(id) else {
        let close: Vec<&str> = catalogue
            .questions
            .keys()
            .filter(|k| k.contains(id) || id.contains(k.as_str()))
            .map(String::as_str)
            .take(3)
            .collect();
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" Did you mean {}?", close.join(" or "))
        };
        return Err(CliError::Usage(format!(
            "--set {set}: there is no question '{id}'.{hint} Run `secassess questions` to list question ids."
        )));
    };
    let value =
        parse_answer(question, value).map_err(|e| CliError::Usage(format!("--set {set}: {e}")))?;
    Ok((question, value))
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let mut answers = Answers::new();
    let mut problems = Vec::new();
    let mut system_name = None;
    let mut assessment = None;
    if let Some(path) = &args.assessment {
        let loaded = store::read_assessment(path)?;
        let (typed, answer_problems) = loaded.typed_answers(&catalogue);
        answers = typed;
        problems = answer_problems.into_iter().map(|p| p.problem).collect();
        system_name = Some(loaded.system.name.clone());
        assessment = Some(loaded);
    }
    apply_sets(&catalogue, &mut answers, &args.set)?;
    let mut evaluation = rules::evaluate(&catalogue, &answers);
    // With a file, its findings count: an approval it records can make an obligation met,
    // and a risk acceptance is shown as "not met — risk accepted by ...", never as met.
    let standings: Vec<Standing> = match &assessment {
        Some(a) => {
            findings::apply_recorded_approvals(&mut evaluation, &findings::trusted_findings(a));
            let register = findings::check_consistency(a, &catalogue);
            let today = chrono::Local::now().date_naive();
            findings::standings(&a.findings, &register, &catalogue, &evaluation, today)
                .into_iter()
                .filter(|s| !s.findings.is_empty())
                .collect()
        }
        None => Vec::new(),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "system": system_name,
                "effective_classification": evaluation.effective_classification,
                "notices": evaluation.notices,
                "progress": evaluation.progress,
                "answer_problems": problems,
                "obligations": evaluation.obligations,
                "findings": standings,
            });
            writeln!(out, "{}", to_json(&json)?)?;
        }
        Format::Text => write_text(
            &mut out,
            system_name.as_deref(),
            &evaluation,
            &problems,
            &standings,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::NotMet => "NOT MET",
        Status::Unknown => "UNKNOWN",
        Status::Met => "MET",
        Status::NotApplicable => "N/A",
    }
}

fn write_obligation(
    out: &mut impl Write,
    o: &ObligationResult,
    standings: &[Standing],
) -> std::io::Result<()> {
    writeln!(
        out,
        "  [{:<7}] {:<6} {}  {}",
        status_word(o.status),
        o.level.name(),
        o.id,
        sanitise_line(&o.title)
    )?;
    // The reasons end with the first source; every source is printed below instead.
    for reason in o.reasons.iter().filter(|r| {
        !r.starts_with(rules::REQUIRED_BY) && !r.starts_with(rules::GOOD_PRACTICE_BASIS)
    }) {
        writeln!(out, "      {}", sanitise_line(reason))?;
    }
    if let Some(standing) = standings.iter().find(|s| s.obligation == o.id) {
        writeln!(out, "      Findings: {}", sanitise_line(&standing.summary))?;
    }
    if matches!(o.status, Status::NotMet | Status::Unknown) && !o.guidance.is_empty() {
        writeln!(out, "      To do: {}", sanitise_line(&o.guidance))?;
    }
    if let Some(who) = &o.exception_approver {
        if o.status != Status::Met {
            writeln!(
                out,
                "      Exceptions: only the {} can approve one; a business owner's risk acceptance does not treat a gap here.",
                sanitise_line(who)
            )?;
        }
    }
    for (i, source) in o.sources.iter().enumerate() {
        let lead = match (i, o.level) {
            (0, Level::GoodPractice) => rules::GOOD_PRACTICE_BASIS.trim_end(),
            (0, _) => rules::REQUIRED_BY.trim_end(),
            (_, Level::GoodPractice) => "Also supports",
            _ => "Also required by",
        };
        writeln!(
            out,
            "      {lead} {}, {}: \"{}\"",
            sanitise_line(&source.reference()),
            sanitise_line(&source.section),
            sanitise_line(&source.quote)
        )?;
    }
    if !o.involves.is_empty() && o.status != Status::NotApplicable {
        writeln!(
            out,
            "      Involves: {}",
            sanitise_line(&o.involves.join(", "))
        )?;
    }
    Ok(())
}

fn write_text(
    out: &mut impl Write,
    system: Option<&str>,
    evaluation: &Evaluation,
    problems: &[String],
    standings: &[Standing],
) -> std::io::Result<()> {
    // Outside self-assessment is said first, before anything that could read as a
    // checklist to complete.
    for stop in evaluation.stops() {
        writeln!(out, "STOP: {}", sanitise_line(&stop.title))?;
        writeln!(out, "  {}", sanitise(&stop.text))?;
        if let Some(contact) = &stop.contact {
            writeln!(out, "  Contact: {}", sanitise_line(contact))?;
        }
        writeln!(
            out,
            "  The obligations below are NOT sufficient for this system: they are the baseline for OFFICIAL systems only.\n"
        )?;
    }
    if let Some(name) = system {
        writeln!(out, "System: {}", sanitise_line(name))?;
    }
    if let Some(ec) = &evaluation.effective_classification {
        let value = ec
            .label
            .clone()
            .unwrap_or_else(|| format!("at least {} (not settled)", ec.at_least_label));
        writeln!(out, "Effective classification: {value}")?;
        writeln!(out, "  {}", sanitise_line(&ec.explanation))?;
    }
    for notice in evaluation
        .notices
        .iter()
        .filter(|n| n.severity != NoticeSeverity::Stop)
    {
        let tag = match notice.severity {
            NoticeSeverity::Stop => "STOP",
            NoticeSeverity::Warning => "WARNING",
            NoticeSeverity::Info => "NOTE",
        };
        writeln!(out, "\n{tag}: {}", sanitise_line(&notice.title))?;
        writeln!(out, "  {}", sanitise(&notice.text))?;
        if let Some(contact) = &notice.contact {
            writeln!(out, "  Contact: {}", sanitise_line(contact))?;
        }
    }
    for problem in problems {
        writeln!(out, "\nWARNING: {}", sanitise_line(problem))?;
    }
    let groups = [
        (Status::NotMet, Truth::True, "Apply and not met"),
        (
            Status::Unknown,
            Truth::True,
            "Apply; not known yet whether met",
        ),
        (Status::Met, Truth::True, "Apply and met"),
        (
            Status::Unknown,
            Truth::Unknown,
            "May apply; answer the questions named below",
        ),
    ];
    let system = |o: &&ObligationResult| o.scope == Scope::System;
    for (status, applies, heading) in groups {
        let items: Vec<&ObligationResult> = evaluation
            .obligations
            .iter()
            .filter(system)
            .filter(|o| o.status == status && o.applies == applies)
            .collect();
        if items.is_empty() {
            continue;
        }
        writeln!(out, "\n{heading} ({}):", items.len())?;
        let mut sorted = items;
        sorted.sort_by_key(|o| o.level);
        for o in sorted {
            write_obligation(out, o, standings)?;
        }
    }
    let organisation: Vec<&ObligationResult> = evaluation
        .obligations
        .iter()
        .filter(|o| o.scope == Scope::Organisation && o.status != Status::NotApplicable)
        .collect();
    if !organisation.is_empty() {
        writeln!(
            out,
            "\nOrganisation context ({}): the organisation's duties, not the project's; shown with their own status, they never block the project:",
            organisation.len()
        )?;
        for o in organisation {
            write_obligation(out, o, standings)?;
        }
    }
    let not_applicable: Vec<&str> = evaluation
        .obligations
        .iter()
        .filter(|o| o.status == Status::NotApplicable)
        .map(|o| o.id.as_str())
        .collect();
    if !not_applicable.is_empty() {
        writeln!(
            out,
            "\nNot applicable ({}): {}",
            not_applicable.len(),
            not_applicable.join(", ")
        )?;
    }
    let count = |s: Status| {
        evaluation
            .obligations
            .iter()
            .filter(|o| o.status == s)
            .count()
    };
    writeln!(
        out,
        "\nSummary: {} not met, {} unknown, {} met, {} not applicable. Questions answered: {} of {}.",
        count(Status::NotMet),
        count(Status::Unknown),
        count(Status::Met),
        count(Status::NotApplicable),
        evaluation.progress.answered,
        evaluation.progress.total
    )?;
    Ok(())
}
