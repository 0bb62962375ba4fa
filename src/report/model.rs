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
use crate::questionnaire::model::{Catalogue, Level, Scope};
use crate::rules::{Citation, Status, EFFECTIVE_CLASSIFICATION, GOOD_PRACTICE_BASIS, REQUIRED_BY};

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
        }
    }

    pub fn needs_attention(&self) -> bool {
        !matches!(self, EvidenceCheck::Unchanged)
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
    /// The allowed-signers file that says whose SSH keys to trust; without one, a
    /// signature is "not checked against an allowed-signers file".
    pub allowed_signers: Option<&'a AllowedSigners>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("the marking '{requested}' is lower than this assessment's effective classification, {minimum}; a document may be marked higher than its content, never lower. Leave --marking out or give {minimum} or higher")]
    MarkingTooLow { requested: String, minimum: String },
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
    /// The protective marking printed at the top and bottom of every page.
    pub marking: String,
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

/// The protective marking: the effective classification (OFFICIAL when it is not known),
/// or a higher marking the user asked for.
pub fn marking(
    catalogue: &Catalogue,
    evaluation: &crate::rules::Evaluation,
    requested: Option<&str>,
) -> Result<String, ReportError> {
    let options = catalogue
        .derived(EFFECTIVE_CLASSIFICATION)
        .and_then(|d| catalogue.question(&d.from))
        .map(|q| q.options.clone())
        .unwrap_or_default();
    let minimum = evaluation
        .effective_classification
        .as_ref()
        .map(|ec| ec.at_least.clone());
    let minimum_index = minimum
        .as_deref()
        .and_then(|m| options.iter().position(|o| o.value == m));
    let minimum_label = minimum_index
        .and_then(|i| options.get(i))
        .map(|o| o.label.to_uppercase())
        .unwrap_or_else(|| DEFAULT_MARKING.to_string());
    let Some(requested) = requested else {
        return Ok(minimum_label);
    };
    let wanted = requested.trim();
    let Some(index) = options
        .iter()
        .position(|o| o.value.eq_ignore_ascii_case(wanted) || o.label.eq_ignore_ascii_case(wanted))
    else {
        return Err(ReportError::UnknownMarking {
            requested: clean_line(requested),
            known: options
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if minimum_index.is_some_and(|m| index < m) {
        return Err(ReportError::MarkingTooLow {
            requested: clean_line(requested),
            minimum: minimum_label,
        });
    }
    Ok(options
        .get(index)
        .map(|o| o.label.to_uppercase())
        .unwrap_or(minimum_label))
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

fn decision_word(decision: ReviewDecision) -> &'static str {
    match decision {
        ReviewDecision::NotReviewed => "not reviewed",
        ReviewDecision::Accepted => "accepted",
        ReviewDecision::Query => "query",
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
        };
        files.insert(path, state);
    }
    files
}

/// Gathers everything the evidence pack shows.
pub fn build(input: &Input<'_>) -> Result<Pack, ReportError> {
    let a = input.assessment;
    let catalogue = input.catalogue;
    let (evaluation, answer_problems) = findings::evaluate(a, catalogue);
    let (typed, _) = a.typed_answers(catalogue);
    let marking = marking(catalogue, &evaluation, input.marking)?;
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
    let edited = |kind: ProblemKind, subject: &str| {
        report
            .problems
            .iter()
            .any(|p| p.kind == kind && p.subject == subject)
    };
    let signatures = signature_views(a, input.allowed_signers);
    let mut finding_views: Vec<FindingView> =
        findings::views(a, catalogue, &evaluation, &problems, input.today)
            .iter()
            .map(|v| {
                finding_view(
                    v,
                    input.evidence,
                    edited(ProblemKind::Finding, &v.finding.id),
                    sign_off::finding_treatment(v.finding, &problems, input.today),
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
    let sign_off = sign_off_view(a, &report, &signatures);
    let mut verify = Vec::new();
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
        marking,
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
    let progress = review::progress(a, catalogue, evaluation, files);
    let open = review::open_queries(a);
    ReviewSummary {
        reviewers: reviewers.into_iter().collect(),
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
/// decides, and its signature.
fn sign_off_view(
    a: &Assessment,
    report: &verify::Report,
    signatures: &[SignatureView],
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
        holds: report.sign_off.holds(),
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

// ---------------------------------------------------------------------------------------
// The document: the pack laid out for reading
// ---------------------------------------------------------------------------------------

/// One block of the document. Status is always a word, never colour alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// Level 1 is a part of the pack (each starts on a new page in the PDF), 2 a section,
    /// 3 an item.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Label and value pairs, e.g. the cover details.
    KeyValue {
        rows: Vec<(String, String)>,
    },
    /// A table; `widths` are relative column widths. Rows may contain newlines.
    Table {
        columns: Vec<String>,
        widths: Vec<u16>,
        rows: Vec<Vec<String>>,
    },
    List {
        items: Vec<String>,
    },
    /// The list of the pack's parts (the level-1 headings, in order): the PDF adds the
    /// page each starts on.
    Contents {
        entries: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub title: String,
    pub subject: String,
    pub author: String,
    pub marking: String,
    pub generated_at: DateTime<Utc>,
    /// SHA-256 of the assessment file: the PDF's document id is derived from it.
    pub fingerprint: String,
    /// What `fingerprint` is the SHA-256 of, as the page header names it ("File").
    pub fingerprint_of: String,
    pub blocks: Vec<Block>,
}

/// The part titles, in the order the evidence pack requires.
pub const PARTS: [&str; 8] = [
    "Evidence pack",
    "Summary",
    "Obligations",
    "Findings register",
    "Answers",
    "Review and sign-off",
    "Audit trail",
    "Integrity appendix",
];

struct Builder {
    blocks: Vec<Block>,
}

impl Builder {
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }
    fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph { text: text.into() });
    }
    fn key_value(&mut self, rows: Vec<(&str, String)>) {
        let rows: Vec<(String, String)> = rows
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if !rows.is_empty() {
            self.blocks.push(Block::KeyValue { rows });
        }
    }
    fn table(&mut self, columns: &[(&str, u16)], rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table {
            columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
            widths: columns.iter().map(|(_, w)| *w).collect(),
            rows,
        });
    }
    fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List { items });
        }
    }
    fn contents(&mut self) {
        self.blocks.push(Block::Contents {
            entries: PARTS.iter().skip(1).map(|p| p.to_string()).collect(),
        });
    }
}

/// Obligations of the system (organisation duties are counted apart) at one level.
fn count_status(pack: &Pack, level: Level, status: Status) -> usize {
    pack.obligations
        .iter()
        .filter(|o| o.scope == Scope::System && o.level == level && o.status == status)
        .count()
}

fn citation_words(c: &Citation) -> String {
    format!("{}, {}: \"{}\"", c.reference(), c.section, c.quote)
}

/// Lays the pack out in the order the evidence pack requires: cover, summary,
/// obligations, findings, answers, review and sign-off, audit trail, integrity appendix.
pub fn document(pack: &Pack) -> Document {
    let mut b = Builder { blocks: Vec::new() };
    cover(&mut b, pack);
    summary(&mut b, pack);
    obligations(&mut b, pack);
    findings_register(&mut b, pack);
    answers(&mut b, pack);
    review(&mut b, pack);
    audit_trail(&mut b, pack);
    integrity(&mut b, pack);
    Document {
        title: pack.title.clone(),
        subject: if pack.gate.outside_self_assessment.is_empty() {
            format!(
                "Security self-assessment evidence pack ({}), generated by secassess {}",
                pack.marking, pack.tool_version
            )
        } else {
            format!(
                "Record of answers for a system outside self-assessment ({}), generated by secassess {}",
                pack.marking, pack.tool_version
            )
        },
        author: pack.assessor.clone(),
        marking: pack.marking.clone(),
        generated_at: pack.generated_at,
        fingerprint: pack.integrity.assessment_sha256.clone(),
        fingerprint_of: String::from("File"),
        blocks: b.blocks,
    }
}

/// The sign-off in one line: who, when, and whether it still holds.
pub fn sign_off_words(pack: &Pack) -> String {
    match &pack.sign_off {
        Some(s) => format!(
            "SIGNED OFF by {} on {}: {}",
            s.signed_by,
            when(s.signed_at),
            s.state
        ),
        None => "NOT SIGNED OFF".to_string(),
    }
}

/// The sign-off's SSH signature in one line, for the cover; `None` when not signed off.
pub fn signature_words(pack: &Pack) -> Option<String> {
    pack.sign_off.as_ref().map(|s| s.signature.clone())
}

/// Whether the file matches its audit trail, in one line.
pub fn integrity_words(pack: &Pack) -> String {
    let i = &pack.integrity;
    if i.matches_audit_trail {
        format!(
            "the file matches its audit trail: the chain of {} entries is intact and every answer, review{} matches its audit entry",
            i.audit_entries,
            if pack.sign_off.is_some() {
                ", finding and the sign-off"
            } else {
                " and finding"
            }
        )
    } else {
        format!(
            "THE FILE DOES NOT MATCH ITS AUDIT TRAIL: {} problem(s), listed in the integrity appendix",
            i.verify_problems.len()
        )
    }
}

/// The warning printed at the top of the cover and the summary when the file does not
/// match its audit trail.
fn integrity_warning(pack: &Pack) -> Option<String> {
    (!pack.integrity.matches_audit_trail).then(|| {
        format!(
            "WARNING: THIS ASSESSMENT FILE DOES NOT MATCH ITS AUDIT TRAIL. {} problem(s) were found (listed in the integrity appendix): parts of it were changed outside secassess, or its audit trail was edited. Do not rely on this pack until that is explained.",
            pack.integrity.verify_problems.len()
        )
    })
}

fn cover(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[0]);
    // A system outside self-assessment is said first, and the pack does not call itself
    // a self-assessment of it.
    for stop in &pack.gate.outside_self_assessment {
        b.paragraph(format!("OUTSIDE SELF-ASSESSMENT. {stop}"));
    }
    if pack.gate.outside_self_assessment.is_empty() {
        b.paragraph(format!("Security self-assessment of {}", pack.system.name));
    } else {
        b.paragraph(format!(
            "Answers recorded for {}. This is NOT a completed self-assessment and does not show the system is secure enough: it is outside self-assessment, and the obligations in this pack are the OFFICIAL baseline only.",
            pack.system.name
        ));
    }
    if let Some(warning) = integrity_warning(pack) {
        b.paragraph(warning);
    }
    let reviewers = if pack.reviews.reviewers.is_empty() {
        "none yet".to_string()
    } else {
        pack.reviews.reviewers.join("; ")
    };
    let c = &pack.classification;
    let mut classification = c.text.clone();
    if !c.because.is_empty() {
        classification.push_str(&format!(", because {}", c.because.join(" and ")));
    }
    if !c.explanation.is_empty() && !c.explanation.ends_with(&c.text) {
        classification.push_str(&format!(". {}", c.explanation));
    }
    let questionnaires = pack
        .questionnaires
        .iter()
        .map(|q| format!("{} {}", q.id, q.version))
        .collect::<Vec<_>>()
        .join(", ");
    let assessor = if pack.assessor_role.is_empty() {
        pack.assessor.clone()
    } else {
        format!("{}, {}", pack.assessor, pack.assessor_role)
    };
    let mut rows = vec![
        ("System", pack.system.name.clone()),
        ("Description", pack.system.description.clone()),
        ("Assessor", assessor),
        ("Reviewer", reviewers),
        ("Sign-off", sign_off_words(pack)),
        ("Gate", gate_words(pack)),
        ("Ready for sign-off", readiness_words(pack)),
        ("Review status", review_status(&pack.reviews)),
        ("Integrity", integrity_words(pack)),
        ("Effective classification", classification),
        ("Protective marking", pack.marking.clone()),
        ("Started", when(pack.created_at)),
        ("Last changed", when(pack.updated_at)),
        ("Generated", when(pack.generated_at)),
        ("Dates checked on", pack.dates_checked_on.to_string()),
        ("Tool version", format!("secassess {}", pack.tool_version)),
        ("Questionnaires", questionnaires),
        ("Assessment file", pack.integrity.assessment_file.clone()),
        (
            "Assessment SHA-256",
            pack.integrity.assessment_sha256.clone(),
        ),
    ];
    // The sign-off's signature right under it, when there is a sign-off.
    if let Some(words) = signature_words(pack) {
        rows.insert(5, ("Signature", words));
    }
    b.key_value(rows);
    // Stop notices were said first, above.
    for notice in pack.notices.iter().filter(|n| n.severity != "STOP") {
        b.paragraph(format!(
            "{}: {}. {}",
            notice.severity, notice.title, notice.text
        ));
    }
    b.heading(2, "Contents");
    b.contents();
}

/// The pipeline gate in one line, as `secassess check` says it.
pub fn gate_words(pack: &Pack) -> String {
    if let Some(stop) = pack.gate.outside_self_assessment.first() {
        format!("NOT PASSED: OUTSIDE SELF-ASSESSMENT. {stop}")
    } else if pack.gate.passed {
        format!(
            "PASSED: every applicable MUST obligation is met ({}) or treated ({}).",
            pack.gate.met, pack.gate.treated
        )
    } else {
        format!(
            "NOT PASSED: {} of {} applicable MUST obligations are neither met nor treated.",
            pack.gate.blockers.len(),
            pack.gate.must
        )
    }
}

/// Whether it is ready to sign off, in one line: yes, or how many things stand in the way
/// and the first few.
pub fn readiness_words(pack: &Pack) -> String {
    let r = &pack.readiness;
    if r.ready {
        return String::from("yes: nothing stands in the way");
    }
    let first: Vec<&str> = r.blockers.iter().take(3).map(String::as_str).collect();
    let more = r.blockers.len().saturating_sub(first.len());
    format!(
        "no: {} thing(s) stand in the way: {}{}",
        r.blockers.len(),
        first.join("; "),
        if more > 0 {
            format!("; and {more} more (listed under Review and sign-off)")
        } else {
            String::new()
        }
    )
}

fn review_status(r: &ReviewSummary) -> String {
    let mut words = r.text.clone();
    if r.open_queries > 0 {
        words.push_str(&format!(
            "; open queries: {}",
            r.open_query_questions.join(", ")
        ));
    }
    words
}

fn summary(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[1]);
    if let Some(warning) = integrity_warning(pack) {
        b.paragraph(warning);
    }
    let p = &pack.progress;
    let gate = gate_words(pack);
    b.key_value(vec![
        (
            "Progress",
            format!(
                "{} of {} questions answered ({} \"don't know yet\")",
                p.answered, p.total, p.dont_know
            ),
        ),
        ("Gate", gate),
        ("Review", review_status(&pack.reviews)),
        ("Sign-off", sign_off_words(pack)),
        ("Ready for sign-off", readiness_words(pack)),
        ("Integrity", integrity_words(pack)),
    ]);
    b.heading(2, "Obligations by status and level");
    let statuses = [
        Status::NotMet,
        Status::Unknown,
        Status::Met,
        Status::NotApplicable,
    ];
    let mut rows = Vec::new();
    for level in Level::ALL {
        let mut row = vec![level.name().to_string()];
        row.extend(
            statuses
                .iter()
                .map(|s| count_status(pack, level, *s).to_string()),
        );
        rows.push(row);
    }
    // Organisation duties are context, counted apart from the system's obligations.
    let mut row = vec!["Organisation (context)".to_string()];
    row.extend(statuses.iter().map(|s| {
        pack.obligations
            .iter()
            .filter(|o| o.scope == Scope::Organisation && o.status == *s)
            .count()
            .to_string()
    }));
    rows.push(row);
    b.table(
        &[
            ("Level", 2),
            ("Not met", 2),
            ("Unknown", 2),
            ("Met", 2),
            ("N/A", 2),
        ],
        rows,
    );
    // "Treated" is the sign-off's sense (a plan with an owner and date, a valid risk
    // acceptance or exception, mitigated or closed), the same the headline counts.
    b.heading(2, "Findings by severity");
    let rows = Severity::ALL
        .iter()
        .map(|s| {
            let of_severity = || pack.findings.iter().filter(move |f| f.severity == *s);
            vec![
                s.name().to_uppercase(),
                of_severity().filter(|f| !f.treated).count().to_string(),
                of_severity().filter(|f| f.treated).count().to_string(),
            ]
        })
        .collect();
    b.table(&[("Severity", 2), ("Untreated", 2), ("Treated", 2)], rows);
    b.heading(2, "Overdue and escalation");
    let mut items = Vec::new();
    for f in &pack.findings {
        for o in &f.overdue {
            items.push(format!("OVERDUE: {} ({}): {o}", f.id, f.title));
        }
        if f.needs_escalation {
            items.push(format!(
                "ESCALATE: {} ({}): a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system ({})",
                f.id, f.title, findings::ESCALATION_POLICY
            ));
        }
    }
    if items.is_empty() {
        b.paragraph("Nothing is overdue and nothing needs escalation.");
    } else {
        b.list(items);
    }
    b.heading(2, "What to do next");
    b.list(pack.next_steps.clone());
}

