//! What is drawn over a screen: the key help, the section jump and search lists, forms
//! and prompts. Like the rest of `view`, it reads the state and never changes it; text
//! from files is sanitised before it is drawn.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, ListItem, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{block, clean, draw_list, text_lines, truncate};
use crate::text::sanitise_line;
use crate::tui::form::Form;
use crate::tui::keymap::{help_order, Context, BINDINGS, TEXT_BOX_KEYS};
use crate::tui::prompt::Prompt;
use crate::tui::state::{App, Overlay, Screen};
use crate::tui::text_box::TextBox;

/// A box of at most `width` x `height`, centred in `area`.
pub(super) fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The help's lines: every key, grouped by screen, the current screen's group first.
fn help_lines(app: &App) -> Vec<Line<'static>> {
    let current = if app.form.is_some() {
        Context::Form
    } else if app.editor.is_some() {
        Context::Editor
    } else {
        match (app.screen, &app.document) {
            (_, None) | (Screen::Home, _) => Context::Home,
            (Screen::Walkthrough, _) => Context::Walkthrough,
            (Screen::Obligations, _) => Context::Obligations,
            (Screen::Findings, _) => Context::Findings,
            (Screen::Overview, _) => Context::Overview,
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    for context in help_order(current) {
        lines.push(Line::styled(context.title(), app.theme.heading()));
        let bound = BINDINGS
            .iter()
            .filter(|b| b.context == context)
            .map(|b| (b.label, b.help));
        let extra = if context == Context::Editor {
            TEXT_BOX_KEYS
        } else {
            &[]
        };
        for (label, help) in bound.chain(extra.iter().copied()) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {label:<14}"), app.theme.key()),
                Span::raw(help),
            ]));
        }
        lines.push(Line::from(""));
    }
    lines
}

pub(super) fn draw_help(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let area = popup(area, 78, area.height);
    frame.render_widget(Clear, area);
    let lines = help_lines(app);
    let scroll = u16::try_from(scroll.min(lines.len().saturating_sub(1))).unwrap_or(0);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block(app, " Keys (↑/↓ scroll; Esc, q or ? closes) ", true)),
        area,
    );
}

pub(super) fn draw_jump(app: &App, cursor: usize, frame: &mut Frame, area: Rect) {
    let area = popup(area, 74, area.height);
    frame.render_widget(Clear, area);
    let items: Vec<ListItem> = app
        .sections()
        .iter()
        .map(|s| {
            let style = if s.total == 0 {
                app.theme.dimmed()
            } else {
                Style::new()
            };
            ListItem::new(Line::styled(
                format!(
                    "{:<48} {:>2}/{:<2}",
                    truncate(&clean(&s.title), 47),
                    s.answered + s.dont_know,
                    s.total
                ),
                style,
            ))
        })
        .collect();
    draw_list(
        app,
        frame,
        area,
        block(app, " Jump to a section ", true),
        items,
        Some(cursor),
    );
}

/// A text box with its block; the cursor shows only in the box being typed in.
fn text_box_widget<'a>(
    app: &App,
    text_box: &TextBox,
    title: Line<'a>,
    focused: bool,
    error: bool,
) -> ratatui_textarea::TextArea<'a> {
    let mut widget = text_box.widget();
    let mut frame_block = block(app, title, focused);
    if error {
        frame_block = frame_block.border_style(app.theme.error());
    }
    widget.set_block(frame_block);
    widget.set_cursor_line_style(Style::new());
    if !focused {
        widget.set_cursor_style(Style::new());
    }
    widget
}

pub(super) fn draw_search(app: &App, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Search { query, cursor }) = &app.overlay else {
        return;
    };
    let area = popup(area, 76, area.height);
    frame.render_widget(Clear, area);
    let [query_area, results_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
    let widget = text_box_widget(app, query, Line::from(" Search questions "), true, false);
    frame.render_widget(&widget, query_area);
    let items: Vec<ListItem> = app
        .search_results()
        .iter()
        .filter_map(|&i| {
            app.steps
                .get(i)
                .and_then(|s| app.catalogue.question(&s.question))
        })
        .map(|q| ListItem::new(Line::from(truncate(&sanitise_line(&q.prompt), 72))))
        .collect();
    let count = items.len();
    draw_list(
        app,
        frame,
        results_area,
        block(app, format!(" {count} found "), false),
        items,
        (count > 0).then_some(*cursor),
    );
}

