//! One writer at a time: `FILE.lock`, created with `create_new` next to an assessment by
//! whoever opens it for editing, saying who holds it, on which host, in which process and
//! since when. A second opener is told who holds it and works read-only.
//!
//! A lock whose holder process is gone on this same host is reported as stale, and can
//! be taken over after the user has been asked. A lock from another host is never judged
//! stale automatically: this host cannot see that host's processes. The lock is advisory
//! (it keeps secassess instances apart, not a text editor) and is released when its
//! guard is dropped.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::sibling;
use super::StoreError;
use crate::assessment::record::{timestamp, Person};

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub holder: String,
    pub host: String,
    pub pid: u32,
    pub started_at: DateTime<Utc>,
}

impl LockInfo {
    fn unreadable(lock: &Path) -> LockInfo {
        LockInfo {
            holder: format!("unknown (the lock file {} cannot be read)", lock.display()),
            host: String::new(),
            pid: 0,
            started_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }
}

/// What trying to take the lock found.
#[derive(Debug)]
pub enum LockOutcome {
    /// The lock is ours until the guard is dropped.
    Acquired(LockGuard),
    /// Someone holds it, or may: open read-only.
    HeldBy(LockInfo),
    /// Its holder is gone (or the lock file is unreadable): ask the user, then
    /// [`take_over`].
    Stale(LockInfo),
}

/// Holds the lock; dropping it removes the lock file if it is still ours.
#[derive(Debug)]
pub struct LockGuard {
    path: PathBuf,
    info: LockInfo,
}

impl LockGuard {
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// The lock file this guard removes when dropped.
    pub fn lock_file(&self) -> &Path {
        &self.path
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Only remove a lock file that still says it is ours: if someone took it over
        // (wrongly judging it stale), deleting theirs would let a third writer in.
        if read_info(&self.path).ok().flatten().as_ref() == Some(&self.info) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `FILE.lock` for an assessment `FILE`.
pub fn lock_path(assessment: &Path) -> PathBuf {
    sibling(assessment, ".lock")
}

/// Tries to take the lock on an assessment for `holder`.
pub fn acquire(
    assessment: &Path,
    holder: &Person,
    now: DateTime<Utc>,
) -> Result<LockOutcome, StoreError> {
    let path = lock_path(assessment);
    let info = LockInfo {
        holder: holder.signature(),
        host: this_host(),
        pid: std::process::id(),
        started_at: timestamp(now),
    };
    // A lock released between our create_new and reading it is simply tried again.
    for _ in 0..3 {
        match write_new(&path, &info) {
            Ok(()) => return Ok(LockOutcome::Acquired(LockGuard { path, info })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if let Some(outcome) = classify(&path) {
                    return Ok(outcome);
                }
            }
            Err(source) => return Err(StoreError::Lock { path, source }),
        }
    }
    Ok(LockOutcome::HeldBy(LockInfo::unreadable(&path)))
}

/// Takes over a lock reported as [`LockOutcome::Stale`] once the user has agreed. If the
/// lock changed meanwhile (someone else took it over), the new holder is reported.
pub fn take_over(
    assessment: &Path,
    stale: &LockInfo,
    holder: &Person,
    now: DateTime<Utc>,
) -> Result<LockOutcome, StoreError> {
    let path = lock_path(assessment);
    let current = read_info(&path).map_err(|source| StoreError::Lock {
        path: path.clone(),
        source,
    })?;
    let unchanged = match &current {
        Some(info) => info == stale,
        None => stale.pid == 0,
    };
    if !unchanged {
        return match current {
            Some(info) => Ok(LockOutcome::HeldBy(info)),
            None => acquire(assessment, holder, now),
        };
    }
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(StoreError::Lock { path, source }),
    }
    acquire(assessment, holder, now)
}

/// Who holds the lock on an assessment, if anyone: for read-only views such as `show`.
pub fn holder(assessment: &Path) -> Result<Option<LockInfo>, StoreError> {
    let path = lock_path(assessment);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Lock { path, source }),
        Ok(_) => {}
    }
    Ok(Some(
        read_info(&path)
            .ok()
            .flatten()
            .unwrap_or_else(|| LockInfo::unreadable(&path)),
    ))
}

