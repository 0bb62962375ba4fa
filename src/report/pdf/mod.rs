//! The PDF evidence pack: the [`Document`] laid out on A4 pages and written as PDF.
//!
//! - **Fonts** ([`font`]): Liberation Sans regular and bold (SIL OFL,
//!   `assets/fonts/LICENSE`), embedded as subsets with a Unicode map, so text can be
//!   selected, searched and copied.
//! - **Text**: normalised to NFC before layout (a decomposed "Zoë" pasted from macOS prints
//!   as one letter); a character the font has no glyph for is drawn as [`REPLACEMENT`] and
//!   reported in [`Rendered::replaced`]; a right-to-left run (Hebrew, Arabic) is drawn in
//!   visual order by the Unicode bidirectional algorithm, without shaping, and reported in
//!   [`Rendered::right_to_left`], so nothing is changed silently.
//! - **Wrapping**: lines are wrapped with the font's own advance widths, at spaces; a word
//!   wider than its column breaks after a hyphen, slash or underscore, and only a word
//!   with none (a hash) between characters. A table column is never narrower than its
//!   longest id segment or e-mail address, so ids do not break mid-word and addresses
//!   never break.
//! - **Conventions**: the protective marking at the top and the bottom of every page,
//!   "Page X of N" in the footer, the start of the assessment file's SHA-256 in the
//!   header (so a loose page can be matched to its file), a contents list and summary
//!   items with the page they point to (and a link to it), bookmarks for the parts, each
//!   part on a new page, headings kept with what follows them, tables that split across
//!   pages with their header repeated.
//! - **Determinism**: no clock and no randomness reach the file ([`write`]).
//!
//! Layout happens in two passes: blocks are laid out into pages of positioned text, rules
//! and links, then, with every page known, page numbers are filled in and each page gets
//! its header and footer. [`write`] turns the pages into PDF objects.

mod font;
mod text;
mod write;

use std::collections::{BTreeMap, BTreeSet};

pub use font::{fonts, Face, Fonts};
pub use text::{drawable, is_right_to_left, right_to_left_runs, wrap};
use text::{min_width, visual};

use super::document::{Block, Document, Reference};

/// Drawn in place of a character the font has no glyph for.
pub const REPLACEMENT: char = '?';

// A4 in points, and the page furniture.
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 56.7;
const CONTENT_TOP: f32 = PAGE_H - 66.0;
const CONTENT_BOTTOM: f32 = 62.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const MARKING_SIZE: f32 = 10.0;
const BODY: f32 = 9.5;
const TABLE: f32 = 8.0;
const COMPACT: f32 = 7.0;
const LEADING: f32 = 1.3;
const CELL_PAD: f32 = 3.0;
/// Room kept on the right of a reference for its page number.
const PAGE_REF_W: f32 = 40.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "the embedded font {0} cannot be read; this build of secassess is damaged, reinstall it"
    )]
    Font(&'static str),
    #[error("cannot cut the font {0} down to the characters used; this is a bug in secassess, please report it")]
    Subset(String),
    #[error("writing the pages of the PDF failed in a worker thread; this is a bug in secassess, please report it")]
    Pages,
}

/// A rendered pack.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters the font has no glyph for, drawn as [`REPLACEMENT`].
    pub replaced: BTreeSet<char>,
    /// Right-to-left runs of text, drawn in visual order without shaping.
    pub right_to_left: BTreeSet<String>,
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

struct Text {
    x: f32,
    y: f32,
    bold: bool,
    size: f32,
    text: String,
}

/// A link on a page to a place in the pack.
struct Link {
    /// x1, y1, x2, y2 of the area that links.
    rect: [f32; 4],
    /// The page (0-based) and height it goes to.
    page: usize,
    y: f32,
}

#[derive(Default)]
struct Page {
    texts: Vec<Text>,
    /// Line segments: x1, y1, x2, y2.
    rules: Vec<(f32, f32, f32, f32)>,
    /// Shaded rectangles: x, y (bottom), width, height.
    fills: Vec<(f32, f32, f32, f32)>,
    links: Vec<Link>,
}

/// A page number still to be filled in: where, and the anchor it names.
struct PageRef {
    page: usize,
    y: f32,
    target: String,
    /// Where the text of the entry ends, for a dotted leader; `None` for no leader.
    leader_from: Option<f32>,
    /// Left edge of the area that links.
    x: f32,
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    /// The baseline region still free on the current page: text may go down to
    /// CONTENT_BOTTOM.
    y: f32,
    replaced: BTreeSet<char>,
    right_to_left: BTreeSet<String>,
    /// Anchors named by the document: the page (0-based) and height they stand at.
    anchors: BTreeMap<String, (usize, f32)>,
    /// Anchors waiting for the next text drawn, which is where they stand.
    pending: Vec<String>,
    refs: Vec<PageRef>,
    /// The level-1 headings: text, page, height (the PDF's bookmarks).
    parts: Vec<(String, usize, f32)>,
}

