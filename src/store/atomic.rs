//! Writing a file so that a crash, a full disk or a pulled USB stick at any moment leaves
//! either the old content or the new, never a mix or nothing: write a temporary file in
//! the same directory, flush and fsync it, rename it over the old file, then fsync the
//! directory so the rename itself is durable.
//!
//! Permissions: a file secassess creates is readable and writable by its owner only
//! (0600 on Unix, in a 0700 directory when secassess creates the directory). When a file
//! is replaced, its existing permissions are kept, so an assessment deliberately shared
//! on a team drive stays shared. On Windows nothing is set: files under the user's
//! profile are private to the user by the inherited ACL, and on a shared drive the
//! drive's ACL decides, as for any other document there.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `FILE.bak`: the version before the last save.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

/// `FILE` with `suffix` added to its file name.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The directory a file is in; "" (a bare file name) means the current directory.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The temporary file a save writes first: hidden, next to the target (a rename across
/// file systems is not atomic), and named after the process so two processes never
/// write the same one.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Whether a directory entry is a temporary file (or backup staging file) left by a save
/// to `path` that was interrupted, by any process.
pub fn is_leftover_temp(path: &Path, entry_name: &str) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    entry_name
        .strip_prefix(&format!(".{name}."))
        .and_then(|rest| {
            rest.strip_suffix(".tmp.bak")
                .or_else(|| rest.strip_suffix(".tmp"))
        })
        .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Replaces `path` with `bytes` atomically. With `keep_backup`, the old content (if any)
/// stays as `FILE.bak`.
pub fn replace(path: &Path, bytes: &[u8], keep_backup: bool) -> io::Result<()> {
    let tmp = temp_path(path);
    let existing = fs::metadata(path).ok();
    let result = (|| {
        write_synced(&tmp, bytes, existing.as_ref())?;
        if keep_backup && existing.is_some() {
            refresh_backup(path)?;
        }
        fs::rename(&tmp, path)?;
        sync_dir(parent_dir(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename), owner-only (0600
/// on Unix) whether or not a file was there before: for exports, which leave the
/// assessment's folder and should not inherit a shared file's permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        write_synced(&tmp, bytes, None)?;
        fs::rename(&tmp, path)?;
        sync_dir(parent_dir(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` with `bytes`, failing with `AlreadyExists` rather than replacing
/// anything. The content appears all at once (a hard link of a finished temporary file);
/// on file systems without hard links (FAT on a USB stick) it falls back to checking
/// first and renaming, which leaves a moment in which a file created by someone else at
/// the same path would be replaced.
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        write_synced(&tmp, bytes, None)?;
        match fs::hard_link(&tmp, path) {
            Ok(()) => fs::remove_file(&tmp)?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {
                if fs::symlink_metadata(path).is_ok() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
                fs::rename(&tmp, path)?;
            }
        }
        sync_dir(parent_dir(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes and fsyncs a new file, with the permissions of the file it will replace or
/// owner-only for a new one.
fn write_synced(tmp: &Path, bytes: &[u8], replacing: Option<&fs::Metadata>) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(tmp)?;
    // A leftover temporary file from an interrupted save keeps its old mode when reopened,
    // so the mode is set explicitly either way.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = replacing.map_or(0o600, |m| m.permissions().mode() & 0o7777);
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = replacing;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes `FILE.bak` the current content of `FILE`, atomically: a hard link needs no copy
/// and the old inode stays as the backup when `FILE` is replaced. Falls back to a copy
/// where hard links are not supported.
fn refresh_backup(path: &Path) -> io::Result<()> {
    let backup = backup_path(path);
    let staging = sibling(&temp_path(path), ".bak");
    let _ = fs::remove_file(&staging);
    if fs::hard_link(path, &staging).is_err() {
        fs::copy(path, &staging)?;
        File::open(&staging)?.sync_all()?;
    }
    fs::rename(&staging, &backup)
}

/// Makes renames and new names in `dir` durable. Windows has no equivalent for a
/// directory handle opened normally; NTFS journals the rename itself.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates a directory (and its parents) that only its owner can open, for the data and
/// config directories.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_are_recognised_by_their_name_only() {
        let path = Path::new("/x/portal.secassess.toml");
        let tmp = temp_path(path);
        let tmp_name = tmp.file_name().map(|n| n.to_string_lossy().into_owned());
        assert!(is_leftover_temp(
            path,
            tmp_name.as_deref().unwrap_or_default()
        ));
        assert!(is_leftover_temp(path, ".portal.secassess.toml.12.tmp.bak"));
        assert!(!is_leftover_temp(path, ".portal.secassess.toml.12.tmp.old"));
        assert!(!is_leftover_temp(path, ".portal.secassess.toml.x.tmp"));
        assert!(!is_leftover_temp(path, "portal.secassess.toml"));
        assert_eq!(backup_path(path), Path::new("/x/portal.secassess.toml.bak"));
        assert_eq!(parent_dir(Path::new("a.toml")), Path::new("."));
    }
}
