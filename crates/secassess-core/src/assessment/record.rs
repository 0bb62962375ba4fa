//! The assessment record: what one `*.secassess.toml` file holds, in the shape it is
//! written (readable in a text editor, diff-friendly, with a `schema_version`), and its
//! typed view against a catalogue.
//!
//! Answers are stored as plain strings (or lists of strings) and typed only against the
//! questionnaire when read, so an answer to a question that no longer exists is kept and
//! reported instead of being dropped.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::questionnaire::answer::{check_answer, AnswerValue, Answers, EvidenceRef};
use crate::questionnaire::model::{AnswerKind, Catalogue, Question};
use crate::text::{nfc, same_text, shorten};

/// The version of the file format this build writes. Older files are migrated when read
/// (see `migrate`) and written in this format when saved; newer ones are refused.
///
/// 2: creation is the first audit entry and pins the system, the assessor, the creation
/// time and the questionnaire list ([`header_pin`]); changes to them are audited; the
/// sign-off's audit entry pins the signer's role.
///
/// 3: a sign-off, a risk acceptance and an exception approval may carry an SSH signature
/// ([`SshSignature`]); the sign-off's audit entry pins the signing key's fingerprint.
pub const SCHEMA_VERSION: u32 = 3;

/// The audit subject of the entries about the assessment as a whole: its creation,
/// changes to the system's details and questionnaire versions, and the sign-off.
pub const ASSESSMENT_SUBJECT: &str = "assessment";

/// A person as they declared themselves. Identities are self-declared: see README.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Their name as declared (`--as`, `SECASSESS_NAME` or the saved identity), in NFC;
    /// never empty for someone acting ([`super::identity::check_person`]).
    pub name: String,
    /// Their part in the organisation as they gave it, free text ("Project lead",
    /// "Information Governance lead", "Business owner"); may be empty. Not part of
    /// `Name <email>`, so pinned separately where it matters: the assessor's by
    /// [`header_pin`], a sign-off's by its audit pin, a decider's by any SSH-signed
    /// statement.
    #[serde(default)]
    pub role: String,
    /// Their e-mail address, or empty. When both sides have one, it is what
    /// [`super::identity::same_person`] compares (case-insensitively), and it is the
    /// principal an allowed-signers file must list for their SSH key.
    #[serde(default)]
    pub email: String,
}

impl Person {
    /// "Jane Smith <jane.smith@nhs.net>", the form used in answer and audit records.
    pub fn signature(&self) -> String {
        if self.email.is_empty() {
            self.name.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
}

/// The IT system or service being assessed, as the assessor described it: the `[system]`
/// table of the file. Pinned by the audit trail ([`header_pin`]); changed only through
/// `Assessment::set_system`, which records the change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// The system's name ("Ward rota"), in NFC: shown on the pack's cover and in every
    /// list, and part of every SSH-signed statement.
    pub name: String,
    /// A one-line description of what the system does, in NFC; may be empty.
    #[serde(default)]
    pub description: String,
}

/// An answer as it is recorded: free text and evidence titles in NFC ([`nfc`]). Option
/// values are the questionnaire's own ids; links and file paths are kept exactly as given
/// (a path must still name the file).
pub(crate) fn recorded_form(value: &AnswerValue) -> AnswerValue {
    match value {
        AnswerValue::Text(text) => AnswerValue::Text(nfc(text).into_owned()),
        AnswerValue::Evidence(e) => AnswerValue::Evidence(EvidenceRef {
            title: nfc(&e.title).into_owned(),
            ..e.clone()
        }),
        other => other.clone(),
    }
}

/// Whether two answer records say the same once their text is normalised.
pub(crate) fn says_the_same(a: &AnswerRecord, b: &AnswerRecord) -> bool {
    let values = match (&a.value, &b.value) {
        (Some(StoredValue::One(x)), Some(StoredValue::One(y))) => same_text(x, y),
        (x, y) => x == y,
    };
    let evidence = match (&a.evidence, &b.evidence) {
        (Some(x), Some(y)) => {
            same_text(&x.title, &y.title)
                && (&x.link, &x.path, &x.sha256, x.size) == (&y.link, &y.path, &y.sha256, y.size)
        }
        (x, y) => x == y,
    };
    values && evidence && a.dont_know == b.dont_know && same_text(&a.notes, &b.notes)
}

/// Which questionnaire, at which version and content hash, the assessment was answered
/// against; used to detect questionnaire upgrades.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRef {
    /// The questionnaire's `id` from its TOML file, e.g. `profile`.
    pub id: String,
    /// The questionnaire's `version` from its TOML file, as written there (e.g. "2.0.0").
    pub version: String,
    /// SHA-256 (lowercase hex) of the questionnaire file's text as loaded, so an edit that
    /// kept the version number still shows as a change. Empty in files written before it
    /// was recorded; an empty hash is never reported as a change.
    #[serde(default)]
    pub sha256: String,
    /// The question ids this version had when the assessment was answered against it, so
    /// a questionnaire upgrade can tell a new question from one simply not answered yet.
    /// Empty in files written before it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
}

