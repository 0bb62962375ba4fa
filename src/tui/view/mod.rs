//! Drawing: `view(&App, &mut Frame)` reads the state and draws it; it never changes
//! anything. Every text that came from a file (questionnaires, answers, notes) goes
//! through `text::sanitise` first, so no file can drive the terminal. Text of several
//! lines (answers, notes, comments, descriptions) keeps its line breaks; the protective
//! marking in the header is never cut (the system name is shortened instead); times are
//! shown in the app's time zone with the offset in force at each instant. `popups` draws
//! what goes over a screen (help, lists, forms, prompts).

mod popups;

use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::keymap::{label, Command, Context};
use super::state::{App, Document, EditPurpose, Overlay, SaveState, Screen, Tone};
use super::theme::{status_label, step_marker};
use crate::assessment::findings;
use crate::assessment::record::{FindingStatus, ReviewDecision};
use crate::assessment::review;
use crate::assessment::{sign_off, verify};
use crate::questionnaire::answer::display_answer;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{AnswerKind, Level, NoticeSeverity, Question, Scope};
use crate::rules::{citation, ObligationResult, Status};
use crate::text::{sanitise, sanitise_line};
use crate::walkthrough::{self, StepState};

/// The smallest terminal the layout is designed for (a classic 80x24).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

fn clean(text: &str) -> String {
    sanitise(text).into_owned()
}

/// Text that may hold line breaks, one `Line` per line, sanitised. The first line may
/// start with a label (such as "Notes: ").
fn text_lines(text: &str, style: Style) -> Vec<Line<'static>> {
    labelled_lines(None, text, style)
}

fn labelled_lines(label: Option<(&str, Style)>, text: &str, style: Style) -> Vec<Line<'static>> {
    let clean_text = clean(text);
    let mut lines: Vec<Line> = Vec::new();
    for (i, line) in clean_text.split('\n').enumerate() {
        let mut spans = Vec::new();
        if let (0, Some((label, label_style))) = (i, label) {
            spans.push(Span::styled(label.to_string(), label_style));
        }
        spans.push(Span::styled(line.trim_end_matches('\r').to_string(), style));
        lines.push(Line::from(spans));
    }
    lines
}

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

/// "10:42", local time at that instant.
fn time(app: &App, at: &DateTime<Utc>) -> String {
    app.zone.local(*at).format("%H:%M").to_string()
}

/// "2026-07-15", the local date at that instant.
fn date(app: &App, at: &DateTime<Utc>) -> String {
    app.zone.local(*at).format("%Y-%m-%d").to_string()
}

/// Display width in terminal cells.
fn width_of(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut to at most `width` cells, ending in "..." when cut.
fn fit(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut candidate = out.clone();
        candidate.push(c);
        if width_of(&candidate) + 3 > width {
            break;
        }
        out = candidate;
    }
    if width >= 3 {
        out.push_str("...");
    }
    out
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

fn block<'a>(app: &App, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_style(if focused {
            app.theme.focused_border()
        } else {
            app.theme.border()
        })
        .title(title)
}

fn draw_home(app: &App, frame: &mut Frame, area: Rect) {
    use crate::report::portfolio::text;
    let folder = sanitise_line(&app.home_folder);
    let title = text::fit(
        &if folder.is_empty() {
            String::from(" Assessments ")
        } else {
            format!(" Assessments in {folder} ")
        },
        usize::from(area.width.saturating_sub(4)),
    );
    let mut block = block(app, title, true);
    if app.home.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = Text::from(vec![
            Line::from("No assessments yet."),
            Line::from(""),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled("n", app.theme.key()),
                Span::raw(" to start a new assessment of your system, "),
                Span::styled("f", app.theme.key()),
                Span::raw(" to open an assessment file by its path, or "),
                Span::styled("d", app.theme.key()),
                Span::raw(" to list the assessments in another folder."),
            ]),
            Line::from(""),
            Line::from("secassess asks about your system, works out which NHS England security"),
            Line::from("obligations apply and why, and keeps your answers in a file you control."),
            Line::from("Nothing is sent anywhere."),
        ]);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    }
    // The same columns as `secassess portfolio`, fitted to the pane (less the "> ").
    let rows: Vec<&crate::portfolio::Row> = app
        .home
        .iter()
        .filter_map(|e| e.row.as_ref().ok())
        .collect();
    let width = usize::from(area.width.saturating_sub(4));
    let table = text::layout(&rows, Some(width), |at| app.zone.local(at));
    if !table.left_out.is_empty() {
        let names: Vec<&str> = table.left_out.iter().map(|c| c.header()).collect();
        block = block.title_bottom(Line::from(text::fit(
            &format!(" not shown at this width: {} ", names.join(", ")),
            width,
        )));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [header, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let lines = text::table_lines(&[], &table, |at| app.zone.local(at));
    frame.render_widget(
        Paragraph::new(format!("  {}", lines.first().map_or("", String::as_str)))
            .style(app.theme.heading()),
        header,
    );
    let items: Vec<ListItem> = app
        .home
        .iter()
        .map(|entry| match &entry.row {
            Ok(row) => ListItem::new(
                text::table_lines(&[row], &table, |at| app.zone.local(at))
                    .pop()
                    .unwrap_or_default(),
            ),
            Err(problem) => ListItem::new(Line::styled(
                text::fit(&format!("cannot be read: {}", problem.sentence()), width),
                app.theme.warning(),
            )),
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.home_cursor));
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(app.theme.selected())
            .highlight_symbol("> "),
        list,
        &mut state,
    );
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(3)).collect();
        out.push_str("...");
        out
    }
}

