//! Moving around an open assessment: to a step of the walkthrough, to the first question
//! asked in a section, through the help, jump and search lists drawn over the screen,
//! and scrolling the detail pane beside a question or list.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{command_for, Command, Context};
use super::state::{App, Document, Effect, Overlay, Screen};
use crate::questionnaire::expr::Truth;
use crate::walkthrough;

/// J/K: scrolls the detail pane by three lines, and says whether the command was one.
pub(crate) fn scroll_detail(document: &mut Document, command: Command) -> bool {
    match command {
        Command::ScrollDown => document.detail_scroll = document.detail_scroll.saturating_add(3),
        Command::ScrollUp => document.detail_scroll = document.detail_scroll.saturating_sub(3),
        _ => return false,
    }
    true
}

pub(crate) fn on_overlay_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let sections = app.sections();
    let results = app.search_results();
    let Some(overlay) = app.overlay.as_mut() else {
        return Vec::new();
    };
    if let Overlay::Search { query, cursor } = overlay {
        match key.code {
            KeyCode::Esc => app.overlay = None,
            KeyCode::Up => *cursor = cursor.saturating_sub(1),
            KeyCode::Down => *cursor = (*cursor + 1).min(results.len().saturating_sub(1)),
            KeyCode::Enter => {
                if let Some(&step) = results.get(*cursor) {
                    app.overlay = None;
                    go_to_step(app, step);
                }
            }
            _ => {
                query.key(key);
                *cursor = 0;
            }
        }
        return Vec::new();
    }
    let command = command_for(&key, &[Context::Lists, Context::Global]);
    match (overlay, command) {
        // `q` closes the innermost thing, like Esc: help and lists first, never the program.
        (_, Some(Command::Back | Command::Quit)) | (Overlay::Help { .. }, Some(Command::Help)) => {
            app.overlay = None
        }
        (Overlay::Help { scroll }, Some(Command::Up)) => *scroll = scroll.saturating_sub(1),
        (Overlay::Help { scroll }, Some(Command::Down)) => *scroll += 1,
        (Overlay::Jump { cursor }, Some(Command::Up)) => *cursor = cursor.saturating_sub(1),
        (Overlay::Jump { cursor }, Some(Command::Down)) => {
            *cursor = (*cursor + 1).min(sections.len().saturating_sub(1))
        }
        (Overlay::Jump { cursor }, Some(Command::Confirm)) => {
            let target = sections.get(*cursor).map(|s| s.first_step);
            app.overlay = None;
            if let Some(step) = target {
                let first_asked = walkthrough_first_asked(app, step);
                go_to_step(app, first_asked);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(crate) fn walkthrough_first_asked(app: &App, from: usize) -> usize {
    let Some(document) = app.document.as_ref() else {
        return from;
    };
    let skipped =
        |i: usize| document.evaluation.asked.get(&app.steps[i].question) == Some(&Truth::False);
    if !skipped(from) {
        return from;
    }
    walkthrough::neighbour(&app.steps, from, true, &document.evaluation).unwrap_or(from)
}

pub(crate) fn go_to_step(app: &mut App, step: usize) {
    let question = app.steps.get(step).map(|s| s.question.clone());
    if let Some(document) = app.document.as_mut() {
        document.step = step;
        document.detail_scroll = 0;
        if document.assessment.last_question != question {
            document.assessment.last_question = question;
            document.dirty = true;
        }
    }
    app.screen = Screen::Walkthrough;
    app.reset_cursor();
}
