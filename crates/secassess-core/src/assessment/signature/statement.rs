//! The signed statements: the exact bytes a signature is over (see the table in
//! [`super`]'s documentation): the namespace and header, which kind of decision
//! ([`Kind`]), the [`Statement`] of a sign-off, a risk acceptance or an exception
//! approval, and what binds it to its content and assessment ([`assessment_id`],
//! [`finding_hash`]). Signing (`sign`) and checking (`check`) both build on this.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::assessment::record::{
    timestamp, Assessment, ExceptionApproval, Finding, Person, RiskAcceptance, SignOff,
};
use crate::questionnaire::loader::hex_sha256;

/// The SSHSIG namespace of every secassess signature (`ssh-keygen -n secassess`), so a
/// signature made for git or anything else can never pass as a sign-off.
pub const NAMESPACE: &str = "secassess";

/// The first line of every signed statement: what it is and its format version.
pub const HEADER: &str = "secassess signed statement, format 1";

/// What a signature is over: which kind of decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The reviewer's sign-off of the whole assessment.
    SignOff,
    /// A business owner's risk acceptance on a finding.
    RiskAcceptance,
    /// An approver's pre-approved exception on a finding.
    ExceptionApproval,
}

impl Kind {
    /// The statement's `kind` field, and the stem of an exported statement's file name:
    /// "sign-off", "risk-acceptance", "exception-approval".
    pub fn name(self) -> &'static str {
        match self {
            Kind::SignOff => "sign-off",
            Kind::RiskAcceptance => "risk-acceptance",
            Kind::ExceptionApproval => "exception-approval",
        }
    }

    /// In words: "sign-off", "risk acceptance", "exception approval".
    pub fn words(self) -> &'static str {
        match self {
            Kind::SignOff => "sign-off",
            Kind::RiskAcceptance => "risk acceptance",
            Kind::ExceptionApproval => "exception approval",
        }
    }
}

/// The exact text a signature is over (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Which kind of decision it states.
    pub kind: Kind,
    /// The e-mail address the signer signs as: the principal an allowed-signers file
    /// must list for the key.
    pub principal: String,
    fields: Vec<(&'static str, String)>,
}

impl Statement {
    /// The bytes signed.
    pub fn bytes(&self) -> Vec<u8> {
        self.text().into_bytes()
    }

    /// The statement as text (what [`Statement::bytes`] encodes).
    pub fn text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for (name, value) in &self.fields {
            text.push_str(name);
            text.push_str(": ");
            text.push_str(&serde_json::Value::String(value.clone()).to_string());
            text.push('\n');
        }
        text
    }
}

/// The assessment's identity: the hash of its first audit entry, the one that recorded
/// its creation (who created it, when, the system and the questionnaires). It never
/// changes while the file stays intact (a later entry cannot change the first), and two
/// assessments created separately never share it. Empty for a file with no audit trail.
pub fn assessment_id(assessment: &Assessment) -> String {
    assessment
        .audit
        .first()
        .map(|e| e.hash.clone())
        .unwrap_or_default()
}

/// The SHA-256 (hex) of what a risk acceptance or exception is about: the finding's id,
/// title, description, severity and the obligations and questions it concerns. Its
/// status, owner, dates and treatments are left out: they change as the finding is
/// worked on, and the decision is about the risk as described.
pub fn finding_hash(finding: &Finding) -> String {
    let canonical = serde_json::json!([
        "secassess-finding-v1",
        finding.id,
        finding.title,
        finding.description,
        finding.severity,
        finding.obligations,
        finding.questions,
    ]);
    hex_sha256(canonical.to_string().as_bytes())
}

fn common(
    kind: Kind,
    assessment: &Assessment,
    finding: Option<&str>,
    content_sha256: &str,
    signer: &Person,
    signed_at: DateTime<Utc>,
) -> Statement {
    let mut fields = vec![
        ("kind", kind.name().to_string()),
        ("assessment", assessment_id(assessment)),
        ("system", assessment.system.name.clone()),
    ];
    if let Some(id) = finding {
        fields.push(("finding", id.to_string()));
    }
    fields.extend([
        ("content-sha256", content_sha256.to_string()),
        ("principal", signer.email.trim().to_string()),
        ("signer", signer.signature()),
        ("role", signer.role.clone()),
        ("signed-at", timestamp(signed_at).to_rfc3339()),
    ]);
    Statement {
        kind,
        principal: signer.email.trim().to_string(),
        fields,
    }
}

/// The statement of a sign-off over `content_sha256` (the content hash now, to check;
/// the one recorded, to check what was signed).
pub fn sign_off_statement(
    assessment: &Assessment,
    sign_off: &SignOff,
    content_sha256: &str,
    signed_at: DateTime<Utc>,
) -> Statement {
    let mut s = common(
        Kind::SignOff,
        assessment,
        None,
        content_sha256,
        &sign_off.signed_by,
        signed_at,
    );
    s.fields.push(("statement", sign_off.statement.clone()));
    s
}

/// The statement of a business owner's risk acceptance of `finding`, over
/// `content_sha256` (the finding's [`finding_hash`] now, to check; the one recorded in the
/// signature, to check what was signed), signed at `signed_at`.
pub fn acceptance_statement(
    assessment: &Assessment,
    finding: &Finding,
    acceptance: &RiskAcceptance,
    content_sha256: &str,
    signed_at: DateTime<Utc>,
) -> Statement {
    let mut s = common(
        Kind::RiskAcceptance,
        assessment,
        Some(&finding.id),
        content_sha256,
        &acceptance.accepted_by,
        signed_at,
    );
    s.fields.extend([
        ("accepted-on", acceptance.accepted_on.to_string()),
        ("review-by", acceptance.review_date.to_string()),
        ("rationale", acceptance.rationale.clone()),
    ]);
    s
}

/// The statement of an approver's pre-approved exception on `finding`, over
/// `content_sha256` (as for [`acceptance_statement`]), signed at `signed_at`.
pub fn exception_statement(
    assessment: &Assessment,
    finding: &Finding,
    approval: &ExceptionApproval,
    content_sha256: &str,
    signed_at: DateTime<Utc>,
) -> Statement {
    let mut s = common(
        Kind::ExceptionApproval,
        assessment,
        Some(&finding.id),
        content_sha256,
        &approval.approved_by,
        signed_at,
    );
    s.fields.extend([
        ("approved-on", approval.approved_on.to_string()),
        ("reference", approval.reference.clone()),
    ]);
    s
}

pub(super) fn content_of(statement: &Statement) -> String {
    statement
        .fields
        .iter()
        .find(|(name, _)| *name == "content-sha256")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
