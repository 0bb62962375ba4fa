//! The PDF evidence pack: the [`Document`] drawn on A4 pages with printpdf.
//!
//! - **Fonts**: Liberation Sans regular and bold (SIL OFL, `assets/fonts/LICENSE`),
//!   embedded as subsets with a Unicode map, so text can be selected, searched and copied.
//!   Lines are wrapped with the font's own advance widths; a word wider than its column
//!   (a hash, a URL) is broken between characters, never cut off. A character the font
//!   has no glyph for is drawn as [`REPLACEMENT`] and reported in [`Rendered::replaced`].
//! - **Conventions**: the protective marking at the top and the bottom of every page,
//!   "Page X of N" in the footer, the start of the assessment file's SHA-256 (or of what
//!   the document says it fingerprints) in the header (so a loose page can be matched to
//!   its file), a contents list with the page
//!   each part starts on, each part of the pack on a new page, headings kept with what
//!   follows them, tables that split across pages with their header repeated.
//! - **Determinism**: no clock and no randomness reach the file. The creation date is the
//!   document's `generated_at`, font resource names are fixed, and the trailer's /ID (which
//!   printpdf draws at random) is replaced by one derived from the content. The same
//!   document gives the same bytes.
//!
//! Layout happens in two passes: blocks are laid out into pages of positioned text and
//! rules, then, with the page count known, each page gets its header and footer.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use sha2::{Digest, Sha256};

use super::model::{Block, Document};

/// Drawn in place of a character the font has no glyph for.
pub const REPLACEMENT: char = '?';

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

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
const LEADING: f32 = 1.3;
const CELL_PAD: f32 = 3.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "the embedded font {0} cannot be read; this build of secassess is damaged, reinstall it"
    )]
    Font(&'static str),
    #[error("cannot cut the font {0} down to the characters used; this is a bug in secassess, please report it")]
    Subset(String),
}

/// A rendered pack.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters the font has no glyph for, drawn as [`REPLACEMENT`].
    pub replaced: BTreeSet<char>,
}

/// A font with what layout needs: advance widths by character.
pub struct Face {
    parsed: ParsedFont,
    id: FontId,
}

impl Face {
    fn load(bytes: &[u8], name: &'static str, id: &str) -> Result<Face, PdfError> {
        let mut warnings = Vec::new();
        let mut parsed =
            ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or(PdfError::Font(name))?;
        if parsed.codepoint_to_glyph.is_empty() || parsed.units_per_em == 0 {
            return Err(PdfError::Font(name));
        }
        parsed.font_name = Some(name.to_string());
        Ok(Face {
            parsed,
            id: FontId(id.to_string()),
        })
    }

    pub fn has(&self, c: char) -> bool {
        self.parsed.codepoint_to_glyph.contains_key(&u32::from(c))
    }

    /// The advance width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .codepoint_to_glyph
                    .get(&u32::from(c))
                    .and_then(|g| self.parsed.glyph_widths.get(g))
                    .copied()
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(self.parsed.units_per_em)
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

/// The two faces, parsed once per process.
pub fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    let loaded = FONTS.get_or_init(|| {
        Ok(Fonts {
            // Resource names double as the six-letter subset tag (ISO 32000-1, 9.6.4).
            regular: Face::load(REGULAR_TTF, "LiberationSans", "SECASR")
                .map_err(|_| "LiberationSans-Regular.ttf".to_string())?,
            bold: Face::load(BOLD_TTF, "LiberationSans-Bold", "SECASB")
                .map_err(|_| "LiberationSans-Bold.ttf".to_string())?,
        })
    });
    match loaded {
        Ok(fonts) => Ok(fonts),
        Err(name) if name.contains("Bold") => Err(PdfError::Font("LiberationSans-Bold.ttf")),
        Err(_) => Err(PdfError::Font("LiberationSans-Regular.ttf")),
    }
}

/// Text the font can draw: tabs become spaces, other controls and characters without a
/// glyph become [`REPLACEMENT`] (recorded in `replaced`). Newlines are kept.
pub fn drawable(text: &str, fonts: &Fonts, replaced: &mut BTreeSet<char>) -> String {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| match c {
            '\n' => '\n',
            '\t' => ' ',
            c if c.is_control() => {
                replaced.insert(c);
                REPLACEMENT
            }
            c if fonts.regular.has(c) && fonts.bold.has(c) => c,
            c => {
                replaced.insert(c);
                REPLACEMENT
            }
        })
        .collect()
}

/// Breaks text into lines no wider than `width`: at spaces where possible, inside a word
/// (between characters) when the word alone is too wide. Newlines always break. Every
/// character of the input appears in the output, in order, except the spaces a break
/// replaces.
pub fn wrap(text: &str, face: &Face, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = face.width(" ", size);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in paragraph.split(' ') {
            let word_w = face.width(word, size);
            let gap = if line.is_empty() { 0.0 } else { space };
            if line_w + gap + word_w <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_w += gap + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if word_w <= width {
                line.push_str(word);
                line_w = word_w;
                continue;
            }
            // A word wider than the line: break it between characters.
            for c in word.chars() {
                let mut buf = [0u8; 4];
                let c_w = face.width(c.encode_utf8(&mut buf), size);
                if line_w + c_w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += c_w;
            }
        }
        lines.push(line);
    }
    lines
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

