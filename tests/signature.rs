//! Signed sign-offs end to end, with keys made by `ssh-keygen` in the test: the reviewer
//! signs off with an Ed25519 key (and an encrypted one, an ECDSA and an RSA key), a
//! business owner signs their risk acceptance, and each signature is checked by
//! `secassess verify --allowed-signers` and by `ssh-keygen -Y verify` on the content
//! `verify --export-signed-content` writes. Each way of fooling it must fail: content
//! changed after signing, a key the allowed-signers file does not list, a signature
//! copied from another assessment, a principal that is not the signer's e-mail address.
//! And nothing secret is ever written: the file, its backup, the outputs, the pack and
//! the exported content are searched for the passphrase and the private key.

mod signoff_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use signoff_support::*;

const IVY_EMAIL: &str = "ivy@example.nhs.uk";
const PAT: &str = "Pat Owner <pat@example.nhs.uk>";
const PASSPHRASE: &str = "correct horse battery staple 19";

/// Whether ssh-keygen is here; CI installs it (openssh-client).
fn have_ssh_keygen() -> bool {
    Command::new("ssh-keygen")
        .arg("-?")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A new key pair made by ssh-keygen: (private key path, public key line).
fn keygen(dir: &Path, name: &str, kind: &[&str], passphrase: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let status = Command::new("ssh-keygen")
        .args(["-q", "-N", passphrase, "-C", "test key", "-f"])
        .arg(&path)
        .args(kind)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen made the key {name}");
    let public = std::fs::read_to_string(path.with_extension("pub"))
        .or_else(|_| std::fs::read_to_string(format!("{}.pub", path.display())))
        .expect("the public key");
    (path, public.trim().to_string())
}

/// "SHA256:..." of a public key, as ssh-keygen prints it.
fn fingerprint(dir: &Path, public: &str) -> String {
    let file = dir.join("fingerprint.pub");
    std::fs::write(&file, format!("{public}\n")).expect("written");
    let o = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(&file)
        .output()
        .expect("ssh-keygen runs");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .expect("a fingerprint")
        .to_string()
}

fn allowed(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("written");
    path
}

fn run(dir: &Path, who: &str, args: &[&str], input: &str) -> (Option<i32>, String) {
    let o = secassess(dir, who, args, input);
    (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
}

/// The reviewer accepts everything and signs off, with the key given.
fn sign_off_with(dir: &Path, key: &Path, passphrases: &str) -> String {
    let key = key.display().to_string();
    ok(
        dir,
        REVIEWER,
        &["review", FILE, "--key", &key],
        &format!("{}yes\n\n{passphrases}", "a\n".repeat(80)),
    )
}

/// `ssh-keygen -Y verify` on what `verify --export-signed-content` wrote.
fn ssh_keygen_verify(dir: &Path, allowed: &Path, principal: &str, stem: &str) -> (bool, String) {
    let out = dir.join("signed");
    let content = std::fs::File::open(out.join(format!("{stem}.txt"))).expect("exported content");
    let o = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", principal, "-n", "secassess", "-s"])
        .arg(out.join(format!("{stem}.txt.sig")))
        .stdin(content)
        .output()
        .expect("ssh-keygen runs");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn export_signed(dir: &Path, allowed: &Path) -> (Option<i32>, String) {
    let _ = std::fs::remove_dir_all(dir.join("signed"));
    run(
        dir,
        REVIEWER,
        &[
            "verify",
            FILE,
            "--allowed-signers",
            &allowed.display().to_string(),
            "--export-signed-content",
            "signed",
        ],
        "",
    )
}

/// A copy of an answered (not yet signed off) assessment in a new folder.
fn copy_of(answered_dir: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [FILE, EVIDENCE] {
        std::fs::copy(answered_dir.join(name), dir.path().join(name)).expect("copied");
    }
    dir
}

#[test]
fn a_signed_sign_off_is_trusted_by_secassess_and_by_ssh_keygen_and_every_forgery_fails() {
    if !have_ssh_keygen() {
        eprintln!("ssh-keygen is not installed; skipping (CI installs openssh-client)");
        return;
    }
    let keys = tempfile::tempdir().expect("temp dir");
    let (ivy_key, ivy_public) = keygen(keys.path(), "ivy", &["-t", "ed25519"], "");
    let (_, other_public) = keygen(keys.path(), "other", &["-t", "ed25519"], "");
    let ivy_fingerprint = fingerprint(keys.path(), &ivy_public);
    let trusted = allowed(
        keys.path(),
        "allowed_signers",
        &[
            String::from("# IG reviewers"),
            format!("{IVY_EMAIL} namespaces=\"secassess\" {ivy_public}"),
        ],
    );

    let base = tempfile::tempdir().expect("temp dir");
    answered(base.path());
    let work = copy_of(base.path());
    let dir = work.path();
    let out = sign_off_with(dir, &ivy_key, "");
    assert!(
        out.contains(&format!("Signing as {IVY_EMAIL} with the SSH key")),
        "{out}"
    );
    assert!(
        out.contains(&format!("Signed with the SSH key {ivy_fingerprint}")),
        "{out}"
    );
    let text = std::fs::read_to_string(dir.join(FILE)).expect("readable");
    assert!(text.contains("schema_version = 3"));
    assert!(
        text.contains("-----BEGIN SSH SIGNATURE-----"),
        "stored armoured"
    );
    assert!(text.contains(&ivy_fingerprint), "fingerprint stored");

    // The team's view says the sign-off is signed (issue 20), in every format.
    let (code, out) = run(dir, REVIEWER, &["portfolio", ".", "--format", "json"], "");
    assert_eq!(code, Some(0), "{out}");
    let listing: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let sign_off = &listing["assessments"][0]["sign_off"];
    assert_eq!(sign_off["signature"]["state"], "not-checked", "{sign_off}");
    assert_eq!(sign_off["signature"]["principal"], IVY_EMAIL, "{sign_off}");
    let (_, table) = run(dir, REVIEWER, &["portfolio", ".", "--width", "0"], "");
    assert!(table.contains(", signed "), "{table}");
    let (_, csv) = run(dir, REVIEWER, &["portfolio", ".", "--format", "csv"], "");
    assert!(csv.contains("\"signed\""), "{csv}");

    // secassess: trusted.
    let (code, out) = export_signed(dir, &trusted);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!(
            "sign-off by Ivy Reviewer <{IVY_EMAIL}>: signed by {IVY_EMAIL} with key {ivy_fingerprint}, trusted"
        )),
        "{out}"
    );
    // ssh-keygen, on the exported content: good.
    let (good, said) = ssh_keygen_verify(dir, &trusted, IVY_EMAIL, "sign-off");
    assert!(good, "{said}");
    assert!(
        said.contains(&format!("Good \"secassess\" signature for {IVY_EMAIL}")),
        "{said}"
    );
    let how = std::fs::read_to_string(dir.join("signed/HOW-TO-CHECK.txt")).expect("written");
    assert!(how.contains(&format!(
        "ssh-keygen -Y verify -f allowed_signers -I {IVY_EMAIL} -n secassess -s sign-off.txt.sig < sign-off.txt"
    )));
    // Without an allowed-signers file: checked over the content, the key not judged.
    let (code, out) = run(dir, REVIEWER, &["verify", FILE], "");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("not checked against an allowed-signers file"),
        "{out}"
    );
    // The pipeline gate.
    let trusted_arg = trusted.display().to_string();
    let (code, out) = run(
        dir,
        REVIEWER,
        &[
            "check",
            FILE,
            "--require-signed",
            "--allowed-signers",
            &trusted_arg,
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(dir, REVIEWER, &["check", FILE, "--require-signed"], "");
    assert_eq!(
        code,
        Some(2),
        "--require-signed needs --allowed-signers: {out}"
    );
    // The pack: cover and sign-off section, with the fingerprint.
    let (code, out) = run(
        dir,
        REVIEWER,
        &[
            "export",
            FILE,
            "--markdown",
            "pack.md",
            "--allowed-signers",
            &trusted_arg,
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let pack = std::fs::read_to_string(dir.join("pack.md")).expect("written");
    let trusted_words = format!("signed by {IVY_EMAIL} with key {ivy_fingerprint}, trusted");
    assert!(
        pack.matches(&trusted_words).count() >= 2,
        "cover and sign-off section:\n{pack}"
    );
    assert!(out.contains(&trusted_words), "the export's headline: {out}");
    let (_, _) = run(
        dir,
        REVIEWER,
        &["export", FILE, "--markdown", "unchecked.md"],
        "",
    );
    let unchecked = std::fs::read_to_string(dir.join("unchecked.md")).expect("written");
    assert!(
        unchecked.contains("not checked against an allowed-signers file"),
        "{unchecked}"
    );

    // Each stored part of the signature edited in the text: verify names the signature.
    type Edit = Box<dyn Fn(&str) -> String>;
    let edits: [(&str, Edit); 5] = [
        (
            "signed_at",
            Box::new(|t: &str| {
                // The last digit of the seconds, changed: still a valid time.
                let at = t.find("signed_at = \"").expect("a time") + 13;
                let z = at + t[at..].find('Z').expect("UTC") - 1;
                let digit = if &t[z..=z] == "9" { "8" } else { "9" };
                format!("{}{digit}{}", &t[..z], &t[z + 1..])
            }),
        ),
        (
            "content_sha256",
            Box::new(|t: &str| swap_hex_after(t, "content_sha256 = \"")),
        ),
        (
            "fingerprint",
            Box::new({
                let other = fingerprint(keys.path(), &other_public);
                move |t: &str| t.replacen(&ivy_fingerprint_for_edit(t), &other, 1)
            }),
        ),
        (
            "public_key",
            Box::new({
                let other = other_public.clone();
                move |t: &str| {
                    let start = t.find("public_key = \"").expect("a public key") + 14;
                    let end = start + t[start..].find('"').expect("its end");
                    format!(
                        "{}{}{}",
                        &t[..start],
                        other.rsplit_once(' ').map_or(other.as_str(), |(k, _)| k),
                        &t[end..]
                    )
                }
            }),
        ),
        (
            "sshsig",
            Box::new(|t: &str| {
                let start = t.find("-----BEGIN SSH SIGNATURE-----\n").expect("armour") + 30;
                let line_end = start + t[start..].find('\n').expect("a line");
                let middle = (start + line_end) / 2;
                let c = &t[middle..middle + 1];
                let replacement = if c == "A" { "B" } else { "A" };
                format!("{}{replacement}{}", &t[..middle], &t[middle + 1..])
            }),
        ),
    ];
    for (field, change) in &edits {
        let copy = copy_of(dir);
        let text = std::fs::read_to_string(copy.path().join(FILE)).expect("readable");
        let start = text.find("[sign_off.signature]").expect("signed");
        let edited = format!("{}{}", &text[..start], change(&text[start..]));
        assert_ne!(edited, text, "{field}: the edit changed nothing");
        std::fs::write(copy.path().join(FILE), edited).expect("written");
        let (code, out) = run(
            copy.path(),
            REVIEWER,
            &[
                "verify",
                FILE,
                "--allowed-signers",
                &trusted.display().to_string(),
            ],
            "",
        );
        assert_eq!(code, Some(1), "{field}: {out}");
        assert!(out.contains("the sign-off's signature"), "{field}: {out}");
        if *field != "content_sha256" {
            // The content hash beside it is only a record of what was signed: the
            // signature itself is still over this content.
            assert!(!out.contains(", trusted"), "{field}: {out}");
        }
    }

    // 1. A key the allowed-signers file does not list.
    let strangers = allowed(
        keys.path(),
        "strangers",
        &[format!("{IVY_EMAIL} {other_public}")],
    );
    let (code, out) = export_signed(dir, &strangers);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("signed, key not in allowed signers"), "{out}");
    assert!(
        out.contains("the key is not in the allowed-signers file"),
        "{out}"
    );
    let (good, said) = ssh_keygen_verify(dir, &strangers, IVY_EMAIL, "sign-off");
    assert!(!good, "ssh-keygen agrees: {said}");
    let (code, _) = run(
        dir,
        REVIEWER,
        &[
            "check",
            FILE,
            "--require-signed",
            "--allowed-signers",
            &strangers.display().to_string(),
        ],
        "",
    );
    assert_eq!(code, Some(1));

    // 2. A principal that is not the signer's e-mail: Ivy's key, listed for someone else.
    let mallory = allowed(
        keys.path(),
        "mallory",
        &[format!("mallory@example.nhs.uk {ivy_public}")],
    );
    let (code, out) = export_signed(dir, &mallory);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "lists the key for mallory@example.nhs.uk, not {IVY_EMAIL}"
        )),
        "{out}"
    );
    let (good, said) = ssh_keygen_verify(dir, &mallory, IVY_EMAIL, "sign-off");
    assert!(!good, "ssh-keygen agrees: {said}");
    // ... and a sign-off that names Mallory (her e-mail typed into the record) fails
    // whatever the allowed-signers file says: the principal is signed.
    let moved = copy_of(dir);
    edit(&moved.path().join(FILE), |t| {
        t.replacen(
            &format!("email = \"{IVY_EMAIL}\""),
            "email = \"mallory@example.nhs.uk\"",
            1,
        )
    });
    let (code, out) = export_signed(moved.path(), &mallory);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("signature does not match the content"),
        "{out}"
    );
    let (good, said) =
        ssh_keygen_verify(moved.path(), &mallory, "mallory@example.nhs.uk", "sign-off");
    assert!(!good, "ssh-keygen agrees: {said}");

    // 3. A signature copied from another assessment: another assessment with the same
    // answers (created separately, so another identity), signed off by Ivy too, gets this
    // one's signature pasted in.
    let block = |text: &str| -> String {
        let start = text
            .find("[sign_off.signature]")
            .expect("a signature table");
        let rest = &text[start..];
        let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
        rest[..end].to_string()
    };
    let mine = block(&std::fs::read_to_string(dir.join(FILE)).expect("readable"));
    let other_dir = tempfile::tempdir().expect("temp dir");
    answered(other_dir.path());
    sign_off_with(other_dir.path(), &ivy_key, "");
    edit(&other_dir.path().join(FILE), |t| {
        let theirs = block(&t);
        t.replacen(&theirs, &mine, 1)
    });
    let (code, out) = export_signed(other_dir.path(), &trusted);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("signature does not match the content"),
        "{out}"
    );
    assert!(
        out.contains("the sign-off's signature does not verify over what it says it signed"),
        "{out}"
    );
    let (good, said) = ssh_keygen_verify(other_dir.path(), &trusted, IVY_EMAIL, "sign-off");
    assert!(!good, "ssh-keygen agrees: {said}");

    // 4. Content changed after signing (through secassess, so no integrity problem).
    let (code, out) = run(
        dir,
        LEAD,
        &[
            "answer",
            FILE,
            "--set",
            "internet_accessible=no",
            "--after-sign-off",
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = export_signed(dir, &trusted);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("signature does not match the content (key")
            && out.contains("the content changed after it was signed"),
        "{out}"
    );
    let (good, said) = ssh_keygen_verify(dir, &trusted, IVY_EMAIL, "sign-off");
    assert!(!good, "ssh-keygen agrees: {said}");
}

