//! The listing as one self-contained HTML page (`secassess portfolio --html FILE`): no
//! scripts, no outside files, styles inline, so it opens from a shared drive or an email
//! attachment and prints. Instead of a table sorted by clicking, the page has sections
//! sorted for the question each answers (gate failed, most blocking first; no valid
//! sign-off; overdue dates, most first; escalations; old questionnaires; edited outside
//! secassess), then every assessment in the order asked for.
//!
//! Accessible: one `h1`, a section per `h2` linked from a navigation list, tables with a
//! caption, `th scope="col"` headers and the system as the row header (`th
//! scope="row"`), status in words (never colour alone), and the protective marking at
//! the top and bottom of the page. Every string is HTML-escaped.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::{change_word, sign_off_long, Column, Listing, LocalTime};
use crate::portfolio::{Row, SignOffStatus};

// The evidence pack's HTML escaping, sanitiser included: one function for every page
// secassess writes.
use crate::report::html::escape;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;margin:1.5rem;color:#111;line-height:1.4}
.marking{text-align:center;font-weight:bold;letter-spacing:.05em;border:2px solid #111;padding:.25rem;margin:.5rem 0}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #888;padding:.25rem .5rem;vertical-align:top;text-align:left}
thead th{background:#e8e8e8}
th[scope=row]{font-weight:normal}
th[scope=row] .system{font-weight:bold;display:block}
.file{font-family:ui-monospace,Consolas,monospace;font-size:.8rem;color:#333;word-break:break-all}
.attention{font-weight:bold}
.short{white-space:nowrap}
nav ul{columns:2;padding-left:1.2rem}
dt{font-weight:bold}
@media print{nav{display:none}a{color:inherit;text-decoration:none}table{font-size:.65rem}.file{font-size:.6rem}th,td{padding:.1rem .25rem}.short{white-space:normal}}
@page{size:A4 landscape;margin:1cm}
";

fn cell(row: &Row, column: Column, local: impl LocalTime) -> String {
    let text = column.cell(row, local);
    let attention = match column {
        Column::Gate => !row.gate.passed,
        Column::Gaps => !row.must_gaps_untreated.is_empty(),
        Column::Overdue => !row.overdue.is_empty(),
        Column::Escalated => !row.escalation.to_escalate.is_empty(),
        Column::SignOff => {
            matches!(
                row.sign_off.state,
                SignOffStatus::ChangedSince | SignOffStatus::NoLongerValid
            ) || row.sign_off.signature_word() == Some("SIGNATURE BAD")
        }
        Column::Trail => text != "ok",
        Column::Questionnaires => !row.questionnaires.current,
        _ => false,
    };
    // Short values stay on one line ("OFFICIAL-SENSITIVE", a date).
    let short = !matches!(column, Column::Assessor | Column::File | Column::System);
    let class = match (attention, short) {
        (true, true) => " class=\"attention short\"",
        (true, false) => " class=\"attention\"",
        (false, true) => " class=\"short\"",
        (false, false) => "",
    };
    format!("<td{class}>{}</td>", escape(&text))
}

/// Details for one row, in a section's last column.
type Detail<'a> = dyn Fn(&Row) -> String + 'a;

/// A table of `rows` with `columns` (the system is always the row header, with the
/// file under it) and, when given, a last column of details for each row.
fn table(
    out: &mut String,
    caption: &str,
    rows: &[&Row],
    columns: &[Column],
    details: Option<(&str, &Detail<'_>)>,
    local: impl LocalTime,
) {
    let _ = write!(
        out,
        "<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">System and file</th>",
        escape(caption)
    );
    for c in columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(c.title()));
    }
    if let Some((title, _)) = details {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><span class=\"system\">{}</span><span class=\"file\">{}</span></th>",
            escape(&row.system),
            escape(&row.file)
        );
        for c in columns {
            out.push_str(&cell(row, *c, local));
        }
        if let Some((_, detail)) = details {
            let _ = write!(out, "<td>{}</td>", escape(&detail(row)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One section: a heading with its count, a sentence on the order, and the table (or a
/// sentence when there is nothing in it).
struct Section<'a> {
    id: &'static str,
    title: String,
    order: &'static str,
    rows: Vec<&'a Row>,
    details: Option<(&'static str, Box<Detail<'a>>)>,
}

const SHORT: [Column; 4] = [
    Column::Classification,
    Column::Gate,
    Column::SignOff,
    Column::Changed,
];

fn sorted(
    rows: &[Row],
    keep: impl Fn(&Row) -> bool,
    by: impl Fn(&Row, &Row) -> std::cmp::Ordering,
) -> Vec<&Row> {
    let mut kept: Vec<&Row> = rows.iter().filter(|r| keep(r)).collect();
    kept.sort_by(|a, b| by(a, b).then_with(|| crate::portfolio::Sort::System.compare(a, b)));
    kept
}

/// The page. `generated_at` is printed as when the page was made.
pub fn render(listing: &Listing, generated_at: DateTime<Utc>, local: impl LocalTime) -> String {
    let rows = &listing.assessments;
    let marking = escape(&listing.marking);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"secassess {}\">\n<title>Assessment register ({marking})</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<p class=\"marking\">{marking}</p>\n<header>\n<h1>Assessment register</h1>\n",
        escape(listing.tool_version)
    );
    let filter = if listing.filter.is_empty() {
        String::from("none")
    } else {
        listing.filter.words()
    };
    let _ = write!(
        out,
        "<p>{} assessments read under {}; {} listed (filter: {}). Dates judged on {}. Made by secassess {} on {}. Marked with the highest protective marking among the assessments listed.</p>\n</header>\n",
        listing.found,
        escape(&listing.folders.join(", ")),
        rows.len(),
        escape(&filter),
        listing.date,
        escape(listing.tool_version),
        escape(&super::when(generated_at)),
    );

    let sections: Vec<Section<'_>> = vec![
        Section {
            id: "gate-failed",
            title: String::from("Gate failed"),
            order: "Most blocking obligations first.",
            rows: sorted(
                rows,
                |r| !r.gate.passed,
                |a, b| b.gate.blocking.len().cmp(&a.gate.blocking.len()),
            ),
            details: Some((
                "Blocking (MUST obligations)",
                Box::new(|r: &Row| {
                    let gaps = r.must_gaps_untreated.len();
                    let unknown = r.gate.blocking.len().saturating_sub(gaps);
                    let mut parts: Vec<String> = r
                        .gate
                        .outside_self_assessment
                        .iter()
                        .map(|t| format!("outside self-assessment: {t}"))
                        .collect();
                    if gaps > 0 {
                        parts.push(format!(
                            "{gaps} not met and untreated: {}",
                            r.must_gaps_untreated.join(", ")
                        ));
                    }
                    if unknown > 0 {
                        parts.push(format!("{unknown} not known yet (questions to answer)"));
                    }
                    parts.join("; ")
                }),
            )),
        },
        Section {
            id: "no-sign-off",
            title: String::from("No valid sign-off"),
            order: "Changed since sign-off first, then no longer valid, then never signed off.",
            rows: sorted(
                rows,
                |r| r.sign_off.state != SignOffStatus::Valid,
                |a, b| {
                    crate::portfolio::Sort::SignOff
                        .compare(a, b)
                        .then(b.classification.rank.cmp(&a.classification.rank))
                },
            ),
            details: Some((
                "Signed off by, and when",
                Box::new(move |r: &Row| sign_off_long(r, local)),
            )),
        },
        Section {
            id: "overdue",
            title: String::from("Overdue dates"),
            order: "Longest overdue first.",
            rows: sorted(
                rows,
                |r| !r.overdue.is_empty(),
                |a, b| {
                    let most = |r: &Row| r.overdue.iter().map(|o| o.days).max().unwrap_or(0);
                    most(b).cmp(&most(a))
                },
            ),
            details: Some((
                "Dates passed",
                Box::new(|r: &Row| {
                    r.overdue
                        .iter()
                        .map(|o| {
                            format!("{}: {} {} ({} days ago)", o.finding, o.what, o.date, o.days)
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            )),
        },
        Section {
            id: "escalations",
            title: String::from("Escalations"),
            order: "Most still to escalate first.",
            rows: sorted(
                rows,
                |r| !r.escalation.escalated.is_empty() || !r.escalation.to_escalate.is_empty(),
                |a, b| {
                    b.escalation
                        .to_escalate
                        .len()
                        .cmp(&a.escalation.to_escalate.len())
                },
            ),
            details: Some((
                "Findings",
                Box::new(|r: &Row| {
                    let mut parts = Vec::new();
                    if !r.escalation.to_escalate.is_empty() {
                        parts.push(format!(
                            "to escalate: {}",
                            r.escalation.to_escalate.join(", ")
                        ));
                    }
                    if !r.escalation.escalated.is_empty() {
                        parts.push(format!("escalated: {}", r.escalation.escalated.join(", ")));
                    }
                    parts.join("; ")
                }),
            )),
        },
        Section {
            id: "old-questionnaires",
            title: String::from("Answered against old questionnaires"),
            order: "Most answers to confirm again first.",
            rows: sorted(
                rows,
                |r| !r.questionnaires.current,
                |a, b| b.questionnaires.reconfirm.cmp(&a.questionnaires.reconfirm),
            ),
            details: Some((
                "What changed",
                Box::new(|r: &Row| {
                    format!(
                        "{}; {} answer(s) to confirm again",
                        r.questionnaires.changes.join("; "),
                        r.questionnaires.reconfirm
                    )
                }),
            )),
        },
        Section {
            id: "audit-trail",
            title: String::from("Edited outside secassess, or cut short"),
            order: "Most problems first. Run secassess verify on each for the details.",
            rows: sorted(
                rows,
                |r| r.integrity_problems > 0 || !r.file_complete,
                |a, b| b.integrity_problems.cmp(&a.integrity_problems),
            ),
            details: Some((
                "Problems",
                Box::new(|r: &Row| {
                    let mut parts = Vec::new();
                    if r.integrity_problems > 0 {
                        parts.push(format!(
                            "{} thing(s) changed outside secassess",
                            r.integrity_problems
                        ));
                    }
                    if !r.file_complete {
                        parts.push(String::from(
                            "the file's last line is missing: it may have been cut short",
                        ));
                    }
                    parts.join("; ")
                }),
            )),
        },
    ];

    out.push_str(
        "<nav aria-label=\"Sections\">\n<ul>\n<li><a href=\"#summary\">Summary</a></li>\n",
    );
    for s in &sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{} ({})</a></li>",
            s.id,
            escape(&s.title),
            s.rows.len()
        );
    }
    let _ = writeln!(
        out,
        "<li><a href=\"#all\">All assessments ({})</a></li>",
        rows.len()
    );
    if !listing.unreadable.is_empty() || !listing.skipped.is_empty() {
        let _ = writeln!(
            out,
            "<li><a href=\"#not-read\">Files not read ({})</a></li>",
            listing.unreadable.len() + listing.skipped.len()
        );
    }
    if let Some(since) = &listing.since {
        let _ = writeln!(
            out,
            "<li><a href=\"#since\">Changes since {} ({})</a></li>",
            escape(&since.revision),
            since.changes.len()
        );
    }
    out.push_str("<li><a href=\"#key\">Key to the columns</a></li>\n</ul>\n</nav>\n<main>\n");

    let t = &listing.totals;
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<ul>\n<li>{} assessments listed</li>\n<li>Gate failed: {}</li>\n<li>With MUST gaps untreated: {}</li>\n<li>With overdue dates: {}</li>\n<li>With escalations: {}</li>\n<li>Signed off: {} valid, {} changed since sign-off, {} no longer valid, {} not signed off</li>\n<li>Answered against old questionnaires: {}</li>\n<li>Edited outside secassess (not matching their audit trail): {}</li>\n<li>Cut short (the file's last line is missing): {}</li>\n",
        t.assessments,
        t.gate_failed,
        t.with_must_gaps,
        t.with_overdue,
        t.with_escalations,
        t.signed_off_valid,
        t.changed_since_sign_off,
        t.no_longer_valid,
        t.not_signed_off,
        t.old_questionnaires,
        t.integrity_problems,
        rows.iter().filter(|r| !r.file_complete).count(),
    );
    if super::any_git(rows) {
        let _ = writeln!(out, "<li>Not committed to git: {}</li>", t.uncommitted);
    }
    if listing.could_match > 0 {
        let _ = writeln!(
            out,
            "<li>{} more could match the classification filter once their classification is settled</li>",
            listing.could_match
        );
    }
    for note in &listing.git {
        let _ = writeln!(out, "<li>Git: {}</li>", escape(note));
    }
    out.push_str("</ul>\n</section>\n");

    for s in &sections {
        let _ = write!(
            out,
            "<section id=\"{}\">\n<h2>{} ({})</h2>\n",
            s.id,
            escape(&s.title),
            s.rows.len()
        );
        if s.rows.is_empty() {
            out.push_str("<p>None.</p>\n</section>\n");
            continue;
        }
        let _ = writeln!(out, "<p>{}</p>", escape(s.order));
        let details = s
            .details
            .as_ref()
            .map(|(title, f)| (*title, f.as_ref() as &Detail<'_>));
        table(&mut out, &s.title, &s.rows, &SHORT, details, local);
        out.push_str("</section>\n");
    }

    let all: Vec<&Row> = rows.iter().collect();
    let columns: Vec<Column> = Column::ORDER
        .into_iter()
        .filter(|c| !matches!(c, Column::System | Column::File))
        .filter(|c| *c != Column::Git || super::any_git(rows))
        .collect();
    let _ = write!(
        out,
        "<section id=\"all\">\n<h2>All assessments ({})</h2>\n<p>Sorted by {}.</p>\n",
        rows.len(),
        listing.sort.name()
    );
    if all.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        table(&mut out, "All assessments", &all, &columns, None, local);
    }
    out.push_str("</section>\n");

    if !listing.unreadable.is_empty() || !listing.skipped.is_empty() {
        out.push_str("<section id=\"not-read\">\n<h2>Files not read</h2>\n<table>\n<caption>Files that could not be read, and what was not looked at</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n");
        for u in listing.unreadable.iter().chain(&listing.skipped) {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\"><span class=\"file\">{}</span></th><td>{}</td></tr>",
                escape(&u.file),
                escape(&u.error)
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }

    if let Some(since) = &listing.since {
        let _ = write!(
            out,
            "<section id=\"since\">\n<h2>Changes since {} ({})</h2>\n<p>Commit {} of {}. The gate then is judged on {}; {} other file(s) compared with nothing to report.</p>\n",
            escape(&since.revision),
            since.changes.len(),
            escape(&since.commit),
            escape(&since.committed_at.format("%Y-%m-%d %H:%M %:z").to_string()),
            since.judged_then,
            since.unchanged
        );
        if since.changes.is_empty() {
            out.push_str("<p>Nothing changed.</p>\n");
        } else {
            out.push_str("<table>\n<caption>Changes</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">System</th><th scope=\"col\">Change</th><th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>\n<tbody>\n");
            for c in &since.changes {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\"><span class=\"file\">{}</span></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&c.file),
                    escape(&c.system),
                    change_word(c.kind),
                    escape(&c.before),
                    escape(&c.after)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }

    out.push_str("<section id=\"key\">\n<h2>Key to the columns</h2>\n<dl>\n");
    for c in Column::ORDER {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            escape(c.title()),
            escape(c.meaning())
        );
    }
    let _ = write!(
        out,
        "</dl>\n</section>\n</main>\n<p class=\"marking\">{marking}</p>\n</body>\n</html>\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