struct Cell {
    lines: Vec<String>,
    bold: bool,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout {
            fonts,
            pages: vec![Page::default()],
            y: CONTENT_TOP,
            replaced: BTreeSet::new(),
            right_to_left: BTreeSet::new(),
            anchors: BTreeMap::new(),
            pending: Vec::new(),
            refs: Vec::new(),
            parts: Vec::new(),
        }
    }

    fn face(&self, bold: bool) -> &'f Face {
        self.fonts.face(bold)
    }

    fn current(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn at_top(&self) -> bool {
        (self.y - CONTENT_TOP).abs() < f32::EPSILON
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y - height < CONTENT_BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Records `id` as standing here: the current page, at the current height.
    fn mark(&mut self, id: &str) {
        let here = (self.current(), self.y);
        self.anchors.entry(id.to_string()).or_insert(here);
    }

    fn prepare(&mut self, text: &str) -> String {
        let text = drawable(text, self.fonts, &mut self.replaced);
        if text.chars().any(is_right_to_left) {
            self.right_to_left.extend(right_to_left_runs(&text));
        }
        text
    }

    fn text(&mut self, x: f32, y: f32, bold: bool, size: f32, text: String) {
        if !self.pending.is_empty() {
            let here = (self.current(), y + size * 1.2);
            for id in std::mem::take(&mut self.pending) {
                self.anchors.entry(id).or_insert(here);
            }
        }
        if !text.is_empty() {
            let text = visual(text);
            self.page().texts.push(Text {
                x,
                y,
                bold,
                size,
                text,
            });
        }
    }

    /// Flowing text, line by line, breaking pages between lines.
    fn lines(&mut self, x: f32, width: f32, text: &str, bold: bool, size: f32) {
        let text = self.prepare(text);
        let leading = size * LEADING;
        for line in wrap(&text, self.face(bold), size, width) {
            self.ensure(leading);
            self.y -= leading;
            let y = self.y + leading * 0.25;
            self.text(x, y, bold, size, line);
        }
    }

    fn heading(&mut self, level: u8, text: &str) {
        let size = match level {
            1 => 16.0,
            2 => 12.5,
            _ => 10.5,
        };
        if level == 1 && !self.at_top() {
            self.new_page();
        }
        let text = self.prepare(text);
        let lines = wrap(&text, self.face(true), size, CONTENT_W);
        let leading = size * LEADING;
        // Keep the heading with at least three lines of what follows.
        let space_before = if self.at_top() { 0.0 } else { size * 0.6 };
        self.ensure(space_before + leading * lines.len() as f32 + BODY * LEADING * 3.0);
        if !self.at_top() {
            self.y -= space_before;
        }
        if level == 1 {
            self.parts.push((text.clone(), self.current(), self.y));
        }
        for line in lines {
            self.y -= leading;
            let y = self.y + leading * 0.25;
            self.text(MARGIN_X, y, true, size, line);
        }
        if level == 1 {
            let y = self.y - 3.0;
            self.page()
                .rules
                .push((MARGIN_X, y, MARGIN_X + CONTENT_W, y));
            self.y -= 8.0;
        } else {
            self.y -= 2.0;
        }
    }

    fn paragraph(&mut self, text: &str) {
        self.lines(MARGIN_X, CONTENT_W, text, false, BODY);
        self.y -= BODY * 0.5;
    }

    fn list(&mut self, items: &[String]) {
        let indent = 12.0;
        for item in items {
            let text = self.prepare(item);
            let lines = wrap(&text, &self.fonts.regular, BODY, CONTENT_W - indent);
            let leading = BODY * LEADING;
            for (i, line) in lines.into_iter().enumerate() {
                self.ensure(leading);
                self.y -= leading;
                let y = self.y + leading * 0.25;
                if i == 0 {
                    self.text(MARGIN_X + 2.0, y, false, BODY, "\u{2022}".into());
                }
                self.text(MARGIN_X + indent, y, false, BODY, line);
            }
            self.y -= 1.5;
        }
        self.y -= BODY * 0.5;
    }

    /// Entries that point to a place in the pack: each gets the page of its target on
    /// the right once every page is laid out ([`fill_page_refs`]), with a dotted leader
    /// for the contents.
    fn references(&mut self, items: &[Reference], leader: bool) {
        let indent = 12.0;
        let leading = BODY * LEADING * if leader { 1.2 } else { 1.0 };
        for item in items {
            let text = self.prepare(&item.text);
            let lines = wrap(
                &text,
                &self.fonts.regular,
                BODY,
                CONTENT_W - indent - PAGE_REF_W,
            );
            let last = lines.len().saturating_sub(1);
            for (i, line) in lines.into_iter().enumerate() {
                self.ensure(leading);
                self.y -= leading;
                let y = self.y + leading * 0.25;
                if i == 0 && !leader {
                    self.text(MARGIN_X + 2.0, y, false, BODY, "\u{2022}".into());
                }
                let end = MARGIN_X + indent + self.fonts.regular.width(&line, BODY);
                self.text(MARGIN_X + indent, y, false, BODY, line);
                if i == last && !item.target.is_empty() {
                    let page = self.current();
                    self.refs.push(PageRef {
                        page,
                        y,
                        target: item.target.clone(),
                        leader_from: leader.then_some(end),
                        x: MARGIN_X,
                    });
                }
            }
            self.y -= if leader { 0.0 } else { 1.5 };
        }
        self.y -= BODY * 0.5;
    }

    fn cells(&mut self, texts: &[String], widths: &[f32], bold: &[bool], size: f32) -> Vec<Cell> {
        texts
            .iter()
            .zip(widths)
            .zip(bold)
            .map(|((text, w), b)| {
                let text = self.prepare(text);
                Cell {
                    lines: wrap(&text, self.face(*b), size, (w - 2.0 * CELL_PAD).max(1.0)),
                    bold: *b,
                }
            })
            .collect()
    }

    /// Draws one segment of a row: lines `from..to` of each cell, with borders.
    #[allow(clippy::too_many_arguments)]
    fn row_segment(
        &mut self,
        cells: &[Cell],
        widths: &[f32],
        from: usize,
        count: usize,
        size: f32,
        pad: f32,
        borders: bool,
        shaded: bool,
    ) {
        let leading = size * LEADING;
        let height = count as f32 * leading + 2.0 * pad;
        let top = self.y;
        let bottom = top - height;
        if shaded {
            self.page()
                .fills
                .push((MARGIN_X, bottom, CONTENT_W, height));
        }
        let mut x = MARGIN_X;
        for (cell, w) in cells.iter().zip(widths) {
            for (i, line) in cell.lines.iter().skip(from).take(count).enumerate() {
                let y = top - pad - (i as f32 + 1.0) * leading + leading * 0.25;
                self.text(x + CELL_PAD, y, cell.bold, size, line.clone());
            }
            x += w;
        }
        if borders {
            let page = self.page();
            page.rules.push((MARGIN_X, top, MARGIN_X + CONTENT_W, top));
            page.rules
                .push((MARGIN_X, bottom, MARGIN_X + CONTENT_W, bottom));
            let mut x = MARGIN_X;
            page.rules.push((x, top, x, bottom));
            for w in widths {
                x += w;
                page.rules.push((x, top, x, bottom));
            }
        }
        self.y = bottom;
    }

    /// Column widths in points: in proportion to `weights`, but never narrower than the
    /// longest id segment or address in the column (taken from the widest others) while
    /// the page allows.
    fn column_widths(
        &mut self,
        header: Option<&[String]>,
        rows: &[Vec<String>],
        weights: &[f32],
        size: f32,
    ) -> Vec<f32> {
        let total: f32 = weights.iter().sum::<f32>().max(1.0);
        let mut widths: Vec<f32> = weights.iter().map(|w| w / total * CONTENT_W).collect();
        let mut minimum = vec![0.0f32; widths.len()];
        let regular = &self.fonts.regular;
        let bold = &self.fonts.bold;
        let mut consider = |cells: &[String], face: &Face| {
            for (m, text) in minimum.iter_mut().zip(cells) {
                for word in text.split([' ', '\n']) {
                    if word.len() > 2 {
                        *m = m.max(min_width(word, face, size) + 2.0 * CELL_PAD + 0.5);
                    }
                }
            }
        };
        if let Some(h) = header {
            consider(h, bold);
        }
        for row in rows {
            consider(row, regular);
        }
        let deficit: f32 = widths
            .iter()
            .zip(&minimum)
            .map(|(w, m)| (m - w).max(0.0))
            .sum();
        let spare: f32 = widths
            .iter()
            .zip(&minimum)
            .map(|(w, m)| (w - m).max(0.0))
            .sum();
        if deficit > 0.0 && spare >= deficit {
            let give = deficit / spare;
            for (w, m) in widths.iter_mut().zip(&minimum) {
                if *w < *m {
                    *w = *m;
                } else {
                    *w -= (*w - m) * give;
                }
            }
        }
        widths
    }

    fn table(
        &mut self,
        header: Option<&[String]>,
        rows: &[Vec<String>],
        anchors: &[String],
        weights: &[f32],
        style: TableStyle,
    ) {
        let (size, pad) = match style {
            TableStyle::KeyValue => (BODY, CELL_PAD),
            TableStyle::Grid => (TABLE, CELL_PAD),
            TableStyle::Compact => (COMPACT, 1.5),
        };
        let widths = if style == TableStyle::KeyValue {
            let total: f32 = weights.iter().sum::<f32>().max(1.0);
            weights.iter().map(|w| w / total * CONTENT_W).collect()
        } else {
            self.column_widths(header, rows, weights, size)
        };
        let columns = widths.len();
        let leading = size * LEADING;
        let header_cells = header.map(|h| {
            let bold = vec![true; columns];
            self.cells(h, &widths, &bold, size)
        });
        let header_height = header_cells
            .as_ref()
            .map(|h| row_lines(h) as f32 * leading + 2.0 * pad)
            .unwrap_or(0.0);
        let borders = style != TableStyle::KeyValue;
        let draw_header = |layout: &mut Layout<'_>| {
            if let Some(h) = &header_cells {
                let lines = row_lines(h);
                layout.row_segment(h, &widths, 0, lines, size, pad, true, true);
            }
        };
        // A table starts where its header and first line fit.
        self.ensure(header_height + leading + 2.0 * pad);
        draw_header(self);
        let mut bold = vec![false; columns];
        if style == TableStyle::KeyValue {
            if let Some(first) = bold.first_mut() {
                *first = true;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let mut texts = row.clone();
            texts.resize(columns, String::new());
            let cells = self.cells(&texts, &widths, &bold, size);
            let total_lines = row_lines(&cells);
            let mut from = 0;
            while from < total_lines {
                let free = ((self.y - CONTENT_BOTTOM - 2.0 * pad) / leading).floor();
                let free = if free < 1.0 { 0 } else { free as usize };
                let remaining = total_lines - from;
                let full_page = ((CONTENT_TOP - CONTENT_BOTTOM - header_height - 2.0 * pad)
                    / leading)
                    .floor()
                    .max(1.0) as usize;
                // Move a row that would fit whole on a fresh page rather than split it;
                // split only rows longer than a page, and never leave a lone line.
                let fits = remaining <= free;
                let worth_splitting = remaining > full_page && free >= 2;
                if !fits && !worth_splitting && !self.at_top() {
                    self.new_page();
                    draw_header(self);
                    continue;
                }
                if from == 0 {
                    if let Some(id) = anchors.get(r).filter(|id| !id.is_empty()) {
                        self.mark(id);
                    }
                }
                let count = remaining.min(free.max(1));
                self.row_segment(&cells, &widths, from, count, size, pad, borders, false);
                from += count;
                if from < total_lines {
                    self.new_page();
                    draw_header(self);
                }
            }
        }
        self.y -= size;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableStyle {
    /// Label and value, no borders, body text.
    KeyValue,
    /// A table with a header and borders.
    Grid,
    /// A long table in small type with tight rows (the full audit trail).
    Compact,
}

fn row_lines(cells: &[Cell]) -> usize {
    cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(1)
        .max(1)
}

fn lay_out<'f>(doc: &Document, fonts: &'f Fonts) -> Layout<'f> {
    let mut layout = Layout::new(fonts);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => layout.heading(*level, text),
            Block::Paragraph { text } => layout.paragraph(text),
            Block::List { items } => layout.list(items),
            Block::Contents { entries } => layout.references(entries, true),
            Block::References { items } => layout.references(items, false),
            Block::Anchor { id } => layout.pending.push(id.clone()),
            Block::KeyValue { rows } => {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.clone()])
                    .collect();
                layout.table(None, &rows, &[], &[28.0, 72.0], TableStyle::KeyValue);
            }
            Block::Table {
                columns,
                widths,
                rows,
                anchors,
                compact,
            } => {
                let mut weights: Vec<f32> = widths.iter().map(|w| f32::from(*w)).collect();
                weights.resize(columns.len(), 10.0);
                let style = if *compact {
                    TableStyle::Compact
                } else {
                    TableStyle::Grid
                };
                layout.table(Some(columns), rows, anchors, &weights, style);
            }
        }
    }
    // Anchors at the very end stand on the last page.
    let here = (layout.current(), layout.y);
    for id in std::mem::take(&mut layout.pending) {
        layout.anchors.entry(id).or_insert(here);
    }
    layout
}

