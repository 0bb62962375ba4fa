//! Reading what the user typed in plain mode: one line at a time, bounded, and turned
//! into a reply (an answer, or one of the words that move around). Pure apart from
//! reading lines, so every way of answering is unit-tested.

use std::io::{self, BufRead};

use crate::questionnaire::answer::{parse_answer, AnswerValue};
use crate::questionnaire::model::{AnswerKind, Question};

/// Longest line read; a longer one is refused (and skipped) rather than kept in memory.
pub const MAX_LINE_BYTES: usize = 100_000;

/// The line that starts a multi-line text, and the line that ends it.
pub const MULTILINE_START: &str = "<<<";
pub const MULTILINE_END: &str = ">>>";

/// The words understood at every question, in the order they are listed.
pub const WORDS: &[&str] = &["dont-know", "skip", "later", "why", "notes", "help", "quit"];

/// One line read from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The line without its line ending.
    Text(String),
    /// Longer than [`MAX_LINE_BYTES`]; it was read and dropped.
    TooLong,
    /// The input has ended.
    End,
}

/// Reads one line. Bytes that are not UTF-8 become U+FFFD rather than an error, so a
/// stray byte costs one answer, not the session.
pub fn read_line(input: &mut dyn BufRead) -> io::Result<Line> {
    let mut bytes = Vec::new();
    let limit = MAX_LINE_BYTES as u64 + 1;
    let read = io::Read::take(&mut *input, limit).read_until(b'\n', &mut bytes)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if bytes.len() > MAX_LINE_BYTES && !bytes.ends_with(b"\n") {
        // Drop the rest of the over-long line.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let n = io::Read::take(&mut *input, limit).read_until(b'\n', &mut rest)?;
            if n == 0 || rest.ends_with(b"\n") {
                break;
            }
        }
        return Ok(Line::TooLong);
    }
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(Line::Text(String::from_utf8_lossy(&bytes).into_owned()))
}

/// What a line typed at a question asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Answer(AnswerValue),
    /// Leave it unanswered and move on.
    Skip,
    /// Mark it "answer later" and move on.
    Later,
    /// Show where the question comes from.
    Why,
    /// Write notes on the question.
    Notes,
    Help,
    Quit,
    /// `<<<`: the answer follows on several lines, up to a line `>>>`.
    StartMultiLine,
}

/// Reads a reply to `question`: one of [`WORDS`], an option number (several,
/// comma-separated, for a multiple choice), or the answer itself as
/// [`parse_answer`] reads it. The error says what to type instead.
pub fn parse_reply(question: &Question, line: &str) -> Result<Reply, String> {
    let trimmed = line.trim();
    let word = trimmed.to_ascii_lowercase();
    match word.as_str() {
        "skip" => return Ok(Reply::Skip),
        "later" => return Ok(Reply::Later),
        "why" => return Ok(Reply::Why),
        "notes" | "note" => return Ok(Reply::Notes),
        "help" => return Ok(Reply::Help),
        "quit" | "exit" => return Ok(Reply::Quit),
        "dont know" | "don't know" | "do not know" => {
            return Ok(Reply::Answer(AnswerValue::DontKnow))
        }
        MULTILINE_START if question.kind == AnswerKind::Text => return Ok(Reply::StartMultiLine),
        "" => {
            return Err(String::from(
                "nothing was typed; type an answer, or skip to leave it for now",
            ))
        }
        _ => {}
    }
    let text = match question.kind {
        AnswerKind::YesNo => match number(trimmed) {
            Some(1) => String::from("yes"),
            Some(2) => String::from("no"),
            Some(n) => return Err(no_such_option(n, 2)),
            None => trimmed.to_string(),
        },
        AnswerKind::Single => match number(trimmed) {
            Some(n) => option_value(question, n)?,
            None => trimmed.to_string(),
        },
        // "none" is an empty answer, unless the question has its own option "none".
        AnswerKind::Multiple if word == "none" && question.option("none").is_none() => {
            return Ok(Reply::Answer(AnswerValue::Choices(Vec::new())))
        }
        AnswerKind::Multiple => {
            let mut parts = Vec::new();
            for part in trimmed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                parts.push(match number(part) {
                    Some(n) => option_value(question, n)?,
                    None => part.to_string(),
                });
            }
            parts.join(",")
        }
        AnswerKind::Text => {
            crate::session::check_text("the answer", line, MAX_LINE_BYTES, false)
                .map_err(|e| e.to_string())?;
            line.trim().to_string()
        }
        AnswerKind::Date | AnswerKind::Evidence => {
            crate::session::check_text("the answer", trimmed, MAX_LINE_BYTES, false)
                .map_err(|e| e.to_string())?;
            trimmed.to_string()
        }
    };
    parse_answer(question, &text)
        .map(Reply::Answer)
        .map_err(|e| e.to_string())
}

fn number(text: &str) -> Option<usize> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn no_such_option(n: usize, count: usize) -> String {
    format!("there is no option {n}; type a number from 1 to {count}, or the answer itself")
}

