//! Text as the PDF draws it: NFC, characters the font lacks replaced (and reported),
//! right-to-left runs found and put in visual order, and lines wrapped with the font's
//! advance widths, never mid-word in an id or an address.

use std::collections::BTreeSet;

use super::{Face, Fonts, REPLACEMENT};

/// Whether `c` is written right to left (Hebrew, Arabic and the like).
pub fn is_right_to_left(c: char) -> bool {
    use unicode_bidi::BidiClass;
    // Nothing before Hebrew (U+0590) is written right to left: most text never needs the
    // table look-up.
    u32::from(c) >= 0x0590 && matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// The right-to-left runs in `text`: letters written right to left, with the spaces and
/// marks between them.
pub fn right_to_left_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        let inside = !run.is_empty()
            && (c == ' ' || unicode_bidi::bidi_class(c) == unicode_bidi::BidiClass::NSM);
        if is_right_to_left(c) || inside {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(run.trim_end().to_string());
            run.clear();
        }
    }
    if !run.is_empty() {
        runs.push(run.trim_end().to_string());
    }
    runs
}

/// Text the font can draw: NFC first, then tabs become spaces, other controls (those of
/// `text::is_unsafe_control`, bidirectional overrides included) and characters without a
/// glyph become [`REPLACEMENT`] (recorded in `replaced`). Newlines
/// are kept.
pub fn drawable(text: &str, fonts: &Fonts, replaced: &mut BTreeSet<char>) -> String {
    let text = crate::text::nfc(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => {}
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() || crate::text::is_unsafe_control(c) => {
                replaced.insert(c);
                out.push(REPLACEMENT);
            }
            c if fonts.regular.has(c) && fonts.bold.has(c) => out.push(c),
            c => {
                replaced.insert(c);
                out.push(REPLACEMENT);
            }
        }
    }
    out
}

/// One line in the order it is drawn: right-to-left runs reversed into visual order by
/// the Unicode bidirectional algorithm (the paragraph direction is left to right).
pub(super) fn visual(line: String) -> String {
    if !line.chars().any(is_right_to_left) {
        return line;
    }
    let line = line.as_str();
    let info = unicode_bidi::BidiInfo::new(line, Some(unicode_bidi::Level::ltr()));
    info.paragraphs
        .iter()
        .map(|p| info.reorder_line(p, p.range.clone()).into_owned())
        .collect()
}

/// Where a word too wide for its line may break: after these.
fn soft_break(c: char) -> bool {
    matches!(c, '-' | '/' | '_' | '\u{2010}' | '\u{2013}')
}

/// A word that must not break: an e-mail address, or an address in angle brackets.
fn unbreakable(word: &str) -> bool {
    word.contains('@')
}

/// A long run of letters and digits with no soft break (a hash, an id of a file): may
/// break anywhere.
fn breaks_anywhere(word: &str) -> bool {
    word.chars().count() >= 24 && !word.chars().any(soft_break) && !unbreakable(word)
}

/// The narrowest a column can be for `word` not to break badly: the whole word for an
/// address, the widest piece between soft breaks otherwise, nothing for a hash.
pub(super) fn min_width(word: &str, face: &Face, size: f32) -> f32 {
    if unbreakable(word) {
        return face.width(word, size);
    }
    if breaks_anywhere(word) {
        return 0.0;
    }
    let mut widest = 0.0f32;
    let mut piece = 0.0f32;
    for c in word.chars() {
        let mut buf = [0u8; 4];
        piece += face.width(c.encode_utf8(&mut buf), size);
        if soft_break(c) {
            widest = widest.max(piece);
            piece = 0.0;
        }
    }
    widest.max(piece)
}

/// Breaks text into lines no wider than `width`: at spaces where possible; a word wider
/// than the line after a hyphen, slash or underscore, and between characters only where
/// it has none. Newlines always break. Every character of the input appears in the
/// output, in order, except the spaces a break replaces.
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
            // A word wider than the line: break it after soft breaks, and a piece still too
            // wide between characters.
            for piece in pieces(word) {
                let piece_w = face.width(piece, size);
                if line_w + piece_w <= width {
                    line.push_str(piece);
                    line_w += piece_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if piece_w <= width {
                    line.push_str(piece);
                    line_w = piece_w;
                    continue;
                }
                for c in piece.chars() {
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
        }
        lines.push(line);
    }
    lines
}

/// A word cut after each soft break ("dspt-system-records" -> "dspt-", "system-",
/// "records"); an address stays whole.
fn pieces(word: &str) -> Vec<&str> {
    if unbreakable(word) {
        return vec![word];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if soft_break(c) {
            let end = i + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}
