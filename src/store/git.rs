//! Asking git about a folder of assessments, for `secassess portfolio`: whether each file
//! has changes git does not have, and what the files were at an earlier revision. Runs
//! the `git` command (no git library: the command line is enough, and a team that keeps
//! assessments in git has it installed); when it is not installed, [`GitError::NotInstalled`]
//! says so and the caller carries on without.
//!
//! Read-only and safe in a folder someone else controls: every command runs with
//! `GIT_OPTIONAL_LOCKS=0` (status does not write the index), with `core.fsmonitor` off
//! (a repository's own config could otherwise name a program to run), without external
//! diff or text conversion programs, with literal pathspecs, and with `GIT_DIR` and
//! friends removed from the environment so `-C` decides which repository is read. Git's
//! own refusal of a repository owned by someone else ("dubious ownership") is reported,
//! not worked around.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, FixedOffset};

use super::locations::ASSESSMENT_SUFFIX;
use super::MAX_ASSESSMENT_BYTES;
use crate::portfolio::GitState;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed (or not on PATH), so {0}")]
    NotInstalled(&'static str),
    #[error("`git {command}` in {dir} failed: {message}")]
    Failed {
        command: String,
        dir: PathBuf,
        message: String,
    },
    #[error("{dir} is not in a git work tree, so {why}")]
    NotAWorkTree { dir: PathBuf, why: &'static str },
    #[error("'{rev}' is not a commit in the git repository at {dir}: {message}")]
    UnknownRevision {
        rev: String,
        dir: PathBuf,
        message: String,
    },
}

/// The output of one git command, or why there is none.
fn git(dir: &Path, args: &[&str], needed_for: &'static str) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "--literal-pathspecs",
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.quotepath=false",
        ])
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .env_remove("GIT_CEILING_DIRECTORIES")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::NotInstalled(needed_for),
            _ => GitError::Failed {
                command: args.join(" "),
                dir: dir.to_path_buf(),
                message: e.to_string(),
            },
        })?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            command: args.join(" "),
            dir: dir.to_path_buf(),
            message: first_line(&output.stderr),
        })
    }
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .map(|l| l.trim().trim_start_matches("fatal: ").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    crate::text::sanitise_line(line)
}

fn nul_separated(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// A git work tree and where a folder is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkTree {
    /// The top of the work tree, canonical.
    pub top: PathBuf,
    /// The folder asked about, relative to `top` with `/` separators ("" for the top).
    pub folder: String,
}

impl WorkTree {
    fn pathspec(&self) -> &str {
        if self.folder.is_empty() {
            "."
        } else {
            &self.folder
        }
    }

    /// The canonical path of a file named relative to the top, as git names it.
    pub fn path_of(&self, relative: &str) -> PathBuf {
        relative
            .split('/')
            .fold(self.top.clone(), |path, part| path.join(part))
    }