fn obligations(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[2]);
    if !pack.gate.outside_self_assessment.is_empty() {
        b.paragraph("OUTSIDE SELF-ASSESSMENT: the obligations below are the baseline for OFFICIAL systems only and are NOT sufficient for this system, whatever their status.");
    }
    b.paragraph("Every obligation in the questionnaires, whether it applies to this system, whether it is met, why, and the requirement it comes from, quoted. Organisation duties (level marked \"organisation\") are the organisation's, not the project's: context that never blocks the gate. Good practice is advice that supports a standard, not a requirement of it.");
    let rows = pack
        .obligations
        .iter()
        .map(|o| {
            // The rules engine ends the reasons with "Required by ...", quoting the
            // source; the next column quotes every source, so it is not said twice.
            let reasons: Vec<&str> = o
                .reasons
                .iter()
                .map(String::as_str)
                .filter(|r| !r.starts_with(REQUIRED_BY) && !r.starts_with(GOOD_PRACTICE_BASIS))
                .collect();
            let mut why = format!("{}\n{}", o.title, reasons.join("\n"));
            if let (Some(who), false) = (&o.exception_approver, o.status == Status::Met) {
                why.push_str(&format!(
                    "\nExceptions: only the {who} can approve one; a risk acceptance does not treat a gap."
                ));
            }
            if let Some(t) = &o.treatment {
                why.push_str(&format!("\nTreatment: {t}"));
            }
            if let Some(blocks) = &o.blocks {
                why.push_str(&format!("\nBLOCKS THE GATE: {blocks}"));
            }
            let sources = o
                .sources
                .iter()
                .map(citation_words)
                .collect::<Vec<_>>()
                .join("\n");
            let level = match o.scope {
                Scope::Organisation => format!("{}, organisation", o.level.name()),
                Scope::System => o.level.name().to_string(),
            };
            vec![
                o.id.clone(),
                level,
                status_word(o.status).to_string(),
                why,
                sources,
            ]
        })
        .collect();
    b.table(
        &[
            // Level and status columns are wide enough for SHOULD and UNKNOWN whole.
            ("ID", 14),
            ("Level", 10),
            ("Status", 12),
            ("Obligation and why", 37),
            ("Source (quoted)", 27),
        ],
        rows,
    );
}