fn draw_walkthrough(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let (question_area, why_area) = if area.width >= 110 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
            .areas(area);
        (a, b)
    } else {
        // The question needs about 12 rows; the rest goes to the help and the quoted
        // requirement, which are often longer.
        let needed = if app.editor.is_some() {
            area.height / 2
        } else {
            question_rows(app, document, area.width)
        };
        // At least 12 rows for the question, at least 8 for why it is asked.
        let question_rows = needed.clamp(12, area.height.saturating_sub(8).max(12));
        let [a, b] =
            Layout::vertical([Constraint::Length(question_rows), Constraint::Min(0)]).areas(area);
        (a, b)
    };
    draw_question(app, document, frame, question_area);
    draw_why(app, document, frame, why_area);
}

fn draw_question(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let Some(question) = app.current_question() else {
        return;
    };
    let sections = app.sections();
    let section = sections
        .iter()
        .rfind(|s| s.first_step <= document.step)
        .map(|s| clean(&s.title))
        .unwrap_or_default();
    let title = format!(
        " {section} · question {} of {} ",
        document.step + 1,
        app.steps.len()
    );
    let outer = block(app, title, app.overlay.is_none() && app.form.is_none());
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let typing = app.editor.is_some();
    let lines = question_lines(app, document, question, !typing);
    if let Some(editor) = &app.editor {
        let title = match editor.purpose {
            EditPurpose::Answer => " Your answer (Ctrl-S keeps it, Esc stops typing) ",
            EditPurpose::Notes => " Notes (Ctrl-S keeps them, Esc stops typing) ",
        };
        let head_height = u16::try_from(
            Paragraph::new(lines.clone())
                .wrap(Wrap { trim: false })
                .line_count(inner.width),
        )
        .unwrap_or(u16::MAX);
        let [head, editor_area] = Layout::vertical([
            Constraint::Length(head_height.min(inner.height / 2)),
            Constraint::Min(3),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), head);
        let mut area_widget = editor.area.widget();
        area_widget.set_block(block(app, title, true));
        area_widget.set_cursor_line_style(Style::new());
        frame.render_widget(&area_widget, editor_area);
        return;
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The question pane's text: the prompt, why it is skipped, and (with `with_answer`) the
/// options, the answer with who gave it and when, notes, the flag and the review status.
fn question_lines(
    app: &App,
    document: &Document,
    question: &Question,
    with_answer: bool,
) -> Vec<Line<'static>> {
    let state = app.step_state(document.step);
    let record = document.assessment.answers.get(&question.id);
    let flagged = record.is_some_and(|r| r.flagged);
    let mut lines: Vec<Line> = Vec::new();
    let marker = step_marker(state, flagged);
    lines.push(Line::from(vec![
        Span::styled(format!("{marker} "), app.theme.step(state)),
        Span::styled(clean(&question.prompt), app.theme.heading()),
    ]));
    if state == StepState::Skipped {
        let reason = question
            .ask_if
            .as_ref()
            .map(|(_, text)| {
                format!(
                    "Not asked for this system (asked only if {}).",
                    sanitise_line(text)
                )
            })
            .unwrap_or_default();
        lines.push(Line::styled(reason, app.theme.dimmed()));
    } else if document.evaluation.reconfirm.contains(&question.id) {
        lines.push(Line::styled(
            "This question changed after you answered it: check your answer and confirm it (Enter).",
            app.theme.warning(),
        ));
    }
    lines.push(Line::from(""));
    if !with_answer {
        return lines;
    }
    let (answers, _) = document.assessment.typed_answers(&app.catalogue);
    let current = answers.get(&question.id);
    let rows = app.option_rows();
    let dont_know_row = rows.len().saturating_sub(1);
    for (i, row) in rows.iter().enumerate() {
        let selected = Some(i) == document.cursor;
        let pointer = if selected { "> " } else { "  " };
        let tick = if question.kind == AnswerKind::Multiple && i < dont_know_row {
            let ticked = question
                .options
                .get(i)
                .is_some_and(|o| document.ticked.contains(&o.value));
            if ticked {
                "[x] "
            } else {
                "[ ] "
            }
        } else {
            ""
        };
        let number = if i < dont_know_row
            && matches!(
                question.kind,
                AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Multiple
            ) {
            format!("{}. ", i + 1)
        } else {
            String::from("   ")
        };
        let style = if selected {
            app.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{pointer}{number}{tick}{}", clean(row)),
            style,
        )));
    }
    if let Some(help) = document
        .cursor
        .and_then(|c| question.options.get(c))
        .and_then(|o| o.help.as_ref())
    {
        lines.push(Line::styled(
            format!("   {}", clean(help)),
            app.theme.hint(),
        ));
    } else if document.cursor.is_none() && question.options.iter().any(|o| o.help.is_some()) {
        lines.push(Line::styled(
            "   (↑/↓ shows what each option means)",
            app.theme.hint(),
        ));
    }
    lines.push(Line::from(""));
    if let (Some(value), Some(record)) = (current, record) {
        lines.extend(labelled_lines(
            Some(("Answer: ", app.theme.hint())),
            &display_answer(question, value),
            app.theme.good().add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::styled(
            format!(
                "by {} on {} at {}",
                sanitise_line(&record.answered_by),
                date(app, &record.answered_at),
                time(app, &record.answered_at)
            ),
            app.theme.hint(),
        ));
        if matches!(value, crate::questionnaire::answer::AnswerValue::DontKnow) {
            lines.push(Line::styled(
                format!("Who can answer it: {}", clean(&question.who_can_answer)),
                app.theme.warning(),
            ));
        }
    }
    if let Some(record) = record.filter(|r| !r.notes.is_empty()) {
        lines.extend(labelled_lines(
            Some(("Notes: ", app.theme.hint())),
            &record.notes,
            Style::new(),
        ));
    }
    if flagged {
        lines.push(Line::styled(
            "Flagged to answer later.",
            app.theme.warning(),
        ));
    }
    let review_status = review::status(&document.assessment, &question.id, &document.evidence);
    if let Some(drift) =
        review::evidence_drift(&document.assessment, &question.id, &document.evidence)
    {
        lines.push(Line::styled(
            format!(
                "The evidence file {} since it was attached: attach it again.",
                drift.verb().to_uppercase()
            ),
            app.theme.error(),
        ));
    }
    if review_status.decision != ReviewDecision::NotReviewed {
        let style = if review_status.stale || review_status.open_query {
            app.theme.warning()
        } else {
            app.theme.good()
        };
        lines.push(Line::styled(
            format!("Review: {}", review_status.label()),
            style,
        ));
        if let Some(comment) = document
            .assessment
            .reviews
            .get(&question.id)
            .and_then(|r| r.thread.last())
        {
            let author = format!("  {}: ", sanitise_line(&comment.author));
            lines.extend(labelled_lines(
                Some((&author, app.theme.hint())),
                &comment.text,
                app.theme.hint(),
            ));
        }
    }

    lines
}

