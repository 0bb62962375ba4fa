//! The evidence pack's shape: what [`build`](super::build) takes ([`Input`]) and gives
//! ([`Pack`] and the views it is made of), with the JSON schema's name and version. Plain
//! data: the JSON and CSV exports serialise it, `document` lays it out.

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
    Changed {
        /// The SHA-256 (hex) the file has now.
        sha256: String,
        /// Its size now, in bytes.
        size: u64,
    },
    /// No file at that path.
    Missing,
    /// The file is there but no hash was recorded to compare with.
    NoRecordedHash {
        /// The SHA-256 (hex) the file has now.
        sha256: String,
        /// Its size now, in bytes.
        size: u64,
    },
    /// It could not be read (permissions, a folder, ...).
    Unreadable {
        /// Why, as the operating system said it.
        reason: String,
    },
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
    /// The assessment as read from its file.
    pub assessment: &'a Assessment,
    /// The questionnaires it is read against (the same ones `check` would use).
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
    /// The version of secassess making the pack, e.g. "0.1.0", printed on the cover.
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

/// The evidence pack's content: everything every format shows, worked out once by
/// [`build`](super::build). Serialised as the JSON export (field names are the schema:
/// see [`PACK_SCHEMA_VERSION`]); every string taken from the assessment file is already
/// sanitised.
#[derive(Debug, Clone, Serialize)]
pub struct Pack {
    /// Always [`PACK_SCHEMA`], so a consumer can tell the JSON from other JSON.
    pub schema: &'static str,
    /// Always [`PACK_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// "Security self-assessment: NAME", or "Outside self-assessment: NAME" when a stop
    /// notice shows (the pack then never presents itself as a completed self-assessment).
    pub title: String,
    /// The protective marking printed at the top and bottom of every page
    /// ([`pack_marking`](super::pack_marking)).
    pub marking: String,
    /// Why the pack has that marking, in words.
    pub marking_reason: String,
    /// When the pack says it was generated, UTC ([`Input::generated_at`]).
    pub generated_at: DateTime<Utc>,
    /// The date overdue items were checked against.
    pub dates_checked_on: NaiveDate,
    /// The version of secassess that made it.
    pub tool_version: String,
    /// The marking was raised with `--marking` (so re-exporting needs it again).
    pub marking_raised: bool,
    /// The system assessed, as recorded in the file.
    pub system: SystemView,
    /// The project lead who created the assessment, as `Name <email>`.
    pub assessor: String,
    /// Their role as recorded; may be empty.
    pub assessor_role: String,
    /// When the assessment was created, UTC, as recorded.
    pub created_at: DateTime<Utc>,
    /// When it was last changed, UTC, as recorded.
    pub updated_at: DateTime<Utc>,
    /// The effective classification worked out from the answers.
    pub classification: ClassificationView,
    /// The loaded questionnaires, in walking order, with whether each is the version the
    /// assessment recorded.
    pub questionnaires: Vec<QuestionnaireView>,
    /// How many questions are answered.
    pub progress: ProgressView,
    /// How far the IG review has got.
    pub reviews: ReviewSummary,
    /// The sign-off and where it stands; `None` when not signed off.
    pub sign_off: Option<SignOffView>,
    /// Every sign-off's SSH signature (the sign-off, risk acceptances, exception
    /// approvals), as [`signature::check_all`] says.
    pub signatures: Vec<SignatureView>,
    /// Whether the assessment is ready to sign off ([`sign_off::readiness`](crate::assessment::sign_off::readiness)).
    pub readiness: ReadinessView,
    /// The pipeline gate's verdict, as `secassess check` gives it.
    pub gate: GateView,
    /// What to do next, one sentence each, most pressing first (a stop notice, then
    /// unanswered questions, gaps, blockers, ...); one "Nothing outstanding" step when done.
    pub next_steps: Vec<String>,
    /// Every notice the answers make show, in questionnaire order.
    pub notices: Vec<NoticeView>,
    /// Every obligation of the loaded questionnaires, in questionnaire order, with its
    /// status once findings and recorded approvals are taken into account.
    pub obligations: Vec<ObligationView>,
    /// Every finding in the register, in file order.
    pub findings: Vec<FindingView>,
    /// Every section of the loaded questionnaires in walking order, with the answers to
    /// the questions asked (or possibly asked).
    pub sections: Vec<SectionView>,
    /// Answers given earlier to questions no longer asked (their `ask_if` is now false):
    /// shown apart, counted nowhere.
    pub no_longer_asked: Vec<AnswerView>,
    /// Answers to questions the loaded questionnaires do not have; kept in the file.
    pub other_answers: Vec<AnswerView>,
    /// Answers that could not be used against the current questionnaires, and why.
    pub answer_problems: Vec<String>,
    /// Every review decision in the file, by question id, with its thread.
    pub review_records: Vec<ReviewView>,
    /// The audit trail, entry by entry.
    pub audit: AuditView,
    /// Whether the file can be relied on: its hash, the audit chain, everything
    /// `secassess verify` found, evidence files re-checked.
    pub integrity: IntegrityView,
}