#[test]
fn an_encrypted_key_asks_its_passphrase_and_nothing_secret_is_written() {
    if !have_ssh_keygen() {
        eprintln!("ssh-keygen is not installed; skipping (CI installs openssh-client)");
        return;
    }
    let keys = tempfile::tempdir().expect("temp dir");
    let (key, public) = keygen(keys.path(), "ivy", &["-t", "ed25519"], PASSPHRASE);
    let trusted = allowed(keys.path(), "allowed", &[format!("{IVY_EMAIL} {public}")]);
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path();
    answered(dir);
    // A wrong passphrase first, then the right one, each one line of the input.
    let out = sign_off_with(dir, &key, &format!("not it\n{PASSPHRASE}\n"));
    assert!(out.contains("Passphrase for"), "{out}");
    assert!(out.contains("That passphrase does not open"), "{out}");
    assert!(out.contains("Signed with the SSH key SHA256:"), "{out}");
    let (code, verified) = export_signed(dir, &trusted);
    assert_eq!(code, Some(0), "{verified}");
    assert!(verified.contains(", trusted"), "{verified}");
    let (good, said) = ssh_keygen_verify(dir, &trusted, IVY_EMAIL, "sign-off");
    assert!(good, "{said}");
    run(
        dir,
        REVIEWER,
        &[
            "export",
            FILE,
            "--pdf",
            "pack.pdf",
            "--markdown",
            "pack.md",
            "--json",
            "pack.json",
        ],
        "",
    );

    // Nothing secret anywhere: not the passphrase; not the private key (its secret seed
    // in hex or base64, or any 40-character run of its unencrypted file that is not also
    // in its public key).
    let open = ssh_key::PrivateKey::read_openssh_file(&key)
        .and_then(|k| k.decrypt(PASSPHRASE))
        .expect("the test key opens");
    let seed = open
        .key_data()
        .ed25519()
        .expect("an Ed25519 key")
        .private
        .to_bytes();
    let seed_hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    let seed_base64 = base64(&seed);
    let unencrypted = open
        .to_openssh(ssh_key::LineEnding::LF)
        .expect("encodes")
        .to_string();
    let body: String = unencrypted
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let public_body = public
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let chunks: Vec<String> = body
        .as_bytes()
        .chunks(40)
        .filter(|c| c.len() == 40)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .filter(|c| !public_body.contains(c.as_str()))
        .collect();
    assert!(
        chunks.len() > 3,
        "the secret part of the key is searched for"
    );
    let mut searched = vec![(String::from("the review's output"), out.clone())];
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).expect("readable");
        searched.push((
            entry.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    for (name, text) in &searched {
        assert!(!text.contains(PASSPHRASE), "the passphrase is in {name}");
        assert!(!text.contains("PRIVATE KEY"), "a private key is in {name}");
        assert!(
            !text.contains(&seed_hex) && !text.contains(&seed_base64),
            "the secret key is in {name}"
        );
        for chunk in &chunks {
            assert!(
                !text.contains(chunk),
                "part of the private key is in {name}"
            );
        }
    }
    assert!(
        searched.len() > 5,
        "the file, its .bak, the pack and the signed content were searched"
    );

    // Three wrong passphrases: nothing signed, nothing changed.
    let again = tempfile::tempdir().expect("temp dir");
    answered(again.path());
    let before = std::fs::read_to_string(again.path().join(FILE)).expect("readable");
    let out = ok(
        again.path(),
        REVIEWER,
        &["review", FILE, "--key", &key.display().to_string()],
        &format!("{}yes\n\nno\nnope\nnever\n", "a\n".repeat(80)),
    );
    assert!(out.contains("(3 tries); nothing was signed"), "{out}");
    assert!(out.contains("Not signed off."), "{out}");
    let after = std::fs::read_to_string(again.path().join(FILE)).expect("readable");
    assert!(!after.contains("[sign_off]"), "not signed off");
    assert_ne!(before, after, "the answers were accepted");
}

/// The text with the first hex digit after `marker` changed.
fn swap_hex_after(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("the field") + marker.len();
    let c = &text[at..at + 1];
    let replacement = if c == "0" { "1" } else { "0" };
    format!("{}{replacement}{}", &text[..at], &text[at + 1..])
}

/// The fingerprint stored in a signature table.
fn ivy_fingerprint_for_edit(text: &str) -> String {
    let start = text.find("fingerprint = \"").expect("a fingerprint") + 15;
    let end = start + text[start..].find('"').expect("its end");
    text[start..end].to_string()
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("listable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn ecdsa_and_rsa_keys_sign_too() {
    if !have_ssh_keygen() {
        eprintln!("ssh-keygen is not installed; skipping (CI installs openssh-client)");
        return;
    }
    let keys = tempfile::tempdir().expect("temp dir");
    let base = tempfile::tempdir().expect("temp dir");
    answered(base.path());
    for (name, kind) in [
        ("ecdsa256", &["-t", "ecdsa", "-b", "256"][..]),
        ("ecdsa384", &["-t", "ecdsa", "-b", "384"][..]),
        ("rsa", &["-t", "rsa", "-b", "2048"][..]),
    ] {
        let (key, public) = keygen(keys.path(), name, kind, "");
        let trusted = allowed(
            keys.path(),
            &format!("{name}.allowed"),
            &[format!("{IVY_EMAIL} {public}")],
        );
        let work = copy_of(base.path());
        let out = sign_off_with(work.path(), &key, "");
        assert!(
            out.contains("Signed with the SSH key SHA256:"),
            "{name}: {out}"
        );
        let (code, out) = export_signed(work.path(), &trusted);
        assert_eq!(code, Some(0), "{name}: {out}");
        assert!(out.contains(", trusted"), "{name}: {out}");
        let (good, said) = ssh_keygen_verify(work.path(), &trusted, IVY_EMAIL, "sign-off");
        assert!(good, "{name}: {said}");
    }
}

#[test]
fn a_business_owner_signs_their_own_risk_acceptance() {
    if !have_ssh_keygen() {
        eprintln!("ssh-keygen is not installed; skipping (CI installs openssh-client)");
        return;
    }
    let keys = tempfile::tempdir().expect("temp dir");
    let (pat_key, pat_public) = keygen(keys.path(), "pat", &["-t", "ed25519"], "");
    let trusted = allowed(
        keys.path(),
        "allowed",
        &[format!("pat@example.nhs.uk {pat_public}")],
    );
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path();
    ok(dir, LEAD, &["new", "Ward rota"], "");
    let out = ok(
        dir,
        LEAD,
        &[
            "finding",
            "add",
            FILE,
            "--title",
            "Supplier desk resets passwords by phone",
        ],
        "",
    );
    assert!(out.contains("F-001"), "{out}");
    let key = pat_key.display().to_string();
    let accept = |who: &str, extra: &[&str]| {
        let mut args = vec![
            "finding",
            "accept",
            FILE,
            "F-001",
            "--by",
            PAT,
            "--role",
            "Business owner",
            "--review",
            "2099-01-01",
            "--rationale",
            "Call-back before any reset, until the January release",
        ];
        args.extend_from_slice(extra);
        run(dir, who, &args, "")
    };
    // The project lead cannot sign Pat's decision with a key.
    let (code, out) = accept(LEAD, &["--key", &key]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--key signs only your own decision"), "{out}");
    // Recorded by the lead on Pat's behalf: unsigned, with how Pat signs it.
    let (code, out) = accept(LEAD, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("Unsigned: recorded on behalf of Pat Owner"),
        "{out}"
    );
    assert!(out.contains("secassess finding sign"), "{out}");
    // Pat signs it.
    let (code, out) = run(
        dir,
        PAT,
        &["finding", "sign", FILE, "F-001", "--key", &key],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("Signature: risk acceptance: signed by pat@example.nhs.uk"),
        "{out}"
    );
    let (code, out) = export_signed(dir, &trusted);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("risk acceptance on F-001 by Pat Owner <pat@example.nhs.uk>: signed by pat@example.nhs.uk with key SHA256:"),
        "{out}"
    );
    let (good, said) =
        ssh_keygen_verify(dir, &trusted, "pat@example.nhs.uk", "risk-acceptance-F-001");
    assert!(good, "{said}");
    // The pack says so where the acceptance is shown and in the sign-off section.
    let trusted_arg = trusted.display().to_string();
    let (code, out) = run(
        dir,
        LEAD,
        &[
            "export",
            FILE,
            "--markdown",
            "pack.md",
            "--allowed-signers",
            &trusted_arg,
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let md = std::fs::read_to_string(dir.join("pack.md")).expect("pack written");
    let section = md
        .split("#### Signatures of risk acceptances and exceptions")
        .nth(1)
        .expect("the sign-off section lists the decisions' signatures");
    assert!(
        section.contains(r"risk acceptance on F-001 by Pat Owner \<pat@example.nhs.uk\>: signed by pat@example.nhs.uk with key SHA256:")
            && section.contains(", trusted"),
        "{section}"
    );
    assert!(
        md.contains("Signature: signed by pat@example.nhs.uk with key SHA256:"),
        "the register says it too"
    );
    // Someone else cannot sign it.
    let (code, out) = run(
        dir,
        LEAD,
        &["finding", "sign", FILE, "F-001", "--key", &key],
        "",
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("nothing for you to sign"), "{out}");
    // Pat recording it herself signs at once.
    let (code, out) = accept(PAT, &["--key", &key]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("Signature: risk acceptance: signed by pat@example.nhs.uk"),
        "{out}"
    );
    // The risk described differently after she signed: no longer what she accepted.
    let (code, out) = run(
        dir,
        LEAD,
        &[
            "finding",
            "plan",
            FILE,
            "F-001",
            "--actions",
            "x",
            "--owner",
            "Sam",
            "--target",
            "2099-01-01",
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = export_signed(dir, &trusted);
    assert_eq!(
        code,
        Some(0),
        "a plan does not change what was accepted: {out}"
    );
}
