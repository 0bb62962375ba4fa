//! SSH signatures over sign-offs: the reviewer's sign-off of the assessment, a business
//! owner's risk acceptance and an approver's exception, each signed with the person's own
//! OpenSSH key in the SSHSIG format (namespace [`NAMESPACE`]), as `ssh-keygen -Y sign`
//! and git's SSH commit signing do; and where each signature stands
//! ([`SignatureState`]): trusted by an allowed-signers file, signed by a key it does not
//! list, not matching the content, or unsigned.
//!
//! # What is signed
//!
//! A [`Statement`]: UTF-8 text, LF line endings, ending with a line feed. The first line
//! is [`HEADER`]; then one line per field, `NAME: VALUE`, where VALUE is the field as a
//! JSON string (RFC 8259: in double quotes, `"` and `\` and control characters escaped,
//! everything else as is). The fields, in this order:
//!
//! | field | sign-off | risk acceptance | exception approval |
//! |---|---|---|---|
//! | `kind` | `sign-off` | `risk-acceptance` | `exception-approval` |
//! | `assessment` | [`assessment_id`] | same | same |
//! | `system` | the system's name | same | same |
//! | `finding` | | the finding's id | the finding's id |
//! | `content-sha256` | `sign_off::content_hash` | [`finding_hash`] | [`finding_hash`] |
//! | `principal` | the signer's e-mail address | the business owner's | the approver's |
//! | `signer` | `Name <email>` | same | same |
//! | `role` | the signer's role | same | same |
//! | `signed-at` | RFC 3339, UTC, to the second | same | same |
//! | `statement` / `rationale` / `reference` | the sign-off statement | `accepted-on`, `review-by`, `rationale` | `approved-on`, `reference` |
//!
//! So a signature binds the content (its hash), the assessment (its identity), the
//! signer's principal, name and role, and the time: copied onto another assessment, moved
//! to another person, or kept after the content changed, it no longer verifies.
//! `secassess verify --export-signed-content DIR` writes these bytes and the signature,
//! and `ssh-keygen -Y verify -f allowed_signers -I EMAIL -n secassess -s FILE.sig <
//! FILE` checks them without secassess.
//!
//! # What is checked
//!
//! [`state`] builds the statement from the file as it is now and checks the signature
//! over it with the key inside the signature; then, given an allowed-signers file, that
//! the file lists that key for the principal in the namespace at the signing time.
//! [`tampering`] checks each signature against the statement as it was signed (the
//! recorded content hash): a failure there is an edit outside secassess (`verify` reports
//! it), not a change made since.
//!
//! Pure: the private key comes in already read (and decrypted) by the shell; nothing
//! here touches a file. Signing is deterministic for Ed25519, ECDSA (RFC 6979) and RSA
//! (PKCS#1 v1.5), so no random numbers are needed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use super::allowed_signers::{AllowedSigners, Trust};
use super::findings::{Actor, FindingError};
use super::identity::same;
use super::record::{
    timestamp, Assessment, ExceptionApproval, Finding, Person, RiskAcceptance, SignOff,
    SshSignature,
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

/// Why a statement could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The signer has no e-mail address, so there is no principal to sign as.
    #[error("a signature needs the signer's e-mail address: it is the principal an allowed-signers file lists the key under; set your e-mail (--as \"Name <email>\", SECASSESS_EMAIL or your saved identity)")]
    NoPrincipal,
    /// The key is still encrypted: the shell decrypts it with its passphrase first.
    #[error("the key is still encrypted: its passphrase is needed first")]
    Encrypted,
    /// A key that cannot sign here: a FIDO hardware key (`sk-ssh-ed25519@openssh.com`,
    /// `sk-ecdsa-sha2-nistp256@openssh.com`), or another type `ssh-key` does not sign
    /// with.
    #[error("{algorithm} keys cannot sign here (hardware security keys sign only through ssh-keygen); use an Ed25519, ECDSA or RSA key")]
    Unsupported {
        /// The key's algorithm, as OpenSSH names it.
        algorithm: String,
    },
    /// The signature library failed, or the signature made did not verify with the key's
    /// public half (it is then not written); the library's words.
    #[error("signing with the key failed: {0}")]
    Failed(String),
}

