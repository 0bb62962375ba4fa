//! `secassess system FILE [--name NAME] [--description TEXT]`: changes the system's name
//! or description, which the evidence pack's cover states. Audited like an answer (the
//! audit trail pins them, so an edit in a text editor shows in `verify`), under the
//! file's lock, saved atomically.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use secassess::session::SessionError;
use secassess::text::sanitise_line;

use super::new::current_person;
use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// The system's new name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,

    /// The system's new description: a sentence or two on what it does and for whom.
    #[arg(long, short, value_name = "TEXT")]
    description: Option<String>,

    /// Take over the file if it was left open by a secassess that is no longer running
    /// (after a crash); a file open in a running secassess is never taken.
    #[arg(long)]
    take_over: bool,

    /// Change it although the assessment is signed off: it then shows as changed since
    /// sign-off until it is reviewed again.
    #[arg(long)]
    after_sign_off: bool,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    if args.name.is_none() && args.description.is_none() {
        return Err(CliError::Usage(
            "nothing to change: give --name NAME, --description TEXT or both".into(),
        ));
    }
    let catalogue = context.catalogue()?;
    let who = current_person(context, false)?;
    let now = Utc::now();
    let mut session =
        super::open_to_change(&args.assessment, catalogue.into(), who, args.take_over, now)?;
    super::refuse_after_sign_off(&session, args.after_sign_off)?;
    session.agree_to_change_after_sign_off();
    let current = session.assessment().system.clone();
    let name = args.name.unwrap_or(current.name);
    let description = args.description.unwrap_or(current.description);
    let changed = match session.set_system(&name, &description, now) {
        Ok(changed) => changed,
        Err(SessionError::InvalidText { what, problem }) => {
            return Err(CliError::Usage(format!(
                "{what} {problem}; nothing was changed"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    let file = sanitise_line(&args.assessment.display().to_string());
    if !changed {
        writeln!(out, "The system's details in {file} are unchanged.")?;
        return Ok(ExitCode::SUCCESS);
    }
    session.save()?;
    let system = &session.assessment().system;
    writeln!(
        out,
        "Saved in {file}: system \"{}\"{}.",
        sanitise_line(&system.name),
        if system.description.is_empty() {
            String::new()
        } else {
            format!(", described as \"{}\"", sanitise_line(&system.description))
        }
    )?;
    Ok(ExitCode::SUCCESS)
}
