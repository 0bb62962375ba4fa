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
//!
//! This file is the session itself (opening, access, changes, saving) and the lists'
//! summaries; beside it, `answer_effects` (what an answer started or stopped, and how a
//! front end says so), `holder` (a lock's holder in words), `typed_text` (what typed
//! text may go into the record), `evidence` (local evidence files fingerprinted when
//! an answer names one; looking at them again is `store::evidence`) and `error`. They import each other downwards and never this file;
//! it re-exports what front ends use, so every name is `session::...`.

mod answer_effects;
mod error;
mod evidence;
mod holder;
mod typed_text;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::findings;
use crate::assessment::record::{AnswerProblem, Assessment, Person};
use crate::assessment::upgrade::{accept_current_questionnaires, upgrade_report, UpgradeReport};
use crate::assessment::{roles, sign_off};
use crate::questionnaire::answer::{AnswerValue, Answers};
use crate::questionnaire::model::Catalogue;
use crate::rules::Evaluation;
use crate::store::{self, locations, lock, Editor, LockInfo, Opened, Staleness, StoreError};
use crate::walkthrough::{self, Step};
use holder::{holder_phrase, since, stale_reason};

// Each piece is defined where its concept lives; the front ends name them all as
// `session::...`.
pub use answer_effects::{
    effects, obligation_change_lines, obligation_change_summary, AnswerEffects, ObligationChange,
};
pub use error::SessionError;
pub use evidence::fingerprint_local_evidence;
// Reads files, so it lives in the store; named here too, where the front ends look.
pub use crate::store::evidence::observe_evidence;
pub use holder::{age, take_over_notice};
pub use typed_text::{
    check_answer_text, check_text, checked_system, MAX_DESCRIPTION_CHARS, MAX_SYSTEM_NAME_CHARS,
};

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
