//! Signing decisions in the TUI without a terminal: a business owner recording their own
//! risk acceptance signs it with their key (an encrypted key asks its passphrase in a
//! masked box; a wrong one is refused, three sign nothing, Esc leaves it recorded,
//! unsigned), and someone recording it on their behalf cannot sign it. Each signature is
//! checked with secassess's own verification. The sign-off itself, in a real
//! pseudo-terminal, is `tui_signature_pty.rs`.

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secassess::assessment::findings::{self, Actor, NewFinding};
use secassess::assessment::record::{Assessment, Person, Severity, System};
use secassess::assessment::signature::{check_all, Kind, SignatureState};
use secassess::questionnaire::load_embedded;
use secassess::store::signing_key::{self, Signer};
use secassess::tui::app::{update, App, Msg, Screen};
use secassess::tui::theme::Theme;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:41:00Z")
        .expect("valid time")
        .with_timezone(&Utc)
}

fn person(name: &str, email: &str) -> Person {
    Person {
        name: name.into(),
        role: String::new(),
        email: email.into(),
    }
}

fn ann() -> Person {
    person("Ann Lead", "ann@example.nhs.uk")
}

fn pat() -> Person {
    person("Pat Owner", "pat@example.nhs.uk")
}

/// An assessment with one finding, open in the TUI as `who`, signing with `signer`.
fn app(who: Person, signer: Signer) -> App {
    app_on(who, signer, Vec::new())
}

/// The same, the finding linked to `obligations`.
fn app_on(who: Person, signer: Signer, obligations: Vec<String>) -> App {
    let catalogue = load_embedded().expect("embedded content loads");
    let mut assessment = Assessment::new(
        System {
            name: "Ward rota".into(),
            description: String::new(),
        },
        ann(),
        &catalogue,
        now(),
    );
    let lead = ann();
    findings::create_finding(
        &mut assessment,
        &catalogue,
        NewFinding {
            title: "Supplier desk resets passwords by phone".into(),
            obligations,
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Medium,
            owner: "Sam Tech".into(),
        },
        &Actor {
            who: &lead,
            now: now(),
            today: now().date_naive(),
        },
    )
    .expect("raised");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who),
        Vec::new(),
    );
    app.open("rota.secassess.toml".into(), assessment, None);
    app.signer = signer;
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(
        app,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        now(),
    );
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// `f`, then `a` on F-001, and the acceptance form filled in for Pat.
fn accept_for_pat(app: &mut App) {
    key(app, KeyCode::Char('f'));
    assert_eq!(app.screen, Screen::Findings);
    key(app, KeyCode::Char('a'));
    type_text(app, "Pat Owner <pat@example.nhs.uk>");
    key(app, KeyCode::Tab);
    key(app, KeyCode::Tab);
    type_text(app, "Call-back before any reset");
    key(app, KeyCode::Tab);
    key(app, KeyCode::Tab);
    type_text(app, "2027-06-01");
    key(app, KeyCode::Enter);
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The fingerprint of the risk acceptance's signature, once secassess's own check says
/// it is a valid signature by the decider over the acceptance as recorded (no
/// allowed-signers file here: which key is whose is `tests/signature.rs`'s business).
fn signature(app: &App) -> Option<String> {
    let document = app.document.as_ref()?;
    let acceptance = document.assessment.findings[0].acceptance.as_ref()?;
    let recorded = acceptance.signature.as_ref().map(|s| s.fingerprint.clone());
    let checks = check_all(&document.assessment, None);
    let check = checks
        .iter()
        .find(|c| c.kind == Kind::RiskAcceptance)
        .expect("the acceptance is checked");
    match (&check.state, recorded) {
        (SignatureState::Unsigned, None) => None,
        (
            SignatureState::NotChecked {
                principal,
                fingerprint,
            },
            Some(recorded),
        ) => {
            assert_eq!(principal, "pat@example.nhs.uk");
            assert_eq!(fingerprint, &recorded);
            Some(recorded)
        }
        (state, recorded) => panic!("a signature that does not verify: {state:?} ({recorded:?})"),
    }
}

/// A key made by ssh-keygen; `None` when ssh-keygen is not installed.
fn keygen(dir: &Path, passphrase: &str) -> Option<Signer> {
    let path = dir.join("id_ed25519");
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", "pat", "-f"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    assert!(status.success());
    Some(Signer::Key(Box::new(
        signing_key::read(&path, false).expect("the key reads"),
    )))
}

#[test]
fn a_business_owner_signs_their_own_acceptance_with_an_encrypted_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "owner secret") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let mut app = app(pat(), signer);
    accept_for_pat(&mut app);
    assert!(
        status(&app).contains("Risk acceptance recorded on F-001."),
        "{}",
        status(&app)
    );
    let form = app.form.as_ref().expect("the passphrase box");
    assert!(
        form.title.contains("your risk acceptance on F-001"),
        "{}",
        form.title
    );
    type_text(&mut app, "wrong");
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("still open");
    assert!(
        form.fields[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("That passphrase does not open")),
        "{:?}",
        form.fields[0].error
    );
    assert!(signature(&app).is_none());
    type_text(&mut app, "owner secret");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none());
    assert!(
        status(&app).starts_with("Signed with your SSH key SHA256:"),
        "{}",
        status(&app)
    );
    let fingerprint = signature(&app).expect("signed");
    assert!(status(&app).contains(&fingerprint), "{}", status(&app));
    let document = app.document.as_ref().expect("open");
    let text = format!("{:?}", document.assessment);
    assert!(
        !text.contains("owner secret") && !text.contains("wrong"),
        "no passphrase reaches the record"
    );
}

