//! `secassess review FILE [--only unreviewed|queried|must] [--reply]`: the review, line by
//! line, as the reviewer (or, with `--reply`, the project lead answering the reviewer's
//! queries). The conversation is `secassess::plain::review`; this only opens the file
//! under its lock as the person acting and maps the outcome to an exit code.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Local, Utc};
use secassess::assessment::review::Filter;
use secassess::plain::review::{self, ReviewOptions};
use secassess::plain::PlainError;
use secassess::session::Session;
use secassess::store::signing_key::Signer;

use super::{CliError, Context};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// Answers waiting on the reviewer: never reviewed, changed after review, or with a
    /// query resolved but the answer not accepted yet.
    Unreviewed,
    /// Answers with a query, open or resolved.
    Queried,
    /// Answers that decide whether a MUST obligation applies or is met.
    Must,
}

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml) to review.
    assessment: PathBuf,

    /// Walk only some of the answers.
    #[arg(long, value_enum, value_name = "WHICH")]
    only: Option<Only>,

    /// As the project lead: go through the reviewer's open queries, reply to them or
    /// change the answer.
    #[arg(long, conflicts_with = "only")]
    reply: bool,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = Arc::new(context.catalogue()?);
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout().lock();
    let who = super::open::plain_identity(context, &mut input, &mut output)?;
    // A key given with --key that cannot be used stops here, before any review.
    let signer = if args.reply {
        Signer::unsigned("replying signs nothing")
    } else {
        Signer::from_choice(&context.key)?
    };
    let mut session = Session::open(&args.assessment, catalogue, who, Utc::now())?;
    run_with(&mut input, &mut output, &mut session, &args, &signer).map_err(|e| match e {
        PlainError::Io(e) => CliError::Output(e),
        PlainError::Session(e) => CliError::Session(e),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_with(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    session: &mut Session,
    args: &Args,
    signer: &Signer,
) -> Result<(), PlainError> {
    if args.reply {
        review::reply(input, output, session)?;
    } else {
        let filter = match args.only {
            None => Filter::All,
            Some(Only::Unreviewed) => Filter::Unreviewed,
            Some(Only::Queried) => Filter::Queried,
            Some(Only::Must) => Filter::Must,
        };
        let options = ReviewOptions {
            filter,
            today: Local::now().date_naive(),
            signer: signer.clone(),
            passphrase: super::passphrase_entry(),
        };
        review::run(input, output, session, options)?;
    }
    Ok(())
}
