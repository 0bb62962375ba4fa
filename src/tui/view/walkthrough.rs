//! The walkthrough screen: the question with its options, answer, notes, flag and review
//! status, and beside or below it why it is asked (help, who can answer, the quoted
//! requirements).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{block, clean, date, labelled_lines, time};
use crate::assessment::record::ReviewDecision;
use crate::assessment::review;
use crate::questionnaire::answer::display_answer;
use crate::questionnaire::model::{AnswerKind, Question};
use crate::rules::citation;
use crate::text::sanitise_line;
use crate::tui::state::{App, Document, EditPurpose};
use crate::tui::theme::step_marker;
use crate::walkthrough::{self, StepState};

pub(super) fn draw_walkthrough(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
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
    let (number, total) = walkthrough::position(
        &app.steps,
        document.step,
        &document.evaluation,
        &document.assessment,
    );
    let title = format!(" {section} · question {number} of {total} ");
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
