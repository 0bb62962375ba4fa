//! Text typed by the user, checked before it goes into the record: no control
//! characters (escape sequences, bidirectional overrides; line breaks only where a text
//! may have several lines), and no longer than a field takes.

use super::error::SessionError;
use crate::assessment::record::System;
use crate::questionnaire::answer::AnswerValue;
use crate::text::is_unsafe_control;

/// Longest system name accepted: it is a title, not a description.
pub const MAX_SYSTEM_NAME_CHARS: usize = 200;
/// Longest system description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// Refuses control characters (escape sequences, carriage returns, bidirectional
/// overrides) in the free text of an answer, as every other input does: a text answer
/// may have several lines; an evidence title, link or path is one line.
pub fn check_answer_text(value: &AnswerValue) -> Result<(), SessionError> {
    match value {
        AnswerValue::Text(text) => check_text("the answer", text, MAX_DESCRIPTION_CHARS, true),
        AnswerValue::Evidence(evidence) => {
            check_text(
                "the evidence title",
                &evidence.title,
                MAX_DESCRIPTION_CHARS,
                false,
            )?;
            if let Some(link) = &evidence.link {
                check_text("the evidence link", link, MAX_DESCRIPTION_CHARS, false)?;
            }
            if let Some(path) = &evidence.path {
                check_text("the evidence path", path, MAX_DESCRIPTION_CHARS, false)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks a piece of text typed by the user before it goes into the record.
pub fn check_text(
    what: &'static str,
    text: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<(), SessionError> {
    let bad = |c: char| is_unsafe_control(c) || (!multiline && (c == '\n' || c == '\t'));
    if text.chars().any(bad) {
        return Err(SessionError::InvalidText {
            what,
            problem: format!("there are control characters in {what}; use plain text"),
        });
    }
    if text.chars().count() > max_chars {
        return Err(SessionError::InvalidText {
            what,
            problem: format!(
                "there are more than {max_chars} characters in {what}; shorten the text"
            ),
        });
    }
    Ok(())
}

/// A system's name and description as typed, trimmed and checked: a name of one line up
/// to [`MAX_SYSTEM_NAME_CHARS`], a description up to [`MAX_DESCRIPTION_CHARS`], no
/// control characters.
pub fn checked_system(name: &str, description: &str) -> Result<System, SessionError> {
    let name = name.trim();
    let description = description.trim();
    check_text("the system name", name, MAX_SYSTEM_NAME_CHARS, false)?;
    if name.is_empty() {
        return Err(SessionError::InvalidText {
            what: "the system name",
            problem: String::from(
                "the system name is empty; give the system or service a name, e.g. Patient portal",
            ),
        });
    }
    check_text("the description", description, MAX_DESCRIPTION_CHARS, true)?;
    Ok(System {
        name: name.to_string(),
        description: description.to_string(),
    })
}
