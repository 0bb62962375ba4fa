//! Review mode, line by line: the reviewer walks the answered questions section by
//! section (all, or only unreviewed, queried or MUST-related ones), sees the answer,
//! notes, evidence, who answered and when and the query thread, and accepts, queries,
//! resolves or skips each; at the end signs off when nothing blocks, or is told exactly
//! what does. The project lead's side ([`reply`]) walks the open queries and replies to
//! them or changes the answer.
//!
//! Every rule is in [`crate::assessment::review`]; this is only the conversation. Each
//! decision is saved through the session (atomically, under the file's lock) as soon as
//! it is made. Text from the file is sanitised before it is written out.

use std::io::{BufRead, Write};

use chrono::{DateTime, Local, NaiveDate, Utc};

use super::input::{parse_reply, Line, Reply, MULTILINE_START};
use super::passphrase::{self, Entry, Unlocked};
use super::{options_text, section_title, Console, Outcome, PlainError};
use crate::assessment::review::{self, Decision, Filter, Item, ReviewError};
use crate::assessment::sign_off::{self, SignOffState};
use crate::assessment::verify;
use crate::questionnaire::answer::AnswerValue;
use crate::session::{Session, SessionError};
use crate::store::signing_key::Signer;
use crate::text::{sanitise, sanitise_line};
use crate::walkthrough;

/// How a review runs.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    pub filter: Filter,
    /// Today's date, for overdue dates on findings.
    pub today: NaiveDate,
    /// What the sign-off is signed with (or why it is unsigned).
    pub signer: Signer,
    /// Where an encrypted key's passphrase is read from.
    pub passphrase: Entry,
}

fn time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M %:z")
        .to_string()
}

fn is(word: &str, choices: &[&str]) -> bool {
    let word = word.trim().to_ascii_lowercase();
    choices.iter().any(|c| *c == word)
}

/// Shows who this is, whether the file can be changed, and anything wrong with it.
/// Returns false when it is read-only (and says why).
fn introduce(
    console: &mut Console<'_>,
    session: &Session,
    acting: &str,
    today: NaiveDate,
) -> Result<bool, PlainError> {
    let a = session.assessment();
    console.say(&format!(
        "Assessment: {} ({})",
        sanitise_line(&a.system.name),
        sanitise_line(&session.path().display().to_string())
    ))?;
    let who = session.who();
    let role = if who.role.is_empty() {
        String::new()
    } else {
        format!(", {}", who.role)
    };
    console.say(&format!(
        "{acting} as {}{}.",
        sanitise_line(&who.signature()),
        sanitise_line(&role)
    ))?;
    let report = verify::verify(a, &session.judged(today));
    if !report.problems.is_empty() {
        console.say(&format!(
            "Warning: {} thing(s) in this file do not match its audit trail (details: secassess verify FILE):",
            report.problems.len()
        ))?;
        for p in report.problems.iter().take(10) {
            console.say(&format!("  - {}", sanitise_line(&p.message)))?;
        }
    }
    if let Some((by, _, at)) = report.sign_off.signer() {
        let standing = match &report.sign_off {
            SignOffState::Intact { .. } => String::from(" Nothing has changed since."),
            SignOffState::ChangedSince { .. } => format!(
                " {} (secassess diff FILE --since-sign-off lists the recorded changes).",
                report.sign_off.words()
            ),
            _ => format!(" {}.", report.sign_off.words()),
        };
        console.say(&format!(
            "Signed off by {} on {}.{}",
            sanitise_line(by),
            time(at),
            sanitise_line(&standing)
        ))?;
    }
    if let Some(reason) = session.read_only_reason() {
        console.say(&format!(
            "Read-only: {}. Nothing can be changed here.",
            sanitise_line(&reason)
        ))?;
        return Ok(false);
    }
    Ok(true)
}

