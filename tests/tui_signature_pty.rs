//! Signing off in the terminal UI with an encrypted SSH key, in a real pseudo-terminal:
//! the key is found in `~/.ssh`, the sign-off form says it will be signed with it, the
//! passphrase box shows bullets and never the passphrase, a wrong passphrase is refused
//! with the box kept open, the right one signs, and `secassess verify` and `ssh-keygen
//! -Y verify` both accept the signature. Nothing secret reaches the file.
#![cfg(unix)]

mod pty_support;
mod signoff_support;

use std::process::{Command, Stdio};

use pty_support::Tui;
use signoff_support::*;

const PASSPHRASE: &str = "pty passphrase 19";

#[test]
fn signing_off_in_the_tui_with_an_encrypted_key() {
    if Command::new("ssh-keygen")
        .arg("-?")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("ssh-keygen is not installed; skipping (CI installs openssh-client)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    answered(home);
    // The reviewer accepts every answer, and does not sign off yet.
    let out = ok(
        home,
        REVIEWER,
        &["review", FILE],
        &format!("{}no\n", "a\n".repeat(80)),
    );
    assert!(out.contains("Not signed off."), "{out}");
    // Ivy's key, where OpenSSH keeps it, encrypted.
    std::fs::create_dir_all(home.join(".ssh")).expect("made");
    let key = home.join(".ssh/id_ed25519");
    let status = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            PASSPHRASE,
            "-C",
            "ivy laptop",
            "-f",
        ])
        .arg(&key)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success());
    let public = std::fs::read_to_string(home.join(".ssh/id_ed25519.pub")).expect("public key");

    let file = home.join(FILE).display().to_string();
    let mut tui = Tui::start(
        home,
        &["open", &file],
        (120, 40),
        &[
            ("SECASSESS_NAME", "Ivy Reviewer"),
            ("SECASSESS_EMAIL", "ivy@example.nhs.uk"),
            ("SECASSESS_ROLE", "IG representative"),
        ],
    );
    tui.wait_for("[saved");
    tui.send("S");
    tui.wait_for("Sign off the assessment");
    tui.wait_for("Signed as ivy@example.nhs.uk with your SSH key ~/.ssh/id_ed25519");
    tui.wait_for("Its passphrase is asked next.");
    tui.send("\r");
    tui.wait_for("Signing the sign-off: your SSH key's passphrase");
    tui.wait_for("Passphrase for ~/.ssh/id_ed25519 (not shown)");

    // A wrong passphrase: bullets on the screen, refused, the box stays open and empty.
    for c in "not the passphrase".chars() {
        tui.send(&c.to_string());
    }
    tui.wait_for("••••••••••••••••••");
    assert!(
        !tui.screen().contains("not the passphrase"),
        "{}",
        tui.screen()
    );
    tui.send("\r");
    tui.wait_for("That passphrase does not open ~/.ssh/id_ed25519; try again (2 more).");

    for c in PASSPHRASE.chars() {
        tui.send(&c.to_string());
    }
    tui.wait_for("•••••••••••••••••");
    assert!(!tui.screen().contains(PASSPHRASE), "{}", tui.screen());
    tui.send("\r");
    tui.wait_for("Signed off. Signed with the SSH key SHA256:");
    tui.wait_for("[saved");
    // The overview says it too.
    tui.send("v");
    tui.wait_for("Sign-off signature: signed by ivy@example.nhs.uk with key SHA256:");
    tui.send("q");
    let (success, alternate) = tui.wait_exit();
    assert!(success && !alternate, "quit cleanly");

    let text = std::fs::read_to_string(home.join(FILE)).expect("readable");
    assert!(text.contains("-----BEGIN SSH SIGNATURE-----"), "signed");
    assert!(
        !text.contains(PASSPHRASE),
        "the passphrase is not in the file"
    );
    let bak = std::fs::read_to_string(home.join(format!("{FILE}.bak"))).expect("backup");
    assert!(!bak.contains(PASSPHRASE));

    let allowed = home.join("allowed_signers");
    std::fs::write(&allowed, format!("ivy@example.nhs.uk {public}")).expect("written");
    let allowed_arg = allowed.display().to_string();
    let out = ok(
        home,
        REVIEWER,
        &[
            "verify",
            FILE,
            "--allowed-signers",
            &allowed_arg,
            "--export-signed-content",
            "signed",
        ],
        "",
    );
    assert!(
        out.contains("sign-off by Ivy Reviewer <ivy@example.nhs.uk>: signed by ivy@example.nhs.uk with key SHA256:")
            && out.contains(", trusted"),
        "{out}"
    );
    let content = std::fs::File::open(home.join("signed/sign-off.txt")).expect("exported");
    let o = Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            &allowed_arg,
            "-I",
            "ivy@example.nhs.uk",
            "-n",
            "secassess",
            "-s",
        ])
        .arg(home.join("signed/sign-off.txt.sig"))
        .stdin(content)
        .output()
        .expect("ssh-keygen runs");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
