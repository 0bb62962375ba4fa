//! The evidence pack: what leaves the laptop. `model` (in the core crate, re-exported here
//! with `document` and `markdown`) gathers everything an assessment
//! says into a [`model::Pack`] (structured, for JSON and CSV) and lays it out as a
//! [`model::Document`] (headings, paragraphs, tables, for PDF and Markdown), so every
//! format shows the same content from one codepath. The renderers are pure functions from
//! the model to bytes; reading the assessment and writing files is `cli/export.rs`'s job.
//! `portfolio` draws the team's view of many assessments with the same CSV rules and the
//! same PDF writer.

pub use secassess_core::report::{document, markdown, model};

pub mod csv;
pub mod html;
pub mod json;
pub mod pdf;
pub mod portfolio;

pub use document::{document, Block, Document, Reference};
pub use model::{build, EvidenceCheck, Input, Pack, ReportError};