/// Shows one answer with everything a reviewer needs to judge it.
fn show_item(
    console: &mut Console<'_>,
    session: &Session,
    item: &Item,
    number: usize,
    total: usize,
) -> Result<(), PlainError> {
    let catalogue = session.catalogue();
    let a = session.assessment();
    let status = review::status(a, &item.question, session.evidence());
    console.say(&format!(
        "\nAnswer {number} of {total} [{}]: {}",
        status.label(),
        sanitise_line(&item.question)
    ))?;
    if let Some(q) = catalogue.question(&item.question) {
        console.say(&sanitise(&q.prompt))?;
    }
    if let Some(value) = walkthrough::short_answer(catalogue, a, &item.question) {
        console.say(&format!("Answer: {}", sanitise_line(&value)))?;
    }
    if let Some(record) = a.answers.get(&item.question) {
        if !record.notes.is_empty() {
            console.say(&format!("Notes: {}", sanitise(&record.notes)))?;
        }
        if let Some(e) = &record.evidence {
            let mut parts = vec![e.title.clone()];
            parts.extend(e.link.clone());
            parts.extend(e.path.clone());
            console.say(&format!("Evidence: {}", sanitise_line(&parts.join(", "))))?;
            if let Some(drift) = session.evidence().drift(e) {
                console.say(&format!(
                    "The evidence file {} since it was attached: it cannot be accepted until the project lead attaches it again.",
                    drift.verb().to_uppercase()
                ))?;
            }
        }
        console.say(&format!(
            "Answered by {} on {}.",
            sanitise_line(&record.answered_by),
            time(record.answered_at)
        ))?;
    }
    show_thread(console, session, &item.question)
}

fn show_thread(
    console: &mut Console<'_>,
    session: &Session,
    question: &str,
) -> Result<(), PlainError> {
    let Some(r) = session.assessment().reviews.get(question) else {
        return Ok(());
    };
    if r.thread.is_empty() {
        return Ok(());
    }
    console.say("Thread:")?;
    for c in &r.thread {
        console.say(&format!(
            "  {} on {}: {}",
            sanitise_line(&c.author),
            time(c.at),
            sanitise(&c.text)
        ))?;
    }
    Ok(())
}

/// Reads a comment on one line, or several between `<<<` and `>>>`. `None` when the
/// input ended.
fn read_text(console: &mut Console<'_>, prompt: &str) -> Result<Option<String>, PlainError> {
    loop {
        match console.ask(prompt)? {
            Line::Text(t) if t.trim() == MULTILINE_START => return Ok(console.read_block()?),
            Line::Text(t) => return Ok(Some(t)),
            Line::TooLong => console.say("That line was too long; type it again, shorter.")?,
            Line::End => return Ok(None),
        }
    }
}

/// Applies a change to the record and saves it; a refusal is said and changes nothing.
fn change(
    console: &mut Console<'_>,
    session: &mut Session,
    done: &str,
    apply: impl FnOnce(&mut crate::assessment::Assessment) -> Result<(), ReviewError>,
) -> Result<bool, PlainError> {
    let mut copy = session.assessment().clone();
    match apply(&mut copy) {
        Ok(()) => {
            if copy != *session.assessment() {
                *session.assessment_mut()? = copy;
                session.save()?;
            }
            console.say(done)?;
            Ok(true)
        }
        Err(e) => {
            console.say(&format!("Not done: {}.", sanitise_line(&e.to_string())))?;
            Ok(false)
        }
    }
}

enum Step {
    Next,
    Quit,
    End,
}

