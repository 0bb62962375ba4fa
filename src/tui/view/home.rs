//! The home screen: the assessments of a folder as the team's view lists them (the
//! columns of `secassess portfolio`, fitted to the width), or how to start.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::block;
use crate::text::sanitise_line;
use crate::tui::state::App;

pub(super) fn draw_home(app: &App, frame: &mut Frame, area: Rect) {
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
