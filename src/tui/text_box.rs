//! One text box of the TUI (a form field, an answer or notes being typed, the search
//! query), on top of `ratatui-textarea`: it starts with the cursor after any text already
//! there, wraps long lines, takes the usual editing keys (Home/End, Ctrl-Left/Right by
//! word, Ctrl-U/Ctrl-K to the start or end of the line, Ctrl-W a word back, Ctrl-Z undo),
//! and takes a paste whole, as text: newlines are kept in a box of several lines and
//! become spaces in a one-line box, and control characters are left out.
//!
//! Pure state: no terminal, no clock.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::text::is_unsafe_control;

/// The longest text a box takes from one paste, in characters: far more than any answer
/// needs, and small enough to stay responsive.
pub const MAX_PASTE_CHARS: usize = 20_000;

/// A text box and the text it started with (to tell whether anything was typed).
#[derive(Clone)]
pub struct TextBox {
    area: TextArea<'static>,
    multiline: bool,
    initial: String,
}

/// What a paste did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    /// Inserted at the cursor. `joined` when line breaks became spaces (a one-line box);
    /// `dropped` counts control characters left out.
    Inserted { joined: bool, dropped: usize },
    /// Not inserted: the box would hold more than [`MAX_PASTE_CHARS`] characters.
    TooLong { chars: usize },
}

impl TextBox {
    /// A box holding `text`, cursor at its end. A one-line box folds any line breaks in
    /// `text` into spaces.
    pub fn new(text: &str, multiline: bool) -> TextBox {
        let text = if multiline {
            text.replace("\r\n", "\n")
        } else {
            one_line(text)
        };
        let mut area = TextArea::new(text.split('\n').map(String::from).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        let initial = area.lines().join("\n");
        TextBox {
            area,
            multiline,
            initial,
        }
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// The text as typed: lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The text with surrounding white space trimmed.
    pub fn value(&self) -> String {
        self.text().trim().to_string()
    }

    /// Whether the text differs from what the box started with.
    pub fn changed(&self) -> bool {
        self.text() != self.initial
    }

    /// Whether the box holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.area.lines().iter().all(|l| l.trim().is_empty())
    }

    /// The cursor's line and the number of lines, for moving out of a box of several
    /// lines with ↑/↓ at its first or last line.
    pub fn cursor_line(&self) -> (usize, usize) {
        (self.area.cursor().0, self.area.lines().len())
    }

    /// Applies an editing key. Returns false for a key the box does not take (Enter and
    /// Tab in a one-line box, ↑/↓ there), which the caller may use.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            // The shell conventions; ratatui-textarea's own Ctrl-U is undo.
            KeyCode::Char('u') if ctrl && !alt => {
                self.area.delete_line_by_head();
            }
            KeyCode::Char('k') if ctrl && !alt => {
                self.area.delete_line_by_end();
            }
            KeyCode::Char('z') if ctrl && !alt => {
                self.area.undo();
            }
            KeyCode::Enter | KeyCode::Tab | KeyCode::Up | KeyCode::Down if !self.multiline => {
                return false
            }
            KeyCode::Char('m' | 'j') if ctrl && !self.multiline => return false,
            _ => {
                self.area.input(key);
            }
        }
        true
    }

    /// Inserts pasted text at the cursor, whole: line breaks kept in a box of several
    /// lines, turned into spaces in a one-line box; control characters left out. In a
    /// masked box (a passphrase) the line breaks ending the paste are dropped instead:
    /// a passphrase copied with its line's end must not gain a trailing space nobody can
    /// see.
    pub fn paste(&mut self, pasted: &str) -> Pasted {
        let pasted = if self.area.mask_char().is_some() {
            pasted.trim_end_matches(['\r', '\n'])
        } else {
            pasted
        };
        let normalised = pasted.replace("\r\n", "\n").replace('\r', "\n");
        let dropped = normalised.chars().filter(|&c| is_unsafe_control(c)).count();
        let kept: String = normalised
            .chars()
            .filter(|&c| !is_unsafe_control(c))
            .collect();
        let (text, joined) = if self.multiline {
            (kept, false)
        } else {
            let joined = kept.contains('\n');
            (one_line(&kept), joined)
        };
        let chars = self.text().chars().count() + text.chars().count();
        if chars > MAX_PASTE_CHARS {
            return Pasted::TooLong { chars };
        }
        self.area.insert_str(text);
        Pasted::Inserted { joined, dropped }
    }

    /// The same box showing `•` for every character typed: a passphrase.
    pub fn masked(mut self) -> TextBox {
        self.area.set_mask_char('•');
        self
    }

    /// The box to draw, with the caller's block and styles.
    pub fn widget(&self) -> TextArea<'static> {
        self.area.clone()
    }

    /// Rows needed to show the whole text wrapped to `width` columns (at least one).
    pub fn rows(&self, width: u16) -> u16 {
        let lines: Vec<ratatui::text::Line> = self
            .area
            .lines()
            .iter()
            .map(|l| ratatui::text::Line::raw(l.clone()))
            .collect();
        let count = Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .line_count(width.max(1));
        u16::try_from(count).unwrap_or(u16::MAX).max(1)
    }
}

