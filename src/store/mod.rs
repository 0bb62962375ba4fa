//! Every file system call about assessments, at the bottom of the shell (it imports the
//! core and nothing else of the shell): reading and saving assessment files (`atomic`;
//! `format` puts the core's text-format errors in the store's words), the lock that keeps
//! one writer at a time (`lock`), questionnaire override folders, evidence file
//! fingerprints, the saved identity, the signer's SSH key, folders of assessments
//! (`portfolio`) and the `git` command line.
//!
//! The promise is that no answer is ever lost: a save replaces the file atomically and
//! keeps the previous version as `FILE.bak`; a file that cannot be read exactly is never
//! written over; a file in an older format is migrated in memory and its original kept
//! as `FILE.schema-vN.bak` when first saved.

pub mod atomic;
pub mod evidence;
pub mod format;
pub mod git;
pub mod identity;
pub mod locations;
pub mod lock;
pub mod portfolio;
pub mod questionnaires;
pub mod signing_key;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::assessment::migrate::MigrationError;
use crate::assessment::record::{Assessment, Person, SCHEMA_VERSION};

pub use format::{Decoded, END_MARKER, MAX_ASSESSMENT_BYTES};
pub use lock::{LockGuard, LockInfo, LockOutcome, Staleness};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {kind}, not an assessment file; nothing was read or changed.")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{path} is {size} bytes, larger than any assessment ({MAX_ASSESSMENT_BYTES} bytes at most); is it the right file? It was not changed.")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path}:{line}:{column}: {message}. The file was not changed; fix it in a text editor{}", backup_hint(.backup.as_deref()))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// `FILE.bak`, when it exists, to offer the previous version.
        backup: Option<PathBuf>,
    },
    #[error("{path} was written by a newer secassess (schema version {found}; this build reads up to {SCHEMA_VERSION}). Use a newer secassess; the file was not changed.")]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("{path}: {source}. The file was not changed.")]
    Migration {
        path: PathBuf,
        source: MigrationError,
    },
    #[error("{path} does not end with the line '{END_MARKER}' that secassess always writes last, so it may have been cut short; it was not changed. Compare it with {}; if it is complete (for example written by hand), add that line at the end.", compare_with(.backup.as_deref()))]
    Incomplete {
        path: PathBuf,
        backup: Option<PathBuf>,
    },
    #[error("cannot save {path}: {source}. The previous version on disk is unchanged.")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create {path}: {source}. Nothing was written; check that the folder exists and that you can write to it, or choose another with --output.")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot save {path}: the new version would be {size} bytes, more than the {MAX_ASSESSMENT_BYTES} bytes secassess can read back, so it was not written and the previous version on disk is unchanged. Shorten long notes, descriptions or answers, or start a new assessment for the next round (secassess new) and keep this one as the record.")]
    WouldBeTooLarge { path: PathBuf, size: u64 },
    #[error("{path} already exists; open it with `secassess show {path}`, or choose another name or --output")]
    AlreadyExists { path: PathBuf },
    #[error("cannot use the lock file {path}: {source}. Check you may write to that folder; if no secassess has the assessment open, deleting that lock file by hand clears it.")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("not saved: the lock {lock} was taken over by {} on host {} at {} (UTC), so saving now would write over their work; your changes are not in the file. Close this copy and open the file again to see theirs.", .by.holder, .by.host, .by.started_at.format("%Y-%m-%d %H:%M"))]
    LockTakenOver { lock: PathBuf, by: Box<LockInfo> },
    #[error("cannot list {path}: {source}. Check --data-dir or SECASSESS_DATA_DIR.")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot find your home directory to keep assessments and settings in; give a folder with --data-dir (or SECASSESS_DATA_DIR) and SECASSESS_CONFIG_DIR")]
    NoHomeDirectory,
    #[error("the lock given for saving {path} is for another file ({lock})")]
    WrongLock { path: PathBuf, lock: PathBuf },
}

fn backup_hint(backup: Option<&Path>) -> String {
    match backup {
        Some(b) => format!(
            ", or use the previous version saved in {} (copy it over this file)",
            b.display()
        ),
        None => String::from("."),
    }
}

fn compare_with(backup: Option<&Path>) -> String {
    match backup {
        Some(b) => format!("its previous version {}", b.display()),
        None => String::from("the copy it came from"),
    }
}

/// What to compare a possibly cut-short file with: "its previous version FILE.bak" when
/// that exists, otherwise "the copy it came from" (never a backup that is not there).
pub fn compare_hint(path: &Path) -> String {
    compare_with(existing_backup(path).as_deref())
}

/// The backup of `path`, if there is one, to offer in an error.
fn existing_backup(path: &Path) -> Option<PathBuf> {
    let backup = atomic::backup_path(path);
    backup.is_file().then_some(backup)
}

fn with_backup(error: StoreError) -> StoreError {
    match error {
        StoreError::Invalid {
            path,
            line,
            column,
            message,
            backup: None,
        } => StoreError::Invalid {
            backup: existing_backup(&path),
            path,
            line,
            column,
            message,
        },
        other => other,
    }
}

