//! Signing in the TUI: the key that signs ([`App::signer`], chosen by the shell from
//! `--key`, `--no-key` or `~/.ssh`), the masked passphrase box an encrypted key asks for,
//! and what is signed once it opens: the reviewer's sign-off (`S`), or a risk acceptance
//! or exception approval the user recorded as the person who decided it. The same rules
//! as review mode and `secassess finding` (`plain::passphrase`): Enter alone goes on
//! unsigned with a key found in `~/.ssh` (never with one given by `--key`), three wrong
//! passphrases sign nothing, and the passphrase is wiped once used and never shown.
//!
//! Pure like the rest of `update`: opening a key is computation (bcrypt-pbkdf), not I/O;
//! the shell read the key file before the screen opened.

use chrono::{DateTime, Utc};
use ssh_key::PrivateKey;
use zeroize::Zeroizing;

use super::changes;
use super::form::{Form, FormKind};
use super::state::{App, Effect, Pending, Tone, Waiting};
use super::text_box::TextBox;
use crate::assessment::identity::same;
use crate::assessment::sign_off::{self, Judged};
use crate::assessment::signature::{self, Kind};
use crate::store::signing_key::{shown_path, Signer, SigningKey};

/// How many passphrases are tried before giving up.
const TRIES: usize = 3;

/// The passphrase box for `key`, saying what it signs.
fn passphrase_form(key: &SigningKey, what: &str, principal: &str) -> Form {
    let mut form = Form::new(
        FormKind::Passphrase,
        &format!("Signing {what}: your SSH key's passphrase"),
        &[(
            &format!("Passphrase for {} (not shown)", shown_path(&key.path)),
            "",
        )],
    );
    if let Some(field) = form.fields.first_mut() {
        field.text = TextBox::new("", false).masked();
    }
    let skip = match (what == "the sign-off", key.chosen) {
        (true, true) => "Esc: do not sign off.",
        (true, false) => "Enter alone: sign off unsigned. Esc: do not sign off.",
        (false, _) => "Enter alone or Esc: leave it recorded, unsigned.",
    };
    form.hint = Some(format!(
        "Signing as {principal} with {}\n{}.\nThe passphrase opens the key for this signature only; never kept.\n{skip}",
        shown_path(&key.path),
        key.fingerprint()
    ));
    form
}

/// What to say of an unsigned sign-off when there is no key to sign with.
fn unsigned_note(signer: &Signer) -> String {
    match signer {
        Signer::Unsigned(why) => format!("unsigned: {why}"),
        Signer::Key(_) => String::from("unsigned"),
    }
}

