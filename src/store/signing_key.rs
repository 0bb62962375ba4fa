//! The signer's OpenSSH private key: found where OpenSSH keeps it (`~/.ssh/id_ed25519`,
//! then `id_ecdsa`, then `id_rsa`; on Windows `%USERPROFILE%\.ssh`, the home folder the
//! `directories` crate gives) or named with `--key FILE`, read, and opened with its
//! passphrase when it is encrypted. Signing itself is pure (`assessment::signature`);
//! this only reads the file.
//!
//! Nothing secret leaves here: the key is read into memory that `ssh-key` wipes when it
//! is dropped, a passphrase is taken as `Zeroizing` and never stored, and no error
//! message quotes either.

use std::path::{Path, PathBuf};

use ssh_key::{HashAlg, PrivateKey};
use zeroize::Zeroizing;

/// The private key files OpenSSH tries, in the order secassess looks for them (Ed25519
/// first, then the other default names OpenSSH signs with; hardware-backed `_sk` keys
/// cannot sign outside `ssh-keygen`, so they are not looked for).
pub const DEFAULT_NAMES: [&str; 3] = ["id_ed25519", "id_ecdsa", "id_rsa"];

/// The largest private key file read: an RSA-16384 key is about 13 KB.
const MAX_KEY_BYTES: u64 = 64 * 1024;

/// Which key to sign with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// The first of [`DEFAULT_NAMES`] in `~/.ssh` that exists; unsigned when none does.
    Default,
    /// `--key FILE`: this one, and an error if it cannot be used.
    File(PathBuf),
    /// `--no-key`: never sign.
    Off,
}

/// Why a key could not be used. Never quotes the key or a passphrase.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the SSH key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is larger than any SSH private key; is it the right file?")]
    TooLarge { path: PathBuf },
    #[error("{path} is a public key; give the private key (the same name without .pub)")]
    PublicKey { path: PathBuf },
    #[error("{path} is a PuTTY key; export it from PuTTYgen in OpenSSH format (Conversions, Export OpenSSH key (force new file format)) and give that file")]
    Putty { path: PathBuf },
    #[error("{path} is in the older PEM format; rewrite it in OpenSSH's own format with `ssh-keygen -p -f {path}` (the key stays the same), then try again")]
    Pem { path: PathBuf },
    #[error("{path} is not an OpenSSH private key ({reason})")]
    NotAKey { path: PathBuf, reason: String },
    #[error("{path} is a {algorithm} key, which cannot sign here (hardware security keys sign only through ssh-keygen); use an Ed25519, ECDSA or RSA key with --key")]
    Unsupported { path: PathBuf, algorithm: String },
    /// `shown`: the path with the home folder as `~`.
    #[error("that passphrase does not open {shown}")]
    WrongPassphrase { shown: String },
}

/// Why an allowed-signers file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AllowedSignersError {
    #[error("cannot read the allowed-signers file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Invalid {
        path: PathBuf,
        source: crate::assessment::allowed_signers::ParseError,
    },
}

/// The largest allowed-signers file read (a few thousand signers).
const MAX_ALLOWED_SIGNERS_BYTES: u64 = 4 * 1024 * 1024;

