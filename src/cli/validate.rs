//! `secassess validate [DIR]`: load questionnaires and report every problem.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use secassess::questionnaire;

use super::{CliError, Context};

#[derive(clap::Args)]
pub struct Args {
    /// Folder of questionnaire files to check on top of the built-in ones (default: the
    /// --questionnaires folder, or the built-in questionnaires alone).
    dir: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = match args.dir.as_ref().or(context.questionnaires.as_ref()) {
        Some(dir) => secassess::store::questionnaires::load_with_overrides(dir)?,
        None => questionnaire::load_embedded()?,
    };
    let questions = catalogue.questions.len();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "OK: {} questionnaires, {questions} questions, {} obligations, {} standards quoted.",
        catalogue.questionnaires.len(),
        catalogue.obligations.len(),
        catalogue.standards.len()
    )?;
    for q in &catalogue.questionnaires {
        writeln!(
            out,
            "  {} {} ({})",
            secassess::text::shorten(&q.id),
            secassess::text::shorten(&q.version),
            secassess::text::sanitise_line(&q.origin)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