#[test]
fn three_wrong_passphrases_sign_nothing_and_keep_the_decision() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "owner secret") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let mut app = app(pat(), signer);
    accept_for_pat(&mut app);
    for attempt in 1..=3 {
        assert!(app.form.is_some(), "the box is open for try {attempt}");
        type_text(&mut app, &format!("guess {attempt}"));
        key(&mut app, KeyCode::Enter);
    }
    assert!(app.form.is_none(), "three tries, then the box closes");
    assert!(
        status(&app).starts_with("That passphrase does not open")
            && status(&app).ends_with("(3 tries); nothing was signed."),
        "{}",
        status(&app)
    );
    let document = app.document.as_ref().expect("open");
    assert!(document.assessment.findings[0].acceptance.is_some());
    assert!(signature(&app).is_none());
}

#[test]
fn a_key_without_a_passphrase_signs_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let mut app = app(pat(), signer);
    accept_for_pat(&mut app);
    assert!(app.form.is_none());
    assert!(
        status(&app).contains("Signed with your SSH key SHA256:"),
        "{}",
        status(&app)
    );
    assert!(signature(&app).is_some());
}

#[test]
fn esc_on_the_passphrase_box_leaves_the_decision_unsigned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "owner secret") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let mut app = app(pat(), signer);
    accept_for_pat(&mut app);
    assert!(app.form.is_some());
    type_text(&mut app, "half typ");
    key(&mut app, KeyCode::Esc);
    assert!(
        app.form.is_none(),
        "Esc closes the box at once: a passphrase is never kept"
    );
    assert!(app.prompt.is_none());
    assert_eq!(
        status(&app),
        "The risk acceptance on F-001 is recorded, unsigned."
    );
    let document = app.document.as_ref().expect("open");
    assert!(document.assessment.findings[0].acceptance.is_some());
    assert!(signature(&app).is_none());
}

#[test]
fn someone_recording_it_on_the_owners_behalf_cannot_sign_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let mut app = app(ann(), signer);
    accept_for_pat(&mut app);
    assert!(app.form.is_none());
    assert!(
        status(&app)
            .contains("Unsigned: Pat Owner <pat@example.nhs.uk> signs it with their own key"),
        "{}",
        status(&app)
    );
    assert!(signature(&app).is_none());
}

#[test]
fn an_approver_signs_their_own_exception_approval() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(signer) = keygen(dir.path(), "approver secret") else {
        eprintln!("ssh-keygen is not installed; skipping");
        return;
    };
    let cy = person("Cy Sec", "cy@example.nhs.uk");
    let mut app = app_on(cy, signer, vec![String::from("shared-account-exception")]);
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "Cy Sec <cy@example.nhs.uk>");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "CS-42");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert!(
        status(&app).contains("Exception approval recorded on F-001."),
        "{}",
        status(&app)
    );
    let form = app.form.as_ref().expect("the passphrase box");
    assert!(
        form.title.contains("your exception approval on F-001"),
        "{}",
        form.title
    );
    type_text(&mut app, "approver secret");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none());
    assert!(
        status(&app).starts_with("Signed with your SSH key SHA256:"),
        "{}",
        status(&app)
    );
    let document = app.document.as_ref().expect("open");
    let check = check_all(&document.assessment, None)
        .into_iter()
        .find(|c| c.kind == Kind::ExceptionApproval)
        .expect("the exception is checked");
    assert!(
        matches!(
            &check.state,
            SignatureState::NotChecked { principal, .. } if principal == "cy@example.nhs.uk"
        ),
        "{:?}",
        check.state
    );
}