/// Signs `statement` with `key` (decrypted), made at `signed_at` over `content_sha256`
/// (the hash the statement names), giving what the record keeps: the armoured SSHSIG
/// (namespace [`NAMESPACE`], SHA-512), the public key in OpenSSH form, its SHA256
/// fingerprint and `signed_at` to the second. The signature is verified before it is
/// returned.
///
/// Errors: [`SignError::NoPrincipal`] when the statement has no principal,
/// [`SignError::Encrypted`], [`SignError::Unsupported`] for a hardware key,
/// [`SignError::Failed`] otherwise.
pub fn sign(
    statement: &Statement,
    key: &PrivateKey,
    content_sha256: &str,
    signed_at: DateTime<Utc>,
) -> Result<SshSignature, SignError> {
    if statement.principal.is_empty() {
        return Err(SignError::NoPrincipal);
    }
    if key.is_encrypted() {
        return Err(SignError::Encrypted);
    }
    let algorithm = key.algorithm();
    if matches!(
        algorithm,
        ssh_key::Algorithm::SkEd25519 | ssh_key::Algorithm::SkEcdsaSha2NistP256
    ) {
        return Err(SignError::Unsupported {
            algorithm: algorithm.to_string(),
        });
    }
    let bytes = statement.bytes();
    let sig = if algorithm.is_rsa() {
        sign_rsa(key, &bytes)?
    } else {
        key.sign(NAMESPACE, HashAlg::Sha512, &bytes)
            .map_err(|e| match e {
                ssh_key::Error::AlgorithmUnsupported { algorithm } => SignError::Unsupported {
                    algorithm: algorithm.to_string(),
                },
                other => SignError::Failed(other.to_string()),
            })?
    };
    // A signature that does not verify is never written.
    key.public_key()
        .verify(NAMESPACE, &bytes, &sig)
        .map_err(|e| SignError::Failed(format!("the signature made does not verify ({e})")))?;
    let sshsig = sig
        .to_pem(LineEnding::LF)
        .map_err(|e| SignError::Failed(e.to_string()))?;
    let public = PublicKey::from(key.public_key().key_data().clone());
    let public_key = public
        .to_openssh()
        .map_err(|e| SignError::Failed(e.to_string()))?;
    Ok(SshSignature {
        signed_at: timestamp(signed_at),
        content_sha256: content_sha256.to_string(),
        fingerprint: public.fingerprint(HashAlg::Sha256).to_string(),
        public_key,
        sshsig,
    })
}

/// RSA (rsa-sha2-512, PKCS#1 v1.5) through the `rsa` crate: `ssh-key` 0.6.7 builds the
/// RSA private key from its first prime twice instead of both primes, so its own RSA
/// signing always fails ("cryptographic error"); 0.7 fixes it. The signature is then
/// framed as SSHSIG by `ssh-key`'s public low-level API, exactly as it frames its own.
fn sign_rsa(key: &PrivateKey, msg: &[u8]) -> Result<SshSig, SignError> {
    use rsa::signature::{SignatureEncoding, Signer};
    let failed = |e: &dyn std::fmt::Display| SignError::Failed(e.to_string());
    let ssh_key::private::KeypairData::Rsa(pair) = key.key_data() else {
        return Err(SignError::Failed(String::from("not an RSA key")));
    };
    let big = |m: &ssh_key::Mpint| {
        m.as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or_else(|| SignError::Failed(String::from("the RSA key has a negative number")))
    };
    let private = rsa::RsaPrivateKey::from_components(
        big(&pair.public.n)?,
        big(&pair.public.e)?,
        big(&pair.private.d)?,
        vec![big(&pair.private.p)?, big(&pair.private.q)?],
    )
    .map_err(|e| failed(&e))?;
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(private);
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, msg).map_err(|e| failed(&e))?;
    let raw = signer.try_sign(&data).map_err(|e| failed(&e))?;
    let signature = ssh_key::Signature::new(
        ssh_key::Algorithm::Rsa {
            hash: Some(HashAlg::Sha512),
        },
        raw.to_vec(),
    )
    .map_err(|e| failed(&e))?;
    SshSig::new(
        key.public_key().key_data().clone(),
        NAMESPACE,
        HashAlg::Sha512,
        signature,
    )
    .map_err(|e| failed(&e))
}