/// An answer value as stored: one string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum StoredValue {
    /// `value = "..."`: "yes" or "no" for a yes/no question, the option's value for a
    /// single choice, the text of a free-text answer, or a date as `YYYY-MM-DD`.
    One(String),
    /// `value = ["...", ...]`: the option values of a multiple-choice answer, in the order
    /// given.
    Many(Vec<String>),
}

/// Read by hand rather than derived (`untagged`), so a value of the wrong type in a
/// hand-edited file is reported as what it is and what to write instead, not as "data
/// did not match any variant of untagged enum StoredValue".
impl<'de> Deserialize<'de> for StoredValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StoredValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "text in quotes or a list of texts, e.g. value = \"yes\" or value = [\"a\", \"b\"]",
                )
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StoredValue, E> {
                Ok(StoredValue::One(v.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<StoredValue, E> {
                Ok(StoredValue::One(v))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StoredValue, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element::<String>()? {
                    values.push(value);
                }
                Ok(StoredValue::Many(values))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One answer with who gave it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRecord {
    /// Absent for "don't know yet" and for evidence-only answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<StoredValue>,
    /// Answered "don't know yet": `value` and `evidence` are then absent. A reviewer
    /// cannot accept it, and it blocks sign-off until answered. Left out of the file when
    /// false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dont_know: bool,
    /// The answer to an evidence question: a document title, a link, or a local file's
    /// path with its SHA-256 (hex) and size in bytes as recorded when it was attached.
    /// `None` for other questions and until answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRef>,
    /// Free-text notes on the question, in NFC; empty when none. They may exist without
    /// an answer, survive a change of answer, and are audited on their own
    /// (`notes-changed`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// "Answer later": the user wants to come back to it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub flagged: bool,
    /// Fingerprint of the question as it was answered (prompt, kind, options), so a
    /// changed question marks its answer for re-confirmation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question_fingerprint: String,
    /// Who last set the answer, as `Name <email>` ([`Person::signature`]); for a record
    /// holding only notes or an "answer later" mark, who first wrote them. `verify`
    /// checks it against the audit entry that set the answer.
    pub answered_by: String,
    /// When the answer was last set (UTC, to the second); checked by `verify` against
    /// the time of the audit entry that set it.
    pub answered_at: DateTime<Utc>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How serious a finding is, as judged by whoever raised or last edited it; stored in
/// lowercase (`severity = "high"`). Ordered from `Low` to `Critical`. What each means is
/// `findings::SEVERITY_RUBRIC`, shown when choosing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Good practice not followed, with little direct risk.
    Low,
    /// A SHOULD obligation not met, or a weakness that needs other failures first
    /// (the default for a finding from a SHOULD obligation).
    Medium,
    /// A MUST obligation not met, or a weakness likely to be exploited (the default for
    /// a finding from a MUST obligation).
    High,
    /// Could expose OFFICIAL-SENSITIVE information or give an attacker control now.
    Critical,
}

/// Where a finding stands in its treatment; stored in kebab-case
/// (`status = "mitigation-planned"`). The Base requirements say "any discovered issues
/// must be formally documented with either a mitigation plan or a sign-off of the risk
/// by the business owner". A status needs the record behind it (a plan for "mitigation
/// planned", an acceptance for "risk accepted", ...): `findings` refuses a change that
/// lacks it and reports a file edited to lack it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    /// Raised, with no treatment recorded yet: it treats nothing and blocks sign-off.
    Open,
    /// A mitigation plan (actions, owner, target date) is recorded and not yet done; it
    /// treats the gap while the plan has an owner and its target date has not passed.
    MitigationPlanned,
    /// The plan's actions are done: the plan has a completion date and evidence.
    Mitigated,
    /// The business owner has signed off the risk (`acceptance`); it treats the gap until
    /// the acceptance's review date passes, except for an obligation whose standard routes
    /// exceptions through a named approver (then only an `exception` or a mitigation
    /// does).
    RiskAccepted,
    /// Escalated to a directorate or organisation risk owner, named in `owner` ("Risks may
    /// be escalated to organisation level if needed"); it treats the gap only once a
    /// decision (a risk acceptance) is recorded at that level.
    Escalated,
    /// No longer a gap. Refused while an obligation it is about still applies and is not
    /// met.
    Closed,
}

/// How a finding's gap will be closed: the "mitigation plan" of the Base requirements.
/// Dates are calendar dates (`YYYY-MM-DD`, no time zone), compared with the `today` the
/// caller passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MitigationPlan {
    /// What will be done, free text.
    pub actions: String,
    /// Who is responsible for doing it; a plan without one treats nothing.
    pub owner: String,
    /// When the actions are due. Once it has passed with no `completed_on`, the plan is
    /// overdue and no longer treats the gap.
    pub target_date: NaiveDate,
    /// When the actions were completed; `None` until then. Never in the future when
    /// recorded; required for the status "mitigated".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    /// What shows the actions were done (a document, link or local file with its SHA-256
    /// and size); required for the status "mitigated". A local file that changes
    /// afterwards blocks sign-off and marks a sign-off changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRef>,
}

/// The business owner's sign-off of a risk: the Base requirements' "sign-off of the risk
/// by the business owner". Recorded by whoever runs the command, naming the person who
/// decided; only their own SSH signature proves it was them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskAcceptance {
    /// The business owner who accepted the risk: a name and a role are required.
    pub accepted_by: Person,
    /// The date they accepted it; never in the future when recorded.
    pub accepted_on: NaiveDate,
    /// Why they accept the risk, in their words; required.
    pub rationale: String,
    /// When the acceptance must be looked at again: after `accepted_on`, and in the
    /// future when recorded. Once it has passed the acceptance is overdue and treats
    /// nothing.
    pub review_date: NaiveDate,
    /// The business owner's own SSH signature over it, when they recorded it themselves
    /// with their key (see `signature`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SshSignature>,
}

/// A pre-approved exception, e.g. the Cyber Security team approving a shared account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionApproval {
    /// Who approved it, for the approver the standard names (for example the NHS England
    /// Cyber Security team, for "Where exceptions are identified, they MUST be reviewed and
    /// pre-approved by the NHS England Cyber Security team"); a name is required.
    pub approved_by: Person,
    /// The approver's reference for the approval (a ticket or letter number); required.
    pub reference: String,
    /// The date it was approved; never in the future when recorded.
    pub approved_on: NaiveDate,
    /// The approver's own SSH signature over it (see `signature`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SshSignature>,
}

