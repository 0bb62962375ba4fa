//! The TUI's state and its one way to change: `update(app, msg, now)`, which applies a
//! key press, a paste (or a message from the shell, such as "saved") and returns the
//! effects the shell must carry out (save, open a file, hash an evidence file, quit). No
//! I/O happens here, so every behaviour is testable with key events in and state out.
//!
//! Nothing a person types, pastes or presses changes an answer they did not mean to
//! change: a paste only ever goes into an open text box; an unanswered question has no
//! option selected, so Enter alone answers nothing; leaving a text box with something
//! typed in it asks first (keep, throw away, back); `q` and Esc close the innermost thing
//! open (a prompt, help, a list) before anything else.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::form::{Field, Form, FormKind, FormStep};
use super::keymap::{command_for, Command, Context};
pub use super::prompt::{Answer, Ask, Prompt};
use super::text_box::TextBox;
use super::theme::Theme;
use super::typing::{capitalised, on_editor_key, on_paste, on_prompt_key, typed_text_at_risk};
pub use super::zone::Zone;
use super::{changes, register};
use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::findings;
use crate::assessment::record::{Assessment, Person};
use crate::assessment::upgrade;
use crate::questionnaire::answer::{parse_answer, AnswerValue, EvidenceRef};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{AnswerKind, Catalogue, Question};
use crate::rules::{Evaluation, Status};
use crate::session;
use crate::store::signing_key::Signer;
use crate::walkthrough::{self, Step, StepState};

/// One assessment on the home screen: its row in the team's view (the same as
/// `secassess portfolio` shows), or why the file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeEntry {
    pub path: PathBuf,
    pub row: Result<crate::portfolio::Row, crate::portfolio::Unreadable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Walkthrough,
    Obligations,
    Overview,
    Findings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Saved(DateTime<Utc>),
    Saving,
    Failed(String),
    ReadOnly(String),
}

/// An assessment open in the TUI.
pub struct Document {
    pub path: PathBuf,
    pub assessment: Assessment,
    pub evaluation: Evaluation,
    pub save: SaveState,
    /// Changed since the last save request (answers are saved at once; navigation is
    /// saved with the next answer or on quit).
    pub dirty: bool,
    pub step: usize,
    /// Selected row in the current question's options: none until the user moves or the
    /// question has an answer, so Enter alone never answers an unanswered question.
    pub cursor: Option<usize>,
    /// Options ticked so far on a multiple-choice question.
    pub ticked: BTreeSet<String>,
    pub obligation_cursor: usize,
    /// Selected row on the findings screen.
    pub finding_cursor: usize,
    /// Lines scrolled in the pane beside the question or list (why this is asked, an
    /// obligation's or a finding's detail), which can be longer than the pane. Back to
    /// the top whenever the question, selection or screen changes.
    pub detail_scroll: u16,
    /// Lines scrolled on the overview, which is longer than a small terminal.
    pub overview_scroll: u16,
    /// Read-only because the lock is stale: the user may take it over (`T`).
    pub can_take_over: bool,
    /// Taking it over needs a warning first: the holder may still be working on it (a
    /// lock from another computer, or one this computer cannot check).
    pub take_over_warning: bool,
    /// The local evidence files as the shell last found them (`Msg::EvidenceChecked`).
    pub evidence: EvidenceFiles,
    /// The user agreed to change this assessment although it is signed off.
    pub after_sign_off: bool,
}

impl Document {
    pub fn read_only(&self) -> Option<&str> {
        match &self.save {
            SaveState::ReadOnly(reason) => Some(reason),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditPurpose {
    Answer,
    Notes,
}

/// A multi-line text being typed: a free-text answer or notes.
pub struct Editor {
    pub purpose: EditPurpose,
    pub question: String,
    pub area: TextBox,
}

impl Editor {
    fn new(purpose: EditPurpose, question: &str, text: &str) -> Editor {
        Editor {
            purpose,
            question: question.to_string(),
            area: TextBox::new(text, true),
        }
    }

    /// What the text is, for messages: "your answer", "the notes".
    pub fn what(&self) -> &'static str {
        match self.purpose {
            EditPurpose::Answer => "your answer",
            EditPurpose::Notes => "the notes",
        }
    }
}

pub enum Overlay {
    Help {
        scroll: usize,
    },
    Jump {
        cursor: usize,
    },
    Search {
        // Boxed: a text box is large and the other overlays are a few bytes.
        query: Box<TextBox>,
        cursor: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub tone: Tone,
    pub text: String,
}

/// What the shell must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save the open assessment (autosave after an answer).
    Save,
    Quit,
    Open(PathBuf),
    /// List the assessments in this folder (and its subfolders) on the home screen, and
    /// create new ones there.
    ShowFolder(PathBuf),
    Create {
        name: String,
        description: String,
    },
    SaveIdentity(Person),
    /// Take over the stale lock of the open assessment (the user asked for it).
    TakeOver,
    /// Write the evidence pack (PDF, HTML and Markdown) beside the assessment file.
    ExportPack,
    /// Hash a local evidence file, then answer the question with it.
    AttachFile {
        question: String,
        title: String,
        path: PathBuf,
    },
    /// Look at the open assessment's local evidence files again and report them
    /// (`Msg::EvidenceChecked`).
    CheckEvidence,
}

/// A message to the app: a key, a paste, or news from the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal: it goes into the open text box, whole, or nowhere.
    Paste(String),
    /// The program was asked to stop (SIGTERM, SIGHUP, SIGINT; console close or
    /// Ctrl-Break on Windows): save what is saved, keep nothing half-typed, quit.
    Stop,
    /// The shell fingerprinted a local evidence file for the open evidence form.
    Attached {
        question: String,
        evidence: EvidenceRef,
    },
    /// The evidence file named in the open evidence form could not be read.
    AttachFailed(String),
    Saved(Result<DateTime<Utc>, String>),
    /// The shell could not do what an effect asked (open, create, attach).
    Failed(String),
    /// The shell wrote the evidence pack: where, and what it says; or why not.
    Exported(Result<String, String>),
    /// The shell opened an assessment: editable, or read-only with the reason.
    Opened {
        path: PathBuf,
        assessment: Box<Assessment>,
        access: Access,
    },
    /// The shell looked at the open assessment's local evidence files.
    EvidenceChecked(EvidenceFiles),
}

/// Whether an opened assessment can be changed, as the shell found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Editable,
    /// Read-only, with the reason in words for the user.
    ReadOnly(String),
    /// Read-only because its lock is stale; the user may take it over, after a warning
    /// when `warn` (its holder may still be working on it).
    StaleLock {
        reason: String,
        warn: bool,
    },
}

