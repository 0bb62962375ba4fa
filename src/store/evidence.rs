//! Fingerprints of local evidence files: the SHA-256 and size recorded when a file is
//! attached, so a reviewer can later tell whether the document changed since. Reads the
//! file in blocks, so a large PDF or spreadsheet costs no more memory than a small one.
//!
//! Only regular files are read, and at most [`MAX_EVIDENCE_BYTES`] of them: a path in an
//! assessment file can name anything (`/dev/zero`, a named pipe, a terminal), and
//! reading such a thing would never end. The type is checked before opening (so a device
//! is never opened) and again on the open handle (so a file swapped for a pipe in
//! between is caught); the file is opened non-blocking, so opening a pipe cannot wait
//! for a writer either.
//!
//! Also which recorded evidence paths an export may re-read ([`within_folder`]): only
//! those inside the assessment's own folder, unless the user asks for every one.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::record::Assessment;

/// Largest evidence file fingerprinted: 1 GiB. Hashing that takes a few seconds; a
/// document larger than this (a video, a disk image) is better given as a link.
pub const MAX_EVIDENCE_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("cannot read the evidence file {path}: {source}. Check the path, or give a link or a document title instead.")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is a folder, not a file; give the path of one document.")]
    NotAFile { path: PathBuf },
    #[error("{path} is {kind}, not a document file; secassess only fingerprints regular files. Give the path of the document itself, or a link or a document title instead.")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{path} is {size} bytes, more than the {MAX_EVIDENCE_BYTES} bytes (1 GiB) secassess fingerprints; give a link to it or its document title instead.")]
    TooLarge { path: PathBuf, size: u64 },
}

