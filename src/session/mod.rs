//! One assessment open in an interactive front end (the plain line-by-line mode and the
//! TUI): everything both need to do the same thing when a file is opened, answered and
//! saved, so the two front ends cannot drift apart.
//!
//! Opening takes the assessment's lock, or falls back to read-only with a reason a person
//! can act on ("open in Ann Lead's secassess on host ward-pc since 09:41"); a lock left by
//! a process that has ended is reported so the front end can ask "take over?". While
//! open, the session keeps the typed answers, the problems with stored answers, the
//! questionnaire upgrade report and the rules evaluation in step with the record, and
//! says after each answer which obligations started or stopped applying.
//!
//! No terminal code here: the front ends decide how to show things. Time is passed in
//! (`now`), so the session is as testable as the core it wraps.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local, Utc};

use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::findings;
use crate::assessment::record::{AnswerProblem, Assessment, Person, System};
use crate::assessment::upgrade::{accept_current_questionnaires, upgrade_report, UpgradeReport};
use crate::assessment::{roles, sign_off};
use crate::questionnaire::answer::{AnswerError, AnswerValue, Answers};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::Evaluation;
use crate::store::{self, locations, lock, Editor, LockInfo, Opened, Staleness, StoreError};
use crate::text::{is_unsafe_control, sanitise_line};
use crate::walkthrough::{self, Step};

/// Longest system name accepted: it is a title, not a description.
pub const MAX_SYSTEM_NAME_CHARS: usize = 200;
/// Longest system description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path} is open read-only: {reason}. Nothing was changed or saved.")]
    ReadOnly { path: PathBuf, reason: String },
    #[error("there is no question '{id}' in the loaded questionnaires")]
    UnknownQuestion { id: String },
    #[error("{0}")]
    Answer(#[from] AnswerError),
    /// Text the user typed that cannot go into the record; `problem` names `what`.
    #[error("{problem}")]
    InvalidText { what: &'static str, problem: String },
    #[error("{0}")]
    Evidence(#[from] store::evidence::EvidenceError),
    /// The change would be the one that marks a signed-off assessment changed, and the
    /// user has not agreed to it ([`Session::agree_to_change_after_sign_off`]).
    #[error("the assessment is {notice}. Nothing was changed.")]
    SignedOff { notice: String },
    /// The person's part in the assessment does not allow the change (see
    /// `assessment::roles`).
    #[error("{0}. Nothing was changed.")]
    Role(String),
}

/// Whether this session may change the file, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// We hold the lock: answers can be given and saved.
    Editable,
    /// A running secassess on this computer has it open for editing.
    HeldBy(LockInfo),
    /// The lock was left by a secassess that is no longer running, or this computer
    /// cannot tell whether its holder still is (see [`Staleness`]): read-only until the
    /// user agrees to [`Session::take_over`], after a warning when
    /// [`Staleness::needs_warning`].
    StaleLock(LockInfo, Staleness),
    /// The file does not end the way secassess always writes it, so it may have been
    /// cut short; it is never saved over until someone has checked it.
    Incomplete,
}

/// An obligation that started or stopped applying after an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationChange {
    pub id: String,
    pub level: Level,
    pub title: String,
    /// True when it now applies, false when it no longer does.
    pub applies: bool,
    /// Why, as the rules engine words it ("Applies because ...").
    pub reason: String,
}

/// What an answer changed beyond itself, for a front end to announce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerEffects {
    pub obligations: Vec<ObligationChange>,
    /// Ids of notices (such as the SECRET stop) shown now that were not before.
    pub new_notices: Vec<String>,
}

impl AnswerEffects {
    pub fn is_empty(&self) -> bool {
        self.obligations.is_empty() && self.new_notices.is_empty()
    }
}

/// A local evidence file named in an answer gets its SHA-256, size and absolute path
/// recorded, so a later change to the document can be detected; a file that cannot be
/// read (missing, a folder, a pipe or device, larger than the cap) is an error rather
/// than an unverifiable reference. A value already fingerprinted is returned as it is,
/// so a command can call this before taking the assessment's lock (reading a large file
/// then holds nobody up) and [`Session::answer`] does not read the file again.
pub fn fingerprint_local_evidence(value: AnswerValue) -> Result<AnswerValue, SessionError> {
    match value {
        AnswerValue::Evidence(mut evidence) if evidence.sha256.is_none() => {
            if let Some(path) = evidence.path.clone() {
                let print = store::evidence::fingerprint(Path::new(&path))?;
                evidence.path = Some(print.path.display().to_string());
                evidence.sha256 = Some(print.sha256);
                evidence.size = Some(print.size);
            }
            Ok(AnswerValue::Evidence(evidence))
        }
        other => Ok(other),
    }
}

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

