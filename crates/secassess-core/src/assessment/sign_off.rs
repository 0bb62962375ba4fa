//! The sign-off: the one rule for "ready to sign off" ([`readiness`]), the sign-off
//! itself pinned to a hash of the assessment's content ([`content_hash`]), and where a
//! sign-off stands now ([`state`]): valid only while the content is what was signed, the
//! evidence files are what was attached, and the assessment would still be ready to sign
//! off. The TUI, `secassess review`, `check`, `verify` and the evidence pack all ask these
//! functions, so none of them can call a sign-off valid beside a failing gate.
//!
//! Pure: the catalogue, the evidence files as the shell found them and today's date come
//! in as [`Judged`]; `who` and `now` are passed to the changes.

pub mod pin;

pub use super::blocker::{Blocker, BlockerKind};
pub use pin::{content_hash, sign_off_pin, signer_hash, SIGN_OFF_SUBJECT};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::audit::{self, Action, Change, HEADER_ACTIONS};
use super::evidence::EvidenceFiles;
use super::findings;
use super::identity::same_person;
use super::index::ProblemsByFinding;
use super::integrity::{self, ProblemKind};
use super::record::{
    timestamp, Assessment, Finding, FindingStatus, Person, ReviewDecision, SignOff,
};
use super::review::{self, ReviewError};
use super::roles;
use super::signature;
use super::walkthrough::{self, StepState};
use crate::questionnaire::model::Catalogue;

/// Offered when the reviewer gives no statement of their own.
pub const STANDARD_STATEMENT: &str = "I have reviewed the answers, notes and evidence in this assessment and the treatment of its findings, and I accept them.";

/// The words for a sign-off that still holds.
pub const SIGN_OFF_VALID: &str = "valid — nothing changed since sign-off";

/// The words for a sign-off whose content or evidence has changed since.
pub const SIGN_OFF_CHANGED: &str = "CHANGED SINCE SIGN-OFF";

/// The words for a sign-off whose content is what was signed but which the assessment no
/// longer supports (the gate fails today, a problem with the file, ...).
pub const SIGN_OFF_LAPSED: &str = "NO LONGER VALID";

/// What readiness and the sign-off's state are judged against.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// The questionnaires loaded now: which questions are asked, and the obligations the
    /// gate judges.
    pub catalogue: &'a Catalogue,
    /// The local evidence files as the shell found them.
    pub evidence: &'a EvidenceFiles,
    /// The day target and review dates are checked against (the gate's `today`).
    pub today: NaiveDate,
}

/// Whether the assessment is ready to sign off, and exactly what stands in the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// Everything in the way, in this order: asked questions in walking order, open
    /// queries on questions not answered, findings in register order (with evidence files
    /// of mitigations), the gate's blockers, integrity problems. Empty when ready.
    pub blockers: Vec<Blocker>,
}

