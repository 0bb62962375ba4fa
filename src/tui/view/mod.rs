//! Drawing: `view(&App, &mut Frame)` reads the state and draws it; it never changes
//! anything. Every text that came from a file (questionnaires, answers, notes) goes
//! through `text::sanitise` first, so no file can drive the terminal. Text of several
//! lines (answers, notes, comments, descriptions) keeps its line breaks; the protective
//! marking in the header is never cut (the system name is shortened instead); times are
//! shown in the app's time zone with the offset in force at each instant.
//!
//! This file draws the frame every screen shares (header, status line, key hints); one
//! file per screen (`home`, `walkthrough`, `obligations`, `overview`, `findings`) draws
//! the body, `popups` what goes over a screen (help, lists, forms, prompts), and
//! `widgets` the pieces they are all drawn with.

mod findings;
mod home;
mod obligations;
mod overview;
mod popups;
mod walkthrough;
mod widgets;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::keymap::{label, Command, Context};
use super::state::{App, Overlay, SaveState, Screen, Tone};
use crate::text::sanitise_line;
use findings::draw_findings;
use home::draw_home;
use obligations::draw_obligations;
use overview::draw_overview;
use walkthrough::draw_walkthrough;
use widgets::{clean, fit, time, width_of};

/// The smallest terminal the layout is designed for (a classic 80x24).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Rows the status message may take: all it needs, wrapped, up to a quarter of the
/// screen (at least one); a longer message is cut at the end with "...".
fn status_rows(app: &App, area: Rect) -> u16 {
    let Some(status) = &app.status else {
        return 1;
    };
    let count = Paragraph::new(format!(" {}", sanitise_line(&status.text)))
        .wrap(Wrap { trim: false })
        .line_count(area.width);
    let most = (area.height / 4).max(1);
    u16::try_from(count).unwrap_or(u16::MAX).clamp(1, most)
}

pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.theme.base()), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, frame, area);
        return;
    }
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_rows(app, area)),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, frame, header);
    match (app.screen, &app.document) {
        (Screen::Walkthrough, Some(d)) => draw_walkthrough(app, d, frame, body),
        (Screen::Obligations, Some(d)) => draw_obligations(app, d, frame, body),
        (Screen::Overview, Some(d)) => draw_overview(app, d, frame, body),
        (Screen::Findings, Some(d)) => draw_findings(app, d, frame, body),
        _ => draw_home(app, frame, body),
    }
    draw_status(app, frame, status);
    draw_hints(app, frame, hints);
    match &app.overlay {
        Some(Overlay::Jump { cursor }) => popups::draw_jump(app, *cursor, frame, body),
        Some(Overlay::Search { .. }) => popups::draw_search(app, frame, body),
        _ => {}
    }
    if let Some(form) = &app.form {
        popups::draw_form(app, form, frame, body);
    }
    // Help can be opened over a form (F1), so it goes on top.
    if let Some(Overlay::Help { scroll }) = &app.overlay {
        popups::draw_help(app, *scroll, frame, body);
    }
    if let Some(prompt) = &app.prompt {
        popups::draw_prompt(app, prompt, frame, body);
    }
}

fn too_small(app: &App, frame: &mut Frame, area: Rect) {
    let text = format!(
        "The terminal is {}x{}; secassess needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\nEnlarge the window, or run `secassess --plain` for line-by-line questions.\nPress q to quit.",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(app.theme.warning())
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let title = " secassess ";
    let Some(d) = &app.document else {
        frame.render_widget(Paragraph::new(Line::styled(title, app.theme.title())), area);
        return;
    };
    let (save, save_style) = match &d.save {
        SaveState::Saved(at) => (format!("[saved {}] ", time(app, at)), app.theme.good()),
        SaveState::Saving => (String::from("[saving...] "), app.theme.hint()),
        SaveState::Failed(_) => (String::from("[NOT SAVED] "), app.theme.error()),
        SaveState::ReadOnly(_) => (String::from("[read-only] "), app.theme.warning()),
    };
    let marking = d.evaluation.effective_classification.as_ref().map(|ec| {
        ec.label
            .clone()
            .unwrap_or_else(|| format!("at least {}", ec.at_least_label))
    });
    // The protective marking is never cut: the system name gets what is left.
    let fixed = width_of(title)
        + width_of("│ ")
        + marking
            .as_ref()
            .map_or(0, |m| width_of(" │ ") + width_of(m))
        + 1
        + width_of(&save);
    let name_room = usize::from(area.width).saturating_sub(fixed);
    let mut left = vec![
        Span::styled(title, app.theme.title()),
        Span::raw("│ "),
        Span::styled(
            fit(&sanitise_line(&d.assessment.system.name), name_room),
            app.theme.heading(),
        ),
    ];
    if let Some(marking) = marking {
        left.push(Span::raw(" │ "));
        left.push(Span::styled(marking, app.theme.warning()));
    }
    let save_width = u16::try_from(width_of(&save)).unwrap_or(20);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(save_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), left_area);
    frame.render_widget(
        Paragraph::new(Line::styled(save, save_style)).right_aligned(),
        right_area,
    );
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let Some(status) = &app.status else {
        return;
    };
    let style = match status.tone {
        Tone::Info => app.theme.hint(),
        Tone::Good => app.theme.good(),
        Tone::Warning => app.theme.warning(),
        Tone::Error => app.theme.error(),
    };
    let text = format!(" {}", sanitise_line(&status.text));
    let needed = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(area.width);
    // Too long for the rows it has: cut so the end shows it goes on.
    let text = if needed > usize::from(area.height) {
        let room = usize::from(area.width) * usize::from(area.height);
        fit(&text, room.saturating_sub(usize::from(area.width) / 2))
    } else {
        text
    };
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: false }),
        area,
    );
}