    /// `path` (canonical) relative to the top with `/` separators, when it is inside.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.top).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

/// The git work tree `folder` is in; `None` when it is in none. `folder` may be a file.
pub fn work_tree(folder: &Path) -> Result<Option<WorkTree>, GitError> {
    let canonical = folder.canonicalize().map_err(|e| GitError::Failed {
        command: String::from("rev-parse --show-toplevel"),
        dir: folder.to_path_buf(),
        message: e.to_string(),
    })?;
    let dir = if canonical.is_file() {
        canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(canonical.clone())
    } else {
        canonical.clone()
    };
    let top = match git(
        &dir,
        &["rev-parse", "--show-toplevel"],
        "whether files have uncommitted changes is not shown",
    ) {
        Ok(out) => String::from_utf8_lossy(&out).trim().to_string(),
        Err(GitError::Failed { message, .. }) if message.contains("not a git repository") => {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    if top.is_empty() {
        // Inside a .git folder or a bare repository: no work tree.
        return Ok(None);
    }
    let top = PathBuf::from(top)
        .canonicalize()
        .map_err(|e| GitError::Failed {
            command: String::from("rev-parse --show-toplevel"),
            dir: dir.clone(),
            message: e.to_string(),
        })?;
    let mut tree = WorkTree {
        top,
        folder: String::new(),
    };
    tree.folder = tree.relative(&canonical).unwrap_or_default();
    Ok(Some(tree))
}

/// How git sees every assessment file under the folder: files git does not list as
/// changed are committed if tracked, ignored if not. Keys are canonical paths.
pub fn states(tree: &WorkTree) -> Result<BTreeMap<PathBuf, GitState>, GitError> {
    const WHY: &str = "whether files have uncommitted changes is not shown";
    let spec = tree.pathspec();
    let tracked = git(
        &tree.top,
        &["ls-files", "-z", "--full-name", "--", spec],
        WHY,
    )?;
    let status = git(
        &tree.top,
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
            "--",
            spec,
        ],
        WHY,
    )?;
    let mut states = BTreeMap::new();
    for name in nul_separated(&tracked) {
        if name.ends_with(ASSESSMENT_SUFFIX) {
            states.insert(tree.path_of(&name), GitState::Committed);
        }
    }
    for entry in nul_separated(&status) {
        let (Some(code), Some(name)) = (entry.get(..2), entry.get(3..)) else {
            continue;
        };
        if !name.ends_with(ASSESSMENT_SUFFIX) {
            continue;
        }
        let state = if code == "??" {
            GitState::Untracked
        } else {
            GitState::Uncommitted
        };
        states.insert(tree.path_of(name), state);
    }
    Ok(states)
}

/// A revision resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// As the user gave it.
    pub name: String,
    pub commit: String,
    /// The committer's time, with their offset: the date the gate is judged on then.
    pub committed_at: DateTime<FixedOffset>,
}

/// Resolves `rev` to a commit in the work tree's repository.
pub fn revision(tree: &WorkTree, rev: &str) -> Result<Revision, GitError> {
    const WHY: &str = "`--since` cannot compare with an earlier revision";
    if rev.starts_with('-') {
        return Err(GitError::UnknownRevision {
            rev: crate::text::sanitise_line(rev),
            dir: tree.top.clone(),
            message: String::from("a revision cannot start with '-'"),
        });
    }
    let spec = format!("{rev}^{{commit}}");
    let out = git(
        &tree.top,
        &["log", "-1", "--no-walk", "--format=%H%x00%cI", &spec, "--"],
        WHY,
    )
    .map_err(|e| match e {
        GitError::Failed { message, dir, .. } => GitError::UnknownRevision {
            rev: crate::text::sanitise_line(rev),
            dir,
            message,
        },
        other => other,
    })?;
    let text = String::from_utf8_lossy(&out);
    let mut parts = text.trim().split('\0');
    let commit = parts.next().unwrap_or_default().to_string();
    let committed_at = parts
        .next()
        .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
        .ok_or_else(|| GitError::UnknownRevision {
            rev: crate::text::sanitise_line(rev),
            dir: tree.top.clone(),
            message: format!(
                "git gave no commit time for it ({})",
                crate::text::sanitise_line(&text)
            ),
        })?;
    Ok(Revision {
        name: crate::text::sanitise_line(rev),
        commit,
        committed_at,
    })
}

/// The assessment files under the folder at `revision`, relative to the top.
pub fn files_at(tree: &WorkTree, revision: &Revision) -> Result<Vec<String>, GitError> {
    let out = git(
        &tree.top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-name",
            &revision.commit,
            "--",
            tree.pathspec(),
        ],
        "`--since` cannot compare with an earlier revision",
    )?;
    Ok(nul_separated(&out)
        .into_iter()
        .filter(|name| {
            name.ends_with(ASSESSMENT_SUFFIX)
                && !name.rsplit('/').next().unwrap_or(name).starts_with('.')
        })
        .collect())
}

/// Tracked files under the folder whose working copy differs from `revision`, relative
/// to the top (untracked files are not listed: see [`states`]).
pub fn changed_since(tree: &WorkTree, revision: &Revision) -> Result<Vec<String>, GitError> {
    let out = git(
        &tree.top,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            &revision.commit,
            "--",
            tree.pathspec(),
        ],
        "`--since` cannot compare with an earlier revision",
    )?;
    Ok(nul_separated(&out)
        .into_iter()
        .filter(|name| name.ends_with(ASSESSMENT_SUFFIX))
        .collect())
}

/// The text of a file (named relative to the top) at `revision`, as committed: no
/// filters or conversions. Bounded like any assessment read.
pub fn text_at(tree: &WorkTree, revision: &Revision, relative: &str) -> Result<String, GitError> {
    let object = format!("{}:{relative}", revision.commit);
    let failed = |message: String| GitError::Failed {
        command: format!("cat-file blob {object}"),
        dir: tree.top.clone(),
        message,
    };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&tree.top)
        .args(["-c", "core.fsmonitor=false", "cat-file", "blob", &object])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                GitError::NotInstalled("`--since` cannot compare with an earlier revision")
            }
            _ => failed(e.to_string()),
        })?;
    let mut bytes = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|out| out.take(MAX_ASSESSMENT_BYTES + 1).read_to_end(&mut bytes));
    let output = child
        .wait_with_output()
        .map_err(|e| failed(e.to_string()))?;
    if let Some(Err(e)) = read {
        return Err(failed(e.to_string()));
    }
    if !output.status.success() {
        return Err(failed(first_line(&output.stderr)));
    }
    if bytes.len() as u64 > MAX_ASSESSMENT_BYTES {
        return Err(failed(format!(
            "it is larger than any assessment ({MAX_ASSESSMENT_BYTES} bytes at most)"
        )));
    }
    String::from_utf8(bytes).map_err(|_| failed(String::from("it is not UTF-8 text")))
}