/// The system assessed.
#[derive(Debug, Clone, Serialize)]
pub struct SystemView {
    /// Its name, one line.
    pub name: String,
    /// What it is and does, as the project lead wrote it (may be several lines).
    pub description: String,
}

/// The effective classification of the system's information, worked out from the
/// answers (the `effective_classification` derived value).
#[derive(Debug, Clone, Serialize)]
pub struct ClassificationView {
    /// "OFFICIAL-SENSITIVE", or "at least OFFICIAL (not settled)".
    pub text: String,
    /// Every answer that decides it is in, so `text` is the classification itself.
    pub settled: bool,
    /// The lowest classification it can still be, by label ("OFFICIAL" when nothing is
    /// known): what a document about the system must at least be marked.
    pub at_least: String,
    /// Why it was raised above what was declared, one phrase per rule that raised it
    /// ("it holds personal data").
    pub because: Vec<String>,
    /// The whole reasoning as one sentence, as `secassess obligations` words it; empty when
    /// the classification is not known.
    pub explanation: String,
}

/// One loaded questionnaire, against the version the assessment recorded.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionnaireView {
    /// Its id, e.g. `application-security`.
    pub id: String,
    /// Its title as written.
    pub title: String,
    /// Its version as loaded now.
    pub version: String,
    /// The SHA-256 (hex) of its file's text as loaded now.
    pub sha256: String,
    /// The version and hash the assessment recorded, when it recorded one.
    pub recorded_version: Option<String>,
    /// The file hash (hex) the assessment recorded for it; `None` when it recorded no
    /// hash (only a version).
    pub recorded_sha256: Option<String>,
    /// The version and hash loaded now are those the assessment recorded (false when it
    /// recorded none for this questionnaire).
    pub matches_record: bool,
}

/// How many questions are answered, counted as the walkthrough counts them.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressView {
    /// Questions asked (or possibly asked) with a real answer.
    pub answered: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
    /// Questions that are, or may yet be, asked.
    pub total: usize,
}

/// How far the review has got, as [`review::progress`](crate::assessment::review::progress) counts it (over the answered
/// questions that are asked), with the open queries from [`review::open_queries`](crate::assessment::review::open_queries).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewSummary {
    /// Everyone with a review decision, as `Name <email>`, sorted.
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
    /// Queries marked resolved (stale ones not counted).
    pub resolved_queries: usize,
    /// Decisions made on an answer that has changed since.
    pub stale: usize,
    /// Answered questions with no decision yet.
    pub not_reviewed: usize,
    /// The question ids of the open queries.
    pub open_query_questions: Vec<String>,
    /// In words, as `secassess review` says it.
    pub text: String,
}

/// A reviewer of the assessment.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewerView {
    /// `Name <email>`.
    pub who: String,
    /// Their role as recorded with their sign-off; empty when they have not signed off
    /// (a review decision does not record a role).
    pub role: String,
    /// Review decisions standing in their name.
    pub decisions: usize,
}