/// Where one signature stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum SignatureState {
    /// No signature: the record says who, and nothing proves it.
    Unsigned,
    /// The signature is over this content, and the allowed-signers file lists its key for
    /// the principal in the `secassess` namespace at the signing time.
    Trusted {
        /// The e-mail address it signs as.
        principal: String,
        /// The signing key's fingerprint ("SHA256:" and unpadded base64).
        fingerprint: String,
        /// The allowed-signers line that lists the key.
        line: usize,
    },
    /// The signature is over this content, made with the key inside it; no
    /// allowed-signers file was given to say whose key that is.
    NotChecked {
        /// The e-mail address it signs as.
        principal: String,
        /// The signing key's fingerprint ("SHA256:" and unpadded base64).
        fingerprint: String,
    },
    /// The signature is over this content, but the allowed-signers file does not list its
    /// key for the principal (or not for this namespace or time).
    KeyNotAllowed {
        /// The e-mail address it signs as.
        principal: String,
        /// The signing key's fingerprint ("SHA256:" and unpadded base64).
        fingerprint: String,
        /// Why no line allows it, in words (see [`Trust::NotAllowed`]).
        why: String,
    },
    /// The signature is not over the content as it is now, or cannot be read.
    DoesNotMatch {
        /// The fingerprint recorded beside the signature (not checked: it may be what
        /// was edited).
        fingerprint: String,
        /// Why, in words: the content changed since it was signed (with both content
        /// hashes, shortened), or which check failed and what that suggests.
        why: String,
    },
}

impl SignatureState {
    /// Signed, and the allowed-signers file vouches for the key.
    pub fn trusted(&self) -> bool {
        matches!(self, SignatureState::Trusted { .. })
    }

    /// Carries a signature (whatever it is worth).
    pub fn signed(&self) -> bool {
        !matches!(self, SignatureState::Unsigned)
    }

    /// "signed by ivy@example.nhs.uk with key SHA256:..., trusted", "signed, key not in
    /// allowed signers", "signature does not match the content", "unsigned", with why.
    pub fn words(&self) -> String {
        match self {
            SignatureState::Unsigned => String::from("unsigned"),
            SignatureState::Trusted {
                principal,
                fingerprint,
                ..
            } => format!("signed by {principal} with key {fingerprint}, trusted"),
            SignatureState::NotChecked {
                principal,
                fingerprint,
            } => format!(
                "signed by {principal} with key {fingerprint}, not checked against an allowed-signers file"
            ),
            SignatureState::KeyNotAllowed {
                principal,
                fingerprint,
                why,
            } => format!(
                "signed, key not in allowed signers: key {fingerprint} signing as {principal}; {why}"
            ),
            SignatureState::DoesNotMatch { fingerprint, why } => {
                let key = if fingerprint.is_empty() {
                    String::new()
                } else {
                    format!(" (key {fingerprint})")
                };
                format!("signature does not match the content{key}: {why}")
            }
        }
    }
}

