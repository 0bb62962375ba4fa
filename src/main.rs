//! The `secassess` command: argument parsing, dispatch to one module per subcommand, and
//! the single place where an error becomes a message on stderr and an exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

use cli::{CliError, Context};
use secassess::store::signing_key::KeyChoice;

/// Guided security self-assessment for NHS England IT systems and services.
///
/// secassess asks about your system, works out which of NHS England's security
/// obligations apply to it and why (above all from the data classification), and keeps
/// the evidence. It works offline and never sends anything anywhere.
#[derive(Parser)]
#[command(name = "secassess", version, about, long_about, after_help = AFTER_HELP)]
struct Cli {
    /// A folder of questionnaire TOML files that add to, or replace, the built-in ones.
    #[arg(
        long,
        global = true,
        env = "SECASSESS_QUESTIONNAIRES",
        value_name = "DIR"
    )]
    questionnaires: Option<std::path::PathBuf>,

    /// The folder assessments are kept in (e.g. on a USB stick or shared drive), instead
    /// of your own data folder.
    #[arg(long, global = true, env = "SECASSESS_DATA_DIR", value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,

    /// Act as this person for this command, e.g. --as "Jane Smith <jane.smith@nhs.net>",
    /// instead of the identity saved in your settings (or SECASSESS_NAME/_EMAIL/_ROLE).
    #[arg(long = "as", global = true, value_name = "NAME <EMAIL>")]
    acting_as: Option<String>,

    /// Sign sign-offs, risk acceptances and exception approvals with this OpenSSH private
    /// key, instead of the first of ~/.ssh/id_ed25519, id_ecdsa and id_rsa (a key that is
    /// encrypted asks for its passphrase).
    #[arg(
        long,
        global = true,
        env = "SECASSESS_SIGNING_KEY",
        value_name = "FILE",
        conflicts_with = "no_key"
    )]
    key: Option<std::path::PathBuf>,

    /// Do not sign with an SSH key, even when one is found in ~/.ssh.
    #[arg(long, global = true)]
    no_key: bool,

    /// Ask the questions line by line, with no cursor movement or colour: for screen
    /// readers and scripts. Also chosen automatically when the input or the output is not a terminal.
    #[arg(long, global = true, env = "SECASSESS_PLAIN")]
    plain: bool,

    /// Show question and obligation ids beside their titles in messages (the ids
    /// `--set`, `--obligation` and the JSON output use).
    #[arg(long, global = true)]
    verbose: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

const AFTER_HELP: &str = "\
Examples:
  secassess
      The guided walkthrough: your assessments, or start a new one.
  secassess obligations --set classification=official --set personal_data=yes
      What applies to an OFFICIAL system that handles personal data, and why.
  secassess check ward-rota.secassess.toml
      Exit 0 only when every applicable MUST obligation is met or treated.
  secassess export ward-rota.secassess.toml --pdf ward-rota.pdf
      The evidence pack for the Cyber Security team and the IG representative.
  secassess review ward-rota.secassess.toml
      Review the answers and sign off (IG representatives).
  secassess portfolio shared/assessments --classification official-sensitive+ --unsigned
      Every OFFICIAL-SENSITIVE (or higher) assessment in a folder without a valid sign-off.";

#[derive(Subcommand)]
enum Command {
    /// Check questionnaire files and report every problem as file:line:column.
    Validate(cli::validate::Args),
    /// List the questions as loaded, in the order they are asked.
    Questions(cli::questions::Args),
    /// Show which obligations apply, whether they are met, and why.
    Obligations(cli::obligations::Args),
    /// Start a new assessment for a system.
    New(cli::new::Args),
    /// List the assessments in the data folder, with their progress.
    List(cli::list::Args),
    /// Summarise one assessment file.
    Show(cli::show::Args),
    /// Change the system's name or description (recorded in the audit trail).
    System(cli::system::Args),
    /// Work through an assessment's questions (with no FILE: run `secassess` alone).
    Open(cli::open::Args),
    /// Answer questions from the command line or a script: --set ID=VALUE.
    Answer(cli::answer::Args),
    /// Review the answers as an IG or Cyber Security reviewer and sign off; --reply to
    /// answer the reviewer's queries as the project lead.
    Review(cli::review::Args),
    /// Check the audit trail, review pins and sign-off of an assessment file.
    Verify(cli::verify::Args),
    /// What changed between two assessment files, or since the last sign-off.
    Diff(cli::diff::Args),
    /// List the findings register, and the unmet obligations with no finding yet.
    Findings(cli::findings::Args),
    /// Pipeline gate: exit 0 only when every applicable MUST obligation is met or treated.
    Check(cli::check::Args),
    /// Record a finding or its treatment without the terminal UI.
    #[command(subcommand)]
    Finding(cli::finding::Action),
    /// Write the evidence pack (PDF, accessible HTML, Markdown) and exports (JSON, CSV) for an assessment.
    Export(cli::export::Args),
    /// Every assessment under some folders (a shared drive, a git repository), one row
    /// each: gate, gaps, overdue dates, escalations, sign-off; as text, JSON, CSV, HTML or
    /// a PDF register; --since REV for what changed since a git revision.
    Portfolio(cli::portfolio::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let context = Context {
        questionnaires: cli.questionnaires,
        data_dir: cli.data_dir,
        acting_as: cli.acting_as,
        plain: cli.plain,
        key: match (cli.key, cli.no_key) {
            (_, true) => KeyChoice::Off,
            (Some(file), false) => KeyChoice::File(file),
            (None, false) => KeyChoice::Default,
        },
        verbose: cli.verbose,
    };
    // The TUI handles stop requests itself (it must restore the terminal first); every
    // line-by-line command releases its locks when stopped.
    let tui_may_run = matches!(cli.command, None | Some(Command::Open(_)));
    if !tui_may_run {
        cli::release_locks_when_stopped();
    }
    let result = match cli.command {
        Some(Command::Validate(args)) => cli::validate::run(&context, args),
        Some(Command::Questions(args)) => cli::questions::run(&context, args),
        Some(Command::Obligations(args)) => cli::obligations::run(&context, args),
        Some(Command::New(args)) => cli::new::run(&context, args),
        Some(Command::List(args)) => cli::list::run(&context, args),
        Some(Command::Show(args)) => cli::show::run(&context, args),
        Some(Command::System(args)) => cli::system::run(&context, args),
        Some(Command::Open(args)) => cli::open::run(&context, args),
        Some(Command::Answer(args)) => cli::answer::run(&context, args),
        Some(Command::Review(args)) => cli::review::run(&context, args),
        Some(Command::Verify(args)) => cli::verify::run(&context, args),
        Some(Command::Diff(args)) => cli::diff::run(&context, args),
        Some(Command::Findings(args)) => cli::findings::run(&context, args),
        Some(Command::Check(args)) => cli::check::run(&context, args),
        Some(Command::Finding(action)) => cli::finding::run(&context, action),
        Some(Command::Export(args)) => cli::export::run(&context, args),
        Some(Command::Portfolio(args)) => cli::portfolio::run(&context, args),
        None => cli::open::home(&context),
    };
    match result {
        Ok(code) => code,
        Err(error) => report(&error),
    }
}

/// The one place an error is shown: its message, then the exit code it maps to.
fn report(error: &CliError) -> ExitCode {
    // `secassess obligations | head` closing the pipe early is not a failure.
    if matches!(error, CliError::Output(e) if cli::reader_went_away(e)) {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "secassess: {}",
        secassess::text::sanitise(&error.to_string())
    );
    ExitCode::from(error.exit_code())
}
