//! The obligations and the findings register as CSV, for spreadsheets: UTF-8 with a
//! byte-order mark (without it, Excel on Windows reads "Café" as "CafÃ©"), written by the
//! `csv` crate (RFC 4180: CRLF line ends, every field quoted, quotes doubled), one header
//! row, and cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or carriage return) prefixed with a single quote so they show as text;
//! control characters and bidirectional overrides replaced (U+FFFD, `text::sanitise`).
//! Every row carries the protective marking in its last column. [`write_table`] is the
//! one writer, for any register that leaves as CSV.

use super::model::{status_word, Pack};

/// The UTF-8 byte-order mark every CSV file starts with.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

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

/// A CSV file: the byte-order mark, `header`, then `rows`; every cell neutralised
/// ([`neutralise`]) and quoted, records ended with CRLF.
pub fn write_table<I, R, S>(header: &[&str], rows: I) -> Vec<u8>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(BOM.to_vec());
    // Writing to memory cannot fail, and `flexible` accepts rows of any length.
    // Every cell passes `text::sanitise` here, at the exit, whatever it came from (the
    // assessment, a questionnaire folder).
    let cell = |text: &str| neutralise(&crate::text::sanitise(text));
    let _ = writer.write_record(header.iter().map(|h| cell(h)));
    for row in rows {
        let _ = writer.write_record(row.into_iter().map(|c| cell(c.as_ref())));
    }
    writer.into_inner().unwrap_or_default()
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    write_table(header, rows)
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

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap_or_default()
    }

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
        let bytes = write_table(
            &["a", "b"],
            [
                vec!["1", "-x"],
                vec!["=1+\"2\"", "two\nlines, comma"],
                vec!["", "Caf\u{e9}"],
            ],
        );
        assert_eq!(
            text(&bytes),
            "\u{feff}\"a\",\"b\"\r\n\"1\",\"'-x\"\r\n\"'=1+\"\"2\"\"\",\"two\nlines, comma\"\r\n\"\",\"Caf\u{e9}\"\r\n"
        );
    }

    #[test]
    fn every_file_starts_with_the_utf8_byte_order_mark() {
        let bytes = write_table(&["name"], [["Zo\u{eb}"]]);
        assert!(bytes.starts_with(BOM));
        assert!(text(&bytes[3..]).contains("Zo\u{eb}"));
    }
}
