//! secassess: guided security self-assessment for NHS England IT systems and services.
//!
//! The shell around the pure core (`crates/secassess-core`): front ends (`plain`, `tui`),
//! the session that ties them to files (`session`), file I/O (`store`, at the bottom:
//! it imports only the core), the renderers of the pack and of the portfolio (`report`),
//! and writing packs to files (`pack`, above both). The core's modules are re-exported
//! under their usual names, so `secassess::assessment::...`, `crate::portfolio::...` and
//! `crate::questionnaire::...` read as before. See ARCHITECTURE.md for the map.

pub use secassess_core::{assessment, portfolio, questionnaire, rules, text, walkthrough};

pub mod pack;
pub mod plain;
pub mod report;
pub mod session;
pub mod store;
pub mod tui;