pub struct App {
    pub catalogue: Catalogue,
    pub steps: Vec<Step>,
    pub theme: Theme,
    pub who: Option<Person>,
    pub home: Vec<HomeEntry>,
    pub home_cursor: usize,
    /// The folder the home screen lists, as shown to the user.
    pub home_folder: String,
    pub document: Option<Document>,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub form: Option<Form>,
    pub editor: Option<Editor>,
    /// A question asked before going on (keep what was typed? take over?): above
    /// everything else, and answered before any other key counts.
    pub prompt: Option<Prompt>,
    pub status: Option<StatusMessage>,
    pub quitting: bool,
    /// The time zone times are shown in, with the offset in force at each instant.
    pub zone: Zone,
    /// Show question and obligation ids beside their titles in messages (`--verbose`).
    pub verbose: bool,
    /// The user's date as of the last message, for overdue dates (rendering reads it
    /// rather than the clock).
    pub today: NaiveDate,
    /// `S` was pressed: the sign-off form opens once the evidence files are checked.
    pub sign_off_waiting: bool,
    /// The SSH key sign-offs are signed with, or why they are unsigned (set by the shell).
    pub signer: Signer,
    /// A signature waiting for the key's passphrase.
    pub pending_signature: Option<super::signing::Pending>,
}

impl App {
    pub fn new(
        catalogue: Catalogue,
        theme: Theme,
        who: Option<Person>,
        home: Vec<HomeEntry>,
    ) -> App {
        let steps = walkthrough::steps(&catalogue);
        let mut app = App {
            catalogue,
            steps,
            theme,
            who,
            home,
            home_cursor: 0,
            home_folder: String::new(),
            document: None,
            screen: Screen::Home,
            overlay: None,
            form: None,
            editor: None,
            prompt: None,
            status: None,
            quitting: false,
            zone: Zone::default(),
            verbose: false,
            today: NaiveDate::MIN,
            sign_off_waiting: false,
            signer: Signer::unsigned("no SSH key was looked for"),
            pending_signature: None,
        };
        if app.who.is_none() {
            app.form = Some(identity_form());
        }
        app
    }

    /// Puts an assessment in front of the user, resuming where they left off.
    /// Accepting newer questionnaire versions is audited at the Unix epoch here; the
    /// shell opens through [`update`] with the real time.
    pub fn open(&mut self, path: PathBuf, assessment: Assessment, read_only: Option<String>) {
        self.open_with(path, assessment, read_only, None, DateTime::UNIX_EPOCH);
    }

    /// `take_over`: the lock is stale and may be taken over; `Some(true)` after a warning.
    /// Returns whether the assessment changed on opening (it was moved onto the current
    /// questionnaire versions) and needs saving.
    fn open_with(
        &mut self,
        path: PathBuf,
        mut assessment: Assessment,
        read_only: Option<String>,
        take_over: Option<bool>,
        now: DateTime<Utc>,
    ) -> bool {
        // What changed in the questionnaires since it was answered: said once on opening;
        // an editable assessment then follows the current versions (answers to changed
        // questions stay marked until confirmed).
        let upgrade = upgrade::upgrade_report(&assessment, &self.catalogue);
        // Who accepts the newer versions is audited; without a known person (the identity
        // form is still open) the versions stay as they are until the next opening.
        let accepted = match (&read_only, &self.who) {
            (None, Some(who)) if !upgrade.questionnaires.is_empty() => {
                upgrade::accept_current_questionnaires(&mut assessment, &self.catalogue, who, now)
            }
            _ => false,
        };
        let start_over = !upgrade.new_questions.is_empty() || !upgrade.reconfirm.is_empty();
        // With recorded approvals applied: a pre-approval obligation is met only with one.
        let (evaluation, problems) = findings::evaluate(&assessment, &self.catalogue);
        let resume = assessment
            .last_question
            .as_ref()
            .and_then(|id| self.steps.iter().position(|s| s.question == *id))
            .filter(|_| !start_over);
        let step = resume
            .or_else(|| {
                walkthrough::next_open(
                    &self.steps,
                    self.steps.len().saturating_sub(1),
                    &evaluation,
                    &assessment,
                )
            })
            .unwrap_or(0);
        let save = match read_only {
            Some(reason) => SaveState::ReadOnly(reason),
            None => SaveState::Saved(assessment.updated_at),
        };
        self.document = Some(Document {
            path,
            assessment,
            evaluation,
            save,
            dirty: accepted,
            step,
            cursor: None,
            ticked: BTreeSet::new(),
            obligation_cursor: 0,
            finding_cursor: 0,
            detail_scroll: 0,
            overview_scroll: 0,
            can_take_over: take_over.is_some(),
            take_over_warning: take_over == Some(true),
            evidence: EvidenceFiles::not_checked(),
            after_sign_off: false,
        });
        self.screen = Screen::Walkthrough;
        self.overlay = None;
        self.form = None;
        self.editor = None;
        self.prompt = None;
        self.reset_cursor();
        self.status = problems.first().map(|p| StatusMessage {
            tone: Tone::Warning,
            text: format!(
                "{} problem(s) with saved answers: {}",
                problems.len(),
                p.problem
            ),
        });
        if !upgrade.is_empty() {
            let changed: Vec<String> = upgrade
                .questionnaires
                .iter()
                .map(|q| match &q.change {
                    upgrade::VersionChange::Upgraded { from, to } => {
                        format!("{} {from} -> {to}", q.id)
                    }
                    upgrade::VersionChange::Added { version } => {
                        format!("{} {version} (new)", q.id)
                    }
                    upgrade::VersionChange::ContentChanged { version } => {
                        format!("{} {version} (edited)", q.id)
                    }
                    upgrade::VersionChange::Removed { version } => {
                        format!("{} {version} (removed)", q.id)
                    }
                })
                .collect();
            // The counts first: the versions can run past the status lines.
            let mut text = format!(
                "The questionnaires changed since this was answered: {} new question(s) to answer, {} answer(s) to confirm again{} ({}).",
                upgrade.new_questions.len(),
                upgrade.reconfirm.len(),
                if start_over { "; starting at the first" } else { "" },
                changed.join(", "),
            );
            if let Some(previous) = self.status.take() {
                text.push(' ');
                text.push_str(&previous.text);
            }
            self.status = Some(StatusMessage {
                tone: Tone::Warning,
                text,
            });
        }
        if let Some(reason) = self.document.as_ref().and_then(|d| d.read_only()) {
            let heading = match take_over {
                Some(false) => "Read-only (press T to take it over)",
                Some(true) => "Read-only (T to take it over, after a warning)",
                None => "Read-only",
            };
            self.status = Some(StatusMessage {
                tone: Tone::Warning,
                text: format!("{heading}: {reason}"),
            });
        }
        changes::show_open_queries(self);
        accepted
    }

