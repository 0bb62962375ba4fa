//! `secassess answer FILE --set ID=VALUE...`: answers questions from the command line or a
//! script, exactly as the walkthrough would (audited, under the lock, saved atomically),
//! and says which obligations started or stopped applying. For teams that keep the
//! assessment next to their code and update it in a pipeline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use secassess::session::{
    check_answer_text, fingerprint_local_evidence, obligation_change_lines, SessionError,
};
use secassess::text::{sanitise_line, shorten};

use super::new::current_person;
use super::obligations::parse_set;
use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml) to answer in.
    assessment: PathBuf,

    /// An answer, e.g. --set classification=official-sensitive or --set mfa_admin=yes;
    /// dont-know for "don't know yet". Repeat for more; `secassess questions` lists ids
    /// and values.
    #[arg(long = "set", value_name = "ID=VALUE", required = true)]
    set: Vec<String>,

    /// Take over the file if it was left open by a secassess that is no longer running
    /// (after a crash); a file open in a running secassess is never taken.
    #[arg(long)]
    take_over: bool,

    /// Change answers although the assessment is signed off: it then shows as changed
    /// since sign-off until it is reviewed again. Without it, a signed-off assessment
    /// whose content is still what was signed is not changed.
    #[arg(long)]
    after_sign_off: bool,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    // Every value is checked before anything is changed, so a typo changes nothing.
    let mut answers = Vec::new();
    for set in &args.set {
        let (question, value) = parse_set(&catalogue, set)?;
        check_answer_text(&value)
            .map_err(|e| CliError::Usage(format!("--set {}: {e}", shorten(set))))?;
        // Evidence files are read before the lock is taken, so a slow or large file
        // holds nobody else up.
        let value = fingerprint_local_evidence(value)?;
        answers.push((question.id.clone(), value));
    }
    let who = current_person(context, false)?;
    let now = Utc::now();
    let mut session =
        super::open_to_change(&args.assessment, catalogue.into(), who, args.take_over, now)?;
    if args.after_sign_off {
        session.agree_to_change_after_sign_off();
    }
    let mut out = std::io::stdout().lock();
    // What each answer did is said only once it is saved: a later refusal (an answer
    // after sign-off, the size cap) saves nothing, so "Answered" would not be true.
    let mut said = Vec::new();
    let recorded_before = session.assessment().audit.len();
    for (id, value) in answers {
        let before = session.assessment().audit.len();
        let effects = session.answer(&id, value, now).map_err(|e| match e {
            SessionError::SignedOff { notice } => CliError::Usage(format!(
                "{} is {}. Nothing was changed; add --after-sign-off to change it anyway.",
                sanitise_line(&args.assessment.display().to_string()),
                sanitise_line(&notice)
            )),
            other => other.into(),
        })?;
        if session.assessment().audit.len() == before {
            // Every change is audited, so no new entry means the answer was already this.
            said.push(format!(
                "{} already has that answer; nothing changed.",
                sanitise_line(&id)
            ));
            continue;
        }
        said.push(format!("Answered {}.", sanitise_line(&id)));
        for line in obligation_change_lines(&effects, context.verbose) {
            said.push(format!("  {line}"));
        }
    }
    if session.assessment().audit.len() != recorded_before {
        session.save()?;
    }
    for line in &said {
        writeln!(out, "{line}")?;
    }
    if session.assessment().audit.len() == recorded_before {
        writeln!(
            out,
            "Nothing to save: {} already holds these answers.",
            sanitise_line(&session.path().display().to_string())
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(warning) = session.size_warning() {
        eprintln!("secassess: warning: {warning}");
    }
    if session.path() == args.assessment {
        writeln!(
            out,
            "Saved {}.",
            sanitise_line(&args.assessment.display().to_string())
        )?;
    } else {
        writeln!(
            out,
            "Saved {} (the file the link {} points to).",
            sanitise_line(&session.path().display().to_string()),
            sanitise_line(&args.assessment.display().to_string())
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
