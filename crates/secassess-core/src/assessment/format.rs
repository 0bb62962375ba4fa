//! The `*.secassess.toml` text format: turning an [`Assessment`] into the text written to
//! disk and back, with every check that makes a damaged or hand-edited-wrong file a
//! `file:line:column` error instead of a wrong assessment.
//!
//! Pure (text in, value or error out) so it can be fuzzed and tested without files; the
//! shell's `store` does the reading and writing, and turns a [`FormatError`] into its own
//! error (adding the `.bak` hint). A saved file starts with a comment saying
//! what it is and ends with [`END_MARKER`], so a file cut short at a line boundary (which
//! can still be valid TOML) is noticed rather than silently missing its last answers.

use std::path::{Path, PathBuf};

use crate::assessment::migrate::{self, Step};
use crate::assessment::record::{Assessment, SCHEMA_VERSION};
use crate::text::line_column;

/// Why a text is not an assessment this build can read. `path` is only the name shown in
/// the message; nothing here touches the file system.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Larger than [`MAX_ASSESSMENT_BYTES`] (`size` in bytes).
    #[error(
        "{path} is {size} bytes, larger than any assessment ({MAX_ASSESSMENT_BYTES} bytes at most)"
    )]
    TooLarge {
        /// The file's name as the caller gave it, for the message.
        path: PathBuf,
        /// The text's size in bytes.
        size: u64,
    },
    /// Not valid TOML, or not a valid assessment, at `line`:`column` (1-based).
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file's name as the caller gave it, for the message.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong: the TOML parser's words, or secassess's (no `schema_version`,
        /// nesting too deep, empty file, ...).
        message: String,
    },
    /// Written by a newer secassess (`found` is above [`SCHEMA_VERSION`]).
    #[error("{path} was written by a newer secassess (schema version {found})")]
    NewerSchema {
        /// The file's name as the caller gave it, for the message.
        path: PathBuf,
        /// The `schema_version` in the file.
        found: u32,
    },
    /// An older format whose migration failed.
    #[error("{path}: {source}")]
    Migration {
        /// The file's name as the caller gave it, for the message.
        path: PathBuf,
        /// Why the migration failed.
        source: migrate::MigrationError,
    },
}

/// The last line of every file secassess writes.
pub const END_MARKER: &str = "# end of secassess assessment";

const HEADER: &str = "\
# secassess assessment record: see `secassess show` for a summary.
# You may read and edit it in a text editor; keep it valid TOML and keep the last line.
# secassess keeps the previous version next to it as <this file>.bak.
";

/// Deepest nesting accepted (brackets and dotted keys, see `text::toml_too_deep`),
/// checked before the TOML parser sees the text so a hostile file cannot exhaust the
/// stack. A real assessment nests three or four deep.
pub const MAX_NESTING: usize = 32;

/// Largest assessment accepted. A complete assessment with a long audit trail is well
/// under a megabyte; anything near this is not an assessment.
pub const MAX_ASSESSMENT_BYTES: u64 = 16 * 1024 * 1024;

/// A parsed file and what the store needs to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// Always at [`SCHEMA_VERSION`], migrated in memory if the file was older.
    pub assessment: Assessment,
    /// The version found in the file.
    pub schema_version: u32,
    /// What each migration step changed, oldest first; empty for a current file.
    pub migrations: Vec<&'static str>,
    /// Whether the file ends with [`END_MARKER`]. A file without it was cut short or
    /// written by hand; it can be read but not saved over.
    pub complete: bool,
}

/// The text secassess writes for an assessment: a comment saying what the file is, the
/// record as TOML, and [`END_MARKER`] as the last line (LF line endings).
///
/// Errors: the TOML serialiser's, which a record read or built by secassess does not
/// give.
pub fn encode(assessment: &Assessment) -> Result<String, toml::ser::Error> {
    let body = toml::to_string(assessment)?;
    let mut text = String::with_capacity(HEADER.len() + body.len() + END_MARKER.len() + 2);
    text.push_str(HEADER);
    text.push_str(&body);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(END_MARKER);
    text.push('\n');
    Ok(text)
}

