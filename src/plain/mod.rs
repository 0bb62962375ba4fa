//! Plain mode: the guided walkthrough as numbered questions, one line at a time on
//! standard input and output, for screen-reader users and scripts. It is chosen with
//! `--plain`, and automatically when the output is not a terminal.
//!
//! Nothing here moves the cursor or colours text: the output is lines of words, every
//! piece of text that came from a file is passed through `text::sanitise` first, and a
//! prompt is the two characters "> ". The questions, their order, which are asked and
//! what applies come from [`crate::walkthrough`] and [`crate::session::Session`], exactly
//! as in the TUI; the answer is saved through the store after every answer, so closing
//! the input (or the window) at any point loses nothing.
//!
//! Answers are typed on one line. A text answer can span several lines by typing `<<<`
//! on a line of its own, then the text, then `>>>` on a line of its own.

pub mod home;
pub mod input;
pub mod passphrase;
pub mod review;

use std::collections::BTreeSet;
use std::io::{self, BufRead, Write};

use chrono::Utc;

use crate::questionnaire::answer::{display_answer, AnswerValue};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{AnswerKind, Catalogue, Level, NoticeSeverity, Question};
use crate::rules::{self, Status};
use crate::session::{Access, AnswerEffects, Session, SessionError};
use crate::text::{sanitise, sanitise_line};
use crate::walkthrough;

use input::{parse_reply, read_line, Line, Reply, MULTILINE_END, MULTILINE_START};

#[derive(Debug, thiserror::Error)]
pub enum PlainError {
    #[error("cannot read input or write output: {0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Session(#[from] SessionError),
}

/// How a walkthrough ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every question asked has been answered or passed over.
    Finished,
    /// The user typed `quit`.
    Quit,
    /// The input ended.
    EndOfInput,
    /// The assessment could only be read: its summary was shown.
    ReadOnly,
}

/// The reader and writer plain mode talks through.
pub(crate) struct Console<'a> {
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
}

impl<'a> Console<'a> {
    pub(crate) fn new(input: &'a mut dyn BufRead, output: &'a mut dyn Write) -> Self {
        Console { input, output }
    }

    /// Writes lines of text (already sanitised by the caller where it came from a file).
    pub(crate) fn say(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.output, "{text}")
    }

    /// Shows `prompt` (then "> " on the same line when it is empty) and reads a line.
    pub(crate) fn ask(&mut self, prompt: &str) -> io::Result<Line> {
        if prompt.is_empty() {
            write!(self.output, "> ")?;
        } else {
            write!(self.output, "{prompt} ")?;
        }
        self.output.flush()?;
        read_line(self.input)
    }

    /// The input and output, for a conversation that makes its own console.
    pub(crate) fn parts(&mut self) -> (&mut dyn BufRead, &mut dyn Write) {
        (&mut *self.input, &mut *self.output)
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.output.flush()
    }

    /// Reads lines up to one that is exactly `>>>`; `None` if the input ends first.
    fn read_block(&mut self) -> io::Result<Option<String>> {
        self.say(&format!(
            "Type the text; finish with a line {MULTILINE_END} on its own."
        ))?;
        let mut lines = Vec::new();
        loop {
            match read_line(self.input)? {
                Line::Text(line) if line.trim() == MULTILINE_END => {
                    return Ok(Some(lines.join("\n")))
                }
                Line::Text(line) => lines.push(line),
                Line::TooLong => self.say("That line was too long and was left out.")?,
                Line::End => return Ok(None),
            }
        }
    }
}

/// Before a change to a signed-off assessment whose content is still what was signed:
/// says so and asks. True when the change may go ahead (nothing to ask, or the user
/// typed yes); false when they said no or the input ended.
pub(crate) fn agree_after_sign_off(
    console: &mut Console<'_>,
    session: &mut Session,
) -> Result<bool, PlainError> {
    let Some(notice) = session.sign_off_notice() else {
        return Ok(true);
    };
    console.say(&format!("This assessment is {}.", sanitise_line(&notice)))?;
    loop {
        match console.ask("Change it anyway? Type yes or no, then Enter.")? {
            Line::Text(t) if matches!(t.trim().to_ascii_lowercase().as_str(), "yes" | "y") => {
                session.agree_to_change_after_sign_off();
                return Ok(true);
            }
            Line::Text(t) if matches!(t.trim().to_ascii_lowercase().as_str(), "no" | "n") => {
                console.say("Not changed.")?;
                return Ok(false);
            }
            Line::End => return Ok(false),
            _ => console.say("Please type yes or no.")?,
        }
    }
}

