//! The obligations screen: every obligation by status then level (the order of
//! `tui::obligations::obligation_order`), and the selected one's detail: why it applies,
//! what meets it, the requirement quoted, findings that treat it.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;
use ratatui::Frame;

use super::widgets::{block, clean, draw_detail, draw_list, list_and_detail};
use crate::assessment::findings;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Level, Scope};
use crate::rules::{ObligationResult, Status};
use crate::tui::state::{App, Document};
use crate::tui::theme::status_label;

pub(super) fn draw_obligations(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
    let order = crate::tui::obligations::obligation_order(&document.evaluation);
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