/// Checks `signature` over `statement`: the armour, the namespace, the key recorded
/// beside it, and the signature itself. Returns the signing key.
fn check(statement: &Statement, signature: &SshSignature) -> Result<PublicKey, String> {
    let sig = SshSig::from_pem(signature.sshsig.as_bytes())
        .map_err(|e| format!("the signature block cannot be read ({e})"))?;
    if sig.namespace() != NAMESPACE {
        return Err(format!(
            "it was made for the namespace \"{}\", not \"{NAMESPACE}\": it is not a secassess signature",
            sig.namespace()
        ));
    }
    let key = PublicKey::from(sig.public_key().clone());
    let recorded = PublicKey::from_openssh(&signature.public_key).ok();
    if recorded.as_ref().map(PublicKey::key_data) != Some(key.key_data()) {
        return Err(String::from(
            "the public key recorded beside it is not the key that made it",
        ));
    }
    if key.fingerprint(HashAlg::Sha256).to_string() != signature.fingerprint {
        return Err(String::from(
            "the fingerprint recorded beside it is not its key's",
        ));
    }
    key.verify(NAMESPACE, &statement.bytes(), &sig)
        .map_err(|_| String::from("the signature is not over this statement"))?;
    Ok(key)
}

/// Where a signature stands: `now` is the statement built from the file as it is now,
/// `as_signed` the same with the content hash recorded in the signature (it says whether
/// only the content changed since). With `allowed`, whether it vouches for the key.
pub fn state(
    now: &Statement,
    as_signed: &Statement,
    signature: Option<&SshSignature>,
    allowed: Option<&AllowedSigners>,
) -> SignatureState {
    let Some(signature) = signature else {
        return SignatureState::Unsigned;
    };
    let fingerprint = signature.fingerprint.clone();
    let key = match check(now, signature) {
        Ok(key) => key,
        Err(why) => {
            let why = if check(as_signed, signature).is_ok() {
                format!(
                    "the content changed after it was signed (signed content hash {}, content hash now {})",
                    short(&signature.content_sha256),
                    short(&content_of(now))
                )
            } else {
                format!(
                    "{why}; it was made for another assessment or person, or what it signs was edited outside secassess"
                )
            };
            return SignatureState::DoesNotMatch { fingerprint, why };
        }
    };
    let principal = now.principal.clone();
    match allowed {
        None => SignatureState::NotChecked {
            principal,
            fingerprint,
        },
        Some(allowed) => match allowed.trust(&key, &principal, NAMESPACE, signature.signed_at) {
            Trust::Trusted { line } => SignatureState::Trusted {
                principal,
                fingerprint,
                line,
            },
            Trust::NotAllowed { why } => SignatureState::KeyNotAllowed {
                principal,
                fingerprint,
                why,
            },
        },
    }
}

fn content_of(statement: &Statement) -> String {
    statement
        .fields
        .iter()
        .find(|(name, _)| *name == "content-sha256")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(16)]
}

/// One signed (or unsigned) decision in an assessment, and where its signature stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// Which kind of decision.
    pub kind: Kind,
    /// The finding a risk acceptance or exception is on.
    pub finding: Option<String>,
    /// Who the record says decided: `Name <email>`.
    pub signer: String,
    /// Where its signature stands.
    pub state: SignatureState,
}

impl SignatureCheck {
    /// "sign-off by Ivy Reviewer <ivy@...>", "risk acceptance on F-001 by ...".
    pub fn what(&self) -> String {
        match &self.finding {
            Some(id) => format!("{} on {id} by {}", self.kind.words(), self.signer),
            None => format!("{} by {}", self.kind.words(), self.signer),
        }
    }
}

/// The statements of every decision that can be signed: (now, as signed, signature).
struct Signed<'a> {
    kind: Kind,
    finding: Option<&'a str>,
    signer: String,
    now: Statement,
    as_signed: Statement,
    signature: Option<&'a SshSignature>,
}

