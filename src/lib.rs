//! secassess: guided security self-assessment for NHS England IT systems and services.
//!
//! The shell around the pure core (`crates/secassess-core`): front ends (`plain`, `tui`),
//! the session that ties them to files (`session`), file I/O (`store`), the portfolio of
//! many assessments and the pack's renderers (`report`). The core's modules are
//! re-exported under their usual names, so `secassess::assessment::...` and
//! `crate::questionnaire::...` read as before. See ARCHITECTURE.md for the map.

pub use secassess_core::{assessment, portfolio, questionnaire, rules, text, walkthrough};

pub mod pack;
pub mod plain;
pub mod report;
pub mod session;
pub mod store;
pub mod tui;