    pub fn current_question(&self) -> Option<&Question> {
        let document = self.document.as_ref()?;
        let step = self.steps.get(document.step)?;
        self.catalogue.question(&step.question)
    }

    /// The rows of the current question's answer list: options, then "don't know yet".
    pub fn option_rows(&self) -> Vec<String> {
        let Some(question) = self.current_question() else {
            return Vec::new();
        };
        let mut rows: Vec<String> = match question.kind {
            AnswerKind::YesNo => vec!["Yes".into(), "No".into()],
            AnswerKind::Single | AnswerKind::Multiple => {
                question.options.iter().map(|o| o.label.clone()).collect()
            }
            AnswerKind::Text => vec!["Type an answer".into()],
            AnswerKind::Date => vec!["Enter a date".into()],
            AnswerKind::Evidence => vec!["Give a document, link or file".into()],
        };
        rows.push("Don't know yet".into());
        rows
    }

    /// Places the option cursor on the current answer, so Enter confirms what is there;
    /// on nothing for an unanswered question.
    fn reset_cursor(&mut self) {
        let Some(question) = self.current_question().cloned() else {
            return;
        };
        let Some(document) = self.document.as_mut() else {
            return;
        };
        let (answers, _) = document.assessment.typed_answers(&self.catalogue);
        let rows = match question.kind {
            AnswerKind::YesNo => 2,
            AnswerKind::Single | AnswerKind::Multiple => question.options.len(),
            _ => 1,
        };
        document.ticked.clear();
        document.cursor = match answers.get(&question.id) {
            Some(AnswerValue::YesNo(true)) => Some(0),
            Some(AnswerValue::YesNo(false)) => Some(1),
            Some(AnswerValue::Choice(c)) => question.option(c).map(|(i, _)| i),
            Some(AnswerValue::Choices(cs)) => {
                document.ticked = cs.iter().cloned().collect();
                Some(0)
            }
            Some(AnswerValue::DontKnow) => Some(rows),
            Some(_) => Some(0),
            None => None,
        };
    }

    /// A question or obligation id as people read it: its title (with the id too under
    /// `--verbose`).
    pub fn name_of(&self, id: &str) -> String {
        let title = self
            .catalogue
            .obligation(id)
            .map(|o| o.title.clone())
            .or_else(|| self.catalogue.question(id).map(question_title));
        match title {
            Some(title) if self.verbose => format!("{title} [{id}]"),
            Some(title) => title,
            None => id.to_string(),
        }
    }

    pub(crate) fn say(&mut self, tone: Tone, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            tone,
            text: text.into(),
        });
    }
}

/// A question's name in a message: its short phrase ("GDS approval"), capitalised, or
/// its prompt when it has none.
pub fn question_title(question: &Question) -> String {
    match &question.short {
        Some(short) => capitalised(short),
        None => question.prompt.clone(),
    }
}

fn identity_form() -> Form {
    Form::new(
        FormKind::Identity,
        "Who are you? (asked once; kept in your secassess settings)",
        &[("Name", ""), ("Role", "Project lead"), ("Email", "")],
    )
    .required(&[0])
}

/// Applies one message. Returns what the shell must do.
pub fn update(app: &mut App, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
    app.today = app.zone.date(now);
    match msg {
        Msg::Saved(result) => {
            if let Some(document) = app.document.as_mut() {
                match result {
                    Ok(at) => document.save = SaveState::Saved(at),
                    Err(problem) => {
                        document.save = SaveState::Failed(problem.clone());
                        app.say(Tone::Error, format!("Not saved: {problem}"));
                    }
                }
            }
            Vec::new()
        }
        Msg::Failed(problem) => {
            if let Some(form) = app.form.as_mut() {
                form.error = Some(problem);
            } else {
                app.say(Tone::Error, problem);
            }
            Vec::new()
        }
        Msg::Opened {
            path,
            assessment,
            access,
        } => {
            let changed = match access {
                Access::Editable => app.open_with(path, *assessment, None, None, now),
                Access::ReadOnly(reason) => {
                    app.open_with(path, *assessment, Some(reason), None, now)
                }
                Access::StaleLock { reason, warn } => {
                    app.open_with(path, *assessment, Some(reason), Some(warn), now)
                }
            };
            // Moving onto the current questionnaire versions is saved at once.
            if changed {
                if let Some(d) = app.document.as_mut() {
                    d.save = SaveState::Saving;
                }
                vec![Effect::Save]
            } else {
                Vec::new()
            }
        }
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::Stop => {
            // Nobody is there to ask about half-typed text: it is not kept.
            app.prompt = None;
            app.form = None;
            app.editor = None;
            app.overlay = None;
            quit(app)
        }
        Msg::Attached { question, evidence } => {
            let Some(question) = app.catalogue.question(&question).cloned() else {
                return Vec::new();
            };
            if app
                .form
                .as_ref()
                .is_some_and(|f| f.kind == FormKind::Evidence)
            {
                app.form = None;
            }
            let mut effects = answer(app, &question, AnswerValue::Evidence(evidence), now);
            effects.push(Effect::CheckEvidence);
            effects
        }
        Msg::AttachFailed(problem) => {
            match app.form.as_mut() {
                Some(form) if form.kind == FormKind::Evidence => form.field_error(1, problem),
                _ => app.say(Tone::Error, problem),
            }
            Vec::new()
        }
        Msg::EvidenceChecked(files) => {
            if let Some(document) = app.document.as_mut() {
                document.evidence = files;
            }
            if std::mem::take(&mut app.sign_off_waiting) {
                register::sign_off_form(app);
            }
            Vec::new()
        }
        Msg::Exported(Ok(summary)) => {
            app.say(Tone::Good, format!("Written: {summary}"));
            Vec::new()
        }
        Msg::Exported(Err(problem)) => {
            app.say(Tone::Error, format!("No evidence pack written: {problem}"));
            Vec::new()
        }
        Msg::Key(key) => on_key(app, key, now),
    }
}