#[derive(Default)]
struct Page {
    texts: Vec<Text>,
    /// Line segments: x1, y1, x2, y2.
    rules: Vec<(f32, f32, f32, f32)>,
    /// Shaded rectangles: x, y (bottom), width, height.
    fills: Vec<(f32, f32, f32, f32)>,
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    /// The baseline region still free on the current page: text may go down to
    /// CONTENT_BOTTOM.
    y: f32,
    replaced: BTreeSet<char>,
    /// The page (0-based) each level-1 heading starts on, by its text.
    parts: Vec<(String, usize)>,
    /// Contents entries drawn so far: the page and baseline to put the page number on,
    /// and the part it names.
    contents: Vec<(usize, f32, String)>,
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
            parts: Vec::new(),
            contents: Vec::new(),
        }
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        }
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

    fn prepare(&mut self, text: &str) -> String {
        drawable(text, self.fonts, &mut self.replaced)
    }

    fn text(&mut self, x: f32, y: f32, bold: bool, size: f32, text: String) {
        if !text.is_empty() {
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
        if level == 1 {
            self.parts.push((text.to_string(), self.pages.len() - 1));
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

    /// The contents list: each part on a line; its page number is added by
    /// [`number_contents`] once every part has been laid out.
    fn contents(&mut self, entries: &[String]) {
        let leading = BODY * LEADING * 1.2;
        for entry in entries {
            let text = self.prepare(entry);
            self.ensure(leading);
            self.y -= leading;
            let y = self.y + leading * 0.25;
            self.text(MARGIN_X + 12.0, y, false, BODY, text);
            let page = self.pages.len() - 1;
            self.contents.push((page, y, entry.clone()));
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
        borders: bool,
        shaded: bool,
    ) {
        let leading = size * LEADING;
        let height = count as f32 * leading + 2.0 * CELL_PAD;
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
                let y = top - CELL_PAD - (i as f32 + 1.0) * leading + leading * 0.25;
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

    fn table(
        &mut self,
        header: Option<&[String]>,
        rows: &[Vec<String>],
        weights: &[f32],
        key_value: bool,
    ) {
        let total: f32 = weights.iter().sum::<f32>().max(1.0);
        let widths: Vec<f32> = weights.iter().map(|w| w / total * CONTENT_W).collect();
        let columns = widths.len();
        let size = if key_value { BODY } else { TABLE };
        let leading = size * LEADING;
        let header_cells = header.map(|h| {
            let bold = vec![true; columns];
            self.cells(h, &widths, &bold, size)
        });
        let header_height = header_cells
            .as_ref()
            .map(|h| row_lines(h) as f32 * leading + 2.0 * CELL_PAD)
            .unwrap_or(0.0);
        let draw_header = |layout: &mut Layout<'_>| {
            if let Some(h) = &header_cells {
                let lines = row_lines(h);
                layout.row_segment(h, &widths, 0, lines, size, true, true);
            }
        };
        // A table starts where its header and first line fit.
        self.ensure(header_height + leading + 2.0 * CELL_PAD);
        draw_header(self);
        let mut bold = vec![false; columns];
        if key_value {
            if let Some(first) = bold.first_mut() {
                *first = true;
            }
        }
        for row in rows {
            let mut texts = row.clone();
            texts.resize(columns, String::new());
            let cells = self.cells(&texts, &widths, &bold, size);
            let total_lines = row_lines(&cells);
            let mut from = 0;
            while from < total_lines {
                let free = ((self.y - CONTENT_BOTTOM - 2.0 * CELL_PAD) / leading).floor();
                let free = if free < 1.0 { 0 } else { free as usize };
                let remaining = total_lines - from;
                let full_page = ((CONTENT_TOP - CONTENT_BOTTOM - header_height - 2.0 * CELL_PAD)
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
                let count = remaining.min(free.max(1));
                self.row_segment(&cells, &widths, from, count, size, !key_value, false);
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
            Block::Contents { entries } => layout.contents(entries),
            Block::KeyValue { rows } => {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.clone()])
                    .collect();
                layout.table(None, &rows, &[28.0, 72.0], true);
            }
            Block::Table {
                columns,
                widths,
                rows,
            } => {
                let mut weights: Vec<f32> = widths.iter().map(|w| f32::from(*w)).collect();
                weights.resize(columns.len(), 10.0);
                layout.table(Some(columns), rows, &weights, false);
            }
        }
    }
    layout
}

/// Each contents entry gets the page its part starts on, right-aligned with a dotted
/// leader.
fn number_contents(layout: &mut Layout<'_>) {
    let fonts = layout.fonts;
    let entries = std::mem::take(&mut layout.contents);
    for (page, y, part) in entries {
        let Some(start) = layout
            .parts
            .iter()
            .find(|(text, _)| *text == part)
            .map(|(_, p)| p + 1)
        else {
            continue;
        };
        let number = start.to_string();
        let w = fonts.regular.width(&number, BODY);
        let right = MARGIN_X + CONTENT_W;
        let Some(page) = layout.pages.get_mut(page) else {
            continue;
        };
        page.texts.push(Text {
            x: right - w,
            y,
            bold: false,
            size: BODY,
            text: number,
        });
        let entry_w = fonts.regular.width(&part, BODY);
        let from = MARGIN_X + 12.0 + entry_w + 6.0;
        let to = right - w - 6.0;
        if to > from {
            page.rules.push((from, y, to, y));
        }
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
    let title = fit(&title, &fonts.regular, small, side);
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

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

fn ops(page: &Page, fonts: &Fonts) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.texts.len() * 5 + page.rules.len() + 8);
    if !page.fills.is_empty() {
        ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: 0.9,
                icc_profile: None,
            }),
        });
        for (x, y, w, h) in &page.fills {
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(*y),
                    width: Pt(*w),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
    ops.push(Op::SetOutlineColor {
        col: Color::Greyscale(Greyscale {
            percent: 0.55,
            icc_profile: None,
        }),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
    for (x1, y1, x2, y2) in &page.rules {
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(*x1, *y1), point(*x2, *y2)],
                is_closed: false,
            },
        });
    }
    ops.push(Op::SetFillColor {
        col: Color::Greyscale(Greyscale {
            percent: 0.0,
            icc_profile: None,
        }),
    });
    // One text section per line: the cursor position is then absolute, and a reader
    // extracting text sees one line at a time.
    for t in &page.texts {
        let face = if t.bold { &fonts.bold } else { &fonts.regular };
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(face.id.clone()),
            size: Pt(t.size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(t.x),
                y: Pt(t.y),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(t.text.clone())],
        });
        ops.push(Op::EndTextSection);
    }
    ops
}

