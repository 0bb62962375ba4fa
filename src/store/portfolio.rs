//! Reading every assessment under some folders, for `secassess portfolio` and the TUI's
//! home screen: the imperative shell around [`crate::portfolio`].
//!
//! [`find`] walks the folders recursively (`walkdir`) without following symbolic links
//! (a link is listed as skipped, so nothing is silently missing, and a link cannot lead
//! the walk out of the folder or round in a loop), skipping `.git` folders and hidden
//! files. [`summarise`] reads and evaluates the files in parallel (`rayon`, one task per
//! file); each file's text and record are dropped as soon as its row is made, so memory
//! grows with the number of rows, not with the size of the files. A file that cannot be
//! read or parsed (damaged, cut short beyond repair, written by a newer secassess,
//! unreadable) becomes an [`Unreadable`] entry with the store's own message; it never
//! stops the run. [`work_trees`] and [`mark_git_states`] fill each row's git state by
//! the `git` command, once per work tree, for the command line and the TUI alike.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::git::{self, GitError, WorkTree};
use super::locations::ASSESSMENT_SUFFIX;
use super::StoreError;
use crate::portfolio::{self, GitState, Row, Unreadable};
use crate::questionnaire::model::Catalogue;

/// One assessment file found under a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as found: the folder as given, joined with the path under it.
    pub path: PathBuf,
    /// Which of the folders given it was found under (index into the list).
    pub root: usize,
}

/// What the walk found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Assessment files, in path order within each folder, folders in the order given.
    pub files: Vec<Found>,
    /// What was not looked at, and why: symbolic links, folders that cannot be listed.
    pub skipped: Vec<Unreadable>,
}

fn is_assessment_name(name: &str) -> bool {
    name.ends_with(ASSESSMENT_SUFFIX) && !name.starts_with('.')
}

/// Finds every `*.secassess.toml` under `roots` (a root may also be one file). A root
/// that does not exist or cannot be read at all is an error, so a mistyped folder is
/// not reported as "no assessments"; anything below it that cannot be read is listed in
/// [`Walk::skipped`] and the walk goes on.
pub fn find(roots: &[PathBuf]) -> Result<Walk, StoreError> {
    let mut walk = Walk::default();
    for (index, root) in roots.iter().enumerate() {
        let meta = std::fs::metadata(root).map_err(|source| StoreError::Directory {
            path: root.clone(),
            source,
        })?;
        if meta.is_file() {
            walk.files.push(Found {
                path: root.clone(),
                root: index,
            });
            continue;
        }
        let entries = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == ".git"));
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(root).display().to_string();
                    let why = e
                        .io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string());
                    walk.skipped.push(Unreadable::new(
                        &path,
                        &format!("cannot be listed: {why}; its assessments are not included"),
                    ));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy();
            if entry.path_is_symlink() {
                let to_folder = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
                if is_assessment_name(&name) || to_folder {
                    walk.skipped.push(Unreadable::new(
                        &entry.path().display().to_string(),
                        if to_folder {
                            "a symbolic link to a folder; not followed (give the folder itself to include it)"
                        } else {
                            "a symbolic link; not followed (give the file it points to, to include it)"
                        },
                    ));
                }
                continue;
            }
            if entry.file_type().is_file() && is_assessment_name(&name) {
                walk.files.push(Found {
                    path: entry.into_path(),
                    root: index,
                });
            }
        }
    }
    Ok(walk)
}

