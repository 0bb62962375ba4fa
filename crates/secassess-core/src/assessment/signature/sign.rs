//! Signing: a statement signed with the person's own decrypted OpenSSH key ([`sign`],
//! RSA through the `rsa` crate), why that can fail ([`SignError`]), and a business owner
//! or approver signing their own recorded decision on a finding ([`sign_decision`]).

use chrono::{DateTime, Utc};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use super::statement::{
    acceptance_statement, exception_statement, finding_hash, Kind, Statement, NAMESPACE,
};
use crate::assessment::findings::{Actor, FindingError};
use crate::assessment::identity::same;
use crate::assessment::record::{timestamp, Assessment, SshSignature};

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

/// Signs the risk acceptance (`kind` [`Kind::RiskAcceptance`]) or exception approval
/// ([`Kind::ExceptionApproval`]) recorded on finding `id` with `key` (decrypted), as
/// `actor`, who must be the person it names (by e-mail,
/// [`identity::same_person`](crate::assessment::identity::same_person)): a business
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
    crate::assessment::findings::modify(assessment, catalogue, id, actor, |f| {
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