fn review_one(
    console: &mut Console<'_>,
    session: &mut Session,
    item: &Item,
) -> Result<Step, PlainError> {
    let id = item.question.clone();
    let evidence = session.evidence().clone();
    loop {
        let who = session.who().clone();
        let line =
            match console.ask("a accept, q query, r resolve, n not reviewed, s skip, quit >")? {
                Line::Text(t) => t,
                Line::TooLong => {
                    console.say("That line was too long; type a, q, r, n, s or quit.")?;
                    continue;
                }
                Line::End => return Ok(Step::End),
            };
        if is(&line, &["a", "accept"]) {
            change(console, session, "Accepted.", |a| {
                review::decide(a, &id, Decision::Accept, &who, Utc::now(), &evidence)
            })?;
            return Ok(Step::Next);
        } else if is(&line, &["q", "query"]) {
            console.say(&format!(
                "What does the project lead need to answer or change? One line, or {MULTILINE_START} for several."
            ))?;
            let Some(text) = read_text(console, "Query:")? else {
                return Ok(Step::End);
            };
            if change(console, session, "Query saved.", |a| {
                review::decide(a, &id, Decision::Query(&text), &who, Utc::now(), &evidence)
            })? {
                return Ok(Step::Next);
            }
        } else if is(&line, &["r", "resolve"]) {
            change(
                console,
                session,
                "Query resolved. Type a to accept the answer, or s to move on.",
                |a| review::resolve(a, &id, &who, Utc::now()),
            )?;
        } else if is(&line, &["n", "not-reviewed", "not reviewed"]) {
            change(console, session, "Marked not reviewed.", |a| {
                review::decide(a, &id, Decision::NotReviewed, &who, Utc::now(), &evidence)
            })?;
            return Ok(Step::Next);
        } else if is(&line, &["s", "skip", ""]) {
            return Ok(Step::Next);
        } else if is(&line, &["quit", "exit"]) {
            return Ok(Step::Quit);
        } else {
            console.say(
                "Type a to accept the answer, q to query it (you will be asked for the query), \
                 r to resolve its open query, n to mark it not reviewed, s to skip it, or quit.",
            )?;
        }
    }
}

/// The reviewer's walk through the answers, then the sign-off (or what blocks it).
pub fn run(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    session: &mut Session,
    options: ReviewOptions,
) -> Result<Outcome, PlainError> {
    let mut console = Console::new(input, output);
    if !introduce(&mut console, session, "Reviewing", options.today)? {
        progress(&mut console, session)?;
        return Ok(Outcome::ReadOnly);
    }
    progress(&mut console, session)?;
    if let Err(why) = crate::assessment::roles::may_review(session.assessment(), session.who()) {
        console.say(&format!(
            "{}. To answer the reviewer's queries, run secassess review FILE --reply.",
            sanitise_line(&why)
        ))?;
        return Ok(Outcome::Finished);
    }
    let items = review::items(
        session.assessment(),
        session.catalogue(),
        session.evaluation(),
        session.evidence(),
        options.filter,
    );
    if items.is_empty() {
        console.say("No answers to review with this filter.")?;
    } else {
        console.say(
            "For each answer type a (accept), q (query it), r (resolve its query), n (not reviewed), \
             s (skip) or quit. Each decision is saved at once.",
        )?;
    }
    let total = items.len();
    let mut section = None;
    let mut outcome = Outcome::Finished;
    for (index, item) in items.iter().enumerate() {
        let here = (item.questionnaire.clone(), item.section.clone());
        if section.as_ref() != Some(&here) {
            console.say(&format!(
                "\n== {} ==",
                sanitise_line(&section_title(
                    session.catalogue(),
                    &item.questionnaire,
                    &item.section
                ))
            ))?;
            section = Some(here);
        }
        show_item(&mut console, session, item, index + 1, total)?;
        match review_one(&mut console, session, item)? {
            Step::Next => {}
            Step::Quit => {
                outcome = Outcome::Quit;
                break;
            }
            Step::End => {
                console.say("\n(End of input.)")?;
                progress(&mut console, session)?;
                return Ok(Outcome::EndOfInput);
            }
        }
    }
    console.say("")?;
    progress(&mut console, session)?;
    if offer_sign_off(&mut console, session, &options)? {
        return Ok(Outcome::EndOfInput);
    }
    Ok(outcome)
}

