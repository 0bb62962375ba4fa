//! The assessment record and the pure operations on it: answers, findings, reviews and
//! the audit trail. No file I/O here; `store` reads and writes it.

pub mod record;

pub use record::{Assessment, AnswerRecord, Person, System, SCHEMA_VERSION};
