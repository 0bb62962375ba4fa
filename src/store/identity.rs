//! The saved identity of the person using secassess: `identity.toml` in the config
//! directory, asked for once and then reused. Choosing between it, `--as` and the
//! environment is `assessment::identity::resolve`; this module only reads and writes.

use std::path::{Path, PathBuf};

use crate::assessment::identity::{check_person, IdentityEnv};
use crate::assessment::record::Person;
use crate::text::line_column;

use super::{atomic, StoreError};

pub const IDENTITY_FILE: &str = "identity.toml";

/// Where the identity is saved in a config directory.
pub fn identity_path(config_dir: &Path) -> PathBuf {
    config_dir.join(IDENTITY_FILE)
}

/// The saved identity, or `None` if nobody has saved one yet.
pub fn load_identity(config_dir: &Path) -> Result<Option<Person>, StoreError> {
    let path = identity_path(config_dir);
    let text = match std::fs::read(&path) {
        Ok(bytes) if bytes.len() > 64 * 1024 => {
            return Err(StoreError::TooLarge {
                size: bytes.len() as u64,
                path,
            })
        }
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Read { path, source }),
    };
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_column(&text, offset);
        StoreError::Invalid {
            path: path.clone(),
            line,
            column,
            message: format!("{message} (write name = \"...\", email = \"...\", role = \"...\")"),
            backup: None,
        }
    };
    let person: Person = toml::from_str(&text).map_err(|e| {
        invalid(
            e.span().map(|s| s.start).unwrap_or(0),
            e.message().trim().to_string(),
        )
    })?;
    check_person(&person, &path.display().to_string()).map_err(|e| invalid(0, e.to_string()))?;
    Ok(Some(person))
}

/// Saves the identity (replacing any saved before), private to the user; returns where.
pub fn save_identity(config_dir: &Path, person: &Person) -> Result<PathBuf, StoreError> {
    let path = identity_path(config_dir);
    let write_error = |source| StoreError::Write {
        path: path.clone(),
        source,
    };
    atomic::create_private_dir(config_dir).map_err(write_error)?;
    let mut text = String::from(
        "# Who you are in secassess answer records. Edit freely, or override with\n\
         # --as \"Name <email>\" or SECASSESS_NAME / SECASSESS_EMAIL / SECASSESS_ROLE.\n",
    );
    text.push_str(&toml::to_string(person).map_err(|e| write_error(std::io::Error::other(e)))?);
    atomic::replace(&path, text.as_bytes(), false).map_err(write_error)?;
    Ok(path)
}

/// The identity environment variables (unset and empty are the same).
pub fn identity_env() -> IdentityEnv {
    let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    IdentityEnv {
        name: var("SECASSESS_NAME"),
        email: var("SECASSESS_EMAIL"),
        role: var("SECASSESS_ROLE"),
    }
}