fn findings_register(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[3]);
    if pack.findings.is_empty() {
        b.paragraph("No findings are recorded.");
        return;
    }
    let rows = pack
        .findings
        .iter()
        .map(|f| {
            let mut flags = Vec::new();
            if !f.overdue.is_empty() {
                flags.push("OVERDUE");
            }
            if f.needs_escalation {
                flags.push("ESCALATE");
            }
            if f.edited_outside {
                flags.push("EDITED OUTSIDE SECASSESS");
            } else if !f.problems.is_empty() {
                flags.push("PROBLEM");
            }
            vec![
                f.id.clone(),
                f.title.clone(),
                f.severity.name().to_uppercase(),
                f.status.label().to_string(),
                f.owner.clone(),
                flags.join(" "),
            ]
        })
        .collect();
    b.table(
        &[
            ("ID", 8),
            ("Title", 34),
            ("Severity", 10),
            ("Status", 14),
            ("Owner", 18),
            ("Flags", 12),
        ],
        rows,
    );
    for f in &pack.findings {
        b.heading(3, format!("{} {}", f.id, f.title));
        let mut rows = vec![
            ("Severity", f.severity.name().to_uppercase()),
            ("Status", f.status.label().to_string()),
            ("Owner", f.owner.clone()),
            ("Obligations", f.obligations.join(", ")),
            ("Questions", f.questions.join(", ")),
            ("Description", f.description.clone()),
            (
                "Raised",
                format!("by {} on {}", f.raised_by, when(f.raised_at)),
            ),
            ("Mitigation plan", f.mitigation.clone().unwrap_or_default()),
            ("Risk acceptance", f.acceptance.clone().unwrap_or_default()),
            ("Exception", f.exception.clone().unwrap_or_default()),
            (
                "Treated",
                if f.treated {
                    format!("yes: {}", f.treatment)
                } else {
                    format!("NO: {}", f.treatment)
                },
            ),
        ];
        if f.edited_outside {
            rows.push((
                "EDITED OUTSIDE SECASSESS",
                "this finding does not match its latest audit entry: it was changed or added in a text editor, not through secassess. It treats nothing until someone checks the change and acknowledges it in secassess.".into(),
            ));
        }
        for o in &f.overdue {
            rows.push(("OVERDUE", o.clone()));
        }
        if f.needs_escalation {
            rows.push((
                "ESCALATE",
                format!("a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system: escalate it through the business owner to the directorate or organisation risk register ({})", findings::ESCALATION_POLICY),
            ));
        }
        if let Some(why) = &f.no_longer_applies {
            rows.push(("NO LONGER APPLIES", why.clone()));
        }
        for p in &f.problems {
            rows.push(("PROBLEM", p.clone()));
        }
        b.key_value(rows);
    }
}

