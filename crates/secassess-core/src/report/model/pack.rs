use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assessment::allowed_signers::AllowedSigners;
use crate::assessment::record::{Assessment, FindingStatus, ReviewDecision, Severity};
use crate::assessment::signature;
use crate::assessment::verify::ProblemKind;

use crate::questionnaire::model::{Catalogue, Level, Scope};
use crate::rules::{Citation, Status};

/// The version of the JSON export's shape. Raised when a field is renamed or removed;
/// adding a field does not raise it.
pub const PACK_SCHEMA_VERSION: u32 = 1;

/// What the JSON export calls itself, so a consumer can tell it from other JSON.
pub const PACK_SCHEMA: &str = "secassess-evidence-pack";

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
