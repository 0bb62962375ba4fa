//! Typed answer values, how they are read from text (the `--set id=value` what-if flag and
//! the plain front end) and checked against the question they answer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{AnswerKind, Question};

/// A reference to a document that shows something was done: the answer to an evidence
/// question, or the evidence of a finding's mitigation. Stored in the assessment file
/// under these key names (the optional ones only when present); one of three forms: a
/// title alone, a link, or a local file with its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// What the document is called, e.g. "System Level Security Policy v2". For a link
    /// typed alone it is the link itself; for `file: PATH`, the file's name.
    pub title: String,
    /// The document's address, when the answer was one (it started with `https://`,
    /// `http://` or `file://`, in any case). Shown to readers; secassess never opens it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A local file; its hash and size are recorded when it is attached so a later change
    /// to the file can be detected. As typed after `file:` until the shell fingerprints
    /// it (`session::fingerprint_local_evidence`), which records the absolute path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// SHA-256 of the local file's bytes when it was attached, 64 lowercase hex digits;
    /// `None` for a title or a link, and for a file not fingerprinted yet. Review,
    /// sign-off and the pack compare it with the file as found now
    /// (`assessment::evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Size of the local file in bytes when it was attached; set with `sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// One answer's value, typed against its question (the file stores strings; they are
/// typed late, against the questionnaire loaded now). [`check_answer`] says whether a
/// value fits its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// "Don't know yet": keeps what depends on it unknown. Any kind of question takes it.
    DontKnow,
    /// A yes-no answer: `true` is yes.
    YesNo(bool),
    /// A single-choice answer: the chosen option's [`value`](super::model::Choice::value).
    Choice(String),
    /// A multiple-choice answer: the chosen option values, in the order given, each once
    /// when read by [`parse_answer`]. Empty means "none of these", which a question with
    /// an `exclusive` option refuses.
    Choices(Vec<String>),
    /// A free-text answer, exactly as given (not trimmed; may have several lines).
    Text(String),
    /// A date answer: a calendar date, no time and no time zone.
    Date(NaiveDate),
    /// An evidence answer: the document referred to.
    Evidence(EvidenceRef),
}

/// Answer values by question id.
pub type Answers = BTreeMap<String, AnswerValue>;

/// The words accepted for "don't know yet" when reading an answer from text (after
/// trimming, ignoring ASCII case), for every kind of question.
pub const DONT_KNOW_WORDS: &[&str] = &["dont-know", "don't-know", "dont_know", "unknown", "?"];

/// Why a value is not an answer to its question, from [`parse_answer`] and
/// [`check_answer`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The value does not fit the question's kind or options: a word that is not yes or
    /// no, an option that is not one of the question's, a date not written
    /// `YYYY-MM-DD`, an empty evidence answer or `file:` with no path, an exclusive option
    /// ("nobody") combined with others or nothing chosen where the question has one, or
    /// a value of another kind. The message ends with what to give instead; the user
    /// answers again in that form.
    #[error("'{value}' is not a valid answer to '{question}': {expected}")]
    Invalid {
        /// The question's id.
        question: String,
        /// The value as given, shortened for the message (`text::shorten`: one line, at
        /// most 80 characters, controls replaced).
        value: String,
        /// What a valid answer looks like, e.g. "choose one of official,
        /// official-sensitive (or dont-know)" or "write the date as YYYY-MM-DD".
        expected: String,
    },
}

/// The value is shortened for the message (`text::shorten`): it may be a whole file's
/// worth of text.
fn invalid(question: &Question, value: &str, expected: impl Into<String>) -> AnswerError {
    AnswerError::Invalid {
        question: question.id.clone(),
        value: crate::text::shorten(value),
        expected: expected.into(),
    }
}

fn option_list(question: &Question) -> String {
    let values: Vec<&str> = question.options.iter().map(|o| o.value.as_str()).collect();
    values.join(", ")
}

/// Finds an option by value or label, ignoring case, so both `official-sensitive` and
/// `OFFICIAL-SENSITIVE` work.
fn find_option(question: &Question, text: &str) -> Option<String> {
    question
        .options
        .iter()
        .find(|o| o.value.eq_ignore_ascii_case(text) || o.label.eq_ignore_ascii_case(text))
        .map(|o| o.value.clone())
}

