//! The pieces every screen is drawn with: text from files as sanitised lines, times in
//! the app's zone, widths in terminal cells and text cut to fit, the bordered block,
//! a list beside (or above) the selected item's detail.

use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use crate::text::sanitise;
use crate::tui::state::App;

pub(super) fn clean(text: &str) -> String {
    sanitise(text).into_owned()
}

/// Text that may hold line breaks, one `Line` per line, sanitised. The first line may
/// start with a label (such as "Notes: ").
pub(super) fn text_lines(text: &str, style: Style) -> Vec<Line<'static>> {
    labelled_lines(None, text, style)
}

pub(super) fn labelled_lines(
    label: Option<(&str, Style)>,
    text: &str,
    style: Style,
) -> Vec<Line<'static>> {
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

/// "10:42", local time at that instant.
pub(super) fn time(app: &App, at: &DateTime<Utc>) -> String {
    app.zone.local(*at).format("%H:%M").to_string()
}

/// "2026-07-15", the local date at that instant.
pub(super) fn date(app: &App, at: &DateTime<Utc>) -> String {
    app.zone.local(*at).format("%Y-%m-%d").to_string()
}

/// Display width in terminal cells.
pub(super) fn width_of(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut to at most `width` cells, ending in "..." when cut.
pub(super) fn fit(text: &str, width: usize) -> String {
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

pub(super) fn block<'a>(app: &App, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
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

pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(3)).collect();
        out.push_str("...");
        out
    }
}

/// A list in its block, with the selected row highlighted.
pub(super) fn draw_list(
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
pub(super) fn draw_detail(
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
pub(super) fn list_and_detail(area: Rect) -> (Rect, Rect) {
    let [list, detail] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
    };
    (list, detail)
}