/// An obligation as a message names it: its title, and its id in brackets when
/// `with_ids` (`--verbose`). Sanitised.
fn obligation_name(change: &ObligationChange, with_ids: bool) -> String {
    if with_ids {
        format!(
            "{} [{}]",
            sanitise_line(&change.title),
            sanitise_line(&change.id)
        )
    } else {
        sanitise_line(&change.title)
    }
}

/// Looks at every local evidence file the assessment records (answers and findings),
/// relative paths taken from the assessment's folder, as `assessment::evidence` needs
/// them: present with its SHA-256 and size, missing, or unreadable.
pub fn observe_evidence(assessment: &Assessment, assessment_path: &Path) -> EvidenceFiles {
    let base = assessment_path.parent().unwrap_or(Path::new("."));
    let mut files = EvidenceFiles::not_checked();
    for path in EvidenceFiles::paths(assessment) {
        let state = match store::evidence::fingerprint(&base.join(&path)) {
            Ok(print) => FileState::Present {
                sha256: print.sha256,
                size: print.size,
            },
            Err(store::evidence::EvidenceError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                FileState::Missing
            }
            Err(e) => FileState::Unreadable {
                reason: e.to_string(),
            },
        };
        files.insert(&path, state);
    }
    files
}

/// One line per obligation that started or stopped applying, for line-by-line output:
/// "Now applies: Have the system penetration tested (MUST) because ...". Obligations are
/// named by title, with ids too when `with_ids`. Text is sanitised.
pub fn obligation_change_lines(effects: &AnswerEffects, with_ids: bool) -> Vec<String> {
    let started = effects
        .obligations
        .iter()
        .filter(|c| c.applies)
        .map(|change| {
            let reason = change
                .reason
                .strip_prefix("Applies ")
                .map(|r| format!(" {r}"))
                .unwrap_or_else(|| format!(": {}", change.reason));
            format!(
                "Now applies: {} ({}){}",
                obligation_name(change, with_ids),
                change.level.name(),
                sanitise_line(&reason)
            )
        });
    let stopped = effects
        .obligations
        .iter()
        .filter(|c| !c.applies)
        .map(|change| {
            format!(
                "No longer applies: {} ({}): {}",
                obligation_name(change, with_ids),
                change.level.name(),
                sanitise_line(&change.reason)
            )
        });
    started.chain(stopped).collect()
}

/// At most this many obligations are named per direction on the status line; the rest
/// are counted ("and 2 more").
const NAMED_ON_ONE_LINE: usize = 3;

/// The same changes on one status-bar line, by title (with ids when `with_ids`), MUST
/// before SHOULD before MAY and then alphabetical, so the line reads the same whatever
/// order the questionnaires define them in: "Now applies: A; B. No longer applies: C".
/// More than three in one direction: the first two, and how many more. None when nothing
/// started or stopped applying.
pub fn obligation_change_summary(effects: &AnswerEffects, with_ids: bool) -> Option<String> {
    let names = |applies: bool| -> Option<String> {
        let mut changes: Vec<&ObligationChange> = effects
            .obligations
            .iter()
            .filter(|c| c.applies == applies)
            .collect();
        changes.sort_by_key(|c| (c.level, sanitise_line(&c.title)));
        let mut names: Vec<String> = changes
            .iter()
            .map(|c| obligation_name(c, with_ids))
            .collect();
        if names.len() > NAMED_ON_ONE_LINE {
            let more = names.len() - (NAMED_ON_ONE_LINE - 1);
            names.truncate(NAMED_ON_ONE_LINE - 1);
            names.push(format!("and {more} more"));
        }
        (!names.is_empty()).then(|| names.join("; "))
    };
    let mut parts = Vec::new();
    if let Some(started) = names(true) {
        parts.push(format!("Now applies: {started}"));
    }
    if let Some(stopped) = names(false) {
        parts.push(format!("No longer applies: {stopped}"));
    }
    (!parts.is_empty()).then(|| parts.join(". "))
}

/// How the session holds the file.
#[derive(Debug)]
enum Mode {
    Editable(Editor),
    ReadOnly,
}

/// One assessment open for a front end.
#[derive(Debug)]
pub struct Session {
    path: PathBuf,
    catalogue: Arc<Catalogue>,
    who: Person,
    mode: Mode,
    access: Access,
    assessment: Assessment,
    steps: Vec<Step>,
    answers: Answers,
    problems: Vec<AnswerProblem>,
    upgrade: UpgradeReport,
    evaluation: Evaluation,
    /// Changes made since the last save.
    dirty: bool,
    /// Migration steps the file needs (saved on the next save).
    migrations: Vec<&'static str>,
    /// When it was opened: the age of a lock is told relative to this.
    opened_at: DateTime<Utc>,
    /// The questionnaires had new questions or changed answered ones when it was opened.
    upgraded_at_open: bool,
    /// The local evidence files as found when the file was opened (or re-checked).
    evidence: EvidenceFiles,
    /// The user agreed to change the assessment although it is signed off.
    after_sign_off: bool,
}