/// The sign-off and where it stands now.
#[derive(Debug, Clone, Serialize)]
pub struct SignOffView {
    /// Who signed off, as `Name <email>`.
    pub signed_by: String,
    /// Their role as they recorded it (e.g. Information Governance lead).
    pub role: String,
    /// When, UTC.
    pub signed_at: DateTime<Utc>,
    /// The statement they signed off, as recorded.
    pub statement: String,
    /// The content hash the sign-off was pinned to.
    pub content_hash: String,
    /// The content hash of the assessment as exported.
    pub current_content_hash: String,
    /// The content or an evidence file changed since the sign-off.
    pub changed_since: bool,
    /// The sign-off holds: nothing changed and the assessment is still ready to sign off
    /// ([`sign_off::state`](crate::assessment::sign_off::state)).
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
    /// What it is over: the sign-off, a risk acceptance or an exception approval.
    pub kind: signature::Kind,
    /// The finding's id for a risk acceptance or exception approval; `None` for the
    /// sign-off.
    pub finding: Option<String>,
    /// Where it stands: trusted, key not allowed, does not match, unsigned, ...
    pub state: signature::SignatureState,
    /// [`signature::SignatureState::words`].
    pub words: String,
}

/// Whether the assessment is ready to sign off, and what stands in the way.
#[derive(Debug, Clone, Serialize)]
pub struct ReadinessView {
    /// Ready: nothing in `blockers`.
    pub ready: bool,
    /// "SUBJECT: reason", as `secassess review` lists them.
    pub blockers: Vec<String>,
}

/// A sign-off in a file that may have been cut short: nothing it says can be relied on.
pub const SIGN_OFF_UNRELIABLE: &str = "CANNOT BE RELIED ON";
/// What a file without its end marker means, in words.
pub const INCOMPLETE: &str = "the file does not end with the line secassess always writes last, so it may have been cut short and whatever came last (often the end of the audit trail) may be missing; compare it with its previous version or the copy it came from";

/// The pipeline gate's verdict as the pack shows it ([`findings::gate`](crate::assessment::findings::gate)).
#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    /// No stop notice shows and no applicable MUST obligation of the system blocks.
    pub passed: bool,
    /// Why the system is outside self-assessment ("SECRET and above is outside
    /// self-assessment: ..."), when a stop notice shows: the pack then never presents
    /// itself as a completed self-assessment.
    pub outside_self_assessment: Vec<String>,
    /// Applicable (or possibly applicable) MUST obligations of the system considered.
    pub must: usize,
    /// Of those, how many are met.
    pub met: usize,
    /// Of those, how many are not met but treated by a finding that lets the gate pass.
    pub treated: usize,
    /// Every MUST obligation that stops the gate.
    pub blockers: Vec<BlockerView>,
    /// Things to act on that do not block: escalations, passed dates, unusable answers.
    pub warnings: Vec<String>,
}

/// One obligation that stops the gate.
#[derive(Debug, Clone, Serialize)]
pub struct BlockerView {
    /// The obligation's id.
    pub obligation: String,
    /// The obligation's title as written.
    pub title: String,
    /// Why it blocks and what would settle it, one line.
    pub reason: String,
}

/// A notice the answers make show (for example "SECRET is outside self-assessment").
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    /// "STOP", "WARNING" or "INFO".
    pub severity: String,
    /// Its title as written in the questionnaire.
    pub title: String,
    /// What it says, as written in the questionnaire.
    pub text: String,
}

/// One obligation, with its status once findings are taken into account.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    /// Its id, e.g. `mfa-elevated-accounts`.
    pub id: String,
    /// MUST, SHOULD, MAY or good practice, as the standard words it.
    pub level: Level,
    /// `organisation` for an organisation duty: context, never the project's blocker.
    pub scope: Scope,
    /// Who must approve an exception when it is not met (a risk acceptance does not
    /// treat it).
    pub exception_approver: Option<String>,
    /// Its title as written in the questionnaire.
    pub title: String,
    /// Met, not met, unknown or not applicable; not met while a pre-approval it needs is
    /// not recorded.
    pub status: Status,
    /// "yes", "no" or "not known yet".
    pub applies: String,
    /// Why it applies (or not) and is met (or not), one sentence each, from the answers.
    pub reasons: Vec<String>,
    /// The standard's sentences it rests on, each with its standard and section.
    pub sources: Vec<Citation>,
    /// Ids of the findings linked to it.
    pub findings: Vec<String>,
    /// How the findings treat it, in words, when a finding is linked.
    pub treatment: Option<String>,
    /// Why it stops the pipeline gate, when it does.
    pub blocks: Option<String>,
}

