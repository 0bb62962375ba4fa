//! `secassess open FILE` and `secassess` on its own: the interactive walkthrough, in the
//! front end that suits where the output goes. Plain line-by-line mode with `--plain` or
//! when input or output is not a terminal; otherwise the full-screen TUI (see
//! [`dispatch`]). Also who the user is on first run, asked in plain mode and saved (the
//! TUI asks in a form of its own).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use secassess::assessment::record::Person;
use secassess::plain::home::HomeChoice;
use secassess::plain::{self, Outcome, PlainError};
use secassess::session::Session;
use secassess::store::{identity, locations};
use secassess::text::sanitise_line;
use secassess::tui::shell::{self, Launch};
use secassess::tui::theme::Theme;

use super::new::known_person;
use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml) to work on.
    assessment: PathBuf,
}

/// `secassess open FILE`.
pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    dispatch(context, Some(args.assessment))
}

/// `secassess` with no subcommand: the list of assessments to pick from.
pub fn home(context: &Context) -> Result<ExitCode, CliError> {
    dispatch(context, None)
}

/// Which front end runs an interactive session: plain mode with `--plain` or when
/// stdin or stdout is not a terminal (a screen reader's pipe, a script); the full-screen
/// TUI otherwise.
pub fn dispatch(context: &Context, assessment: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let use_plain =
        context.plain || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal();
    if use_plain {
        super::release_locks_when_stopped();
        return run_plain(context, assessment);
    }
    run_tui(context, assessment)
}

/// The full-screen TUI: the home screen, or straight into `assessment`.
fn run_tui(context: &Context, assessment: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let config_dir = locations::config_dir()?;
    let who = known_person(context)?;
    let data_dir = locations::data_dir(context.data_dir.as_deref())?;
    let theme = Theme::from_env(
        std::env::var("NO_COLOR").ok().as_deref(),
        std::env::var("SECASSESS_THEME").ok().as_deref(),
    );
    // A key given with --key that cannot be used, too.
    let signer = secassess::store::signing_key::Signer::from_choice(&context.key)?;
    // A file that cannot be opened is reported before the screen is taken over.
    if let Some(path) = &assessment {
        if !path.is_file() {
            return Err(CliError::Usage(format!(
                "{} is not a file; give the path of a .secassess.toml file, or run secassess with no arguments to choose one",
                sanitise_line(&path.display().to_string())
            )));
        }
    }
    let ended = shell::run(Launch {
        catalogue,
        who,
        data_dir,
        config_dir,
        open: assessment,
        theme,
        signer,
        verbose: context.verbose,
    })?;
    match ended {
        shell::Ended::Quit => Ok(ExitCode::SUCCESS),
        // Everything is saved and the terminal restored: end as the signal asked.
        shell::Ended::Stopped(stop) => stop.exit(),
    }
}

/// Plain mode on stdin/stdout: straight into `assessment`, or the home list.
pub fn run_plain(context: &Context, assessment: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let catalogue = Arc::new(context.catalogue()?);
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout().lock();
    let who = plain_identity(context, &mut input, &mut output)?;
    if let Some(path) = assessment {
        let mut session = Session::open(&path, catalogue, who, Utc::now())?;
        plain::run(&mut input, &mut output, &mut session).map_err(from_plain)?;
        return Ok(ExitCode::SUCCESS);
    }
    let data_dir = locations::data_dir(context.data_dir.as_deref())?;
    loop {
        let choice = plain::home::home(
            &mut input,
            &mut output,
            &data_dir,
            &catalogue,
            &who,
            Utc::now(),
        )
        .map_err(from_plain)?;
        let HomeChoice::Open(path) = choice else {
            return Ok(ExitCode::SUCCESS);
        };
        let mut session = Session::open(&path, Arc::clone(&catalogue), who.clone(), Utc::now())?;
        let outcome = plain::run(&mut input, &mut output, &mut session).map_err(from_plain)?;
        if outcome == Outcome::EndOfInput {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

fn from_plain(error: PlainError) -> CliError {
    match error {
        PlainError::Io(e) => CliError::Output(e),
        PlainError::Session(e) => CliError::Session(e),
    }
}

/// Who is answering: `--as`, the environment, or the saved identity; with none of them,
/// asks on the input (name, role, email) and saves the answer for next time.
pub(super) fn plain_identity(
    context: &Context,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<Person, CliError> {
    if let Some(person) = known_person(context)? {
        return Ok(person);
    }
    let config_dir = locations::config_dir()?;
    let path = identity::identity_path(&config_dir);
    let Some(person) = plain::home::ask_identity(input, output, &path).map_err(from_plain)? else {
        return Err(CliError::Usage(
            "no name and email given, so nothing can be recorded; nothing was saved. \
             Run secassess again, or give --as \"Name <email>\" or SECASSESS_NAME and SECASSESS_EMAIL."
                .into(),
        ));
    };
    let saved_at = identity::save_identity(&config_dir, &person)?;
    writeln!(
        output,
        "Saved in {}. Change it there at any time, or use --as for one command.",
        sanitise_line(&saved_at.display().to_string())
    )?;
    Ok(person)
}