/// An SSH signature over a sign-off, a risk acceptance or an exception approval, as
/// `ssh-keygen -Y sign -n secassess` makes it: an SSHSIG block over a
/// `signature::Statement` (the exact bytes are documented in `signature`). Stored with
/// the key and what was signed, so a reader can check it with `ssh-keygen -Y verify`.
/// Never holds anything secret: the private key and its passphrase are never written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SshSignature {
    /// When it was signed (UTC, to the second); part of what was signed.
    pub signed_at: DateTime<Utc>,
    /// SHA-256 (hex) of the content signed, as it was when signed: the sign-off's content
    /// hash, or the finding as accepted or approved (`signature::finding_hash`).
    pub content_sha256: String,
    /// The signing key's fingerprint, "SHA256:" and unpadded base64, as `ssh-keygen -l`
    /// prints it.
    pub fingerprint: String,
    /// The signing key's public half in OpenSSH form ("ssh-ed25519 AAAA..."), no comment.
    pub public_key: String,
    /// The armoured signature, "-----BEGIN SSH SIGNATURE-----" ... "-----END SSH
    /// SIGNATURE-----", namespace `secassess`, SHA-512.
    pub sshsig: String,
}

/// One entry of the findings register (`[[findings]]`): a gap the assessment found
/// (usually an obligation not met) or an issue raised by hand, and how it is treated.
/// Every change through secassess is audited with the finding's hash
/// (`findings::finding_hash`) as its pin, so an edit in a text editor is reported and
/// the finding treats nothing until it is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// "F-001", ...: given by `findings::next_id`, never reused, and the audit subject
    /// of the finding's entries. Two findings with one id are a `verify` problem and
    /// neither can be changed.
    pub id: String,
    /// One line saying what is wrong, in NFC.
    pub title: String,
    /// Ids of the obligations it is about (the questionnaires' `[[obligations]]` ids); a
    /// finding treats only these. Empty for an issue raised by hand.
    #[serde(default)]
    pub obligations: Vec<String>,
    /// Ids of the questions it is about: for a finding raised from an obligation, the
    /// questions that decide it.
    #[serde(default)]
    pub questions: Vec<String>,
    /// More detail, free text in NFC; may be empty.
    #[serde(default)]
    pub description: String,
    /// How serious it is.
    pub severity: Severity,
    /// Who owns the finding; once escalated, the risk owner it was escalated to, as
    /// `Name <email> (Role)`. May be empty otherwise.
    #[serde(default)]
    pub owner: String,
    /// Where its treatment stands.
    pub status: FindingStatus,
    /// Who raised it, as `Name <email>`.
    pub raised_by: String,
    /// When it was raised (UTC, to the second).
    pub raised_at: DateTime<Utc>,
    /// When it last changed through secassess (UTC, to the second).
    pub updated_at: DateTime<Utc>,
    /// The mitigation plan; `None` until one is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<MitigationPlan>,
    /// The business owner's risk acceptance; `None` until one is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<RiskAcceptance>,
    /// A pre-approved exception; `None` unless recorded, and only allowed on a finding
    /// linked to an obligation whose standard names who approves exceptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionApproval>,
}

