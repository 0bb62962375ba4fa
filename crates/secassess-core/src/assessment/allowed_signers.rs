//! OpenSSH's allowed-signers file (`ssh-keygen(1)`, "ALLOWED SIGNERS"), the list that
//! says whose key is trusted to sign: read as `ssh-keygen -Y verify -f FILE` reads it, so
//! a sign-off secassess calls trusted is one `ssh-keygen` verifies too.
//!
//! Each line is `principals [options] keytype base64-key [comment]`; blank lines and
//! lines starting with `#` are skipped. Principals are a comma-separated pattern list
//! (`*` and `?` wildcards, `!` to exclude; quoted when it holds spaces), matched against
//! the signer's e-mail address exactly as `ssh-keygen -I EMAIL` does (case-sensitive).
//! Options: `namespaces="..."` (a pattern list the namespace `secassess` must match),
//! `valid-after="..."` and `valid-before="..."` (`YYYYMMDD` or `YYYYMMDD[HHMM[SS]]`, with
//! `Z` for UTC, otherwise the local time zone), and `cert-authority` (a certificate
//! authority: secassess signatures are made with plain keys, so such a line never
//! matches one).
//!
//! Written here rather than taken from a crate: no well-kept Rust crate parses this
//! format on top of `ssh-key` (the ones found are GPL, tied to a git transport, or bring
//! their own key types). Unlike `ssh-keygen`, which skips a line it cannot read, a bad
//! line is an error naming its line number: a trust list with a typo should be fixed,
//! not half-read.
//!
//! Pure: the text is passed in, and the time zone for times without `Z`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::PublicKey;

/// A line of an allowed-signers file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} of the allowed-signers file: {problem}; each line is \"PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY\", as ssh-keygen(1) describes under ALLOWED SIGNERS")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with the line, in words: an unknown option, a key that cannot be
    /// read, an unclosed quote, a time that is not one, ...
    pub problem: String,
}

/// One trusted key and who it may sign as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line number in the file.
    pub line: usize,
    /// The principals pattern list, as written (quotes removed).
    pub principals: String,
    /// `namespaces="..."`: the pattern list of namespaces the key may sign in.
    pub namespaces: Option<String>,
    /// `valid-after="..."`: the key may sign only at or after this instant (a time
    /// written without `Z` read in the time zone given to [`AllowedSigners::parse`]).
    pub valid_after: Option<DateTime<Utc>>,
    /// `valid-before="..."`: the key may sign only at or before this instant; always later
    /// than `valid_after` when both are given.
    pub valid_before: Option<DateTime<Utc>>,
    /// `cert-authority`: the key vouches for certificates, so the line never trusts a
    /// secassess signature, which is made with a plain key.
    pub cert_authority: bool,
    /// The public key the line lists (its comment dropped).
    pub key: PublicKey,
}

/// The entries of an allowed-signers file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowedSigners {
    /// One per line that lists a key; blank and comment lines are left out.
    pub entries: Vec<Entry>,
}

/// What an allowed-signers file says about one key signing as one principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// A line lists this key for this principal, in this namespace, valid at that time.
    Trusted {
        /// 1-based number of the first line that allows it.
        line: usize,
    },
    /// No line allows it; why, in words ("the key is not in the allowed-signers file",
    /// "line 3 lists the key for bob@example.org, not ivy@example.org", ...).
    NotAllowed {
        /// Each line listing the key with why it does not allow it, joined by "; ", or
        /// that no line lists the key.
        why: String,
    },
}

