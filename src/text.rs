//! Neutralising text that came from files before it reaches a terminal: control
//! characters and escape sequences in an answer, a note or a user's questionnaire must
//! never be able to move the cursor, recolour the screen or set the window title.

use std::borrow::Cow;

/// Whether a character could drive a terminal: C0 controls other than newline and tab,
/// DEL, and the C1 controls (some terminals act on them in UTF-8 too).
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

    proptest::proptest! {
        #[test]
        fn sanitised_text_has_no_unsafe_controls(text in "\\PC*|[\\x00-\\x1f\\x7f-\\x9f]*") {
            proptest::prop_assert!(!sanitise(&text).chars().any(is_unsafe_control));
        }
    }
}
