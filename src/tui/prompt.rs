//! Small questions the TUI asks before doing something that cannot be undone or that the
//! user might not mean: keep or throw away what was typed, take over a lock that may
//! still be in use. A prompt is a message and a few choices, each with its own key; Esc
//! (and `q`) always picks the choice that changes nothing. What a choice does is up to
//! `typing::on_prompt_answer`, which matches on the prompt's [`Ask`] and the [`Answer`]
//! picked: a new kind of question is a new `Ask` variant (carrying whatever it needs, such
//! as a change waiting to be confirmed), built with [`Prompt::yes_no`] or
//! [`Prompt::notice`], and its arm there.
//!
//! Pure state: no terminal.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a prompt is asking about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Text was typed in the open text box (answer, notes or form) and the user pressed
    /// Esc (`quit` false) or Ctrl-C (`quit` true).
    LeaveText { quit: bool },
    /// Take over the lock of the open assessment, which may still be in use elsewhere.
    TakeOver,
}

/// A choice's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Keep what was typed (save it).
    Keep,
    /// Throw away what was typed.
    Discard,
    /// Go back to where the user was; change nothing.
    Back,
    Yes,
    No,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub key: char,
    pub label: String,
    pub answer: Answer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub ask: Ask,
    pub title: String,
    pub message: String,
    pub choices: Vec<Choice>,
    /// The choice Esc and `q` pick: the one that changes nothing.
    pub cancel: Answer,
    /// The choice Ctrl-C picks, when it is not `cancel` (a second Ctrl-C while asked
    /// "keep what you typed?" quits without it, as the prompt says).
    pub interrupt: Option<Answer>,
}

impl Prompt {
    /// Asks what to do with text typed in the open box, on Esc (`quit` false) or Ctrl-C
    /// (`quit` true). `what` names the text: "your answer", "the notes", "this form".
    pub fn leave_text(what: &str, quit: bool) -> Prompt {
        let (keep, discard, message) = if quit {
            (
                format!("Keep {what}, then quit"),
                String::from("Quit without it"),
                format!(
                    "You have typed something in {what} that is not saved yet. Keep it (saved as if you had finished) and quit, quit without it, or go back to typing? Ctrl-C again quits without it."
                ),
            )
        } else {
            (
                format!("Keep {what}"),
                String::from("Throw it away"),
                format!(
                    "You have typed something in {what} that is not saved yet. Keep it (saved as if you had finished), throw it away, or go back to typing?"
                ),
            )
        };
        Prompt {
            ask: Ask::LeaveText { quit },
            title: String::from("Keep what you typed?"),
            message,
            choices: vec![
                Choice {
                    key: 'k',
                    label: keep,
                    answer: Answer::Keep,
                },
                Choice {
                    key: 'd',
                    label: discard,
                    answer: Answer::Discard,
                },
                Choice {
                    key: 'b',
                    label: String::from("Back to typing"),
                    answer: Answer::Back,
                },
            ],
            cancel: Answer::Back,
            interrupt: quit.then_some(Answer::Discard),
        }
    }

    /// A yes/no question about `ask`: `y` picks [`Answer::Yes`], `n` (and Esc, `q`)
    /// [`Answer::No`], which must be the choice that changes nothing.
    pub fn yes_no(ask: Ask, title: &str, message: String, yes: &str, no: &str) -> Prompt {
        Prompt {
            ask,
            title: title.to_string(),
            message,
            choices: vec![
                Choice {
                    key: 'y',
                    label: yes.to_string(),
                    answer: Answer::Yes,
                },
                Choice {
                    key: 'n',
                    label: no.to_string(),
                    answer: Answer::No,
                },
            ],
            cancel: Answer::No,
            interrupt: None,
        }
    }

    /// Something the user must see before going on, with one choice (`o`, or Esc, `q`):
    /// [`Answer::Back`].
    pub fn notice(ask: Ask, title: &str, message: String) -> Prompt {
        Prompt {
            ask,
            title: title.to_string(),
            message,
            choices: vec![Choice {
                key: 'o',
                label: String::from("OK"),
                answer: Answer::Back,
            }],
            cancel: Answer::Back,
            interrupt: None,
        }
    }

    /// Asks before taking over a lock that may still be in use; `reason` says whose it is
    /// and why this computer cannot tell.
    pub fn take_over(reason: &str) -> Prompt {
        Prompt::yes_no(
            Ask::TakeOver,
            "Take over this assessment?",
            format!(
                "This assessment: {reason}.\n\nTake it over only if you are sure nobody is working on it there: changes made on both sides cannot be merged."
            ),
            "Yes, take it over",
            "No, keep it read-only",
        )
    }

    /// The choice a key picks, if any.
    pub fn answer_for(&self, key: &KeyEvent) -> Option<Answer> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => Some(self.interrupt.unwrap_or(self.cancel)),
            KeyCode::Esc | KeyCode::Char('q') if !ctrl => Some(self.cancel),
            KeyCode::Char(c) if !ctrl => self
                .choices
                .iter()
                .find(|choice| choice.key.eq_ignore_ascii_case(&c))
                .map(|choice| choice.answer),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn esc_and_q_change_nothing_and_letters_choose() {
        let prompt = Prompt::leave_text("the notes", false);
        assert_eq!(prompt.answer_for(&key(KeyCode::Esc)), Some(Answer::Back));
        assert_eq!(
            prompt.answer_for(&key(KeyCode::Char('q'))),
            Some(Answer::Back)
        );
        assert_eq!(
            prompt.answer_for(&key(KeyCode::Char('K'))),
            Some(Answer::Keep)
        );
        assert_eq!(
            prompt.answer_for(&key(KeyCode::Char('d'))),
            Some(Answer::Discard)
        );
        assert_eq!(prompt.answer_for(&key(KeyCode::Enter)), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(prompt.answer_for(&ctrl_c), Some(Answer::Back));
        let quitting = Prompt::leave_text("the notes", true);
        assert_eq!(quitting.answer_for(&ctrl_c), Some(Answer::Discard));
        assert_eq!(
            Prompt::take_over("x").answer_for(&key(KeyCode::Esc)),
            Some(Answer::No)
        );
        assert_eq!(
            Prompt::take_over("x").answer_for(&key(KeyCode::Char('y'))),
            Some(Answer::Yes)
        );
        let notice = Prompt::notice(Ask::TakeOver, "t", String::from("m"));
        assert_eq!(
            notice.answer_for(&key(KeyCode::Char('o'))),
            Some(Answer::Back)
        );
        assert_eq!(notice.answer_for(&key(KeyCode::Char('y'))), None);
    }
}
