//! secassess: guided security self-assessment for NHS England IT systems and services.
//!
//! The library is the functional core (questionnaire content, rules, and later the
//! assessment record, findings, review and document model); `main.rs` and the front ends
//! are thin shells around it. See ARCHITECTURE.md for the map.

pub mod assessment;
pub mod plain;
pub mod portfolio;
pub mod questionnaire;
pub mod report;
pub mod rules;
pub mod session;
pub mod store;
pub mod text;
pub mod tui;
pub mod walkthrough;
