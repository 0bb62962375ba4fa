//! `secassess answer FILE --set ID=VALUE...`: answers questions from the command line or a
//! script, exactly as the walkthrough would (audited, under the lock, saved atomically),
//! and says which obligations started or stopped applying. For teams that keep the
//! assessment next to their code and update it in a pipeline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use secassess::session::obligation_change_lines;
use secassess::text::sanitise_line;

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
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    // Every value is checked before anything is changed, so a typo changes nothing.
    let mut answers = Vec::new();
    for set in &args.set {
        let (question, value) = parse_set(&catalogue, set)?;
        answers.push((question.id.clone(), value));
    }
    let who = current_person(context, false)?;
    let now = Utc::now();
    let mut session =
        super::open_to_change(&args.assessment, catalogue.into(), who, args.take_over, now)?;
    let mut out = std::io::stdout().lock();
    for (id, value) in answers {
        let effects = session.answer(&id, value, now)?;
        writeln!(out, "Answered {}.", sanitise_line(&id))?;
        for line in obligation_change_lines(&effects, context.verbose) {
            writeln!(out, "  {line}")?;
        }
    }
    session.save()?;
    writeln!(
        out,
        "Saved {}.",
        sanitise_line(&args.assessment.display().to_string())
    )?;
    Ok(ExitCode::SUCCESS)
}
