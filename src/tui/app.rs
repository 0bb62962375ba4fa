//! The TUI's one way to change its state (`state::App`): `update(app, msg, now)`, which
//! applies a key press, a paste (or a message from the shell, such as "saved") and
//! returns the effects the shell must carry out (save, open a file, hash an evidence
//! file, quit). No I/O happens here, so every behaviour is testable with key events in
//! and state out.
//!
//! This file is the dispatch: news from the shell, then each key to the innermost thing
//! open (prompt, help, form, text box, list) or to the screen's part (`home`,
//! `answering`, `obligations`, `register`; `changes` checks it first), a saved form to the
//! part that owns its kind, a prompt's answer carried out, quitting. The parts never call
//! back up into this file, so imports go one way: `app` → parts → `state`.
//!
//! Nothing a person types, pastes or presses changes an answer they did not mean to
//! change: a paste only ever goes into an open text box; an unanswered question has no
//! option selected, so Enter alone answers nothing; leaving a text box with something
//! typed in it asks first (keep, throw away, back); `q` and Esc close the innermost thing
//! open (a prompt, help, a list) before anything else.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::answering::{self, answer, on_walkthrough};
use super::form::{FormKind, FormStep};
use super::home::{self, on_home};
use super::keymap::{command_for, Command, Context};
use super::navigate::on_overlay_key;
use super::obligations::on_obligations;
use super::prompt::{Answer, Ask, Prompt};
use super::state::{Overlay, Tone};
use super::typing::{commit_editor, on_editor_key, on_paste, typed_text_at_risk};
use super::{changes, register};
use crate::questionnaire::answer::AnswerValue;

// What a front end (the shell, tests, benchmarks) drives `update` with, here beside it;
// each is defined where its concept lives.
pub use super::obligations::obligation_order;
pub use super::state::{Access, App, Effect, HomeEntry, Msg, SaveState, Screen};
pub use super::zone::Zone;

/// Applies one message. Returns what the shell must do.
pub fn update(app: &mut App, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    app.today = app.zone.date(now);
    match msg {
        Msg::Saved(result) => {
            if let Some(document) = app.document.as_mut() {
                match result {
                    Ok(at) => document.save = SaveState::Saved(at),
                    Err(problem) => {
                        document.save = SaveState::Failed(problem.clone());
                        app.say(Tone::Error, format!("Not saved: {problem}"));
                    }
                }
            }
            Vec::new()
        }
        Msg::Failed(problem) => {
            if let Some(form) = app.form.as_mut() {
                form.error = Some(problem);
            } else {
                app.say(Tone::Error, problem);
            }
            Vec::new()
        }
        Msg::Opened {
            path,
            assessment,
            access,
        } => {
            let changed = match access {
                Access::Editable => app.open_with(path, *assessment, None, None, now),
                Access::ReadOnly(reason) => {
                    app.open_with(path, *assessment, Some(reason), None, now)
                }
                Access::StaleLock { reason, warn } => {
                    app.open_with(path, *assessment, Some(reason), Some(warn), now)
                }
            };
            // Moving onto the current questionnaire versions is saved at once.
            if changed {
                if let Some(d) = app.document.as_mut() {
                    d.save = SaveState::Saving;
                }
                vec![Effect::Save]
            } else {
                Vec::new()
            }
        }
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::Stop => {
            // Nobody is there to ask about half-typed text: it is not kept.
            app.prompt = None;
            app.form = None;
            app.editor = None;
            app.overlay = None;
            quit(app)
        }
        Msg::Attached { question, evidence } => {
            let Some(question) = app.catalogue.question(&question).cloned() else {
                return Vec::new();
            };
            if app
                .form
                .as_ref()
                .is_some_and(|f| f.kind == FormKind::Evidence)
            {
                app.form = None;
            }
            let mut effects = answer(app, &question, AnswerValue::Evidence(evidence), now);
            effects.push(Effect::CheckEvidence);
            effects
        }
        Msg::AttachFailed(problem) => {
            match app.form.as_mut() {
                Some(form) if form.kind == FormKind::Evidence => form.field_error(1, problem),
                _ => app.say(Tone::Error, problem),
            }
            Vec::new()
        }
        Msg::EvidenceChecked(files) => {
            if let Some(document) = app.document.as_mut() {
                document.evidence = files;
            }
            if std::mem::take(&mut app.sign_off_waiting) {
                register::sign_off_form(app);
            }
            Vec::new()
        }
        Msg::Exported(Ok(summary)) => {
            app.say(Tone::Good, format!("Written: {summary}"));
            Vec::new()
        }
        Msg::Exported(Err(problem)) => {
            app.say(Tone::Error, format!("No evidence pack written: {problem}"));
            Vec::new()
        }
        Msg::Key(key) => on_key(app, key, now),
    }
}