/// A reviewer's decision on one answer; stored in kebab-case (`decision = "query"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewDecision {
    /// No decision: never reviewed, or an earlier decision withdrawn.
    NotReviewed,
    /// The reviewer accepts the answer as it was when decided (`Review::answer_hash`); it
    /// counts only while the answer and its local evidence file are unchanged.
    Accepted,
    /// The reviewer asked about the answer (the question is in the thread). Open until
    /// resolved; even then the answer still needs accepting before sign-off.
    Query,
}

/// One message in a review's query thread: a reviewer's query or a reply to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// Who wrote it, as `Name <email>`.
    pub author: String,
    /// When it was written (UTC, to the second).
    pub at: DateTime<Utc>,
    /// The message: trimmed, in NFC, at most `review::MAX_COMMENT_CHARS` characters, no
    /// control characters.
    pub text: String,
}

/// A reviewer's decision on one answer, pinned to the hash of the answer it was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The latest decision.
    pub decision: ReviewDecision,
    /// `audit::answer_hash` (hex SHA-256) of the answer the decision was made on; the
    /// decision is stale once the answer no longer hashes to it.
    pub answer_hash: String,
    /// Who made the latest decision, as `Name <email>`.
    pub reviewer: String,
    /// When the latest decision was made (UTC, to the second).
    pub decided_at: DateTime<Utc>,
    /// The query thread, oldest first; empty when the answer was never queried. Kept
    /// after the answer is accepted. Conversation, not content: the sign-off's content
    /// hash leaves it out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thread: Vec<Comment>,
    /// The query thread is closed: resolved by the reviewer, or ended by accepting the
    /// answer. False while a query is open, and when there has been none.
    #[serde(default, skip_serializing_if = "is_false")]
    pub resolved: bool,
}

