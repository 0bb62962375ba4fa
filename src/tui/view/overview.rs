//! The overview screen: progress by section, the classification, what applies, the
//! findings, the review and sign-off, and the next thing to do.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{block, clean, truncate};
use crate::assessment::findings;
use crate::assessment::review;
use crate::assessment::{sign_off, verify};
use crate::questionnaire::model::NoticeSeverity;
use crate::tui::state::{App, Document};
use crate::walkthrough::{self};

fn bar(ratio: f64, width: usize) -> String {
    let filled = ((ratio.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "#".repeat(filled), ".".repeat(width - filled))
}

pub(super) fn draw_overview(app: &App, document: &Document, frame: &mut Frame, area: Rect) {
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
