//! The plain-mode home: the assessments in the data directory as a numbered list to open
//! one from or start a new one, and, on first use, asking who the user is. Line by line,
//! like the rest of plain mode.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};

use super::input::Line;
use super::{Console, PlainError};
use crate::assessment::identity::check_person;
use crate::assessment::record::Person;
use crate::questionnaire::model::Catalogue;
use crate::session::{create_assessment, summarise, SessionError};
use crate::store::{self, locations};
use crate::text::sanitise_line;

/// What the user chose at home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeChoice {
    Open(PathBuf),
    Quit,
}

/// One assessment in the list.
struct Entry {
    path: PathBuf,
    /// "Ward rota: OFFICIAL, 3 of 41 answered, last changed ...", or why it cannot be read.
    line: Result<(String, DateTime<Utc>), String>,
}

fn entry(path: PathBuf, catalogue: &Catalogue) -> Entry {
    let line = match store::load(&path) {
        Ok(loaded) => {
            let a = &loaded.assessment;
            let summary = summarise(a, catalogue);
            Ok((
                format!(
                    "{}: {}, {} of {} answered, last changed {}",
                    summary.name,
                    sanitise_line(&summary.classification),
                    summary.answered,
                    summary.total,
                    a.updated_at.with_timezone(&Local).format("%Y-%m-%d %H:%M")
                ),
                a.updated_at,
            ))
        }
        Err(e) => Err(format!(
            "{} cannot be read: {}",
            sanitise_line(&path.file_name().unwrap_or_default().to_string_lossy()),
            sanitise_line(&e.to_string())
        )),
    };
    Entry { path, line }
}

/// Lists the assessments in `data_dir` and asks which to open, or to start a new one
/// (asking its name and description), or to quit. The end of input is a quit.
pub fn home(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    data_dir: &Path,
    catalogue: &Catalogue,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<HomeChoice, PlainError> {
    let mut console = Console::new(input, output);
    let shown_dir = sanitise_line(&data_dir.display().to_string());
    loop {
        let mut entries: Vec<Entry> = locations::list_assessments(data_dir)
            .map_err(SessionError::from)?
            .into_iter()
            .map(|p| entry(p, catalogue))
            .collect();
        // Most recently changed first; unreadable ones last.
        entries.sort_by(|a, b| match (&a.line, &b.line) {
            (Ok((_, x)), Ok((_, y))) => y.cmp(x),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => a.path.cmp(&b.path),
        });
        if entries.is_empty() {
            console.say(&format!("\nNo assessments in {shown_dir} yet."))?;
            console.say("Type n to start one, or q to quit.")?;
        } else {
            console.say(&format!("\nAssessments in {shown_dir}:"))?;
            for (i, e) in entries.iter().enumerate() {
                match &e.line {
                    Ok((line, _)) => console.say(&format!("  {}) {line}", i + 1))?,
                    Err(why) => console.say(&format!("  {}) {why}", i + 1))?,
                }
            }
            console.say("Type a number to open it, n to start a new assessment, or q to quit.")?;
        }
        let line = match console.ask("")? {
            Line::Text(t) => t.trim().to_ascii_lowercase(),
            Line::TooLong => continue,
            Line::End => return Ok(HomeChoice::Quit),
        };
        match line.as_str() {
            "q" | "quit" | "exit" => return Ok(HomeChoice::Quit),
            "n" | "new" => {
                if let Some(path) = new_assessment(&mut console, data_dir, catalogue, who, now)? {
                    return Ok(HomeChoice::Open(path));
                }
            }
            other => match other.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
                Some(i) if i < entries.len() => match &entries[i].line {
                    Ok(_) => return Ok(HomeChoice::Open(entries[i].path.clone())),
                    Err(why) => console.say(&format!("Cannot open it: {why}"))?,
                },
                _ => console.say(&format!(
                    "Not understood: type a number from the list, n or q.{}",
                    if entries.is_empty() {
                        " The list is empty."
                    } else {
                        ""
                    }
                ))?,
            },
        }
    }
}

/// Asks for a new assessment's name and description and creates it; `None` if the user
/// gave up or the input ended.
fn new_assessment(
    console: &mut Console<'_>,
    data_dir: &Path,
    catalogue: &Catalogue,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>, PlainError> {
    let Line::Text(name) = console.ask("Name of the system or service (e.g. Patient portal):")?
    else {
        return Ok(None);
    };
    if name.trim().is_empty() {
        console.say("No name given; nothing was created.")?;
        return Ok(None);
    }
    let Line::Text(description) = console
        .ask("What it does and for whom, in a sentence or two (one line; Enter for none):")?
    else {
        return Ok(None);
    };
    match create_assessment(data_dir, &name, &description, catalogue, who, now) {
        Ok(path) => {
            console.say(&format!(
                "Created {}.",
                sanitise_line(&path.display().to_string())
            ))?;
            Ok(Some(path))
        }
        Err(
            e @ (SessionError::InvalidText { .. }
            | SessionError::Store(store::StoreError::AlreadyExists { .. })),
        ) => {
            console.say(&format!("Not created: {}", sanitise_line(&e.to_string())))?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Asks who the user is (name, role, email), for the first run without a saved
/// identity. `saved_in` is where it will be kept, to tell the user. `None` when the input
/// ends or three tries give nothing usable.
pub fn ask_identity(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    saved_in: &Path,
) -> Result<Option<Person>, PlainError> {
    let mut console = Console::new(input, output);
    console.say(&format!(
        "secassess records who gives each answer. Tell it who you are once; it is kept in {}.",
        sanitise_line(&saved_in.display().to_string())
    ))?;
    for _ in 0..3 {
        let mut fields = Vec::new();
        for prompt in [
            "Your name:",
            "Your role (e.g. Project lead):",
            "Your work email:",
        ] {
            match console.ask(prompt)? {
                Line::Text(t) => fields.push(t.trim().to_string()),
                Line::TooLong => fields.push(String::new()),
                Line::End => return Ok(None),
            }
        }
        let mut fields = fields.into_iter();
        let mut next = || fields.next().unwrap_or_default();
        let person = Person {
            name: next(),
            role: next(),
            email: next(),
        };
        match check_person(&person, "your answer") {
            Ok(()) => return Ok(Some(person)),
            Err(e) => console.say(&format!(
                "{}; please try again.",
                sanitise_line(&e.to_string())
            ))?,
        }
    }
    Ok(None)
}
