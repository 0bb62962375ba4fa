//! The evidence pack's content, worked out once for every format.
//!
//! [`build`] turns an assessment, the catalogue it is read against and a few facts from
//! outside (the time to print as "generated", the date overdue items are checked against,
//! the SHA-256 of the file, the re-check of local evidence files) into a [`Pack`]: plain
//! data with stable field names, which the JSON and CSV exports serialise. [`document`]
//! lays a pack out as a [`Document`], a list of blocks in the order the evidence pack
//! requires, which the PDF and Markdown renderers draw.
//!
//! What the review and the integrity checks say comes from the assessment modules
//! themselves, never worked out again here: review status and open queries from
//! [`review::status`] and [`review::open_queries`], readiness and where the sign-off
//! stands from [`sign_off::readiness`] and [`sign_off::state`] (through
//! [`verify::verify`]), the gate from [`findings::gate`], and every integrity problem from
//! [`verify::verify`], so the pack says exactly what `secassess review`, `check` and
//! `verify` say, and the sign-off it shows cannot be valid beside a failing gate.
//!
//! Pure and deterministic: no clock, no file system, no environment. Every string taken
//! from the assessment file is passed through [`crate::text::sanitise`] here, so no
//! renderer can be handed a control character.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assessment::allowed_signers::AllowedSigners;
use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::findings;
use crate::assessment::index::ProblemsByFinding;
use crate::assessment::record::{
    Assessment, Finding, FindingStatus, ReviewDecision, Severity, StoredValue,
};
use crate::assessment::review;
use crate::assessment::sign_off::{self, Judged, SignOffState};
use crate::assessment::signature;
use crate::assessment::verify::{self, ProblemKind};

pub use crate::assessment::sign_off::{SIGN_OFF_CHANGED, SIGN_OFF_LAPSED, SIGN_OFF_VALID};
use crate::questionnaire::answer::{display_answer, EvidenceRef};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Choice, Level, Scope};
use crate::rules::{Citation, Status, EFFECTIVE_CLASSIFICATION};

/// The version of the JSON export's shape. Raised when a field is renamed or removed;
/// adding a field does not raise it.
pub const PACK_SCHEMA_VERSION: u32 = 1;

/// What the JSON export calls itself, so a consumer can tell it from other JSON.
pub const PACK_SCHEMA: &str = "secassess-evidence-pack";

/// The marking of an assessment whose classification is not known: all government
/// information is at least OFFICIAL.
pub const DEFAULT_MARKING: &str = "OFFICIAL";

/// What re-reading a local evidence file at export found. Worked out by the caller (it
/// needs the file system) and passed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum EvidenceCheck {
    /// The file is there with the SHA-256 recorded when it was attached.
    Unchanged,
    /// The file is there but its content is not what was attached.
    Changed { sha256: String, size: u64 },
    /// No file at that path.
    Missing,
    /// The file is there but no hash was recorded to compare with.
    NoRecordedHash { sha256: String, size: u64 },
    /// It could not be read (permissions, a folder, ...).
    Unreadable { reason: String },
    /// Not read at export: the path is outside the assessment's folder and the user did
    /// not ask for every file to be re-checked (`--recheck-evidence`).
    NotRechecked,
}

impl EvidenceCheck {
    /// In words, with a capitalised warning when it needs attention.
    pub fn words(&self) -> String {
        match self {
            EvidenceCheck::Unchanged => "re-checked at export: unchanged".into(),
            EvidenceCheck::Changed { sha256, size } => format!(
                "CHANGED since it was attached: the file now has SHA-256 {sha256} ({size} bytes)"
            ),
            EvidenceCheck::Missing => "MISSING: no file at this path at export".into(),
            EvidenceCheck::NoRecordedHash { sha256, size } => format!(
                "no hash was recorded when attached; at export it has SHA-256 {sha256} ({size} bytes)"
            ),
            EvidenceCheck::Unreadable { reason } => format!("UNREADABLE at export: {reason}"),
            EvidenceCheck::NotRechecked => "not re-checked at export: outside the assessment's folder (secassess export --recheck-evidence re-checks it)".into(),
        }
    }

    /// Changed, missing, unreadable or without a recorded hash. A file not re-checked
    /// is not a problem of the assessment, and is counted separately.
    pub fn needs_attention(&self) -> bool {
        !matches!(self, EvidenceCheck::Unchanged | EvidenceCheck::NotRechecked)
    }
}

/// Everything the pack is built from.
pub struct Input<'a> {
    pub assessment: &'a Assessment,
    pub catalogue: &'a Catalogue,
    /// The assessment file's name as it should be printed.
    pub file_name: &'a str,
    /// SHA-256 (hex) of the assessment file's bytes.
    pub file_sha256: &'a str,
    /// Printed as "generated"; the CLI defaults it to the assessment's last change so two
    /// exports of the same file match.
    pub generated_at: DateTime<Utc>,
    /// The date target and review dates are checked against.
    pub today: NaiveDate,
    pub tool_version: &'a str,
    /// Re-checks of local evidence files, by the path recorded in the assessment.
    pub evidence: &'a BTreeMap<String, EvidenceCheck>,
    /// A marking the user asked for: it may raise the marking, never lower it.
    pub marking: Option<&'a str>,
    /// Whether the file ends with the line secassess always writes last
    /// (`store::END_MARKER`). A file without it may have been cut short, losing what came
    /// last (often the end of the audit trail), so the pack says so and relies on nothing.
    pub complete: bool,
    /// The allowed-signers file that says whose SSH keys to trust; without one, a
    /// signature is "not checked against an allowed-signers file".
    pub allowed_signers: Option<&'a AllowedSigners>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("the marking '{requested}' is lower than this pack needs, {minimum} ({reason}); a document may be marked higher than its content, never lower. Leave --marking out or give {minimum} or higher")]
    MarkingTooLow {
        requested: String,
        minimum: String,
        reason: String,
    },
    #[error(
        "'{requested}' is not a protective marking the questionnaires know; use one of: {known}"
    )]
    UnknownMarking { requested: String, known: String },
}