impl EvidenceError {
    /// Whether the file is simply not there (rather than there but unusable).
    pub fn is_missing(&self) -> bool {
        matches!(self, EvidenceError::Read { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// What is recorded about a local evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The absolute path when it can be worked out, so the record still points at the
    /// file whatever folder secassess is started from later.
    pub path: PathBuf,
    /// SHA-256 of the content, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// What kind of thing a path that is not a regular file is, in words ("a folder", "a
/// named pipe (FIFO)", "a device", ...); `None` for a regular file.
pub fn kind_of(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// The evidence error for a path that is not a regular file.
fn not_regular(path: &Path, kind: &'static str) -> EvidenceError {
    if kind == "a folder" {
        EvidenceError::NotAFile {
            path: path.to_path_buf(),
        }
    } else {
        EvidenceError::NotRegular {
            path: path.to_path_buf(),
            kind,
        }
    }
}

/// Opens `path` for reading without blocking (a pipe with no writer) and without making
/// a terminal the controlling one. Check the handle's type before reading from it.
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Fingerprints the local evidence file at `path` (relative to the current folder, or
/// absolute; links are followed): its SHA-256, its size in bytes and its absolute path.
///
/// Errors: [`EvidenceError::Read`] when it cannot be opened or read (missing, no
/// permission); [`EvidenceError::NotAFile`] for a folder; [`EvidenceError::NotRegular`]
/// for a pipe, device or socket (never read, so never hangs);
/// [`EvidenceError::TooLarge`] above [`MAX_EVIDENCE_BYTES`]. Used when an answer or a
/// mitigation attaches a file, at export to re-check it, and by review pins.
pub fn fingerprint(path: &Path) -> Result<Fingerprint, EvidenceError> {
    let read_error = |source| EvidenceError::Read {
        path: path.to_path_buf(),
        source,
    };
    // Before opening: opening some devices has effects of its own.
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if let Some(kind) = kind_of(metadata.file_type()) {
        return Err(not_regular(path, kind));
    }
    let file = open_nonblocking(path).map_err(read_error)?;
    // Again on the handle: the path may have been swapped since.
    let metadata = file.metadata().map_err(read_error)?;
    if let Some(kind) = kind_of(metadata.file_type()) {
        return Err(not_regular(path, kind));
    }
    let too_large = |size| EvidenceError::TooLarge {
        path: path.to_path_buf(),
        size,
    };
    if metadata.len() > MAX_EVIDENCE_BYTES {
        return Err(too_large(metadata.len()));
    }
    // Bounded while reading too, in case the file grows.
    let mut reader = file.take(MAX_EVIDENCE_BYTES + 1);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    if size > MAX_EVIDENCE_BYTES {
        return Err(too_large(size));
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Ok(Fingerprint { path, sha256, size })
}

/// `path` with `.` and `..` worked out from the text alone (no file system access).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The file a recorded evidence path names, if it is inside `folder` (the assessment's
/// folder or one below it), links included: `None` when it points outside. A path that
/// leaves the folder in its text is refused without touching the file system, and one
/// that leaves it through a link is refused after resolving the deepest part that
/// exists, so nothing outside is read or even looked for.
///
/// An export re-reads only these by default: an assessment received from someone else
/// could otherwise name any file of the person exporting it (`../.ssh/id_rsa`), and the
/// pack would tell the sender its SHA-256 and size, or whether it exists.
pub fn within_folder(folder: &Path, recorded: &str) -> Option<PathBuf> {
    let folder_real = std::fs::canonicalize(folder).ok()?;
    let folder_text = lexical(&std::path::absolute(folder).ok()?);
    let candidate = lexical(&std::path::absolute(folder.join(recorded)).ok()?);
    if !candidate.starts_with(&folder_text) && !candidate.starts_with(&folder_real) {
        return None;
    }
    // The deepest part of the path that exists, resolved (links followed).
    let mut existing = candidate.as_path();
    loop {
        match std::fs::canonicalize(existing) {
            Ok(real) => return real.starts_with(&folder_real).then_some(candidate),
            Err(_) => existing = existing.parent()?,
        }
    }
}

/// Looks at every local evidence file the assessment records (answers and findings),
/// relative paths taken from the assessment's folder, as `assessment::evidence` needs
/// them: present with its SHA-256 and size, missing, or unreadable.
pub fn observe_evidence(assessment: &Assessment, assessment_path: &Path) -> EvidenceFiles {
    let base = assessment_path.parent().unwrap_or(Path::new("."));
    let mut files = EvidenceFiles::not_checked();
    for path in EvidenceFiles::paths(assessment) {
        let state = match fingerprint(&base.join(&path)) {
            Ok(print) => FileState::Present {
                sha256: print.sha256,
                size: print.size,
            },
            Err(EvidenceError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                FileState::Missing
            }
            Err(e) => FileState::Unreadable {
                reason: e.to_string(),
            },
        };
        files.insert(&path, state);
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_size_of_a_known_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("slsp.txt");
        std::fs::write(&path, b"abc").expect("written");
        let print = fingerprint(&path).expect("fingerprinted");
        // The SHA-256 test vector for "abc" (FIPS 180-2).
        assert_eq!(
            print.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(print.size, 3);
        assert!(print.path.is_absolute());
    }

    #[test]
    fn missing_file_and_folder_are_clear_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = fingerprint(&dir.path().join("nope.pdf")).expect_err("missing");
        assert!(missing.to_string().contains("nope.pdf"), "{missing}");
        assert!(missing.is_missing());
        let folder = fingerprint(dir.path()).expect_err("folder");
        assert!(folder.to_string().contains("is a folder"), "{folder}");
        assert!(!folder.is_missing());
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_refused_without_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("pipe");
        let c_path = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo with a valid NUL-terminated path; its result is checked.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let error = fingerprint(&fifo).expect_err("a FIFO is refused");
        assert!(error.to_string().contains("named pipe"), "{error}");
        let error = fingerprint(Path::new("/dev/zero")).expect_err("a device is refused");
        assert!(error.to_string().contains("a device"), "{error}");
        // Through a link, too.
        let link = dir.path().join("zero.pdf");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("link");
        assert!(matches!(
            fingerprint(&link),
            Err(EvidenceError::NotRegular { .. })
        ));
    }

    #[test]
    fn only_paths_inside_the_folder_are_re_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("project");
        std::fs::create_dir_all(folder.join("docs")).expect("folders");
        std::fs::write(folder.join("docs/slsp.pdf"), b"x").expect("file");
        std::fs::write(dir.path().join("secret.txt"), b"s").expect("outside");
        assert!(within_folder(&folder, "docs/slsp.pdf").is_some());
        assert!(within_folder(&folder, "docs/missing.pdf").is_some());
        let absolute = folder.join("docs/slsp.pdf").display().to_string();
        assert!(within_folder(&folder, &absolute).is_some());
        assert_eq!(within_folder(&folder, "../secret.txt"), None);
        assert_eq!(within_folder(&folder, "docs/../../secret.txt"), None);
        let outside = dir.path().join("secret.txt").display().to_string();
        assert_eq!(within_folder(&folder, &outside), None);
        assert_eq!(within_folder(&folder, "/etc/passwd"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), folder.join("up")).expect("link");
            assert_eq!(within_folder(&folder, "up/secret.txt"), None);
            assert_eq!(within_folder(&folder, "up/not-there.txt"), None);
        }
    }
}