/// Reads an answer typed as text (`--set ID=VALUE`, `secassess answer`, the plain front
/// end) for `question`. The text is trimmed, except for a free-text answer, which is
/// kept as given. Any of [`DONT_KNOW_WORDS`] gives [`AnswerValue::DontKnow`]. Otherwise,
/// by kind: yes-no takes `yes`, `y`, `true`, `no`, `n`, `false` (any case); a choice
/// takes an option's value or label, ignoring ASCII case, and multiple choices are
/// comma-separated (repeats dropped, empty parts ignored); a date is `YYYY-MM-DD`; an
/// evidence answer is `file: PATH` for a local file (path recorded, not read here), a
/// link when it starts with `https://`, `http://` or `file://`, and a document title
/// otherwise.
///
/// Fails with [`AnswerError::Invalid`] when the text fits none of these (see its
/// cases); the message says what the question takes.
pub fn parse_answer(question: &Question, text: &str) -> Result<AnswerValue, AnswerError> {
    let trimmed = text.trim();
    if DONT_KNOW_WORDS
        .iter()
        .any(|w| w.eq_ignore_ascii_case(trimmed))
    {
        return Ok(AnswerValue::DontKnow);
    }
    match question.kind {
        AnswerKind::YesNo => match trimmed.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Ok(AnswerValue::YesNo(true)),
            "no" | "n" | "false" => Ok(AnswerValue::YesNo(false)),
            _ => Err(invalid(question, trimmed, "answer yes, no or dont-know")),
        },
        AnswerKind::Single => find_option(question, trimmed)
            .map(AnswerValue::Choice)
            .ok_or_else(|| {
                invalid(
                    question,
                    trimmed,
                    format!("choose one of {} (or dont-know)", option_list(question)),
                )
            }),
        AnswerKind::Multiple => {
            let mut chosen = Vec::new();
            for part in trimmed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let value = find_option(question, part).ok_or_else(|| {
                    invalid(
                        question,
                        part,
                        format!(
                            "choose any of {}, separated by commas (or dont-know)",
                            option_list(question)
                        ),
                    )
                })?;
                if !chosen.contains(&value) {
                    chosen.push(value);
                }
            }
            let value = AnswerValue::Choices(chosen);
            exclusive_problem(question, &value).map_or(Ok(value), |problem| {
                Err(invalid(question, trimmed, problem))
            })
        }
        AnswerKind::Text => Ok(AnswerValue::Text(text.to_string())),
        AnswerKind::Date => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map(AnswerValue::Date)
            .map_err(|_| invalid(question, trimmed, "write the date as YYYY-MM-DD")),
        AnswerKind::Evidence => {
            if trimmed.is_empty() {
                return Err(invalid(
                    question,
                    trimmed,
                    "give a document title, a link, or dont-know",
                ));
            }
            let lower = trimmed.to_ascii_lowercase();
            // "file: PATH" names a local document; whoever records the answer (a session)
            // fingerprints it, because reading files is not this module's business.
            if let Some(path) = lower
                .starts_with("file:")
                .then(|| trimmed["file:".len()..].trim())
                .filter(|p| !p.starts_with("//"))
            {
                if path.is_empty() {
                    return Err(invalid(
                        question,
                        trimmed,
                        "give the file's path after file:, e.g. file: docs/slsp.pdf",
                    ));
                }
                let title = std::path::Path::new(path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.to_string());
                return Ok(AnswerValue::Evidence(EvidenceRef {
                    title,
                    path: Some(path.to_string()),
                    ..EvidenceRef::default()
                }));
            }
            let is_link = ["https://", "http://", "file://"]
                .iter()
                .any(|p| lower.starts_with(p));
            Ok(AnswerValue::Evidence(EvidenceRef {
                title: trimmed.to_string(),
                link: is_link.then(|| trimmed.to_string()),
                ..EvidenceRef::default()
            }))
        }
    }
}

