//! Who may change what, and changes to a signed-off assessment, in the TUI: a key that
//! would change the assessment is checked first ([`guard`]) against the person's part in
//! it (`assessment::roles`: a reviewer queries rather than changes answers) and, when
//! the assessment is signed off and unchanged since, asks before going on ("signed off by
//! X on D; changing this will mark the assessment changed since sign-off until it is
//! reviewed again"; Enter agrees and the key is carried out, Esc leaves it). Also the
//! open queries shown on opening, the key to the next one, and the system's details form;
//! and the one way a part of `update` changes the open assessment as the current user
//! (`change`: refused when read-only, re-evaluated, saved). Pure, like the rest of
//! `app`.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::form::{Form, FormKind};
use super::keymap::Command;
use super::navigate;
use super::state::{App, Effect, SaveState, Screen, Tone};
use crate::assessment::findings::{self, Actor, FindingError};
use crate::assessment::record::{Assessment, Person};
use crate::assessment::review;
use crate::assessment::roles::{self, Role};
use crate::assessment::sign_off;
use crate::questionnaire::model::Catalogue;

/// Keys that change answers, notes or the system's details, on the screen they act on.
fn changes_answers(app: &App, command: Command) -> bool {
    match command {
        Command::EditSystem => true,
        Command::Choose(_) | Command::Confirm | Command::DontKnow | Command::Notes => {
            app.screen == Screen::Walkthrough
        }
        _ => false,
    }
}

/// Keys that change the content a sign-off is pinned to: answers and notes, the system's
/// details, findings. Review actions are not: re-reviewing is what follows a change.
fn changes_content(app: &App, command: Command) -> bool {
    changes_answers(app, command)
        || match command {
            Command::RaiseFinding => {
                matches!(app.screen, Screen::Walkthrough | Screen::Obligations)
            }
            Command::NewFinding
            | Command::EditFinding
            | Command::PlanMitigation
            | Command::MarkMitigated
            | Command::AcceptRisk
            | Command::RecordException
            | Command::Escalate
            | Command::CloseFinding => app.screen == Screen::Findings,
            _ => false,
        }
}

/// Checks a key before it is carried out. `Some` when it was stopped: refused because of
/// the person's part in the assessment (said on the status line), or held while the user
/// is asked whether to change a signed-off assessment.
pub fn guard(app: &mut App, command: Command, key: KeyEvent) -> Option<Vec<Effect>> {
    if !changes_content(app, command) {
        return None;
    }
    let document = app.document.as_ref()?;
    if document.read_only().is_some() {
        // The change itself says why not.
        return None;
    }
    let who = app.who.clone()?;
    if changes_answers(app, command) {
        if let Err(why) = roles::may_change_answers(&document.assessment, &who) {
            app.say(Tone::Error, format!("Not changed: {why}."));
            return Some(Vec::new());
        }
    }
    if document.after_sign_off {
        return None;
    }
    let notice = sign_off::change_notice(&document.assessment)?;
    let mut form = Form::new(
        FormKind::ConfirmChange,
        "Change a signed-off assessment?",
        &[],
    );
    form.hint = Some(format!(
        "This assessment is {notice}.\nEnter: change it.   Esc: leave it as it is."
    ));
    form.replay = Some(key);
    app.form = Some(form);
    Some(Vec::new())
}

/// Enter on the "change a signed-off assessment?" form: agreed. Returns the held key,
/// which `app` then carries out as if just pressed (so this module never calls back up
/// into the key dispatch).
pub fn agreed(app: &mut App) -> Option<KeyEvent> {
    let form = app.form.take()?;
    if let Some(document) = app.document.as_mut() {
        document.after_sign_off = true;
    }
    app.say(
        Tone::Warning,
        "Changing a signed-off assessment: it shows as changed since sign-off until it is reviewed again.",
    );
    form.replay
}

/// On opening, for the project lead's side (anyone but a reviewer): how many review
/// queries are open, and the first of them in walking order, where the walkthrough goes.
pub fn show_open_queries(app: &mut App) {
    let Some(document) = app.document.as_ref() else {
        return;
    };
    let reviewer = app
        .who
        .as_ref()
        .is_some_and(|who| roles::role_in(&document.assessment, who) == Role::Reviewer);
    if reviewer {
        return;
    }
    let queries = review::open_queries_in_order(&document.assessment, &app.catalogue);
    let Some(first) = queries
        .iter()
        .find_map(|q| app.steps.iter().position(|s| s.question == q.question))
    else {
        return;
    };
    let question = app.steps[first].question.clone();
    navigate::go_to_step(app, first);
    let count = queries.len();
    let text = format!(
        "{count} open review quer{} from the reviewer; this is the first, on {question}. Q replies, or change the answer; N goes to the next.",
        if count == 1 { "y" } else { "ies" }
    );
    // A read-only reason, said first, stays in front.
    match app.status.take() {
        Some(previous)
            if previous.tone == Tone::Warning && previous.text.starts_with("Read-only") =>
        {
            app.say(Tone::Warning, format!("{} {text}", previous.text));
        }
        _ => app.say(Tone::Warning, text),
    }
}

