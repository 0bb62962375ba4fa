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
//!
//! Where each part lives; `sign` and `check` import from `statement` and never from
//! each other:
//! - `statement`: what is signed: [`NAMESPACE`], [`HEADER`], [`Kind`], [`Statement`] and
//!   the functions that build one from the record ([`sign_off_statement`] and friends,
//!   [`assessment_id`], [`finding_hash`]);
//! - `sign`: signing a statement with a key ([`sign`], [`SignError`]) and a decider
//!   signing their own recorded decision ([`sign_decision`]);
//! - `check`: where each signature stands ([`SignatureState`], [`state`], [`check_all`],
//!   [`sign_off_signature`]), [`tampering`] and [`signed_content`].
//!
//! This file only declares them and re-exports their public items, so callers write
//! `signature::check_all` whichever file it is in.

mod check;
mod sign;
mod statement;

pub use check::{
    check_all, sign_off_signature, signed_content, state, tampering, SignatureCheck, SignatureState,
};
pub use sign::{sign, sign_decision, SignError};
pub use statement::{
    acceptance_statement, assessment_id, exception_statement, finding_hash, sign_off_statement,
    Kind, Statement, HEADER, NAMESPACE,
};

#[cfg(test)]
mod tests;