/// Parses the text of an assessment file with the real migration steps. `path` is only
/// used in error messages. Returns the assessment at [`SCHEMA_VERSION`], with the
/// version found, the migrations applied and whether the file was complete.
///
/// Errors: [`FormatError::TooLarge`] above [`MAX_ASSESSMENT_BYTES`];
/// [`FormatError::Invalid`] for nesting deeper than [`MAX_NESTING`], an empty file, text
/// that is not TOML, a missing or malformed `schema_version`, a field that is unknown,
/// missing or of the wrong type (also after migrating); [`FormatError::NewerSchema`];
/// [`FormatError::Migration`].
pub fn decode(path: &Path, text: &str) -> Result<Decoded, FormatError> {
    decode_with(path, text, migrate::STEPS)
}

/// [`decode`] with a given table of migration steps, so the migration path is tested
/// before a real second format exists.
pub fn decode_with(path: &Path, text: &str, steps: &[Step]) -> Result<Decoded, FormatError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        FormatError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    if text.len() as u64 > MAX_ASSESSMENT_BYTES {
        return Err(FormatError::TooLarge {
            path: path.to_path_buf(),
            size: text.len() as u64,
        });
    }
    if let Some(offset) = crate::text::toml_too_deep(text, MAX_NESTING) {
        return Err(invalid(
            offset,
            format!("brackets or dotted keys (a.b.c) nest more than {MAX_NESTING} deep, which no assessment needs; this is not an assessment file"),
        ));
    }
    if text.trim().is_empty() {
        return Err(invalid(
            0,
            "the file is empty; it may have been cut short while being copied".into(),
        ));
    }
    // The usual case, a file in the current format, is parsed once, straight into an
    // assessment; anything else (an older format, a wrong field, not TOML) is parsed as a
    // table first, so the version is checked before the fields and a problem is reported
    // as below.
    if let Ok(assessment) = toml::from_str::<Assessment>(text) {
        if assessment.schema_version == SCHEMA_VERSION {
            return Ok(Decoded {
                assessment,
                schema_version: SCHEMA_VERSION,
                migrations: Vec::new(),
                complete: text.trim_end().ends_with(END_MARKER),
            });
        }
    }
    let mut table: toml::Table = toml::from_str(text).map_err(|e| {
        invalid(
            e.span().map(|s| s.start).unwrap_or(0),
            e.message().trim().to_string(),
        )
    })?;
    let version_offset = text.find("schema_version").unwrap_or(0);
    let found = match table.get("schema_version") {
        None => {
            return Err(invalid(
                0,
                "there is no schema_version, so this is not a secassess assessment (or its first lines were lost)".into(),
            ))
        }
        Some(toml::Value::Integer(v)) => u32::try_from(*v).map_err(|_| {
            invalid(
                version_offset,
                format!("schema_version {v} is not a version secassess ever wrote"),
            )
        })?,
        Some(other) => {
            return Err(invalid(
                version_offset,
                format!(
                    "schema_version is a {}, not a whole number",
                    other.type_str()
                ),
            ))
        }
    };
    if found > SCHEMA_VERSION {
        return Err(FormatError::NewerSchema {
            path: path.to_path_buf(),
            found,
        });
    }
    let complete = text.trim_end().ends_with(END_MARKER);
    if found == SCHEMA_VERSION {
        // Parsed again from the text, not the table, so a wrong field gets its position.
        let assessment = toml::from_str::<Assessment>(text).map_err(|e| {
            invalid(
                e.span().map(|s| s.start).unwrap_or(0),
                e.message().trim().to_string(),
            )
        })?;
        return Ok(Decoded {
            assessment,
            schema_version: found,
            migrations: Vec::new(),
            complete,
        });
    }
    let migrations =
        migrate::migrate(&mut table, found, SCHEMA_VERSION, steps).map_err(|source| {
            FormatError::Migration {
                path: path.to_path_buf(),
                source,
            }
        })?;
    let assessment = toml::Value::Table(table)
        .try_into::<Assessment>()
        .map_err(|e| {
            invalid(
                version_offset,
                format!(
                    "after migrating from schema version {found}: {}",
                    e.message().trim()
                ),
            )
        })?;
    Ok(Decoded {
        assessment,
        schema_version: found,
        migrations,
        complete,
    })
}
