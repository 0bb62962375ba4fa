//! `secassess new NAME [--description D] [--output PATH]`: starts an assessment file for
//! a system, in the data directory unless told otherwise, never over an existing file.
//! Also who "you" are for every command that records a person: `--as`, the environment,
//! or the identity saved in the config directory, asked for once in a terminal.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use secassess::assessment::identity::{check_person, resolve};
use secassess::assessment::record::{Assessment, Person, System};
use secassess::store::{self, identity, locations};
use secassess::text::sanitise_line;

use super::{CliError, Context};

/// Longest system name accepted: it is a title, not a description.
const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 10_000;

#[derive(clap::Args)]
pub struct Args {
    /// The system or service being assessed, e.g. "Patient portal".
    name: String,

    /// A sentence or two on what the system does and for whom.
    #[arg(long, short, value_name = "TEXT")]
    description: Option<String>,

    /// Where to write the assessment: a file, or a folder to put it in. By default it goes
    /// in the data directory, named after the system.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let name = args.name.trim();
    check_text("the system name", name, MAX_NAME_CHARS, false)?;
    if name.is_empty() {
        return Err(CliError::Usage(
            "the system name is empty; write it as e.g. secassess new \"Patient portal\"".into(),
        ));
    }
    let description = args.description.as_deref().unwrap_or_default().trim();
    check_text("--description", description, MAX_DESCRIPTION_CHARS, true)?;
    let catalogue = context.catalogue()?;
    let who = current_person(context, true)?;
    let path = match &args.output {
        Some(dir) if dir.is_dir() => locations::default_path(dir, name),
        Some(file) => file.clone(),
        None => {
            let dir = locations::data_dir(context.data_dir.as_deref())?;
            store::ensure_dir(&dir)?;
            locations::default_path(&dir, name)
        }
    };
    let system = System {
        name: name.to_string(),
        description: description.to_string(),
    };
    let assessment = Assessment::new(system, who.clone(), &catalogue, Utc::now());
    store::create(&path, &assessment)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Created {} for \"{}\", assessed by {}.",
        sanitise_line(&path.display().to_string()),
        sanitise_line(name),
        sanitise_line(&who.signature())
    )?;
    writeln!(
        out,
        "See it with: secassess show {}",
        sanitise_line(&path.display().to_string())
    )?;
    Ok(ExitCode::SUCCESS)
}

fn check_text(what: &'static str, text: &str, max: usize, multiline: bool) -> Result<(), CliError> {
    secassess::session::check_text(what, text, max, multiline)
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// Who is using secassess, if anyone has said: `--as`, then `SECASSESS_NAME`/`_EMAIL`/
/// `_ROLE`, then the saved identity. `None` on first use.
pub fn known_person(context: &Context) -> Result<Option<Person>, CliError> {
    let config_dir = locations::config_dir()?;
    let saved = identity::load_identity(&config_dir)?;
    Ok(resolve(
        context.acting_as.as_deref(),
        &identity::identity_env(),
        saved.as_ref(),
    )?
    .map(|(person, _)| person))
}

/// Who is using secassess now: `--as`, then `SECASSESS_NAME`/`_EMAIL`/`_ROLE`, then the
/// saved identity. With nobody configured, asks on the terminal (when `ask` and stdin is
/// one) and saves the answer; otherwise says how to set it.
pub fn current_person(context: &Context, ask: bool) -> Result<Person, CliError> {
    if let Some(person) = known_person(context)? {
        return Ok(person);
    }
    let config_dir = locations::config_dir()?;
    let path = identity::identity_path(&config_dir);
    if !ask || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "secassess records who gives each answer, and does not know who you are yet. \
             Give --as \"Name <email>\", or set SECASSESS_NAME and SECASSESS_EMAIL (and SECASSESS_ROLE), \
             or save name = \"...\", email = \"...\", role = \"...\" in {} \
             (running a command such as `secassess new` in a terminal asks once and saves it there).",
            path.display()
        )));
    }
    let person = ask_identity(&path)?;
    let saved_at = identity::save_identity(&config_dir, &person)?;
    eprintln!(
        "Saved as {}. Change it there at any time, or use --as for one command.",
        sanitise_line(&saved_at.display().to_string())
    );
    Ok(person)
}

fn ask_identity(path: &std::path::Path) -> Result<Person, CliError> {
    eprintln!(
        "secassess records who gives each answer. Tell it who you are once; it is kept in {}.",
        sanitise_line(&path.display().to_string())
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut ask = |prompt: &str| -> Result<String, CliError> {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Err(CliError::Usage(
                "no answer given (end of input); nothing was saved".into(),
            ));
        }
        Ok(line.trim().to_string())
    };
    for _ in 0..3 {
        let person = Person {
            name: ask("Your name")?,
            email: ask("Your work email")?,
            role: ask("Your role (e.g. Project lead)")?,
        };
        match check_person(&person, "your answer") {
            Ok(()) => return Ok(person),
            Err(e) => eprintln!("{}; please try again.", sanitise_line(&e.to_string())),
        }
    }
    Err(CliError::Usage(
        "no usable name and email after three tries; nothing was saved".into(),
    ))
}