/// The face cut down to the glyphs for `used`, as a font of its own (with a Unicode
/// cmap for those characters), named with its subset tag. Embedding it whole is then
/// embedding the subset.
fn subset(face: &Face, used: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};

    let name = face.parsed.font_name.clone().unwrap_or_default();
    let failed = || PdfError::Subset(name.clone());
    // .notdef first, then the used glyphs in order, no duplicates.
    let glyphs: BTreeSet<u16> = used
        .iter()
        .filter_map(|c| face.parsed.codepoint_to_glyph.get(&u32::from(*c)).copied())
        .filter(|g| *g != 0)
        .collect();
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    let source = &face.parsed.original_bytes;
    let font_file = ReadScope::new(source)
        .read::<FontData<'_>>()
        .map_err(|_| failed())?;
    let provider = font_file.table_provider(0).map_err(|_| failed())?;
    let bytes = allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|_| failed())?;
    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings).ok_or_else(failed)?;
    parsed.font_name = Some(format!("{}+{name}", face.id.0));
    Ok(parsed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Draws the document. Deterministic: the same document gives the same bytes.
pub fn render(doc: &Document) -> Result<Rendered, PdfError> {
    let fonts = fonts()?;
    let mut layout = lay_out(doc, fonts);
    number_contents(&mut layout);
    furniture(&mut layout, doc);
    let pages: Vec<PdfPage> = layout
        .pages
        .iter()
        .map(|p| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops(p, fonts)))
        .collect();
    let page_count = pages.len();

    let mut pdf = PdfDocument::new(&doc.title);
    for (bold, face) in [(false, &fonts.regular), (true, &fonts.bold)] {
        let used: BTreeSet<char> = layout
            .pages
            .iter()
            .flat_map(|p| p.texts.iter())
            .filter(|t| t.bold == bold)
            .flat_map(|t| t.text.chars())
            .collect();
        if used.is_empty() {
            continue;
        }
        let parsed = subset(face, &used)?;
        pdf.resources
            .fonts
            .map
            .insert(face.id.clone(), printpdf::PdfFont::new(parsed));
    }
    let info = &mut pdf.metadata.info;
    if let Ok(created) = printpdf::OffsetDateTime::from_unix_timestamp(doc.generated_at.timestamp())
    {
        info.creation_date = created;
        info.modification_date = created;
        info.metadata_date = created;
    }
    info.document_title = doc.title.clone();
    info.author = doc.author.clone();
    info.subject = doc.subject.clone();
    info.creator = "secassess".into();
    info.producer = format!("secassess {} (printpdf)", env!("CARGO_PKG_VERSION"));
    info.keywords = vec![doc.marking.clone(), "security self-assessment".into()];
    info.identifier = doc.fingerprint.clone();
    pdf.with_pages(pages);

    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    // printpdf draws the file identifier at random; derive it from the content instead.
    let mut hasher = Sha256::new();
    hasher.update(doc.fingerprint.as_bytes());
    hasher.update(doc.generated_at.to_rfc3339().as_bytes());
    hasher.update(doc.marking.as_bytes());
    hasher.update(doc.title.as_bytes());
    let id = hex(&hasher.finalize());
    let id = id.get(..32).unwrap_or(&id).as_bytes().to_vec();
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    lo.compress();
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = lo.save_to(&mut bytes);
    Ok(Rendered {
        bytes,
        pages: page_count,
        replaced: layout.replaced,
    })
}