/// An assessment read from disk, with what the store learned about the file.
pub type Loaded = Decoded;

/// Reads and parses an assessment file without changing anything on disk. A file whose
/// end marker is missing is still read (see [`Loaded::complete`]): viewing it is safe,
/// saving over it is refused by [`Editor::new`].
pub fn load(path: &Path) -> Result<Loaded, StoreError> {
    let text = read_text(path)?;
    format::decode(path, &text).map_err(with_backup)
}

/// Like [`load`] with given migration steps: for tests of the migration path.
pub fn load_with_steps(
    path: &Path,
    steps: &[crate::assessment::migrate::Step],
) -> Result<Loaded, StoreError> {
    let text = read_text(path)?;
    format::decode_with(path, &text, steps).map_err(with_backup)
}

/// Reads and parses an assessment file without changing anything on disk.
pub fn read_assessment(path: &Path) -> Result<Assessment, StoreError> {
    load(path).map(|loaded| loaded.assessment)
}

/// Parses the text of an assessment file; `path` is for messages only.
pub fn parse_assessment(path: &Path, text: &str) -> Result<Assessment, StoreError> {
    format::decode(path, text).map(|decoded| decoded.assessment)
}

/// Opens an assessment file for reading: only a regular file, checked before opening (a
/// device is never opened) and on the handle, opened non-blocking (a named pipe planted
/// in a shared folder cannot hang `list` or `open`). Returns the file and its size in
/// bytes.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let not_a_file = |kind| StoreError::NotAFile {
        path: path.to_path_buf(),
        kind,
    };
    let before = std::fs::metadata(path).map_err(read_error)?;
    if let Some(kind) = evidence::kind_of(before.file_type()) {
        return Err(not_a_file(kind));
    }
    let file = evidence::open_nonblocking(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if let Some(kind) = evidence::kind_of(metadata.file_type()) {
        return Err(not_a_file(kind));
    }
    Ok((file, metadata.len()))
}

fn read_text(path: &Path) -> Result<String, StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let (file, size) = open_regular(path)?;
    if size > MAX_ASSESSMENT_BYTES {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    // Bounded again while reading, in case the file grows after the size check.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_ASSESSMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_ASSESSMENT_BYTES {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = crate::text::line_column(&before, valid);
        with_backup(StoreError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: String::from(
                "the file is not UTF-8 text (it may be damaged, or not an assessment)",
            ),
            backup: None,
        })
    })
}

/// Size from which saving warns: 80 % of [`MAX_ASSESSMENT_BYTES`].
pub const WARN_ASSESSMENT_BYTES: u64 = MAX_ASSESSMENT_BYTES / 5 * 4;

/// A warning for a file of `size` bytes that is nearing the size secassess reads (from
/// [`WARN_ASSESSMENT_BYTES`]), saying what to do; `None` below that.
pub fn size_warning(path: &Path, size: u64) -> Option<String> {
    (size >= WARN_ASSESSMENT_BYTES).then(|| {
        format!(
            "{} is {size} bytes, {}% of the {MAX_ASSESSMENT_BYTES} bytes secassess can read; past that it cannot be saved. Shorten long notes, descriptions or answers, or start a new assessment for the next round (secassess new) and keep this one as the record.",
            crate::text::sanitise_line(&path.display().to_string()),
            size * 100 / MAX_ASSESSMENT_BYTES
        )
    })
}

