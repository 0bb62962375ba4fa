//! secassess-core: the functional core of secassess, guided security self-assessment for
//! NHS England IT systems and services.
//!
//! Everything here is pure and terminal-free: questionnaire content and its expression
//! language, the rules that decide which obligations apply, the walkthrough order, the
//! assessment record with its audit chain, findings, review, sign-off and verification,
//! the assessment file's text format, the evidence pack's document model, and the team's
//! view of many assessments (`portfolio`: one row per file, filters, changes). It is
//! given the time and the files' contents; it never reads the clock, the terminal or the
//! file system. The `secassess` crate at the repository root is the shell around it (CLI,
//! TUI, plain front end, store, PDF and the other renderers). See ARCHITECTURE.md.

#![warn(missing_docs)]

pub mod assessment;
pub mod portfolio;
pub mod questionnaire;
pub mod report;
pub mod rules;
pub mod text;
pub use assessment::walkthrough;