impl Readiness {
    /// Nothing stands in the way: the assessment may be signed off.
    pub fn ready(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// Whether a finding is treated for sign-off: closed, mitigated, a mitigation planned
/// with an owner and a target date not passed, or a risk accepted (or escalated with an
/// acceptance) whose review date has not passed; and no consistency problem. `Ok` says
/// how, `Err` says what is missing. `problems` are the register's consistency problems,
/// grouped by finding once for the whole register (a lookup, not a scan, per finding).
pub fn finding_treatment(
    finding: &Finding,
    problems: &ProblemsByFinding<'_>,
    today: NaiveDate,
) -> Result<String, String> {
    let id = &finding.id;
    if let Some(p) = problems.of(&finding.id).first() {
        return Err(format!("{} {}", p.problem, p.fix));
    }
    if let Some(o) = findings::overdue(finding, today).first() {
        return Err(format!("{o}; update the finding"));
    }
    match (finding.status, &finding.mitigation, &finding.acceptance) {
        (FindingStatus::Closed, _, _) => Ok(String::from("closed")),
        (FindingStatus::Mitigated, Some(_), _) => Ok(String::from("mitigated")),
        (FindingStatus::MitigationPlanned, Some(plan), _) if !plan.owner.trim().is_empty() => {
            Ok(format!(
                "mitigation planned by {}, target date {}",
                plan.owner, plan.target_date
            ))
        }
        (FindingStatus::RiskAccepted | FindingStatus::Escalated, _, Some(a)) => Ok(format!(
            "risk accepted by {} on {}",
            a.accepted_by.name, a.accepted_on
        )),
        (FindingStatus::Escalated, _, None) => {
            Err(format!("{id} is escalated with no decision recorded yet"))
        }
        (status, _, _) => Err(format!(
            "{id} is {} with no mitigation plan or risk acceptance",
            status.label()
        )),
    }
}

/// The one rule for "ready to sign off": every asked question answered (not "don't know
/// yet", not flagged to answer later) and accepted on its current content, evidence file
/// included; no open query; every finding treated; the pipeline gate passed
/// ([`findings::gate`]: every applicable MUST obligation met or treated as `check`
/// requires); and nothing edited outside secassess (a review edited by hand must not
/// count as accepted). Answers to questions no longer asked count for nothing.
pub fn readiness(assessment: &Assessment, judged: &Judged<'_>) -> Readiness {
    let catalogue = judged.catalogue;
    let (evaluation, _) = findings::evaluate(assessment, catalogue);
    let mut blockers = Vec::new();
    let mut queried: Vec<String> = Vec::new();
    for step in walkthrough::steps(catalogue) {
        let id = &step.question;
        let block = |kind, reason: String| Blocker {
            kind,
            subject: id.clone(),
            reason,
        };
        match walkthrough::step_state(id, &evaluation, assessment) {
            StepState::Skipped => {}
            StepState::Open | StepState::Pending => blockers.push(block(
                BlockerKind::NotAnswered,
                String::from("not answered yet"),
            )),
            StepState::DontKnow => {
                let who = catalogue
                    .question(id)
                    .map(|q| q.who_can_answer.trim_end_matches('.').to_string())
                    .unwrap_or_default();
                blockers.push(block(
                    BlockerKind::DontKnow,
                    format!("answered \"don't know yet\"; answer it (who can answer: {who})"),
                ));
            }
            StepState::Answered => {
                if assessment.answers.get(id).is_some_and(|r| r.flagged) {
                    blockers.push(block(
                        BlockerKind::Flagged,
                        String::from(
                            "flagged to answer later; confirm the answer or clear the flag",
                        ),
                    ));
                }
                if let Some(drift) = review::evidence_drift(assessment, id, judged.evidence) {
                    blockers.push(block(
                        BlockerKind::EvidenceChanged,
                        format!(
                            "its evidence file {} since it was attached; attach it again, then have the answer reviewed",
                            drift.verb()
                        ),
                    ));
                }
                let s = review::status(assessment, id, judged.evidence);
                let kind = if s.stale {
                    (!s.evidence_changed).then_some(BlockerKind::Stale)
                } else {
                    match s.decision {
                        ReviewDecision::Accepted => None,
                        ReviewDecision::NotReviewed => Some(BlockerKind::NotReviewed),
                        ReviewDecision::Query if s.open_query => Some(BlockerKind::OpenQuery),
                        ReviewDecision::Query => Some(BlockerKind::QueryNotAccepted),
                    }
                };
                if kind == Some(BlockerKind::OpenQuery) {
                    queried.push(id.clone());
                }
                if let Some(kind) = kind {
                    blockers.push(block(kind, s.label()));
                }
            }
        }
    }
    // An open query on a question that is asked but not answered (or answered "don't
    // know yet") is a blocker of its own; one on a question no longer asked counts
    // nowhere, like its answer.
    for query in review::open_queries(assessment, catalogue, &evaluation) {
        if !queried.contains(&query.question) {
            blockers.push(Blocker {
                kind: BlockerKind::OpenQuery,
                subject: query.question,
                reason: String::from("queried, and the query is still open"),
            });
        }
    }
    let problems = findings::check_consistency(assessment, catalogue);
    let problems = ProblemsByFinding::new(&problems);
    for finding in &assessment.findings {
        if let Err(reason) = finding_treatment(finding, &problems, judged.today) {
            let reason = match findings::no_longer_applies(finding, &evaluation) {
                Some(obsolete) => format!("{reason}; {obsolete}"),
                None => reason,
            };
            blockers.push(Blocker {
                kind: BlockerKind::Finding,
                subject: finding.id.clone(),
                reason,
            });
        }
        let drift = finding
            .mitigation
            .as_ref()
            .and_then(|m| m.evidence.as_ref())
            .and_then(|e| judged.evidence.drift(e));
        if let Some(drift) = drift {
            blockers.push(Blocker {
                kind: BlockerKind::EvidenceChanged,
                subject: finding.id.clone(),
                reason: format!(
                    "the evidence file of its mitigation {} since it was recorded; record it again",
                    drift.verb()
                ),
            });
        }
    }
    let gate = findings::gate(assessment, catalogue, judged.today);
    for b in gate.blockers {
        blockers.push(Blocker {
            kind: BlockerKind::Gate,
            subject: b.obligation,
            reason: format!(
                "MUST obligation \"{}\" is neither met nor treated as `secassess check` requires: {}",
                b.title, b.reason
            ),
        });
    }
    for problem in integrity::record_problems(assessment) {
        // The sign-off being replaced is not a reason to refuse a new one.
        if problem.kind == ProblemKind::SignOff {
            continue;
        }
        blockers.push(Blocker {
            kind: BlockerKind::Integrity,
            subject: problem.subject,
            reason: problem.message,
        });
    }
    Readiness { blockers }
}

/// Signs off the assessment as `who` with `statement`, pinned to [`content_hash`], and
/// with `key` (decrypted) signs it ([`signature::sign_off_statement`]); without a key
/// the sign-off is unsigned. Refused, with every blocker, unless [`readiness`] finds
/// none; refused for the project lead and for anyone who gave one of the answers signed
/// (see [`roles`]); refused, with nothing changed, when the key cannot sign (no e-mail
/// for the principal, a hardware key). Replaces an earlier sign-off (both stay in the
/// audit trail). The key is only used, never kept.
///
/// Errors, each leaving the assessment unchanged: [`ReviewError::Empty`] or
/// [`ReviewError::InvalidText`] for the statement; [`ReviewError::Role`] for the project
/// lead or someone who gave an answer signed off; [`ReviewError::NotEligible`] with every
/// blocker; [`ReviewError::Signature`] when the key cannot sign.
pub fn sign_off(
    assessment: &mut Assessment,
    judged: &Judged<'_>,
    statement: &str,
    who: &Person,
    now: DateTime<Utc>,
    key: Option<&ssh_key::PrivateKey>,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    let statement = review::check_text(
        "the sign-off statement",
        statement,
        "say what you have reviewed and accept",
    )?;
    roles::may_review(assessment, who).map_err(ReviewError::Role)?;
    let (evaluation, _) = findings::evaluate(assessment, judged.catalogue);
    let own: Vec<String> = walkthrough::steps(judged.catalogue)
        .into_iter()
        .filter(|s| {
            walkthrough::step_state(&s.question, &evaluation, assessment) != StepState::Skipped
        })
        .filter(|s| {
            assessment.answers.get(&s.question).is_some_and(|r| {
                review::has_answer(r) && same_person(&r.answered_by, &who.signature())
            })
        })
        .map(|s| s.question)
        .collect();
    if !own.is_empty() {
        return Err(ReviewError::Role(format!(
            "{} gave the answer to {}, and a sign-off says the answers were reviewed by someone who did not give them; ask another reviewer to sign off",
            who.signature(),
            own.join(", ")
        )));
    }
    let readiness = readiness(assessment, judged);
    if !readiness.ready() {
        return Err(ReviewError::NotEligible {
            blockers: readiness.blockers,
        });
    }
    let hash = content_hash(assessment);
    let old = assessment
        .sign_off
        .as_ref()
        .map(|s| {
            format!(
                "signed off by {} at {}",
                s.signed_by.signature(),
                s.signed_at.to_rfc3339()
            )
        })
        .unwrap_or_default();
    let mut record = SignOff {
        signed_by: who.clone(),
        signed_at: now,
        statement: statement.clone(),
        content_hash: hash,
        signature: None,
    };
    if let Some(key) = key {
        let signed = signature::sign_off_statement(assessment, &record, &record.content_hash, now);
        record.signature = Some(
            signature::sign(&signed, key, &record.content_hash, now)
                .map_err(ReviewError::Signature)?,
        );
    }
    let pin = sign_off_pin(&record);
    assessment.sign_off = Some(record);
    assessment.updated_at = now;
    audit::append(
        assessment,
        who,
        Change {
            action: Action::SignOff,
            subject: SIGN_OFF_SUBJECT,
            old,
            new: statement,
            pin,
        },
        now,
    );
    Ok(())
}

/// `Some(true)` when the content has changed since the sign-off, `Some(false)` when it
/// has not, `None` when there is no sign-off. Only the content: [`state`] says whether
/// the sign-off still holds.
pub fn changed_since_sign_off(assessment: &Assessment) -> Option<bool> {
    assessment
        .sign_off
        .as_ref()
        .map(|s| s.content_hash != content_hash(assessment))
}

/// What to ask before a change to a signed-off assessment: `Some` with the question's
/// words while the content is still what was signed off (a change now would be the one
/// that marks it changed), `None` otherwise.
pub fn change_notice(assessment: &Assessment) -> Option<String> {
    let s = assessment.sign_off.as_ref()?;
    (changed_since_sign_off(assessment) == Some(false)).then(|| {
        format!(
            "signed off by {} on {}; changing this will mark the assessment changed since sign-off until it is reviewed again",
            s.signed_by.signature(),
            s.signed_at.format("%Y-%m-%d %H:%M UTC")
        )
    })
}

/// Where the sign-off stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum SignOffState {
    /// The file holds no sign-off.
    NotSignedOff,
    /// The content and evidence are what was signed off, and the assessment is still
    /// ready to sign off.
    Intact {
        /// Who signed off, as `Name <email>`.
        signed_by: String,
        /// Their role as the sign-off records it; may be empty.
        role: String,
        /// When they signed off (UTC, to the second).
        signed_at: DateTime<Utc>,
    },
    /// The content (through secassess or not) or an evidence file has changed since.
    ChangedSince {
        /// Who signed off, as `Name <email>`.
        signed_by: String,
        /// Their role as the sign-off records it; may be empty.
        role: String,
        /// When they signed off (UTC, to the second).
        signed_at: DateTime<Utc>,
        /// What changed, in words: "evidence for pen_test_report changed", ...
        reasons: Vec<String>,
        /// The content hash signed off (hex SHA-256).
        expected: String,
        /// The content hash now; the same as `expected` when only an evidence file
        /// changed.
        found: String,
        /// Audit entries written after the sign-off.
        entries_after: usize,
    },
    /// The content is what was signed, but the assessment would not be ready to sign off
    /// now: the gate fails today, the file does not match its audit trail, ...
    NoLongerValid {
        /// Who signed off, as `Name <email>`.
        signed_by: String,
        /// Their role as the sign-off records it; may be empty.
        role: String,
        /// When they signed off (UTC, to the second).
        signed_at: DateTime<Utc>,
        /// Why, in words: problems with the sign-off's own record (`verify`), then each
        /// readiness blocker as "SUBJECT: reason".
        reasons: Vec<String>,
    },
}

impl SignOffState {
    /// Signed off, and the sign-off holds.
    pub fn holds(&self) -> bool {
        matches!(self, SignOffState::Intact { .. })
    }

