//! Writing a file so that a crash, a full disk or a pulled USB stick at any moment leaves
//! either the old content or the new, never a mix or nothing: write a temporary file in
//! the same directory, flush and fsync it, rename it over the old file, then fsync the
//! directory so the rename itself is durable.
//!
//! Writes cannot be redirected, even in a folder shared with others: the temporary file
//! has a random name and is created with `O_CREAT|O_EXCL` (the `tempfile` crate), so a
//! symbolic link planted at its name is never followed and an existing file is never
//! truncated; the rename then replaces the target's directory entry, so a target that is
//! itself a symbolic link is replaced rather than written through. The one place a link
//! is followed on purpose is an assessment the user opened through a link: the store
//! resolves it first (`store::resolve_assessment`) and saves the file it points to.
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

use tempfile::{Builder, NamedTempFile};

/// Random characters in a temporary file's name: 62^10, so a name cannot be guessed and
/// planted in advance.
const RANDOM_CHARS: usize = 10;

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

/// The name a temporary file for `path` starts with: hidden, and next to the target (a
/// rename across file systems is not atomic).
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Creates the temporary file a save of `path` writes first: `.NAME.RANDOM.tmp` in the
/// target's folder, new (never an existing file or a link), owner-only on Unix.
fn new_temp(path: &Path) -> io::Result<NamedTempFile> {
    Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .rand_bytes(RANDOM_CHARS)
        .tempfile_in(parent_dir(path))
        .map_err(without_temp_name)
}

/// The operating system's error without the "at path .NAME.RANDOM.tmp" `tempfile` adds:
/// the caller names the file the user asked for, and a random name they never chose
/// only confuses ("No such file or directory" is about the folder).
fn without_temp_name(error: io::Error) -> io::Error {
    // `tempfile` keeps the operating system's error inside a private type whose text is
    // "MESSAGE at path \"...\"": only that text is reachable.
    let text = error.to_string();
    match text.split_once(" at path \"") {
        Some((message, _)) => io::Error::new(error.kind(), message.to_string()),
        None => error,
    }
}

/// Whether a directory entry is a temporary file (or backup staging file) left by a save
/// to `path` that was interrupted, by any process: `.NAME.RANDOM.tmp`,
/// `.NAME.RANDOM.bak.tmp`, or the `.NAME.PID.tmp[.bak]` of older versions.
pub fn is_leftover_temp(path: &Path, entry_name: &str) -> bool {
    entry_name
        .strip_prefix(&temp_prefix(path))
        .and_then(|rest| {
            rest.strip_suffix(".tmp.bak")
                .or_else(|| rest.strip_suffix(".bak.tmp"))
                .or_else(|| rest.strip_suffix(".tmp"))
        })
        .is_some_and(|random| {
            !random.is_empty() && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// A temporary file that could not be renamed into place, as the `io::Error` it carries
/// (the temporary file itself is removed when the error is dropped).
fn persist_error<F>(e: tempfile::PersistError<F>) -> io::Error {
    e.error
}

/// Replaces `path` with `bytes` atomically. With `keep_backup`, the old content (if any)
/// stays as `FILE.bak`, a real file. A `path` that is a symbolic link is replaced by a
/// regular file (the link is not followed): resolve it first to write its target.
///
/// With `keep_backup`, a regular file that already holds exactly `bytes` is left alone:
/// saving it again (the TUI saves on leaving) would otherwise turn `FILE.bak` into a
/// second copy of the current version and lose the one before.
pub fn replace(path: &Path, bytes: &[u8], keep_backup: bool) -> io::Result<()> {
    let existing = fs::symlink_metadata(path).ok();
    if keep_backup
        && existing
            .as_ref()
            .is_some_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    let tmp = new_temp(path)?;
    write_synced(tmp.as_file(), bytes, existing.as_ref())?;
    if keep_backup && existing.is_some() {
        refresh_backup(path)?;
    }
    tmp.persist(path).map_err(persist_error)?;
    sync_dir(parent_dir(path))
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename), owner-only (0600
/// on Unix) whether or not a file was there before: for exports, which leave the
/// assessment's folder and should not inherit a shared file's permissions. A `path`
/// that is a symbolic link is replaced, never written through.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = new_temp(path)?;
    write_synced(tmp.as_file(), bytes, None)?;
    tmp.persist(path).map_err(persist_error)?;
    sync_dir(parent_dir(path))
}

/// Creates `path` with `bytes`, failing with `AlreadyExists` rather than replacing
/// anything (a symbolic link included, even one pointing nowhere). The content appears
/// all at once (a rename that refuses to replace, or a hard link of the finished
/// temporary file); on file systems with neither (FAT on a USB stick) it falls back to
/// checking first and renaming, which leaves a moment in which a file created by
/// someone else at the same path would be replaced.
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = new_temp(path)?;
    write_synced(tmp.as_file(), bytes, None)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Err(e.error),
        Err(e) => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            e.file.persist(path).map_err(persist_error)?;
        }
    }
    sync_dir(parent_dir(path))
}