/// Each reference gets the page its target stands on, right-aligned (with a dotted
/// leader in the contents), and a link to it.
fn fill_page_refs(layout: &mut Layout<'_>) {
    let fonts = layout.fonts;
    let refs = std::mem::take(&mut layout.refs);
    for r in refs {
        let Some(&(target_page, target_y)) = layout.anchors.get(&r.target) else {
            continue;
        };
        let number = if r.leader_from.is_some() {
            (target_page + 1).to_string()
        } else {
            format!("page {}", target_page + 1)
        };
        let w = fonts.regular.width(&number, BODY);
        let right = MARGIN_X + CONTENT_W;
        let Some(page) = layout.pages.get_mut(r.page) else {
            continue;
        };
        page.texts.push(Text {
            x: right - w,
            y: r.y,
            bold: false,
            size: BODY,
            text: number,
        });
        if let Some(from) = r.leader_from {
            let (from, to) = (from + 6.0, right - w - 6.0);
            if to > from {
                page.rules.push((from, r.y, to, r.y));
            }
        }
        page.links.push(Link {
            rect: [r.x, r.y - 2.5, right, r.y + BODY],
            page: target_page,
            y: target_y,
        });
    }
}

/// `text` cut to fit `width`, with an ellipsis when anything was cut.
fn fit(text: &str, face: &Face, size: f32, width: f32) -> String {
    if face.width(text, size) <= width {
        return text.to_string();
    }
    let ellipsis = "\u{2026}";
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if face.width(&out, size) + face.width(ellipsis, size) > width {
            out.pop();
            break;
        }
    }
    format!("{}{ellipsis}", out.trim_end())
}

