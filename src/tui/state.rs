//! The TUI's state: the open assessment (`Document`), what is on screen (`Screen`,
//! overlays, forms, text boxes, prompts, the status line), and the messages that cross
//! to and from the shell (`Msg` in, `Effect` out). `update` and its parts change these;
//! `view` only reads them. Queries both sides ask (the current question and its rows,
//! section progress, search results, names in messages) live here too.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::form::{Form, FormKind};
use super::prompt::Prompt;
use super::text_box::TextBox;
use super::theme::Theme;
use super::zone::Zone;
use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::record::{Assessment, Person};
use crate::assessment::signature::Kind;
use crate::questionnaire::answer::{AnswerValue, EvidenceRef};
use crate::questionnaire::model::{AnswerKind, Catalogue, Question};
use crate::rules::Evaluation;
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
    pub(crate) fn new(purpose: EditPurpose, question: &str, text: &str) -> Editor {
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
    pub pending_signature: Option<Pending>,
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
    pub(crate) fn reset_cursor(&mut self) {
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

/// "the notes are too long" -> "The notes are too long": a core message at the start of
/// a sentence.
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What waits for the key to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// The reviewer's sign-off, with its statement.
    SignOff { statement: String },
    /// The signature of a risk acceptance or exception approval just recorded.
    Decision { finding: String, kind: Kind },
}

/// A signature waiting for the passphrase, and the tries used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub waiting: Waiting,
    pub tries: usize,
}