pub(crate) fn on_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    if app.prompt.is_some() {
        return on_prompt_key(app, key, now);
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        // Answers are saved as they are given; only text still being typed can be lost,
        // so that is asked about, never kept or dropped silently.
        if let Some(what) = typed_text_at_risk(app) {
            app.prompt = Some(Prompt::leave_text(what, true));
            return Vec::new();
        }
        return quit(app);
    }
    // Help opens over anything, forms and text boxes included (F1, as `?` is typed
    // there), and is closed before anything under it gets a key.
    if matches!(app.overlay, Some(Overlay::Help { .. })) {
        return on_overlay_key(app, key);
    }
    if key.code == KeyCode::F(1) {
        app.overlay = Some(Overlay::Help { scroll: 0 });
        return Vec::new();
    }
    if app.form.is_some() {
        return on_form_key(app, key, now);
    }
    if app.editor.is_some() {
        return on_editor_key(app, key, now);
    }
    if app.overlay.is_some() {
        return on_overlay_key(app, key);
    }
    let contexts: &[Context] = match app.screen {
        Screen::Home => &[Context::Home, Context::Global],
        Screen::Walkthrough => &[Context::Walkthrough, Context::Global],
        Screen::Obligations => &[Context::Obligations, Context::Global],
        Screen::Overview => &[Context::Overview, Context::Global],
        Screen::Findings => &[Context::Findings, Context::Global],
    };
    let Some(command) = command_for(&key, contexts) else {
        return Vec::new();
    };
    if let Some(effects) = changes::guard(app, command, key) {
        return effects;
    }
    match command {
        Command::Quit => quit(app),
        Command::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::ShowWalkthrough
        | Command::ShowObligations
        | Command::ShowOverview
        | Command::ShowFindings
        | Command::SignOff
        | Command::EditSystem
        | Command::ExportPack
        | Command::NextScreen
            if app.document.is_none() =>
        {
            app.say(Tone::Info, "Open or create an assessment first.");
            Vec::new()
        }
        Command::ShowWalkthrough => switch(app, Screen::Walkthrough),
        Command::ShowObligations => switch(app, Screen::Obligations),
        Command::ShowOverview => switch(app, Screen::Overview),
        Command::ShowFindings => switch(app, Screen::Findings),
        Command::SignOff => {
            // The evidence files may have changed since the file was opened.
            app.sign_off_waiting = true;
            vec![Effect::CheckEvidence]
        }
        Command::EditSystem => {
            changes::system_form(app);
            Vec::new()
        }
        Command::ExportPack => {
            app.say(Tone::Info, "Writing the evidence pack...");
            vec![Effect::ExportPack]
        }
        Command::NextScreen => {
            let next = match app.screen {
                Screen::Home | Screen::Overview => Screen::Walkthrough,
                Screen::Walkthrough => Screen::Obligations,
                Screen::Obligations => Screen::Findings,
                Screen::Findings => Screen::Overview,
            };
            switch(app, next)
        }
        Command::TakeOver => match app.document.as_ref() {
            Some(d) if d.can_take_over && d.take_over_warning => {
                let reason = d.read_only().unwrap_or_default().to_string();
                app.prompt = Some(Prompt::take_over(&reason));
                Vec::new()
            }
            Some(d) if d.can_take_over => vec![Effect::TakeOver],
            Some(d) if d.read_only().is_some() => {
                app.say(
                    Tone::Info,
                    "This assessment is open in a secassess that is still running; it can only be taken over once that program has stopped (close it there, or end it).",
                );
                Vec::new()
            }
            _ => {
                app.say(
                    Tone::Info,
                    "Nothing to take over: the assessment is yours to change.",
                );
                Vec::new()
            }
        },
        Command::Back => {
            if app.screen != Screen::Walkthrough && app.document.is_some() {
                switch(app, Screen::Walkthrough)
            } else {
                Vec::new()
            }
        }
        _ => match app.screen {
            Screen::Home => on_home(app, command),
            Screen::Walkthrough => on_walkthrough(app, command, now),
            Screen::Obligations => on_obligations(app, command),
            Screen::Overview => on_overview(app, command),
            Screen::Findings => register::on_findings(app, command, now),
        },
    }
}

fn switch(app: &mut App, screen: Screen) -> Vec<Effect> {
    app.screen = screen;
    if let Some(document) = app.document.as_mut() {
        document.detail_scroll = 0;
    }
    Vec::new()
}

/// Quits, saving where the walkthrough was. Only called when no typed text is at risk:
/// an open text box holds nothing typed (it is closed) or has been dealt with.
pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    app.quitting = true;
    app.form = None;
    app.editor = None;
    app.overlay = None;
    let mut effects = Vec::new();
    if let Some(document) = app.document.as_mut() {
        if document.dirty && document.read_only().is_none() {
            effects.push(Effect::Save);
        }
    }
    effects.push(Effect::Quit);
    effects
}