fn option_value(question: &Question, n: usize) -> Result<String, String> {
    n.checked_sub(1)
        .and_then(|i| question.options.get(i))
        .map(|o| o.value.clone())
        .ok_or_else(|| no_such_option(n, question.options.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::model::Catalogue;

    fn catalogue() -> Catalogue {
        crate::questionnaire::load_embedded().expect("content loads")
    }

    fn reply(catalogue: &Catalogue, id: &str, line: &str) -> Result<Reply, String> {
        parse_reply(catalogue.question(id).expect("question exists"), line)
    }

    #[test]
    fn numbers_values_and_labels_all_answer() {
        let c = catalogue();
        let official_sensitive = Ok(Reply::Answer(AnswerValue::Choice(
            "official-sensitive".into(),
        )));
        assert_eq!(reply(&c, "classification", "2"), official_sensitive);
        assert_eq!(
            reply(&c, "classification", " OFFICIAL-SENSITIVE "),
            official_sensitive
        );
        assert_eq!(
            reply(&c, "classification", "official-sensitive"),
            official_sensitive
        );
        assert_eq!(
            reply(&c, "personal_data", "1"),
            Ok(Reply::Answer(AnswerValue::YesNo(true)))
        );
        assert_eq!(
            reply(&c, "personal_data", "No"),
            Ok(Reply::Answer(AnswerValue::YesNo(false)))
        );
        assert_eq!(
            reply(&c, "personal_data", "dont-know"),
            Ok(Reply::Answer(AnswerValue::DontKnow))
        );
        assert_eq!(
            reply(&c, "personal_data", "don't know"),
            Ok(Reply::Answer(AnswerValue::DontKnow))
        );
    }

    #[test]
    fn words_are_understood_in_any_case() {
        let c = catalogue();
        assert_eq!(reply(&c, "classification", "SKIP"), Ok(Reply::Skip));
        assert_eq!(reply(&c, "classification", "later"), Ok(Reply::Later));
        assert_eq!(reply(&c, "classification", "Why"), Ok(Reply::Why));
        assert_eq!(reply(&c, "classification", "notes"), Ok(Reply::Notes));
        assert_eq!(reply(&c, "classification", "quit"), Ok(Reply::Quit));
    }

    #[test]
    fn mistakes_say_what_to_type() {
        let c = catalogue();
        let err = reply(&c, "classification", "7").expect_err("no option 7");
        assert!(err.contains("from 1 to 4"), "{err}");
        let err = reply(&c, "personal_data", "maybe").expect_err("not yes or no");
        assert!(err.contains("yes, no or dont-know"), "{err}");
        assert!(reply(&c, "personal_data", "   ").is_err());
        assert!(reply(&c, "personal_data", "0").is_err());
    }

    #[test]
    fn multiple_choice_takes_a_comma_separated_list() {
        let c = catalogue();
        let Some(q) = c
            .questions_in_order()
            .find(|q| q.kind == AnswerKind::Multiple)
        else {
            return;
        };
        // By number or by value, leaving out an exclusive option ("nobody").
        let open: Vec<usize> = (0..q.options.len())
            .filter(|&i| !q.options[i].exclusive)
            .collect();
        let (first, last) = (open[0], open[open.len() - 1]);
        let typed = format!("{}, {}", first + 1, q.options[last].value);
        assert_eq!(
            parse_reply(q, &typed),
            Ok(Reply::Answer(AnswerValue::Choices(vec![
                q.options[first].value.clone(),
                q.options[last].value.clone()
            ])))
        );
        if let Some(only) = q.options.iter().position(|o| o.exclusive) {
            let err = parse_reply(q, &format!("{}, {}", only + 1, first + 1))
                .expect_err("an exclusive option stands alone");
            assert!(err.contains("cannot be combined"), "{err}");
        }
        // A question with its own "none" option takes the word as that option.
        let none = if q.option("none").is_some() {
            vec![String::from("none")]
        } else {
            Vec::new()
        };
        assert_eq!(
            parse_reply(q, "none"),
            Ok(Reply::Answer(AnswerValue::Choices(none)))
        );
        assert!(parse_reply(q, "1,99").is_err());
    }

    #[test]
    fn lines_are_read_bounded() {
        let mut input = io::Cursor::new(b"one\r\ntwo\nthree".to_vec());
        assert_eq!(read_line(&mut input).ok(), Some(Line::Text("one".into())));
        assert_eq!(read_line(&mut input).ok(), Some(Line::Text("two".into())));
        assert_eq!(read_line(&mut input).ok(), Some(Line::Text("three".into())));
        assert_eq!(read_line(&mut input).ok(), Some(Line::End));
        let mut long = vec![b'x'; MAX_LINE_BYTES * 2 + 5];
        long.extend_from_slice(b"\nnext\n");
        let mut input = io::Cursor::new(long);
        assert_eq!(read_line(&mut input).ok(), Some(Line::TooLong));
        assert_eq!(read_line(&mut input).ok(), Some(Line::Text("next".into())));
    }
}
