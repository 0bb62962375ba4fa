//! The evidence pack as one accessible HTML file: the same [`Document`] the PDF draws, in
//! the same order, for readers with a screen reader (the PDF is not tagged) and for
//! anyone without a PDF reader. UK public-sector bodies must publish accessible
//! documents; this is the pack's accessible form.
//!
//! - **Structure**: one `h1` (the pack's title), the parts as `h2` and headings below
//!   them never skipping a level; tables with a caption-free header row of `th
//!   scope="col"` and the first cell of each row as `th scope="row"`; label and value
//!   pairs as a table of row headers; lists as lists; the contents and what needs action
//!   as links to where each item is.
//! - **Self-contained**: one file with its styles inline; no script, no image, no font
//!   and no link to anything outside the file (only `#` links), so it opens the same in
//!   any browser on a locked-down laptop, offline.
//! - **Printable**: print styles for A4, the protective marking at the top and the bottom
//!   of every printed page, each part on a new page, table headers repeated.
//!
//! Text from the assessment is escaped, so it can never become markup.

use std::fmt::Write as _;

use super::document::{Block, Document, Reference};
use super::model::when;

/// Escapes text for HTML content and attribute values, first replacing control
/// characters and bidirectional overrides (`text::sanitise`), as every other exit does: a
/// browser would otherwise show text reversed by an override, and `cat` would run escape
/// sequences.
pub fn escape(text: &str) -> String {
    let text = crate::text::sanitise(text);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped, with line breaks kept.
fn lines(text: &str) -> String {
    escape(text).replace('\n', "<br>\n")
}

const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: 1rem;
  line-height: 1.45; color: #111; background: #fff; margin: 0 auto; max-width: 60rem;
  padding: 0 1rem; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.05em; padding: 0.4rem;
  border: 2px solid #111; margin: 0.5rem 0; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.45rem; border-bottom: 2px solid #111;
  padding-bottom: 0.2rem; margin-top: 2.5rem; } h3 { font-size: 1.2rem; }