fn progress(console: &mut Console<'_>, session: &Session) -> Result<(), PlainError> {
    let p = review::progress(
        session.assessment(),
        session.catalogue(),
        session.evaluation(),
        session.evidence(),
    );
    console.say(&format!("Review: {p}."))?;
    Ok(())
}

/// Signs off when nothing blocks and the reviewer agrees, or lists what blocks. True if
/// the input ended.
fn offer_sign_off(
    console: &mut Console<'_>,
    session: &mut Session,
    options: &ReviewOptions,
) -> Result<bool, PlainError> {
    let today = options.today;
    // The files may have changed while the review went on.
    session.recheck_evidence();
    let readiness = sign_off::readiness(session.assessment(), &session.judged(today));
    if !readiness.ready() {
        console.say(&format!(
            "Not ready for sign-off: {} thing(s) stand in the way:",
            readiness.blockers.len()
        ))?;
        for b in &readiness.blockers {
            console.say(&format!(
                "  - {}: {}",
                sanitise_line(&b.subject),
                sanitise_line(&b.reason)
            ))?;
        }
        return Ok(false);
    }
    let report = verify::verify(session.assessment(), &session.judged(today));
    if report.sign_off.holds() {
        console.say("Signed off, and nothing has changed since.")?;
        return Ok(false);
    }
    console.say(
        "Every asked question is answered and accepted, no query is open, every finding is treated and the gate passes.",
    )?;
    loop {
        match console.ask("Sign off the assessment now? Type yes or no.")? {
            Line::Text(t) if is(&t, &["yes", "y"]) => break,
            Line::Text(t) if is(&t, &["no", "n"]) => {
                console.say("Not signed off. Run secassess review FILE again to sign off.")?;
                return Ok(false);
            }
            Line::End => return Ok(true),
            _ => console.say("Please type yes or no.")?,
        }
    }
    console.say(&format!(
        "Type your sign-off statement, or press Enter for the standard one:\n  \"{}\"",
        sign_off::STANDARD_STATEMENT
    ))?;
    let Some(statement) = read_text(console, "Statement:")? else {
        return Ok(true);
    };
    let statement = if statement.trim().is_empty() {
        sign_off::STANDARD_STATEMENT.to_string()
    } else {
        statement
    };
    let who = session.who().clone();
    let key = {
        let (input, output) = console.parts();
        passphrase::unlock(
            input,
            output,
            &options.signer,
            &who.email,
            options.passphrase,
        )?
    };
    let key = match key {
        Unlocked::Key(key) => Some(*key),
        Unlocked::Unsigned => None,
        Unlocked::Stop => {
            console.say("Not signed off. Run secassess review FILE again to sign off.")?;
            return Ok(false);
        }
    };
    let catalogue = session.shared_catalogue();
    let evidence = session.evidence().clone();
    let judged = sign_off::Judged {
        catalogue: &catalogue,
        evidence: &evidence,
        today,
    };
    if change(console, session, "Signed off.", |a| {
        sign_off::sign_off(a, &judged, &statement, &who, Utc::now(), key.as_ref())
    })? {
        if let Some(s) = &session.assessment().sign_off {
            console.say(&format!(
                "Signed off by {} on {}; pinned to content hash {}. Any later change shows as \"changed since sign-off\".",
                sanitise_line(&s.signed_by.signature()),
                time(s.signed_at),
                &s.content_hash[..s.content_hash.len().min(16)]
            ))?;
            match &s.signature {
                Some(g) => console.say(&format!(
                    "Signed with the SSH key {} (namespace secassess); `secassess verify FILE --allowed-signers FILE` checks it.",
                    sanitise_line(&g.fingerprint)
                ))?,
                None => console.say("The sign-off is unsigned: it records who signed off, and nothing proves it.")?,
            }
        }
    }
    Ok(false)
}

