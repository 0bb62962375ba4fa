//! The listing as text for a terminal: a table fitted to a width (a terminal's, or none
//! for a pipe), what could not be read, a summary, and a key to the columns.
//!
//! When the table is wider than the terminal, columns are left out from the end of
//! [`Column::PRIORITY`] (what a team looks up before what it acts on) and the system name
//! is cut short with "…"; the text says which columns were left out and how to see them.
//! Widths are measured in terminal cells (`unicode-width`), so names in wide scripts line
//! up too.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{any_git, change_line, change_word, Column, Listing, LocalTime, Since};
use crate::portfolio::Row;

/// Gap between columns.
const GAP: usize = 2;
/// The narrowest a column that shrinks is made.
const MIN_SHRUNK: usize = 14;

/// A table laid out for a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The columns shown, left to right, with their widths.
    pub columns: Vec<(Column, usize)>,
    /// The columns that did not fit.
    pub left_out: Vec<Column>,
}

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to `max` cells, with "…" when anything was cut.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Chooses the columns and their widths for `rows` in `max_width` cells (`None`: no
/// limit, every column at its natural width). The system column is always kept.
pub fn layout(rows: &[&Row], max_width: Option<usize>, local: impl LocalTime) -> Table {
    let candidates: Vec<Column> = Column::ORDER
        .into_iter()
        .filter(|c| *c != Column::Git || rows.iter().any(|r| r.git.is_some()))
        .collect();
    let natural = |c: Column| {
        rows.iter()
            .map(|r| width(&c.cell(r, local)))
            .chain([width(c.header())])
            .max()
            .unwrap_or(0)
    };
    let naturals: Vec<(Column, usize)> = candidates.iter().map(|c| (*c, natural(*c))).collect();
    let natural_of = |c: Column| {
        naturals
            .iter()
            .find(|(n, _)| *n == c)
            .map_or(0, |(_, w)| *w)
    };
    let Some(max) = max_width else {
        return Table {
            columns: naturals,
            left_out: Vec::new(),
        };
    };
    let minimum = |c: Column| {
        if c.shrinks() {
            natural_of(c).min(MIN_SHRUNK.max(width(c.header())))
        } else {
            natural_of(c)
        }
    };
    let mut chosen: Vec<Column> = Vec::new();
    let mut left_out = Vec::new();
    let mut used = 0;
    for c in Column::PRIORITY
        .into_iter()
        .filter(|c| candidates.contains(c))
    {
        let need = minimum(c) + if chosen.is_empty() { 0 } else { GAP };
        if c == Column::System || used + need <= max {
            used += need;
            chosen.push(c);
        } else {
            left_out.push(c);
        }
    }
    let mut widths: Vec<(Column, usize)> = candidates
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|c| (*c, minimum(*c)))
        .collect();
    // Room left goes to the columns that were cut, in priority order.
    let mut spare = max.saturating_sub(used);
    for c in Column::PRIORITY {
        if let Some((_, w)) = widths.iter_mut().find(|(col, _)| *col == c) {
            let more = natural_of(c).saturating_sub(*w).min(spare);
            *w += more;
            spare -= more;
        }
    }
    Table {
        columns: widths,
        left_out,
    }
}

fn pad(text: &str, to: usize) -> String {
    let fitted = fit(text, to);
    let w = width(&fitted);
    format!("{fitted}{}", " ".repeat(to.saturating_sub(w)))
}

/// The table's lines: a header, then one line per row; no trailing spaces.
pub fn table_lines(rows: &[&Row], table: &Table, local: impl LocalTime) -> Vec<String> {
    let line = |cells: Vec<String>| -> String {
        let mut out = String::new();
        for (i, ((_, w), cell)) in table.columns.iter().zip(cells).enumerate() {
            if i > 0 {
                out.push_str(&" ".repeat(GAP));
            }
            out.push_str(&pad(&cell, *w));
        }
        out.trim_end().to_string()
    };
    let mut lines = vec![line(
        table
            .columns
            .iter()
            .map(|(c, _)| c.header().to_string())
            .collect(),
    )];
    for row in rows {
        lines.push(line(
            table
                .columns
                .iter()
                .map(|(c, _)| c.cell(row, local))
                .collect(),
        ));
    }
    lines
}