/// Why a multiple-choice answer breaks its question's `exclusive` option ("nobody"),
/// which is chosen alone or not at all. Where a question has one, choosing nothing is
/// refused too: "nobody signs in" switches off every login obligation, so it must be
/// said on purpose, never left as an empty answer by a stray Enter or `--set ID=`.
fn exclusive_problem(question: &Question, value: &AnswerValue) -> Option<String> {
    let AnswerValue::Choices(chosen) = value else {
        return None;
    };
    let only = question.options.iter().find(|o| o.exclusive)?;
    if chosen.is_empty() {
        return Some(format!(
            "choose at least one; if none of them applies, choose '{}' ({})",
            only.value, only.label
        ));
    }
    (chosen.len() > 1 && chosen.contains(&only.value)).then(|| {
        format!(
            "'{}' ({}) cannot be combined with other answers",
            only.value, only.label
        )
    })
}

/// Checks that a value fits its question: the value's variant matches the question's
/// kind, every chosen option is one of the question's, and a multiple-choice answer
/// respects its `exclusive` option. "Don't know yet" fits every question. Every answer
/// is checked here before it is recorded (`assessment::changes`), whichever front end
/// gave it, and when the file's stored strings are typed against the questionnaire.
///
/// Fails with [`AnswerError::Invalid`], naming the value as the user reads it
/// ([`display_answer`]) and what was expected.
pub fn check_answer(question: &Question, value: &AnswerValue) -> Result<(), AnswerError> {
    let fits = match (question.kind, value) {
        (_, AnswerValue::DontKnow) => true,
        (AnswerKind::YesNo, AnswerValue::YesNo(_)) => true,
        (AnswerKind::Single, AnswerValue::Choice(c)) => question.option(c).is_some(),
        (AnswerKind::Multiple, AnswerValue::Choices(cs)) => {
            if let Some(problem) = exclusive_problem(question, value) {
                return Err(invalid(question, &display_answer(question, value), problem));
            }
            cs.iter().all(|c| question.option(c).is_some())
        }
        (AnswerKind::Text, AnswerValue::Text(_)) => true,
        (AnswerKind::Date, AnswerValue::Date(_)) => true,
        (AnswerKind::Evidence, AnswerValue::Evidence(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(invalid(
            question,
            &display_answer(question, value),
            format!("expected a {} answer", question.kind.name()),
        ))
    }
}

/// The answer as a user reads it: "Yes"/"No", option labels rather than values (a value
/// that is not an option is shown as it is), "None of these" for an empty
/// multiple-choice answer, dates as `YYYY-MM-DD`, "Don't know yet", and evidence as its
/// title with the link in angle brackets or the path in brackets when they differ from
/// it. Not sanitised: callers sanitise at their exit (`text`).
pub fn display_answer(question: &Question, value: &AnswerValue) -> String {
    let label = |v: &str| {
        question
            .option(v)
            .map(|(_, c)| c.label.clone())
            .unwrap_or_else(|| v.to_string())
    };
    match value {
        AnswerValue::DontKnow => String::from("Don't know yet"),
        AnswerValue::YesNo(true) => String::from("Yes"),
        AnswerValue::YesNo(false) => String::from("No"),
        AnswerValue::Choice(c) => label(c),
        AnswerValue::Choices(cs) if cs.is_empty() => String::from("None of these"),
        AnswerValue::Choices(cs) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join(", "),
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        AnswerValue::Evidence(e) => match (&e.link, &e.path) {
            (Some(link), _) if *link != e.title => format!("{} <{link}>", e.title),
            (_, Some(path)) if *path != e.title => format!("{} ({path})", e.title),
            _ => e.title.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::model::Choice;

    fn question(kind: AnswerKind) -> Question {
        Question {
            id: "q".into(),
            questionnaire: "t".into(),
            section: "s".into(),
            kind,
            prompt: "p".into(),
            help: "h".into(),
            who_can_answer: "w".into(),
            short: Some("q".into()),
            when_yes: None,
            when_no: None,
            ordered: false,
            options: ["official", "official-sensitive"]
                .iter()
                .map(|v| Choice {
                    value: v.to_string(),
                    label: v.to_uppercase(),
                    help: None,
                    when_chosen: None,
                    when_not_chosen: None,
                    exclusive: false,
                })
                .collect(),
            ask_if: None,
            sources: Vec::new(),
        }
    }

    #[test]
    fn reads_each_kind() {
        assert_eq!(
            parse_answer(&question(AnswerKind::YesNo), "Yes"),
            Ok(AnswerValue::YesNo(true))
        );
        assert_eq!(
            parse_answer(&question(AnswerKind::Single), "OFFICIAL-SENSITIVE"),
            Ok(AnswerValue::Choice("official-sensitive".into()))
        );
        assert_eq!(
            parse_answer(
                &question(AnswerKind::Multiple),
                "official, official-sensitive,official"
            ),
            Ok(AnswerValue::Choices(vec![
                "official".into(),
                "official-sensitive".into()
            ]))
        );
        assert_eq!(
            parse_answer(&question(AnswerKind::Date), "2026-02-03"),
            Ok(AnswerValue::Date(
                NaiveDate::from_ymd_opt(2026, 2, 3).unwrap()
            ))
        );
        assert_eq!(
            parse_answer(&question(AnswerKind::Single), "dont-know"),
            Ok(AnswerValue::DontKnow)
        );
        let AnswerValue::Evidence(e) =
            parse_answer(&question(AnswerKind::Evidence), "https://x/report").unwrap()
        else {
            panic!("not evidence")
        };
        assert_eq!(e.link.as_deref(), Some("https://x/report"));
    }

    #[test]
    fn invalid_values_say_what_is_expected() {
        let err = parse_answer(&question(AnswerKind::Single), "secret").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'secret' is not a valid answer to 'q': choose one of official, official-sensitive (or dont-know)"
        );
        assert!(parse_answer(&question(AnswerKind::YesNo), "maybe").is_err());
        assert!(parse_answer(&question(AnswerKind::Date), "3/2/2026").is_err());
    }

    #[test]
    fn check_rejects_mismatched_kinds() {
        assert!(
            check_answer(&question(AnswerKind::YesNo), &AnswerValue::Text("x".into())).is_err()
        );
        assert!(check_answer(
            &question(AnswerKind::Single),
            &AnswerValue::Choice("secret".into())
        )
        .is_err());
        assert!(check_answer(&question(AnswerKind::Single), &AnswerValue::DontKnow).is_ok());
    }

    #[test]
    fn an_exclusive_option_is_chosen_alone() {
        let mut q = question(AnswerKind::Multiple);
        q.options[0].exclusive = true;
        assert_eq!(
            parse_answer(&q, "official"),
            Ok(AnswerValue::Choices(vec!["official".into()]))
        );
        let err = parse_answer(&q, "official, official-sensitive").unwrap_err();
        assert!(err.to_string().contains("cannot be combined"), "{err}");
        assert!(check_answer(
            &q,
            &AnswerValue::Choices(vec!["official".into(), "official-sensitive".into()])
        )
        .is_err());
        // Nothing chosen is refused: "nobody" must be chosen on purpose.
        let err = check_answer(&q, &AnswerValue::Choices(Vec::new())).unwrap_err();
        assert!(err.to_string().contains("choose 'official'"), "{err}");
        assert!(parse_answer(&q, "").is_err());
        assert!(parse_answer(&q, " , ").is_err());
        // Without an exclusive option, "none of these" stays a valid answer.
        let plain = question(AnswerKind::Multiple);
        assert_eq!(
            parse_answer(&plain, ""),
            Ok(AnswerValue::Choices(Vec::new()))
        );
    }

    #[test]
    fn file_prefix_names_a_local_document_and_a_file_url_stays_a_link() {
        let evidence = question(AnswerKind::Evidence);
        let Ok(AnswerValue::Evidence(local)) = parse_answer(&evidence, "file: docs/SLSP v2.pdf")
        else {
            panic!("a local document");
        };
        assert_eq!(local.path.as_deref(), Some("docs/SLSP v2.pdf"));
        assert_eq!(local.title, "SLSP v2.pdf");
        assert_eq!(local.link, None);
        let Ok(AnswerValue::Evidence(url)) = parse_answer(&evidence, "file:///srv/slsp.pdf") else {
            panic!("a link");
        };
        assert_eq!(url.link.as_deref(), Some("file:///srv/slsp.pdf"));
        assert_eq!(url.path, None);
        assert!(parse_answer(&evidence, "file:").is_err());
    }
}
