//! A user's questionnaire override directory (`--questionnaires DIR`): reading its
//! `*.toml` files safely (regular files only, bounded in size, never blocking on a pipe)
//! and handing them to the core loader, which merges them over the embedded content.

use std::path::{Path, PathBuf};

use crate::questionnaire::loader::{
    load_with_user_files, Diagnostic, LoadError, SourceFile, MAX_FILE_BYTES,
};
use crate::questionnaire::model::Catalogue;

/// Loads the embedded questionnaires with the `*.toml` files of `dir` on top: a user file
/// replaces the embedded file with the same questionnaire id (or, for a file without a
/// `[questionnaire]`, the same file name) and any other file adds to them.
pub fn load_with_overrides(dir: &Path) -> Result<Catalogue, LoadError> {
    let directory_error = |source| LoadError::Directory {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(directory_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut user = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match read_bounded(&path) {
            Ok(text) => user.push(SourceFile { name, text }),
            Err(message) => diagnostics.push(Diagnostic {
                file: name,
                line: 1,
                column: 1,
                message,
            }),
        }
    }
    if !diagnostics.is_empty() {
        return Err(LoadError::Invalid(diagnostics));
    }
    load_with_user_files(user)
}

/// Reads a questionnaire file: only a regular file (checked on the open handle, opened
/// non-blocking, so a named pipe cannot hang `validate`), and at most
/// [`MAX_FILE_BYTES`] of it, even if it grows while being read.
fn read_bounded(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let file = super::evidence::open_nonblocking(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if let Some(kind) = super::evidence::kind_of(metadata.file_type()) {
        return Err(format!("it is {kind}, not a questionnaire file"));
    }
    let too_large = |len: u64| {
        format!("file is {len} bytes; questionnaire files are limited to {MAX_FILE_BYTES} bytes")
    };
    if metadata.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}
