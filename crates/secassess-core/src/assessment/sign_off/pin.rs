//! What a sign-off's audit entry pins: the hash of the assessment's content that the
//! sign-off (and its SSH signature) covers, the signer, and the key. Below `sign_off`,
//! `signature` and the integrity checks, which all read these pins, so none of them has to
//! import another for them.

use super::super::audit;
use super::super::findings;
use super::super::record::{
    decision_name, has_answer, pin_fields, Assessment, Person, ReviewDecision, SignOff,
    ASSESSMENT_SUBJECT,
};
use crate::questionnaire::loader::hex_sha256;

/// The audit subject of sign-off entries.
pub const SIGN_OFF_SUBJECT: &str = ASSESSMENT_SUBJECT;

/// The hash a sign-off is pinned to: the system, the assessor, the questionnaire
/// versions, what every answer says ([`audit::answer_hash`]: value, "don't know",
/// evidence with its recorded SHA-256 and size, notes), every finding
/// ([`findings::finding_hash`]) and every review decision with the answer it was made on.
/// Left out, so saving again or reading it changes nothing: the sign-off itself, the
/// audit trail, timestamps of the file, where the walkthrough was left, "answer later"
/// marks, who answered and when (pinned by the audit trail, see `verify`), and review
/// threads (conversation, not content). Whether the evidence files are still what was
/// attached is checked beside it ([`state`](super::state)). Lowercase hex SHA-256 of a JSON array
/// tagged "secassess-content-v1".
pub fn content_hash(assessment: &Assessment) -> String {
    let answers: Vec<serde_json::Value> = assessment
        .answers
        .iter()
        .filter(|(_, r)| has_answer(r) || !r.notes.is_empty())
        .map(|(id, r)| serde_json::json!([id, audit::answer_hash(r)]))
        .collect();
    let findings: Vec<serde_json::Value> = assessment
        .findings
        .iter()
        .map(|f| serde_json::json!([f.id, findings::finding_hash(f)]))
        .collect();
    let reviews: Vec<serde_json::Value> = assessment
        .reviews
        .iter()
        .filter(|(_, r)| r.decision != ReviewDecision::NotReviewed)
        .map(|(id, r)| serde_json::json!([id, decision_name(r.decision), r.answer_hash]))
        .collect();
    let questionnaires: Vec<serde_json::Value> = assessment
        .questionnaires
        .iter()
        .map(|q| serde_json::json!([q.id, q.version, q.sha256]))
        .collect();
    let canonical = serde_json::json!([
        "secassess-content-v1",
        [assessment.system.name, assessment.system.description],
        [
            assessment.assessor.name,
            assessment.assessor.role,
            assessment.assessor.email
        ],
        questionnaires,
        answers,
        findings,
        reviews,
    ]);
    hex_sha256(canonical.to_string().as_bytes())
}

/// A short hash of who signed: the first 16 hex digits of the SHA-256 of the JSON array
/// `[name, role, email]`. Part of the sign-off's audit pin, so the role is pinned too.
pub fn signer_hash(signer: &Person) -> String {
    let canonical = serde_json::json!([signer.name, signer.role, signer.email]);
    hex_sha256(canonical.to_string().as_bytes())[..16].to_string()
}

/// The pin of a sign-off's audit entry: "content=HASH signer=HASH", so the signer's role
/// (which the entry's `who` does not carry) is pinned too, and " key=SHA256:..." when it
/// is signed, so a signature removed or added outside secassess shows. The content hash
/// stays whole: it is what the signature signs.
pub fn sign_off_pin(sign_off: &SignOff) -> String {
    let mut pin = format!(
        "content={} signer={}",
        sign_off.content_hash,
        signer_hash(&sign_off.signed_by)
    );
    if let Some(signature) = &sign_off.signature {
        pin.push_str(&format!(" key={}", signature.fingerprint));
    }
    pin
}

/// The fields of a sign-off entry's pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignOffPin {
    /// The content hash signed off (hex SHA-256); the whole pin in format 1.
    pub content: String,
    /// `None` in a sign-off written in file format 1, which pinned the content hash alone.
    pub signer: Option<String>,
    /// The signing key's fingerprint; `None` when it was not signed.
    pub key: Option<String>,
}

/// Reads a sign-off entry's pin ([`sign_off_pin`]).
pub(crate) fn parse_sign_off_pin(pin: &str) -> SignOffPin {
    let fields = pin_fields(pin);
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    };
    match get("content") {
        Some(content) => SignOffPin {
            content,
            signer: get("signer"),
            key: get("key"),
        },
        None => SignOffPin {
            content: pin.to_string(),
            signer: None,
            key: None,
        },
    }
}