fn answer_rows(a: &AnswerView) -> Vec<(&'static str, String)> {
    let answer = match (&a.answer, a.flagged) {
        (Some(answer), _) => answer.clone(),
        (None, true) => "NOT ANSWERED (marked \"answer later\")".into(),
        (None, false) if a.asked == "not known yet" => {
            "NOT ANSWERED (may not be asked, depending on answers still missing)".into()
        }
        (None, false) => "NOT ANSWERED".into(),
    };
    let answered = match (&a.answered_by, a.answered_at) {
        (Some(by), Some(at)) => format!("{by} on {}", when(at)),
        _ => String::new(),
    };
    let evidence = a.evidence.as_ref().map(evidence_words).unwrap_or_default();
    let mut rows = vec![
        ("Answer", answer),
        ("Answered by", answered),
        ("Notes", a.notes.clone()),
        ("Evidence", evidence),
        ("Review", a.review.clone().unwrap_or_default()),
    ];
    if a.edited_outside {
        rows.push((
            "EDITED OUTSIDE SECASSESS",
            "this answer does not match its latest audit entry: it was changed in a text editor, not through secassess".into(),
        ));
    }
    rows
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

fn answers(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[4]);
    let mut current = "";
    for section in &pack.sections {
        if section.questionnaire != current {
            current = &section.questionnaire;
            b.heading(2, section.questionnaire_title.clone());
        }
        b.heading(3, section.title.clone());
        for a in &section.answers {
            b.paragraph(format!("{} ({})", a.prompt, a.question));
            b.key_value(answer_rows(a));
        }
        if !section.not_asked.is_empty() {
            b.paragraph(format!(
                "Not asked of this system: {}",
                section.not_asked.join(" | ")
            ));
        }
    }
    if !pack.no_longer_asked.is_empty() {
        b.heading(2, "Answered earlier, no longer asked");
        b.paragraph("These questions were answered when they applied; later answers mean they are no longer asked, so their answers count nowhere (not in progress, review, sign-off or the gate). They are kept in the file.");
        for a in &pack.no_longer_asked {
            b.paragraph(format!("{} ({})", a.prompt, a.question));
            let mut rows = answer_rows(a);
            let because = a.not_asked_because.clone().unwrap_or_default();
            rows.insert(
                0,
                (
                    "Status",
                    if because.is_empty() {
                        "answered earlier, no longer asked".to_string()
                    } else {
                        format!("answered earlier, no longer asked because {because}")
                    },
                ),
            );
            b.key_value(rows);
        }
    }
    if !pack.other_answers.is_empty() {
        b.heading(2, "Answers to questions the questionnaires no longer have");
        for a in &pack.other_answers {
            b.paragraph(a.question.clone());
            b.key_value(answer_rows(a));
        }
    }
    if !pack.answer_problems.is_empty() {
        b.heading(2, "Answers that could not be used");
        b.list(pack.answer_problems.clone());
    }
}