pub(crate) fn on_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    if app.prompt.is_some() {
        return on_prompt_key(app, key, now);
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        // Answers are saved as they are given; only text still being typed can be lost,
        // so that is asked about, never kept or dropped silently.
        if let Some(what) = typed_text_at_risk(app) {
            app.prompt = Some(Prompt::leave_text(what, true));
            return Vec::new();
        }
        return quit(app);
    }
    // Help opens over anything, forms and text boxes included (F1, as `?` is typed
    // there), and is closed before anything under it gets a key.
    if matches!(app.overlay, Some(Overlay::Help { .. })) {
        return on_overlay_key(app, key);
    }
    if key.code == KeyCode::F(1) {
        app.overlay = Some(Overlay::Help { scroll: 0 });
        return Vec::new();
    }
    if app.form.is_some() {
        return on_form_key(app, key, now);
    }
    if app.editor.is_some() {
        return on_editor_key(app, key, now);
    }
    if app.overlay.is_some() {
        return on_overlay_key(app, key);
    }
    let contexts: &[Context] = match app.screen {
        Screen::Home => &[Context::Home, Context::Global],
        Screen::Walkthrough => &[Context::Walkthrough, Context::Global],
        Screen::Obligations => &[Context::Obligations, Context::Global],
        Screen::Overview => &[Context::Overview, Context::Global],
        Screen::Findings => &[Context::Findings, Context::Global],
    };
    let Some(command) = command_for(&key, contexts) else {
        return Vec::new();
    };
    if let Some(effects) = changes::guard(app, command, key) {
        return effects;
    }
    match command {
        Command::Quit => quit(app),
        Command::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::ShowWalkthrough
        | Command::ShowObligations
        | Command::ShowOverview
        | Command::ShowFindings
        | Command::SignOff
        | Command::EditSystem
        | Command::ExportPack
        | Command::NextScreen
            if app.document.is_none() =>
        {
            app.say(Tone::Info, "Open or create an assessment first.");
            Vec::new()
        }
        Command::ShowWalkthrough => switch(app, Screen::Walkthrough),
        Command::ShowObligations => switch(app, Screen::Obligations),
        Command::ShowOverview => switch(app, Screen::Overview),
        Command::ShowFindings => switch(app, Screen::Findings),
        Command::SignOff => {
            // The evidence files may have changed since the file was opened.
            app.sign_off_waiting = true;
            vec![Effect::CheckEvidence]
        }
        Command::EditSystem => {
            changes::system_form(app);
            Vec::new()
        }
        Command::ExportPack => {
            app.say(Tone::Info, "Writing the evidence pack...");
            vec![Effect::ExportPack]
        }
        Command::NextScreen => {
            let next = match app.screen {
                Screen::Home | Screen::Overview => Screen::Walkthrough,
                Screen::Walkthrough => Screen::Obligations,
                Screen::Obligations => Screen::Findings,
                Screen::Findings => Screen::Overview,
            };
            switch(app, next)
        }
        Command::TakeOver => match app.document.as_ref() {
            Some(d) if d.can_take_over && d.take_over_warning => {
                let reason = d.read_only().unwrap_or_default().to_string();
                app.prompt = Some(Prompt::take_over(&reason));
                Vec::new()
            }
            Some(d) if d.can_take_over => vec![Effect::TakeOver],
            Some(d) if d.read_only().is_some() => {
                app.say(
                    Tone::Info,
                    "This assessment is open in a secassess that is still running; it can only be taken over once that program has stopped (close it there, or end it).",
                );
                Vec::new()
            }
            _ => {
                app.say(
                    Tone::Info,
                    "Nothing to take over: the assessment is yours to change.",
                );
                Vec::new()
            }
        },
        Command::Back => {
            if app.screen != Screen::Walkthrough && app.document.is_some() {
                switch(app, Screen::Walkthrough)
            } else {
                Vec::new()
            }
        }
        _ => match app.screen {
            Screen::Home => on_home(app, command),
            Screen::Walkthrough => on_walkthrough(app, command, now),
            Screen::Obligations => on_obligations(app, command),
            Screen::Overview => on_overview(app, command),
            Screen::Findings => register::on_findings(app, command, now),
        },
    }
}

fn switch(app: &mut App, screen: Screen) -> Vec<Effect> {
    app.screen = screen;
    if let Some(document) = app.document.as_mut() {
        document.detail_scroll = 0;
    }
    Vec::new()
}

/// J/K: scrolls the detail pane by three lines, and says whether the command was one.
pub(crate) fn scroll_detail(document: &mut Document, command: Command) -> bool {
    match command {
        Command::ScrollDown => document.detail_scroll = document.detail_scroll.saturating_add(3),
        Command::ScrollUp => document.detail_scroll = document.detail_scroll.saturating_sub(3),
        _ => return false,
    }
    true
}

