//! Fingerprints of local evidence files: the SHA-256 and size recorded when a file is
//! attached, so a reviewer can later tell whether the document changed since. Reads the
//! file in blocks, so a large PDF or spreadsheet costs no more memory than a small one.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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
}

/// What is recorded about a local evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The absolute path when it can be worked out, so the record still points at the
    /// file whatever folder secassess is started from later.
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
}

pub fn fingerprint(path: &Path) -> Result<Fingerprint, EvidenceError> {
    let read_error = |source| EvidenceError::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.is_dir() {
        return Err(EvidenceError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let mut file = File::open(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Ok(Fingerprint { path, sha256, size })
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
        let folder = fingerprint(dir.path()).expect_err("folder");
        assert!(folder.to_string().contains("is a folder"), "{folder}");
    }
}