fn review(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[5]);
    b.key_value(vec![("Review status", review_status(&pack.reviews))]);
    if pack.review_records.is_empty() {
        b.paragraph("No answer has been reviewed yet.");
    } else {
        let rows = pack
            .review_records
            .iter()
            .map(|r| {
                let mut state = vec![if r.stale { "STALE" } else { "current" }];
                if r.decision == ReviewDecision::Query {
                    state.push(if r.open_query { "open" } else { "resolved" });
                }
                if r.edited_outside {
                    state.push("EDITED OUTSIDE SECASSESS");
                }
                vec![
                    r.question.clone(),
                    decision_word(r.decision).to_uppercase(),
                    r.reviewer.clone(),
                    when(r.decided_at),
                    state.join(", "),
                ]
            })
            .collect();
        b.table(
            &[
                ("Question", 24),
                ("Decision", 14),
                ("Reviewer", 26),
                ("Decided", 20),
                ("State", 16),
            ],
            rows,
        );
    }
    let threads: Vec<&ReviewView> = pack
        .review_records
        .iter()
        .filter(|r| !r.thread.is_empty())
        .collect();
    if !threads.is_empty() {
        b.heading(2, "Review queries");
        for r in threads {
            b.heading(3, format!("{} ({})", r.question, review_words(r)));
            b.list(
                r.thread
                    .iter()
                    .map(|c| format!("{}, {}: {}", c.author, when(c.at), c.text))
                    .collect(),
            );
        }
    }
    b.heading(2, "Ready for sign-off");
    if pack.readiness.ready {
        b.paragraph("Yes: every asked question is answered and accepted on its current content, no query is open, every finding is treated, the gate passes and the file matches its audit trail.");
    } else {
        b.paragraph(format!(
            "No: {} thing(s) stand in the way, as `secassess review` lists them:",
            pack.readiness.blockers.len()
        ));
        b.list(pack.readiness.blockers.clone());
    }
    b.heading(2, "Sign-off");
    match &pack.sign_off {
        Some(s) => {
            let mut rows = vec![
                ("Signed by", s.signed_by.clone()),
                ("Role", s.role.clone()),
                ("Signed", when(s.signed_at)),
                ("Statement", s.statement.clone()),
                ("Status", s.state.clone()),
                ("Signature", s.signature.clone()),
                ("Content hash signed", s.content_hash.clone()),
            ];
            if s.changed_since {
                rows.push(("Content hash now", s.current_content_hash.clone()));
            }
            b.key_value(rows);
        }
        None => b.paragraph("NOT SIGNED OFF: no reviewer has signed off this assessment."),
    }
    // The other sign-offs in one place, as `verify` lists them, so a reader can see at a
    // glance whether every risk acceptance and exception carries its decider's signature
    // without reading the whole register.
    let decisions: Vec<&SignatureView> = pack
        .signatures
        .iter()
        .filter(|s| s.kind != signature::Kind::SignOff)
        .collect();
    if !decisions.is_empty() {
        b.heading(3, "Signatures of risk acceptances and exceptions");
        b.paragraph(
            "Each is signed with the SSH key of the person it names, or unsigned (self-declared):",
        );
        b.list(
            decisions
                .iter()
                .map(|s| format!("{}: {}", s.what, s.words))
                .collect(),
        );
    }
}