/// Runs the walkthrough on an open session: shows what the user needs to know about the
/// file, asks every question still needing an answer (starting where it was left),
/// saves after every answer and shows a summary at the end.
pub fn run(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    session: &mut Session,
) -> Result<Outcome, PlainError> {
    let mut console = Console::new(input, output);
    introduce(&mut console, session)?;
    if let Some(warning) = session.size_warning() {
        console.say(&format!("Warning: {warning}"))?;
    }
    if !session.is_editable() {
        summary(&mut console, session)?;
        return Ok(Outcome::ReadOnly);
    }
    let outcome = walk(&mut console, session)?;
    if session.is_dirty() {
        session.save()?;
    }
    match outcome {
        Outcome::Finished => console.say("\nThat was the last question still open.")?,
        Outcome::EndOfInput => console.say("\n(End of input.)")?,
        _ => {}
    }
    summary(&mut console, session)?;
    Ok(outcome)
}

fn introduce(console: &mut Console<'_>, session: &mut Session) -> Result<(), PlainError> {
    let assessment = session.assessment();
    console.say(&format!(
        "Assessment: {} ({})",
        sanitise_line(&assessment.system.name),
        sanitise_line(&session.path().display().to_string())
    ))?;
    console.say(&format!(
        "Answering as {}.",
        sanitise_line(&session.who().signature())
    ))?;
    if let Access::StaleLock(_, staleness) = session.access() {
        let question = if staleness.needs_warning() {
            "Take it over anyway? Only if you are sure nobody has it open. Type yes or no, then Enter."
        } else {
            "Take it over and edit it? Type yes or no, then Enter."
        };
        let reason = session.read_only_reason().unwrap_or_default();
        console.say(&format!(
            "This assessment is read-only for now: {}.",
            sanitise_line(&reason)
        ))?;
        loop {
            match console.ask(question)? {
                Line::Text(t)
                    if t.trim().eq_ignore_ascii_case("yes")
                        || t.trim().eq_ignore_ascii_case("y") =>
                {
                    if let Some(notice) = session.take_over(Utc::now())? {
                        console.say(&notice)?;
                    }
                    break;
                }
                Line::Text(t)
                    if t.trim().eq_ignore_ascii_case("no")
                        || t.trim().eq_ignore_ascii_case("n") =>
                {
                    break
                }
                Line::End => break,
                _ => console.say("Please type yes or no.")?,
            }
        }
    }
    if let Some(reason) = session.read_only_reason() {
        console.say(&format!(
            "Read-only: {}. Nothing can be changed here.",
            sanitise_line(&reason)
        ))?;
    }
    for step in session.migrations() {
        console.say(&format!(
            "Note: this file is in an older format; it will be updated when saved ({step}), and the original kept."
        ))?;
    }
    let problems = session.answer_problems();
    if !problems.is_empty() {
        console.say(&format!(
            "{} stored answer(s) could not be used:",
            problems.len()
        ))?;
        for p in problems {
            console.say(&format!("  - {}", sanitise_line(&p.problem)))?;
        }
    }
    let upgrade = session.upgrade().clone();
    if !upgrade.is_empty() {
        if !upgrade.questionnaires.is_empty() {
            let ids: Vec<&str> = upgrade
                .questionnaires
                .iter()
                .map(|q| q.id.as_str())
                .collect();
            console.say(&format!(
                "The questionnaires have changed since this assessment was answered ({}).",
                sanitise_line(&ids.join(", "))
            ))?;
        }
        if !upgrade.new_questions.is_empty() {
            console.say(&format!(
                "{} new question(s) will be asked.",
                upgrade.new_questions.len()
            ))?;
        }
        if !upgrade.removed_questions.is_empty() {
            console.say(&format!(
                "{} question(s) are no longer asked; any answers to them stay in the file.",
                upgrade.removed_questions.len()
            ))?;
        }
        if !upgrade.reconfirm.is_empty() {
            console.say(&format!(
                "These answered questions have changed since they were answered, and are asked again so you can confirm or change your answers: {}.",
                sanitise_line(&upgrade.reconfirm.join(", "))
            ))?;
        }
        if session.is_editable() && agree_after_sign_off(console, session)? {
            session.accept_questionnaire_upgrade(Utc::now())?;
        }
    }
    let queries =
        crate::assessment::review::open_queries_in_order(session.assessment(), session.catalogue());
    if !queries.is_empty() {
        let ids: Vec<&str> = queries.iter().map(|q| q.question.as_str()).collect();
        console.say(&format!(
            "The reviewer has {} open query(ies) on: {}. Reply, or change the answer, with `secassess review FILE --reply`.",
            queries.len(),
            sanitise_line(&ids.join(", "))
        ))?;
    }
    if session.is_editable() {
        console.say(
            "Type the number or the answer, then Enter. Also: dont-know, skip, later, why, notes, help, quit. \
             Each answer is saved as soon as it is given.",
        )?;
    }
    Ok(())
}