impl Session {
    /// Opens `path` as `who`: for editing if the lock can be taken, read-only otherwise.
    /// Errors only when the file itself cannot be read. A symbolic link is followed
    /// (`store::resolve_assessment`): [`Session::path`] is the file it points to.
    pub fn open(
        path: &Path,
        catalogue: impl Into<Arc<Catalogue>>,
        who: Person,
        now: DateTime<Utc>,
    ) -> Result<Session, SessionError> {
        let catalogue = catalogue.into();
        let path = &store::resolve_assessment(path)?;
        let (mode, access, loaded) = match store::open_for_edit(path, &who, now) {
            Ok(Opened::Editable(editor, loaded)) => {
                (Mode::Editable(editor), Access::Editable, loaded)
            }
            Ok(Opened::ReadOnly(loaded, info)) => (Mode::ReadOnly, Access::HeldBy(info), loaded),
            Ok(Opened::Stale(loaded, info, staleness)) => {
                (Mode::ReadOnly, Access::StaleLock(info, staleness), loaded)
            }
            // The lock was released again when the editor was refused; viewing is safe.
            Err(StoreError::Incomplete { .. }) => (
                Mode::ReadOnly,
                Access::Incomplete,
                Box::new(store::load(path)?),
            ),
            Err(e) => return Err(e.into()),
        };
        let loaded = *loaded;
        let steps = walkthrough::steps(&catalogue);
        let (answers, _) = loaded.assessment.typed_answers(&catalogue);
        let (evaluation, problems) = findings::evaluate(&loaded.assessment, &catalogue);
        let upgrade = upgrade_report(&loaded.assessment, &catalogue);
        let upgraded_at_open = !upgrade.new_questions.is_empty() || !upgrade.reconfirm.is_empty();
        let evidence = observe_evidence(&loaded.assessment, path);
        Ok(Session {
            path: path.to_path_buf(),
            catalogue,
            who,
            mode,
            access,
            assessment: loaded.assessment,
            steps,
            answers,
            problems,
            upgrade,
            evaluation,
            dirty: false,
            migrations: loaded.migrations,
            opened_at: now,
            upgraded_at_open,
            evidence,
            after_sign_off: false,
        })
    }

    /// The local evidence files as found when the file was opened or last re-checked.
    pub fn evidence(&self) -> &EvidenceFiles {
        &self.evidence
    }

    /// Looks at the local evidence files again (before a sign-off, say).
    pub fn recheck_evidence(&mut self) {
        self.evidence = observe_evidence(&self.assessment, &self.path);
    }

