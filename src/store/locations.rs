//! Where assessments and settings live: the data directory (the platform's, or one given
//! with `--data-dir` / `SECASSESS_DATA_DIR` to run from a USB stick or a shared drive),
//! the config directory (the platform's, or `SECASSESS_CONFIG_DIR`, which also keeps
//! tests away from the real home directory), and the file name a new assessment gets.

use std::io;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use super::StoreError;

/// Every assessment file name ends with this; `list` shows only these files.
pub const ASSESSMENT_SUFFIX: &str = ".secassess.toml";

/// Environment variable naming the config directory.
pub const CONFIG_DIR_ENV: &str = "SECASSESS_CONFIG_DIR";

fn project_dirs() -> Result<ProjectDirs, StoreError> {
    ProjectDirs::from("uk.nhs", "NHS England", "secassess").ok_or(StoreError::NoHomeDirectory)
}

/// The data directory: `given` (from `--data-dir` or `SECASSESS_DATA_DIR`) or the
/// platform's. It may not exist yet.
pub fn data_dir(given: Option<&Path>) -> Result<PathBuf, StoreError> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => Ok(project_dirs()?.data_dir().to_path_buf()),
    }
}

/// The config directory: `SECASSESS_CONFIG_DIR` or the platform's. It may not exist yet.
pub fn config_dir() -> Result<PathBuf, StoreError> {
    match std::env::var_os(CONFIG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(project_dirs()?.config_dir().to_path_buf()),
    }
}

/// The assessment files directly in `dir`, sorted by path. A directory that does not
/// exist yet holds none.
pub fn list_assessments(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StoreError::Directory {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.ends_with(ASSESSMENT_SUFFIX) && !name.starts_with('.')
        })
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    Ok(paths)
}

/// A file-name-safe form of a system name: lower-case ASCII letters and digits joined by
/// single hyphens, at most 60 characters, "assessment" when nothing is left.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if slug.len() >= 60 {
                break;
            }
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "assessment".into()
    } else {
        slug.into()
    }
}

/// Where `secassess new NAME` puts an assessment in `dir`.
pub fn default_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{}{ASSESSMENT_SUFFIX}", slug(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("Patient Portal (v2)"), "patient-portal-v2");
        assert_eq!(slug("  --Ward/../Rota  "), "ward-rota");
        assert_eq!(slug("系统"), "assessment");
        assert_eq!(slug("Zoë's café"), "zo-s-caf");
        assert_eq!(slug(&"a".repeat(100)).len(), 60);
        assert_eq!(slug("a\u{1b}[2Jb"), "a-2jb");
        assert_eq!(
            default_path(Path::new("d"), "My System"),
            Path::new("d").join("my-system.secassess.toml")
        );
    }
}