fn signed_decisions(assessment: &Assessment) -> Vec<Signed<'_>> {
    let mut out = Vec::new();
    if let Some(s) = &assessment.sign_off {
        let at = s.signature.as_ref().map_or(s.signed_at, |g| g.signed_at);
        let recorded = s
            .signature
            .as_ref()
            .map_or(s.content_hash.as_str(), |g| g.content_sha256.as_str());
        out.push(Signed {
            kind: Kind::SignOff,
            finding: None,
            signer: s.signed_by.signature(),
            now: sign_off_statement(
                assessment,
                s,
                &super::sign_off::content_hash(assessment),
                at,
            ),
            as_signed: sign_off_statement(assessment, s, recorded, at),
            signature: s.signature.as_ref(),
        });
    }
    for f in &assessment.findings {
        let hash = finding_hash(f);
        if let Some(a) = &f.acceptance {
            let at = a
                .signature
                .as_ref()
                .map_or(DateTime::UNIX_EPOCH, |g| g.signed_at);
            let recorded = a
                .signature
                .as_ref()
                .map_or(hash.as_str(), |g| &g.content_sha256);
            out.push(Signed {
                kind: Kind::RiskAcceptance,
                finding: Some(&f.id),
                signer: a.accepted_by.signature(),
                now: acceptance_statement(assessment, f, a, &hash, at),
                as_signed: acceptance_statement(assessment, f, a, recorded, at),
                signature: a.signature.as_ref(),
            });
        }
        if let Some(e) = &f.exception {
            let at = e
                .signature
                .as_ref()
                .map_or(DateTime::UNIX_EPOCH, |g| g.signed_at);
            let recorded = e
                .signature
                .as_ref()
                .map_or(hash.as_str(), |g| &g.content_sha256);
            out.push(Signed {
                kind: Kind::ExceptionApproval,
                finding: Some(&f.id),
                signer: e.approved_by.signature(),
                now: exception_statement(assessment, f, e, &hash, at),
                as_signed: exception_statement(assessment, f, e, recorded, at),
                signature: e.signature.as_ref(),
            });
        }
    }
    out
}

/// Every sign-off in the assessment (the sign-off, then each risk acceptance and
/// exception approval in register order) and where its signature stands, checked
/// against `allowed` when given.
pub fn check_all(assessment: &Assessment, allowed: Option<&AllowedSigners>) -> Vec<SignatureCheck> {
    signed_decisions(assessment)
        .into_iter()
        .map(|d| SignatureCheck {
            kind: d.kind,
            finding: d.finding.map(str::to_string),
            signer: d.signer,
            state: state(&d.now, &d.as_signed, d.signature, allowed),
        })
        .collect()
}

/// Where the assessment's sign-off signature stands (`None` when not signed off): the one
/// function every view asks ("signed or not").
pub fn sign_off_signature(
    assessment: &Assessment,
    allowed: Option<&AllowedSigners>,
) -> Option<SignatureState> {
    check_all(assessment, allowed)
        .into_iter()
        .find(|c| c.kind == Kind::SignOff)
        .map(|c| c.state)
}

/// A signature that verifies neither over the statement as the file says it now nor over
/// the one with its recorded content hash (it was edited, copied from elsewhere or forged
/// outside secassess), or whose recorded content hash was edited. A signature that is
/// only out of date (the content changed since, through secassess) is not one.
/// (kind, finding, why)
pub fn tampering(assessment: &Assessment) -> Vec<(Kind, Option<String>, String)> {
    signed_decisions(assessment)
        .into_iter()
        .filter_map(|d| {
            let signature = d.signature?;
            let why = if check(&d.now, signature).is_ok() {
                // Over the content as it is: only the hash recorded beside it can be wrong.
                (signature.content_sha256 != content_of(&d.now)).then(|| {
                    String::from("the content_sha256 recorded beside it is not the hash it signs")
                })?
            } else {
                check(&d.as_signed, signature).err()?
            };
            Some((d.kind, d.finding.map(str::to_string), why))
        })
        .collect()
}

