//! One writer at a time: `FILE.lock`, created with `create_new` next to an assessment by
//! whoever opens it for editing, saying who holds it (the person and their computer
//! account), on which host, in which process (its id and when that process started) and
//! since when. A second opener is told who holds it and works read-only.
//!
//! Every lock can be resolved. [`acquire`] sorts an existing lock into one of:
//! - held by a running secassess on this computer, checked by process id *and* process
//!   start time, so a process id reused by another program (or, under Wine, by the new
//!   process itself) is never taken for the holder: close it there first;
//! - stale, because that process has ended, its id now names another program, it names
//!   this very process (which did not write it), or the lock file cannot be read: it can
//!   be taken over once the user agrees;
//! - not checkable from here, because it was written on another computer (whose
//!   processes this one cannot see) or is an older lock without the start time whose
//!   process id is in use: it can be taken over deliberately, after a clear warning.
//!
//! Lock files written before the start time was recorded are still read. The lock is
//! advisory (it keeps secassess instances apart, not a text editor) and is released when
//! its guard is dropped; a save checks the lock is still its own first (see
//! [`LockGuard::check`]), so a holder whose lock was taken over cannot write over the new
//! holder's work.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::sibling;
use super::StoreError;
use crate::assessment::record::{timestamp, Person};

/// Who holds a lock, as its file says (TOML). `process_started` and `account` are absent
/// from lock files written by earlier versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The person, as "Name <email>".
    pub holder: String,
    pub host: String,
    pub pid: u32,
    /// When the lock was taken (UTC, whole seconds).
    pub started_at: DateTime<Utc>,
    /// When the holding process started, in the holder platform's own terms ("linux boot
    /// ID tick N", "windows created N"): with `pid`, it names one process for the
    /// lifetime of a computer, where a process id alone is reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_started: Option<String>,
    /// The holder's login name on `host`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl LockInfo {
    fn unreadable(lock: &Path) -> LockInfo {
        LockInfo {
            holder: format!("unknown (the lock file {} cannot be read)", lock.display()),
            host: String::new(),
            pid: 0,
            started_at: DateTime::<Utc>::UNIX_EPOCH,
            process_started: None,
            account: None,
        }
    }

    /// Whether this stands for a lock file that could not be read (see `unreadable`):
    /// nobody is named in it, so messages should not speak of a holder.
    pub fn is_unreadable(&self) -> bool {
        self.pid == 0 && self.started_at == DateTime::<Utc>::UNIX_EPOCH && self.host.is_empty()
    }
}

/// Why a lock is not (or may not be) held by a running secassess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Staleness {
    /// Its process is no longer running on this computer.
    Ended,
    /// Its process id now belongs to a program that started at another time.
    PidReused,
    /// It names this very process, which did not write it: an earlier program that had
    /// the same process id left it (seen under Wine, which reuses ids quickly).
    OwnPid,
    /// The lock file cannot be read or understood.
    Unreadable,
    /// It was written on another computer, whose programs this one cannot see.
    OtherHost,
    /// An older lock that does not record when its process started, naming a process id
    /// that is in use (or whose start this computer cannot read): it may still be open.
    Unverifiable,
}

impl Staleness {
    /// Whether the holder may still be working on the file, so taking over needs a clear
    /// warning and a deliberate choice rather than a plain "take over?".
    pub fn needs_warning(self) -> bool {
        matches!(self, Staleness::OtherHost | Staleness::Unverifiable)
    }
}

/// What trying to take the lock found.
#[derive(Debug)]
pub enum LockOutcome {
    /// The lock is ours until the guard is dropped.
    Acquired(LockGuard),
    /// A running secassess on this computer holds it: open read-only.
    HeldBy(LockInfo),
    /// Its holder has gone, or this computer cannot tell (see [`Staleness`]): ask the
    /// user (with a warning when [`Staleness::needs_warning`]), then [`take_over`].
    Stale(LockInfo, Staleness),
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