/// One finding of the register as the pack shows it, every text sanitised.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// Its id, e.g. `F-001`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Critical, high, medium or low.
    pub severity: Severity,
    /// Open, mitigation planned, mitigated, risk accepted, escalated or closed.
    pub status: FindingStatus,
    /// Who is responsible for treating it, as recorded; may be empty.
    pub owner: String,
    /// Ids of the obligations it is a gap in.
    pub obligations: Vec<String>,
    /// Ids of the questions whose answers show it.
    pub questions: Vec<String>,
    /// The finding in the user's words (may be several lines).
    pub description: String,
    /// Who raised it, as `Name <email>`.
    pub raised_by: String,
    /// When it was raised, UTC.
    pub raised_at: DateTime<Utc>,
    /// When it last changed, UTC.
    pub updated_at: DateTime<Utc>,
    /// The mitigation plan in words.
    pub mitigation: Option<String>,
    /// The risk acceptance in words (who, when, review date, rationale, and its signature
    /// when signed).
    pub acceptance: Option<String>,
    /// The exception approval in words (who, when, reference, and its signature when
    /// signed).
    pub exception: Option<String>,
    /// Every passed date, in words ("mitigation target date 2025-06-01 passed 3 days ago").
    pub overdue: Vec<String>,
    /// A risk acceptance of a MUST obligation on an OFFICIAL-SENSITIVE system: flagged for
    /// escalation (secassess policy).
    pub needs_escalation: bool,
    /// Its consistency problems, one line each; a finding with any treats nothing.
    pub problems: Vec<String>,
    /// Its obligations no longer apply to the system: why, and the suggestion to close it
    /// ([`findings::no_longer_applies`](crate::assessment::findings::no_longer_applies)).
    pub no_longer_applies: Option<String>,
    /// It does not match its latest audit entry ([`verify::verify`](crate::assessment::verify::verify)): changed, or added,
    /// in a text editor rather than through secassess. Such a finding treats nothing.
    pub edited_outside: bool,
    /// Treated for sign-off ([`sign_off::finding_treatment`](crate::assessment::sign_off::finding_treatment)).
    pub treated: bool,
    /// How it is treated, or what is missing.
    pub treatment: String,
}

/// One section of a questionnaire with its answers.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// The questionnaire's id.
    pub questionnaire: String,
    /// The questionnaire's title.
    pub questionnaire_title: String,
    /// The section's id.
    pub id: String,
    /// The section's title.
    pub title: String,
    /// The questions asked (or possibly asked), in order, answered or not.
    pub answers: Vec<AnswerView>,
    /// Questions that are not asked of this system, by prompt.
    pub not_asked: Vec<String>,
}

/// One question with its answer, as the pack shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    /// The question's id, e.g. `data_classification`.
    pub question: String,
    /// The question as asked.
    pub prompt: String,
    /// The answer as a reader reads it; `None` when not answered yet.
    pub answer: Option<String>,
    /// Answered "don't know yet".
    pub dont_know: bool,
    /// Who answered, as `Name <email>`; `None` when not answered.
    pub answered_by: Option<String>,
    /// When it was answered, UTC; `None` when not answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// The answerer's notes; empty when none.
    pub notes: String,
    /// The evidence attached to it, if any.
    pub evidence: Option<EvidenceView>,
    /// Flagged "answer later".
    pub flagged: bool,
    /// When the question may not be asked, depending on answers still missing.
    pub asked: String,
    /// For an answer to a question no longer asked: why it is not asked now.
    pub not_asked_because: Option<String>,
    /// The review decision on it in words (where it stands, by whom, when); `None` when
    /// not reviewed.
    pub review: Option<String>,
    /// It does not match its latest audit entry: changed in a text editor.
    pub edited_outside: bool,
}

/// An evidence reference (a document, link or local file) with what the export's
/// re-check found.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// What the evidence is, as the user named it.
    pub title: String,
    /// Its address, when it is a link.
    pub link: Option<String>,
    /// Its path, when it is a local file, as recorded.
    pub path: Option<String>,
    /// The SHA-256 (hex) recorded when the file was attached.
    pub sha256: Option<String>,
    /// Its size in bytes recorded when it was attached.
    pub size: Option<u64>,
    /// What re-reading the file at export found; `None` for a link or an unchecked file.
    pub check: Option<EvidenceCheck>,
}