/// The signed content and signature files of every signed decision, for
/// `verify --export-signed-content`: (file stem, principal, statement bytes as they must
/// be now, armoured signature).
pub fn signed_content(assessment: &Assessment) -> Vec<(String, String, Vec<u8>, String)> {
    signed_decisions(assessment)
        .into_iter()
        .filter_map(|d| {
            let signature = d.signature?;
            let stem = match d.finding {
                Some(id) => format!("{}-{}", d.kind.name(), file_safe(id)),
                None => d.kind.name().to_string(),
            };
            Some((
                stem,
                d.now.principal.clone(),
                d.now.bytes(),
                signature.sshsig.clone(),
            ))
        })
        .collect()
}

/// Signs the risk acceptance (`kind` [`Kind::RiskAcceptance`]) or exception approval
/// ([`Kind::ExceptionApproval`]) recorded on finding `id` with `key` (decrypted), as
/// `actor`, who must be the person it names (by e-mail,
/// [`super::identity::same_person`]): a business
/// owner signs their own acceptance, nobody else's. An audited change to the finding
/// (`finding-changed`, "signed with key SHA256:..."); a signature already there is
/// replaced. Refused, with nothing changed, when there is no such decision, the actor
/// is someone else, or the key cannot sign.
///
/// Errors: [`FindingError::NoSuchFinding`]; [`FindingError::Invalid`] for no such
/// decision on it, [`Kind::SignOff`] (a sign-off is signed when made), another person,
/// or a key that cannot sign (the [`SignError`] in words); and what any audited change to
/// a finding can give (a duplicate id, an edit outside secassess not yet acknowledged).
pub fn sign_decision(
    assessment: &mut Assessment,
    catalogue: &crate::questionnaire::model::Catalogue,
    id: &str,
    kind: Kind,
    key: &PrivateKey,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let invalid = |problem: String| FindingError::Invalid {
        finding: id.to_string(),
        problem,
        field: None,
    };
    let Some(finding) = assessment.findings.iter().find(|f| f.id == id).cloned() else {
        return Err(FindingError::NoSuchFinding { id: id.to_string() });
    };
    let hash = finding_hash(&finding);
    let now = timestamp(actor.now);
    let (decider, statement) = match kind {
        Kind::RiskAcceptance => {
            let Some(a) = &finding.acceptance else {
                return Err(invalid(String::from(
                    "it has no risk acceptance to sign; record it first (finding accept)",
                )));
            };
            (
                a.accepted_by.clone(),
                acceptance_statement(assessment, &finding, a, &hash, now),
            )
        }
        Kind::ExceptionApproval => {
            let Some(e) = &finding.exception else {
                return Err(invalid(String::from(
                    "it has no exception approval to sign; record it first (finding exception)",
                )));
            };
            (
                e.approved_by.clone(),
                exception_statement(assessment, &finding, e, &hash, now),
            )
        }
        Kind::SignOff => {
            return Err(invalid(String::from(
                "a sign-off is signed when it is made (secassess review)",
            )))
        }
    };
    if !same(&decider, actor.who) {
        return Err(invalid(format!(
            "its {} is {}'s decision, and only they can sign it, with their own key: they run the command themselves (--as \"{}\")",
            kind.words(),
            decider.signature(),
            decider.signature()
        )));
    }
    let signature = sign(&statement, key, &hash, now).map_err(|e| invalid(e.to_string()))?;
    super::findings::modify(assessment, catalogue, id, actor, |f| {
        match kind {
            Kind::RiskAcceptance => {
                if let Some(a) = f.acceptance.as_mut() {
                    a.signature = Some(signature);
                }
            }
            _ => {
                if let Some(e) = f.exception.as_mut() {
                    e.signature = Some(signature);
                }
            }
        }
        Ok(())
    })
}

/// A finding id as part of a file name: letters, digits, `-` and `_` kept.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
