//! Answering a question on the walkthrough screen: the option cursor, ticking the
//! options of a multiple-choice question, Enter (which alone never answers an unanswered
//! question), "don't know yet", flags, notes, the text, date and evidence boxes, and
//! recording an answer: re-evaluated, the obligations it started or stopped named, then
//! on to the next question.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::changes::{self, editor_of_open_document};
use super::form::{Form, FormKind};
use super::keymap::Command;
use super::navigate::{go_to_step, scroll_detail, walkthrough_first_asked};
use super::register;
use super::state::{App, EditPurpose, Editor, Effect, Overlay, SaveState, Tone};
use super::text_box::TextBox;
use crate::assessment::findings;
use crate::questionnaire::answer::{parse_answer, AnswerValue, EvidenceRef};
use crate::questionnaire::model::{AnswerKind, Question};
use crate::session;
use crate::walkthrough;

pub(crate) fn on_walkthrough(app: &mut App, command: Command, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(question) = app.current_question().cloned() else {
        return Vec::new();
    };
    let rows = app.option_rows().len();
    let dont_know_row = rows.saturating_sub(1);
    match command {
        // From no selection, either direction selects the first option.
        Command::Up => {
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(d.cursor.map_or(0, |c| c.saturating_sub(1)));
            }
        }
        Command::Down => {
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(d.cursor.map_or(0, |c| (c + 1).min(dont_know_row)));
            }
        }
        Command::Next | Command::Previous => {
            let forward = command == Command::Next;
            let target = app
                .document
                .as_ref()
                .and_then(|d| walkthrough::neighbour(&app.steps, d.step, forward, &d.evaluation));
            match target {
                Some(step) => go_to_step(app, step),
                None if forward => app.say(
                    Tone::Info,
                    "That was the last question. Press v for the overview.",
                ),
                None => app.say(Tone::Info, "This is the first question."),
            }
        }
        Command::NextSection | Command::PreviousSection => {
            let sections = app.sections();
            let current = app.document.as_ref().map(|d| d.step).unwrap_or(0);
            let position = sections
                .iter()
                .rposition(|s| s.first_step <= current)
                .unwrap_or(0);
            let target = if command == Command::NextSection {
                sections.get(position + 1)
            } else if sections
                .get(position)
                .is_some_and(|s| s.first_step < current)
            {
                sections.get(position)
            } else {
                position.checked_sub(1).and_then(|p| sections.get(p))
            };
            if let Some(section) = target {
                let step = walkthrough_first_asked(app, section.first_step);
                go_to_step(app, step);
            }
        }
        Command::Jump => {
            let current = app.document.as_ref().map(|d| d.step).unwrap_or(0);
            let cursor = app
                .sections()
                .iter()
                .rposition(|s| s.first_step <= current)
                .unwrap_or(0);
            app.overlay = Some(Overlay::Jump { cursor });
        }
        Command::Search => {
            app.overlay = Some(Overlay::Search {
                query: Box::new(TextBox::new("", false)),
                cursor: 0,
            });
        }
        Command::Choose(n) => {
            let index = usize::from(n).saturating_sub(1);
            if index >= dont_know_row {
                app.say(
                    Tone::Info,
                    format!("There is no option {n} here. {}", how_to_answer(&question)),
                );
                return Vec::new();
            }
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(index);
            }
            // On a multiple-choice question a number ticks its option; Enter answers.
            if question.kind == AnswerKind::Multiple {
                toggle(app, &question);
                return Vec::new();
            }
            return confirm(app, &question, now);
        }
        Command::Toggle if question.kind == AnswerKind::Multiple => toggle(app, &question),
        Command::Confirm => return confirm(app, &question, now),
        Command::DontKnow => {
            let who = question.who_can_answer.clone();
            let effects = answer(app, &question, AnswerValue::DontKnow, now);
            if !effects.is_empty() {
                app.say(
                    Tone::Info,
                    format!("Marked \"don't know yet\". Who can answer it: {who}."),
                );
            }
            return effects;
        }
        Command::AnswerLater => {
            let Some(who) = editor_of_open_document(app) else {
                return Vec::new();
            };
            let Some(d) = app.document.as_mut() else {
                return Vec::new();
            };
            let flagged = !d
                .assessment
                .answers
                .get(&question.id)
                .is_some_and(|a| a.flagged);
            d.assessment.set_flagged(&question.id, flagged, &who, now);
            d.dirty = true;
            d.save = SaveState::Saving;
            app.say(
                Tone::Info,
                if flagged {
                    "Flagged to answer later."
                } else {
                    "No longer flagged."
                },
            );
            return vec![Effect::Save];
        }
        Command::RaiseFinding => register::raise_for_question(app, &question.id),
        Command::ReviewAccept => return register::review_accept(app, &question.id, now),
        Command::ReviewComment => register::review_comment(app, &question.id),
        Command::NextQuery => changes::next_query(app),
        Command::ScrollDown | Command::ScrollUp => {
            if let Some(d) = app.document.as_mut() {
                scroll_detail(d, command);
            }
        }
        Command::Notes => {
            let notes = app
                .document
                .as_ref()
                .and_then(|d| d.assessment.answers.get(&question.id))
                .map(|a| a.notes.clone())
                .unwrap_or_default();
            app.editor = Some(Editor::new(EditPurpose::Notes, &question.id, &notes));
        }
        _ => {}
    }
    Vec::new()
}