/// Whether a lock's holder is known to be gone: same host, and no such process.
pub fn is_stale(info: &LockInfo) -> bool {
    info.pid == 0 || (info.host == this_host() && !process_alive(info.pid))
}

/// What an existing lock file says; `None` when it has gone meanwhile.
fn classify(path: &Path) -> Option<LockOutcome> {
    // A lock file is written just after it is created; give a holder that is between the
    // two a moment before calling the file unreadable.
    for _ in 0..5 {
        match read_info(path) {
            Ok(Some(info)) => {
                return Some(if is_stale(&info) {
                    LockOutcome::Stale(info)
                } else {
                    LockOutcome::HeldBy(info)
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Some(LockOutcome::Stale(LockInfo::unreadable(path)))
}

/// The lock file's content: `Ok(None)` when it exists but cannot be parsed.
/// Only a regular file is read, and at most 64 KiB of it: a lock file planted in a
/// shared folder as a named pipe or a link to `/dev/zero` would otherwise hang every
/// opener; it reads as unreadable, which can be taken over.
fn read_info(path: &Path) -> io::Result<Option<LockInfo>> {
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() || metadata.len() > 64 * 1024 {
        return Ok(None);
    }
    let mut text = String::new();
    let _ = super::evidence::open_nonblocking(path)
        .and_then(|file| io::Read::read_to_string(&mut io::Read::take(file, 64 * 1024), &mut text));
    Ok(toml::from_str::<LockInfo>(&text).ok())
}

fn write_new(path: &Path, info: &LockInfo) -> io::Result<()> {
    let text = toml::to_string(info).map_err(io::Error::other)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

/// This computer's name, as the lock file records it.
pub fn this_host() -> String {
    host_name().unwrap_or_else(|| "unknown-host".into())
}

#[cfg(unix)]
fn host_name() -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: the pointer and length describe `buffer`, which outlives the call;
    // gethostname writes at most that many bytes.
    let result = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    if result != 0 {
        return None;
    }
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    let name = String::from_utf8_lossy(&buffer[..end]).trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(windows)]
fn host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok().filter(|n| !n.is_empty())
}

#[cfg(not(any(unix, windows)))]
fn host_name() -> Option<String> {
    None
}

/// Whether a process with this id exists on this host. Errs on the side of "alive": a
/// wrong "alive" only means the user is told to check by hand, a wrong "gone" would let
/// two writers in.
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        // 0 and negative ids name process groups, not one process.
        return true;
    }
    // SAFETY: signal 0 delivers nothing; kill only checks that the process exists and
    // that we may signal it.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(windows)]
fn process_alive(pid: u32) -> bool {
    use windows_sys::Win32::Foundation::{
        CloseHandle, GetLastError, ERROR_INVALID_PARAMETER, STILL_ACTIVE,
    };
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };
    // SAFETY: OpenProcess takes plain values; the handle it returns is checked for null,
    // used only for GetExitCodeProcess with a pointer to a local, and closed once.
    unsafe {
        let handle = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if handle.is_null() {
            // No such process gives ERROR_INVALID_PARAMETER; anything else (such as
            // access denied for another user's process) means it exists.
            return GetLastError() != ERROR_INVALID_PARAMETER;
        }
        let mut code: u32 = 0;
        let ok = GetExitCodeProcess(handle, &mut code);
        CloseHandle(handle);
        ok == 0 || code == STILL_ACTIVE as u32
    }
}

#[cfg(not(any(unix, windows)))]
fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(process_alive(std::process::id()));
        #[cfg(unix)]
        {
            let child = std::process::Command::new("true").spawn();
            if let Ok(mut child) = child {
                let pid = child.id();
                let _ = child.wait();
                assert!(!process_alive(pid));
            }
        }
    }
}