// ---------------------------------------------------------------------------------------
// The pack: structured content
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct Pack {
    pub schema: &'static str,
    pub schema_version: u32,
    pub title: String,
    /// The protective marking printed at the top and bottom of every page
    /// ([`pack_marking`]).
    pub marking: String,
    /// Why the pack has that marking, in words.
    pub marking_reason: String,
    pub generated_at: DateTime<Utc>,
    /// The date overdue items were checked against.
    pub dates_checked_on: NaiveDate,
    pub tool_version: String,
    /// The marking was raised with `--marking` (so re-exporting needs it again).
    pub marking_raised: bool,
    pub system: SystemView,
    pub assessor: String,
    pub assessor_role: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub classification: ClassificationView,
    pub questionnaires: Vec<QuestionnaireView>,
    pub progress: ProgressView,
    pub reviews: ReviewSummary,
    pub sign_off: Option<SignOffView>,
    /// Every sign-off's SSH signature (the sign-off, risk acceptances, exception
    /// approvals), as [`signature::check_all`] says.
    pub signatures: Vec<SignatureView>,
    /// Whether the assessment is ready to sign off ([`sign_off::readiness`]).
    pub readiness: ReadinessView,
    pub gate: GateView,
    pub next_steps: Vec<String>,
    pub notices: Vec<NoticeView>,
    pub obligations: Vec<ObligationView>,
    pub findings: Vec<FindingView>,
    pub sections: Vec<SectionView>,
    /// Answers given earlier to questions no longer asked (their `ask_if` is now false):
    /// shown apart, counted nowhere.
    pub no_longer_asked: Vec<AnswerView>,
    /// Answers to questions the loaded questionnaires do not have; kept in the file.
    pub other_answers: Vec<AnswerView>,
    pub answer_problems: Vec<String>,
    pub review_records: Vec<ReviewView>,
    pub audit: AuditView,
    pub integrity: IntegrityView,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemView {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassificationView {
    /// "OFFICIAL-SENSITIVE", or "at least OFFICIAL (not settled)".
    pub text: String,
    pub settled: bool,
    pub at_least: String,
    pub because: Vec<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionnaireView {
    pub id: String,
    pub title: String,
    pub version: String,
    pub sha256: String,
    /// The version and hash the assessment recorded, when it recorded one.
    pub recorded_version: Option<String>,
    pub recorded_sha256: Option<String>,
    pub matches_record: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressView {
    pub answered: usize,
    pub dont_know: usize,
    pub total: usize,
}

/// How far the review has got, as [`review::progress`] counts it (over the answered
/// questions that are asked), with the open queries from [`review::open_queries`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewSummary {
    pub reviewers: Vec<String>,
    /// The reviewers with their role and how many decisions each made.
    pub reviewed_by: Vec<ReviewerView>,
    /// Answered questions that are asked: what a review covers.
    pub answers: usize,
    /// Accepted on the answer as it is now.
    pub accepted: usize,
    /// Queries, open or resolved (stale ones not counted).
    pub queries: usize,
    /// Every unresolved query, including those whose answer has changed since.
    pub open_queries: usize,
    pub resolved_queries: usize,
    /// Decisions made on an answer that has changed since.
    pub stale: usize,
    pub not_reviewed: usize,
    /// The question ids of the open queries.
    pub open_query_questions: Vec<String>,
    /// In words, as `secassess review` says it.
    pub text: String,
}

/// A reviewer of the assessment.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewerView {
    /// "Name <email>".
    pub who: String,
    /// Their role as recorded with their sign-off; empty when they have not signed off
    /// (a review decision does not record a role).
    pub role: String,
    /// Review decisions standing in their name.
    pub decisions: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignOffView {
    pub signed_by: String,
    pub role: String,
    pub signed_at: DateTime<Utc>,
    pub statement: String,
    /// The content hash the sign-off was pinned to.
    pub content_hash: String,
    /// The content hash of the assessment as exported.
    pub current_content_hash: String,
    /// The content or an evidence file changed since the sign-off.
    pub changed_since: bool,
    /// The sign-off holds: nothing changed and the assessment is still ready to sign off
    /// ([`sign_off::state`]).
    pub holds: bool,
    /// Why it does not hold: "evidence for pen_test_report changed", ...
    pub reasons: Vec<String>,
    /// Audit entries written after the sign-off.
    pub entries_after: usize,
    /// "valid — nothing changed since sign-off", "CHANGED SINCE SIGN-OFF: ..." or "NO
    /// LONGER VALID: ...".
    pub state: String,
    /// Its SSH signature in words ([`signature::SignatureState::words`]): "signed by
    /// EMAIL with key SHA256:..., trusted", "unsigned", ...
    pub signature: String,
}

/// One sign-off's SSH signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    /// "sign-off by Ivy Reviewer <ivy@...>", "risk acceptance on F-001 by ...".
    pub what: String,
    pub kind: signature::Kind,
    pub finding: Option<String>,
    pub state: signature::SignatureState,
    /// [`signature::SignatureState::words`].
    pub words: String,
}

/// Whether the assessment is ready to sign off, and what stands in the way.
#[derive(Debug, Clone, Serialize)]
pub struct ReadinessView {
    pub ready: bool,
    /// "SUBJECT: reason", as `secassess review` lists them.
    pub blockers: Vec<String>,
}

/// A sign-off in a file that may have been cut short: nothing it says can be relied on.
pub const SIGN_OFF_UNRELIABLE: &str = "CANNOT BE RELIED ON";
/// What a file without its end marker means, in words.
pub const INCOMPLETE: &str = "the file does not end with the line secassess always writes last, so it may have been cut short and whatever came last (often the end of the audit trail) may be missing; compare it with its previous version or the copy it came from";

#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    pub passed: bool,
    /// Why the system is outside self-assessment ("SECRET and above is outside
    /// self-assessment: ..."), when a stop notice shows: the pack then never presents
    /// itself as a completed self-assessment.
    pub outside_self_assessment: Vec<String>,
    pub must: usize,
    pub met: usize,
    pub treated: usize,
    pub blockers: Vec<BlockerView>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockerView {
    pub obligation: String,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub severity: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    pub id: String,
    pub level: Level,
    /// `organisation` for an organisation duty: context, never the project's blocker.
    pub scope: Scope,
    /// Who must approve an exception when it is not met (a risk acceptance does not
    /// treat it).
    pub exception_approver: Option<String>,
    pub title: String,
    pub status: Status,
    /// "yes", "no" or "not known yet".
    pub applies: String,
    pub reasons: Vec<String>,
    pub sources: Vec<Citation>,
    pub findings: Vec<String>,
    /// How the findings treat it, in words, when a finding is linked.
    pub treatment: Option<String>,
    /// Why it stops the pipeline gate, when it does.
    pub blocks: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: FindingStatus,
    pub owner: String,
    pub obligations: Vec<String>,
    pub questions: Vec<String>,
    pub description: String,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The mitigation plan in words.
    pub mitigation: Option<String>,
    pub acceptance: Option<String>,
    pub exception: Option<String>,
    /// Every passed date, in words ("mitigation target date 2025-06-01 passed 3 days ago").
    pub overdue: Vec<String>,
    pub needs_escalation: bool,
    pub problems: Vec<String>,
    /// Its obligations no longer apply to the system: why, and the suggestion to close it
    /// ([`findings::no_longer_applies`]).
    pub no_longer_applies: Option<String>,
    /// It does not match its latest audit entry ([`verify::verify`]): changed, or added,
    /// in a text editor rather than through secassess. Such a finding treats nothing.
    pub edited_outside: bool,
    /// Treated for sign-off ([`sign_off::finding_treatment`]).
    pub treated: bool,
    /// How it is treated, or what is missing.
    pub treatment: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub questionnaire: String,
    pub questionnaire_title: String,
    pub id: String,
    pub title: String,
    pub answers: Vec<AnswerView>,
    /// Questions that are not asked of this system, by prompt.
    pub not_asked: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub question: String,
    pub prompt: String,
    /// The answer as a reader reads it; `None` when not answered yet.
    pub answer: Option<String>,
    pub dont_know: bool,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub notes: String,
    pub evidence: Option<EvidenceView>,
    pub flagged: bool,
    /// When the question may not be asked, depending on answers still missing.
    pub asked: String,
    /// For an answer to a question no longer asked: why it is not asked now.
    pub not_asked_because: Option<String>,
    pub review: Option<String>,
    /// It does not match its latest audit entry: changed in a text editor.
    pub edited_outside: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub title: String,
    pub link: Option<String>,
    pub path: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub check: Option<EvidenceCheck>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub question: String,
    pub decision: ReviewDecision,
    pub reviewer: String,
    pub decided_at: DateTime<Utc>,
    /// The answer changed after the decision (or was removed): the decision no longer
    /// applies to what the answer says now ([`review::status`]).
    pub stale: bool,
    pub open_query: bool,
    pub resolved: bool,
    /// Where it stands, as every front end says it ([`review::ReviewStatus::label`]).
    pub label: String,
    /// It does not match its latest audit entry: changed in a text editor.
    pub edited_outside: bool,
    pub thread: Vec<CommentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    pub entries: Vec<AuditEntryView>,
    pub chain_intact: bool,
    /// The chain problems [`verify::verify`] found, each naming its entry number.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntryView {
    pub at: DateTime<Utc>,
    pub who: String,
    pub action: String,
    pub subject: String,
    pub old: String,
    pub new: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntegrityView {
    pub assessment_file: String,
    pub assessment_sha256: String,
    pub audit_entries: usize,
    pub audit_chain_intact: bool,
    /// [`verify::verify`] found nothing: the audit chain is intact and every answer,
    /// review, finding and the sign-off match their audit entries.
    pub matches_audit_trail: bool,
    /// The file ends with secassess's end marker; when false it may have been cut short
    /// and the pack warns first, whatever else it found.
    pub file_complete: bool,
    /// Exactly what [`verify::verify`] found, in its order.
    pub verify_problems: Vec<VerifyProblemView>,
    pub finding_problems: Vec<String>,
    pub evidence_files: Vec<EvidenceFileView>,
    /// "passed" when every check passed, otherwise what did not.
    pub verify: String,
}

/// One problem [`verify::verify`] found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyProblemView {
    pub kind: ProblemKind,
    pub subject: String,
    /// 1-based number of the audit entry concerned, when there is one.
    pub entry: Option<usize>,
    /// What the audit trail says it should be (a hash).
    pub expected: String,
    /// What the file holds.
    pub found: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFileView {
    pub path: String,
    pub recorded_sha256: Option<String>,
    pub check: Option<EvidenceCheck>,
}

// ---------------------------------------------------------------------------------------
// Building the pack
// ---------------------------------------------------------------------------------------

fn clean(text: &str) -> String {
    crate::text::sanitise(text).replace('\r', "")
}

fn clean_line(text: &str) -> String {
    crate::text::sanitise_line(text)
}

/// The time as printed everywhere in the pack: UTC, to the minute.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The marking at least of a pack that lists a system's open weaknesses (unmet
/// obligations, untreated findings): secassess policy, after the Government Security
/// Classifications' guidance that an OFFICIAL system's list of its own open gaps is
/// normally handled as OFFICIAL-SENSITIVE. A value of the classification question.
pub const WEAKNESSES_MARKING: &str = "official-sensitive";

/// What a pack lists that makes it sensitive in itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weaknesses {
    /// Obligations the pack shows as not met (the organisation's included).
    pub unmet_obligations: usize,
    /// Findings not treated (in the sign-off's sense).
    pub untreated_findings: usize,
}

/// The weaknesses a pack of assessment `a` lists, as [`build`] counts them for its
/// marking: obligations not met once findings are taken into account (`standings`), and
/// findings not treated in the sign-off's sense, judged on `today`. `problems` are
/// [`findings::check_consistency`]'s. The portfolio marks its rows and its register with
/// this, so a register is never marked lower than the packs it lists.
pub fn weaknesses_listed(
    a: &Assessment,
    catalogue: &Catalogue,
    evaluation: &crate::rules::Evaluation,
    problems: &[findings::ConsistencyProblem],
    today: NaiveDate,
) -> Weaknesses {
    let standings = findings::standings(&a.findings, problems, catalogue, evaluation, today);
    let unmet_obligations = evaluation
        .obligations
        .iter()
        .filter(|o| {
            standings
                .iter()
                .find(|s| s.obligation == o.id)
                .map_or(o.status, |s| s.status)
                == Status::NotMet
        })
        .count();
    // Indexed once, so a register of 60,000 findings is not scanned per finding.
    let by_finding = ProblemsByFinding::new(problems);
    let untreated_findings = a
        .findings
        .iter()
        .filter(|f| sign_off::finding_treatment(f, &by_finding, today).is_err())
        .count();
    Weaknesses {
        unmet_obligations,
        untreated_findings,
    }
}

/// The pack's own protective marking and why it has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackMarking {
    /// "OFFICIAL-SENSITIVE", as printed on every page.
    pub marking: String,
    /// Why, in words: "the effective classification", "raised from OFFICIAL because ...".
    pub reason: String,
}

/// The marking rule, one pure function: the pack is marked with the effective
/// classification (`classification`: a value of the classification question, its lowest
/// possible value while unsettled; OFFICIAL when unknown), raised to at least
/// [`WEAKNESSES_MARKING`] when it lists unmet obligations or untreated findings, and
/// raised further when the user asks (`requested`, a value or label, any case). `levels`
/// are the classification question's options, lowest first. Never lowered: a request
/// below the minimum is [`ReportError::MarkingTooLow`], an unknown one
/// [`ReportError::UnknownMarking`].
pub fn pack_marking(
    levels: &[Choice],
    classification: Option<&str>,
    weaknesses: Weaknesses,
    requested: Option<&str>,
) -> Result<PackMarking, ReportError> {
    let label = |i: usize| {
        levels
            .get(i)
            .map(|o| o.label.to_uppercase())
            .unwrap_or_else(|| DEFAULT_MARKING.to_string())
    };
    let find = |wanted: &str| {
        levels.iter().position(|o| {
            o.value.eq_ignore_ascii_case(wanted) || o.label.eq_ignore_ascii_case(wanted)
        })
    };
    let classified = classification.and_then(find);
    let classification_words = match classified {
        Some(i) => format!("the effective classification, {}", label(i)),
        None => format!("{DEFAULT_MARKING}: the classification is not answered yet"),
    };
    let (mut minimum, mut reason) = (classified, classification_words.clone());
    let sensitive = find(WEAKNESSES_MARKING);
    let listed = weaknesses.unmet_obligations + weaknesses.untreated_findings > 0;
    if let Some(s) = sensitive.filter(|s| listed && minimum.is_none_or(|m| m < *s)) {
        let mut what = Vec::new();
        if weaknesses.unmet_obligations > 0 {
            what.push(format!(
                "{} unmet obligation(s)",
                weaknesses.unmet_obligations
            ));
        }
        if weaknesses.untreated_findings > 0 {
            what.push(format!(
                "{} untreated finding(s)",
                weaknesses.untreated_findings
            ));
        }
        reason = format!(
            "raised from {} ({classification_words}) because this pack lists {}: a pack listing a system's open weaknesses is handled as at least {} (secassess policy)",
            classified.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            what.join(" and "),
            label(s)
        );
        minimum = Some(s);
    } else if listed {
        reason.push_str(", which already covers the open weaknesses this pack lists");
    }
    let Some(requested) = requested else {
        return Ok(PackMarking {
            marking: minimum.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            reason,
        });
    };
    let Some(index) = find(requested.trim()) else {
        return Err(ReportError::UnknownMarking {
            requested: clean_line(requested),
            known: levels
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if minimum.is_some_and(|m| index < m) {
        return Err(ReportError::MarkingTooLow {
            requested: clean_line(requested),
            minimum: minimum.map_or_else(|| DEFAULT_MARKING.to_string(), label),
            reason,
        });
    }
    if minimum == Some(index) {
        return Ok(PackMarking {
            marking: label(index),
            reason,
        });
    }
    Ok(PackMarking {
        marking: label(index),
        reason: format!("raised with --marking (without it: {reason})"),
    })
}

/// The classification question's options, lowest first: the scale markings are on.
pub fn marking_levels(catalogue: &Catalogue) -> Vec<Choice> {
    catalogue
        .derived(EFFECTIVE_CLASSIFICATION)
        .and_then(|d| catalogue.question(&d.from))
        .map(|q| q.options.clone())
        .unwrap_or_default()
}

fn truth_word(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "yes",
        Truth::False => "no",
        Truth::Unknown => "not known yet",
    }
}

/// A status as a word on the page (never a colour alone).
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Met => "MET",
        Status::NotMet => "NOT MET",
        Status::Unknown => "UNKNOWN",
        Status::NotApplicable => "N/A",
    }
}

fn evidence_view(evidence: &EvidenceRef, checks: &BTreeMap<String, EvidenceCheck>) -> EvidenceView {
    EvidenceView {
        title: clean_line(&evidence.title),
        link: evidence.link.as_deref().map(clean_line),
        path: evidence.path.as_deref().map(clean_line),
        sha256: evidence.sha256.as_deref().map(clean_line),
        size: evidence.size,
        check: evidence.path.as_ref().and_then(|p| checks.get(p).cloned()),
    }
}

/// A review decision in words: where it stands (the review module's own label, e.g.
/// "stale — answer changed after review (was accepted)"), by whom and when.
fn review_words(review: &ReviewView) -> String {
    let mut words = format!(
        "{}; decided by {} on {}",
        review.label,
        review.reviewer,
        when(review.decided_at)
    );
    if review.stale {
        words.push_str("; the reviewer needs to look at it again");
    }
    if review.edited_outside {
        words.push_str("; EDITED OUTSIDE SECASSESS: this review does not match its audit entry");
    }
    words
}

fn stored_words(value: &Option<StoredValue>) -> Option<String> {
    match value {
        Some(StoredValue::One(v)) => Some(v.clone()),
        Some(StoredValue::Many(vs)) => Some(vs.join(", ")),
        None => None,
    }
}

fn finding_view(
    view: &findings::FindingView<'_>,
    checks: &BTreeMap<String, EvidenceCheck>,
    edited_outside: bool,
    treatment: Result<String, String>,
) -> FindingView {
    let f: &Finding = view.finding;
    FindingView {
        edited_outside,
        treated: treatment.is_ok(),
        treatment: clean_line(&treatment.unwrap_or_else(|missing| missing)),
        id: clean_line(&f.id),
        title: clean_line(&f.title),
        severity: f.severity,
        status: f.status,
        owner: clean_line(&f.owner),
        obligations: f.obligations.iter().map(|o| clean_line(o)).collect(),
        questions: f.questions.iter().map(|q| clean_line(q)).collect(),
        description: clean(&f.description),
        raised_by: clean_line(&f.raised_by),
        raised_at: f.raised_at,
        updated_at: f.updated_at,
        mitigation: f.mitigation.as_ref().map(|m| {
            let mut words = format!(
                "{} Owner: {}. Target date: {}.",
                clean(m.actions.trim_end()),
                clean_line(&m.owner),
                m.target_date
            );
            if let Some(done) = m.completed_on {
                words.push_str(&format!(" Completed on {done}."));
            }
            if let Some(e) = &m.evidence {
                words.push_str(&format!(
                    "\nEvidence: {}",
                    evidence_words(&evidence_view(e, checks))
                ));
            }
            words
        }),
        acceptance: f.acceptance.as_ref().map(|a| {
            format!(
                "Accepted by {} on {}, review by {}. Rationale: {}",
                clean_line(&a.accepted_by.signature()),
                a.accepted_on,
                a.review_date,
                clean(&a.rationale)
            )
        }),
        exception: f.exception.as_ref().map(|e| {
            format!(
                "Approved by {} on {}, reference {}",
                clean_line(&e.approved_by.signature()),
                e.approved_on,
                clean_line(&e.reference)
            )
        }),
        overdue: view.overdue.iter().map(|o| o.to_string()).collect(),
        needs_escalation: view.needs_escalation,
        no_longer_applies: view.no_longer_applies.as_deref().map(clean_line),
        problems: view
            .problems
            .iter()
            .map(|p| clean_line(&p.to_string()))
            .collect(),
    }
}

/// The export's re-checks of local evidence files as the files found, for the sign-off
/// and review rules: a file found unchanged has the content recorded for it.
fn observed(a: &Assessment, checks: &BTreeMap<String, EvidenceCheck>) -> EvidenceFiles {
    let references: Vec<&EvidenceRef> = a
        .answers
        .values()
        .filter_map(|r| r.evidence.as_ref())
        .chain(
            a.findings
                .iter()
                .filter_map(|f| f.mitigation.as_ref()?.evidence.as_ref()),
        )
        .collect();
    let mut files = EvidenceFiles::not_checked();
    for (path, check) in checks {
        let state = match check {
            EvidenceCheck::Unchanged => {
                let Some(recorded) = references
                    .iter()
                    .find(|e| e.path.as_deref() == Some(path.as_str()))
                else {
                    continue;
                };
                FileState::Present {
                    sha256: recorded.sha256.clone().unwrap_or_default(),
                    size: recorded.size.unwrap_or_default(),
                }
            }
            EvidenceCheck::Changed { sha256, size }
            | EvidenceCheck::NoRecordedHash { sha256, size } => FileState::Present {
                sha256: sha256.clone(),
                size: *size,
            },
            EvidenceCheck::Missing => FileState::Missing,
            EvidenceCheck::Unreadable { reason } => FileState::Unreadable {
                reason: reason.clone(),
            },
            // Not read: nothing is known about it, as for a file never checked.
            EvidenceCheck::NotRechecked => continue,
        };
        files.insert(path, state);
    }
    files
}

/// An evidence reference in words: title, link or path, recorded hash and size, and what
/// the re-check at export found.
pub fn evidence_words(e: &EvidenceView) -> String {
    let mut words = e.title.clone();
    if let Some(link) = &e.link {
        words.push_str(&format!(" <{link}>"));
    }
    if let Some(path) = &e.path {
        words.push_str(&format!("\nFile: {path}"));
        match (&e.sha256, e.size) {
            (Some(sha), Some(size)) => words.push_str(&format!("\nSHA-256 {sha} ({size} bytes)")),
            (Some(sha), None) => words.push_str(&format!("\nSHA-256 {sha}")),
            _ => {}
        }
        if let Some(check) = &e.check {
            words.push_str(&format!("\n{}", check.words()));
        }
    }
    words
}

/// Gathers everything the evidence pack shows.
pub fn build(input: &Input<'_>) -> Result<Pack, ReportError> {
    let a = input.assessment;
    let catalogue = input.catalogue;
    let (evaluation, answer_problems) = findings::evaluate(a, catalogue);
    let (typed, _) = a.typed_answers(catalogue);
    let problems = findings::check_consistency(a, catalogue);
    let standings =
        findings::standings(&a.findings, &problems, catalogue, &evaluation, input.today);
    let gate = findings::gate(a, catalogue, input.today);
    let files = observed(a, input.evidence);
    let judged = Judged {
        catalogue,
        evidence: &files,
        today: input.today,
    };
    let report = verify::verify(a, &judged);
    let readiness = sign_off::readiness(a, &judged);
    // Looked up once per answer, review and finding: a set, not a scan of the report.
    let edited_subjects: std::collections::HashSet<(ProblemKind, &str)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.subject.as_str()))
        .collect();
    let edited = |kind: ProblemKind, subject: &str| edited_subjects.contains(&(kind, subject));
    let by_finding = ProblemsByFinding::new(&problems);
    let signatures = signature_views(a, input.allowed_signers);
    let mut finding_views: Vec<FindingView> =
        findings::views(a, catalogue, &evaluation, &problems, input.today)
            .iter()
            .map(|v| {
                finding_view(
                    v,
                    input.evidence,
                    edited(ProblemKind::Finding, &v.finding.id),
                    sign_off::finding_treatment(v.finding, &by_finding, input.today),
                )
            })
            .collect();
    add_decision_signatures(&mut finding_views, &signatures);

    let classification = match &evaluation.effective_classification {
        Some(ec) => ClassificationView {
            text: ec
                .label
                .clone()
                .unwrap_or_else(|| format!("at least {} (not settled)", ec.at_least_label)),
            settled: ec.label.is_some(),
            at_least: ec.at_least_label.clone(),
            because: ec.because.clone(),
            explanation: ec.explanation.clone(),
        },
        None => ClassificationView {
            text: "not known yet".into(),
            settled: false,
            at_least: DEFAULT_MARKING.into(),
            because: Vec::new(),
            explanation: String::new(),
        },
    };

    let questionnaires = catalogue
        .questionnaires
        .iter()
        .map(|q| {
            let recorded = a.questionnaires.iter().find(|r| r.id == q.id);
            QuestionnaireView {
                id: q.id.clone(),
                title: q.title.clone(),
                version: q.version.clone(),
                sha256: q.sha256.clone(),
                recorded_version: recorded.map(|r| clean_line(&r.version)),
                recorded_sha256: recorded
                    .filter(|r| !r.sha256.is_empty())
                    .map(|r| clean_line(&r.sha256)),
                matches_record: recorded
                    .is_some_and(|r| r.version == q.version && r.sha256 == q.sha256),
            }
        })
        .collect();

    // Reviews.
    let review_records: Vec<ReviewView> = a
        .reviews
        .iter()
        .map(|(question, r)| {
            let status = review::status(a, question, &files);
            (question, r, status)
        })
        .map(|(question, r, status)| ReviewView {
            question: clean_line(question),
            decision: r.decision,
            reviewer: clean_line(&r.reviewer),
            decided_at: r.decided_at,
            stale: status.stale,
            open_query: status.open_query,
            resolved: r.resolved,
            label: status.label(),
            edited_outside: edited(ProblemKind::Review, question),
            thread: r
                .thread
                .iter()
                .map(|c| CommentView {
                    author: clean_line(&c.author),
                    at: c.at,
                    text: clean(&c.text),
                })
                .collect(),
        })
        .collect();
    let reviews_by_question: BTreeMap<&str, &ReviewView> = a
        .reviews
        .keys()
        .zip(&review_records)
        .map(|(k, v)| (k.as_str(), v))
        .collect();

    // Answers by section.
    let answer_view = |id: &str, prompt: &str, asked: Truth| -> AnswerView {
        let not_asked_because = (asked == Truth::False).then(|| {
            let because = catalogue
                .question(id)
                .map(|q| crate::walkthrough::why_not_asked(catalogue, &typed, q))
                .unwrap_or_default();
            clean_line(&because)
        });
        let record = a.answers.get(id);
        let question = catalogue.question(id);
        let answer = match (question, typed.get(id), record) {
            (Some(q), Some(value), _) => Some(clean(&display_answer(q, value))),
            (_, None, Some(r)) => stored_words(&r.value).map(|v| clean(&v)),
            _ => None,
        };
        let has_answer =
            record.is_some_and(|r| r.value.is_some() || r.dont_know || r.evidence.is_some());
        AnswerView {
            question: clean_line(id),
            prompt: clean_line(prompt),
            answer,
            dont_know: record.is_some_and(|r| r.dont_know),
            answered_by: record
                .filter(|_| has_answer)
                .map(|r| clean_line(&r.answered_by)),
            answered_at: record.filter(|_| has_answer).map(|r| r.answered_at),
            notes: record
                .map(|r| clean(r.notes.trim_end()))
                .unwrap_or_default(),
            evidence: record
                .and_then(|r| r.evidence.as_ref())
                .map(|e| evidence_view(e, input.evidence)),
            flagged: record.is_some_and(|r| r.flagged),
            asked: truth_word(asked).to_string(),
            not_asked_because,
            review: reviews_by_question.get(id).map(|r| review_words(r)),
            edited_outside: edited(ProblemKind::Answer, id),
        }
    };
    let mut sections = Vec::new();
    let mut no_longer_asked = Vec::new();
    let mut in_catalogue = BTreeSet::new();
    for questionnaire in &catalogue.questionnaires {
        for section in &questionnaire.sections {
            let mut view = SectionView {
                questionnaire: questionnaire.id.clone(),
                questionnaire_title: questionnaire.title.clone(),
                id: section.id.clone(),
                title: section.title.clone(),
                answers: Vec::new(),
                not_asked: Vec::new(),
            };
            for id in &section.questions {
                let Some(question) = catalogue.question(id) else {
                    continue;
                };
                in_catalogue.insert(id.as_str());
                let asked = evaluation.asked.get(id).copied().unwrap_or(Truth::Unknown);
                let answered = a.answers.get(id).is_some_and(review::has_answer);
                if asked == Truth::False && answered {
                    // Answered earlier, no longer asked: shown apart and counted nowhere.
                    no_longer_asked.push(answer_view(id, &question.prompt, asked));
                    view.not_asked.push(question.prompt.clone());
                } else if asked == Truth::False {
                    view.not_asked.push(question.prompt.clone());
                } else {
                    view.answers.push(answer_view(id, &question.prompt, asked));
                }
            }
            sections.push(view);
        }
    }
    let other_answers: Vec<AnswerView> = a
        .answers
        .keys()
        .filter(|id| !in_catalogue.contains(id.as_str()))
        .map(|id| {
            answer_view(
                id,
                "(a question the loaded questionnaires do not have)",
                Truth::Unknown,
            )
        })
        .collect();

    // Obligations.
    let obligations: Vec<ObligationView> = evaluation
        .obligations
        .iter()
        .map(|o| {
            let standing = standings.iter().find(|s| s.obligation == o.id);
            ObligationView {
                id: o.id.clone(),
                level: o.level,
                scope: o.scope,
                exception_approver: o.exception_approver.clone(),
                title: o.title.clone(),
                status: standing.map_or(o.status, |s| s.status),
                applies: truth_word(o.applies).to_string(),
                reasons: o.reasons.iter().map(|r| clean(r)).collect(),
                sources: o.sources.clone(),
                findings: standing
                    .map(|s| s.findings.iter().map(|f| clean_line(f)).collect())
                    .unwrap_or_default(),
                treatment: standing
                    .and_then(|s| s.treatment.as_ref())
                    .map(|t| clean_line(&t.summary)),
                blocks: standing.and_then(|s| s.blocks.as_deref()).map(clean_line),
            }
        })
        .collect();

    // The pack's own marking: it lists these weaknesses.
    let weaknesses = Weaknesses {
        unmet_obligations: obligations
            .iter()
            .filter(|o| o.status == Status::NotMet)
            .count(),
        untreated_findings: finding_views.iter().filter(|f| !f.treated).count(),
    };
    debug_assert_eq!(
        weaknesses,
        weaknesses_listed(a, catalogue, &evaluation, &problems, input.today)
    );
    let marking = pack_marking(
        &marking_levels(catalogue),
        evaluation
            .effective_classification
            .as_ref()
            .map(|ec| ec.at_least.as_str()),
        weaknesses,
        input.marking,
    )?;

    // Audit trail, and everything verify found.
    let chain: Vec<&verify::Problem> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::AuditChain)
        .collect();
    let verify_problems: Vec<VerifyProblemView> = report
        .problems
        .iter()
        .map(|p| VerifyProblemView {
            kind: p.kind,
            subject: clean_line(&p.subject),
            entry: p.entry,
            expected: clean_line(&p.expected),
            found: clean_line(&p.found),
            message: clean_line(&p.message),
        })
        .collect();
    let audit_view = AuditView {
        entries: a
            .audit
            .iter()
            .map(|e| AuditEntryView {
                at: e.at,
                who: clean_line(&e.who),
                action: clean_line(&e.action),
                subject: clean_line(&e.subject),
                old: clean(&e.old),
                new: clean(&e.new),
                hash: clean_line(&e.hash),
            })
            .collect(),
        chain_intact: chain.is_empty(),
        problems: chain.iter().map(|p| clean_line(&p.message)).collect(),
    };

    // Evidence files, everywhere they are referenced.
    let mut evidence_files: BTreeMap<String, EvidenceFileView> = BTreeMap::new();
    let mut note_evidence = |e: &EvidenceRef| {
        if let Some(path) = &e.path {
            evidence_files
                .entry(path.clone())
                .or_insert_with(|| EvidenceFileView {
                    path: clean_line(path),
                    recorded_sha256: e.sha256.as_deref().map(clean_line),
                    check: input.evidence.get(path).cloned(),
                });
        }
    };
    for record in a.answers.values() {
        if let Some(e) = &record.evidence {
            note_evidence(e);
        }
    }
    for f in &a.findings {
        if let Some(e) = f.mitigation.as_ref().and_then(|m| m.evidence.as_ref()) {
            note_evidence(e);
        }
    }
    let evidence_files: Vec<EvidenceFileView> = evidence_files.into_values().collect();

    let review_summary = summarise_reviews(a, catalogue, &evaluation, &files, &review_records);
    let sign_off = sign_off_view(a, &report, &signatures, input.complete);
    let mut verify = Vec::new();
    if !input.complete {
        verify.push(String::from(INCOMPLETE));
    }
    if !report.problems.is_empty() {
        verify.push(format!(
            "the file does not match its audit trail: {} problem(s), {} of them in the audit trail's own chain",
            report.problems.len(),
            chain.len()
        ));
    }
    if let Some(s) = sign_off.as_ref().filter(|s| !s.holds) {
        verify.push(format!("the sign-off does not hold: {}", s.state));
    }
    if !problems.is_empty() {
        verify.push(format!("{} findings register problem(s)", problems.len()));
    }
    if !answer_problems.is_empty() {
        verify.push(format!(
            "{} answer(s) that could not be used",
            answer_problems.len()
        ));
    }
    let evidence_attention = evidence_files
        .iter()
        .filter(|e| e.check.as_ref().is_some_and(EvidenceCheck::needs_attention))
        .count();
    if evidence_attention > 0 {
        verify.push(format!(
            "{evidence_attention} evidence file(s) changed, missing or unreadable"
        ));
    }
    let verify = if verify.is_empty() {
        "passed: the audit trail chain is intact, every answer, review, finding and sign-off matches its audit entry, the findings register is consistent and every answer could be read".to_string()
    } else {
        format!("NOT PASSED: {}", verify.join("; "))
    };

    let gate_view = GateView {
        passed: gate.passed,
        outside_self_assessment: gate
            .outside_self_assessment
            .iter()
            .map(|n| clean_line(&format!("{}: {}", n.title.trim_end_matches('.'), n.text)))
            .collect(),
        must: gate.must,
        met: gate.met,
        treated: gate.treated,
        blockers: gate
            .blockers
            .iter()
            .map(|b| BlockerView {
                obligation: b.obligation.clone(),
                title: b.title.clone(),
                reason: clean_line(&b.reason),
            })
            .collect(),
        warnings: gate.warnings.iter().map(|w| clean_line(w)).collect(),
    };
    let progress = ProgressView {
        answered: evaluation.progress.answered,
        dont_know: evaluation.progress.dont_know,
        total: evaluation.progress.total,
    };
    let gaps = findings::gaps_without_finding(&a.findings, &evaluation);
    let next_steps = next_steps(
        &progress,
        &gate_view,
        gaps.len(),
        &finding_views,
        &review_summary,
        sign_off.as_ref(),
        &verify_problems,
        evidence_attention,
    );

    let system = SystemView {
        name: clean_line(&a.system.name),
        description: clean(a.system.description.trim_end()),
    };
    Ok(Pack {
        schema: PACK_SCHEMA,
        schema_version: PACK_SCHEMA_VERSION,
        title: if gate.outside_self_assessment.is_empty() {
            format!("Security self-assessment: {}", system.name)
        } else {
            format!("Outside self-assessment: {}", system.name)
        },
        marking: marking.marking,
        marking_reason: marking.reason,
        generated_at: input.generated_at,
        dates_checked_on: input.today,
        tool_version: input.tool_version.to_string(),
        marking_raised: input.marking.is_some(),
        system,
        assessor: clean_line(&a.assessor.signature()),
        assessor_role: clean_line(&a.assessor.role),
        created_at: a.created_at,
        updated_at: a.updated_at,
        classification,
        questionnaires,
        progress,
        reviews: review_summary,
        sign_off,
        signatures,
        readiness: ReadinessView {
            ready: readiness.ready(),
            blockers: readiness
                .blockers
                .iter()
                .map(|b| clean_line(&format!("{}: {}", b.subject, b.reason)))
                .collect(),
        },
        gate: gate_view,
        next_steps,
        notices: evaluation
            .notices
            .iter()
            .map(|n| NoticeView {
                severity: format!("{:?}", n.severity).to_uppercase(),
                title: n.title.clone(),
                text: n.text.clone(),
            })
            .collect(),
        obligations,
        findings: finding_views,
        sections,
        no_longer_asked,
        other_answers,
        answer_problems: answer_problems
            .iter()
            .map(|p| clean_line(&p.problem))
            .collect(),
        review_records,
        integrity: IntegrityView {
            assessment_file: clean_line(input.file_name),
            assessment_sha256: input.file_sha256.to_string(),
            audit_entries: a.audit.len(),
            audit_chain_intact: chain.is_empty(),
            matches_audit_trail: verify_problems.is_empty(),
            file_complete: input.complete,
            verify_problems,
            finding_problems: problems
                .iter()
                .map(|p| clean_line(&p.to_string()))
                .collect(),
            evidence_files,
            verify,
        },
        audit: audit_view,
    })
}

