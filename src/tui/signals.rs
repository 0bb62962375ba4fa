//! Being asked to stop from outside while the TUI runs: SIGTERM, SIGHUP (the terminal
//! window was closed) and SIGINT on Unix; the console window closing, logoff, shutdown,
//! Ctrl-Break (and Ctrl-C, when the console delivers it as a signal) on Windows. Each
//! only raises a flag: the shell's event loop sees it within one poll, and then restores
//! the terminal, lets the last save finish, releases the lock, and only then ends the
//! process with the conventional status ([`Stop::exit`]): killed by the same signal on
//! Unix (what a shell reports as 128 + its number), `STATUS_CONTROL_C_EXIT` on Windows.
//!
//! The line-by-line front ends (plain mode, `review`, every other command) cannot poll a
//! flag while they wait for a line, so [`release_locks_when_stopped`] gives them the same
//! promise a simpler way: on the request, the locks this process holds are released and
//! the process ends as the request would have ended it. Each save is a rename, so ending
//! mid-save loses nothing already saved.
//!
//! Part of the imperative shell: it installs process-wide handlers (with `signal-hook`
//! on Unix, `SetConsoleCtrlHandler` on Windows).

use std::io;

/// A request to stop, by its platform number (a signal on Unix, a console control event
/// on Windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop(u32);

impl Stop {
    /// What asked, for the message on stderr: "SIGTERM", "the console window closing".
    pub fn name(self) -> &'static str {
        platform::name(self.0)
    }

    /// Ends the process the conventional way for this request, once everything is
    /// saved and the terminal restored. Never returns.
    pub fn exit(self) -> ! {
        platform::exit(self.0)
    }
}

/// The installed handlers; [`StopRequests::requested`] says whether one has fired.
pub struct StopRequests {
    #[cfg(unix)]
    flag: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StopRequests {
    /// Installs the handlers for this process.
    pub fn install() -> io::Result<StopRequests> {
        platform::install()
    }

    /// The first stop asked for since [`StopRequests::install`], if any.
    pub fn requested(&self) -> Option<Stop> {
        platform::requested(self)
    }
}

/// For everything but the full-screen TUI (which uses [`StopRequests`]): on Ctrl-C,
/// SIGTERM or SIGHUP (Ctrl-C, Ctrl-Break or the console closing on Windows), release
/// every lock this process holds ([`crate::store::lock::release_held`]) and end the
/// process as the request would. Without it, Ctrl-C during `secassess review` left
/// `FILE.lock` behind and the next run had to take it over. Install once, before any
/// lock is taken; errors only if the handlers cannot be installed.
pub fn release_locks_when_stopped() -> io::Result<()> {
    platform::release_locks_when_stopped()
}

#[cfg(unix)]
mod platform {
    use std::io;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

    use super::{Stop, StopRequests};

    pub fn install() -> io::Result<StopRequests> {
        let flag = Arc::new(AtomicUsize::new(0));
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            let number = usize::try_from(signal).map_err(io::Error::other)?;
            signal_hook::flag::register_usize(signal, Arc::clone(&flag), number)?;
        }
        Ok(StopRequests { flag })
    }

    pub fn release_locks_when_stopped() -> io::Result<()> {
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        std::thread::Builder::new()
            .name("release-locks-on-stop".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    crate::store::lock::release_held();
                    if let Ok(signal) = u32::try_from(signal) {
                        Stop(signal).exit();
                    }
                    std::process::exit(130);
                }
            })?;
        Ok(())
    }

    pub fn requested(requests: &StopRequests) -> Option<Stop> {
        match requests.flag.load(Ordering::SeqCst) {
            0 => None,
            signal => u32::try_from(signal).ok().map(Stop),
        }
    }

    pub fn name(signal: u32) -> &'static str {
        match i32::try_from(signal) {
            Ok(SIGTERM) => "SIGTERM",
            Ok(SIGHUP) => "SIGHUP (the terminal was closed)",
            Ok(SIGINT) => "SIGINT",
            _ => "a signal",
        }
    }

    pub fn exit(signal: u32) -> ! {
        if let Ok(signal) = i32::try_from(signal) {
            // Ends the process as the signal's default action would, so whoever started
            // it sees it was stopped by that signal.
            let _ = signal_hook::low_level::emulate_default_handler(signal);
        }
        let status = 128 + i32::try_from(signal).unwrap_or(15);
        std::process::exit(status)
    }
}