fn hint(app: &App, command: Command, context: Context, text: &str) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!(" {}", label(command, context)), app.theme.key()),
        Span::styled(format!(" {text} "), app.theme.hint()),
    ]
}

fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(prompt) = &app.prompt {
        let mut spans: Vec<Span> = Vec::new();
        for choice in &prompt.choices {
            spans.push(Span::styled(format!(" {}", choice.key), app.theme.key()));
            spans.push(Span::styled(
                format!(" {} ", clean(&choice.label).to_lowercase()),
                app.theme.hint(),
            ));
        }
        spans.push(Span::styled(" Esc", app.theme.key()));
        spans.push(Span::styled(" changes nothing ", app.theme.hint()));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let items: &[(Command, Context, &str)] = if app.form.is_some() {
        &[
            (Command::NextField, Context::Form, "next field"),
            (Command::Confirm, Context::Form, "next / save"),
            (Command::Back, Context::Global, "cancel"),
        ]
    } else if app.editor.is_some() {
        &[
            (Command::SaveEdit, Context::Editor, "keep the text"),
            (Command::Back, Context::Editor, "stop typing"),
        ]
    } else if matches!(app.overlay, Some(Overlay::Help { .. })) {
        &[
            (Command::Down, Context::Global, "scroll"),
            (Command::Back, Context::Global, "close"),
        ]
    } else if app.overlay.is_some() {
        &[
            (Command::Down, Context::Global, "move"),
            (Command::Confirm, Context::Lists, "go"),
            (Command::Back, Context::Global, "close"),
        ]
    } else {
        match app.screen {
            Screen::Home => &[
                (Command::Confirm, Context::Home, "open"),
                (Command::NewAssessment, Context::Home, "new"),
                (Command::OpenPath, Context::Home, "open file"),
                (Command::ChooseFolder, Context::Home, "folder"),
                (Command::Help, Context::Global, "help"),
                (Command::Quit, Context::Global, "quit"),
            ],
            Screen::Walkthrough => &[
                (Command::Choose(0), Context::Walkthrough, "answer"),
                (Command::Next, Context::Walkthrough, "next"),
                (Command::DontKnow, Context::Walkthrough, "don't know"),
                (Command::ShowObligations, Context::Global, "obligations"),
                (Command::Help, Context::Global, "help"),
                (Command::Quit, Context::Global, "quit"),
            ],
            Screen::Obligations => &[
                (Command::Down, Context::Global, "move"),
                (
                    Command::GoToQuestion,
                    Context::Obligations,
                    "go to question",
                ),
                (Command::RaiseFinding, Context::Obligations, "raise finding"),
                (Command::ShowWalkthrough, Context::Global, "questions"),
                (Command::Help, Context::Global, "help"),
            ],
            Screen::Findings => &[
                (Command::NewFinding, Context::Findings, "new"),
                (Command::PlanMitigation, Context::Findings, "plan"),
                (Command::AcceptRisk, Context::Findings, "accept risk"),
                (Command::EditFinding, Context::Findings, "edit"),
                (Command::Help, Context::Global, "more keys"),
            ],
            Screen::Overview => &[
                (Command::ShowWalkthrough, Context::Global, "questions"),
                (Command::ShowObligations, Context::Global, "obligations"),
                (Command::ExportPack, Context::Global, "evidence pack"),
                (Command::Help, Context::Global, "help"),
                (Command::Quit, Context::Global, "quit"),
            ],
        }
    };
    let mut spans: Vec<Span> = items
        .iter()
        .flat_map(|(command, context, text)| hint(app, *command, *context, text))
        .collect();
    if (app.form.is_some() || app.editor.is_some()) && app.overlay.is_none() {
        // `?` is typed in a text box; F1 opens the help there.
        spans.push(Span::styled(" F1", app.theme.key()));
        spans.push(Span::styled(" keys ", app.theme.hint()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
