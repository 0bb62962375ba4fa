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
    pub name: String,
    #[serde(default)]
    pub role: String,
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

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub name: String,
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
    pub id: String,
    pub version: String,
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
    One(String),
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
    #[serde(default, skip_serializing_if = "is_false")]
    pub dont_know: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRef>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// "Answer later": the user wants to come back to it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub flagged: bool,
    /// Fingerprint of the question as it was answered (prompt, kind, options), so a
    /// changed question marks its answer for re-confirmation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question_fingerprint: String,
    pub answered_by: String,
    pub answered_at: DateTime<Utc>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    Open,
    MitigationPlanned,
    Mitigated,
    RiskAccepted,
    Escalated,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MitigationPlan {
    pub actions: String,
    pub owner: String,
    pub target_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRef>,
}

/// The business owner's sign-off of a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskAcceptance {
    pub accepted_by: Person,
    pub accepted_on: NaiveDate,
    pub rationale: String,
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
    pub approved_by: Person,
    pub reference: String,
    pub approved_on: NaiveDate,
    /// The approver's own SSH signature over it (see `signature`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SshSignature>,
}

/// An SSH signature over a sign-off, a risk acceptance or an exception approval, as
/// `ssh-keygen -Y sign -n secassess` makes it: an SSHSIG block over the statement
/// `signature::statement` writes (the exact bytes are documented there). Stored with
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub obligations: Vec<String>,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    #[serde(default)]
    pub owner: String,
    pub status: FindingStatus,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<MitigationPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<RiskAcceptance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionApproval>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewDecision {
    NotReviewed,
    Accepted,
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A reviewer's decision on one answer, pinned to the hash of the answer it was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: ReviewDecision,
    pub answer_hash: String,
    pub reviewer: String,
    pub decided_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thread: Vec<Comment>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub resolved: bool,
}

/// The reviewer's sign-off of the whole assessment, pinned to a hash of its content
/// (`sign_off::content_hash`). Identities are self-declared; the optional SSH signature
/// is what proves which key signed it (see `signature` and the README's "Who is who").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    pub signed_by: Person,
    pub signed_at: DateTime<Utc>,
    pub statement: String,
    pub content_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SshSignature>,
}

/// One entry of the hash-chained audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub who: String,
    pub action: String,
    pub subject: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub old: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new: String,
    /// Hash of the subject's content after the change (see `audit::answer_hash`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pin: String,
    pub previous_hash: String,
    pub hash: String,
}

/// One assessment, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub schema_version: u32,
    pub system: System,
    pub assessor: Person,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub questionnaires: Vec<QuestionnaireRef>,
    /// Where the walkthrough was left, so reopening resumes there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_question: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerRecord>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub reviews: BTreeMap<String, Review>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOff>,
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
}

/// Timestamps are kept to the second: finer precision is noise in a document people read.
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

/// The fields of a [`header_pin`] (or any "key=value key=value" pin), in order.
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
    pub question: String,
    pub problem: String,
}

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