    /// Checks, before a save, that the lock is still ours. A lock file deleted by hand is
    /// written again (nobody else holds the file, so this guard still may); one that now
    /// names someone else, who took it over, refuses the save with who that is.
    pub fn check(&self) -> Result<(), StoreError> {
        match read_info(&self.path) {
            Ok(Some(info)) if info == self.info => Ok(()),
            Ok(Some(info)) => Err(StoreError::LockTakenOver {
                lock: self.path.clone(),
                by: Box::new(info),
            }),
            // A save racing a stop finishes (the rename keeps it whole) without writing
            // the lock again; the stop ends the process within moments.
            Err(e) if e.kind() == io::ErrorKind::NotFound && STOPPING.load(Ordering::SeqCst) => {
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match write_new(&self.path, &self.info) {
                    Ok(()) => Ok(()),
                    // Someone created it between the two calls: look again.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => self.check(),
                    Err(source) => Err(StoreError::Lock {
                        path: self.path.clone(),
                        source,
                    }),
                }
            }
            Ok(None) | Err(_) => Err(StoreError::LockTakenOver {
                lock: self.path.clone(),
                by: Box::new(LockInfo::unreadable(&self.path)),
            }),
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        forget_held(&self.path, &self.info);
        // Only remove a lock file that still says it is ours: if someone took it over,
        // deleting theirs would let a third writer in.
        if read_info(&self.path).ok().flatten().as_ref() == Some(&self.info) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The locks this process holds now: a lock file naming this process's id is ours only
/// if it is one of these (anything else was left by an earlier process with the same id).
/// Set by [`release_held`]: the process is ending, so a lock file found missing is not
/// written again (a save racing the stop would otherwise leave it behind for good).
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Kept with each lock file's path so [`release_held`] can remove them.
static HELD: Mutex<Vec<(PathBuf, LockInfo)>> = Mutex::new(Vec::new());

fn remember_held(path: &Path, info: &LockInfo) {
    HELD.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((path.to_path_buf(), info.clone()));
}

fn forget_held(path: &Path, info: &LockInfo) {
    let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(index) = held.iter().position(|(p, h)| p == path && h == info) {
        held.swap_remove(index);
    }
}

fn held_here(info: &LockInfo) -> bool {
    HELD.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|(_, held)| held == info)
}

/// Removes every lock file this process holds that still names it, for a process about
/// to end without running its guards' `Drop` (stopped by a signal or a console event in a
/// line-by-line front end). Callable from any thread; a lock someone has taken over is
/// left alone, as [`LockGuard`]'s `Drop` does.
pub fn release_held() {
    let held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    STOPPING.store(true, Ordering::SeqCst);
    for (path, info) in held.iter() {
        if read_info(path).ok().flatten().as_ref() == Some(info) {
            let _ = fs::remove_file(path);
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
    let pid = std::process::id();
    let info = LockInfo {
        holder: holder.signature(),
        host: this_host(),
        pid,
        started_at: timestamp(now),
        process_started: process_start(pid),
        account: this_account(),
    };
    // A lock released between our create_new and reading it is simply tried again.
    for _ in 0..3 {
        // Recorded as held before the file is written, so a stop arriving meanwhile still
        // removes it ([`release_held`] removes only a file that names this very lock).
        remember_held(&path, &info);
        let written = write_new(&path, &info);
        if written.is_err() {
            forget_held(&path, &info);
        }
        match written {
            Ok(()) => {
                return Ok(LockOutcome::Acquired(LockGuard { path, info }));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if let Some(outcome) = classify(&path) {
                    return Ok(outcome);
                }
            }
            Err(source) => return Err(StoreError::Lock { path, source }),
        }
    }
    Ok(LockOutcome::Stale(
        LockInfo::unreadable(&path),
        Staleness::Unreadable,
    ))
}

/// Takes over a lock reported as [`LockOutcome::Stale`] once the user has agreed. If the
/// lock changed meanwhile (someone else took it, or its holder came back), the new state
/// is reported instead and nothing is taken.
pub fn take_over(
    assessment: &Path,
    stale: &LockInfo,
    holder: &Person,
    now: DateTime<Utc>,
) -> Result<LockOutcome, StoreError> {
    let path = lock_path(assessment);
    let current = read_info(&path);
    let unchanged = match &current {
        Ok(Some(info)) => info == stale,
        Ok(None) => stale.pid == 0,
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(_) => stale.pid == 0,
    };
    if !unchanged {
        return match current {
            Ok(Some(info)) => Ok(match judge(&info) {
                Some(staleness) => LockOutcome::Stale(info, staleness),
                None => LockOutcome::HeldBy(info),
            }),
            _ => acquire(assessment, holder, now),
        };
    }
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(StoreError::Lock { path, source }),
    }
    acquire(assessment, holder, now)
}

/// Who holds the lock on an assessment, if anyone, and why it is stale when it is (`None`
/// when a running secassess holds it): for read-only views such as `show`.
pub fn holder(assessment: &Path) -> Result<Option<(LockInfo, Option<Staleness>)>, StoreError> {
    let path = lock_path(assessment);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Lock { path, source }),
        Ok(_) => {}
    }
    Ok(Some(match read_info(&path).ok().flatten() {
        Some(info) => {
            let staleness = judge(&info);
            (info, staleness)
        }
        None => (LockInfo::unreadable(&path), Some(Staleness::Unreadable)),
    }))
}

/// Whether, and why, a lock's holder is not (or may not be) a running secassess; `None`
/// when it certainly is one, on this computer.
pub fn judge(info: &LockInfo) -> Option<Staleness> {
    if info.pid == 0 {
        return Some(if info.host.is_empty() {
            Staleness::Unreadable
        } else {
            Staleness::Ended
        });
    }
    if info.host != this_host() {
        return Some(Staleness::OtherHost);
    }
    if info.pid == std::process::id() {
        return if held_here(info) {
            None
        } else {
            Some(Staleness::OwnPid)
        };
    }
    if !process_alive(info.pid) {
        return Some(Staleness::Ended);
    }
    let Some(recorded) = info.process_started.as_deref() else {
        // An older lock (or a platform that cannot tell): the process id alone may name
        // another program now.
        return Some(Staleness::Unverifiable);
    };
    let Some(now) = process_start(info.pid) else {
        // Running, but this computer will not say when it started (or it ended just now).
        return Some(Staleness::Unverifiable);
    };
    if platform_of(recorded) != platform_of(&now) {
        // Written by a build for another platform on this host (a Windows build under
        // Wine): its process ids are not this platform's.
        return Some(Staleness::Unverifiable);
    }
    (recorded != now).then_some(Staleness::PidReused)
}

fn platform_of(token: &str) -> &str {
    token.split_whitespace().next().unwrap_or_default()
}

/// What an existing lock file says; `None` when it has gone meanwhile.
fn classify(path: &Path) -> Option<LockOutcome> {
    // A lock file is written just after it is created; give a holder that is between the
    // two a moment before calling the file unreadable.
    for _ in 0..5 {
        match read_info(path) {
            Ok(Some(info)) => {
                return Some(match judge(&info) {
                    Some(staleness) => LockOutcome::Stale(info, staleness),
                    None => LockOutcome::HeldBy(info),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Some(LockOutcome::Stale(
        LockInfo::unreadable(path),
        Staleness::Unreadable,
    ))
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

/// The user's login name, from the environment (`USER`, `USERNAME` on Windows): shown
/// to someone deciding whether a lock from another computer is still in use.
fn this_account() -> Option<String> {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
}

/// When process `pid` started, as a token that differs for a later process given the same
/// id; `None` when this platform cannot tell or there is no such process.
#[cfg(target_os = "linux")]
fn process_start(pid: u32) -> Option<String> {
    // Field 22 of /proc/PID/stat is the start time in clock ticks since boot; the boot id
    // makes it unique across reboots. The command name (field 2) may hold spaces and
    // parentheses, so fields are counted after its closing parenthesis (field 3 first).
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let boot = fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(format!("linux boot {} tick {ticks}", boot.trim()))
}

#[cfg(windows)]
fn process_start(pid: u32) -> Option<String> {
    use windows_sys::Win32::Foundation::{CloseHandle, FILETIME};
    use windows_sys::Win32::System::Threading::{
        GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: OpenProcess takes plain values; the handle is checked for null, passed to
    // GetProcessTimes with pointers to four locals that outlive the call, and closed once.
    let ok = unsafe {
        let handle = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if handle.is_null() {
            return None;
        }
        let ok = GetProcessTimes(handle, &mut created, &mut exited, &mut kernel, &mut user);
        CloseHandle(handle);
        ok
    };
    if ok == 0 {
        return None;
    }
    let ticks = (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime);
    Some(format!("windows created {ticks}"))
}

/// Other platforms cannot tell when a process started: their locks are judged by the
/// process id alone, and one naming a running process may be taken over with a warning.
#[cfg(not(any(target_os = "linux", windows)))]
fn process_start(_pid: u32) -> Option<String> {
    None
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

    fn person(name: &str) -> Person {
        Person {
            name: name.into(),
            role: String::new(),
            email: format!("{}@example.org", name.to_lowercase()),
        }
    }

    fn lock_file(dir: &Path, info: &LockInfo) -> PathBuf {
        let assessment = dir.join("rota.secassess.toml");
        fs::write(
            lock_path(&assessment),
            toml::to_string(info).expect("serialises"),
        )
        .expect("lock written");
        assessment
    }

    fn here(pid: u32, process_started: Option<String>) -> LockInfo {
        LockInfo {
            holder: String::from("Bob <bob@example.org>"),
            host: this_host(),
            pid,
            started_at: DateTime::parse_from_rfc3339("2026-09-01T10:00:00Z")
                .expect("valid")
                .with_timezone(&Utc),
            process_started,
            account: Some(String::from("bob")),
        }
    }

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

    #[test]
    fn a_lock_naming_this_process_is_ours_only_if_we_hold_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Left by an earlier process that had this process's id (as under Wine).
        let assessment = lock_file(
            dir.path(),
            &here(std::process::id(), process_start(std::process::id())),
        );
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        let LockOutcome::Stale(info, Staleness::OwnPid) = outcome else {
            panic!("{outcome:?}");
        };
        let guard = match take_over(&assessment, &info, &person("Ann"), Utc::now()) {
            Ok(LockOutcome::Acquired(guard)) => guard,
            other => panic!("{other:?}"),
        };
        // The lock we now hold, seen from this same process, is held.
        let again = acquire(&assessment, &person("Cy"), Utc::now()).expect("lock");
        assert!(matches!(again, LockOutcome::HeldBy(_)), "{again:?}");
        drop(guard);
        assert!(!lock_path(&assessment).exists(), "released");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_reused_process_id_is_recognised_by_its_start_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep starts");
        let pid = child.id();
        let started = process_start(pid).expect("a start time");
        assert_eq!(process_start(pid).as_deref(), Some(started.as_str()));

        // The lock's process started at another time: its id now names another program.
        let assessment = lock_file(
            dir.path(),
            &here(pid, Some(String::from("linux boot x tick 1"))),
        );
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        assert!(
            matches!(outcome, LockOutcome::Stale(_, Staleness::PidReused)),
            "{outcome:?}"
        );
        // The same process, started when the lock says: held.
        lock_file(dir.path(), &here(pid, Some(started)));
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        assert!(matches!(outcome, LockOutcome::HeldBy(_)), "{outcome:?}");
        // An older lock without the start time, naming a running process: cannot tell.
        lock_file(dir.path(), &here(pid, None));
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        assert!(
            matches!(outcome, LockOutcome::Stale(_, Staleness::Unverifiable)),
            "{outcome:?}"
        );
        let _ = child.kill();
        let _ = child.wait();
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        assert!(
            matches!(outcome, LockOutcome::Stale(_, Staleness::Ended)),
            "{outcome:?}"
        );
    }

    #[test]
    fn a_lock_from_another_computer_can_be_taken_over_and_its_holder_cannot_save() {
        let dir = tempfile::tempdir().expect("temp dir");
        let assessment = dir.path().join("rota.secassess.toml");
        let theirs = match acquire(&assessment, &person("Bob"), Utc::now()).expect("lock") {
            LockOutcome::Acquired(guard) => guard,
            other => panic!("{other:?}"),
        };
        // Make it look as if it came from another computer (a shared drive).
        let mut foreign = theirs.info().clone();
        foreign.host = String::from("WARD-PC-17");
        fs::remove_file(lock_path(&assessment)).expect("removed");
        lock_file(dir.path(), &foreign);
        let outcome = acquire(&assessment, &person("Ann"), Utc::now()).expect("lock");
        let LockOutcome::Stale(info, staleness) = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(staleness, Staleness::OtherHost);
        assert!(staleness.needs_warning());
        assert_eq!(info.host, "WARD-PC-17");
        let ours = match take_over(&assessment, &info, &person("Ann"), Utc::now()) {
            Ok(LockOutcome::Acquired(guard)) => guard,
            other => panic!("{other:?}"),
        };
        assert!(ours.check().is_ok());
        // The old holder's next save is refused, naming who took it.
        match theirs.check() {
            Err(StoreError::LockTakenOver { by, .. }) => assert!(by.holder.contains("Ann")),
            other => panic!("{other:?}"),
        }
        drop(theirs);
        assert!(
            lock_path(&assessment).exists(),
            "theirs did not remove ours"
        );
    }

    #[test]
    fn old_lock_files_are_read_and_a_deleted_lock_is_written_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let assessment = dir.path().join("rota.secassess.toml");
        // As written before the start time and account were recorded.
        fs::write(
            lock_path(&assessment),
            "holder = \"Bob <bob@example.org>\"\nhost = \"elsewhere\"\npid = 4242\nstarted_at = \"2026-09-01T10:00:00Z\"\n",
        )
        .expect("written");
        let Some((info, Some(Staleness::OtherHost))) = holder(&assessment).expect("readable")
        else {
            panic!("an old lock from another host");
        };
        assert_eq!(info.pid, 4242);
        assert_eq!(info.process_started, None);
        fs::remove_file(lock_path(&assessment)).expect("removed");

        let guard = match acquire(&assessment, &person("Ann"), Utc::now()).expect("lock") {
            LockOutcome::Acquired(guard) => guard,
            other => panic!("{other:?}"),
        };
        fs::remove_file(lock_path(&assessment)).expect("deleted by hand");
        assert!(guard.check().is_ok());
        assert!(lock_path(&assessment).exists(), "written again");
    }
}