/// The reviewer's sign-off of the whole assessment, pinned to a hash of its content
/// (`sign_off::content_hash`). Identities are self-declared; the optional SSH signature
/// is what proves which key signed it (see `signature` and the README's "Who is who").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// The reviewer who signed off: never the project lead, nor anyone who gave one of
    /// the answers signed off. Their role is pinned by the sign-off's audit entry.
    pub signed_by: Person,
    /// When it was signed off (UTC, to the second).
    pub signed_at: DateTime<Utc>,
    /// What the reviewer says they reviewed and accept (`sign_off::STANDARD_STATEMENT`
    /// unless they wrote their own): trimmed, in NFC, at most
    /// `review::MAX_COMMENT_CHARS` characters.
    pub statement: String,
    /// `sign_off::content_hash` when signed (hex SHA-256): the sign-off holds only while
    /// the assessment still hashes to it.
    pub content_hash: String,
    /// The reviewer's SSH signature over the sign-off; `None` when signed off without a
    /// key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SshSignature>,
}

/// One entry of the hash-chained audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// When the change was made (UTC, to the second).
    pub at: DateTime<Utc>,
    /// Who made it, as `Name <email>` as they declared themselves
    /// (`migrate::MIGRATION_ACTOR` for a format migration).
    pub who: String,
    /// What kind of change: an `audit::Action` name such as `answer-set`.
    pub action: String,
    /// What changed: a question id, a finding id, or [`ASSESSMENT_SUBJECT`] for the
    /// assessment as a whole.
    pub subject: String,
    /// The value before, in words; empty when there was none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub old: String,
    /// The value after, in words (the answer as shown, a query's text, the sign-off
    /// statement); empty when there is none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new: String,
    /// Hash of the subject's content after the change, which `verify` compares with the
    /// file: `audit::answer_hash` for an answer or its notes, `review::review_hash` for a
    /// review, `findings::finding_hash` for a finding, [`header_pin`] for the assessment's
    /// details, `sign_off::sign_off_pin` for a sign-off.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pin: String,
    /// The `hash` of the entry before; `audit::GENESIS` (64 zeros) for the first.
    pub previous_hash: String,
    /// `audit::entry_hash` of this entry (hex SHA-256 over `previous_hash` and every field
    /// above), so editing, deleting or moving an entry breaks the chain.
    pub hash: String,
}

/// One assessment, exactly as stored: the whole of one `*.secassess.toml` file (its text
/// is [`super::format`]'s business).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The file format version: [`SCHEMA_VERSION`] once read (older files are migrated in
    /// memory, see `format::decode`).
    pub schema_version: u32,
    /// The system assessed.
    pub system: System,
    /// The project lead: who created the assessment (`roles::Role::ProjectLead`). Pinned by
    /// the audit trail ([`header_pin`]).
    pub assessor: Person,
    /// When it was created (UTC, to the second); pinned by the audit trail.
    pub created_at: DateTime<Utc>,
    /// When it last changed (UTC, to the second): `verify` requires the time of the last
    /// audit entry. An "answer later" mark, which is not audited, leaves it alone.
    pub updated_at: DateTime<Utc>,
    /// The questionnaire versions it follows: those loaded when it was created, or when
    /// an upgrade was last accepted. Pinned by the audit trail.
    #[serde(default)]
    pub questionnaires: Vec<QuestionnaireRef>,
    /// Where the walkthrough was left, so reopening resumes there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_question: Option<String>,
    /// Answers by question id, including records holding only notes or an "answer
    /// later" mark, and answers to questions the questionnaires no longer have (kept and
    /// reported, never dropped).
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerRecord>,
    /// The findings register, in the order raised.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Review decisions and query threads, by question id.
    #[serde(default)]
    pub reviews: BTreeMap<String, Review>,
    /// The sign-off; `None` until signed off. A new sign-off replaces the previous one
    /// (both stay in the audit trail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOff>,
    /// The hash-chained audit trail, oldest first; only ever appended to.
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
}