#[cfg(windows)]
mod platform {
    use std::io;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::time::{Duration, Instant};

    use windows_sys::core::BOOL;
    use windows_sys::Win32::System::Console::{
        SetConsoleCtrlHandler, CTRL_BREAK_EVENT, CTRL_CLOSE_EVENT, CTRL_C_EVENT, CTRL_LOGOFF_EVENT,
        CTRL_SHUTDOWN_EVENT,
    };

    use super::{Stop, StopRequests};

    /// The console event received, plus one (0: none yet).
    static REQUESTED: AtomicU32 = AtomicU32::new(0);
    /// Set when the main thread has saved, released the lock and restored the console.
    static DONE: AtomicBool = AtomicBool::new(false);

    /// Runs on a thread the system starts for each event. For a closing console (and
    /// logoff, shutdown) Windows ends the process as soon as this returns, so it waits
    /// for the main thread to finish, within the few seconds Windows allows.
    unsafe extern "system" fn on_event(event: u32) -> BOOL {
        match event {
            CTRL_C_EVENT | CTRL_BREAK_EVENT => {
                let _ =
                    REQUESTED.compare_exchange(0, event + 1, Ordering::SeqCst, Ordering::SeqCst);
                1
            }
            CTRL_CLOSE_EVENT | CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => {
                let _ =
                    REQUESTED.compare_exchange(0, event + 1, Ordering::SeqCst, Ordering::SeqCst);
                let started = Instant::now();
                while !DONE.load(Ordering::SeqCst)
                    && started.elapsed() < Duration::from_millis(4500)
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                1
            }
            _ => 0,
        }
    }

    pub fn install() -> io::Result<StopRequests> {
        // SAFETY: registers a handler with the signature Windows expects; it only touches
        // atomics and sleeps.
        let ok = unsafe { SetConsoleCtrlHandler(Some(on_event), 1) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(StopRequests {})
    }

    /// The line-by-line front ends' handler: releases the locks, then lets Windows end
    /// the process (returning FALSE passes the event on to the default handler).
    unsafe extern "system" fn release_locks(_event: u32) -> BOOL {
        crate::store::lock::release_held();
        0
    }

    pub fn release_locks_when_stopped() -> io::Result<()> {
        // SAFETY: registers a handler with the signature Windows expects; it only reads
        // and removes this process's own lock files.
        let ok = unsafe { SetConsoleCtrlHandler(Some(release_locks), 1) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    pub fn requested(_requests: &StopRequests) -> Option<Stop> {
        match REQUESTED.load(Ordering::SeqCst) {
            0 => None,
            event => Some(Stop(event - 1)),
        }
    }

    pub fn name(event: u32) -> &'static str {
        match event {
            CTRL_C_EVENT => "Ctrl-C",
            CTRL_BREAK_EVENT => "Ctrl-Break",
            CTRL_CLOSE_EVENT => "the console window closing",
            CTRL_LOGOFF_EVENT => "logging off",
            CTRL_SHUTDOWN_EVENT => "shutting down",
            _ => "a console event",
        }
    }

    pub fn exit(_event: u32) -> ! {
        DONE.store(true, Ordering::SeqCst);
        // STATUS_CONTROL_C_EXIT, what Windows reports for a console program ended by
        // Ctrl-C, Ctrl-Break or its window closing.
        std::process::exit(0xC000_013A_u32 as i32)
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    use std::io;

    use super::{Stop, StopRequests};

    pub fn install() -> io::Result<StopRequests> {
        Ok(StopRequests {})
    }

    pub fn release_locks_when_stopped() -> io::Result<()> {
        Ok(())
    }

    pub fn requested(_requests: &StopRequests) -> Option<Stop> {
        None
    }

    pub fn name(_number: u32) -> &'static str {
        "a request to stop"
    }

    pub fn exit(_number: u32) -> ! {
        std::process::exit(1)
    }
}