/// Quits, saving where the walkthrough was. Only called when no typed text is at risk:
/// an open text box holds nothing typed (it is closed) or has been dealt with.
pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    app.quitting = true;
    app.form = None;
    app.editor = None;
    app.overlay = None;
    let mut effects = Vec::new();
    if let Some(document) = app.document.as_mut() {
        if document.dirty && document.read_only().is_none() {
            effects.push(Effect::Save);
        }
    }
    effects.push(Effect::Quit);
    effects
}

fn on_home(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Up => app.home_cursor = app.home_cursor.saturating_sub(1),
        Command::Down if app.home_cursor + 1 < app.home.len() => app.home_cursor += 1,
        Command::Confirm => {
            if let Some(entry) = app.home.get(app.home_cursor) {
                return vec![Effect::Open(entry.path.clone())];
            }
            app.form = Some(new_assessment_form());
        }
        Command::NewAssessment => app.form = Some(new_assessment_form()),
        Command::OpenPath => {
            app.form = Some(
                Form::new(
                    FormKind::OpenPath,
                    "Open an assessment file",
                    &[("Path", "")],
                )
                .required(&[0]),
            );
        }
        Command::ChooseFolder => {
            // Pre-filled with the folder shown, the cursor at its end, to go down or up
            // from it.
            let current = app.home_folder.clone();
            let mut form = Form::new(
                FormKind::Folder,
                "List the assessments in a folder",
                &[("Folder", &current)],
            )
            .required(&[0]);
            form.hint = Some(String::from(
                "A shared drive or a git repository: every *.secassess.toml under it is listed, subfolders included. New assessments are created there too.",
            ));
            app.form = Some(form);
        }
        _ => {}
    }
    Vec::new()
}

fn new_assessment_form() -> Form {
    Form::new(
        FormKind::NewAssessment,
        "New assessment",
        &[("System name", ""), ("Description", "")],
    )
    .required(&[0])
    .multiline(&[1])
}

fn on_form_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.key(key) {
        FormStep::Stay => Vec::new(),
        FormStep::Submit => submit_form(app, now),
        FormStep::Close | FormStep::AskToLeave if form.kind == FormKind::Identity => {
            // Nothing can be recorded without knowing who records it.
            form.error = Some(String::from(
                "secassess needs your name to record who answered. Press Ctrl-C to quit.",
            ));
            Vec::new()
        }
        // A passphrase is never kept to ask about: Esc closes its box and signs nothing.
        FormStep::Close | FormStep::AskToLeave if form.kind == FormKind::Passphrase => {
            app.form = None;
            super::signing::cancel(app);
            Vec::new()
        }
        FormStep::Close => {
            app.form = None;
            Vec::new()
        }
        FormStep::AskToLeave => {
            app.prompt = Some(Prompt::leave_text("this form", false));
            Vec::new()
        }
    }
}

pub(super) fn submit_form(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.kind {
        FormKind::FindingDetails
        | FormKind::MitigationPlan
        | FormKind::Mitigated
        | FormKind::AcceptRisk
        | FormKind::Exception
        | FormKind::ReviewQuery
        | FormKind::Escalate
        | FormKind::SignOff => register::submit(app, now),
        FormKind::System => changes::submit_system(app, now),
        FormKind::ConfirmChange => changes::agreed(app, now),
        FormKind::Passphrase => super::signing::submit_passphrase(app, now),
        FormKind::Identity => {
            let person = Person {
                name: form.value(0),
                role: form.value(1),
                email: form.value(2),
            };
            if person.name.is_empty() {
                form.field_error(0, "Please give your name.");
                return Vec::new();
            }
            app.who = Some(person.clone());
            app.form = None;
            vec![Effect::SaveIdentity(person)]
        }
        FormKind::NewAssessment => {
            let name = form.value(0);
            let description = form.value(1);
            // The same checks as creating the file, before the shell is asked to.
            let checks = [
                (
                    0,
                    session::check_text(
                        "the system name",
                        &name,
                        session::MAX_SYSTEM_NAME_CHARS,
                        false,
                    ),
                ),
                (
                    1,
                    session::check_text(
                        "the description",
                        &description,
                        session::MAX_DESCRIPTION_CHARS,
                        true,
                    ),
                ),
            ];
            for (field, check) in checks {
                if let Err(problem) = check {
                    form.field_error(field, capitalised(&problem.to_string()));
                    return Vec::new();
                }
            }
            if name.is_empty() {
                form.field_error(0, "Please give the system a name.");
                return Vec::new();
            }
            vec![Effect::Create { name, description }]
        }
        FormKind::OpenPath => {
            let path = form.value(0);
            if path.is_empty() {
                form.field_error(0, "Please give the path of a .secassess.toml file.");
                return Vec::new();
            }
            vec![Effect::Open(PathBuf::from(path))]
        }
        FormKind::Folder => {
            let folder = form.value(0);
            if folder.is_empty() {
                form.field_error(0, "Please give the path of a folder.");
                return Vec::new();
            }
            vec![Effect::ShowFolder(PathBuf::from(folder))]
        }
        FormKind::Date => {
            let text = form.value(0);
            let Some(question) = app.current_question().cloned() else {
                return Vec::new();
            };
            match parse_answer(&question, &text) {
                Ok(value) => {
                    app.form = None;
                    answer(app, &question, value, now)
                }
                Err(error) => {
                    if let Some(form) = app.form.as_mut() {
                        form.field_error(0, error.to_string());
                    }
                    Vec::new()
                }
            }
        }
        FormKind::Evidence => {
            let title = form.value(0);
            let location = form.value(1);
            let Some(question) = app.current_question().cloned() else {
                return Vec::new();
            };
            if title.is_empty() && location.is_empty() {
                if let Some(form) = app.form.as_mut() {
                    form.field_error(0, "Give a document title, a link or a file path.");
                }
                return Vec::new();
            }
            let title = if title.is_empty() {
                location.clone()
            } else {
                title
            };
            let lower = location.to_ascii_lowercase();
            let is_link = lower.starts_with("https://") || lower.starts_with("http://");
            if !location.is_empty() && !is_link {
                // The form stays open until the file has been read: a path that cannot
                // be read is said next to it, with everything typed still there.
                return vec![Effect::AttachFile {
                    question: question.id.clone(),
                    title,
                    path: PathBuf::from(location),
                }];
            }
            let evidence = EvidenceRef {
                title,
                link: is_link.then_some(location),
                ..EvidenceRef::default()
            };
            app.form = None;
            answer(app, &question, AnswerValue::Evidence(evidence), now)
        }
    }
}