/// Timestamps are kept to the second: finer precision is noise in a document people read.
/// Returns `now` with its fraction of a second dropped (truncated, not rounded); every
/// recording function stamps what it records with this.
pub fn timestamp(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(0)
}

/// What the pack states about the assessment itself, field by field, each as the first
/// 16 hex digits of the SHA-256 of its JSON form: the system's name and description, the
/// assessor, the creation time and the questionnaires (id, version, hash and question
/// list). Field by field so that `verify` can name the one edited.
pub fn header_fields(a: &Assessment) -> Vec<(&'static str, String)> {
    let short = |value: serde_json::Value| {
        crate::questionnaire::loader::hex_sha256(value.to_string().as_bytes())[..16].to_string()
    };
    vec![
        ("system.name", short(serde_json::json!(a.system.name))),
        (
            "system.description",
            short(serde_json::json!(a.system.description)),
        ),
        ("assessor.name", short(serde_json::json!(a.assessor.name))),
        ("assessor.role", short(serde_json::json!(a.assessor.role))),
        ("assessor.email", short(serde_json::json!(a.assessor.email))),
        (
            "created_at",
            short(serde_json::json!(a.created_at.to_rfc3339())),
        ),
        (
            "questionnaires",
            short(serde_json::to_value(&a.questionnaires).unwrap_or_default()),
        ),
    ]
}