/// The review summary, counted by the review module itself.
fn summarise_reviews(
    a: &Assessment,
    catalogue: &Catalogue,
    evaluation: &crate::rules::Evaluation,
    files: &EvidenceFiles,
    records: &[ReviewView],
) -> ReviewSummary {
    let reviewers: BTreeSet<String> = records.iter().map(|r| r.reviewer.clone()).collect();
    let reviewed_by = reviewers
        .iter()
        .map(|who| ReviewerView {
            who: who.clone(),
            role: a
                .sign_off
                .as_ref()
                .filter(|s| crate::assessment::identity::same_person(&s.signed_by.signature(), who))
                .map(|s| clean_line(&s.signed_by.role))
                .unwrap_or_default(),
            decisions: records.iter().filter(|r| &r.reviewer == who).count(),
        })
        .collect();
    let progress = review::progress(a, catalogue, evaluation, files);
    let open = review::open_queries(a, catalogue, evaluation);
    ReviewSummary {
        reviewers: reviewers.into_iter().collect(),
        reviewed_by,
        answers: progress.answers,
        accepted: progress.accepted,
        queries: progress.open_queries + progress.resolved_queries,
        open_queries: open.len(),
        resolved_queries: progress.resolved_queries,
        stale: progress.stale,
        not_reviewed: progress.not_reviewed,
        open_query_questions: open.iter().map(|q| clean_line(&q.question)).collect(),
        text: progress.to_string(),
    }
}

