//! Who is using the tool: reading `Name <email>` as typed on the command line, checking a
//! self-declared identity, and choosing between the places one can come from (the `--as`
//! flag, the `SECASSESS_*` environment variables, the saved config file).
//!
//! Pure: the config file itself is read and written by `store::identity`, and the
//! environment is read by the caller and passed in, so the precedence rules are tested
//! without touching anybody's home directory.

use unicode_normalization::UnicodeNormalization;

use crate::text::nfc;

use crate::assessment::record::Person;
use crate::text::is_unsafe_control;

/// Longest name, role or email accepted. Real ones are far shorter; the bound keeps a
/// pasted paragraph out of every answer record.
pub const MAX_FIELD_CHARS: usize = 200;

/// Why a self-declared identity was refused before anything was recorded with it. Each
/// names where the identity came from, so the message says which setting to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// No name: empty, white space, or only an e-mail in angle brackets.
    #[error("{source_name}: the name is empty; write it as \"Jane Smith <jane.smith@nhs.net>\"")]
    EmptyName {
        /// Where the identity came from, as the message names it ("--as", "--as with
        /// SECASSESS_ROLE", "--as with the role of the saved identity",
        /// "SECASSESS_NAME/SECASSESS_EMAIL/SECASSESS_ROLE", "the saved identity").
        source_name: String,
    },
    /// Angle brackets that do not make `Name <email>`: an unclosed `<`, a `>` with no
    /// `<`, text after the `>`, or more than one pair.
    #[error("{source_name}: '{text}' is not of the form \"Name <email>\", e.g. \"Jane Smith <jane.smith@nhs.net>\"")]
    Malformed {
        /// Where the identity came from, as the message names it ("--as", "--as with
        /// SECASSESS_ROLE", "--as with the role of the saved identity",
        /// "SECASSESS_NAME/SECASSESS_EMAIL/SECASSESS_ROLE", "the saved identity").
        source_name: String,
        /// The text as given, trimmed.
        text: String,
    },
    /// An e-mail address without exactly one `@` with text either side, or with white
    /// space in it.
    #[error("{source_name}: '{email}' does not look like an email address (it needs one @ with text either side)")]
    BadEmail {
        /// Where the identity came from, as the message names it ("--as", "--as with
        /// SECASSESS_ROLE", "--as with the role of the saved identity",
        /// "SECASSESS_NAME/SECASSESS_EMAIL/SECASSESS_ROLE", "the saved identity").
        source_name: String,
        /// The e-mail address as given.
        email: String,
    },
    /// A name, role or e-mail address longer than [`MAX_FIELD_CHARS`] characters, or
    /// holding control characters (tabs and line breaks included).
    #[error("{source_name}: the {field} contains control characters or is longer than {MAX_FIELD_CHARS} characters; type it again")]
    BadText {
        /// Where the identity came from, as the message names it ("--as", "--as with
        /// SECASSESS_ROLE", "--as with the role of the saved identity",
        /// "SECASSESS_NAME/SECASSESS_EMAIL/SECASSESS_ROLE", "the saved identity").
        source_name: String,
        /// Which part: "name", "role" or "email".
        field: &'static str,
    },
}

/// Where an identity came from, so messages can say which setting to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentitySource {
    /// The `--as "Name <email>"` flag.
    Flag,
    /// `SECASSESS_NAME`, with `SECASSESS_EMAIL` and `SECASSESS_ROLE`.
    Environment,
    /// The identity saved in the user's config file (asked for once), with
    /// `SECASSESS_EMAIL` or `SECASSESS_ROLE` overriding its field when set.
    ConfigFile,
}

/// The identity environment variables, as read by the shell (`None` when unset or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityEnv {
    /// `SECASSESS_NAME`: when set, this identity is used instead of the saved one.
    pub name: Option<String>,
    /// `SECASSESS_EMAIL`: the e-mail address with `SECASSESS_NAME`, or in place of the
    /// saved identity's.
    pub email: Option<String>,
    /// `SECASSESS_ROLE`: the role of whichever identity is used, `--as` included.
    pub role: Option<String>,
}