/// The pin of the entries about the assessment itself: [`header_fields`] as
/// "system.name=0123456789abcdef system.description=... ...".
pub fn header_pin(a: &Assessment) -> String {
    header_fields(a)
        .iter()
        .map(|(field, hash)| format!("{field}={hash}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fields of a [`header_pin`] (or any "key=value key=value" pin), in order, as
/// (key, value); a part without `=` is skipped.
pub fn pin_fields(pin: &str) -> Vec<(&str, &str)> {
    pin.split_whitespace()
        .filter_map(|part| part.split_once('='))
        .collect()
}

impl Assessment {
    /// The answers typed against the catalogue, with every answer that could not be used
    /// and why. Nothing is dropped from the record itself.
    pub fn typed_answers(&self, catalogue: &Catalogue) -> (Answers, Vec<AnswerProblem>) {
        let mut answers = Answers::new();
        let mut problems = Vec::new();
        for (id, record) in &self.answers {
            let Some(question) = catalogue.question(id) else {
                problems.push(AnswerProblem {
                    question: id.clone(),
                    problem: format!(
                        "answer to '{}', a question the current questionnaires do not have; it is kept in the file",
                        shorten(id)
                    ),
                });
                continue;
            };
            match typed_value(question, record) {
                Ok(Some(value)) => {
                    answers.insert(id.clone(), value);
                }
                Ok(None) => {}
                Err(problem) => problems.push(AnswerProblem {
                    question: id.clone(),
                    problem,
                }),
            }
        }
        (answers, problems)
    }

    /// Marks a question "answer later" (or clears the mark). Not audited: it is a
    /// bookmark for the person answering, not part of the answer.
    pub fn set_flagged(
        &mut self,
        question_id: &str,
        flagged: bool,
        who: &Person,
        now: DateTime<Utc>,
    ) {
        match self.answers.get_mut(question_id) {
            Some(record) => record.flagged = flagged,
            None if flagged => {
                self.answers.insert(
                    question_id.to_string(),
                    AnswerRecord {
                        value: None,
                        dont_know: false,
                        evidence: None,
                        notes: String::new(),
                        flagged: true,
                        question_fingerprint: String::new(),
                        answered_by: who.signature(),
                        answered_at: timestamp(now),
                    },
                );
            }
            None => {}
        }
    }
}

/// Why one stored answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The question id the stored answer is filed under.
    pub question: String,
    /// What is wrong and what to do, in words ("answer to 'x' ... does not fit a yes/no
    /// question; answer it again"), ids shortened for display.
    pub problem: String,
}

/// What an assessment records of the loaded questionnaires, in load order: each one's
/// id, version, SHA-256 (hex) of its file and its question ids in section order. Stored
/// when an assessment is created and when a questionnaire upgrade is accepted.
pub fn questionnaire_refs(catalogue: &Catalogue) -> Vec<QuestionnaireRef> {
    catalogue
        .questionnaires
        .iter()
        .map(|q| QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            sha256: q.sha256.clone(),
            questions: q
                .sections
                .iter()
                .flat_map(|s| s.questions.iter().cloned())
                .collect(),
        })
        .collect()
}

/// A short hash of what a question asks: its prompt, kind and option values. Help text
/// and wording of labels are left out, so fixing a typo there does not ask everyone to
/// re-confirm.
pub fn question_fingerprint(question: &Question) -> String {
    let mut text = format!("{}\n{}\n", question.kind.name(), question.prompt);
    for option in &question.options {
        text.push_str(&option.value);
        text.push('\n');
    }
    crate::questionnaire::loader::hex_sha256(text.as_bytes())[..16].to_string()
}

/// The typed answer of a record; `None` when it holds only notes or an "answer later"
/// mark.
pub(crate) fn typed_value(
    question: &Question,
    record: &AnswerRecord,
) -> Result<Option<AnswerValue>, String> {
    if record.dont_know {
        return Ok(Some(AnswerValue::DontKnow));
    }
    if record.value.is_none() && record.evidence.is_none() {
        return Ok(None);
    }
    let value = match (question.kind, &record.value, &record.evidence) {
        (AnswerKind::Evidence, _, Some(evidence)) => AnswerValue::Evidence(evidence.clone()),
        (AnswerKind::YesNo, Some(StoredValue::One(v)), _) if v == "yes" => AnswerValue::YesNo(true),
        (AnswerKind::YesNo, Some(StoredValue::One(v)), _) if v == "no" => AnswerValue::YesNo(false),
        (AnswerKind::Single, Some(StoredValue::One(v)), _) => AnswerValue::Choice(v.clone()),
        (AnswerKind::Multiple, Some(StoredValue::Many(vs)), _) => AnswerValue::Choices(vs.clone()),
        (AnswerKind::Text, Some(StoredValue::One(v)), _) => AnswerValue::Text(v.clone()),
        (AnswerKind::Date, Some(StoredValue::One(v)), _) => {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(AnswerValue::Date)
                .map_err(|_| {
                    format!(
                        "answer to '{}' is '{}', which is not a date (YYYY-MM-DD)",
                        question.id,
                        shorten(v)
                    )
                })?
        }
        (kind, value, _) => {
            return Err(format!(
                "answer to '{}' ({}) does not fit a {} question; answer it again",
                question.id,
                shorten(&format!("{value:?}")),
                kind.name()
            ))
        }
    };
    check_answer(question, &value).map_err(|e| e.to_string())?;
    Ok(Some(value))
}

/// The stored name of a decision: "not-reviewed", "accepted" or "query", as in the file
/// and in what [`review_hash`](super::review::review_hash) and `sign_off::content_hash` hash.
pub fn decision_name(decision: ReviewDecision) -> &'static str {
    match decision {
        ReviewDecision::NotReviewed => "not-reviewed",
        ReviewDecision::Accepted => "accepted",
        ReviewDecision::Query => "query",
    }
}

/// Whether a record holds an answer (a value, evidence or "don't know yet"), rather than
/// only notes or an "answer later" mark.
pub fn has_answer(record: &AnswerRecord) -> bool {
    record.value.is_some() || record.evidence.is_some() || record.dont_know
}
