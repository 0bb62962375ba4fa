//! Opening the signer's SSH key, line by line: says which key signs (or why the sign-off
//! will be unsigned) and, for an encrypted key, asks its passphrase: without echo on a
//! terminal (`rpassword`), or as one line of the input when it is a pipe or a file (a
//! script's `--passphrase-fd`). Three wrong passphrases sign nothing; an empty line (or
//! the input ending) goes on unsigned with a key found in `~/.ssh`, and stops with one
//! given by `--key`. Used by review mode and by `secassess finding`.
//!
//! The passphrase is held as `Zeroizing` and dropped as soon as the key is open; it is
//! never written anywhere, not even into a message.

use std::io::{BufRead, Write};

use ssh_key::PrivateKey;
use zeroize::Zeroizing;

use super::input::Line;
use super::{Console, PlainError};
use crate::store::signing_key::{Signer, SigningKey};
use crate::text::sanitise_line;

/// How many passphrases are tried before giving up.
pub const TRIES: usize = 3;

/// What opening the key came to.
#[derive(Debug)]
pub enum Unlocked {
    /// Sign with this key.
    Key(Box<PrivateKey>),
    /// Go on unsigned (no key, or the person chose to).
    Unsigned,
    /// Do not go on: the key could not be opened, or the input ended.
    Stop,
}

/// Where the passphrase is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// From the terminal, not shown (the input is a terminal).
    Masked,
    /// One line of the input (a pipe or a file).
    Line,
}

/// Says which key signs as `principal` and opens it. `unsigned_allowed`: whether an
/// empty passphrase (or no usable key) may go on unsigned; a key given with `--key` is
/// never silently skipped.
pub fn unlock(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    signer: &Signer,
    principal: &str,
    entry: Entry,
) -> Result<Unlocked, PlainError> {
    let mut console = Console::new(input, output);
    let key = match signer {
        Signer::Unsigned(why) => {
            console.say(&format!("Unsigned: {}.", sanitise_line(why)))?;
            return Ok(Unlocked::Unsigned);
        }
        Signer::Key(key) => key,
    };
    if principal.trim().is_empty() {
        let why = "a signature needs your e-mail address, the principal an allowed-signers file lists your key under (--as \"Name <email>\", SECASSESS_EMAIL or your saved identity)";
        if key.chosen {
            console.say(&format!("Not signed: {why}."))?;
            return Ok(Unlocked::Stop);
        }
        console.say(&format!("Unsigned: {why}."))?;
        return Ok(Unlocked::Unsigned);
    }
    console.say(&format!(
        "Signing as {} with the SSH key {}.",
        sanitise_line(principal),
        sanitise_line(&key.describe())
    ))?;
    if let Some(ready) = key.ready() {
        return Ok(Unlocked::Key(Box::new(ready.clone())));
    }
    ask(&mut console, key, entry)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn ask(console: &mut Console<'_>, key: &SigningKey, entry: Entry) -> Result<Unlocked, PlainError> {
    let shown = sanitise_line(&crate::store::signing_key::shown_path(&key.path));
    let prompt = if key.chosen {
        format!("Passphrase for {shown} (not shown; Enter alone to stop):")
    } else {
        format!("Passphrase for {shown} (not shown; Enter alone to go on unsigned):")
    };
    for attempt in 1..=TRIES {
        let passphrase: Zeroizing<String> = match entry {
            Entry::Masked => {
                console.flush()?;
                Zeroizing::new(rpassword::prompt_password(format!("{prompt} "))?)
            }
            Entry::Line => match console.ask(&prompt)? {
                Line::Text(t) => Zeroizing::new(t),
                Line::TooLong => Zeroizing::new(String::new()),
                // A script with nothing more to say: as Enter alone.
                Line::End => Zeroizing::new(String::new()),
            },
        };
        if passphrase.is_empty() {
            if key.chosen {
                console.say("Not signed: no passphrase given.")?;
                return Ok(Unlocked::Stop);
            }
            console.say("Going on unsigned.")?;
            return Ok(Unlocked::Unsigned);
        }
        match key.unlock(&passphrase) {
            Ok(open) => return Ok(Unlocked::Key(Box::new(open))),
            Err(e) if attempt < TRIES => {
                console.say(&format!(
                    "{}; try again ({} more).",
                    capitalised(&sanitise_line(&e.to_string())),
                    TRIES - attempt
                ))?;
            }
            Err(e) => {
                console.say(&format!(
                    "{} ({TRIES} tries); nothing was signed.",
                    capitalised(&sanitise_line(&e.to_string()))
                ))?;
            }
        }
    }
    Ok(Unlocked::Stop)
}