/// Rows the question pane needs to show everything, with its borders.
fn question_rows(app: &App, document: &Document, width: u16) -> u16 {
    let Some(question) = app.current_question() else {
        return 0;
    };
    let lines = question_lines(app, document, question, app.editor.is_none());
    let count = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .line_count(width.saturating_sub(2));
    u16::try_from(count).unwrap_or(u16::MAX).saturating_add(2)
}

fn draw_why(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let Some(question) = app.current_question() else {
        return;
    };
    let outer = block(app, " Why this is asked (J/K scroll) ", false);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut lines: Vec<Line> = vec![Line::from(clean(&question.help)), Line::from("")];
    lines.push(Line::from(vec![
        Span::styled("Who can answer: ", app.theme.hint()),
        Span::raw(clean(&question.who_can_answer)),
    ]));
    for source in &question.sources {
        let cited = citation(&app.catalogue, source);
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!("\"{}\"", clean(&cited.quote)),
            app.theme.quote(),
        ));
        lines.push(Line::styled(
            format!("  {}, {}", clean(&cited.reference()), clean(&cited.section)),
            app.theme.hint(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((document.detail_scroll, 0)),
        inner,
    );
}

/// A list in its block, with the selected row highlighted.
fn draw_list(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    frame_block: Block,
    items: Vec<ListItem>,
    selected: Option<usize>,
) {
    let mut state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(
        List::new(items)
            .block(frame_block)
            .highlight_style(app.theme.selected()),
        area,
        &mut state,
    );
}

/// The selected item's detail: wrapped, scrolled with J/K, in an unfocused block.
fn draw_detail(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
) {
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block(app, title, false)),
        area,
    );
}

