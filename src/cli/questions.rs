//! `secassess questions`: every question as loaded, in the order it is asked.

use std::io::Write;
use std::process::ExitCode;

use secassess::questionnaire::model::Question;
use secassess::text::{sanitise, sanitise_line};

use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(serde::Serialize)]
struct SectionView<'a> {
    id: &'a str,
    title: &'a str,
    questions: Vec<&'a Question>,
}

#[derive(serde::Serialize)]
struct QuestionnaireView<'a> {
    id: &'a str,
    version: &'a str,
    title: &'a str,
    sections: Vec<SectionView<'a>>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let views: Vec<QuestionnaireView<'_>> = catalogue
        .questionnaires
        .iter()
        .map(|q| QuestionnaireView {
            id: &q.id,
            version: &q.version,
            title: &q.title,
            sections: q
                .sections
                .iter()
                .map(|s| SectionView {
                    id: &s.id,
                    title: &s.title,
                    questions: s
                        .questions
                        .iter()
                        .filter_map(|id| catalogue.question(id))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.format == Format::Json {
        writeln!(
            out,
            "{}",
            to_json(&serde_json::json!({ "questionnaires": views }))?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for questionnaire in &views {
        writeln!(
            out,
            "{} (questionnaire {} version {})",
            sanitise_line(questionnaire.title),
            questionnaire.id,
            sanitise_line(questionnaire.version)
        )?;
        for section in &questionnaire.sections {
            writeln!(out, "\n  {}", sanitise_line(section.title))?;
            for question in &section.questions {
                writeln!(out, "    {} [{}]", question.id, question.kind.name())?;
                writeln!(out, "      {}", sanitise(&question.prompt))?;
                if !question.options.is_empty() {
                    let options: Vec<String> = question
                        .options
                        .iter()
                        .map(|o| format!("{} ({})", o.value, sanitise_line(&o.label)))
                        .collect();
                    writeln!(out, "      options: {}", options.join(", "))?;
                }
                if let Some((_, text)) = &question.ask_if {
                    writeln!(out, "      asked if: {}", sanitise_line(text))?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