/// Reads "Jane Smith <jane.smith@nhs.net>", or just "Jane Smith", into a [`Person`] with
/// no role (name and e-mail trimmed, in NFC). `source_name` says where the text came
/// from ("--as", "SECASSESS_NAME") for the error message.
///
/// Errors: [`IdentityError::Malformed`] for misplaced angle brackets, then any error of
/// [`check_person`].
pub fn parse_signature(text: &str, source_name: &str) -> Result<Person, IdentityError> {
    let text = text.trim();
    let malformed = || IdentityError::Malformed {
        source_name: source_name.to_string(),
        text: text.to_string(),
    };
    let (name, email) = match text.find('<') {
        None => {
            if text.contains('>') {
                return Err(malformed());
            }
            (text, "")
        }
        Some(open) => {
            let rest = &text[open + 1..];
            let Some(email) = rest.strip_suffix('>') else {
                return Err(malformed());
            };
            if email.contains(['<', '>']) {
                return Err(malformed());
            }
            (text[..open].trim(), email.trim())
        }
    };
    let person = Person {
        name: nfc(name).into_owned(),
        role: String::new(),
        email: nfc(email).into_owned(),
    };
    check_person(&person, source_name)?;
    Ok(person)
}

/// Checks a self-declared identity before it is written into answer records: a name, an
/// email that at least looks like one (when given), and no terminal control characters.
///
/// Errors: [`IdentityError::BadText`] (checked first, name, role, then e-mail),
/// [`IdentityError::EmptyName`], [`IdentityError::BadEmail`].
pub fn check_person(person: &Person, source_name: &str) -> Result<(), IdentityError> {
    let bad_text = |field| IdentityError::BadText {
        source_name: source_name.to_string(),
        field,
    };
    for (field, value) in [
        ("name", &person.name),
        ("role", &person.role),
        ("email", &person.email),
    ] {
        if value.chars().count() > MAX_FIELD_CHARS
            || value
                .chars()
                .any(|c| is_unsafe_control(c) || c == '\n' || c == '\t')
        {
            return Err(bad_text(field));
        }
    }
    if person.name.trim().is_empty() {
        return Err(IdentityError::EmptyName {
            source_name: source_name.to_string(),
        });
    }
    if !person.email.is_empty() && !looks_like_email(&person.email) {
        return Err(IdentityError::BadEmail {
            source_name: source_name.to_string(),
            email: person.email.clone(),
        });
    }
    Ok(())
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Whether two recorded identities (`Name <email>`, or a name alone, as written in answer,
/// review and audit records) are the same person: by email address (trimmed,
/// case-insensitive) when both have one, by name only when one of them has none. Names
/// are compared in one Unicode form (NFKC), case-insensitively, with runs of white space
/// made one. This is the one place secassess decides "same person": the self-review
/// guard, roles, replies to queries and the saved role all ask it. Identities are
/// self-declared (see README), so this stops mistakes and casual self-review, not a
/// determined impersonation.
pub fn same_person(a: &str, b: &str) -> bool {
    let (name_a, email_a) = split_signature(a);
    let (name_b, email_b) = split_signature(b);
    match (email_a, email_b) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y) || fold(x) == fold(y),
        _ => !name_a.is_empty() && fold(name_a) == fold(name_b),
    }
}

/// [`same_person`] for two [`Person`]s.
pub fn same(a: &Person, b: &Person) -> bool {
    same_person(&a.signature(), &b.signature())
}

/// `Name <email>` into its name and (non-empty) email, leniently: whatever a file holds.
fn split_signature(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    match (text.rfind('<'), text.strip_suffix('>')) {
        (Some(open), Some(without_close)) if open < without_close.len() => {
            let email = without_close[open + 1..].trim();
            let name = text[..open].trim();
            (name, (!email.is_empty()).then_some(email))
        }
        _ => (text, None),
    }
}