    /// What readiness and the sign-off's state are judged against: this session's
    /// catalogue and evidence files, and `today`.
    pub fn judged(&self, today: chrono::NaiveDate) -> sign_off::Judged<'_> {
        sign_off::Judged {
            catalogue: &self.catalogue,
            evidence: &self.evidence,
            today,
        }
    }

    /// What to ask before changing the assessment, when it is signed off and the content
    /// is still what was signed (see `sign_off::change_notice`), and the user has not
    /// agreed yet.
    pub fn sign_off_notice(&self) -> Option<String> {
        if self.after_sign_off {
            return None;
        }
        sign_off::change_notice(&self.assessment)
    }

    /// The user agreed to change the assessment although it is signed off: answers and
    /// notes are no longer refused with [`SessionError::SignedOff`].
    pub fn agree_to_change_after_sign_off(&mut self) {
        self.after_sign_off = true;
    }

    /// Refuses a change to answers or notes that the person may not make, or that would
    /// break a sign-off the user has not agreed to break.
    fn check_may_change_answers(&self) -> Result<(), SessionError> {
        roles::may_change_answers(&self.assessment, &self.who).map_err(SessionError::Role)?;
        match self.sign_off_notice() {
            Some(notice) => Err(SessionError::SignedOff { notice }),
            None => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The catalogue, shared, for a front end that keeps its own reference.
    pub fn shared_catalogue(&self) -> Arc<Catalogue> {
        Arc::clone(&self.catalogue)
    }

    /// Who is answering: written into every answer and audit entry.
    pub fn who(&self) -> &Person {
        &self.who
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn is_editable(&self) -> bool {
        matches!(self.mode, Mode::Editable(_))
    }

    /// Why the file cannot be changed, in words for the user; `None` when it can.
    pub fn read_only_reason(&self) -> Option<String> {
        match &self.access {
            Access::Editable => None,
            Access::HeldBy(info) => Some(format!(
                "it is open in {} since {} (only one person can change it at a time). Finish there and close it, then open it again; if that secassess has stopped responding, end process {} on this computer first",
                holder_phrase(info),
                since(info.started_at, self.opened_at),
                info.pid
            )),
            Access::StaleLock(info, staleness) => Some(stale_reason(
                info,
                *staleness,
                &lock::lock_path(&self.path),
                self.opened_at,
            )),
            Access::Incomplete => Some(format!(
                "the file does not end with the line '{}' that secassess always writes last, so it may have been cut short; compare it with {} before changing it (if it is complete, add that line at the end)",
                store::END_MARKER,
                store::compare_hint(&self.path)
            )),
        }
    }

    /// Takes over a stale lock once the user has agreed, and re-reads the file under the
    /// new lock. Returns the words saying whose lock was overridden
    /// ([`take_over_notice`]), or `None` when nothing was taken: the file was not
    /// stale-locked, or the lock changed meanwhile (someone else took it, or its holder
    /// came back), and then the session stays read-only and [`Session::access`] says who.
    pub fn take_over(&mut self, now: DateTime<Utc>) -> Result<Option<String>, SessionError> {
        let Access::StaleLock(stale, _) = &self.access else {
            return Ok(None);
        };
        let notice = take_over_notice(stale, now);
        match lock::take_over(&self.path, stale, &self.who, now)? {
            store::LockOutcome::Acquired(guard) => {
                let loaded = store::load(&self.path)?;
                let editor = Editor::new(&self.path, guard, &loaded)?;
                self.mode = Mode::Editable(editor);
                self.access = Access::Editable;
                self.assessment = loaded.assessment;
                self.migrations = loaded.migrations;
                self.dirty = false;
                self.evidence = observe_evidence(&self.assessment, &self.path);
                self.upgrade = upgrade_report(&self.assessment, &self.catalogue);
                self.reevaluate();
                Ok(Some(notice))
            }
            store::LockOutcome::HeldBy(info) => {
                self.access = Access::HeldBy(info);
                Ok(None)
            }
            store::LockOutcome::Stale(info, staleness) => {
                self.access = Access::StaleLock(info, staleness);
                Ok(None)
            }
        }
    }

    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    /// The record itself, for changes the session has no method for. Marks the session
    /// changed; call [`Session::reevaluate`] after changing answers this way.
    pub fn assessment_mut(&mut self) -> Result<&mut Assessment, SessionError> {
        self.check_editable()?;
        self.dirty = true;
        Ok(&mut self.assessment)
    }

    /// The walkthrough order for the loaded questionnaires.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The stored answers typed against the catalogue.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Stored answers that could not be used, and why.
    pub fn answer_problems(&self) -> &[AnswerProblem] {
        &self.problems
    }

    /// What changed in the questionnaires since the assessment was answered.
    pub fn upgrade(&self) -> &UpgradeReport {
        &self.upgrade
    }

    /// What each migration of an older file format will change when it is next saved.
    pub fn migrations(&self) -> &[&'static str] {
        &self.migrations
    }

    pub fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }

    /// Whether there are changes not saved yet.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Records that the user has seen the upgrade report: the assessment now follows the
    /// loaded questionnaire versions. Answers to changed questions stay marked for
    /// re-confirmation until answered again.
    pub fn accept_questionnaire_upgrade(&mut self, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.check_editable()?;
        if self.upgrade.questionnaires.is_empty() {
            return Ok(());
        }
        self.dirty |=
            accept_current_questionnaires(&mut self.assessment, &self.catalogue, &self.who, now);
        self.upgrade = upgrade_report(&self.assessment, &self.catalogue);
        Ok(())
    }

    /// Answers a question (audited, as `who`), re-evaluates, and says which obligations
    /// started or stopped applying and which notices appeared. Does not save.
    pub fn answer(
        &mut self,
        question_id: &str,
        value: AnswerValue,
        now: DateTime<Utc>,
    ) -> Result<AnswerEffects, SessionError> {
        self.check_editable()?;
        let question =
            self.catalogue
                .question(question_id)
                .ok_or_else(|| SessionError::UnknownQuestion {
                    id: question_id.to_string(),
                })?;
        check_answer_text(&value)?;
        let value = fingerprint_local_evidence(value)?;
        if let Err(refused) = self.check_may_change_answers() {
            // Saying the same thing again changes nothing, so it is never refused.
            let mut trial = self.assessment.clone();
            trial.set_answer(question, &value, &self.who, now)?;
            if trial.audit.len() != self.assessment.audit.len() {
                return Err(refused);
            }
            return Ok(AnswerEffects::default());
        }
        let before_len = self.assessment.audit.len();
        self.assessment
            .set_answer(question, &value, &self.who, now)?;
        if self.assessment.audit.len() != before_len {
            self.dirty = true;
        }
        let before = self.evaluation.clone();
        self.reevaluate();
        Ok(effects(&before, &self.evaluation))
    }

    /// Sets the notes on a question (audited). Does not save.
    pub fn set_notes(
        &mut self,
        question_id: &str,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SessionError> {
        self.check_editable()?;
        self.check_question(question_id)?;
        check_text("the notes", notes, MAX_DESCRIPTION_CHARS, true)?;
        if self
            .assessment
            .answers
            .get(question_id)
            .map_or(notes.is_empty(), |r| r.notes == notes)
        {
            return Ok(());
        }
        self.check_may_change_answers()?;
        let before = self.assessment.audit.len();
        self.assessment
            .set_notes(question_id, notes, &self.who, now);
        self.dirty |= self.assessment.audit.len() != before;
        Ok(())
    }

    /// Changes the system's name and description (audited). Returns whether anything
    /// changed. Does not save.
    pub fn set_system(
        &mut self,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, SessionError> {
        self.check_editable()?;
        let system = checked_system(name, description)?;
        if system == self.assessment.system {
            return Ok(false);
        }
        self.check_may_change_answers()?;
        let changed = self.assessment.set_system(system, &self.who, now);
        self.dirty |= changed;
        Ok(changed)
    }

    /// Marks a question "answer later", or clears the mark. Does not save.
    pub fn set_flagged(
        &mut self,
        question_id: &str,
        flagged: bool,
        now: DateTime<Utc>,
    ) -> Result<(), SessionError> {
        self.check_editable()?;
        self.check_question(question_id)?;
        let was = self
            .assessment
            .answers
            .get(question_id)
            .is_some_and(|a| a.flagged);
        if was != flagged {
            self.assessment
                .set_flagged(question_id, flagged, &self.who, now);
            self.dirty = true;
        }
        Ok(())
    }

    /// Remembers where the walkthrough is, so reopening resumes there. Not audited;
    /// saved with the next save. Ignored in a read-only session.
    pub fn set_last_question(&mut self, question_id: &str) {
        if !self.is_editable() {
            return;
        }
        if self.assessment.last_question.as_deref() != Some(question_id) {
            self.assessment.last_question = Some(question_id.to_string());
            self.dirty = true;
        }
    }

    /// The step to start the walkthrough at: where it was left if that question still
    /// needs an answer, otherwise the next one that does (the first, for a new
    /// assessment); `None` when everything asked is answered.
    pub fn resume_step(&self) -> Option<usize> {
        let last = self
            .assessment
            .last_question
            .as_deref()
            .and_then(|id| self.steps.iter().position(|s| s.question == id));
        match last {
            // After a questionnaire upgrade, new questions and answers to confirm again
            // come first, wherever the user had got to.
            _ if self.upgraded_at_open => walkthrough::next_open(
                &self.steps,
                self.steps.len().saturating_sub(1),
                &self.evaluation,
                &self.assessment,
            ),
            Some(index)
                if walkthrough::wants_answer(
                    &self.steps[index].question,
                    &self.evaluation,
                    &self.assessment,
                ) =>
            {
                Some(index)
            }
            Some(index) => {
                walkthrough::next_open(&self.steps, index, &self.evaluation, &self.assessment)
            }
            None => walkthrough::next_open(
                &self.steps,
                self.steps.len().saturating_sub(1),
                &self.evaluation,
                &self.assessment,
            ),
        }
    }

    /// The single next thing to do, in words.
    pub fn next_thing_to_do(&self) -> String {
        walkthrough::next_thing_to_do(
            &self.catalogue,
            &self.steps,
            &self.evaluation,
            &self.assessment,
        )
    }

    /// Recomputes the typed answers and the evaluation from the record.
    pub fn reevaluate(&mut self) {
        let (answers, problems) = self.assessment.typed_answers(&self.catalogue);
        self.evaluation = findings::evaluate(&self.assessment, &self.catalogue).0;
        self.answers = answers;
        self.problems = problems;
    }

    /// Saves the assessment through the store (atomically, keeping `FILE.bak`). Refused
    /// in a read-only session.
    pub fn save(&mut self) -> Result<(), SessionError> {
        let reason = self.read_only_reason();
        match &mut self.mode {
            Mode::Editable(editor) => {
                editor.save(&self.assessment)?;
                self.dirty = false;
                self.migrations.clear();
                Ok(())
            }
            Mode::ReadOnly => Err(SessionError::ReadOnly {
                path: self.path.clone(),
                reason: reason.unwrap_or_else(|| String::from("it was opened read-only")),
            }),
        }
    }

    /// A warning when the file is nearing the size secassess can read (80 % of
    /// `store::MAX_ASSESSMENT_BYTES` or more), as opened or last saved; `None` otherwise
    /// and in a read-only session.
    pub fn size_warning(&self) -> Option<String> {
        match &self.mode {
            Mode::Editable(editor) => editor.size_warning(),
            Mode::ReadOnly => None,
        }
    }

    fn check_editable(&self) -> Result<(), SessionError> {
        match self.read_only_reason() {
            Some(reason) if !self.is_editable() => Err(SessionError::ReadOnly {
                path: self.path.clone(),
                reason,
            }),
            _ => Ok(()),
        }
    }

    fn check_question(&self, question_id: &str) -> Result<(), SessionError> {
        match self.catalogue.question(question_id) {
            Some(_) => Ok(()),
            None => Err(SessionError::UnknownQuestion {
                id: question_id.to_string(),
            }),
        }
    }
}

/// Obligations whose "applies" changed to or from true, and notices that appeared.
pub fn effects(before: &Evaluation, after: &Evaluation) -> AnswerEffects {
    let obligations = after
        .obligations
        .iter()
        .filter_map(|now| {
            let was = before
                .obligation(&now.id)
                .is_some_and(|o| o.applies == Truth::True);
            let is = now.applies == Truth::True;
            (was != is).then(|| ObligationChange {
                id: now.id.clone(),
                level: now.level,
                title: now.title.clone(),
                applies: is,
                reason: now.reasons.first().cloned().unwrap_or_default(),
            })
        })
        .collect();
    let new_notices = after
        .notices
        .iter()
        .filter(|n| !before.notices.iter().any(|b| b.id == n.id))
        .map(|n| n.id.clone())
        .collect();
    AnswerEffects {
        obligations,
        new_notices,
    }
}

/// "Ann Lead <ann@nhs.net>'s secassess (process 4242) on this computer", or "on computer
/// WARD-PC (account alead)" for another host. Sanitised.
fn holder_phrase(info: &LockInfo) -> String {
    let who = sanitise_line(&info.holder);
    if info.host.is_empty() {
        return format!("{who}'s secassess");
    }
    if info.host == lock::this_host() {
        return format!("{who}'s secassess (process {}) on this computer", info.pid);
    }
    let account = info
        .account
        .as_deref()
        .map(|a| format!(", account {}", sanitise_line(a)))
        .unwrap_or_default();
    format!(
        "{who}'s secassess on computer {}{account}",
        sanitise_line(&info.host)
    )
}

/// Why a stale lock keeps the file read-only, and what the user can do about it.
fn stale_reason(
    info: &LockInfo,
    staleness: Staleness,
    lock_file: &Path,
    now: DateTime<Utc>,
) -> String {
    let holder = holder_phrase(info);
    let since = since(info.started_at, now);
    let age = age(info.started_at, now);
    let lock_file = sanitise_line(&lock_file.display().to_string());
    match staleness {
        Staleness::Ended => format!(
            "it was left open by {holder} since {since} ({age}), which is no longer running; it can be taken over"
        ),
        Staleness::PidReused => format!(
            "it was left open by {holder} since {since} ({age}); that secassess has ended and its process number now belongs to another program, so it can be taken over"
        ),
        Staleness::OwnPid => format!(
            "it was left open by {holder} since {since} ({age}): that process number is now this secassess's own, so the program that wrote the lock has ended; it can be taken over"
        ),
        Staleness::Unreadable => format!(
            "its lock file {lock_file} cannot be read, so nobody can be shown as holding it; it can be taken over (or delete {lock_file} once you are sure no secassess has the file open)"
        ),
        Staleness::OtherHost => format!(
            "it is locked by {holder} since {since} ({age}), and this computer cannot see whether it is still open there. If it is, ask them to close it. If you are sure it is not (that computer crashed or was switched off, or the lock is old), it can be taken over: their secassess will then refuse to save over your work. Deleting {lock_file} also clears it"
        ),
        Staleness::Unverifiable => format!(
            "it is locked by {holder} since {since} ({age}); the lock does not say when that program started and process {} is running, so it may still be open. Close it there if it is; if you are sure it is not, it can be taken over. Deleting {lock_file} also clears it",
            info.pid
        ),
    }
}

/// What taking over a lock overrides, in one sentence: "Took over the lock held by Ann
/// Lead's secassess on computer WARD-PC since 2026-09-01 10:00 (2 months ago)."
/// Sanitised.
pub fn take_over_notice(info: &LockInfo, now: DateTime<Utc>) -> String {
    if info.is_unreadable() {
        // A lock file that was garbage, a pipe or a device names nobody and no time.
        return "Took over the lock: its lock file could not be read, so it named nobody."
            .to_string();
    }
    format!(
        "Took over the lock held by {} since {} ({}).",
        holder_phrase(info),
        since(info.started_at, now),
        age(info.started_at, now)
    )
}

/// "09:41" on the day of `now`, "2025-06-01 09:41" on another day, in the user's local
/// time (the offset in force at `at`).
fn since(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    if local.date_naive() == now.with_timezone(&Local).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// How long ago `at` was, in rough words: "3 minutes ago", "2 months ago".
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match minutes {
        i64::MIN..=0 => String::from("just now"),
        1..=59 => plural(minutes, "minute"),
        60..=2879 => plural(minutes / 60, "hour"),
        2880..=86_399 => plural(minutes / 1440, "day"),
        86_400..=1_051_199 => plural(minutes / 43_200, "month"),
        _ => plural(minutes / 525_600, "year"),
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

/// What a list of assessments shows about one: its name, classification and progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub name: String,
    /// "OFFICIAL-SENSITIVE", "at least OFFICIAL" while answers are missing.
    pub classification: String,
    pub answered: usize,
    pub total: usize,
}

pub fn summarise(assessment: &Assessment, catalogue: &Catalogue) -> Summary {
    let (evaluation, _) = findings::evaluate(assessment, catalogue);
    Summary {
        name: crate::text::sanitise_line(&assessment.system.name),
        classification: classification_phrase(&evaluation),
        answered: evaluation.progress.answered,
        total: evaluation.progress.total,
    }
}

/// The effective classification in a few words, for lists and headers.
pub fn classification_phrase(evaluation: &Evaluation) -> String {
    match &evaluation.effective_classification {
        Some(ec) => ec
            .label
            .clone()
            .unwrap_or_else(|| format!("at least {}", ec.at_least_label)),
        None => String::from("classification not known yet"),
    }
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

/// Creates a new assessment for a system in `data_dir` (made if missing), named after the
/// system, never over an existing file; returns its path. Open it with
/// [`Session::open`].
pub fn create_assessment(
    data_dir: &Path,
    name: &str,
    description: &str,
    catalogue: &Catalogue,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<PathBuf, SessionError> {
    let system = checked_system(name, description)?;
    store::ensure_dir(data_dir)?;
    let path = locations::default_path(data_dir, &system.name);
    let assessment = Assessment::new(system, who.clone(), catalogue, now);
    store::create(&path, &assessment)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Person {
        Person {
            name: "Ann Lead".into(),
            role: "Project lead".into(),
            email: "ann@example.org".into(),
        }
    }

    fn bob() -> Person {
        Person {
            name: "Bob Other".into(),
            role: String::new(),
            email: "bob@example.org".into(),
        }
    }

    fn setup() -> (tempfile::TempDir, PathBuf, Arc<Catalogue>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalogue = Arc::new(crate::questionnaire::load_embedded().expect("content loads"));
        let path = create_assessment(dir.path(), "Ward rota", "", &catalogue, &ann(), Utc::now())
            .expect("created");
        (dir, path, catalogue)
    }

    #[test]
    fn change_summary_lists_sorted_titles_on_one_line_and_ids_only_when_verbose() {
        let change = |id: &str, title: &str, applies: bool| ObligationChange {
            id: id.into(),
            level: Level::Must,
            title: title.into(),
            applies,
            reason: String::from("Applies because it handles personal data."),
        };
        let effects = AnswerEffects {
            obligations: vec![
                change(
                    "penetration-test",
                    "Have the system penetration tested",
                    true,
                ),
                change("iams-registration", "Register the system in IAMS", true),
                change(
                    "mfa-elevated",
                    "Use MFA on \u{1b}[2Jelevated accounts",
                    false,
                ),
            ],
            new_notices: Vec::new(),
        };
        assert_eq!(
            obligation_change_summary(&effects, false).as_deref(),
            Some("Now applies: Have the system penetration tested; Register the system in IAMS. No longer applies: Use MFA on \u{fffd}[2Jelevated accounts")
        );
        let mut many = effects.clone();
        many.obligations.push(change(
            "it-health-check",
            "Carry out an IT Health Check",
            true,
        ));
        many.obligations
            .push(change("dspt", "Record personal data processing", true));
        assert_eq!(
            obligation_change_summary(&many, false).as_deref(),
            Some("Now applies: Carry out an IT Health Check; Have the system penetration tested; and 2 more. No longer applies: Use MFA on \u{fffd}[2Jelevated accounts")
        );
        let verbose = obligation_change_summary(&effects, true).unwrap_or_default();
        assert!(
            verbose.contains("Have the system penetration tested [penetration-test]"),
            "{verbose}"
        );
        let lines = obligation_change_lines(&effects, false);
        assert_eq!(
            lines[0],
            "Now applies: Have the system penetration tested (MUST) because it handles personal data."
        );
        assert!(!lines.concat().contains("penetration-test"));
        assert_eq!(
            obligation_change_summary(&AnswerEffects::default(), false),
            None
        );
    }

    #[test]
    fn answers_are_saved_and_effects_announced() {
        let (_dir, path, catalogue) = setup();
        let mut session =
            Session::open(&path, catalogue.clone(), ann(), Utc::now()).expect("opens");
        assert!(session.is_editable());
        assert_eq!(session.resume_step(), Some(0));
        let effects = session
            .answer("web_application", AnswerValue::YesNo(true), Utc::now())
            .expect("answered");
        assert!(
            effects.obligations.iter().any(|o| o.applies),
            "a web application brings obligations: {effects:?}"
        );
        assert!(session.is_dirty());
        session.set_last_question("web_application");
        session.save().expect("saved");
        assert!(!session.is_dirty());
        drop(session);
        let saved = store::load(&path).expect("loads").assessment;
        assert_eq!(
            saved.answers["web_application"].answered_by,
            ann().signature()
        );
        assert_eq!(saved.last_question.as_deref(), Some("web_application"));
        assert_eq!(saved.audit.len(), 2, "the creation and the answer");
    }

    #[test]
    fn a_second_opener_is_read_only_and_told_who() {
        let (_dir, path, catalogue) = setup();
        let first = Session::open(&path, catalogue.clone(), ann(), Utc::now()).expect("opens");
        let mut second = Session::open(&path, catalogue, bob(), Utc::now()).expect("opens");
        assert!(first.is_editable());
        assert!(!second.is_editable());
        let reason = second.read_only_reason().expect("a reason");
        assert!(reason.contains("Ann Lead"), "{reason}");
        assert!(matches!(
            second.answer("personal_data", AnswerValue::YesNo(true), Utc::now()),
            Err(SessionError::ReadOnly { .. })
        ));
        assert!(matches!(second.save(), Err(SessionError::ReadOnly { .. })));
    }

    #[test]
    fn a_lock_s_age_is_said_in_rough_words() {
        let now = Utc::now();
        assert_eq!(age(now, now), "just now");
        assert_eq!(age(now - chrono::Duration::minutes(1), now), "1 minute ago");
        assert_eq!(age(now - chrono::Duration::hours(5), now), "5 hours ago");
        assert_eq!(age(now - chrono::Duration::days(3), now), "3 days ago");
        assert_eq!(age(now - chrono::Duration::days(61), now), "2 months ago");
        assert_eq!(age(now - chrono::Duration::days(800), now), "2 years ago");
    }

    #[test]
    fn a_stale_lock_can_be_taken_over() {
        let (_dir, path, catalogue) = setup();
        let stale = LockInfo {
            holder: ann().signature(),
            host: String::new(),
            pid: 0,
            started_at: Utc::now(),
            process_started: None,
            account: None,
        };
        let text = toml::to_string(&stale).expect("serialises");
        std::fs::write(lock::lock_path(&path), text).expect("lock written");
        let mut session = Session::open(&path, catalogue, bob(), Utc::now()).expect("opens");
        assert!(matches!(session.access(), Access::StaleLock(..)));
        let notice = session.take_over(Utc::now()).expect("taken over");
        assert!(
            notice.is_some_and(|n| n.starts_with("Took over the lock held by Ann Lead")),
            "says whose lock it overrode"
        );
        assert!(session.is_editable());
        session
            .answer("personal_data", AnswerValue::YesNo(true), Utc::now())
            .expect("answered");
        session.save().expect("saved");
    }

    #[test]
    fn unknown_questions_and_bad_names_are_refused() {
        let (dir, path, catalogue) = setup();
        let mut session =
            Session::open(&path, catalogue.clone(), ann(), Utc::now()).expect("opens");
        assert!(matches!(
            session.answer("no_such_question", AnswerValue::YesNo(true), Utc::now()),
            Err(SessionError::UnknownQuestion { .. })
        ));
        assert!(create_assessment(dir.path(), "  ", "", &catalogue, &ann(), Utc::now()).is_err());
        assert!(
            create_assessment(dir.path(), "a\u{1b}[2J", "", &catalogue, &ann(), Utc::now())
                .is_err()
        );
        assert!(matches!(
            create_assessment(dir.path(), "Ward rota", "", &catalogue, &ann(), Utc::now()),
            Err(SessionError::Store(StoreError::AlreadyExists { .. }))
        ));
    }

    #[test]
    fn text_and_evidence_answers_refuse_control_characters_in_plain_words() {
        let (_dir, path, catalogue) = setup();
        let mut session = Session::open(&path, catalogue, ann(), Utc::now()).expect("opens");
        let refused = session
            .answer(
                "hosting_and_support",
                AnswerValue::Text(String::from("Azure\u{1b}[2J")),
                Utc::now(),
            )
            .expect_err("refused");
        assert_eq!(
            refused.to_string(),
            "there are control characters in the answer; use plain text"
        );
        let evidence = crate::questionnaire::answer::EvidenceRef {
            title: String::from("Policy"),
            link: Some(String::from("https://example.org/\u{202e}fdp.exe")),
            ..Default::default()
        };
        assert!(session
            .answer("slsp_document", AnswerValue::Evidence(evidence), Utc::now())
            .is_err());
        // "the notes contains" read badly: the message no longer agrees a verb with it.
        let notes = session
            .set_notes("hosting_and_support", "a\u{9b}b", Utc::now())
            .expect_err("refused");
        assert_eq!(
            notes.to_string(),
            "there are control characters in the notes; use plain text"
        );
        assert!(!session.is_dirty());
    }
}
