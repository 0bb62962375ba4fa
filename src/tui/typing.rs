//! Text being typed: keys and pastes into the open text box (a free-text answer, notes,
//! a form field, the search query), keeping what was typed, and leaving a box with
//! something typed in it, which asks first (keep, throw away, back) and never saves or
//! drops it silently (the prompt's answer is carried out by `app`, which can submit any
//! form). Pure like the rest of `app`: state in, effects out.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::answering::answer;
use super::changes::editor_of_open_document;
use super::form::Form;
use super::keymap::{command_for, Command, Context};
use super::prompt::Prompt;
use super::state::{capitalised, App, EditPurpose, Editor, Effect, Overlay, SaveState, Tone};
use super::text_box::{Pasted, MAX_PASTE_CHARS};
use crate::questionnaire::answer::AnswerValue;
use crate::session;

/// What leaving now would lose: the name of the open text box holding typed text.
pub(super) fn typed_text_at_risk(app: &App) -> Option<&'static str> {
    if app.form.as_ref().is_some_and(Form::changed) {
        return Some("this form");
    }
    app.editor
        .as_ref()
        .filter(|e| e.area.changed())
        .map(Editor::what)
}

/// A paste: into the open text box, whole; with none open, nowhere (never as keys).
pub(super) fn on_paste(app: &mut App, text: &str) {
    if matches!(app.overlay, Some(Overlay::Help { .. })) {
        app.say(
            Tone::Warning,
            "Pasted text ignored: close the help first (Esc), then paste.",
        );
        return;
    }
    if app.prompt.is_some() {
        app.say(
            Tone::Warning,
            "Pasted text ignored: answer the question on screen first (its keys are shown).",
        );
        return;
    }
    let pasted = if let Some(form) = app.form.as_mut() {
        form.paste(text)
    } else if let Some(editor) = app.editor.as_mut() {
        editor.area.paste(text)
    } else if let Some(Overlay::Search { query, cursor }) = app.overlay.as_mut() {
        *cursor = 0;
        query.paste(text)
    } else {
        app.say(
            Tone::Warning,
            "Pasted text ignored: no text box is open, and a paste is never taken as key presses. Open one first (n for notes, Enter on a question that takes text), then paste.",
        );
        return;
    };
    match pasted {
        Pasted::TooLong { chars } => app.say(
            Tone::Warning,
            format!(
                "Not pasted: the box would hold {chars} characters, more than the {} a text box takes.",
                MAX_PASTE_CHARS
            ),
        ),
        Pasted::Inserted { joined, dropped } => {
            let mut notes = Vec::new();
            if joined {
                notes.push(String::from(
                    "this box takes one line, so the line breaks became spaces",
                ));
            }
            if dropped > 0 {
                notes.push(format!("{dropped} control character(s) were left out"));
            }
            if !notes.is_empty() {
                app.say(Tone::Info, format!("Pasted: {}.", notes.join("; ")));
            }
        }
    }
}

pub(super) fn on_editor_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    // App keys first, so the editor never swallows them.
    match command_for(&key, &[Context::Editor]) {
        Some(Command::SaveEdit) => return commit_editor(app, now),
        Some(Command::Back) => {
            match app.editor.as_ref() {
                Some(editor) if editor.area.changed() => {
                    app.prompt = Some(Prompt::leave_text(editor.what(), false));
                }
                _ => app.editor = None,
            }
            return Vec::new();
        }
        _ => {}
    }
    if let Some(editor) = app.editor.as_mut() {
        editor.area.key(key);
    }
    Vec::new()
}

/// Stops typing and keeps the text: as the answer or as the notes.
pub(super) fn commit_editor(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(editor) = app.editor.take() else {
        return Vec::new();
    };
    let text = editor.area.text();
    let Some(question) = app.catalogue.question(&editor.question).cloned() else {
        return Vec::new();
    };
    match editor.purpose {
        EditPurpose::Answer if text.trim().is_empty() => {
            app.say(Tone::Info, "Nothing typed, so nothing was saved.");
            Vec::new()
        }
        EditPurpose::Answer => answer(app, &question, AnswerValue::Text(text), now),
        EditPurpose::Notes => {
            let Some(who) = editor_of_open_document(app) else {
                return Vec::new();
            };
            let Some(document) = app.document.as_mut() else {
                return Vec::new();
            };
            if let Err(why) =
                crate::assessment::roles::may_change_answers(&document.assessment, &who)
            {
                app.say(Tone::Error, format!("Not changed: {why}."));
                return Vec::new();
            }
            if let Err(problem) =
                session::check_text("the notes", &text, session::MAX_DESCRIPTION_CHARS, true)
            {
                // Back to typing, with everything still there.
                app.say(Tone::Error, capitalised(&problem.to_string()));
                app.editor = Some(editor);
                return Vec::new();
            }
            document
                .assessment
                .set_notes(&question.id, &text, &who, now);
            document.dirty = true;
            document.save = SaveState::Saving;
            app.say(Tone::Good, "Notes kept.");
            vec![Effect::Save]
        }
    }
}
