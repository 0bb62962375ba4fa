//! The evidence pack's content: `model` gathers everything an assessment says into a
//! [`model::Pack`] (structured, for JSON and CSV) and `document` lays it out as a
//! [`document::Document`] (headings, paragraphs, tables, for PDF and Markdown), so every
//! format shows the same content from one codepath. `markdown` is the plain-text
//! rendering of that document (pure: document in, text out), here because the model's own
//! tests read the document through it. The byte-level renderers (PDF, HTML, JSON, CSV)
//! live in the shell crate's `report` module.

pub mod document;
pub mod markdown;
#[allow(missing_docs)] // documented by i21-core-split in the same issue
pub mod model;
