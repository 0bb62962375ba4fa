//! Opening an assessment in the TUI: what changed in the questionnaires since it was
//! answered (said once; an editable assessment moves onto the current versions), where
//! the walkthrough resumes, the read-only and take-over notices, and the open review
//! queries. Pure: the shell read the file and took the lock.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::changes;
use super::state::{App, Document, SaveState, Screen, StatusMessage, Tone};
use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::findings;
use crate::assessment::record::Assessment;
use crate::assessment::upgrade;
use crate::walkthrough;

impl App {
    /// Puts an assessment in front of the user, resuming where they left off.
    /// Accepting newer questionnaire versions is audited at the Unix epoch here; the
    /// shell opens through [`update`] with the real time.
    pub fn open(&mut self, path: PathBuf, assessment: Assessment, read_only: Option<String>) {
        self.open_with(path, assessment, read_only, None, DateTime::UNIX_EPOCH);
    }

    /// `take_over`: the lock is stale and may be taken over; `Some(true)` after a warning.
    /// Returns whether the assessment changed on opening (it was moved onto the current
    /// questionnaire versions) and needs saving.
    pub(crate) fn open_with(
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
}
