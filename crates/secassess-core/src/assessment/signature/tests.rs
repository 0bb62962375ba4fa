use super::*;
use crate::assessment::allowed_signers::AllowedSigners;
use crate::assessment::findings::Actor;
use crate::assessment::record::{
    Assessment, FindingStatus, Person, RiskAcceptance, Severity, SignOff, System,
};
use chrono::{DateTime, Utc};
use ssh_key::private::Ed25519Keypair;
use ssh_key::{HashAlg, LineEnding, PrivateKey};

fn key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

fn person(name: &str, email: &str, role: &str) -> Person {
    Person {
        name: name.into(),
        role: role.into(),
        email: email.into(),
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("time")
        .with_timezone(&Utc)
}

fn assessment(name: &str, created: &str) -> Assessment {
    let catalogue = crate::questionnaire::load_embedded().expect("content loads");
    Assessment::new(
        System {
            name: name.into(),
            description: String::new(),
        },
        person("Ann Lead", "ann@example.nhs.uk", "Project lead"),
        &catalogue,
        at(created),
    )
}

/// A sign-off by Ivy, signed with `key`, put straight into the record (the readiness
/// rules are `sign_off`'s tests).
fn signed_off(a: &mut Assessment, key: &PrivateKey) {
    let ivy = person("Ivy Reviewer", "ivy@example.nhs.uk", "IG representative");
    let now = at("2026-11-29T22:08:00Z");
    let hash = crate::assessment::sign_off::content_hash(a);
    let mut record = SignOff {
        signed_by: ivy,
        signed_at: now,
        statement: String::from("I accept it."),
        content_hash: hash.clone(),
        signature: None,
    };
    let statement = sign_off_statement(a, &record, &hash, now);
    record.signature = Some(sign(&statement, key, &hash, now).expect("signs"));
    a.sign_off = Some(record);
}

fn allowed(line: &str) -> AllowedSigners {
    AllowedSigners::parse(line, &Utc).expect("parses")
}

fn ivy_allowed(key: &PrivateKey) -> AllowedSigners {
    allowed(&format!(
        "ivy@example.nhs.uk {}\n",
        key.public_key().to_openssh().expect("encodes")
    ))
}

#[test]
fn the_statement_is_the_documented_bytes() {
    let mut a = assessment("Ward \"rota\"", "2026-11-01T09:00:00Z");
    signed_off(&mut a, &key(1));
    let s = a.sign_off.clone().expect("signed off");
    let hash = s.content_hash.clone();
    let text = sign_off_statement(&a, &s, &hash, s.signed_at).text();
    let expected = format!(
        "secassess signed statement, format 1\nkind: \"sign-off\"\nassessment: \"{}\"\nsystem: \"Ward \\\"rota\\\"\"\ncontent-sha256: \"{hash}\"\nprincipal: \"ivy@example.nhs.uk\"\nsigner: \"Ivy Reviewer <ivy@example.nhs.uk>\"\nrole: \"IG representative\"\nsigned-at: \"2026-11-29T22:08:00+00:00\"\nstatement: \"I accept it.\"\n",
        a.audit[0].hash
    );
    assert_eq!(text, expected);
    assert_eq!(assessment_id(&a), a.audit[0].hash);
}

#[test]
fn a_good_signature_is_trusted_only_when_the_allowed_signers_list_its_key() {
    let ivy_key = key(1);
    let mut a = assessment("Ward rota", "2026-11-01T09:00:00Z");
    signed_off(&mut a, &ivy_key);
    let fingerprint = ivy_key
        .public_key()
        .fingerprint(HashAlg::Sha256)
        .to_string();
    let state = sign_off_signature(&a, None).expect("signed off");
    assert_eq!(
        state,
        SignatureState::NotChecked {
            principal: "ivy@example.nhs.uk".into(),
            fingerprint: fingerprint.clone()
        }
    );
    let state = sign_off_signature(&a, Some(&ivy_allowed(&ivy_key))).expect("signed off");
    assert!(state.trusted(), "{state:?}");
    assert_eq!(
        state.words(),
        format!("signed by ivy@example.nhs.uk with key {fingerprint}, trusted")
    );
    // Another key in the list: not trusted.
    let state = sign_off_signature(&a, Some(&ivy_allowed(&key(2)))).expect("signed off");
    assert!(
        state
            .words()
            .starts_with("signed, key not in allowed signers"),
        "{}",
        state.words()
    );
    // Ivy's key listed for someone else: the principal does not match.
    let other = allowed(&format!(
        "mallory@example.nhs.uk {}\n",
        ivy_key.public_key().to_openssh().expect("encodes")
    ));
    let SignatureState::KeyNotAllowed { why, .. } =
        sign_off_signature(&a, Some(&other)).expect("signed off")
    else {
        panic!("not trusted");
    };
    assert!(
        why.contains("mallory@example.nhs.uk, not ivy@example.nhs.uk"),
        "{why}"
    );
    assert!(tampering(&a).is_empty());
}

#[test]
fn content_changed_after_signing_no_longer_matches_but_is_not_tampering() {
    let ivy_key = key(1);
    let mut a = assessment("Ward rota", "2026-11-01T09:00:00Z");
    signed_off(&mut a, &ivy_key);
    a.system.description = String::from("changed after the sign-off");
    let state = sign_off_signature(&a, Some(&ivy_allowed(&ivy_key))).expect("signed off");
    let SignatureState::DoesNotMatch { why, .. } = &state else {
        panic!("{state:?}");
    };
    assert!(
        why.contains("the content changed after it was signed"),
        "{why}"
    );
    assert!(state
        .words()
        .starts_with("signature does not match the content"));
    assert!(
        tampering(&a).is_empty(),
        "a change since is not an edit of the signature"
    );
}

#[test]
fn a_signature_copied_from_another_assessment_or_moved_to_another_person_fails() {
    let ivy_key = key(1);
    let mut first = assessment("Ward rota", "2026-11-01T09:00:00Z");
    signed_off(&mut first, &ivy_key);
    // Another assessment with the same content, created a second later.
    let mut second = assessment("Ward rota", "2026-11-01T09:00:01Z");
    signed_off(&mut second, &key(3));
    assert_eq!(
        crate::assessment::sign_off::content_hash(&first),
        crate::assessment::sign_off::content_hash(&second),
        "the same content: only the assessment's identity tells them apart"
    );
    let copied = first.sign_off.clone();
    second.sign_off = copied;
    let state = sign_off_signature(&second, Some(&ivy_allowed(&ivy_key))).expect("signed");
    assert!(
        matches!(state, SignatureState::DoesNotMatch { .. }),
        "{state:?}"
    );
    assert_eq!(tampering(&second).len(), 1);

    // Moved to another person: the record now says Bob signed it.
    let mut moved = first.clone();
    if let Some(s) = moved.sign_off.as_mut() {
        s.signed_by = person("Bob Other", "bob@example.nhs.uk", "IG representative");
    }
    let bob_allowed = allowed(&format!(
        "bob@example.nhs.uk {}\n",
        ivy_key.public_key().to_openssh().expect("encodes")
    ));
    assert!(matches!(
        sign_off_signature(&moved, Some(&bob_allowed)),
        Some(SignatureState::DoesNotMatch { .. })
    ));
    // The role and the time are signed too.
    for edit in [
        |s: &mut SignOff| s.signed_by.role = "SIRO".into(),
        |s: &mut SignOff| {
            if let Some(g) = s.signature.as_mut() {
                g.signed_at += chrono::Duration::days(1);
            }
        },
    ] {
        let mut edited = first.clone();
        if let Some(s) = edited.sign_off.as_mut() {
            edit(s);
        }
        assert_eq!(tampering(&edited).len(), 1);
    }
}

#[test]
fn an_edited_key_or_a_foreign_namespace_does_not_match() {
    let ivy_key = key(1);
    let mut a = assessment("Ward rota", "2026-11-01T09:00:00Z");
    signed_off(&mut a, &ivy_key);
    let mut edited = a.clone();
    if let Some(g) = edited.sign_off.as_mut().and_then(|s| s.signature.as_mut()) {
        g.public_key = key(2).public_key().to_openssh().expect("encodes");
    }
    let state = sign_off_signature(&edited, None).expect("signed off");
    assert!(
        state.words().contains("not the key that made it"),
        "{state:?}"
    );

    // A signature made for git over the very same bytes is not a secassess signature.
    let s = a.sign_off.clone().expect("signed off");
    let statement = sign_off_statement(&a, &s, &s.content_hash, s.signed_at);
    let git = ivy_key
        .sign("git", HashAlg::Sha512, &statement.bytes())
        .expect("signs");
    let mut foreign = a.clone();
    if let Some(g) = foreign.sign_off.as_mut().and_then(|s| s.signature.as_mut()) {
        g.sshsig = git.to_pem(LineEnding::LF).expect("armours");
    }
    let state = sign_off_signature(&foreign, None).expect("signed off");
    assert!(state.words().contains("namespace \"git\""), "{state:?}");
    let mut garbage = a.clone();
    if let Some(g) = garbage.sign_off.as_mut().and_then(|s| s.signature.as_mut()) {
        g.sshsig =
            String::from("-----BEGIN SSH SIGNATURE-----\nnope\n-----END SSH SIGNATURE-----\n");
    }
    let state = sign_off_signature(&garbage, None).expect("signed off");
    assert!(state.words().contains("cannot be read"), "{state:?}");
}

#[test]
fn no_email_no_signature() {
    let a = assessment("Ward rota", "2026-11-01T09:00:00Z");
    let record = SignOff {
        signed_by: person("Ivy Reviewer", "", "IG representative"),
        signed_at: at("2026-11-29T22:08:00Z"),
        statement: String::from("ok"),
        content_hash: String::from("h"),
        signature: None,
    };
    let statement = sign_off_statement(&a, &record, "h", record.signed_at);
    assert_eq!(
        sign(&statement, &key(1), "h", record.signed_at),
        Err(SignError::NoPrincipal)
    );
}

#[test]
fn a_business_owner_signs_their_own_acceptance_and_nobody_elses() {
    let catalogue = crate::questionnaire::load_embedded().expect("content loads");
    let mut a = assessment("Ward rota", "2026-11-01T09:00:00Z");
    let lead = a.assessor.clone();
    let pat = person("Pat Owner", "pat@example.nhs.uk", "Business owner");
    let now = at("2026-11-02T10:00:00Z");
    let today = now.date_naive();
    let actor = Actor {
        who: &lead,
        now,
        today,
    };
    let id = crate::assessment::findings::create_finding(
        &mut a,
        &catalogue,
        crate::assessment::findings::NewFinding {
            title: "Supplier desk resets passwords by phone".into(),
            obligations: Vec::new(),
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Medium,
            owner: "Sam Tech".into(),
        },
        &actor,
    )
    .expect("created");
    crate::assessment::findings::accept_risk(
        &mut a,
        &catalogue,
        &id,
        RiskAcceptance {
            accepted_by: pat.clone(),
            accepted_on: today,
            rationale: "Until the January release".into(),
            review_date: today + chrono::Duration::days(90),
            signature: None,
        },
        &actor,
    )
    .expect("accepted");
    // The lead cannot sign Pat's decision, even with a key.
    let refused = sign_decision(
        &mut a,
        &catalogue,
        &id,
        Kind::RiskAcceptance,
        &key(5),
        &actor,
    );
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("only they can sign it")),
        "{refused:?}"
    );
    let entries = a.audit.len();
    let as_pat = Actor {
        who: &pat,
        now,
        today,
    };
    sign_decision(
        &mut a,
        &catalogue,
        &id,
        Kind::RiskAcceptance,
        &key(5),
        &as_pat,
    )
    .expect("Pat signs");
    assert_eq!(a.audit.len(), entries + 1, "signing is an audited change");
    assert!(a.audit[entries].new.contains("signed with key SHA256:"));
    let pat_allowed = allowed(&format!(
        "pat@example.nhs.uk {}\n",
        key(5).public_key().to_openssh().expect("encodes")
    ));
    let checks = check_all(&a, Some(&pat_allowed));
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].kind, Kind::RiskAcceptance);
    assert!(checks[0].state.trusted(), "{:?}", checks[0].state);
    assert!(crate::assessment::verify::record_problems(&a).is_empty());

    // The risk described differently after the owner signed: no longer what they accepted.
    crate::assessment::findings::update_details(
        &mut a,
        &catalogue,
        &id,
        crate::assessment::findings::NewFinding {
            title: "Supplier desk resets passwords by phone".into(),
            obligations: Vec::new(),
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Low,
            owner: "Sam Tech".into(),
        },
        &actor,
    )
    .expect("changed");
    let checks = check_all(&a, Some(&pat_allowed));
    assert!(
        checks[0]
            .state
            .words()
            .contains("the content changed after it was signed"),
        "{:?}",
        checks[0].state
    );
    assert!(crate::assessment::verify::record_problems(&a).is_empty());
    assert_eq!(a.findings[0].status, FindingStatus::RiskAccepted);
}