/// Every sign-off's signature, checked against the allowed-signers file when given.
fn signature_views(a: &Assessment, allowed: Option<&AllowedSigners>) -> Vec<SignatureView> {
    signature::check_all(a, allowed)
        .into_iter()
        .map(|c| SignatureView {
            what: clean_line(&c.what()),
            kind: c.kind,
            finding: c.finding.as_deref().map(clean_line),
            words: clean_line(&c.state.words()),
            state: c.state,
        })
        .collect()
}

/// A signed risk acceptance or exception says so where it is shown (an unsigned one, as
/// every one was before signatures, says nothing more).
fn add_decision_signatures(views: &mut [FindingView], signatures: &[SignatureView]) {
    for s in signatures.iter().filter(|s| s.state.signed()) {
        let Some(view) = views.iter_mut().find(|v| Some(&v.id) == s.finding.as_ref()) else {
            continue;
        };
        let text = match s.kind {
            signature::Kind::RiskAcceptance => view.acceptance.as_mut(),
            signature::Kind::ExceptionApproval => view.exception.as_mut(),
            signature::Kind::SignOff => None,
        };
        if let Some(text) = text {
            text.push_str(&format!("\nSignature: {}", s.words));
        }
    }
}

/// The sign-off with where it stands, as [`sign_off::state`] (in the verify report)
/// decides, and its signature; in a file that may have been cut short (`complete` false)
/// it never holds.
fn sign_off_view(
    a: &Assessment,
    report: &verify::Report,
    signatures: &[SignatureView],
    complete: bool,
) -> Option<SignOffView> {
    let s = a.sign_off.as_ref()?;
    let (entries_after, reasons) = match &report.sign_off {
        SignOffState::ChangedSince {
            entries_after,
            reasons,
            ..
        } => (*entries_after, reasons.clone()),
        SignOffState::NoLongerValid { reasons, .. } => (0, reasons.clone()),
        _ => (0, Vec::new()),
    };
    let state = match &report.sign_off {
        SignOffState::Intact { .. } if !complete => format!(
            "{SIGN_OFF_UNRELIABLE}: the content matches what was signed off, but {INCOMPLETE}"
        ),
        SignOffState::Intact { .. } => SIGN_OFF_VALID.to_string(),
        other => format!(
            "{}; the reviewer needs to review the changes and sign off again",
            other.words()
        ),
    };
    Some(SignOffView {
        signed_by: clean_line(&s.signed_by.signature()),
        role: clean_line(&s.signed_by.role),
        signed_at: s.signed_at,
        statement: clean(&s.statement),
        content_hash: clean_line(&s.content_hash),
        current_content_hash: sign_off::content_hash(a),
        changed_since: matches!(report.sign_off, SignOffState::ChangedSince { .. }),
        holds: report.sign_off.holds() && complete,
        reasons: reasons.iter().map(|r| clean_line(r)).collect(),
        entries_after,
        state: clean_line(&state),
        signature: signatures
            .iter()
            .find(|s| s.kind == signature::Kind::SignOff)
            .map_or_else(|| String::from("unsigned"), |s| s.words.clone()),
    })
}

