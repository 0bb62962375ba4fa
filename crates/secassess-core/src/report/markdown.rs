//! The evidence pack as Markdown, for wikis and repositories: the same [`Document`] the
//! PDF draws, with the protective marking at the top and the bottom. Text from the
//! assessment is escaped so it cannot turn into links, images, HTML or table breaks.

use super::document::{Block, Document};
use super::model::when;

/// Escapes Markdown syntax in text from the assessment or the questionnaires, after
/// replacing control characters and bidirectional overrides (`text::sanitise`): every
/// string of the Markdown pack passes here. A backslash goes before each of
/// `` \ ` * _ [ ] < > | # ~ & ! `` and before a line's leading `-`, `+`, `=` or the `.`
/// or `)` of a leading number, so no text becomes a link, image, HTML, emphasis,
/// heading, list or table break; tabs become spaces; newlines are kept.
pub fn escape(text: &str) -> String {
    let text = &*crate::text::sanitise(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        out.push_str(indent);
        // A line that would start a list, a heading underline or a numbered list.
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let starts_block = trimmed.starts_with(['-', '+', '='])
            || (digits > 0 && trimmed[digits..].starts_with(['.', ')']));
        for (j, c) in trimmed.char_indices() {
            let at_marker = starts_block && j == digits;
            if at_marker
                || matches!(
                    c,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!'
                )
            {
                out.push('\\');
            }
            out.push(if c == '\t' { ' ' } else { c });
        }
    }
    out
}

/// Text for a table cell: escaped, on one line (`<br>` between lines).
fn cell(text: &str) -> String {
    escape(text).replace('\n', "<br>")
}

/// Text that may have several lines, outside a table: hard line breaks between them.
fn lines(text: &str, indent: &str) -> String {
    escape(text).replace('\n', &format!("  \n{indent}"))
}

/// The whole document as Markdown (UTF-8 text, `\n` line ends): the marking in bold,
/// the title as the only `#` heading, when it was generated (UTC) and the fingerprint,
/// then every block (headings one level down, key-value rows and references as bullet
/// lists, tables as pipe tables, anchors dropped since Markdown has no portable ones),
/// and the marking again at the end. Every text of the document passes [`escape`].
/// Deterministic: the same document gives the same text.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let marking = escape(&doc.marking);
    out.push_str(&format!("**{marking}**\n\n# {}\n\n", escape(&doc.title)));
    out.push_str(&format!(
        "Generated {} from an assessment file with SHA-256 `{}`.\n\n",
        when(doc.generated_at),
        doc.fingerprint
    ));
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let hashes = "#".repeat(usize::from(*level).clamp(1, 5) + 1);
                out.push_str(&format!("{hashes} {}\n\n", escape(text)));
            }
            Block::Paragraph { text } => {
                out.push_str(&lines(text, ""));
                out.push_str("\n\n");
            }
            Block::KeyValue { rows } => {
                for (key, value) in rows {
                    out.push_str(&format!("- **{}:** {}\n", escape(key), lines(value, "  ")));
                }
                out.push('\n');
            }
            Block::Contents { entries } => {
                for (i, entry) in entries.iter().enumerate() {
                    out.push_str(&format!("{}. {}\n", i + 1, escape(&entry.text)));
                }
                out.push('\n');
            }
            Block::References { items } => {
                for item in items {
                    out.push_str(&format!("- {}\n", lines(&item.text, "  ")));
                }
                out.push('\n');
            }
            // Markdown has no portable anchors; the references name what they point at.
            Block::Anchor { .. } => {}
            Block::List { items } => {
                for item in items {
                    out.push_str(&format!("- {}\n", lines(item, "  ")));
                }
                out.push('\n');
            }
            Block::Table { columns, rows, .. } => {
                out.push('|');
                for c in columns {
                    out.push_str(&format!(" {} |", cell(c)));
                }
                out.push_str("\n|");
                for _ in columns {
                    out.push_str(" --- |");
                }
                out.push('\n');
                for row in rows {
                    out.push('|');
                    for i in 0..columns.len() {
                        let text = row.get(i).map(String::as_str).unwrap_or_default();
                        out.push_str(&format!(" {} |", cell(text)));
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&format!("**{marking}**\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_in_answers_is_escaped() {
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("- item\n1. one\n# h"), "\\- item\n1\\. one\n\\# h");
        assert_eq!(escape("plain £ text – ok"), "plain £ text – ok");
        assert_eq!(cell("two\nlines"), "two<br>lines");
    }
}
