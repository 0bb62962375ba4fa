//! Reading and writing assessment files. This is the imperative shell around
//! `assessment::record`: it owns every file system call about assessments.

use std::path::{Path, PathBuf};

use crate::assessment::record::{Assessment, SCHEMA_VERSION};
use crate::text::line_column as position;

/// Largest assessment file accepted. A complete assessment with a long audit trail is
/// well under a megabyte; anything near this is not an assessment.
pub const MAX_ASSESSMENT_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes, larger than any assessment ({MAX_ASSESSMENT_BYTES} bytes at most); is it the right file?")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path}:{line}:{column}: {message}. The file was not changed; fix it in a text editor or open its backup.")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} was written by a newer secassess (schema version {found}; this build reads up to {SCHEMA_VERSION}). Use a newer secassess; the file was not changed.")]
    NewerSchema { path: PathBuf, found: u32 },
}

/// Reads and parses an assessment file without changing anything on disk.
pub fn read_assessment(path: &Path) -> Result<Assessment, StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_ASSESSMENT_BYTES {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        StoreError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: String::from("the file is not UTF-8 text"),
        }
    })?;
    parse_assessment(path, &text)
}

pub fn parse_assessment(path: &Path, text: &str) -> Result<Assessment, StoreError> {
    #[derive(serde::Deserialize)]
    struct Version {
        schema_version: Option<u32>,
    }
    let invalid = |offset: usize, message: String| {
        let (line, column) = position(text, offset);
        StoreError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    if let Ok(Version {
        schema_version: Some(found),
    }) = toml::from_str::<Version>(text)
    {
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
            });
        }
    }
    toml::from_str::<Assessment>(text).map_err(|e| {
        invalid(
            e.span().map(|s| s.start).unwrap_or(0),
            e.message().trim().to_string(),
        )
    })
}