/// Line breaks and tabs as spaces, for a one-line box.
fn one_line(text: &str) -> String {
    text.replace("\r\n", " ")
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_pasted_with_its_line_end_gains_no_trailing_space() {
        let mut masked = TextBox::new("", false).masked();
        assert_eq!(
            masked.paste("correct horse\r\n"),
            Pasted::Inserted {
                joined: false,
                dropped: 0
            }
        );
        assert_eq!(masked.text(), "correct horse");
        // An ordinary one-line box still shows the break as a space.
        let mut plain = TextBox::new("", false);
        plain.paste("correct horse\n");
        assert_eq!(plain.text(), "correct horse ");
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn typed(text_box: &mut TextBox, text: &str) {
        for c in text.chars() {
            text_box.key(press(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn the_cursor_starts_after_pre_filled_text() {
        let mut owner = TextBox::new("Sam Tech (Acme)", false);
        owner.key(press(KeyCode::Backspace, KeyModifiers::NONE));
        typed(&mut owner, "), Zoë");
        assert_eq!(owner.text(), "Sam Tech (Acme), Zoë");
        let mut notes = TextBox::new("first\nsecond", true);
        typed(&mut notes, " line");
        assert_eq!(notes.text(), "first\nsecond line");
    }

    #[test]
    fn line_editing_keys_work_like_a_shell() {
        let mut role = TextBox::new("Zoë O'Brien Project lead", false);
        role.key(press(KeyCode::Left, KeyModifiers::CONTROL));
        role.key(press(KeyCode::Left, KeyModifiers::CONTROL));
        role.key(press(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(role.text(), "Project lead");
        role.key(press(KeyCode::End, KeyModifiers::NONE));
        typed(&mut role, "er");
        role.key(press(KeyCode::Home, KeyModifiers::NONE));
        role.key(press(KeyCode::Right, KeyModifiers::CONTROL));
        role.key(press(KeyCode::Char('k'), KeyModifiers::CONTROL));
        assert_eq!(role.text(), "Project ");
        role.key(press(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(role.text(), "Project leader");
        assert!(role.changed());
        assert!(!TextBox::new("same", false).changed());
    }

    #[test]
    fn a_paste_is_text_whole_and_newlines_fit_the_box() {
        let mut one = TextBox::new("Window: ", false);
        let pasted = one.paste("2 day release\r\nwindow;\tdetails\u{1b}[2J to follow\n");
        assert_eq!(
            pasted,
            Pasted::Inserted {
                joined: true,
                dropped: 1
            }
        );
        assert_eq!(
            one.text(),
            "Window: 2 day release window; details[2J to follow "
        );
        assert_eq!(
            one.value(),
            "Window: 2 day release window; details[2J to follow"
        );

        let mut many = TextBox::new("", true);
        many.paste("one\ntwo\r\nthree\rfour");
        assert_eq!(many.text(), "one\ntwo\nthree\nfour");
        assert_eq!(many.cursor_line(), (3, 4));

        let mut full = TextBox::new("", false);
        let long = "x".repeat(MAX_PASTE_CHARS + 1);
        assert!(matches!(full.paste(&long), Pasted::TooLong { .. }));
        assert!(full.is_blank());
    }

    #[test]
    fn a_one_line_box_leaves_enter_and_tab_to_the_form() {
        let mut field = TextBox::new("a", false);
        assert!(!field.key(press(KeyCode::Enter, KeyModifiers::NONE)));
        assert!(!field.key(press(KeyCode::Tab, KeyModifiers::NONE)));
        let mut notes = TextBox::new("a", true);
        assert!(notes.key(press(KeyCode::Enter, KeyModifiers::NONE)));
        assert_eq!(notes.text(), "a\n");
    }

    #[test]
    fn long_text_wraps_into_rows() {
        let text_box = TextBox::new(&"word ".repeat(30), false);
        assert!(text_box.rows(40) >= 4, "{}", text_box.rows(40));
        assert_eq!(TextBox::new("", false).rows(40), 1);
    }
}