/// What asking one question led to.
enum Asked {
    /// Answered (possibly "don't know yet"): its state changed.
    Answered,
    /// Skipped or marked "answer later": not asked again in this run.
    Passed,
    Quit,
    End,
}

fn walk(console: &mut Console<'_>, session: &mut Session) -> Result<Outcome, PlainError> {
    let mut passed: BTreeSet<String> = BTreeSet::new();
    let mut current = session.resume_step();
    while let Some(index) = current {
        let question = session.steps()[index].question.clone();
        session.set_last_question(&question);
        match ask_question(console, session, index)? {
            Asked::Answered => {}
            Asked::Passed => {
                passed.insert(question);
            }
            Asked::Quit => return Ok(Outcome::Quit),
            Asked::End => return Ok(Outcome::EndOfInput),
        }
        current = next_step(session, index, &passed);
    }
    Ok(Outcome::Finished)
}

/// The next step needing an answer after `from`, wrapping round, leaving out the
/// questions passed over in this run.
fn next_step(session: &Session, from: usize, passed: &BTreeSet<String>) -> Option<usize> {
    let steps = session.steps();
    let mut at = from;
    for _ in 0..steps.len() {
        let next = walkthrough::next_open(steps, at, session.evaluation(), session.assessment())?;
        if !passed.contains(&steps[next].question) {
            return Some(next);
        }
        at = next;
    }
    None
}

/// "Question 3 of 41 (Data and classification)": its place among the questions asked.
fn position(session: &Session, index: usize) -> (usize, usize) {
    walkthrough::position(
        session.steps(),
        index,
        session.evaluation(),
        session.assessment(),
    )
}

fn section_title(catalogue: &Catalogue, questionnaire: &str, section: &str) -> String {
    catalogue
        .questionnaires
        .iter()
        .find(|q| q.id == questionnaire)
        .and_then(|q| q.sections.iter().find(|s| s.id == section))
        .map(|s| s.title.clone())
        .unwrap_or_else(|| section.to_string())
}

fn show_question(console: &mut Console<'_>, session: &Session, index: usize) -> io::Result<()> {
    let step = &session.steps()[index];
    let catalogue = session.catalogue();
    let Some(question) = catalogue.question(&step.question) else {
        return Ok(());
    };
    let (number, total) = position(session, index);
    console.say(&format!(
        "\nQuestion {number} of {total} ({})",
        sanitise_line(&section_title(
            catalogue,
            &step.questionnaire,
            &step.section
        ))
    ))?;
    console.say(&sanitise(&question.prompt))?;
    if !question.help.trim().is_empty() {
        console.say(&sanitise(question.help.trim()))?;
    }
    if session.evaluation().reconfirm.contains(&question.id) {
        if let Some(value) = session.answers().get(&question.id) {
            console.say(&format!(
                "This question changed after you answered it. Your answer was: {}. Answer again to confirm it, or change it.",
                sanitise_line(&display_answer(question, value))
            ))?;
        }
    }
    if let Some(record) = session.assessment().answers.get(&question.id) {
        if record.flagged {
            console.say("You marked this question to answer later.")?;
        }
        if !record.notes.is_empty() {
            console.say(&format!("Your notes: {}", sanitise(&record.notes)))?;
        }
    }
    console.say(&options_text(question))?;
    console.say("(or: dont-know, skip, later, why, notes, help, quit)")
}