fn fold(text: &str) -> String {
    text.nfkc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Picks the identity to act as: `--as` first, then `SECASSESS_NAME` (with
/// `SECASSESS_EMAIL`), then the saved config. `SECASSESS_ROLE` and `SECASSESS_EMAIL`
/// override the matching field of the saved identity; the saved role is used with `--as`
/// only when it names the same person, so one person's role is never put on another.
/// `Ok(None)` means nobody is configured yet; otherwise the person (in NFC) and where it
/// came from.
///
/// Errors: the [`IdentityError`] of the identity chosen, whose `source_name` names the
/// flag, the environment variables or the saved identity.
pub fn resolve(
    flag: Option<&str>,
    env: &IdentityEnv,
    config: Option<&Person>,
) -> Result<Option<(Person, IdentitySource)>, IdentityError> {
    let env_role = env.role.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if let Some(flag) = flag {
        let mut person = parse_signature(flag, "--as")?;
        // The error names where the role came from, so the user fixes the right place.
        let (role, source_name) = match (env_role, config) {
            (Some(role), _) => (nfc(role).into_owned(), "--as with SECASSESS_ROLE"),
            (None, Some(saved)) if same(saved, &person) => (
                saved.role.clone(),
                "--as with the role of the saved identity",
            ),
            _ => (String::new(), "--as"),
        };
        person.role = role;
        check_person(&person, source_name)?;
        return Ok(Some((person, IdentitySource::Flag)));
    }
    if let Some(name) = env.name.as_deref().filter(|n| !n.trim().is_empty()) {
        let person = Person {
            name: nfc(name.trim()).into_owned(),
            role: nfc(env_role.unwrap_or_default()).into_owned(),
            email: nfc(env.email.as_deref().unwrap_or_default().trim()).into_owned(),
        };
        check_person(&person, "SECASSESS_NAME/SECASSESS_EMAIL/SECASSESS_ROLE")?;
        return Ok(Some((person, IdentitySource::Environment)));
    }
    let Some(saved) = config else {
        return Ok(None);
    };
    // A name saved before secassess normalised input is recorded from now on in NFC.
    let mut person = Person {
        name: nfc(&saved.name).into_owned(),
        role: nfc(&saved.role).into_owned(),
        email: nfc(&saved.email).into_owned(),
    };
    if let Some(role) = env_role {
        person.role = nfc(role).into_owned();
    }
    if let Some(email) = env
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        person.email = nfc(email).into_owned();
    }
    check_person(&person, "the saved identity")?;
    Ok(Some((person, IdentitySource::ConfigFile)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, role: &str, email: &str) -> Person {
        Person {
            name: name.into(),
            role: role.into(),
            email: email.into(),
        }
    }

    #[test]
    fn signatures_parse_with_and_without_email() {
        assert_eq!(
            parse_signature(" Jane Smith <jane.smith@nhs.net> ", "--as"),
            Ok(person("Jane Smith", "", "jane.smith@nhs.net"))
        );
        assert_eq!(parse_signature("Jane", "--as"), Ok(person("Jane", "", "")));
        // Signature round-trips through Person::signature.
        let p = person("Zoë O'Brien-Ng", "", "zoe@example.org");
        assert_eq!(parse_signature(&p.signature(), "x"), Ok(p));
    }

    #[test]
    fn bad_signatures_say_what_is_wrong() {
        assert!(matches!(
            parse_signature("", "--as"),
            Err(IdentityError::EmptyName { .. })
        ));
        assert!(matches!(
            parse_signature("<a@b>", "--as"),
            Err(IdentityError::EmptyName { .. })
        ));
        assert!(matches!(
            parse_signature("Jane <a@b", "--as"),
            Err(IdentityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_signature("Jane <a<b>", "--as"),
            Err(IdentityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_signature("Jane a@b>", "--as"),
            Err(IdentityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_signature("Jane <nope>", "--as"),
            Err(IdentityError::BadEmail { .. })
        ));
        assert!(matches!(
            parse_signature("Jane\u{1b}[2J <a@b>", "--as"),
            Err(IdentityError::BadText { field: "name", .. })
        ));
        let long = "x".repeat(MAX_FIELD_CHARS + 1);
        assert!(matches!(
            parse_signature(&long, "--as"),
            Err(IdentityError::BadText { .. })
        ));
        let message = parse_signature("Jane <nope>", "--as")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("--as: 'nope' does not look like an email address (it needs one @ with text either side)")
        );
    }

    #[test]
    fn precedence_is_flag_then_environment_then_config() {
        let saved = person("Jane Smith", "Project lead", "jane@nhs.net");
        let env = IdentityEnv::default();
        assert_eq!(resolve(None, &env, None), Ok(None));
        assert_eq!(
            resolve(None, &env, Some(&saved)),
            Ok(Some((saved.clone(), IdentitySource::ConfigFile)))
        );
        let env = IdentityEnv {
            name: Some("Sam Jones".into()),
            email: Some("sam@nhs.net".into()),
            role: None,
        };
        assert_eq!(
            resolve(None, &env, Some(&saved)),
            Ok(Some((
                person("Sam Jones", "", "sam@nhs.net"),
                IdentitySource::Environment
            )))
        );
        assert_eq!(
            resolve(Some("Ali Khan <ali@nhs.net>"), &env, Some(&saved)),
            Ok(Some((
                person("Ali Khan", "", "ali@nhs.net"),
                IdentitySource::Flag
            )))
        );
    }

    #[test]
    fn a_bad_role_is_blamed_on_where_it_came_from() {
        // A saved role edited by hand to hold an escape sequence, used with --as for the
        // same person: the error points at the saved identity, not at SECASSESS_ROLE.
        let saved = person("Jane Smith", "Lead\u{1b}[2J", "jane@nhs.net");
        let env = IdentityEnv::default();
        let err = resolve(Some("Jane Smith <jane@nhs.net>"), &env, Some(&saved))
            .expect_err("a control character in the role");
        assert_eq!(
            err,
            IdentityError::BadText {
                source_name: "--as with the role of the saved identity".into(),
                field: "role",
            }
        );
        let env = IdentityEnv {
            role: Some("SIRO\u{7}".into()),
            ..IdentityEnv::default()
        };
        let err = resolve(Some("Jane Smith <jane@nhs.net>"), &env, Some(&saved))
            .expect_err("a control character in the role");
        assert!(
            matches!(&err, IdentityError::BadText { source_name, .. } if source_name == "--as with SECASSESS_ROLE"),
            "{err:?}"
        );
    }

    #[test]
    fn the_same_person_is_found_by_email_then_by_name() {
        let peer = "Pat Peer <peer@example.org>";
        // The self-review guard was fooled by a capitalised address or another name.
        assert!(same_person(peer, "Pat Peer <PEER@example.org>"));
        assert!(same_person(peer, "P. Peer < peer@Example.ORG >"));
        assert!(same_person(peer, "Somebody Else <peer@example.org>"));
        assert!(!same_person(peer, "Pat Peer <pat.peer@example.org>"));
        // Without an email on one side, the name decides.
        assert!(same_person(peer, "pat  PEER"));
        assert!(same_person("Pat Peer", "Pat Peer <anything@example.org>"));
        assert!(!same_person("Pat Peer", "Pat Other"));
        // One Unicode form: a precomposed and a combining accent are the same name.
        assert!(same_person("Zo\u{e9} Lead", "Zoe\u{301} Lead"));
        assert!(!same_person("", ""));
    }

    #[test]
    fn roles_never_move_from_one_person_to_another() {
        let saved = person("Jane Smith", "Project lead", "jane@nhs.net");
        let env = IdentityEnv::default();
        let as_jane = resolve(Some("Jane Smith <jane@nhs.net>"), &env, Some(&saved));
        assert_eq!(
            as_jane.ok().flatten().map(|(p, _)| p.role),
            Some("Project lead".into())
        );
        let as_ali = resolve(Some("Ali <ali@nhs.net>"), &env, Some(&saved));
        assert_eq!(
            as_ali.ok().flatten().map(|(p, _)| p.role),
            Some(String::new())
        );
        let env = IdentityEnv {
            role: Some("SIRO".into()),
            email: Some("jane.smith@nhs.net".into()),
            name: None,
        };
        assert_eq!(
            resolve(None, &env, Some(&saved)),
            Ok(Some((
                person("Jane Smith", "SIRO", "jane.smith@nhs.net"),
                IdentitySource::ConfigFile
            )))
        );
    }
}