/// Reads an allowed-signers file (OpenSSH's format; times without `Z` in the local time
/// zone, as `ssh-keygen` reads them).
pub fn read_allowed_signers(
    path: &Path,
) -> Result<crate::assessment::allowed_signers::AllowedSigners, AllowedSignersError> {
    use std::io::Read;
    let read_error = |source| AllowedSignersError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read_error)?
        .take(MAX_ALLOWED_SIGNERS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_ALLOWED_SIGNERS_BYTES {
        return Err(read_error(std::io::Error::other(
            "it is larger than any allowed-signers file (4 MB); is it the right file?",
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| read_error(std::io::Error::other("it is not UTF-8 text")))?;
    crate::assessment::allowed_signers::AllowedSigners::parse(&text, &chrono::Local).map_err(
        |source| AllowedSignersError::Invalid {
            path: path.to_path_buf(),
            source,
        },
    )
}

/// A private key as read from its file: encrypted until [`SigningKey::unlock`].
#[derive(Clone)]
pub struct SigningKey {
    pub path: PathBuf,
    key: PrivateKey,
    /// Given with `--key` (its problems are errors), or found in `~/.ssh`.
    pub chosen: bool,
}

impl std::fmt::Debug for SigningKey {
    /// The path and fingerprint only: never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SigningKey({}, {})",
            self.path.display(),
            self.fingerprint()
        )
    }
}

impl SigningKey {
    pub fn is_encrypted(&self) -> bool {
        self.key.is_encrypted()
    }

    /// "SHA256:..." of the public key, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// "~/.ssh/id_ed25519 (ED25519, SHA256:...)": the path with the home folder shown
    /// as `~`, the algorithm and the fingerprint.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}, {})",
            shown_path(&self.path),
            algorithm_words(&self.key.algorithm()),
            self.fingerprint()
        )
    }

    /// The key ready to sign, when it is not encrypted.
    pub fn ready(&self) -> Option<&PrivateKey> {
        (!self.key.is_encrypted()).then_some(&self.key)
    }

    /// The key opened with `passphrase` (the key itself when it is not encrypted).
    pub fn unlock(&self, passphrase: &Zeroizing<String>) -> Result<PrivateKey, KeyError> {
        if !self.key.is_encrypted() {
            return Ok(self.key.clone());
        }
        self.key
            .decrypt(passphrase.as_bytes())
            .map_err(|_| KeyError::WrongPassphrase {
                shown: shown_path(&self.path),
            })
    }
}

/// "ED25519", "ECDSA P-256", "RSA", as `ssh-keygen -l` names them.
fn algorithm_words(algorithm: &ssh_key::Algorithm) -> String {
    match algorithm {
        ssh_key::Algorithm::Ed25519 => String::from("ED25519"),
        ssh_key::Algorithm::Ecdsa { curve } => format!(
            "ECDSA {}",
            curve.as_str().to_uppercase().replace("NISTP", "P-")
        ),
        ssh_key::Algorithm::Rsa { .. } => String::from("RSA"),
        other => other.as_str().to_string(),
    }
}

/// The path with the home folder written as `~`, for messages.
pub fn shown_path(path: &Path) -> String {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
        None => path.display().to_string(),
    }
}

/// The folder OpenSSH keeps keys in: `~/.ssh` (`%USERPROFILE%\.ssh` on Windows).
pub fn ssh_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().join(".ssh"))
}

/// The key `choice` names: `Ok(None)` when it is [`KeyChoice::Off`] or no default key
/// exists. A key file given with `--key` that is missing is an error; so is any key
/// that exists but cannot be used.
pub fn find(choice: &KeyChoice) -> Result<Option<SigningKey>, KeyError> {
    match choice {
        KeyChoice::Off => Ok(None),
        KeyChoice::File(path) => read(path, true).map(Some),
        KeyChoice::Default => {
            let Some(dir) = ssh_dir() else {
                return Ok(None);
            };
            for name in DEFAULT_NAMES {
                let path = dir.join(name);
                if path.is_file() {
                    return read(&path, false).map(Some);
                }
            }
            Ok(None)
        }
    }
}

/// What a front end signs with, decided once when it starts.
#[derive(Debug, Clone)]
pub enum Signer {
    /// Sign with this key, asking its passphrase first when it is encrypted.
    Key(Box<SigningKey>),
    /// Sign unsigned, for this reason (said when signing off): no key found, `--no-key`,
    /// or a key in `~/.ssh` that cannot be used.
    Unsigned(String),
}