    /// Signed off and the sign-off does not hold.
    pub fn broken(&self) -> bool {
        matches!(
            self,
            SignOffState::ChangedSince { .. } | SignOffState::NoLongerValid { .. }
        )
    }

    /// Where it stands in a few words, with why: "valid — nothing changed since
    /// sign-off", "CHANGED SINCE SIGN-OFF: evidence for pen_test_report changed", "NO
    /// LONGER VALID: ...", "not signed off".
    pub fn words(&self) -> String {
        match self {
            SignOffState::NotSignedOff => String::from("not signed off"),
            SignOffState::Intact { .. } => SIGN_OFF_VALID.to_string(),
            SignOffState::ChangedSince { reasons, .. } => {
                format!("{SIGN_OFF_CHANGED}: {}", join_reasons(reasons))
            }
            SignOffState::NoLongerValid { reasons, .. } => {
                format!("{SIGN_OFF_LAPSED}: {}", join_reasons(reasons))
            }
        }
    }

    /// Who signed and when, when signed off.
    pub fn signer(&self) -> Option<(&str, &str, DateTime<Utc>)> {
        match self {
            SignOffState::NotSignedOff => None,
            SignOffState::Intact {
                signed_by,
                role,
                signed_at,
            }
            | SignOffState::ChangedSince {
                signed_by,
                role,
                signed_at,
                ..
            }
            | SignOffState::NoLongerValid {
                signed_by,
                role,
                signed_at,
                ..
            } => Some((signed_by, role, *signed_at)),
        }
    }
}

fn join_reasons(reasons: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut words = reasons
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > SHOWN {
        words.push_str(&format!("; and {} more", reasons.len() - SHOWN));
    }
    words
}

/// What the audit entries after the sign-off changed, in words, one per thing.
fn changes_after(assessment: &Assessment, position: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for entry in assessment.audit.iter().skip(position) {
        let action = entry.action.as_str();
        let is = |actions: &[Action]| actions.iter().any(|a| a.name() == action);
        let words = if is(&[
            Action::AnswerSet,
            Action::AnswerChanged,
            Action::NotesChanged,
        ]) {
            format!("answer to {} changed", entry.subject)
        } else if is(&[Action::FindingCreated, Action::FindingChanged]) {
            format!("finding {} changed", entry.subject)
        } else if is(&review::REVIEW_ACTIONS) {
            format!("review of {} changed", entry.subject)
        } else if is(&HEADER_ACTIONS) {
            String::from("the system's details or questionnaires changed")
        } else {
            continue;
        };
        if !out.contains(&words) {
            out.push(words);
        }
    }
    out
}

/// Where the sign-off stands now, judged as [`readiness`] is; `problems` are the record's
/// integrity problems ([`integrity::record_problems`]), which the caller has at hand.
pub fn state(
    assessment: &Assessment,
    judged: &Judged<'_>,
    problems: &[integrity::Problem],
) -> SignOffState {
    let Some(sign_off) = &assessment.sign_off else {
        return SignOffState::NotSignedOff;
    };
    let signed_by = sign_off.signed_by.signature();
    let role = sign_off.signed_by.role.clone();
    let signed_at = sign_off.signed_at;
    let position = integrity::last_entry(&assessment.audit, SIGN_OFF_SUBJECT, &[Action::SignOff])
        .map(|(position, _)| position);
    let found = content_hash(assessment);
    let mut reasons = Vec::new();
    if found != sign_off.content_hash {
        let mut changes = position
            .map(|p| changes_after(assessment, p))
            .unwrap_or_default();
        if changes.is_empty() {
            changes.push(String::from(
                "the content differs from what was signed, with no change recorded after the sign-off (edited outside secassess)",
            ));
        }
        reasons.extend(changes);
    }
    reasons.extend(judged.evidence.changes_since_attached(assessment));
    if !reasons.is_empty() {
        return SignOffState::ChangedSince {
            signed_by,
            role,
            signed_at,
            reasons,
            expected: sign_off.content_hash.clone(),
            found,
            entries_after: position.map_or(0, |p| assessment.audit.len() - p),
        };
    }
    let mut reasons: Vec<String> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::SignOff)
        .map(|p| p.message.clone())
        .collect();
    reasons.extend(
        readiness(assessment, judged)
            .blockers
            .into_iter()
            .map(|b| format!("{}: {}", b.subject, b.reason)),
    );
    if reasons.is_empty() {
        SignOffState::Intact {
            signed_by,
            role,
            signed_at,
        }
    } else {
        SignOffState::NoLongerValid {
            signed_by,
            role,
            signed_at,
            reasons,
        }
    }
}

#[cfg(test)]
mod tests;