/// `N`: the next open review query after the current question, round to the first.
pub fn next_query(app: &mut App) {
    let Some(document) = app.document.as_ref() else {
        return;
    };
    let queried: Vec<usize> = review::open_queries_in_order(&document.assessment, &app.catalogue)
        .iter()
        .filter_map(|q| app.steps.iter().position(|s| s.question == q.question))
        .collect();
    let current = document.step;
    let Some(&next) = queried
        .iter()
        .find(|&&i| i > current)
        .or_else(|| queried.first())
    else {
        app.say(Tone::Info, "There are no open review queries.");
        return;
    };
    let question = app.steps[next].question.clone();
    navigate::go_to_step(app, next);
    app.say(
        Tone::Info,
        format!(
            "Open query {} of {} on {question}: Q replies, or change the answer.",
            queried.iter().position(|&i| i == next).map_or(1, |p| p + 1),
            queried.len()
        ),
    );
}

/// `E`: the form for the system's name and description.
pub fn system_form(app: &mut App) {
    let Some(document) = app.document.as_ref() else {
        return;
    };
    let system = &document.assessment.system;
    let mut form = Form::new(
        FormKind::System,
        "The system",
        &[
            ("System name", &system.name),
            ("Description", &system.description.replace('\n', " ")),
        ],
    );
    form.hint = Some(String::from(
        "The evidence pack's cover shows these. A change is recorded in the audit trail.",
    ));
    app.form = Some(form);
}

/// Saves the system's details form; on a problem the form stays open with the reason.
pub fn submit_system(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(mut form) = app.form.take() else {
        return Vec::new();
    };
    let refuse = |app: &mut App, mut form: Form, problem: String| {
        form.error = Some(problem);
        app.form = Some(form);
        Vec::new()
    };
    let system = match crate::session::checked_system(&form.value(0), &form.value(1)) {
        Ok(system) => system,
        Err(e) => return refuse(app, form, e.to_string()),
    };
    let Some(who) = app.who.clone() else {
        return Vec::new();
    };
    let Some(document) = app.document.as_mut() else {
        return Vec::new();
    };
    if let Some(reason) = document.read_only() {
        let problem = format!("Read-only: {reason}");
        return refuse(app, form, problem);
    }
    if let Err(why) = roles::may_change_answers(&document.assessment, &who) {
        form.error = Some(why);
        app.form = Some(form);
        return Vec::new();
    }
    if !document.assessment.set_system(system, &who, now) {
        app.say(Tone::Info, "The system's details are unchanged.");
        return Vec::new();
    }
    document.dirty = true;
    document.save = SaveState::Saving;
    app.say(Tone::Good, "The system's details are saved.");
    vec![Effect::Save]
}

/// Who may change the open document now: the user, when one is open and not read-only.
/// Otherwise `None`, having said why on the status line.
pub(super) fn editor_of_open_document(app: &mut App) -> Option<Person> {
    let who = app.who.clone()?;
    let reason = app.document.as_ref()?.read_only().map(str::to_string);
    if let Some(reason) = reason {
        app.say(Tone::Warning, format!("Read-only: {reason}"));
        return None;
    }
    Some(who)
}

/// Why a change was refused, and the record field at fault when it is one field
/// (`mitigation.target_date`), so a form can show it there.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) text: String,
    pub(crate) field: Option<String>,
}

impl From<String> for Refusal {
    fn from(text: String) -> Refusal {
        Refusal { text, field: None }
    }
}

impl From<FindingError> for Refusal {
    fn from(error: FindingError) -> Refusal {
        let field = match &error {
            FindingError::Invalid { field, .. } => field.map(str::to_string),
            FindingError::Inconsistent { problems, .. } => {
                problems.first().map(|p| p.field.clone())
            }
            _ => None,
        };
        Refusal {
            text: error.to_string(),
            field,
        }
    }
}

/// Applies one change to the open assessment as the current user, re-evaluates and asks
/// for a save. The change's own error (why it was refused) goes to the status line or the
/// open form; nothing is changed then.
pub(crate) fn change<T>(
    app: &mut App,
    now: DateTime<Utc>,
    apply: impl FnOnce(&mut Assessment, &Catalogue, &Actor<'_>) -> Result<T, Refusal>,
) -> Result<T, Refusal> {
    let who = app
        .who
        .clone()
        .ok_or_else(|| String::from("secassess does not know who you are yet"))?;
    let today = app.today;
    let catalogue = &app.catalogue;
    let document = app
        .document
        .as_mut()
        .ok_or_else(|| String::from("open an assessment first"))?;
    if let Some(reason) = document.read_only() {
        return Err(format!("Read-only: {reason}").into());
    }
    let actor = Actor {
        who: &who,
        now,
        today,
    };
    let value = apply(&mut document.assessment, catalogue, &actor)?;
    document.evaluation = findings::evaluate(&document.assessment, catalogue).0;
    document.dirty = true;
    document.save = SaveState::Saving;
    Ok(value)
}

/// [`change`] for a change refused with words only (`signing`'s signatures).
pub(crate) fn change_or_say<T>(
    app: &mut App,
    now: DateTime<Utc>,
    apply: impl FnOnce(&mut Assessment, &Catalogue, &Actor<'_>) -> Result<T, String>,
) -> Result<T, String> {
    change(app, now, |a, c, actor| {
        apply(a, c, actor).map_err(Refusal::from)
    })
    .map_err(|r| r.text)
}