impl Signer {
    /// `choice` made into a signer: a key given with `--key` that cannot be used is an
    /// error; a default key that cannot be used, or none, signs unsigned with why.
    pub fn from_choice(choice: &KeyChoice) -> Result<Signer, KeyError> {
        match find(choice) {
            Ok(Some(key)) => Ok(Signer::Key(Box::new(key))),
            Ok(None) if *choice == KeyChoice::Off => {
                Ok(Signer::Unsigned(String::from("--no-key was given")))
            }
            Ok(None) => Ok(Signer::Unsigned(format!(
                "no SSH key was found in {}; give --key FILE to sign with one",
                looked_in()
            ))),
            Err(e) if *choice == KeyChoice::Default => Ok(Signer::Unsigned(e.to_string())),
            Err(e) => Err(e),
        }
    }

    /// No key: for tests and front ends that never sign.
    pub fn unsigned(why: &str) -> Signer {
        Signer::Unsigned(why.to_string())
    }
}

/// Where a default key was looked for, for "no key found" messages.
pub fn looked_in() -> String {
    let dir = ssh_dir()
        .map(|d| shown_path(&d))
        .unwrap_or_else(|| String::from("~/.ssh"));
    format!("{dir} ({})", DEFAULT_NAMES.join(", "))
}

/// Reads a private key file (encrypted or not).
pub fn read(path: &Path, chosen: bool) -> Result<SigningKey, KeyError> {
    let read_error = |source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_KEY_BYTES {
        return Err(KeyError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(read_error)?);
    let text = String::from_utf8_lossy(&bytes);
    let text = Zeroizing::new(text.into_owned());
    let start = text.trim_start();
    let path_buf = path.to_path_buf();
    if start.starts_with("PuTTY-User-Key-File") {
        return Err(KeyError::Putty { path: path_buf });
    }
    if start.starts_with("-----BEGIN")
        && !start.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
        && start.contains("PRIVATE KEY-----")
    {
        return Err(KeyError::Pem { path: path_buf });
    }
    if ssh_key::PublicKey::from_openssh(start.trim()).is_ok() {
        return Err(KeyError::PublicKey { path: path_buf });
    }
    let key = PrivateKey::from_openssh(start.as_bytes()).map_err(|e| KeyError::NotAKey {
        path: path_buf.clone(),
        reason: e.to_string(),
    })?;
    if matches!(
        key.algorithm(),
        ssh_key::Algorithm::SkEd25519 | ssh_key::Algorithm::SkEcdsaSha2NistP256
    ) {
        return Err(KeyError::Unsupported {
            path: path_buf,
            algorithm: key.algorithm().to_string(),
        });
    }
    Ok(SigningKey {
        path: path_buf,
        key,
        chosen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::private::Ed25519Keypair;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    #[test]
    fn keys_in_other_formats_say_how_to_convert_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cases = [
            ("pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n", "ssh-keygen -p -f"),
            ("ppk", "PuTTY-User-Key-File-3: ssh-ed25519\n", "PuTTYgen"),
            ("pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5 x\n", "public key"),
            ("junk", "hello\n", "not an OpenSSH private key"),
        ];
        for (name, text, expected) in cases {
            let path = write(dir.path(), name, text);
            let error = read(&path, true).expect_err(name).to_string();
            assert!(error.contains(expected), "{name}: {error}");
        }
        let missing = read(&dir.path().join("nothing"), true)
            .expect_err("missing")
            .to_string();
        assert!(missing.contains("cannot read the SSH key"), "{missing}");
    }

    #[test]
    fn an_unencrypted_key_is_ready_and_described_by_its_fingerprint() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = PrivateKey::from(Ed25519Keypair::from_seed(&[9; 32]));
        let text = key.to_openssh(ssh_key::LineEnding::LF).expect("encodes");
        let path = write(dir.path(), "id_ed25519", &text);
        let found = read(&path, false).expect("reads");
        assert!(!found.is_encrypted());
        assert!(found.ready().is_some());
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        assert!(found.describe().contains(&fingerprint));
        assert!(
            found.describe().contains("(ED25519, SHA256:"),
            "{}",
            found.describe()
        );
        // Debug never shows the key.
        assert!(!format!("{found:?}").contains("PRIVATE"));
    }
}
