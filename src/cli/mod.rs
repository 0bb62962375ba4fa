//! The subcommands, one file each, and what they share: the context from global flags,
//! the error type with its exit codes, and the output format flag.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use secassess::assessment::record::Person;
use secassess::questionnaire::{self, Catalogue, LoadError};
use secassess::session::{Access, Session};
use secassess::store::StoreError;
use secassess::text::sanitise_line;

pub mod answer;
pub mod check;
pub mod diff;
pub mod export;
pub mod finding;
pub mod findings;
pub mod list;
pub mod new;
pub mod obligations;
pub mod open;
pub mod portfolio;
pub mod questions;
pub mod review;
pub mod show;
pub mod system;
pub mod validate;
pub mod verify;

/// Opens an assessment for a command that changes it. A stale lock (left by a secassess
/// that is no longer running, or one this computer cannot check, such as a lock from
/// another computer) is taken over only when the user asked (`--take-over`), and then
/// stderr names whose lock was overridden; otherwise, and whenever the file is open in a
/// running secassess on this computer, it refuses, saying why, what to do, and that
/// nothing was changed.
pub fn open_to_change(
    path: &Path,
    catalogue: Arc<Catalogue>,
    who: Person,
    take_over: bool,
    now: DateTime<Utc>,
) -> Result<Session, CliError> {
    let mut session = Session::open(path, catalogue, who, now)?;
    if let (true, Access::StaleLock(_, staleness)) = (take_over, session.access()) {
        let warn = staleness.needs_warning();
        if let Some(notice) = session.take_over(now)? {
            let consequence = if warn {
                " If it is still open there, that secassess will refuse to save over this change."
            } else {
                ""
            };
            // Best effort: the change itself is what matters, and stdout says it.
            let _ = writeln!(std::io::stderr(), "{notice}{consequence}");
        }
    }
    match session.read_only_reason() {
        None => Ok(session),
        Some(reason) => Err(CliError::Usage(format!(
            "{} cannot be changed now: {reason}. Nothing was changed.{}",
            sanitise_line(&path.display().to_string()),
            if matches!(session.access(), Access::StaleLock(..)) {
                " Add --take-over to take it over."
            } else {
                ""
            }
        ))),
    }
}

/// Refuses a change to a signed-off assessment whose content is still what was signed,
/// unless the user gave `--after-sign-off`: a script must not break a sign-off by
/// accident.
pub fn refuse_after_sign_off(session: &Session, after_sign_off: bool) -> Result<(), CliError> {
    match session.sign_off_notice() {
        Some(notice) if !after_sign_off => Err(CliError::Usage(format!(
            "{} is {}. Nothing was changed; add --after-sign-off to change it anyway.",
            sanitise_line(&session.path().display().to_string()),
            sanitise_line(&notice)
        ))),
        _ => Ok(()),
    }
}

/// What the global flags say.
pub struct Context {
    pub questionnaires: Option<PathBuf>,
    /// `--data-dir` / `SECASSESS_DATA_DIR`: where assessments live.
    pub data_dir: Option<PathBuf>,
    /// `--as "Name <email>"`: who is acting, for this command only.
    pub acting_as: Option<String>,
    /// `--plain`: line-by-line questions with no cursor movement or colour.
    pub plain: bool,
    /// `--key FILE` / `--no-key`: what sign-offs are signed with.
    pub key: secassess::store::signing_key::KeyChoice,
    /// `--verbose`: ids beside titles in messages.
    pub verbose: bool,
}

