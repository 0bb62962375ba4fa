//! The obligations and the findings register as CSV, for spreadsheets: RFC 4180 (CRLF
//! line ends, every field quoted, quotes doubled), one header row, and cells that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) prefixed with a single quote so they show as text; control characters and
//! bidirectional overrides replaced (U+FFFD). Every row carries the protective marking
//! in its last column.

use super::model::{status_word, Pack};

/// A cell safe for a spreadsheet: a text cell starting with a formula character (or a
/// tab or carriage return), even after leading white space, gets a leading `'`.
pub fn neutralise(text: &str) -> String {
    let risky = text
        .trim_start_matches(['\t', '\r', '\n', ' '])
        .starts_with(['=', '+', '-', '@'])
        || text.starts_with(['\t', '\r']);
    if risky {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// One quoted cell. Every cell passes `text::sanitise` here, at the exit, whatever it
/// came from (the assessment, a questionnaire folder): whoever replaces this writer
/// keeps that call.
fn field(text: &str) -> String {
    let text = crate::text::sanitise(text);
    format!("\"{}\"", neutralise(&text).replace('"', "\"\""))
}

/// One CSV record: every field quoted and neutralised, ended with CRLF as RFC 4180 asks.
pub fn record(cells: &[String]) -> String {
    let fields: Vec<String> = cells.iter().map(|c| field(c)).collect();
    format!("{}\r\n", fields.join(","))
}

fn write_row(out: &mut String, cells: &[String]) {
    out.push_str(&record(cells));
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut out = String::new();
    write_row(
        &mut out,
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for row in rows {
        write_row(&mut out, &row);
    }
    out.into_bytes()
}

/// One row per obligation.
pub fn obligations(pack: &Pack) -> Vec<u8> {
    let rows = pack
        .obligations
        .iter()
        .map(|o| {
            vec![
                o.id.clone(),
                o.level.name().to_string(),
                o.title.clone(),
                status_word(o.status).to_string(),
                o.applies.clone(),
                o.reasons.join("\n"),
                o.sources
                    .iter()
                    .map(|c| format!("{}, {}", c.reference(), c.section))
                    .collect::<Vec<_>>()
                    .join("\n"),
                o.sources
                    .iter()
                    .map(|c| c.quote.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
                o.findings.join(", "),
                o.treatment.clone().unwrap_or_default(),
                o.blocks.clone().unwrap_or_default(),
                pack.marking.clone(),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "level",
            "title",
            "status",
            "applies",
            "reasons",
            "source",
            "quote",
            "findings",
            "treatment",
            "blocks_gate",
            "marking",
        ],
        rows,
    )
}

fn yes_no(value: bool) -> String {
    String::from(if value { "yes" } else { "no" })
}

/// One row per finding. "treated" is in the sign-off's sense; "edited_outside_secassess"
/// marks a finding changed in a text editor, which treats nothing until acknowledged.
pub fn findings(pack: &Pack) -> Vec<u8> {
    let rows = pack
        .findings
        .iter()
        .map(|f| {
            vec![
                f.id.clone(),
                f.title.clone(),
                f.severity.name().to_string(),
                f.status.name().to_string(),
                f.owner.clone(),
                f.obligations.join(", "),
                f.questions.join(", "),
                f.description.clone(),
                f.raised_by.clone(),
                f.raised_at.to_rfc3339(),
                f.mitigation.clone().unwrap_or_default(),
                f.acceptance.clone().unwrap_or_default(),
                f.exception.clone().unwrap_or_default(),
                f.overdue.join("\n"),
                yes_no(f.needs_escalation),
                yes_no(f.treated),
                yes_no(f.edited_outside),
                f.problems.join("\n"),
                pack.marking.clone(),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "title",
            "severity",
            "status",
            "owner",
            "obligations",
            "questions",
            "description",
            "raised_by",
            "raised_at",
            "mitigation",
            "risk_acceptance",
            "exception",
            "overdue",
            "needs_escalation",
            "treated",
            "edited_outside_secassess",
            "problems",
            "marking",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_quotes_doubled() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            " =1",
            "\n=1",
        ] {
            assert!(neutralise(hostile).starts_with('\''), "{hostile:?}");
        }
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(field("=1+\"2\""), "\"'=1+\"\"2\"\"\"");
        assert_eq!(field("two\nlines, comma"), "\"two\nlines, comma\"");
        assert_eq!(field(""), "\"\"");
        let bytes = table(&["a", "b"], vec![vec!["1".into(), "-x".into()]]);
        assert_eq!(
            String::from_utf8(bytes).unwrap_or_default(),
            "\"a\",\"b\"\r\n\"1\",\"'-x\"\r\n"
        );
    }
}