/// The project lead's side: every open query, to reply to or to change the answer.
pub fn reply(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    session: &mut Session,
) -> Result<Outcome, PlainError> {
    let mut console = Console::new(input, output);
    let today = Local::now().date_naive();
    let editable = introduce(&mut console, session, "Answering queries", today)?;
    let queries = review::open_queries_in_order(session.assessment(), session.catalogue());
    if queries.is_empty() {
        console.say("There are no open review queries.")?;
        return Ok(Outcome::Finished);
    }
    console.say(&format!("{} open review query(ies).", queries.len()))?;
    if !editable {
        for q in &queries {
            console.say(&format!("  - {}", sanitise_line(&q.question)))?;
        }
        return Ok(Outcome::ReadOnly);
    }
    console.say(
        "For each: r to reply, c to change the answer, s to skip, quit to stop. Each is saved at once.",
    )?;
    let total = queries.len();
    for (index, q) in queries.iter().enumerate() {
        let item = Item {
            question: q.question.clone(),
            questionnaire: String::new(),
            section: String::new(),
            status: review::status(session.assessment(), &q.question, session.evidence()),
        };
        show_item(&mut console, session, &item, index + 1, total)?;
        loop {
            let line = match console.ask("r reply, c change the answer, s skip, quit >")? {
                Line::Text(t) => t,
                Line::TooLong => continue,
                Line::End => {
                    console.say("\n(End of input.)")?;
                    return Ok(Outcome::EndOfInput);
                }
            };
            let who = session.who().clone();
            if is(&line, &["r", "reply"]) {
                let Some(text) = read_text(&mut console, "Reply:")? else {
                    return Ok(Outcome::EndOfInput);
                };
                if change(&mut console, session, "Reply saved.", |a| {
                    review::reply(a, &q.question, &text, &who, Utc::now())
                })? {
                    break;
                }
            } else if is(&line, &["c", "change"]) {
                if !change_answer(&mut console, session, &q.question)? {
                    return Ok(Outcome::EndOfInput);
                }
            } else if is(&line, &["s", "skip", ""]) {
                break;
            } else if is(&line, &["quit", "exit"]) {
                return Ok(Outcome::Quit);
            } else {
                console.say("Type r to reply, c to change the answer, s to skip, or quit.")?;
            }
        }
    }
    Ok(Outcome::Finished)
}

/// Asks for a new answer and saves it; false if the input ended.
fn change_answer(
    console: &mut Console<'_>,
    session: &mut Session,
    id: &str,
) -> Result<bool, PlainError> {
    let Some(question) = session.catalogue().question(id).cloned() else {
        console.say("That question is no longer in the questionnaires; reply instead.")?;
        return Ok(true);
    };
    if !super::agree_after_sign_off(console, session)? {
        return Ok(true);
    }
    console.say(&options_text(&question))?;
    loop {
        let line = match console.ask("New answer:")? {
            Line::Text(t) => t,
            Line::TooLong => continue,
            Line::End => return Ok(false),
        };
        let value = match parse_reply(&question, &line) {
            Ok(Reply::Answer(v)) => v,
            Ok(Reply::StartMultiLine) => match console.read_block()? {
                Some(text) => AnswerValue::Text(text),
                None => return Ok(false),
            },
            Ok(_) => {
                console.say("Answer unchanged.")?;
                return Ok(true);
            }
            Err(message) => {
                console.say(&format!(
                    "Not used: {}. Try again.",
                    sanitise_line(&message)
                ))?;
                continue;
            }
        };
        match session.answer(id, value, Utc::now()) {
            Ok(_) => {
                session.save()?;
                console.say(
                    "Answer changed and saved; the reviewer will see their decision as stale. Type r to reply as well, or s to move on.",
                )?;
                return Ok(true);
            }
            Err(SessionError::Answer(e)) => {
                console.say(&format!(
                    "Not used: {}. Try again.",
                    sanitise_line(&e.to_string())
                ))?;
            }
            Err(e @ (SessionError::Role(_) | SessionError::SignedOff { .. })) => {
                console.say(&format!("Not changed: {}", sanitise_line(&e.to_string())))?;
                return Ok(true);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests;