#[allow(clippy::too_many_arguments)]
fn next_steps(
    progress: &ProgressView,
    gate: &GateView,
    gaps: usize,
    findings: &[FindingView],
    reviews: &ReviewSummary,
    sign_off: Option<&SignOffView>,
    integrity: &[VerifyProblemView],
    evidence_attention: usize,
) -> Vec<String> {
    let mut steps = Vec::new();
    for stop in &gate.outside_self_assessment {
        steps.push(format!("First: {stop}"));
    }
    let open = progress.total.saturating_sub(progress.answered);
    if open > 0 {
        steps.push(format!(
            "Answer the {open} question(s) still open ({} answered \"don't know yet\").",
            progress.dont_know
        ));
    }
    if gaps > 0 {
        steps.push(format!(
            "Raise a finding for each of the {gaps} unmet MUST or SHOULD obligation(s) that has none."
        ));
    }
    for b in &gate.blockers {
        steps.push(format!("{} ({}): {}.", b.obligation, b.title, b.reason));
    }
    let overdue = findings.iter().filter(|f| !f.overdue.is_empty()).count();
    if overdue > 0 {
        steps.push(format!(
            "Deal with the {overdue} finding(s) with passed dates: complete the mitigation, agree a new date or have the risk reviewed."
        ));
    }
    let escalate = findings.iter().filter(|f| f.needs_escalation).count();
    if escalate > 0 {
        steps.push(format!(
            "Escalate the {escalate} risk acceptance(s) on MUST obligations of this OFFICIAL-SENSITIVE system to the directorate or organisation risk register ({}).",
            findings::ESCALATION_POLICY
        ));
    }
    if reviews.stale > 0 {
        steps.push(format!(
            "Ask the reviewer to look again at the {} answer(s) changed since their review.",
            reviews.stale
        ));
    }
    if reviews.open_queries > 0 {
        steps.push(format!(
            "Answer the {} open review query(ies).",
            reviews.open_queries
        ));
    }
    match sign_off {
        // A system outside self-assessment is not signed off as a self-assessment.
        None if !gate.outside_self_assessment.is_empty() => {}
        None => {
            steps.push("Ask the reviewer to sign off the assessment once it is complete.".into())
        }
        Some(s) if s.changed_since => steps.push(
            "The assessment has changed since it was signed off: ask the reviewer to review the changes (secassess diff) and sign off again.".into(),
        ),
        Some(s) if !s.holds => steps.push(
            "The sign-off no longer holds (see the sign-off): deal with what it lists and ask the reviewer to sign off again.".into(),
        ),
        Some(_) => {}
    }
    if !integrity.is_empty() {
        steps.push(format!(
            "Find out why the file does not match its audit trail ({} problem(s), listed in the integrity appendix; secassess verify FILE says the same) before relying on this pack.",
            integrity.len()
        ));
    }
    if evidence_attention > 0 {
        steps.push(format!(
            "Check the {evidence_attention} evidence file(s) that changed, went missing or could not be read, and attach them again."
        ));
    }
    if steps.is_empty() {
        steps.push(
            "Nothing outstanding: keep the assessment up to date as the system changes.".into(),
        );
    }
    steps
}