fn on_form_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.key(key) {
        FormStep::Stay => Vec::new(),
        FormStep::Submit => submit_form(app, now),
        FormStep::Close | FormStep::AskToLeave if form.kind == FormKind::Identity => {
            // Nothing can be recorded without knowing who records it.
            form.error = Some(String::from(
                "secassess needs your name to record who answered. Press Ctrl-C to quit.",
            ));
            Vec::new()
        }
        // A passphrase is never kept to ask about: Esc closes its box and signs nothing.
        FormStep::Close | FormStep::AskToLeave if form.kind == FormKind::Passphrase => {
            app.form = None;
            super::signing::cancel(app);
            Vec::new()
        }
        FormStep::Close => {
            app.form = None;
            Vec::new()
        }
        FormStep::AskToLeave => {
            app.prompt = Some(Prompt::leave_text("this form", false));
            Vec::new()
        }
    }
}

pub(super) fn submit_form(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.kind {
        FormKind::FindingDetails
        | FormKind::MitigationPlan
        | FormKind::Mitigated
        | FormKind::AcceptRisk
        | FormKind::Exception
        | FormKind::ReviewQuery
        | FormKind::Escalate
        | FormKind::SignOff => register::submit(app, now),
        FormKind::System => changes::submit_system(app, now),
        // The held key goes ahead through the same dispatch as any key.
        FormKind::ConfirmChange => match changes::agreed(app) {
            Some(key) => on_key(app, key, now),
            None => Vec::new(),
        },
        FormKind::Passphrase => super::signing::submit_passphrase(app, now),
        FormKind::Identity | FormKind::NewAssessment | FormKind::OpenPath | FormKind::Folder => {
            home::submit(app)
        }
        FormKind::Date => answering::submit_date(app, now),
        FormKind::Evidence => answering::submit_evidence(app, now),
    }
}

pub(super) fn on_prompt_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(prompt) = app.prompt.as_ref() else {
        return Vec::new();
    };
    let Some(answer) = prompt.answer_for(&key) else {
        let keys = prompt
            .choices
            .iter()
            .map(|c| format!("{} {}", c.key, c.label.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ");
        app.say(Tone::Info, format!("Choose: {keys} (Esc changes nothing)."));
        return Vec::new();
    };
    let ask = prompt.ask.clone();
    app.prompt = None;
    on_prompt_answer(app, ask, answer, now)
}

/// Carries out the choice made at a prompt.
fn on_prompt_answer(app: &mut App, ask: Ask, answer: Answer, now: DateTime<Utc>) -> Vec<Effect> {
    match (ask, answer) {
        (Ask::LeaveText { quit: leave }, Answer::Keep) => {
            let mut effects = if app.form.is_some() {
                submit_form(app, now)
            } else {
                commit_editor(app, now)
            };
            // A form that was refused stays open with why; one the shell still has to
            // carry out (create, open, attach a file) closes when it has.
            if leave && app.form.is_none() {
                for effect in quit(app) {
                    if !effects.contains(&effect) {
                        effects.push(effect);
                    }
                }
            } else if leave {
                app.say(
                    Tone::Info,
                    "Not quitting yet: the form is still open. Press Ctrl-C again to quit.",
                );
            }
            effects
        }
        (Ask::LeaveText { quit: leave }, Answer::Discard) => {
            let identity = app
                .form
                .as_ref()
                .is_some_and(|f| f.kind == FormKind::Identity);
            if leave {
                return quit(app);
            }
            if identity {
                if let Some(form) = app.form.as_mut() {
                    form.error = Some(String::from(
                        "secassess needs your name to record who answered. Press Ctrl-C to quit.",
                    ));
                }
                return Vec::new();
            }
            app.form = None;
            app.editor = None;
            app.say(Tone::Info, "Thrown away; nothing was changed.");
            Vec::new()
        }
        (Ask::TakeOver, Answer::Yes) => vec![Effect::TakeOver],
        (Ask::TakeOver, _) => {
            app.say(Tone::Info, "Not taken over: it stays read-only.");
            Vec::new()
        }
        (Ask::LeaveText { .. }, _) => Vec::new(),
    }
}

fn on_overview(app: &mut App, command: Command) -> Vec<Effect> {
    if let Some(d) = app.document.as_mut() {
        match command {
            Command::Up => d.overview_scroll = d.overview_scroll.saturating_sub(1),
            Command::Down => d.overview_scroll = d.overview_scroll.saturating_add(1),
            _ => {}
        }
    }
    Vec::new()
}