/// How to answer: the numbered options, or what to type.
fn options_text(question: &Question) -> String {
    let numbered = |question: &Question| -> String {
        let with_help = question.options.iter().any(|o| o.help.is_some());
        if with_help {
            let lines: Vec<String> = question
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| match &o.help {
                    Some(help) => format!(
                        "  {}) {}: {}",
                        i + 1,
                        sanitise_line(&o.label),
                        sanitise_line(help)
                    ),
                    None => format!("  {}) {}", i + 1, sanitise_line(&o.label)),
                })
                .collect();
            format!("Options:\n{}", lines.join("\n"))
        } else {
            let items: Vec<String> = question
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}) {}", i + 1, sanitise_line(&o.label)))
                .collect();
            format!("Options: {}", items.join(" "))
        }
    };
    match question.kind {
        AnswerKind::YesNo => String::from("Options: 1) Yes 2) No"),
        AnswerKind::Single => numbered(question),
        AnswerKind::Multiple => format!(
            "{}\nChoose any: numbers or answers separated by commas, e.g. 1,3; or none.",
            numbered(question)
        ),
        AnswerKind::Text => format!(
            "Type the answer on one line, or {MULTILINE_START} to write several lines and {MULTILINE_END} to finish."
        ),
        AnswerKind::Date => String::from("Type the date as YYYY-MM-DD."),
        AnswerKind::Evidence => {
            String::from("Type where the evidence is: a document title, a link, or file: and the path of a local document (its SHA-256 is recorded).")
        }
    }
}

fn ask_question(
    console: &mut Console<'_>,
    session: &mut Session,
    index: usize,
) -> Result<Asked, PlainError> {
    show_question(console, session, index)?;
    let id = session.steps()[index].question.clone();
    let Some(question) = session.catalogue().question(&id).cloned() else {
        return Ok(Asked::Passed);
    };
    loop {
        let line = match console.ask("")? {
            Line::Text(line) => line,
            Line::TooLong => {
                console.say(
                    "That line was too long and was not used; please type it again, shorter.",
                )?;
                continue;
            }
            Line::End => return Ok(Asked::End),
        };
        let reply = match parse_reply(&question, &line) {
            Ok(reply) => reply,
            Err(message) => {
                console.say(&format!(
                    "Not used: {}. Please try again.",
                    sanitise_line(&message)
                ))?;
                continue;
            }
        };
        let value = match reply {
            Reply::Answer(value) => value,
            Reply::StartMultiLine => match console.read_block()? {
                Some(text) => match crate::session::check_text(
                    "the answer",
                    &text,
                    crate::session::MAX_DESCRIPTION_CHARS,
                    true,
                ) {
                    Ok(()) => AnswerValue::Text(text),
                    Err(e) => {
                        console.say(&format!(
                            "Not used: {}. Please try again.",
                            sanitise_line(&e.to_string())
                        ))?;
                        continue;
                    }
                },
                None => return Ok(Asked::End),
            },
            Reply::Skip => {
                console.say("Skipped: it stays unanswered.")?;
                return Ok(Asked::Passed);
            }
            Reply::Later => {
                session.set_flagged(&id, true, Utc::now())?;
                session.save()?;
                console.say("Marked to answer later.")?;
                return Ok(Asked::Passed);
            }
            Reply::Why => {
                why(console, session.catalogue(), &question)?;
                continue;
            }
            Reply::Notes => {
                if !write_notes(console, session, &id)? {
                    return Ok(Asked::End);
                }
                continue;
            }
            Reply::Help => {
                help(console, &question)?;
                continue;
            }
            Reply::Quit => return Ok(Asked::Quit),
        };
        if !agree_after_sign_off(console, session)? {
            return Ok(Asked::Passed);
        }
        let effects = match session.answer(&id, value.clone(), Utc::now()) {
            Ok(effects) => effects,
            Err(SessionError::Answer(e)) => {
                console.say(&format!(
                    "Not used: {}. Please try again.",
                    sanitise_line(&e.to_string())
                ))?;
                continue;
            }
            Err(e @ (SessionError::Role(_) | SessionError::SignedOff { .. })) => {
                console.say(&format!("Not changed: {}", sanitise_line(&e.to_string())))?;
                return Ok(Asked::Passed);
            }
            Err(e) => return Err(e.into()),
        };
        session.set_flagged(&id, false, Utc::now())?;
        session.save()?;
        console.say(&format!(
            "Saved: {}.",
            sanitise_line(&display_answer(&question, &value))
        ))?;
        announce(console, session, &effects)?;
        return Ok(Asked::Answered);
    }
}