fn on_overlay_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let sections = app.sections();
    let results = app.search_results();
    let Some(overlay) = app.overlay.as_mut() else {
        return Vec::new();
    };
    if let Overlay::Search { query, cursor } = overlay {
        match key.code {
            KeyCode::Esc => app.overlay = None,
            KeyCode::Up => *cursor = cursor.saturating_sub(1),
            KeyCode::Down => *cursor = (*cursor + 1).min(results.len().saturating_sub(1)),
            KeyCode::Enter => {
                if let Some(&step) = results.get(*cursor) {
                    app.overlay = None;
                    go_to_step(app, step);
                }
            }
            _ => {
                query.key(key);
                *cursor = 0;
            }
        }
        return Vec::new();
    }
    let command = command_for(&key, &[Context::Lists, Context::Global]);
    match (overlay, command) {
        // `q` closes the innermost thing, like Esc: help and lists first, never the program.
        (_, Some(Command::Back | Command::Quit)) | (Overlay::Help { .. }, Some(Command::Help)) => {
            app.overlay = None
        }
        (Overlay::Help { scroll }, Some(Command::Up)) => *scroll = scroll.saturating_sub(1),
        (Overlay::Help { scroll }, Some(Command::Down)) => *scroll += 1,
        (Overlay::Jump { cursor }, Some(Command::Up)) => *cursor = cursor.saturating_sub(1),
        (Overlay::Jump { cursor }, Some(Command::Down)) => {
            *cursor = (*cursor + 1).min(sections.len().saturating_sub(1))
        }
        (Overlay::Jump { cursor }, Some(Command::Confirm)) => {
            let target = sections.get(*cursor).map(|s| s.first_step);
            app.overlay = None;
            if let Some(step) = target {
                let first_asked = walkthrough_first_asked(app, step);
                go_to_step(app, first_asked);
            }
        }
        _ => {}
    }
    Vec::new()
}

fn walkthrough_first_asked(app: &App, from: usize) -> usize {
    let Some(document) = app.document.as_ref() else {
        return from;
    };
    let skipped =
        |i: usize| document.evaluation.asked.get(&app.steps[i].question) == Some(&Truth::False);
    if !skipped(from) {
        return from;
    }
    walkthrough::neighbour(&app.steps, from, true, &document.evaluation).unwrap_or(from)
}

pub(crate) fn go_to_step(app: &mut App, step: usize) {
    let question = app.steps.get(step).map(|s| s.question.clone());
    if let Some(document) = app.document.as_mut() {
        document.step = step;
        document.detail_scroll = 0;
        if document.assessment.last_question != question {
            document.assessment.last_question = question;
            document.dirty = true;
        }
    }
    app.screen = Screen::Walkthrough;
    app.reset_cursor();
}

impl App {
    pub fn sections(&self) -> Vec<walkthrough::SectionProgress> {
        match &self.document {
            Some(d) => walkthrough::section_progress(
                &self.catalogue,
                &self.steps,
                &d.evaluation,
                &d.assessment,
            ),
            None => Vec::new(),
        }
    }

