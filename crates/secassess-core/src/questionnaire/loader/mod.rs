//! Loading questionnaire TOML into a validated [`Catalogue`](crate::questionnaire::model::Catalogue): the embedded files, a
//! user's override directory on top, and every check that makes a mistake in content a
//! `file:line:column: message` error at load time rather than a wrong answer later.
//!
//! All problems are collected and reported together, so an author fixes a file in one
//! pass. Nothing here panics on any input: size and nesting are bounded before parsing.
//!
//! Where each part lives; each file imports only from those below it:
//! - `sources`: the embedded questionnaires and a user's files merged over them;
//! - `exclusions`: requirement sentences deliberately left out, read by the coverage test;
//! - `catalogue`: [`load_files`], the raw files turned into a [`Catalogue`](crate::questionnaire::model::Catalogue) item by item;
//! - `dependencies`: circular conditions and chains deeper than the rules engine follows;
//! - `expressions`: each condition type-checked against the questions it names;
//! - `checker`: [`Diagnostic`], [`LoadError`] and the checker that records each problem
//!   at its `file:line:column`;
//! - `raw`: the TOML shape files are read into, [`SourceFile`] and the size bounds.
//!
//! This file only declares them and re-exports their public items.

mod catalogue;
mod checker;
mod dependencies;
mod exclusions;
mod expressions;
mod raw;
mod sources;

pub use catalogue::{hex_sha256, load_files};
pub use checker::{Diagnostic, LoadError};
pub use exclusions::{exclusions, Exclusion};
pub use raw::{SourceFile, MAX_FILE_BYTES};
pub use sources::{embedded_files, load_embedded, load_with_user_files, EMBEDDED};

#[cfg(test)]
mod tests;
