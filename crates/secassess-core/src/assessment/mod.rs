//! The assessment record and the pure operations on it: answers, findings, reviews and
//! the audit trail, the sign-off, who may do what, the identity of the person answering,
//! SSH signatures over sign-offs and the allowed-signers file that says whose key to
//! trust, format migrations and questionnaire upgrade reports. No file I/O here; `store` reads and writes it.

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
pub mod walkthrough;

pub use record::{AnswerRecord, Assessment, Person, System, SCHEMA_VERSION};