/// Space (or a number) on a multiple-choice question: ticks or unticks the selected
/// option.
fn toggle(app: &mut App, question: &Question) {
    let Some(d) = app.document.as_mut() else {
        return;
    };
    let Some(option) = d.cursor.and_then(|c| question.options.get(c)) else {
        app.say(Tone::Info, how_to_answer(question));
        return;
    };
    if !d.ticked.remove(&option.value) {
        // An exclusive option ("Nobody") and the others rule each other out.
        let exclusive: Vec<&str> = question
            .options
            .iter()
            .filter(|o| o.exclusive)
            .map(|o| o.value.as_str())
            .collect();
        if option.exclusive {
            d.ticked.clear();
        } else {
            d.ticked.retain(|v| !exclusive.contains(&v.as_str()));
        }
        d.ticked.insert(option.value.clone());
    }
}

/// How to answer this question, for Enter pressed with nothing chosen.
fn how_to_answer(question: &Question) -> String {
    let options = match question.kind {
        AnswerKind::YesNo => 2,
        _ => question.options.len(),
    };
    match question.kind {
        AnswerKind::Multiple => format!(
            "To answer, tick options with their number (1-{options}) or with ↑/↓ and Space, then press Enter; d for don't know yet."
        ),
        AnswerKind::YesNo | AnswerKind::Single => format!(
            "To answer, press the option's number (1-{options}), or move to it with ↑/↓ and press Enter; d for don't know yet."
        ),
        _ => String::from(
            "To answer, press Enter (or 1) and type; d for don't know yet.",
        ),
    }
}

fn confirm(app: &mut App, question: &Question, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(document) = app.document.as_ref() else {
        return Vec::new();
    };
    let typed_kind = matches!(
        question.kind,
        AnswerKind::Text | AnswerKind::Date | AnswerKind::Evidence
    );
    // Enter with nothing selected answers nothing, except to open the text box of a
    // question answered by typing, which records nothing until it is kept.
    let cursor = match document.cursor {
        Some(cursor) => cursor,
        None if typed_kind => 0,
        None if question.kind == AnswerKind::Multiple && !document.ticked.is_empty() => 0,
        None => {
            let how = how_to_answer(question);
            app.say(Tone::Info, format!("Nothing is chosen yet. {how}"));
            return Vec::new();
        }
    };
    let dont_know_row = app.option_rows().len().saturating_sub(1);
    if cursor == dont_know_row {
        return answer(app, question, AnswerValue::DontKnow, now);
    }
    let existing = document.assessment.answers.get(&question.id).cloned();
    match question.kind {
        AnswerKind::YesNo => answer(app, question, AnswerValue::YesNo(cursor == 0), now),
        AnswerKind::Single => match question.options.get(cursor) {
            Some(option) => answer(
                app,
                question,
                AnswerValue::Choice(option.value.clone()),
                now,
            ),
            None => Vec::new(),
        },
        AnswerKind::Multiple => {
            let chosen: Vec<String> = question
                .options
                .iter()
                .filter(|o| document.ticked.contains(&o.value))
                .map(|o| o.value.clone())
                .collect();
            answer(app, question, AnswerValue::Choices(chosen), now)
        }
        AnswerKind::Text => {
            let text = existing
                .and_then(|a| match a.value {
                    Some(crate::assessment::record::StoredValue::One(t)) => Some(t),
                    _ => None,
                })
                .unwrap_or_default();
            app.editor = Some(Editor::new(EditPurpose::Answer, &question.id, &text));
            Vec::new()
        }
        AnswerKind::Date => {
            let current = existing
                .and_then(|a| match a.value {
                    Some(crate::assessment::record::StoredValue::One(t)) => Some(t),
                    _ => None,
                })
                .unwrap_or_default();
            app.form = Some(
                Form::new(FormKind::Date, "Date (YYYY-MM-DD)", &[("Date", &current)])
                    .required(&[0]),
            );
            Vec::new()
        }
        AnswerKind::Evidence => {
            let evidence = existing.and_then(|a| a.evidence).unwrap_or_default();
            let location = evidence.link.or(evidence.path).unwrap_or_default();
            app.form = Some(Form::new(
                FormKind::Evidence,
                "Evidence: a document title and a link or local file path",
                &[("Title", &evidence.title), ("Link or file path", &location)],
            ));
            Vec::new()
        }
    }
}