/// Header and footer: the marking at the top and bottom, centred; the start of the
/// assessment file's SHA-256 on the right of the header; the title on the left and
/// "Page X of N" on the right of the footer.
fn furniture(layout: &mut Layout<'_>, doc: &Document) {
    let fonts = layout.fonts;
    let marking = layout.prepare(&doc.marking);
    let title = layout.prepare(&doc.title);
    let marking_w = fonts.bold.width(&marking, MARKING_SIZE);
    let n = layout.pages.len();
    let small = 7.5;
    // The title fits between the left margin and the marking.
    let side = ((CONTENT_W - marking_w) / 2.0 - 10.0).max(20.0);
    let title = visual(fit(&title, &fonts.regular, small, side));
    let fingerprint = layout.prepare(&format!(
        "{} SHA-256 {}",
        doc.fingerprint_of,
        doc.fingerprint.get(..16).unwrap_or(&doc.fingerprint)
    ));
    let fingerprint_w = fonts.regular.width(&fingerprint, small);
    for (i, page) in layout.pages.iter_mut().enumerate() {
        let x = (PAGE_W - marking_w) / 2.0;
        for y in [PAGE_H - 36.0, 30.0] {
            page.texts.push(Text {
                x,
                y,
                bold: true,
                size: MARKING_SIZE,
                text: marking.clone(),
            });
        }
        let page_text = format!("Page {} of {n}", i + 1);
        let w = fonts.regular.width(&page_text, small);
        page.texts.push(Text {
            x: PAGE_W - MARGIN_X - w,
            y: 30.0,
            bold: false,
            size: small,
            text: page_text,
        });
        page.texts.push(Text {
            x: MARGIN_X,
            y: 30.0,
            bold: false,
            size: small,
            text: title.clone(),
        });
        page.texts.push(Text {
            x: PAGE_W - MARGIN_X - fingerprint_w,
            y: PAGE_H - 36.0,
            bold: false,
            size: small,
            text: fingerprint.clone(),
        });
        page.rules.push((MARGIN_X, 44.0, PAGE_W - MARGIN_X, 44.0));
        page.rules
            .push((MARGIN_X, PAGE_H - 46.0, PAGE_W - MARGIN_X, PAGE_H - 46.0));
    }
}

/// Draws the document. Deterministic: the same document gives the same bytes.
pub fn render(doc: &Document) -> Result<Rendered, PdfError> {
    let fonts = fonts()?;
    let mut layout = lay_out(doc, fonts);
    fill_page_refs(&mut layout);
    furniture(&mut layout, doc);
    let bytes = write::pdf(&layout, doc)?;
    Ok(Rendered {
        bytes,
        pages: layout.pages.len(),
        replaced: layout.replaced,
        right_to_left: layout.right_to_left,
    })
}