/// Inner rows a field's box gets: enough for its wrapped text, up to 3 (6 for a field of
/// several lines); the box scrolls beyond that.
fn field_rows(field: &crate::tui::form::Field, width: u16) -> u16 {
    let most = if field.text.is_multiline() { 6 } else { 3 };
    field.text.rows(width).clamp(1, most)
}

/// Rows the message under a field takes, wrapped to `width`.
fn error_rows(error: Option<&str>, width: u16) -> u16 {
    error.map_or(0, |e| {
        let count = Paragraph::new(format!("  {e}"))
            .wrap(Wrap { trim: false })
            .line_count(width.max(1));
        u16::try_from(count).unwrap_or(u16::MAX)
    })
}

pub(super) fn draw_form(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let width = 72.min(area.width);
    let inner_width = width.saturating_sub(2);
    let text_width = inner_width.saturating_sub(2);
    let mut rows: Vec<(u16, u16)> = form
        .fields
        .iter()
        .map(|f| {
            (
                field_rows(f, text_width) + 2,
                error_rows(f.error.as_deref(), inner_width),
            )
        })
        .collect();
    let footer: Vec<Line> = form
        .error
        .iter()
        .map(|e| Line::styled(sanitise_line(e), app.theme.error()))
        .chain(form.hint.iter().flat_map(|h| {
            h.lines()
                .map(|l| Line::styled(clean(l), app.theme.hint()))
                .collect::<Vec<_>>()
        }))
        .collect();
    let footer_rows = u16::try_from(
        Paragraph::new(footer.clone())
            .wrap(Wrap { trim: false })
            .line_count(inner_width.max(1)),
    )
    .unwrap_or(u16::MAX);
    // On a small terminal the fields shrink to one line each before anything is cut.
    let fields_height = |rows: &[(u16, u16)]| rows.iter().map(|(a, b)| a + b).sum::<u16>();
    if fields_height(&rows) + footer_rows + 2 > area.height {
        for row in &mut rows {
            row.0 = 3;
        }
    }
    let height = fields_height(&rows)
        .saturating_add(footer_rows)
        .saturating_add(2);
    let area = popup(area, width, height);
    frame.render_widget(Clear, area);
    let outer = block(app, format!(" {} ", clean(&form.title)), true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut constraints = Vec::new();
    for (field_height, error_height) in &rows {
        constraints.push(Constraint::Length(*field_height));
        constraints.push(Constraint::Length(*error_height));
    }
    constraints.push(Constraint::Min(0));
    let areas = Layout::vertical(constraints).split(inner);
    for (i, field) in form.fields.iter().enumerate() {
        let (Some(field_area), Some(error_area)) = (areas.get(2 * i), areas.get(2 * i + 1)) else {
            continue;
        };
        let mut title = vec![Span::raw(format!(" {}", clean(&field.label)))];
        if field.required {
            title.push(Span::styled(" (needed)", app.theme.hint()));
        }
        title.push(Span::raw(" "));
        let widget = text_box_widget(
            app,
            &field.text,
            Line::from(title),
            i == form.focus,
            field.error.is_some(),
        );
        frame.render_widget(&widget, *field_area);
        if let Some(error) = &field.error {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("  {}", sanitise_line(error)),
                    app.theme.error(),
                ))
                .wrap(Wrap { trim: false }),
                *error_area,
            );
        }
    }
    if let Some(rest) = areas.last() {
        frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), *rest);
    }
}

pub(super) fn draw_prompt(app: &App, prompt: &Prompt, frame: &mut Frame, area: Rect) {
    let width = 66.min(area.width);
    let inner_width = width.saturating_sub(2);
    let mut lines = text_lines(&prompt.message, Style::new());
    lines.push(Line::from(""));
    for choice in &prompt.choices {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", choice.key), app.theme.key()),
            Span::raw(clean(&choice.label)),
        ]));
    }
    let rows = u16::try_from(
        Paragraph::new(lines.clone())
            .wrap(Wrap { trim: false })
            .line_count(inner_width.max(1)),
    )
    .unwrap_or(u16::MAX);
    let area = popup(area, width, rows.saturating_add(2));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(app, format!(" {} ", clean(&prompt.title)), true)),
        area,
    );
}
