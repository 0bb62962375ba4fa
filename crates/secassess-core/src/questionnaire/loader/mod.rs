//! Loading questionnaire TOML into a validated [`Catalogue`]: the embedded files, a
//! user's override directory on top, and every check that makes a mistake in content a
//! `file:line:column: message` error at load time rather than a wrong answer later.
//!
//! All problems are collected and reported together, so an author fixes a file in one
//! pass. Nothing here panics on any input: size and nesting are bounded before parsing.

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
