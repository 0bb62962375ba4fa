//! Neutralising text that came from files before it reaches a terminal or an export:
//! control characters and escape sequences in an answer, a note or a user's
//! questionnaire must never be able to move the cursor, recolour the screen, set the
//! window title or write the clipboard, and bidirectional overrides must not make text
//! read differently from what it holds.
//!
//! One rule, [`is_unsafe_control`], at every exit: [`sanitise`] (and [`sanitise_line`],
//! [`shorten`]) for the terminal, Markdown, CSV and PDF, which replace such characters
//! with U+FFFD; [`escape_json`] for JSON, which escapes them losslessly.

use std::borrow::Cow;

/// Whether a character could drive a terminal or make text read differently from what
/// it holds: C0 controls other than newline and tab (carriage return included), DEL, the
/// C1 controls (some terminals act on them in UTF-8 too), and the bidirectional marks,
/// embeddings, overrides and isolates (U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069).
pub fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Replaces every unsafe control character with a visible stand-in (U+FFFD), keeping
/// newlines and tabs. Borrowed when there is nothing to replace.
pub fn sanitise(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_unsafe_control) {
        Cow::Owned(
            text.chars()
                .map(|c| if is_unsafe_control(c) { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Escapes, in serialised JSON, the characters JSON allows raw but a terminal or an
/// editor may act on: DEL, the C1 controls (U+0080 to U+009F, e.g. U+009B, a one-byte
/// CSI), the bidirectional controls that can make text read differently from what it
/// holds (U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the line and paragraph
/// separators (U+2028, U+2029). They become `\uXXXX`, so the data is unchanged for a
/// JSON reader and nothing reaches a terminal that `cat`s the file. serde_json already
/// escapes C0 controls. Outside strings JSON is ASCII, so a textual pass is exact.
pub fn escape_json(json: String) -> String {
    let needs = |c: char| is_unsafe_control(c) || matches!(c, '\u{2028}' | '\u{2029}');
    if !json.chars().any(needs) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Like [`sanitise`] but also folds newlines and tabs into spaces, for one-line fields.
pub fn sanitise_line(text: &str) -> String {
    sanitise(text)
        .chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Longest id or value quoted whole in a message; longer ones are shortened.
pub const MAX_QUOTED_CHARS: usize = 80;

/// An id or value from a file or the command line, made fit to quote in a message: on
/// one line, sanitised, and when longer than [`MAX_QUOTED_CHARS`] characters cut to its
/// start with "… (N characters)" after it, so a 200,000-character id does not flood the
/// terminal.
pub fn shorten(text: &str) -> String {
    let line = sanitise_line(text);
    let count = line.chars().count();
    if count <= MAX_QUOTED_CHARS {
        return line;
    }
    // Room for "… (N characters)" with N up to ten digits.
    let start: String = line.chars().take(MAX_QUOTED_CHARS - 24).collect();
    format!("{start}… ({count} characters)")
}

/// Where TOML text first nests deeper than `limit`, as a byte offset: `[` and `{`
/// outside strings and comments, plus the dots of a dotted key (`a.b.c = 1` nests as
/// deep as `a = { b = { c = 1 } }`; so does a table header `[a.b.c]`). The TOML parser
/// recurses on both, so a hostile file (a key 10,000 segments long) is refused with its
/// position before the parser gets there. `None` when it stays within `limit`.
///
/// Counting dots in key position is slightly generous (a float in a multi-line array
/// counts as one level), which only matters for files nested within a level of the
/// limit that no assessment or questionnaire comes near.
pub fn toml_too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // Dots of the key being read, and whether the text is where a key can be.
    let mut dots = 0usize;
    let mut in_key = true;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(if quote == b'"' { b"\"\"\"" } else { b"'''" });
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote && (!triple || bytes[i..].starts_with(&[quote; 3])) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    // An unterminated one-line string ends at the newline, as in TOML.
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if bytes[i] == b'{' {
                    in_key = true;
                    dots = 0;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' | b',' => {
                in_key = true;
                dots = 0;
            }
            b'=' => {
                in_key = false;
                dots = 0;
            }
            b'.' if in_key => dots += 1,
            _ => {}
        }
        if depth + dots > limit {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Byte offset -> 1-based line and column (in characters), for file:line:column messages.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// Text as secassess records it: in Unicode Normalization Form C (precomposed), so "Zoë"
/// pasted from macOS (an "e" followed by a combining diaeresis) is stored as the "ë" typed
/// on Windows, and prints as one letter. Every recording function of the core (answers,
/// notes, the system's details, findings, review comments, the sign-off statement, names)
/// passes what it is given through this, so every front end records the same bytes.
/// Borrowed when the text is already NFC (the usual case; checked without allocating).
pub fn nfc(text: &str) -> Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Whether two texts say the same once normalised ([`nfc`]). Recording keeps the stored
/// form when the new text says the same, so an answer recorded before normalisation
/// (whose hash pins its stored bytes) never looks changed because it was typed again.
pub fn same_text(a: &str, b: &str) -> bool {
    a == b || nfc(a) == nfc(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_recorded_precomposed() {
        let decomposed = "Zoe\u{308} and Sea\u{301}n";
        assert_eq!(nfc(decomposed), "Zo\u{eb} and Se\u{e1}n");
        assert!(matches!(nfc("Zo\u{eb} – plain"), Cow::Borrowed(_)));
        assert!(same_text(decomposed, "Zo\u{eb} and Se\u{e1}n"));
        assert!(!same_text("Zoe", "Zo\u{eb}"));
    }

    #[test]
    fn escape_sequences_are_neutralised() {
        let hostile = "ok\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\r\nnext\tcol";
        let clean = sanitise(hostile);
        assert!(!clean
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{9b}' || c == '\r'));
        assert!(clean.contains('\n') && clean.contains('\t'));
        assert!(matches!(sanitise("plain £ text – ok"), Cow::Borrowed(_)));
        assert_eq!(sanitise_line("a\nb\tc"), "a b c");
        // Bidirectional overrides can disguise text (Trojan Source); they are replaced too.
        assert_eq!(sanitise("a\u{202e}b"), "a\u{fffd}b");
    }

    #[test]
    fn json_escapes_c1_controls_and_bidi_overrides() {
        let raw = serde_json::to_string(&serde_json::json!({
            "t": "a\u{85}b\u{9b}31mc\u{202e}d\u{2066}e\u{7f}f\u{2028}£"
        }))
        .unwrap_or_default();
        let escaped = escape_json(raw);
        assert!(!escaped.chars().any(is_unsafe_control), "{escaped}");
        assert!(escaped.contains("\\u0085") && escaped.contains("\\u009b"));
        assert!(escaped.contains("\\u202e") && escaped.contains("\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(
            back["t"],
            "a\u{85}b\u{9b}31mc\u{202e}d\u{2066}e\u{7f}f\u{2028}£"
        );
        assert_eq!(escape_json(String::from("{\"a\":\"£\"}")), "{\"a\":\"£\"}");
    }

    #[test]
    fn toml_nesting_counts_brackets_and_dotted_keys_outside_strings() {
        let deep = format!("a = {}{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(toml_too_deep(&deep, 32), Some(4 + 32));
        let dotted = format!("{} = 1", vec!["a"; 10_000].join("."));
        assert_eq!(toml_too_deep(&dotted, 32), Some(65));
        let header = format!("[{}]\nx = 1", vec!["a"; 40].join("."));
        assert!(toml_too_deep(&header, 32).is_some());
        let quoted = format!(
            "a = \"{}\"\n# {}\nb = '''{}'''\nc = \"{}\"",
            "[".repeat(99),
            "{".repeat(99),
            "[".repeat(99),
            ".".repeat(99)
        );
        assert_eq!(toml_too_deep(&quoted, 32), None);
        let escaped = format!("a = \"\\\"{}\"", "[".repeat(99));
        assert_eq!(toml_too_deep(&escaped, 32), None);
        assert_eq!(
            toml_too_deep(
                "[answers.x]\nv = [[1.5], [2]]\nd = 2026-01-01T00:00:00.5Z",
                32
            ),
            None
        );
        assert_eq!(
            toml_too_deep(&format!("{} = 1", vec!["a"; 33].join(".")), 32),
            None
        );
    }

    #[test]
    fn long_values_are_shortened_for_messages() {
        assert_eq!(shorten("F-001"), "F-001");
        let long = "x".repeat(200_000);
        let short = shorten(&long);
        assert!(short.chars().count() <= MAX_QUOTED_CHARS, "{short}");
        assert!(short.ends_with("(200000 characters)"), "{short}");
        assert_eq!(shorten("a\u{1b}[2Jb\nc"), "a\u{fffd}[2Jb c");
    }

    proptest::proptest! {
        #[test]
        fn sanitised_text_has_no_unsafe_controls(text in "\\PC*|[\\x00-\\x1f\\x7f-\\x9f]*") {
            proptest::prop_assert!(!sanitise(&text).chars().any(is_unsafe_control));
        }
    }
}