/// A list and the selected item's detail: side by side on a wide terminal, the detail
/// below the list on a narrow one.
fn list_and_detail(area: Rect) -> (Rect, Rect) {
    let [list, detail] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
    };
    (list, detail)
}

fn draw_obligations(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let order = super::obligations::obligation_order(&document.evaluation);
    let (list_area, detail_area) = list_and_detail(area);
    let count = |s: Status| {
        document
            .evaluation
            .obligations
            .iter()
            .filter(|o| o.status == s)
            .count()
    };
    let outside = document.evaluation.stops().next().is_some();
    let title = format!(
        " {}Obligations: {} not met, {} unknown, {} met, {} n/a ",
        if outside {
            "OUTSIDE SELF-ASSESSMENT · not sufficient · "
        } else {
            ""
        },
        count(Status::NotMet),
        count(Status::Unknown),
        count(Status::Met),
        count(Status::NotApplicable)
    );
    // An unmet obligation a finding already records is marked, so the gaps still to
    // record stand out.
    let recorded: std::collections::BTreeSet<&str> = document
        .assessment
        .findings
        .iter()
        .flat_map(|f| f.obligations.iter().map(String::as_str))
        .collect();
    let items: Vec<ListItem> = order
        .iter()
        .filter_map(|&i| document.evaluation.obligations.get(i))
        .map(|o| {
            let maybe = if o.status == Status::Unknown && o.applies == Truth::Unknown {
                "~"
            } else {
                " "
            };
            let finding = if o.status == Status::NotMet && recorded.contains(o.id.as_str()) {
                "F "
            } else {
                "  "
            };
            ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{:<12}", status_label(o.status)),
                    app.theme.status(o.status),
                ),
                Span::styled(finding, app.theme.key()),
                Span::raw(maybe),
                Span::styled(format!("{:<7}", level_tag(o)), app.theme.heading()),
                Span::raw(clean(&o.title)),
            ]))
        })
        .collect();
    let legend = Line::from(vec![
        Span::styled(" F", app.theme.key()),
        Span::styled(" has a finding  ", app.theme.hint()),
        Span::styled("~MUST", app.theme.heading()),
        Span::styled(" may apply, answers will tell ", app.theme.hint()),
    ]);
    draw_list(
        app,
        frame,
        list_area,
        block(app, title, true).title_bottom(legend),
        items,
        Some(document.obligation_cursor),
    );
    let Some(o) = order
        .get(document.obligation_cursor)
        .and_then(|&i| document.evaluation.obligations.get(i))
    else {
        return;
    };
    let mut lines = Vec::new();
    // Outside self-assessment is said first, on every obligation: none of them is enough.
    for stop in document.evaluation.stops() {
        lines.push(Line::styled(
            format!(
                "STOP: {}. Take the system to the {}; these obligations are the OFFICIAL baseline only and are not sufficient.",
                clean(stop.title.trim_end_matches('.')),
                clean(stop.contact.as_deref().unwrap_or("Cyber Security team"))
            ),
            app.theme.error(),
        ));
        lines.push(Line::from(""));
    }
    lines.extend([
        Line::from(vec![
            Span::styled(format!("{} ", o.level.name()), app.theme.heading()),
            Span::styled(clean(&o.title), app.theme.heading()),
        ]),
        Line::from(vec![
            Span::styled(status_label(o.status), app.theme.status(o.status)),
            Span::styled(
                if app.verbose {
                    format!("  [{}]", o.id)
                } else {
                    String::new()
                },
                app.theme.hint(),
            ),
        ]),
        Line::from(""),
    ]);
    for reason in &o.reasons {
        lines.push(Line::from(clean(reason)));
    }
    let problems = findings::check_consistency(&document.assessment, &app.catalogue);
    let standing = findings::standings(
        &document.assessment.findings,
        &problems,
        &app.catalogue,
        &document.evaluation,
        app.today,
    )
    .into_iter()
    .find(|s| s.obligation == o.id);
    // Unknown obligations already say which questions decide them; the register matters
    // once something is recorded or the obligation is not met.
    if let Some(standing) =
        standing.filter(|s| !s.findings.is_empty() || o.status == Status::NotMet)
    {
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("Findings: ", app.theme.hint()),
            Span::raw(clean(&standing.summary)),
        ]));
        if let Some(blocks) = &standing.blocks {
            lines.push(Line::styled(
                format!("Blocks `secassess check`: {}", clean(blocks)),
                app.theme.warning(),
            ));
        }
        if standing.findings.is_empty() && o.status == Status::NotMet {
            lines.push(Line::styled(
                "Press c to raise a finding for it.",
                app.theme.hint(),
            ));
        }
    }
    if !o.involves.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("Who to contact: ", app.theme.hint()),
            Span::raw(clean(&o.involves.join(", "))),
        ]));
    }
    if !o.guidance.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("What to do: ", app.theme.hint()),
            Span::raw(clean(&o.guidance)),
        ]));
    }
    draw_detail(
        app,
        frame,
        detail_area,
        " Why (J/K scroll) ",
        lines,
        document.detail_scroll,
    );
}