/// The text of an assessment, refused when it would be larger than a load accepts: a
/// save must never write a file that every later command refuses.
fn encode(path: &Path, assessment: &Assessment) -> Result<String, StoreError> {
    let text = format::encode(assessment).map_err(|e| StoreError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    if text.len() as u64 > MAX_ASSESSMENT_BYTES {
        return Err(StoreError::WouldBeTooLarge {
            path: path.to_path_buf(),
            size: text.len() as u64,
        });
    }
    Ok(text)
}

/// Saves an assessment over `path` atomically, keeping the previous version as `FILE.bak`.
/// Synchronous and fast (a few milliseconds for hundreds of answers, including fsync), so
/// a front end can call it after every answer from a worker thread. Callers editing an
/// existing file should hold its lock: see [`Editor`]. Returns the size written, in
/// bytes; [`StoreError::WouldBeTooLarge`] (nothing written) past [`MAX_ASSESSMENT_BYTES`].
pub fn save(path: &Path, assessment: &Assessment) -> Result<u64, StoreError> {
    let text = encode(path, assessment)?;
    atomic::replace(path, text.as_bytes(), true).map_err(|source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.len() as u64)
}

/// Writes a new assessment file, refusing to replace an existing one.
pub fn create(path: &Path, assessment: &Assessment) -> Result<(), StoreError> {
    let text = encode(path, assessment)?;
    match atomic::create_new(path, text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::AlreadyExists {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(StoreError::Create {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Creates a data or config directory private to the user, if it is not there yet.
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    atomic::create_private_dir(dir).map_err(|source| StoreError::Create {
        path: dir.to_path_buf(),
        source,
    })
}

/// An assessment open for editing: holds its lock, and saves so that nothing is lost.
#[derive(Debug)]
pub struct Editor {
    path: PathBuf,
    lock: LockGuard,
    /// Set while the file on disk is in an older format not yet kept aside.
    keep_original: Option<u32>,
    /// Size of the file, in bytes, as loaded or last saved.
    size: u64,
}

impl Editor {
    /// Starts editing `path`, loaded while holding `lock`. Refuses a file that may have
    /// been cut short, so it is never saved over.
    pub fn new(path: &Path, lock: LockGuard, loaded: &Loaded) -> Result<Editor, StoreError> {
        if lock.lock_file() != lock::lock_path(path) {
            return Err(StoreError::WrongLock {
                path: path.to_path_buf(),
                lock: lock.lock_file().to_path_buf(),
            });
        }
        if !loaded.complete {
            return Err(StoreError::Incomplete {
                path: path.to_path_buf(),
                backup: existing_backup(path),
            });
        }
        remove_leftover_temps(path);
        Ok(Editor {
            path: path.to_path_buf(),
            lock,
            keep_original: (loaded.schema_version < SCHEMA_VERSION)
                .then_some(loaded.schema_version),
            size: std::fs::metadata(path).map_or(0, |m| m.len()),
        })
    }

    /// A warning when the file is nearing the size secassess can read (see
    /// [`size_warning`]), as loaded or last saved.
    pub fn size_warning(&self) -> Option<String> {
        size_warning(&self.path, self.size)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn lock(&self) -> &LockInfo {
        self.lock.info()
    }

    /// Saves the assessment. The first save of a migrated file first keeps the original
    /// as `FILE.schema-vN.bak` (never replaced afterwards).
    pub fn save(&mut self, assessment: &Assessment) -> Result<(), StoreError> {
        // Someone who took the lock over owns the file now.
        self.lock.check()?;
        if let Some(version) = self.keep_original {
            let original = original_path(&self.path, version);
            let write_error = |source| StoreError::Write {
                path: original.clone(),
                source,
            };
            let bytes = std::fs::read(&self.path).map_err(write_error)?;
            match atomic::create_new(&original, &bytes) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(write_error(source)),
            }
            self.keep_original = None;
        }
        self.size = save(&self.path, assessment)?;
        Ok(())
    }
}

/// Where the original of a file migrated from `version` is kept.
pub fn original_path(path: &Path, version: u32) -> PathBuf {
    atomic::sibling(path, &format!(".schema-v{version}.bak"))
}

/// Removes temporary files left by interrupted saves. Only called with the lock held, so
/// none of them belongs to a save in progress.
fn remove_leftover_temps(path: &Path) {
    let Ok(entries) = std::fs::read_dir(atomic::parent_dir(path)) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if atomic::is_leftover_temp(path, &entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What opening an assessment for editing found.
#[derive(Debug)]
pub enum Opened {
    /// Ours to edit.
    Editable(Editor, Box<Loaded>),
    /// Someone else has it open: show it read-only and say who.
    ReadOnly(Box<Loaded>, LockInfo),
    /// The lock's holder is gone, or this computer cannot tell: ask the user (warning
    /// them when [`Staleness::needs_warning`]), then [`lock::take_over`] and open again.
    Stale(Box<Loaded>, LockInfo, Staleness),
}

/// Whether `a` and `b` name the same file, even when named differently (relative,
/// through a link): their canonical paths compared, or the paths as given when either
/// does not exist yet (an output about to be written).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The file to edit when the user names `path`: `path` itself, or, when it is a
/// symbolic link, the file it points to (every link resolved). The lock, the temporary
/// file and `FILE.bak` then sit beside the real file and the save replaces it in place,
/// so the link keeps working, the backup is a real copy, and someone opening the real
/// file directly meets the same lock. A link pointing nowhere is a read error.
pub fn resolve_assessment(path: &Path) -> Result<PathBuf, StoreError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|source| StoreError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// Opens an assessment for editing as `who`: takes the lock, then reads the file (so what
/// is read is what nobody else is changing). A symbolic link is resolved first (see
/// [`resolve_assessment`]); the editor's [`Editor::path`] is the real file.
pub fn open_for_edit(path: &Path, who: &Person, now: DateTime<Utc>) -> Result<Opened, StoreError> {
    let path = &resolve_assessment(path)?;
    match lock::acquire(path, who, now)? {
        LockOutcome::Acquired(guard) => {
            let loaded = load(path)?;
            let editor = Editor::new(path, guard, &loaded)?;
            Ok(Opened::Editable(editor, Box::new(loaded)))
        }
        LockOutcome::HeldBy(info) => Ok(Opened::ReadOnly(Box::new(load(path)?), info)),
        LockOutcome::Stale(info, staleness) => {
            Ok(Opened::Stale(Box::new(load(path)?), info, staleness))
        }
    }
}
