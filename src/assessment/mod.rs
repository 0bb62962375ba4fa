//! The assessment record and the pure operations on it: answers, findings, reviews and
//! the audit trail, the sign-off, who may do what, the identity of the person answering,
//! format migrations and questionnaire upgrade reports. No file I/O here; `store` reads and writes it.

pub mod audit;
pub mod diff;
pub mod evidence;
pub mod findings;
pub mod identity;
pub mod migrate;
pub mod record;
pub mod review;
pub mod roles;
pub mod sign_off;
pub mod upgrade;
pub mod verify;

pub use record::{AnswerRecord, Assessment, Person, System, SCHEMA_VERSION};