impl AllowedSigners {
    /// Reads the text of an allowed-signers file. Times written without `Z` are read in
    /// `local` (the shell passes `chrono::Local`, as `ssh-keygen` uses the system's time
    /// zone).
    ///
    /// Errors: a [`ParseError`] for the first line that cannot be read (bad principals,
    /// options, key or time, or `valid-before` not after `valid-after`); unlike
    /// `ssh-keygen`, which skips such a line, nothing is returned then.
    pub fn parse<Tz: TimeZone>(text: &str, local: &Tz) -> Result<AllowedSigners, ParseError> {
        let mut entries = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim_start_matches([' ', '\t', '\r']);
            if trimmed.trim().is_empty() || trimmed.starts_with('#') {
                continue;
            }
            entries.push(
                parse_line(trimmed, line, local).map_err(|problem| ParseError { line, problem })?,
            );
        }
        Ok(AllowedSigners { entries })
    }

    /// Whether `key` may sign as `principal` in `namespace` at `at`, as `ssh-keygen -Y
    /// verify -I PRINCIPAL -n NAMESPACE` decides it: some line whose principals match,
    /// whose namespaces (if given) match, valid at `at`, and whose key is `key`.
    pub fn trust(
        &self,
        key: &PublicKey,
        principal: &str,
        namespace: &str,
        at: DateTime<Utc>,
    ) -> Trust {
        let mut reasons: Vec<String> = Vec::new();
        let mut listed = false;
        for entry in &self.entries {
            if entry.key.key_data() != key.key_data() {
                continue;
            }
            listed = true;
            let line = entry.line;
            if entry.cert_authority {
                reasons.push(format!(
                    "line {line} lists the key as a certificate authority (cert-authority), which vouches for certificates, not for signatures made with the key itself"
                ));
                continue;
            }
            if match_pattern_list(principal, &entry.principals) != PatternMatch::Yes {
                let case = if match_pattern_list(
                    &principal.to_lowercase(),
                    &entry.principals.to_lowercase(),
                ) == PatternMatch::Yes
                {
                    "; they differ only in capitals, and principals are matched exactly: write it as the sign-off records it"
                } else {
                    ""
                };
                reasons.push(format!(
                    "line {line} lists the key for {}, not {principal}{case}",
                    entry.principals
                ));
                continue;
            }
            if let Some(namespaces) = &entry.namespaces {
                if match_pattern_list(namespace, namespaces) != PatternMatch::Yes {
                    reasons.push(format!(
                        "line {line} allows the key only for namespaces=\"{namespaces}\", which does not include {namespace}"
                    ));
                    continue;
                }
            }
            if let Some(after) = entry.valid_after.filter(|after| at < *after) {
                reasons.push(format!(
                    "line {line} makes the key valid only after {}, and it signed on {}",
                    after.format("%Y-%m-%d %H:%M:%S UTC"),
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ));
                continue;
            }
            if let Some(before) = entry.valid_before.filter(|before| at > *before) {
                reasons.push(format!(
                    "line {line} makes the key valid only before {}, and it signed on {}",
                    before.format("%Y-%m-%d %H:%M:%S UTC"),
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ));
                continue;
            }
            return Trust::Trusted { line };
        }
        let why = if listed {
            reasons.join("; ")
        } else {
            String::from("the key is not in the allowed-signers file")
        };
        Trust::NotAllowed { why }
    }
}

/// One non-blank, non-comment line (leading white space already removed).
fn parse_line<Tz: TimeZone>(line: &str, number: usize, local: &Tz) -> Result<Entry, String> {
    let (principals, rest) = take_token(line)?;
    if principals.is_empty() {
        return Err(String::from("the principals are empty"));
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return Err(String::from(
            "there is no key after the principals (a line needs principals, then the key)",
        ));
    }
    // As ssh-keygen: first try the rest as a key; if it is not one, it starts with options.
    let (options, key_text) = match read_key(rest) {
        Ok(key) => (None, key),
        Err(e) if looks_like_key_type(rest) => {
            return Err(format!("the key '{}' cannot be read: {e}", shorten(rest)))
        }
        Err(_) => {
            let (options, after) = take_token(rest)?;
            let after = after.trim_start_matches([' ', '\t']);
            if after.is_empty() {
                return Err(format!(
                    "'{}' is not a public key, and there is no key after it",
                    shorten(rest)
                ));
            }
            let key = read_key(after)
                .map_err(|e| format!("the key '{}' cannot be read: {e}", shorten(after)))?;
            (Some(options), key)
        }
    };
    let mut entry = Entry {
        line: number,
        principals,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        cert_authority: false,
        key: key_text,
    };
    if let Some(options) = options {
        for option in split_options(&options)? {
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name.to_ascii_lowercase(), Some(dequote(value)?)),
                None => (option.to_ascii_lowercase(), None),
            };
            match (name.as_str(), value) {
                ("cert-authority", None) => entry.cert_authority = true,
                ("namespaces", Some(v)) => entry.namespaces = Some(v),
                ("valid-after", Some(v)) => entry.valid_after = Some(parse_time(&v, local)?),
                ("valid-before", Some(v)) => entry.valid_before = Some(parse_time(&v, local)?),
                _ => {
                    return Err(format!(
                        "'{option}' is not an option ssh-keygen knows here (cert-authority, namespaces=\"...\", valid-after=\"...\", valid-before=\"...\")"
                    ))
                }
            }
        }
    }
    if let (Some(after), Some(before)) = (entry.valid_after, entry.valid_before) {
        if before <= after {
            return Err(String::from("valid-before is not later than valid-after"));
        }
    }
    Ok(entry)
}