    /// Steps whose question matches the search text (prompt, id or help), in order.
    pub fn search_results(&self) -> Vec<usize> {
        let Some(Overlay::Search { query, .. }) = &self.overlay else {
            return Vec::new();
        };
        let needle = query.value().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, step)| {
                self.catalogue.question(&step.question).is_some_and(|q| {
                    q.prompt.to_lowercase().contains(&needle)
                        || q.id.contains(&needle)
                        || q.help.to_lowercase().contains(&needle)
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn step_state(&self, step: usize) -> StepState {
        match (&self.document, self.steps.get(step)) {
            (Some(d), Some(s)) => {
                walkthrough::step_state(&s.question, &d.evaluation, &d.assessment)
            }
            _ => StepState::Open,
        }
    }
}

fn on_walkthrough(app: &mut App, command: Command, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(question) = app.current_question().cloned() else {
        return Vec::new();
    };
    let rows = app.option_rows().len();
    let dont_know_row = rows.saturating_sub(1);
    match command {
        // From no selection, either direction selects the first option.
        Command::Up => {
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(d.cursor.map_or(0, |c| c.saturating_sub(1)));
            }
        }
        Command::Down => {
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(d.cursor.map_or(0, |c| (c + 1).min(dont_know_row)));
            }
        }
        Command::Next | Command::Previous => {
            let forward = command == Command::Next;
            let target = app
                .document
                .as_ref()
                .and_then(|d| walkthrough::neighbour(&app.steps, d.step, forward, &d.evaluation));
            match target {
                Some(step) => go_to_step(app, step),
                None if forward => app.say(
                    Tone::Info,
                    "That was the last question. Press v for the overview.",
                ),
                None => app.say(Tone::Info, "This is the first question."),
            }
        }
        Command::NextSection | Command::PreviousSection => {
            let sections = app.sections();
            let current = app.document.as_ref().map(|d| d.step).unwrap_or(0);
            let position = sections
                .iter()
                .rposition(|s| s.first_step <= current)
                .unwrap_or(0);
            let target = if command == Command::NextSection {
                sections.get(position + 1)
            } else if sections
                .get(position)
                .is_some_and(|s| s.first_step < current)
            {
                sections.get(position)
            } else {
                position.checked_sub(1).and_then(|p| sections.get(p))
            };
            if let Some(section) = target {
                let step = walkthrough_first_asked(app, section.first_step);
                go_to_step(app, step);
            }
        }
        Command::Jump => {
            let current = app.document.as_ref().map(|d| d.step).unwrap_or(0);
            let cursor = app
                .sections()
                .iter()
                .rposition(|s| s.first_step <= current)
                .unwrap_or(0);
            app.overlay = Some(Overlay::Jump { cursor });
        }
        Command::Search => {
            app.overlay = Some(Overlay::Search {
                query: Box::new(TextBox::new("", false)),
                cursor: 0,
            });
        }
        Command::Choose(n) => {
            let index = usize::from(n).saturating_sub(1);
            if index >= dont_know_row {
                app.say(
                    Tone::Info,
                    format!("There is no option {n} here. {}", how_to_answer(&question)),
                );
                return Vec::new();
            }
            if let Some(d) = app.document.as_mut() {
                d.cursor = Some(index);
            }
            // On a multiple-choice question a number ticks its option; Enter answers.
            if question.kind == AnswerKind::Multiple {
                toggle(app, &question);
                return Vec::new();
            }
            return confirm(app, &question, now);
        }
        Command::Toggle if question.kind == AnswerKind::Multiple => toggle(app, &question),
        Command::Confirm => return confirm(app, &question, now),
        Command::DontKnow => {
            let who = question.who_can_answer.clone();
            let effects = answer(app, &question, AnswerValue::DontKnow, now);
            if !effects.is_empty() {
                app.say(
                    Tone::Info,
                    format!("Marked \"don't know yet\". Who can answer it: {who}."),
                );
            }
            return effects;
        }
        Command::AnswerLater => {
            let Some(who) = editor_of_open_document(app) else {
                return Vec::new();
            };
            let Some(d) = app.document.as_mut() else {
                return Vec::new();
            };
            let flagged = !d
                .assessment
                .answers
                .get(&question.id)
                .is_some_and(|a| a.flagged);
            d.assessment.set_flagged(&question.id, flagged, &who, now);
            d.dirty = true;
            d.save = SaveState::Saving;
            app.say(
                Tone::Info,
                if flagged {
                    "Flagged to answer later."
                } else {
                    "No longer flagged."
                },
            );
            return vec![Effect::Save];
        }
        Command::RaiseFinding => register::raise_for_question(app, &question.id),
        Command::ReviewAccept => return register::review_accept(app, &question.id, now),
        Command::ReviewComment => register::review_comment(app, &question.id),
        Command::NextQuery => changes::next_query(app),
        Command::ScrollDown | Command::ScrollUp => {
            if let Some(d) = app.document.as_mut() {
                scroll_detail(d, command);
            }
        }
        Command::Notes => {
            let notes = app
                .document
                .as_ref()
                .and_then(|d| d.assessment.answers.get(&question.id))
                .map(|a| a.notes.clone())
                .unwrap_or_default();
            app.editor = Some(Editor::new(EditPurpose::Notes, &question.id, &notes));
        }
        _ => {}
    }
    Vec::new()
}

/// Space (or a number) on a multiple-choice question: ticks or unticks the selected
/// option.
fn toggle(app: &mut App, question: &Question) {
    let Some(d) = app.document.as_mut() else {
        return;
    };
    let Some(option) = d.cursor.and_then(|c| question.options.get(c)) else {
        app.say(Tone::Info, how_to_answer(question));
        return;
    };
    if !d.ticked.remove(&option.value) {
        // An exclusive option ("Nobody") and the others rule each other out.
        let exclusive: Vec<&str> = question
            .options
            .iter()
            .filter(|o| o.exclusive)
            .map(|o| o.value.as_str())
            .collect();
        if option.exclusive {
            d.ticked.clear();
        } else {
            d.ticked.retain(|v| !exclusive.contains(&v.as_str()));
        }
        d.ticked.insert(option.value.clone());
    }
}

/// How to answer this question, for Enter pressed with nothing chosen.
fn how_to_answer(question: &Question) -> String {
    let options = match question.kind {
        AnswerKind::YesNo => 2,
        _ => question.options.len(),
    };
    match question.kind {
        AnswerKind::Multiple => format!(
            "To answer, tick options with their number (1-{options}) or with ↑/↓ and Space, then press Enter; d for don't know yet."
        ),
        AnswerKind::YesNo | AnswerKind::Single => format!(
            "To answer, press the option's number (1-{options}), or move to it with ↑/↓ and press Enter; d for don't know yet."
        ),
        _ => String::from(
            "To answer, press Enter (or 1) and type; d for don't know yet.",
        ),
    }
}

fn confirm(app: &mut App, question: &Question, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(document) = app.document.as_ref() else {
        return Vec::new();
    };
    let typed_kind = matches!(
        question.kind,
        AnswerKind::Text | AnswerKind::Date | AnswerKind::Evidence
    );
    // Enter with nothing selected answers nothing, except to open the text box of a
    // question answered by typing, which records nothing until it is kept.
    let cursor = match document.cursor {
        Some(cursor) => cursor,
        None if typed_kind => 0,
        None if question.kind == AnswerKind::Multiple && !document.ticked.is_empty() => 0,
        None => {
            let how = how_to_answer(question);
            app.say(Tone::Info, format!("Nothing is chosen yet. {how}"));
            return Vec::new();
        }
    };
    let dont_know_row = app.option_rows().len().saturating_sub(1);
    if cursor == dont_know_row {
        return answer(app, question, AnswerValue::DontKnow, now);
    }
    let existing = document.assessment.answers.get(&question.id).cloned();
    match question.kind {
        AnswerKind::YesNo => answer(app, question, AnswerValue::YesNo(cursor == 0), now),
        AnswerKind::Single => match question.options.get(cursor) {
            Some(option) => answer(
                app,
                question,
                AnswerValue::Choice(option.value.clone()),
                now,
            ),
            None => Vec::new(),
        },
        AnswerKind::Multiple => {
            let chosen: Vec<String> = question
                .options
                .iter()
                .filter(|o| document.ticked.contains(&o.value))
                .map(|o| o.value.clone())
                .collect();
            answer(app, question, AnswerValue::Choices(chosen), now)
        }
        AnswerKind::Text => {
            let text = existing
                .and_then(|a| match a.value {
                    Some(crate::assessment::record::StoredValue::One(t)) => Some(t),
                    _ => None,
                })
                .unwrap_or_default();
            app.editor = Some(Editor::new(EditPurpose::Answer, &question.id, &text));
            Vec::new()
        }
        AnswerKind::Date => {
            let current = existing
                .and_then(|a| match a.value {
                    Some(crate::assessment::record::StoredValue::One(t)) => Some(t),
                    _ => None,
                })
                .unwrap_or_default();
            app.form = Some(
                Form::new(FormKind::Date, "Date (YYYY-MM-DD)", &[("Date", &current)])
                    .required(&[0]),
            );
            Vec::new()
        }
        AnswerKind::Evidence => {
            let evidence = existing.and_then(|a| a.evidence).unwrap_or_default();
            let location = evidence.link.or(evidence.path).unwrap_or_default();
            app.form = Some(Form::new(
                FormKind::Evidence,
                "Evidence: a document title and a link or local file path",
                &[("Title", &evidence.title), ("Link or file path", &location)],
            ));
            Vec::new()
        }
    }
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

/// Records an answer, re-evaluates, announces obligations that started or stopped
/// applying, and moves on to the next question.
pub fn answer(
    app: &mut App,
    question: &Question,
    value: AnswerValue,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(who) = editor_of_open_document(app) else {
        return Vec::new();
    };
    let Some(document) = app.document.as_mut() else {
        return Vec::new();
    };
    if let Err(why) = crate::assessment::roles::may_change_answers(&document.assessment, &who) {
        app.say(Tone::Error, format!("Not changed: {why}."));
        return Vec::new();
    }
    if let Err(error) = document.assessment.set_answer(question, &value, &who, now) {
        let message = error.to_string();
        app.say(Tone::Error, message);
        return Vec::new();
    }
    let after = findings::evaluate(&document.assessment, &app.catalogue).0;
    let changes = session::effects(&document.evaluation, &after);
    document.evaluation = after;
    document.dirty = true;
    document.save = SaveState::Saving;
    let step = document.step;
    let next = walkthrough::neighbour(&app.steps, step, true, &document.evaluation);
    match session::obligation_change_summary(&changes, app.verbose) {
        Some(summary) => app.say(Tone::Warning, summary),
        None => app.say(Tone::Good, "Answer saved."),
    }
    match next {
        Some(next) => go_to_step(app, next),
        None => {
            app.reset_cursor();
            app.say(
                Tone::Good,
                "That was the last question. Press v for the overview, o for obligations.",
            );
        }
    }
    vec![Effect::Save]
}

/// Obligations in the order the obligations screen lists them: not met, then unknown,
/// then met, then not applicable; MUST before SHOULD within each.
pub fn obligation_order(evaluation: &Evaluation) -> Vec<usize> {
    let mut order: Vec<usize> = (0..evaluation.obligations.len()).collect();
    order.sort_by_key(|&i| {
        let o = &evaluation.obligations[i];
        let applies_rank = match o.applies {
            Truth::True => 0,
            Truth::Unknown => 1,
            Truth::False => 2,
        };
        let status_rank = match o.status {
            Status::NotMet => 0,
            Status::Unknown => 1,
            Status::Met => 2,
            Status::NotApplicable => 3,
        };
        (status_rank, applies_rank, o.level)
    });
    order
}

fn on_overview(app: &mut App, command: Command) -> Vec<Effect> {
    if let Some(d) = app.document.as_mut() {
        match command {
            Command::Up => d.overview_scroll = d.overview_scroll.saturating_sub(1),
            Command::Down => d.overview_scroll = d.overview_scroll.saturating_add(1),
            _ => {}
        }
    }
    Vec::new()
}

fn on_obligations(app: &mut App, command: Command) -> Vec<Effect> {
    let Some(document) = app.document.as_mut() else {
        return Vec::new();
    };
    let count = document.evaluation.obligations.len();
    if scroll_detail(document, command) {
        return Vec::new();
    }
    match command {
        Command::Up => {
            document.obligation_cursor = document.obligation_cursor.saturating_sub(1);
            document.detail_scroll = 0;
        }
        Command::Down => {
            document.obligation_cursor =
                (document.obligation_cursor + 1).min(count.saturating_sub(1));
            document.detail_scroll = 0;
        }
        Command::RaiseFinding => {
            let order = obligation_order(&document.evaluation);
            let selected = order
                .get(document.obligation_cursor)
                .and_then(|&i| document.evaluation.obligations.get(i))
                .map(|o| o.id.clone());
            if let Some(id) = selected {
                register::raise_from_obligation(app, &id);
            }
        }
        Command::GoToQuestion => {
            let order = obligation_order(&document.evaluation);
            let Some(result) = order
                .get(document.obligation_cursor)
                .and_then(|&i| document.evaluation.obligations.get(i))
            else {
                return Vec::new();
            };
            let Some(obligation) = app.catalogue.obligation(&result.id) else {
                return Vec::new();
            };
            let names: Vec<String> = obligation
                .applies_if
                .names()
                .into_iter()
                .chain(obligation.met_if.names())
                .map(|(n, _)| n.to_string())
                .chain(obligation.evidence.clone())
                .collect();
            let positions: Vec<usize> = names
                .iter()
                .filter_map(|n| app.steps.iter().position(|s| s.question == *n))
                .collect();
            let open = positions.iter().copied().find(|&p| {
                walkthrough::wants_answer(
                    &app.steps[p].question,
                    &document.evaluation,
                    &document.assessment,
                )
            });
            match open.or(positions.first().copied()) {
                Some(step) => go_to_step(app, step),
                None => app.say(
                    Tone::Info,
                    "This obligation is decided by derived values only.",
                ),
            }
        }
        _ => {}
    }
    Vec::new()
}