fn audit_trail(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[6]);
    let chain = if pack.audit.chain_intact {
        format!(
            "Chain verification: INTACT. All {} entries follow each other and match their hashes.",
            pack.audit.entries.len()
        )
    } else {
        format!(
            "Chain verification: BROKEN. {} problem(s) found; the entries named below were edited, deleted, inserted or moved outside secassess.",
            pack.audit.problems.len()
        )
    };
    b.paragraph(chain);
    b.list(pack.audit.problems.clone());
    if pack.audit.entries.is_empty() {
        b.paragraph("The audit trail is empty.");
        return;
    }
    let rows = pack
        .audit
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let change = match (e.old.is_empty(), e.new.is_empty()) {
                (true, true) => String::new(),
                (true, false) => e.new.clone(),
                (false, true) => format!("{} -> (nothing)", e.old),
                (false, false) => format!("{} -> {}", e.old, e.new),
            };
            vec![
                (i + 1).to_string(),
                when(e.at),
                e.who.clone(),
                format!("{} {}", e.action, e.subject),
                change,
            ]
        })
        .collect();
    b.table(
        &[
            ("#", 5),
            ("When", 17),
            ("Who", 22),
            ("What", 24),
            ("Change", 32),
        ],
        rows,
    );
}

fn verify_kind(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::AuditChain => "audit chain",
        ProblemKind::Header => "assessment details",
        ProblemKind::Answer => "answer",
        ProblemKind::Review => "review",
        ProblemKind::Finding => "finding",
        ProblemKind::SignOff => "sign-off",
    }
}