/// What the pack says, in one line, for the terminal after an export: the marking, MUST
/// obligations met / not met / unknown, findings not treated / treated, the review, the
/// sign-off and whether the file matches its audit trail.
pub fn headline(pack: &Pack) -> String {
    let must = |status: Status| {
        pack.obligations
            .iter()
            .filter(|o| o.level == Level::Must && o.scope == Scope::System && o.status == status)
            .count()
    };
    let treated = pack.findings.iter().filter(|f| f.treated).count();
    let r = &pack.reviews;
    let sign_off = match &pack.sign_off {
        Some(_) if !pack.integrity.file_complete => {
            format!("signed off, {SIGN_OFF_UNRELIABLE}")
        }
        Some(s) if s.holds => format!("signed off, {SIGN_OFF_VALID}"),
        Some(s) => format!(
            "{}: {}",
            if s.changed_since {
                SIGN_OFF_CHANGED
            } else {
                SIGN_OFF_LAPSED
            },
            s.reasons.join("; ")
        ),
        None => "not signed off".to_string(),
    };
    // Unsigned too, as the cover says: a pipeline log that reads the headline alone must
    // not take a self-declared sign-off for a signed one.
    let sign_off = match &pack.sign_off {
        Some(s) => format!("{sign_off} (sign-off {})", s.signature),
        None => sign_off,
    };
    let gate = if pack.gate.passed {
        "gate passed"
    } else {
        "gate NOT PASSED"
    };
    let integrity = if !pack.integrity.file_complete {
        "FILE MAY HAVE BEEN CUT SHORT (no end marker)".to_string()
    } else if pack.integrity.matches_audit_trail {
        "file matches its audit trail".to_string()
    } else {
        format!(
            "FILE DOES NOT MATCH ITS AUDIT TRAIL ({} problem(s))",
            pack.integrity.verify_problems.len()
        )
    };
    let outside = if pack.gate.outside_self_assessment.is_empty() {
        String::new()
    } else {
        "OUTSIDE SELF-ASSESSMENT (not a completed self-assessment: take the system to the Cyber Security team); ".to_string()
    };
    format!(
        "The pack says: {outside}{}; MUST obligations {} met, {} not met, {} unknown; {gate}; findings {} untreated, {} treated; review {} of {} answers accepted, {} open queries, {} stale; {sign_off}; {integrity}.",
        pack.marking,
        must(Status::Met),
        must(Status::NotMet),
        must(Status::Unknown),
        pack.findings.len() - treated,
        treated,
        r.accepted,
        r.answers,
        r.open_queries,
        r.stale,
    )
}

#[cfg(test)]
mod tests;