/// Words wrapped to `max` cells: the first line keeps the text's leading spaces, the
/// others are indented by `indent`.
fn wrap(text: &str, max: Option<usize>, indent: usize) -> Vec<String> {
    let Some(max) = max else {
        return vec![text.to_string()];
    };
    let body = text.trim_start_matches(' ');
    let mut lines = Vec::new();
    let mut current = " ".repeat(text.len() - body.len());
    let mut has_word = false;
    for word in body.split(' ') {
        if has_word && width(&current) + 1 + width(word) > max {
            lines.push(current);
            current = " ".repeat(indent);
            has_word = false;
        }
        if has_word {
            current.push(' ');
        }
        current.push_str(word);
        has_word = true;
    }
    lines.push(current);
    lines
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Lines being written for a width.
struct Out {
    lines: Vec<String>,
    width: Option<usize>,
}

impl Out {
    /// A paragraph, wrapped, its later lines indented.
    fn say(&mut self, text: &str, indent: usize) {
        self.lines.extend(wrap(text, self.width, indent));
    }
    fn blank(&mut self) {
        self.lines.push(String::new());
    }
    fn problems(&mut self, title: &str, list: &[crate::portfolio::Unreadable]) {
        if list.is_empty() {
            return;
        }
        self.blank();
        self.lines.push(format!("{title} ({}):", list.len()));
        for u in list {
            self.say(&format!("  {}", u.sentence()), 4);
        }
    }
}

/// The whole listing as text, for `max_width` cells (`None` for no limit).
pub fn render(listing: &Listing, max_width: Option<usize>, local: impl LocalTime) -> String {
    let mut out = Out {
        lines: Vec::new(),
        width: max_width,
    };
    let listed = if listing.filter.is_empty() {
        String::new()
    } else {
        format!(
            ", {} listed ({})",
            listing.assessments.len(),
            listing.filter.words()
        )
    };
    out.say(
        &format!(
            "Assessments under {}: {} read{listed}; sorted by {}; dates judged on {}.",
            listing.folders.join(", "),
            listing.found,
            listing.sort.name(),
            listing.date
        ),
        2,
    );
    out.blank();
    let rows: Vec<&Row> = listing.assessments.iter().collect();
    let table = layout(&rows, max_width, local);
    if listing.assessments.is_empty() {
        out.lines.push(String::from(if listing.found == 0 {
            "No assessments found."
        } else {
            "None match."
        }));
    } else {
        out.lines.extend(table_lines(&rows, &table, local));
        let t = &listing.totals;
        let mut parts = vec![
            format!("gate failed {}", t.gate_failed),
            format!("MUST gaps untreated {}", t.with_must_gaps),
            format!("overdue {}", t.with_overdue),
            format!("escalations {}", t.with_escalations),
            format!(
                "signed off {} ({} valid, {} changed since, {} no longer valid)",
                t.signed_off_valid + t.changed_since_sign_off + t.no_longer_valid,
                t.signed_off_valid,
                t.changed_since_sign_off,
                t.no_longer_valid
            ),
            format!("old questionnaires {}", t.old_questionnaires),
            format!("edited outside secassess {}", t.integrity_problems),
        ];
        if any_git(&listing.assessments) {
            parts.push(format!("not committed {}", t.uncommitted));
        }
        out.blank();
        out.say(
            &format!(
                "{}: {}.",
                plural(t.assessments, "assessment", "assessments"),
                parts.join(", ")
            ),
            2,
        );
    }
    if let (Some(c), true) = (&listing.filter.classification, listing.could_match > 0) {
        out.say(
            &format!(
                "{} not listed could be {}{} once {} classification is settled (\"at least\" or \"not known yet\" now).",
                plural(listing.could_match, "more assessment", "more assessments"),
                c.label,
                if c.or_above { " or above" } else { "" },
                if listing.could_match == 1 { "its" } else { "their" }
            ),
            2,
        );
    }
    out.problems("Could not be read", &listing.unreadable);
    out.problems("Not looked at", &listing.skipped);
    if let Some(since) = &listing.since {
        out.blank();
        out.lines.extend(since_lines(since, max_width));
    }
    if !listing.git.is_empty() {
        out.blank();
        for note in &listing.git {
            out.say(&format!("Git: {note}"), 2);
        }
    }
    if !table.left_out.is_empty() && !listing.assessments.is_empty() {
        let names: Vec<&str> = table.left_out.iter().map(|c| c.header()).collect();
        out.blank();
        out.say(
            &format!(
                "Not shown at {} columns: {}. Widen the terminal, or use --format csv, --html FILE or --pdf FILE for every column.",
                max_width.unwrap_or(0),
                names.join(", ")
            ),
            2,
        );
    }
    if !listing.assessments.is_empty() {
        out.blank();
        out.lines.push(String::from("Key:"));
        for (c, _) in &table.columns {
            if !matches!(c, Column::System | Column::File | Column::Assessor) {
                out.say(&format!("  {}: {}", c.header(), c.meaning()), 4);
            }
        }
    }
    let mut text = out.lines.join("\n");
    text.push('\n');
    text
}

/// `--since REV` as text: what changed, then what could not be read and what git said.
pub fn render_since(listing: &Listing, max_width: Option<usize>) -> String {
    let mut out = Out {
        lines: Vec::new(),
        width: max_width,
    };
    out.say(
        &format!(
            "Assessments under {}: {} read now; dates judged on {}{}.",
            listing.folders.join(", "),
            listing.found,
            listing.date,
            if listing.filter.is_empty() {
                String::new()
            } else {
                format!("; changes to {} only", listing.filter.words())
            }
        ),
        2,
    );
    if let Some(since) = &listing.since {
        out.lines.extend(since_lines(since, max_width));
    }
    out.problems("Could not be read now", &listing.unreadable);
    out.problems("Not looked at", &listing.skipped);
    if !listing.git.is_empty() {
        out.blank();
        for note in &listing.git {
            out.say(&format!("Git: {note}"), 2);
        }
    }
    let mut text = out.lines.join("\n");
    text.push('\n');
    text
}

/// `--since REV` as text.
pub fn since_lines(since: &Since, max_width: Option<usize>) -> Vec<String> {
    let mut out = wrap(
        &format!(
            "Changes since {} (commit {}, {}): {} in {} file(s); {} other file(s) compared with nothing to report. The gate then is judged on {}.",
            since.revision,
            since.commit.get(..12).unwrap_or(&since.commit),
            since.committed_at.format("%Y-%m-%d %H:%M %:z"),
            plural(since.changes.len(), "change", "changes"),
            {
                let mut files: Vec<&str> = since.changes.iter().map(|c| c.file.as_str()).collect();
                files.dedup();
                files.len()
            },
            since.unchanged,
            since.judged_then
        ),
        max_width,
        2,
    );
    if since.changes.is_empty() {
        out.push(String::from("  Nothing changed."));
    }
    for c in &since.changes {
        out.extend(wrap(
            &format!("  {:<14} {}", change_word(c.kind), change_line(c)),
            max_width,
            17,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_counts_terminal_cells_and_marks_the_cut() {
        assert_eq!(fit("Ward rota", 20), "Ward rota");
        assert_eq!(fit("Patient portal bookings", 10), "Patient p…");
        assert_eq!(width(&fit("李小龍李小龍李小龍", 7)), 7);
        assert_eq!(fit("李小龍李小龍", 7), "李小龍…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn long_lines_wrap_with_an_indent() {
        let lines = wrap("one two three four", Some(9), 2);
        assert_eq!(lines, ["one two", "  three", "  four"]);
        assert_eq!(wrap("  Key: a b", Some(8), 4), ["  Key: a", "    b"]);
        assert_eq!(wrap("one two", None, 2), ["one two"]);
    }
}