h4 { font-size: 1.05rem; } h5, h6 { font-size: 1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #666; padding: 0.3rem 0.45rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #e6e6e6; }
table.details th, table.details td { border: none; border-bottom: 1px solid #ccc; }
table.details th { width: 28%; }
table.compact { font-size: 0.8rem; }
table.compact th, table.compact td { padding: 0.1rem 0.3rem; }
a { color: #003087; }
a:focus { outline: 3px solid #ffb81c; }
.skip { position: absolute; left: -10000px; } .skip:focus { position: static; }
@page { size: A4; margin: 22mm 15mm 20mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .marking { position: fixed; left: 0; right: 0; border: none; margin: 0; padding: 0; }
  .marking.top { top: -14mm; } .marking.bottom { bottom: -13mm; }
  h2 { break-before: page; } h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; } tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .skip { display: none; }
}
";

struct Writer {
    out: String,
    /// The heading level last written (1 for the title).
    last_heading: u8,
    /// Anchors waiting for the next element.
    pending: Vec<String>,
}

impl Writer {
    /// ` id="..."` for the first waiting anchor, with the others as empty spans before
    /// the element.
    fn id(&mut self) -> String {
        let mut ids = std::mem::take(&mut self.pending);
        let Some(first) = ids.pop() else {
            return String::new();
        };
        for other in ids {
            let _ = write!(self.out, "<span id=\"{}\"></span>", escape(&other));
        }
        format!(" id=\"{}\"", escape(&first))
    }

    fn heading(&mut self, level: u8, text: &str) {
        // Parts are h2 under the one h1; a heading never skips a level.
        let wanted = level.saturating_add(1).clamp(2, 6);
        let level = wanted.min(self.last_heading + 1);
        self.last_heading = level;
        let id = self.id();
        let _ = writeln!(self.out, "<h{level}{id}>{}</h{level}>", escape(text));
    }

    fn references(&mut self, items: &[Reference], numbered: bool, label: &str) {
        let id = self.id();
        let tag = if numbered { "ol" } else { "ul" };
        let _ = writeln!(self.out, "<nav aria-label=\"{label}\"{id}><{tag}>");
        for item in items {
            if item.target.is_empty() {
                let _ = writeln!(self.out, "<li>{}</li>", lines(&item.text));
            } else {
                let _ = writeln!(
                    self.out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(&item.target),
                    lines(&item.text)
                );
            }
        }
        let _ = writeln!(self.out, "</{tag}></nav>");
    }

    fn table(
        &mut self,
        columns: &[String],
        rows: &[Vec<String>],
        anchors: &[String],
        compact: bool,
    ) {
        let id = self.id();
        let class = if compact { " class=\"compact\"" } else { "" };
        let _ = writeln!(self.out, "<table{class}{id}>\n<thead><tr>");
        for c in columns {
            let _ = write!(self.out, "<th scope=\"col\">{}</th>", escape(c));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for (r, row) in rows.iter().enumerate() {
            match anchors.get(r).filter(|a| !a.is_empty()) {
                Some(anchor) => {
                    let _ = write!(self.out, "<tr id=\"{}\">", escape(anchor));
                }
                None => self.out.push_str("<tr>"),
            }
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(self.out, "<th scope=\"row\">{}</th>", lines(cell));
                } else {
                    let _ = write!(self.out, "<td>{}</td>", lines(cell));
                }
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody></table>\n");
    }
}

/// The whole file. Deterministic: the same document gives the same bytes.
pub fn render(doc: &Document) -> String {
    let marking = escape(&doc.marking);
    let mut w = Writer {
        out: String::with_capacity(256 * 1024),
        last_heading: 1,
        pending: Vec::new(),
    };
    let _ = write!(
        w.out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"secassess\">\n\
         <meta name=\"description\" content=\"{}\">\n<title>{} ({marking})</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the pack</a>\n\
         <header class=\"marking top\" role=\"note\" aria-label=\"Protective marking\">{marking}</header>\n\
         <main id=\"main\">\n<h1>{}</h1>\n\
         <p>Protective marking: <strong>{marking}</strong> ({}). Generated {} from an assessment file with SHA-256 <code>{}</code>.</p>\n",
        escape(&doc.subject),
        escape(&doc.title),
        escape(&doc.title),
        escape(&doc.marking_reason),
        when(doc.generated_at),
        escape(&doc.fingerprint),
    );
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => w.heading(*level, text),
            Block::Anchor { id } => w.pending.push(id.clone()),
            Block::Paragraph { text } => {
                let id = w.id();
                let _ = writeln!(w.out, "<p{id}>{}</p>", lines(text));
            }
            Block::KeyValue { rows } => {
                let id = w.id();
                let _ = writeln!(w.out, "<table class=\"details\"{id}>\n<tbody>");
                for (key, value) in rows {
                    let _ = writeln!(
                        w.out,
                        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                        escape(key),
                        lines(value)
                    );
                }
                w.out.push_str("</tbody></table>\n");
            }
            Block::List { items } => {
                let id = w.id();
                let _ = writeln!(w.out, "<ul{id}>");
                for item in items {
                    let _ = writeln!(w.out, "<li>{}</li>", lines(item));
                }
                w.out.push_str("</ul>\n");
            }
            Block::References { items } => w.references(items, false, "Where each item is"),
            Block::Contents { entries } => w.references(entries, true, "Contents"),
            Block::Table {
                columns,
                rows,
                anchors,
                compact,
                ..
            } => w.table(columns, rows, anchors, *compact),
        }
    }
    for id in std::mem::take(&mut w.pending) {
        let _ = write!(w.out, "<span id=\"{}\"></span>", escape(&id));
    }
    let _ = write!(
        w.out,
        "</main>\n<footer class=\"marking bottom\" role=\"note\" aria-label=\"Protective marking\">{marking}</footer>\n</body>\n</html>\n"
    );
    w.out
}