/// The level column of the obligations list: "MUST", or "ORG" for an organisation duty
/// (context, never the project's blocker), or "GOOD" for good practice.
fn level_tag(o: &ObligationResult) -> &'static str {
    match (o.scope, o.level) {
        (Scope::Organisation, _) => "ORG",
        (_, Level::GoodPractice) => "GOOD",
        (_, level) => level.name(),
    }
}

fn bar(ratio: f64, width: usize) -> String {
    let filled = ((ratio.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "#".repeat(filled), ".".repeat(width - filled))
}

fn draw_overview(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let outer = block(app, " Overview (↑/↓ scroll) ", true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut lines: Vec<Line> = Vec::new();
    for stop in document.evaluation.stops() {
        lines.push(Line::styled(
            format!(
                "STOP: {}. Take the system to the {}. The obligations are not sufficient for it, and `secassess check` will not pass it.",
                clean(stop.title.trim_end_matches('.')),
                clean(stop.contact.as_deref().unwrap_or("Cyber Security team"))
            ),
            app.theme.error(),
        ));
    }
    if let Some(ec) = &document.evaluation.effective_classification {
        lines.push(Line::from(vec![
            Span::styled("Classification: ", app.theme.hint()),
            Span::styled(clean(&ec.explanation), app.theme.heading()),
        ]));
    }
    for notice in document
        .evaluation
        .notices
        .iter()
        .filter(|n| n.severity != NoticeSeverity::Stop)
    {
        let style = match notice.severity {
            NoticeSeverity::Stop => app.theme.error(),
            NoticeSeverity::Warning => app.theme.warning(),
            NoticeSeverity::Info => app.theme.hint(),
        };
        let tag = match notice.severity {
            NoticeSeverity::Stop => "STOP",
            NoticeSeverity::Warning => "WARNING",
            NoticeSeverity::Info => "NOTE",
        };
        lines.push(Line::styled(
            format!("{tag}: {}", clean(&notice.title)),
            style,
        ));
    }
    let outstanding = walkthrough::outstanding(&document.evaluation, &document.assessment);
    let progress = &document.evaluation.progress;
    lines.push(Line::from(format!(
        "Answered {} of {} questions ({} \"don't know yet\", {} flagged to answer later).",
        progress.answered, progress.total, outstanding.dont_know, outstanding.flagged
    )));
    lines.push(Line::from(vec![
        Span::styled(
            format!("MUST obligations not met: {}", outstanding.unmet_musts),
            if outstanding.unmet_musts > 0 {
                app.theme.error()
            } else {
                app.theme.good()
            },
        ),
        Span::raw("   "),
        Span::styled(
            format!(
                "MUST obligations still unknown: {}",
                outstanding.unknown_musts
            ),
            if outstanding.unknown_musts > 0 {
                app.theme.warning()
            } else {
                app.theme.good()
            },
        ),
    ]));
    let review_progress = review::progress(
        &document.assessment,
        &app.catalogue,
        &document.evaluation,
        &document.evidence,
    );
    let untreated_gaps =
        findings::gaps_without_finding(&document.assessment.findings, &document.evaluation).len();
    lines.push(Line::from(format!(
        "Findings: {} recorded, {untreated_gaps} unmet obligation(s) with no finding (f).",
        document.assessment.findings.len()
    )));
    let judged = sign_off::Judged {
        catalogue: &app.catalogue,
        evidence: &document.evidence,
        today: app.today,
    };
    let sign_off_state = sign_off::state(
        &document.assessment,
        &judged,
        &verify::record_problems(&document.assessment),
    );
    let sign_off = match &sign_off_state {
        sign_off::SignOffState::NotSignedOff => String::from("not signed off"),
        sign_off::SignOffState::Intact { .. } => String::from("signed off, nothing changed since"),
        other => clean(&format!("signed off; {}", other.words())),
    };
    lines.push(Line::from(format!(
        "Review: {} of {} answers accepted, {} open queries, {} stale; {sign_off}.",
        review_progress.accepted,
        review_progress.answers,
        review_progress.open_queries,
        review_progress.stale
    )));
    // Checked over the content, not against an allowed-signers file (verify does that).
    if let Some(signature) =
        crate::assessment::signature::sign_off_signature(&document.assessment, None)
    {
        lines.push(Line::from(clean(&format!(
            "Sign-off signature: {}.",
            signature.words()
        ))));
    }
    // The gate beside the sign-off, and the one rule for "ready to sign off".
    let gate = findings::gate(&document.assessment, &app.catalogue, app.today);
    let readiness = sign_off::readiness(&document.assessment, &judged);
    lines.push(Line::styled(
        format!(
            "Gate: {}.   Ready for sign-off: {}.",
            if gate.passed { "passed" } else { "NOT PASSED" },
            if readiness.ready() {
                String::from("yes")
            } else {
                format!(
                    "no, {} thing(s) in the way (S lists them)",
                    readiness.blockers.len()
                )
            }
        ),
        if gate.passed && readiness.ready() {
            app.theme.good()
        } else {
            app.theme.warning()
        },
    ));
    let changed: Vec<String> = review::items(
        &document.assessment,
        &app.catalogue,
        &document.evaluation,
        &document.evidence,
        review::Filter::Unreviewed,
    )
    .into_iter()
    .filter(|item| item.status.stale)
    .map(|item| app.name_of(&item.question))
    .collect();
    if !changed.is_empty() {
        lines.push(Line::styled(
            format!(
                "Changed since the last review: {}",
                clean(&changed.join("; "))
            ),
            app.theme.warning(),
        ));
    }
    lines.push(Line::from(vec![
        Span::styled("Next: ", app.theme.key()),
        Span::raw(clean(&walkthrough::next_thing_to_do(
            &app.catalogue,
            &app.steps,
            &document.evaluation,
            &document.assessment,
        ))),
    ]));
    lines.push(Line::from(""));
    let name_width = usize::from(inner.width).saturating_sub(30).clamp(20, 50);
    for section in app.sections() {
        let done = section.answered + section.dont_know;
        let mark = if section.total == 0 {
            "[-]"
        } else if section.is_complete() {
            "[x]"
        } else {
            "[ ]"
        };
        let style = if section.total == 0 {
            app.theme.dimmed()
        } else {
            Style::new()
        };
        lines.push(Line::styled(
            format!(
                "{mark} {:<name_width$} {} {done:>2}/{:<2}",
                truncate(&clean(&section.title), name_width),
                bar(section.ratio(), 12),
                section.total
            ),
            style,
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((document.overview_scroll, 0)),
        inner,
    );
}

fn draw_findings(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let assessment = &document.assessment;
    let problems = findings::check_consistency(assessment, &app.catalogue);
    let views = findings::views(
        assessment,
        &app.catalogue,
        &document.evaluation,
        &problems,
        app.today,
    );
    let mut gaps = findings::gaps_without_finding(&assessment.findings, &document.evaluation);
    gaps.sort_by_key(|o| o.level);
    let (list_area, detail_area) = list_and_detail(area);
    let open = views
        .iter()
        .filter(|v| v.treatment == "none" && v.finding.status != FindingStatus::Closed)
        .count();
    let title = format!(
        " Findings: {}, {open} untreated; {} gaps without one ",
        views.len(),
        gaps.len()
    );
    let items: Vec<ListItem> = views
        .iter()
        .map(|v| {
            let mut flags = String::new();
            if !v.overdue.is_empty() {
                flags.push_str(" OVERDUE");
            }
            if v.needs_escalation {
                flags.push_str(" ESCALATE");
            }
            if !v.problems.is_empty() {
                flags.push_str(" EDITED OUTSIDE");
            }
            if v.no_longer_applies.is_some() {
                flags.push_str(" NO LONGER APPLIES");
            }
            let style = if flags.is_empty() {
                Style::new()
            } else {
                app.theme.warning()
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<6}", clean(&v.finding.id)), app.theme.heading()),
                Span::raw(format!("{:<9}", v.finding.severity.name())),
                Span::raw(format!("{:<19}", v.finding.status.label())),
                Span::raw(clean(&v.finding.title)),
                Span::styled(flags, style),
            ]))
        })
        .collect();
    draw_list(
        app,
        frame,
        list_area,
        block(app, title, true),
        items,
        Some(document.finding_cursor),
    );
    let mut lines: Vec<Line> = Vec::new();
    match views.get(document.finding_cursor) {
        Some(v) => {
            let f = v.finding;
            lines.push(Line::styled(
                format!("{} {}", clean(&f.id), clean(&f.title)),
                app.theme.heading(),
            ));
            lines.push(Line::from(format!(
                "Severity {} ({}); status {}; owner {}",
                f.severity.name(),
                f.severity.rubric(),
                f.status.label(),
                if f.owner.is_empty() {
                    String::from("not set")
                } else {
                    clean(&f.owner)
                }
            )));
            if !f.obligations.is_empty() {
                let names: Vec<String> = f.obligations.iter().map(|id| app.name_of(id)).collect();
                lines.push(Line::from(format!(
                    "Obligations: {}",
                    clean(&names.join("; "))
                )));
            }
            lines.push(Line::from(vec![
                Span::styled("Treatment: ", app.theme.hint()),
                Span::raw(clean(&v.treatment)),
            ]));
            for overdue in &v.overdue {
                lines.push(Line::styled(
                    format!("OVERDUE: {}", clean(&overdue.to_string())),
                    app.theme.error(),
                ));
            }
            if v.needs_escalation {
                lines.push(Line::styled(
                    format!(
                        "ESCALATE: a risk accepted on a MUST obligation for OFFICIAL-SENSITIVE information is flagged for escalation to organisation level (e); {}.",
                        findings::ESCALATION_POLICY
                    ),
                    app.theme.warning(),
                ));
            }
            for problem in &v.problems {
                lines.push(Line::styled(
                    format!("EDITED OUTSIDE secassess: {}", clean(&problem.to_string())),
                    app.theme.error(),
                ));
            }
            if let Some(why) = &v.no_longer_applies {
                let why = why.split(" (secassess finding close").next().unwrap_or(why);
                lines.push(Line::styled(
                    format!("NO LONGER APPLIES: {}; press c to close it.", clean(why)),
                    app.theme.warning(),
                ));
            }
            if !f.description.is_empty() {
                lines.push(Line::from(""));
                lines.extend(text_lines(&f.description, Style::new()));
            }
        }
        None => lines.push(Line::from(
            "No findings yet. Press n to raise one by hand, or c on an unmet obligation (o) to raise one pre-filled.",
        )),
    }
    if !gaps.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            "Not met, and no finding yet (raise one with c on the obligations screen):",
            app.theme.warning(),
        ));
        for gap in &gaps {
            lines.push(Line::from(format!(
                "  {} {}",
                gap.level.name(),
                clean(&gap.title)
            )));
        }
    }
    draw_detail(
        app,
        frame,
        detail_area,
        " Finding (J/K scroll) ",
        lines,
        document.detail_scroll,
    );
}