/// Reads notes for a question and saves them; false if the input ended.
fn write_notes(
    console: &mut Console<'_>,
    session: &mut Session,
    id: &str,
) -> Result<bool, PlainError> {
    console.say(&format!(
        "Type your notes on one line (or {MULTILINE_START} for several lines). An empty line leaves the notes as they are."
    ))?;
    let notes = match console.ask("Notes:")? {
        Line::Text(t) if t.trim() == MULTILINE_START => match console.read_block()? {
            Some(text) => text,
            None => return Ok(false),
        },
        Line::Text(t) => t,
        Line::TooLong => {
            console.say("That line was too long; the notes were not changed.")?;
            return Ok(true);
        }
        Line::End => return Ok(false),
    };
    if notes.trim().is_empty() {
        console.say("Notes not changed.")?;
        return Ok(true);
    }
    if !agree_after_sign_off(console, session)? {
        return Ok(true);
    }
    match session.set_notes(id, notes.trim(), Utc::now()) {
        Ok(()) => {
            session.save()?;
            console.say("Notes saved. Now answer the question, or type skip.")?;
        }
        Err(SessionError::InvalidText { problem, .. }) => {
            console.say(&format!("Not saved: {problem}."))?;
        }
        Err(e @ (SessionError::Role(_) | SessionError::SignedOff { .. })) => {
            console.say(&format!("Not saved: {}", sanitise_line(&e.to_string())))?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(true)
}

fn help(console: &mut Console<'_>, question: &Question) -> io::Result<()> {
    console.say(&options_text(question))?;
    console.say(
        "Other words you can type:\n  \
         dont-know  answer \"don't know yet\" (what depends on it stays unknown)\n  \
         skip       leave it unanswered for now and go on\n  \
         later      mark it to answer later and go on\n  \
         why        where the question comes from: standard, section and requirement\n  \
         notes      write notes on this question\n  \
         quit       stop here; everything answered is already saved",
    )
}

fn why(console: &mut Console<'_>, catalogue: &Catalogue, question: &Question) -> io::Result<()> {
    console.say(&format!(
        "Who can answer this: {}.",
        sanitise_line(question.who_can_answer.trim_end_matches('.'))
    ))?;
    if question.sources.is_empty() {
        console.say(
            "This question describes the system; the obligations it decides are listed with `secassess obligations`.",
        )?;
    }
    for source in &question.sources {
        let citation = rules::citation(catalogue, source);
        console.say(&format!(
            "From {}, section \"{}\":",
            sanitise_line(&citation.reference()),
            sanitise_line(&citation.section)
        ))?;
        console.say(&format!("  \"{}\"", sanitise(citation.quote.trim())))?;
        if !citation.url.is_empty() {
            console.say(&format!("  {}", sanitise_line(&citation.url)))?;
        }
    }
    Ok(())
}

/// Says which obligations started or stopped applying, and any new notice.
fn announce(
    console: &mut Console<'_>,
    session: &Session,
    effects: &AnswerEffects,
) -> io::Result<()> {
    for line in crate::session::obligation_change_lines(effects, false) {
        console.say(&line)?;
    }
    for id in &effects.new_notices {
        if let Some(notice) = session.evaluation().notices.iter().find(|n| &n.id == id) {
            say_notice(console, notice)?;
        }
    }
    Ok(())
}

fn say_notice(console: &mut Console<'_>, notice: &rules::NoticeResult) -> io::Result<()> {
    let lead = match notice.severity {
        NoticeSeverity::Stop => "STOP",
        NoticeSeverity::Warning => "Warning",
        NoticeSeverity::Info => "Note",
    };
    console.say(&format!(
        "{lead}: {}. {}",
        sanitise_line(notice.title.trim_end_matches('.')),
        sanitise(notice.text.trim())
    ))?;
    if let Some(contact) = &notice.contact {
        console.say(&format!(
            "Contact: {}.",
            sanitise_line(contact.trim_end_matches('.'))
        ))?;
    }
    Ok(())
}

/// Where the assessment stands: classification, progress, notices, what applies and is
/// not met or not known, and the next thing to do.
fn summary(console: &mut Console<'_>, session: &Session) -> io::Result<()> {
    let evaluation = session.evaluation();
    let assessment = session.assessment();
    console.say(&format!(
        "\nSummary of {}",
        sanitise_line(&assessment.system.name)
    ))?;
    match &evaluation.effective_classification {
        Some(ec) => {
            let value = ec
                .label
                .clone()
                .unwrap_or_else(|| format!("at least {} (not settled yet)", ec.at_least_label));
            console.say(&format!(
                "Effective classification: {}.",
                sanitise_line(&value)
            ))?;
            // The explanation restates a plain value; it matters when something raised
            // the classification or it is not settled.
            if !ec.because.is_empty() || ec.value.is_none() {
                console.say(&format!(
                    "{}.",
                    sanitise_line(ec.explanation.trim_end_matches('.'))
                ))?;
            }
        }
        None => console.say("Effective classification: not known yet.")?,
    }
    let progress = &evaluation.progress;
    let flagged = walkthrough::outstanding(evaluation, assessment).flagged;
    console.say(&format!(
        "Answered {} of {} questions; {} \"don't know yet\"; {} marked to answer later.",
        progress.answered, progress.total, progress.dont_know, flagged
    ))?;
    for notice in &evaluation.notices {
        say_notice(console, notice)?;
    }
    let applying = |status: Status| {
        evaluation
            .obligations
            .iter()
            .filter(move |o| {
                o.applies == Truth::True
                    && o.status == status
                    && o.scope == crate::questionnaire::model::Scope::System
            })
            .collect::<Vec<_>>()
    };
    let list = |console: &mut Console<'_>,
                heading: &str,
                items: &[&rules::ObligationResult]|
     -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        console.say(&format!("{heading} ({}):", items.len()))?;
        for o in items {
            console.say(&format!(
                "  - {} ({}): {}",
                sanitise_line(&o.id),
                o.level.name(),
                sanitise_line(&o.title)
            ))?;
        }
        Ok(())
    };
    let mut not_met = applying(Status::NotMet);
    not_met.sort_by_key(|o| o.level);
    list(console, "Obligations that apply and are not met", &not_met)?;
    let mut unknown = applying(Status::Unknown);
    unknown.sort_by_key(|o| o.level);
    list(
        console,
        "Obligations that apply where it is not known yet whether they are met",
        &unknown,
    )?;
    let musts_met = evaluation
        .obligations
        .iter()
        .filter(|o| {
            o.level == Level::Must
                && o.status == Status::Met
                && o.scope == crate::questionnaire::model::Scope::System
        })
        .count();
    console.say(&format!("MUST obligations met: {musts_met}."))?;
    // Organisation duties are context: their status, never the project's to meet.
    for o in evaluation.obligations.iter().filter(|o| {
        o.scope == crate::questionnaire::model::Scope::Organisation && o.applies == Truth::True
    }) {
        console.say(&format!(
            "Organisation context (not the project's to meet): {} is {}.",
            sanitise_line(&o.id),
            o.status.name()
        ))?;
    }
    console.say(&format!(
        "Next: {}",
        sanitise_line(&session.next_thing_to_do())
    ))?;
    if session.is_editable() {
        console.say(&format!(
            "Saved in {}.",
            sanitise_line(&session.path().display().to_string())
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
