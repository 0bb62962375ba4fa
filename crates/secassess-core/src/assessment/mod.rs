//! The assessment record and the pure operations on it: answers, findings, reviews and
//! the audit trail, the sign-off, who may do what, the identity of the person answering,
//! SSH signatures over sign-offs and the allowed-signers file that says whose key to
//! trust, format migrations and questionnaire upgrade reports. No file I/O here; `store`
//! reads and writes it.
//!
//! Where to look: [`record`] is the file's shape and [`format`](mod@format) its text; [`changes`],
//! [`findings`] and [`review`] make the audited changes, appended by [`audit`];
//! [`sign_off`] is the one rule for "ready to sign off" and where a sign-off stands;
//! [`verify`] checks a record against its audit trail; [`signature`] and
//! [`allowed_signers`] are the SSH signatures and whose key to trust; [`roles`] and
//! [`identity`] say who is acting and what they may do; [`evidence`] is local evidence
//! files as found; [`diff`], [`upgrade`] and [`migrate`] compare versions of an
//! assessment, its questionnaires and its file format; [`index`] holds the lookups that
//! keep checks linear.

pub mod allowed_signers;
pub mod audit;
pub mod changes;
pub mod diff;
pub mod evidence;
pub mod findings;
pub mod format;
pub mod identity;
pub mod index;
pub mod migrate;
pub mod record;
pub mod review;
pub mod roles;
pub mod sign_off;
pub mod signature;
pub mod upgrade;
pub mod verify;

pub use record::{AnswerRecord, Assessment, Person, System, SCHEMA_VERSION};