/// How a reader checks this pack, with the exact command that makes it again.
fn how_to_check(pack: &Pack) -> Vec<String> {
    let i = &pack.integrity;
    let mut command = format!(
        "secassess export {} --pdf PACK.pdf --generated-at {} --date {}",
        i.assessment_file,
        pack.generated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        pack.dates_checked_on
    );
    if pack.marking_raised {
        command.push_str(&format!(" --marking {}", pack.marking));
    }
    vec![
        format!(
            "Is this the pack of that file? Compute the SHA-256 of the assessment file (sha256sum FILE on Linux, shasum -a 256 FILE on macOS, Get-FileHash FILE in PowerShell) and compare it with {}. Its first 16 characters are printed at the top of every page.",
            i.assessment_sha256
        ),
        "Does the file match its audit trail? Run secassess verify FILE: it reports the same problems as listed above (none, when it matches).".into(),
        format!(
            "Was the pack changed after it was made? Make it again with secassess {} and the same questionnaires: {command}. The new PDF is byte-identical to an unchanged one (compare their SHA-256).",
            pack.tool_version
        ),
        "What changed since the sign-off, or since last year's assessment? Run secassess diff OLD NEW.".into(),
    ]
}

fn integrity(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[7]);
    let i = &pack.integrity;
    b.key_value(vec![
        ("Assessment file", i.assessment_file.clone()),
        ("SHA-256 of its content", i.assessment_sha256.clone()),
        ("Verification", i.verify.clone()),
        (
            "Audit trail",
            format!(
                "{} entries, chain {}",
                i.audit_entries,
                if i.audit_chain_intact {
                    "intact"
                } else {
                    "BROKEN"
                }
            ),
        ),
        ("Matches its audit trail", integrity_words(pack)),
        ("Sign-off", sign_off_words(pack)),
    ]);
    b.heading(2, "What secassess verify finds");
    if i.verify_problems.is_empty() {
        b.paragraph("Nothing: the audit trail's hash chain is intact, and every answer, review decision, finding and the sign-off is what its latest audit entry recorded.");
    } else {
        let rows = i
            .verify_problems
            .iter()
            .map(|p| {
                vec![
                    p.entry.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
                    verify_kind(p.kind).to_string(),
                    p.message.clone(),
                    format!("expected {}\nfound {}", p.expected, p.found),
                ]
            })
            .collect();
        b.table(
            &[
                ("Entry", 6),
                ("What", 10),
                ("Problem", 44),
                ("Audit trail says / file holds", 40),
            ],
            rows,
        );
    }
    b.heading(2, "How to check this pack");
    b.list(how_to_check(pack));
    b.heading(2, "Questionnaires used");
    let rows = pack
        .questionnaires
        .iter()
        .map(|q| {
            let recorded = match (&q.recorded_version, &q.recorded_sha256) {
                _ if q.matches_record => "same as recorded".to_string(),
                (Some(v), Some(s)) => format!("recorded {v}, SHA-256 {s}"),
                (Some(v), None) => format!("recorded {v}, no hash"),
                (None, _) => "not recorded in the assessment".to_string(),
            };
            vec![
                format!("{} {}", q.id, q.version),
                q.sha256.clone(),
                recorded,
            ]
        })
        .collect();
    b.table(
        &[
            ("Questionnaire", 22),
            ("SHA-256 used for this pack", 48),
            ("In the assessment", 30),
        ],
        rows,
    );
    if !i.finding_problems.is_empty() {
        b.heading(2, "Findings register problems");
        b.list(i.finding_problems.clone());
    }
    b.heading(2, "Evidence files");
    if i.evidence_files.is_empty() {
        b.paragraph("No local evidence files are referenced.");
    } else {
        let rows = i
            .evidence_files
            .iter()
            .map(|e| {
                vec![
                    e.path.clone(),
                    e.recorded_sha256.clone().unwrap_or_else(|| "none".into()),
                    e.check
                        .as_ref()
                        .map(EvidenceCheck::words)
                        .unwrap_or_else(|| "not checked".into()),
                ]
            })
            .collect();
        b.table(
            &[("Path", 30), ("Recorded SHA-256", 40), ("At export", 30)],
            rows,
        );
    }
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
    let integrity = if pack.integrity.matches_audit_trail {
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