/// Whether the text starts with a key type rather than options.
fn looks_like_key_type(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    !first.contains(['=', '"', ','])
        && ["ssh-", "ecdsa-", "sk-", "rsa-"]
            .iter()
            .any(|p| first.starts_with(p))
}

/// The key and an optional comment: "ssh-ed25519 AAAA... comment".
fn read_key(text: &str) -> Result<PublicKey, String> {
    let mut parts = text.split_whitespace();
    let (Some(kind), Some(base64)) = (parts.next(), parts.next()) else {
        return Err(String::from("a key is a type and base64 text"));
    };
    PublicKey::from_openssh(&format!("{kind} {base64}")).map_err(|e| e.to_string())
}

/// A token up to unquoted white space; a token that is one quoted string loses its
/// quotes (principals), one with quotes inside keeps them (options).
fn take_token(text: &str) -> Result<(String, &str), String> {
    if let Some(inner) = text.strip_prefix('"') {
        let Some(end) = inner.find('"') else {
            return Err(String::from("a quoted field has no closing quote"));
        };
        let after = &inner[end + 1..];
        if !after.is_empty() && !after.starts_with([' ', '\t']) {
            return Err(String::from("a quoted field must be followed by a space"));
        }
        return Ok((inner[..end].to_string(), after));
    }
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' | '\t' if !quoted => return Ok((text[..i].to_string(), &text[i..])),
            _ => {}
        }
    }
    if quoted {
        return Err(String::from("a quoted option value has no closing quote"));
    }
    Ok((text.to_string(), ""))
}

/// Options separated by commas outside quotes.
fn split_options(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    if out.iter().any(String::is_empty) {
        return Err(format!("the options '{text}' have an empty option"));
    }
    Ok(out)
}

/// `"value"` to `value`.
fn dequote(value: &str) -> Result<String, String> {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains('"'))
        .map(str::to_string)
        .ok_or_else(|| format!("the option value {value} must be in double quotes"))
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, then `Z` for UTC (as OpenSSH's
/// `parse_absolute_time`).
fn parse_time<Tz: TimeZone>(text: &str, local: &Tz) -> Result<DateTime<Utc>, String> {
    let bad = || format!("'{text}' is not a time like 20260131, 202601310900 or 20260131090000Z");
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (text, false),
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let naive: NaiveDateTime = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d")
            .map_err(|_| bad())?
            .and_hms_opt(0, 0, 0)
            .ok_or_else(bad)?,
        12 => NaiveDateTime::parse_from_str(&format!("{digits}00"), "%Y%m%d%H%M%S")
            .map_err(|_| bad())?,
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if utc {
        Ok(Utc.from_utc_datetime(&naive))
    } else {
        local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| format!("'{text}' does not exist in the local time zone"))
    }
}

fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternMatch {
    Yes,
    /// A `!pattern` matched: excluded whatever else matches.
    Excluded,
    No,
}