/// One review decision on one answer, with its thread.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// The question's id.
    pub question: String,
    /// Accepted or queried.
    pub decision: ReviewDecision,
    /// Who decided, as `Name <email>`.
    pub reviewer: String,
    /// When, UTC.
    pub decided_at: DateTime<Utc>,
    /// The answer changed after the decision (or was removed): the decision no longer
    /// applies to what the answer says now ([`review::status`](crate::assessment::review::status)).
    pub stale: bool,
    /// A query not yet resolved.
    pub open_query: bool,
    /// The query was marked resolved.
    pub resolved: bool,
    /// Where it stands, as every front end says it ([`review::ReviewStatus::label`](crate::assessment::review::ReviewStatus::label)).
    pub label: String,
    /// It does not match its latest audit entry: changed in a text editor.
    pub edited_outside: bool,
    /// The comments on it, oldest first.
    pub thread: Vec<CommentView>,
}

/// One comment in a review thread.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    /// Who wrote it, as `Name <email>`.
    pub author: String,
    /// When, UTC.
    pub at: DateTime<Utc>,
    /// What it says (may be several lines).
    pub text: String,
}

/// The audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    /// Every entry, oldest first.
    pub entries: Vec<AuditEntryView>,
    /// Every entry's hash chains to the one before it.
    pub chain_intact: bool,
    /// The chain problems [`verify::verify`](crate::assessment::verify::verify) found, each naming its entry number.
    pub problems: Vec<String>,
}

/// One audit entry.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntryView {
    /// When the change was made, UTC.
    pub at: DateTime<Utc>,
    /// Who made it, as `Name <email>`.
    pub who: String,
    /// What kind of change, by its stored name (`answer-set`, `finding-changed`,
    /// `sign-off`, ...).
    pub action: String,
    /// What it changed: a question id, a finding id, `sign-off`, ...
    pub subject: String,
    /// The value before, in words; empty for a creation.
    pub old: String,
    /// The value after, in words.
    pub new: String,
    /// The entry's hash (hex), which the next entry chains to.
    pub hash: String,
}

/// Whether the assessment file can be relied on.
#[derive(Debug, Clone, Serialize)]
pub struct IntegrityView {
    /// The file's name as printed.
    pub assessment_file: String,
    /// The SHA-256 (hex) of the file's bytes as exported.
    pub assessment_sha256: String,
    /// How many entries the audit trail has.
    pub audit_entries: usize,
    /// Every entry's hash chains to the one before it.
    pub audit_chain_intact: bool,
    /// [`verify::verify`](crate::assessment::verify::verify) found nothing: the audit chain is intact and every answer,
    /// review, finding and the sign-off match their audit entries.
    pub matches_audit_trail: bool,
    /// The file ends with secassess's end marker; when false it may have been cut short
    /// and the pack warns first, whatever else it found.
    pub file_complete: bool,
    /// Exactly what [`verify::verify`](crate::assessment::verify::verify) found, in its order.
    pub verify_problems: Vec<VerifyProblemView>,
    /// The findings register's consistency problems, one line each.
    pub finding_problems: Vec<String>,
    /// Every local evidence file referenced (by answers or mitigations), by path.
    pub evidence_files: Vec<EvidenceFileView>,
    /// "passed" when every check passed, otherwise what did not.
    pub verify: String,
}

/// One problem [`verify::verify`](crate::assessment::verify::verify) found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyProblemView {
    /// What it is about: the audit chain, an answer, a review, a finding, the sign-off, ...
    pub kind: ProblemKind,
    /// What it concerns: a question id, a finding id, `sign-off`, ...
    pub subject: String,
    /// 1-based number of the audit entry concerned, when there is one.
    pub entry: Option<usize>,
    /// What the audit trail says it should be (a hash).
    pub expected: String,
    /// What the file holds.
    pub found: String,
    /// What is wrong, in words, as `secassess verify` says it.
    pub message: String,
}

/// One local evidence file referenced by the assessment.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFileView {
    /// Its path as recorded.
    pub path: String,
    /// The SHA-256 (hex) recorded when it was attached, if any.
    pub recorded_sha256: Option<String>,
    /// What re-reading it at export found; `None` when it was not re-checked.
    pub check: Option<EvidenceCheck>,
}