/// Records an answer, re-evaluates, announces obligations that started or stopped
/// applying, and moves on to the next question.
pub fn answer(
    app: &mut App,
    question: &Question,
    value: AnswerValue,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(who) = editor_of_open_document(app) else {
        return Vec::new();
    };
    let Some(document) = app.document.as_mut() else {
        return Vec::new();
    };
    if let Err(why) = crate::assessment::roles::may_change_answers(&document.assessment, &who) {
        app.say(Tone::Error, format!("Not changed: {why}."));
        return Vec::new();
    }
    if let Err(error) = document.assessment.set_answer(question, &value, &who, now) {
        let message = error.to_string();
        app.say(Tone::Error, message);
        return Vec::new();
    }
    let after = findings::evaluate(&document.assessment, &app.catalogue).0;
    let changes = session::effects(&document.evaluation, &after);
    document.evaluation = after;
    document.dirty = true;
    document.save = SaveState::Saving;
    let step = document.step;
    let next = walkthrough::neighbour(&app.steps, step, true, &document.evaluation);
    match session::obligation_change_summary(&changes, app.verbose) {
        Some(summary) => app.say(Tone::Warning, summary),
        None => app.say(Tone::Good, "Answer saved."),
    }
    match next {
        Some(next) => go_to_step(app, next),
        None => {
            app.reset_cursor();
            app.say(
                Tone::Good,
                "That was the last question. Press v for the overview, o for obligations.",
            );
        }
    }
    vec![Effect::Save]
}

/// Saves the date box of a date question: answered when the text is a date, otherwise
/// the box stays open with why.
pub(crate) fn submit_date(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    let text = form.value(0);
    let Some(question) = app.current_question().cloned() else {
        return Vec::new();
    };
    match parse_answer(&question, &text) {
        Ok(value) => {
            app.form = None;
            answer(app, &question, value, now)
        }
        Err(error) => {
            if let Some(form) = app.form.as_mut() {
                form.field_error(0, error.to_string());
            }
            Vec::new()
        }
    }
}

/// Saves the evidence box: a link or a document title answers at once; a local file is
/// first fingerprinted by the shell (`Effect::AttachFile`), the box open until it has.
pub(crate) fn submit_evidence(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    let title = form.value(0);
    let location = form.value(1);
    let Some(question) = app.current_question().cloned() else {
        return Vec::new();
    };
    if title.is_empty() && location.is_empty() {
        if let Some(form) = app.form.as_mut() {
            form.field_error(0, "Give a document title, a link or a file path.");
        }
        return Vec::new();
    }
    let title = if title.is_empty() {
        location.clone()
    } else {
        title
    };
    let lower = location.to_ascii_lowercase();
    let is_link = lower.starts_with("https://") || lower.starts_with("http://");
    if !location.is_empty() && !is_link {
        // The form stays open until the file has been read: a path that cannot
        // be read is said next to it, with everything typed still there.
        return vec![Effect::AttachFile {
            question: question.id.clone(),
            title,
            path: PathBuf::from(location),
        }];
    }
    let evidence = EvidenceRef {
        title,
        link: is_link.then_some(location),
        ..EvidenceRef::default()
    };
    app.form = None;
    answer(app, &question, AnswerValue::Evidence(evidence), now)
}
