//! Checking: where each signature in an assessment stands ([`SignatureState`], [`state`],
//! [`check_all`], [`sign_off_signature`]) against the statement rebuilt from the file as
//! it is now, signatures edited or copied outside secassess ([`tampering`]), and the
//! signed content for `ssh-keygen -Y verify` ([`signed_content`]).

use chrono::DateTime;
use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::statement::{
    acceptance_statement, content_of, exception_statement, finding_hash, sign_off_statement, Kind,
    Statement, NAMESPACE,
};
use crate::assessment::allowed_signers::{AllowedSigners, Trust};
use crate::assessment::record::{Assessment, SshSignature};

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
                &crate::assessment::sign_off::content_hash(assessment),
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
