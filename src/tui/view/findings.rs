//! The findings screen: the register (id, severity, status, title) and the selected
//! finding's detail: description, treatment, signatures, its audit pin.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;
use ratatui::Frame;

use super::widgets::{block, clean, draw_detail, draw_list, list_and_detail, text_lines};
use crate::assessment::findings;
use crate::assessment::record::FindingStatus;
use crate::tui::state::{App, Document};

pub(super) fn draw_findings(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
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