/// Reads one assessment file and makes its row; the file is dropped on return.
pub fn summarise_file(
    path: &Path,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<Row, Unreadable> {
    let file = path.display().to_string();
    match super::load(path) {
        Ok(loaded) => {
            // The evidence files it records, as `secassess verify` looks at them.
            let evidence = crate::store::evidence::observe_evidence(&loaded.assessment, path);
            Ok(portfolio::summarise(
                &file, &loaded, &evidence, catalogue, today,
            ))
        }
        Err(e) => Err(Unreadable::new(&file, &e.to_string())),
    }
}

/// Every file's row (or why it has none), in the order of `files`, read and evaluated
/// in parallel on rayon's pool (one thread per core).
pub fn summarise(
    files: &[Found],
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Vec<Result<Row, Unreadable>> {
    files
        .par_iter()
        .map(|f| summarise_file(&f.path, catalogue, today))
        .collect()
}

/// The git work tree of each folder in `folders`, by index; `None` outside git. Git
/// missing, or refusing a folder, becomes a sentence in `notes` (said once for git
/// missing), and the listing goes on without the column. Used by `secassess portfolio`
/// and the TUI's home screen alike.
pub fn work_trees(folders: &[PathBuf], notes: &mut Vec<String>) -> Vec<Option<WorkTree>> {
    let mut missing_said = false;
    folders
        .iter()
        .map(|folder| {
            // Without git there is no asking it: look for a .git first, so a shared drive
            // on a laptop without git gets no note about git at all.
            if !in_git_folder(folder) {
                return None;
            }
            match git::work_tree(folder) {
                Ok(tree) => tree,
                Err(GitError::NotInstalled(why)) => {
                    if !missing_said {
                        notes.push(format!(
                            "{} is in a git repository, but git is not installed (or not on PATH), so {why}",
                            folder.display()
                        ));
                        missing_said = true;
                    }
                    None
                }
                Err(e) => {
                    notes.push(format!(
                        "{e}; whether files have uncommitted changes is not shown"
                    ));
                    None
                }
            }
        })
        .collect()
}

/// Whether `folder` or a folder above it has a `.git`.
fn in_git_folder(folder: &Path) -> bool {
    let Ok(start) = folder.canonicalize() else {
        return false;
    };
    start.ancestors().any(|dir| dir.join(".git").exists())
}

/// `path` with links and `..` resolved, as git names files; `path` itself if that fails
/// (the file has gone).
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Sets each row's git state (`Row::git`) from `git status` and `git ls-files`, once per
/// work tree in `trees` (as [`work_trees`] gives them for the folders `found` walked). A
/// git failure becomes a sentence in `notes` and leaves those rows without a state.
pub fn mark_git_states(
    found: &Walk,
    trees: &[Option<WorkTree>],
    results: &mut [Result<Row, Unreadable>],
    notes: &mut Vec<String>,
) {
    for (index, tree) in trees.iter().enumerate() {
        let Some(tree) = tree else { continue };
        let states = match git::states(tree) {
            Ok(states) => states,
            Err(e) => {
                notes.push(format!(
                    "{e}; whether files have uncommitted changes is not shown"
                ));
                continue;
            }
        };
        for (file, result) in found.files.iter().zip(results.iter_mut()) {
            if file.root != index {
                continue;
            }
            if let Ok(row) = result {
                // Not tracked and not listed as untracked: a .gitignore rule keeps it out.
                row.git = Some(
                    states
                        .get(&canonical(&file.path))
                        .copied()
                        .unwrap_or(GitState::Ignored),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_an_error_not_an_empty_list() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("no-such-folder");
        assert!(matches!(
            find(&[missing]),
            Err(StoreError::Directory { .. })
        ));
    }

    #[test]
    fn walks_recursively_skipping_git_hidden_and_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for (path, text) in [
            ("a.secassess.toml", "x"),
            ("team/b.secassess.toml", "x"),
            ("team/deeper/c.secassess.toml", "x"),
            ("team/.hidden.secassess.toml", "x"),
            ("team/notes.toml", "x"),
            ("team/b.secassess.toml.bak", "x"),
            (".git/d.secassess.toml", "x"),
        ] {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().expect("has a parent")).expect("mkdir");
            std::fs::write(full, text).expect("written");
        }
        let walk = find(&[root.to_path_buf()]).expect("walks");
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            names,
            [
                "a.secassess.toml",
                "team/b.secassess.toml",
                "team/deeper/c.secassess.toml"
            ]
        );
        assert!(walk.skipped.is_empty(), "{:?}", walk.skipped);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_listed_as_skipped_not_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("o.secassess.toml"), "x").expect("written");
        std::os::unix::fs::symlink(&outside, root.join("linked-folder")).expect("link");
        std::os::unix::fs::symlink(
            outside.join("o.secassess.toml"),
            root.join("linked.secassess.toml"),
        )
        .expect("link");
        // A loop back to the root would never end if links were followed.
        std::os::unix::fs::symlink(&root, root.join("loop")).expect("link");
        let walk = find(std::slice::from_ref(&root)).expect("walks");
        assert!(walk.files.is_empty(), "{:?}", walk.files);
        let skipped: Vec<&str> = walk.skipped.iter().map(|s| s.error.as_str()).collect();
        assert_eq!(walk.skipped.len(), 3, "{skipped:?}");
        assert!(skipped.iter().all(|s| s.contains("not followed")));
    }
}