/// Writes and fsyncs a new file, with the permissions of the regular file it will
/// replace, or owner-only for a new one (or one replacing a link).
fn write_synced(mut file: &File, bytes: &[u8], replacing: Option<&fs::Metadata>) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = replacing
            .filter(|m| m.is_file())
            .map_or(0o600, |m| m.permissions().mode() & 0o7777);
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = replacing;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes `FILE.bak` the current content of `FILE`, atomically: a hard link needs no copy
/// and the old inode stays as the backup when `FILE` is replaced. Falls back to a copy
/// where hard links are not supported, and copies (rather than links) anything that is
/// not a regular file, so the backup is always a real file. The staging name is random
/// and created new, like every temporary file here.
fn refresh_backup(path: &Path) -> io::Result<()> {
    let regular = fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    let staging = Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".bak.tmp")
        .rand_bytes(RANDOM_CHARS)
        .make_in(parent_dir(path), |staging| {
            if regular {
                match fs::hard_link(path, staging) {
                    Ok(()) => return Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
                    Err(_) => {}
                }
            }
            copy_new(path, staging)
        })?;
    staging.persist(backup_path(path)).map_err(persist_error)?;
    Ok(())
}

/// Copies `from` into a new file `to` (which must not exist), with `from`'s permissions,
/// and fsyncs it.
fn copy_new(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut target = options.open(to)?;
    io::copy(&mut source, &mut target)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = source.metadata()?.permissions().mode() & 0o7777;
        target.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    target.sync_all()
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
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("portal.secassess.toml");
        let tmp = new_temp(&path).expect("temporary file");
        let tmp_name = tmp
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        assert!(is_leftover_temp(
            &path,
            tmp_name.as_deref().unwrap_or_default()
        ));
        let path = Path::new("/x/portal.secassess.toml");
        assert!(is_leftover_temp(path, ".portal.secassess.toml.12.tmp.bak"));
        assert!(is_leftover_temp(
            path,
            ".portal.secassess.toml.a1B2c3.bak.tmp"
        ));
        assert!(!is_leftover_temp(path, ".portal.secassess.toml.12.tmp.old"));
        assert!(!is_leftover_temp(path, ".portal.secassess.toml.x-y.tmp"));
        assert!(!is_leftover_temp(path, ".portal.secassess.toml..tmp"));
        assert!(!is_leftover_temp(path, "portal.secassess.toml"));
        assert_eq!(backup_path(path), Path::new("/x/portal.secassess.toml.bak"));
        assert_eq!(parent_dir(Path::new("a.toml")), Path::new("."));
    }

    #[test]
    fn temporary_names_are_random() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pack.md");
        let a = new_temp(&path).expect("first");
        let b = new_temp(&path).expect("second");
        assert_ne!(a.path(), b.path());
        assert!(!a
            .path()
            .to_string_lossy()
            .contains(&std::process::id().to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_target_is_replaced_never_written_through() {
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").expect("victim");
        let out = dir.path().join("pack.md");
        std::os::unix::fs::symlink(&victim, &out).expect("link");
        write_private(&out, b"pack").expect("written");
        assert_eq!(fs::read(&victim).expect("victim"), b"precious");
        assert!(fs::symlink_metadata(&out).expect("out").is_file());
        assert_eq!(fs::read(&out).expect("out"), b"pack");

        // Creating never replaces anything, a dangling link included.
        let dangling = dir.path().join("new.secassess.toml");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("link");
        let refused = create_new(&dangling, b"x").expect_err("refused");
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
        assert!(!dir.path().join("nowhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_backup_is_a_real_file_with_the_old_content() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.secassess.toml");
        fs::write(&path, b"one").expect("first");
        replace(&path, b"two", true).expect("second");
        let backup = backup_path(&path);
        assert!(fs::symlink_metadata(&backup).expect("bak").is_file());
        assert_eq!(fs::read(&backup).expect("bak"), b"one");
        assert_eq!(fs::read(&path).expect("file"), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| is_leftover_temp(&path, &e.file_name().to_string_lossy()))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_error_names_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing").join("a.secassess.toml");
        let error = replace(&path, b"one", true).expect_err("no such folder");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(!error.to_string().contains(".tmp"), "{error}");
    }

    #[test]
    fn saving_the_same_content_again_keeps_the_previous_version_as_the_backup() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.secassess.toml");
        fs::write(&path, b"one").expect("first");
        replace(&path, b"two", true).expect("second");
        replace(&path, b"two", true).expect("the same again");
        assert_eq!(fs::read(backup_path(&path)).expect("bak"), b"one");
        assert_eq!(fs::read(&path).expect("file"), b"two");
        replace(&path, b"three", true).expect("third");
        assert_eq!(fs::read(backup_path(&path)).expect("bak"), b"two");
    }
}
