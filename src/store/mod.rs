//! Reading and writing assessment files, the saved identity and the lock that keeps one
//! writer at a time, and reading the signer's SSH key. This is the imperative shell around `assessment`: every file system
//! call about assessments is here (the text format itself, in `format`, is pure).
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
pub mod pack;
pub mod portfolio;
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

fn read_text(path: &Path) -> Result<String, StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
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

fn encode(path: &Path, assessment: &Assessment) -> Result<String, StoreError> {
    format::encode(assessment).map_err(|e| StoreError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })
}

/// Saves an assessment over `path` atomically, keeping the previous version as `FILE.bak`.
/// Synchronous and fast (a few milliseconds for hundreds of answers, including fsync), so
/// a front end can call it after every answer from a worker thread. Callers editing an
/// existing file should hold its lock: see [`Editor`].
pub fn save(path: &Path, assessment: &Assessment) -> Result<(), StoreError> {
    let text = encode(path, assessment)?;
    atomic::replace(path, text.as_bytes(), true).map_err(|source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a new assessment file, refusing to replace an existing one.
pub fn create(path: &Path, assessment: &Assessment) -> Result<(), StoreError> {
    let text = encode(path, assessment)?;
    match atomic::create_new(path, text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::AlreadyExists {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(StoreError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Creates a data or config directory private to the user, if it is not there yet.
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    atomic::create_private_dir(dir).map_err(|source| StoreError::Write {
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
        })
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
        save(&self.path, assessment)
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

/// Opens an assessment for editing as `who`: takes the lock, then reads the file (so what
/// is read is what nobody else is changing).
pub fn open_for_edit(path: &Path, who: &Person, now: DateTime<Utc>) -> Result<Opened, StoreError> {
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