/// OpenSSH's `match_pattern_list`: comma-separated patterns, `!` negates; a negated
/// match wins over any positive one.
fn match_pattern_list(text: &str, list: &str) -> PatternMatch {
    let mut matched = false;
    for pattern in list.split(',') {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        if match_pattern(text.as_bytes(), pattern.as_bytes()) {
            if negated {
                return PatternMatch::Excluded;
            }
            matched = true;
        }
    }
    if matched {
        PatternMatch::Yes
    } else {
        PatternMatch::No
    }
}

/// `*` any run, `?` any one byte; the rest exactly. Iterative with one backtrack point,
/// so a hostile pattern cannot make it slow.
fn match_pattern(text: &[u8], pattern: &[u8]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5";
    const KEY_B: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMn69bLis8ujCqyaXt49D3q6ZkFYh5Tf8jcUp/FD7R1B";

    fn key(text: &str) -> PublicKey {
        PublicKey::from_openssh(text).expect("test key")
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn parse(text: &str) -> Result<AllowedSigners, ParseError> {
        AllowedSigners::parse(text, &Utc)
    }

    #[test]
    fn lines_with_and_without_options_comments_and_quotes() {
        let text = format!(
            "# trusted reviewers\n\n  ivy@example.nhs.uk {KEY_A} ivy's laptop\n\"pat@example.nhs.uk,*@cyber.example.nhs.uk\" namespaces=\"git,secassess\",valid-after=\"20260101\",VALID-BEFORE=\"202712312359Z\" {KEY_B}\n"
        );
        let signers = parse(&text).expect("parses");
        assert_eq!(signers.entries.len(), 2);
        let first = &signers.entries[0];
        assert_eq!(
            (first.line, first.principals.as_str()),
            (3, "ivy@example.nhs.uk")
        );
        assert_eq!(first.namespaces, None);
        let second = &signers.entries[1];
        assert_eq!(second.line, 4);
        assert_eq!(
            second.principals,
            "pat@example.nhs.uk,*@cyber.example.nhs.uk"
        );
        assert_eq!(second.namespaces.as_deref(), Some("git,secassess"));
        assert_eq!(second.valid_after, Some(at("2026-01-01T00:00:00Z")));
        assert_eq!(second.valid_before, Some(at("2027-12-31T23:59:00Z")));
    }

    #[test]
    fn trust_follows_ssh_keygen() {
        let text = format!(
            "ivy@example.nhs.uk {KEY_A}\n*@cyber.example.nhs.uk,!eve@cyber.example.nhs.uk namespaces=\"secassess\" {KEY_B}\n"
        );
        let signers = parse(&text).expect("parses");
        let when = at("2026-11-29T10:00:00Z");
        let a = key(KEY_A);
        let b = key(KEY_B);
        assert_eq!(
            signers.trust(&a, "ivy@example.nhs.uk", "secassess", when),
            Trust::Trusted { line: 1 }
        );
        // The principal must match the line that lists the key.
        let Trust::NotAllowed { why } = signers.trust(&a, "bob@example.nhs.uk", "secassess", when)
        else {
            panic!("a principal the line does not name is not trusted");
        };
        assert!(
            why.contains("line 1 lists the key for ivy@example.nhs.uk, not bob@example.nhs.uk"),
            "{why}"
        );
        // Capitals matter, as in ssh-keygen, and the message says so.
        let Trust::NotAllowed { why } = signers.trust(&a, "Ivy@example.nhs.uk", "secassess", when)
        else {
            panic!("matched exactly");
        };
        assert!(why.contains("only in capitals"), "{why}");
        // Wildcards and exclusions.
        assert_eq!(
            signers.trust(&b, "sam@cyber.example.nhs.uk", "secassess", when),
            Trust::Trusted { line: 2 }
        );
        assert!(matches!(
            signers.trust(&b, "eve@cyber.example.nhs.uk", "secassess", when),
            Trust::NotAllowed { .. }
        ));
        // The namespace restriction.
        let Trust::NotAllowed { why } = signers.trust(&b, "sam@cyber.example.nhs.uk", "git", when)
        else {
            panic!("namespace");
        };
        assert!(why.contains("namespaces=\"secassess\""), "{why}");
        // A key not listed at all.
        let other = parse(&format!("ivy@example.nhs.uk {KEY_B}\n")).expect("parses");
        assert_eq!(
            other.trust(&a, "ivy@example.nhs.uk", "secassess", when),
            Trust::NotAllowed {
                why: String::from("the key is not in the allowed-signers file")
            }
        );
    }

    #[test]
    fn validity_is_judged_at_the_signing_time() {
        let text = format!(
            "ivy@example.nhs.uk valid-after=\"20260101Z\",valid-before=\"20261231Z\" {KEY_A}\n"
        );
        let signers = parse(&text).expect("parses");
        let a = key(KEY_A);
        assert!(matches!(
            signers.trust(
                &a,
                "ivy@example.nhs.uk",
                "secassess",
                at("2026-06-01T00:00:00Z")
            ),
            Trust::Trusted { .. }
        ));
        for when in ["2025-12-31T23:59:59Z", "2026-12-31T00:00:01Z"] {
            let Trust::NotAllowed { why } =
                signers.trust(&a, "ivy@example.nhs.uk", "secassess", at(when))
            else {
                panic!("{when} is outside the validity");
            };
            assert!(why.contains("valid only"), "{why}");
        }
    }

    #[test]
    fn certificate_authorities_never_vouch_for_a_plain_signature() {
        let text = format!("*@example.nhs.uk cert-authority {KEY_A}\n");
        let signers = parse(&text).expect("parses");
        let Trust::NotAllowed { why } = signers.trust(
            &key(KEY_A),
            "ivy@example.nhs.uk",
            "secassess",
            at("2026-06-01T00:00:00Z"),
        ) else {
            panic!("cert-authority");
        };
        assert!(why.contains("certificate authority"), "{why}");
    }

    #[test]
    fn bad_lines_name_their_line_and_problem() {
        let cases = [
            (String::from("ivy@example.nhs.uk\n"), "no key"),
            (
                String::from("ivy@example.nhs.uk ssh-ed25519 AAAAnotbase64\n"),
                "cannot be read",
            ),
            (
                format!("ivy@example.nhs.uk bogus=\"x\" {KEY_A}\n"),
                "not an option",
            ),
            (
                format!("ivy@example.nhs.uk valid-after=20260101 {KEY_A}\n"),
                "double quotes",
            ),
            (
                format!("ivy@example.nhs.uk valid-after=\"2026-01-01\" {KEY_A}\n"),
                "not a time",
            ),
            (format!("\"ivy@example.nhs.uk {KEY_A}\n"), "closing quote"),
            (
                format!("ivy@x valid-after=\"20270101Z\",valid-before=\"20260101Z\" {KEY_A}\n"),
                "not later",
            ),
        ];
        for (text, expected) in cases {
            let text = format!("# comment\n{text}");
            let error = parse(&text).expect_err(&text);
            assert_eq!(error.line, 2, "{text}");
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn patterns_match_as_openssh_does() {
        assert!(match_pattern(b"ivy@example.org", b"*@example.org"));
        assert!(match_pattern(b"ivy@example.org", b"i?y@*"));
        assert!(match_pattern(b"", b"*"));
        assert!(!match_pattern(b"ivy@example.org", b"*@example.com"));
        assert!(!match_pattern(b"ivy", b"ivy?"));
        assert_eq!(match_pattern_list("a@b", "x@y,a@*"), PatternMatch::Yes);
        assert_eq!(match_pattern_list("a@b", "*,!a@b"), PatternMatch::Excluded);
        assert_eq!(match_pattern_list("a@b", "x@y"), PatternMatch::No);
        // No exponential blow-up on a hostile pattern.
        let text = "a".repeat(200);
        let pattern = "*a".repeat(50) + "b";
        assert!(!match_pattern(text.as_bytes(), pattern.as_bytes()));
    }
}
