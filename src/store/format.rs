//! The `*.secassess.toml` text format as the store sees it: the pure codec lives in the
//! core ([`secassess_core::assessment::format`]); this module turns its [`FormatError`]
//! into a [`StoreError`] with the store's wording, so every caller keeps one error type.

use std::path::Path;

use crate::assessment::format as codec;
pub use crate::assessment::format::{
    encode, Decoded, FormatError, END_MARKER, MAX_ASSESSMENT_BYTES, MAX_NESTING,
};
use crate::assessment::migrate::Step;

use super::StoreError;

impl From<FormatError> for StoreError {
    fn from(error: FormatError) -> Self {
        match error {
            FormatError::TooLarge { path, size } => StoreError::TooLarge { path, size },
            FormatError::Invalid {
                path,
                line,
                column,
                message,
            } => StoreError::Invalid {
                path,
                line,
                column,
                message,
                backup: None,
            },
            FormatError::NewerSchema { path, found } => StoreError::NewerSchema { path, found },
            FormatError::Migration { path, source } => StoreError::Migration { path, source },
        }
    }
}

/// Parses the text of an assessment file with the real migration steps. `path` is only
/// used in error messages.
pub fn decode(path: &Path, text: &str) -> Result<Decoded, StoreError> {
    codec::decode(path, text).map_err(StoreError::from)
}

/// [`decode`] with a given table of migration steps, so the migration path is tested
/// before a real second format exists.
pub fn decode_with(path: &Path, text: &str, steps: &[Step]) -> Result<Decoded, StoreError> {
    codec::decode_with(path, text, steps).map_err(StoreError::from)
}