impl Context {
    /// The built-in questionnaires, with the user's folder on top when one is given.
    pub fn catalogue(&self) -> Result<Catalogue, LoadError> {
        match &self.questionnaires {
            Some(dir) => secassess::store::questionnaires::load_with_overrides(dir),
            None => questionnaire::load_embedded(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Questionnaires(#[from] LoadError),
    #[error("{0}")]
    Assessment(#[from] StoreError),
    #[error("{0}")]
    Identity(#[from] secassess::assessment::identity::IdentityError),
    /// A mistake in the command line itself, such as an unknown id in `--set`.
    #[error("{0}")]
    Usage(String),
    /// Opening, answering or saving an assessment in an interactive session.
    #[error("{0}")]
    Session(#[from] secassess::session::SessionError),
    /// Writing the evidence pack or an export.
    #[error("{0}")]
    Export(#[from] secassess::pack::ExportError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Terminal(#[from] secassess::tui::shell::ShellError),
    /// The allowed-signers file cannot be read.
    #[error("{0}")]
    AllowedSigners(#[from] secassess::store::signing_key::AllowedSignersError),
    /// The SSH key given with `--key` cannot be used.
    #[error("{0}")]
    Key(#[from] secassess::store::signing_key::KeyError),
    /// A change to the findings register that was refused; nothing was saved.
    #[error("{}; nothing was saved", .0.to_string().trim_end_matches('.'))]
    Finding(#[from] secassess::assessment::findings::FindingError),
}

impl CliError {
    /// 1 means "checked and found wanting"; 2 means the input could not be used at all.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Questionnaires(LoadError::Invalid(_)) => 1,
            CliError::Questionnaires(LoadError::Directory { .. }) => 2,
            CliError::Assessment(_)
            | CliError::Identity(_)
            | CliError::Usage(_)
            | CliError::Session(_)
            | CliError::Output(_)
            | CliError::Terminal(_)
            | CliError::Finding(_)
            | CliError::Key(_)
            | CliError::AllowedSigners(_)
            | CliError::Export(_) => 2,
        }
    }
}

/// Whether a failed write to standard output means only that its reader went away, as
/// when `secassess questions | head -1` has read all it wants: then the command ends
/// quietly with the exit code it would have had, rather than as an error. Unix reports a
/// closed pipe as `BrokenPipe`; Windows also as ERROR_NO_DATA (232, "the pipe is being
/// closed") and ERROR_PIPE_NOT_CONNECTED (233), which std does not map to `BrokenPipe`
/// (seen under Wine: exit 2 with "Pipe not connected (os error 233)").
pub fn reader_went_away(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::BrokenPipe || windows_pipe_closed(error)
}

#[cfg(windows)]
fn windows_pipe_closed(error: &std::io::Error) -> bool {
    use windows_sys::Win32::Foundation::{
        ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED,
    };
    matches!(
        error.raw_os_error().map(u32::try_from),
        Some(Ok(ERROR_BROKEN_PIPE
            | ERROR_NO_DATA
            | ERROR_PIPE_NOT_CONNECTED))
    )
}

#[cfg(not(windows))]
fn windows_pipe_closed(_: &std::io::Error) -> bool {
    false
}

/// The allowed-signers file given with `--allowed-signers`, read.
pub fn allowed_signers(
    path: Option<&Path>,
) -> Result<Option<secassess::assessment::allowed_signers::AllowedSigners>, CliError> {
    path.map(secassess::store::signing_key::read_allowed_signers)
        .transpose()
        .map_err(CliError::from)
}

/// Where an encrypted key's passphrase is read from: the terminal without echo when
/// standard input is one, otherwise one line of standard input.
pub fn passphrase_entry() -> secassess::plain::passphrase::Entry {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        secassess::plain::passphrase::Entry::Masked
    } else {
        secassess::plain::passphrase::Entry::Line
    }
}

/// Pretty JSON for stdout, with the characters a terminal could act on escaped
/// (`text::escape_json`).
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(secassess::text::escape_json)
        .map_err(|e| CliError::Output(std::io::Error::other(e)))
}

/// For the line-by-line commands and plain mode: Ctrl-C, SIGTERM, SIGHUP (or the console
/// closing) release this process's locks before it ends. A failure to install the
/// handler is said once on stderr, not fatal: the command still works, and a lock left
/// behind can be taken over.
pub fn release_locks_when_stopped() {
    if let Err(error) = secassess::tui::signals::release_locks_when_stopped() {
        eprintln!(
            "secassess: warning: cannot watch for Ctrl-C ({error}); if stopped, a lock file may be left behind to take over"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::reader_went_away;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_closed_pipe_is_the_reader_going_away_and_nothing_else_is() {
        assert!(reader_went_away(&Error::from(ErrorKind::BrokenPipe)));
        assert!(!reader_went_away(&Error::from(ErrorKind::PermissionDenied)));
        assert!(!reader_went_away(&Error::other("disk full")));
    }

    #[cfg(unix)]
    #[test]
    fn epipe_from_the_os_is_the_reader_going_away() {
        assert!(reader_went_away(&Error::from_raw_os_error(libc::EPIPE)));
        assert!(!reader_went_away(&Error::from_raw_os_error(libc::ENOSPC)));
    }

    /// Run under Wine by scripts/windows-smoke.sh through `questions | head -1`; here for
    /// a Windows developer's `cargo test`.
    #[cfg(windows)]
    #[test]
    fn windows_closed_pipe_errors_are_the_reader_going_away() {
        for code in [109, 232, 233] {
            assert!(reader_went_away(&Error::from_raw_os_error(code)), "{code}");
        }
        // ERROR_ACCESS_DENIED, ERROR_DISK_FULL
        for code in [5, 112] {
            assert!(!reader_went_away(&Error::from_raw_os_error(code)), "{code}");
        }
    }
}