/// The hint of the sign-off form: which key will sign, or why it will be unsigned, in
/// short lines (the form's box is 72 columns).
pub fn sign_off_hint(app: &App) -> String {
    let email = app
        .who
        .as_ref()
        .map(|w| w.email.clone())
        .unwrap_or_default();
    match &app.signer {
        Signer::Key(key) if email.trim().is_empty() => format!(
            "Unsigned: a signature needs your e-mail address (your settings,\nor --as \"Name <email>\"); key {} not used.",
            shown_path(&key.path)
        ),
        Signer::Key(key) => format!(
            "Signed as {email} with your SSH key {}\n({}).{}",
            shown_path(&key.path),
            key.fingerprint(),
            if key.is_encrypted() {
                "\nIts passphrase is asked next."
            } else {
                ""
            }
        ),
        other => format!(
            "{}.\nA signature proves which key signed (README, Who is who).",
            capitalise(&unsigned_note(other))
        ),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sign-off form was saved with `statement`: signs off at once (unsigned, or with a
/// key that is not encrypted), or asks the passphrase first.
pub fn sign_off(
    app: &mut App,
    mut form: Form,
    statement: String,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let email = app
        .who
        .as_ref()
        .map(|w| w.email.clone())
        .unwrap_or_default();
    let key = match &app.signer {
        Signer::Key(key) if email.trim().is_empty() && key.chosen => {
            form.error = Some(String::from(
                "A signature needs your e-mail address (the principal an allowed-signers file lists your key under); set it, or start secassess without --key to sign off unsigned.",
            ));
            app.form = Some(form);
            return Vec::new();
        }
        Signer::Key(key) if !email.trim().is_empty() => Some(key.clone()),
        _ => None,
    };
    match key {
        Some(key) if key.is_encrypted() => {
            app.pending_signature = Some(Pending {
                waiting: Waiting::SignOff { statement },
                tries: 0,
            });
            app.form = Some(passphrase_form(&key, "the sign-off", &email));
            Vec::new()
        }
        Some(key) => {
            let ready = key.ready().cloned();
            finish_sign_off(app, Some(form), &statement, ready.as_ref(), now)
        }
        None => finish_sign_off(app, Some(form), &statement, None, now),
    }
}

/// Signs off with `key` (or unsigned); on a refusal the form (if any) comes back with why.
fn finish_sign_off(
    app: &mut App,
    form: Option<Form>,
    statement: &str,
    key: Option<&PrivateKey>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let evidence = app
        .document
        .as_ref()
        .map(|d| d.evidence.clone())
        .unwrap_or_default();
    let result = changes::change_or_say(app, now, |a, c, actor| {
        let judged = Judged {
            catalogue: c,
            evidence: &evidence,
            today: actor.today,
        };
        sign_off::sign_off(a, &judged, statement, actor.who, actor.now, key)
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => {
            let how = app
                .document
                .as_ref()
                .and_then(|d| d.assessment.sign_off.as_ref())
                .and_then(|s| s.signature.as_ref())
                .map_or_else(
                    || capitalise(&unsigned_note(&app.signer)),
                    |g| format!("Signed with the SSH key {}", g.fingerprint),
                );
            app.say(Tone::Good, format!("Signed off. {how}."));
            vec![Effect::Save]
        }
        Err(problem) => {
            match form {
                Some(mut form) => {
                    form.error = Some(problem);
                    app.form = Some(form);
                }
                None => app.say(Tone::Error, format!("Not signed off: {problem}")),
            }
            Vec::new()
        }
    }
}

/// After a risk acceptance or exception approval on `finding` was recorded: when the
/// user is the person it names and has a key, signs it (asking the passphrase of an
/// encrypted key). Returns what to add to the status message.
pub fn after_decision(app: &mut App, finding: &str, kind: Kind, now: DateTime<Utc>) -> String {
    let Some(who) = app.who.clone() else {
        return String::new();
    };
    let decider = app.document.as_ref().and_then(|d| {
        let f = d.assessment.findings.iter().find(|f| f.id == finding)?;
        match kind {
            Kind::RiskAcceptance => f.acceptance.as_ref().map(|a| a.accepted_by.clone()),
            Kind::ExceptionApproval => f.exception.as_ref().map(|e| e.approved_by.clone()),
            Kind::SignOff => None,
        }
    });
    let Some(decider) = decider else {
        return String::new();
    };
    let Signer::Key(key) = &app.signer else {
        return String::from(" Unsigned.");
    };
    if !same(&decider, &who) {
        return format!(
            " Unsigned: {} signs it with their own key (secassess finding sign FILE {finding}, acting as themselves).",
            decider.signature()
        );
    }
    if who.email.trim().is_empty() {
        return String::from(" Unsigned: a signature needs your e-mail address.");
    }
    let key = key.clone();
    if key.is_encrypted() {
        app.pending_signature = Some(Pending {
            waiting: Waiting::Decision {
                finding: finding.to_string(),
                kind,
            },
            tries: 0,
        });
        app.form = Some(passphrase_form(
            &key,
            &format!("your {} on {finding}", kind.words()),
            &who.email,
        ));
        return String::from(" Type your key's passphrase to sign it.");
    }
    match key.ready().cloned() {
        Some(open) => sign_decision(app, finding, kind, &open, now),
        None => String::new(),
    }
}

fn sign_decision(
    app: &mut App,
    finding: &str,
    kind: Kind,
    key: &PrivateKey,
    now: DateTime<Utc>,
) -> String {
    let result = changes::change_or_say(app, now, |a, c, actor| {
        signature::sign_decision(a, c, finding, kind, key, actor).map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => format!(
            " Signed with your SSH key {}.",
            key.public_key().fingerprint(ssh_key::HashAlg::Sha256)
        ),
        Err(problem) => format!(" Not signed: {problem}"),
    }
}

/// The passphrase box was saved: opens the key and signs what waits, or says why not.
pub fn submit_passphrase(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(mut form) = app.form.take() else {
        return Vec::new();
    };
    let Some(mut pending) = app.pending_signature.take() else {
        return Vec::new();
    };
    let Signer::Key(key) = app.signer.clone() else {
        return Vec::new();
    };
    // As typed (spaces count), then wiped from the box.
    let passphrase = Zeroizing::new(
        form.fields
            .first()
            .map(|f| f.text.text())
            .unwrap_or_default(),
    );
    if let Some(field) = form.fields.first_mut() {
        field.text = TextBox::new("", false).masked();
    }
    let key_opened = if passphrase.is_empty() {
        // A sign-off with a key given by --key is signed or not made; a decision already
        // recorded may stay unsigned.
        if key.chosen && matches!(pending.waiting, Waiting::SignOff { .. }) {
            form.field_error(
                0,
                "Type the passphrase, or press Esc not to sign (the key was given with --key).",
            );
            app.pending_signature = Some(pending);
            app.form = Some(form);
            return Vec::new();
        }
        None
    } else {
        match key.unlock(&passphrase) {
            Ok(open) => Some(open),
            Err(e) => {
                pending.tries += 1;
                if pending.tries >= TRIES {
                    app.say(
                        Tone::Error,
                        format!(
                            "{} ({TRIES} tries); nothing was signed.",
                            capitalise(&e.to_string())
                        ),
                    );
                    return Vec::new();
                }
                form.field_error(
                    0,
                    format!(
                        "{}; try again ({} more).",
                        capitalise(&e.to_string()),
                        TRIES - pending.tries
                    ),
                );
                app.pending_signature = Some(pending);
                app.form = Some(form);
                return Vec::new();
            }
        }
    };
    match pending.waiting {
        Waiting::SignOff { statement } => {
            finish_sign_off(app, None, &statement, key_opened.as_ref(), now)
        }
        Waiting::Decision { finding, kind } => match key_opened {
            Some(open) => {
                let said = sign_decision(app, &finding, kind, &open, now);
                let tone = if said.starts_with(" Signed") {
                    Tone::Good
                } else {
                    Tone::Error
                };
                app.say(tone, said.trim().to_string());
                vec![Effect::Save]
            }
            None => {
                app.say(
                    Tone::Info,
                    format!("The {} on {finding} is recorded, unsigned.", kind.words()),
                );
                Vec::new()
            }
        },
    }
}

/// Esc on the passphrase box: nothing is signed (a decision already recorded stays).
pub fn cancel(app: &mut App) {
    if let Some(pending) = app.pending_signature.take() {
        let said = match pending.waiting {
            Waiting::SignOff { .. } => String::from("Not signed off."),
            Waiting::Decision { finding, kind } => {
                format!("The {} on {finding} is recorded, unsigned.", kind.words())
            }
        };
        app.say(Tone::Info, said);
    }
}
