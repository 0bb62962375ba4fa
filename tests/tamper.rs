//! The tamper table: every field an assessment file can hold, edited in the text of a
//! signed-off assessment, must make `secassess verify` exit 1 with a problem that names
//! it, unless the table says why the field is not a fact the pack states.
//!
//! The list of fields is not written by hand: it comes from serialising a record with
//! every field set ([`maximal`], built with struct literals so a new field does not
//! compile without being given a value here). A field with no row in the table, or a
//! row for a field that no longer exists, fails the test.

mod signoff_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use secassess::assessment::record::*;
use secassess::questionnaire::EvidenceRef;
use signoff_support::*;
use toml::Value;

/// What editing one field must do.
enum Row {
    /// `verify` exits 1 and says this.
    Named(&'static str),
    /// Not a fact the evidence pack states, and why.
    Exempt(&'static str),
}

use Row::{Exempt, Named};

/// Every field, by its path in the file ("answers.*" is any answer, "findings[]" any
/// finding), with what editing it must do.
const TABLE: &[(&str, Row)] = &[
    (
        "schema_version",
        Exempt("the file format's version, not shown in the pack: a newer one is refused, an older one migrated, and a migration never pins again a file that already has pins"),
    ),
    ("system.name", Named("the assessment's system.name was changed outside secassess")),
    ("system.description", Named("the assessment's system.description was changed outside secassess")),
    ("assessor.name", Named("the assessment's assessor.name was changed outside secassess")),
    ("assessor.role", Named("the assessment's assessor.role was changed outside secassess")),
    ("assessor.email", Named("the assessment's assessor.email was changed outside secassess")),
    ("created_at", Named("the assessment's created_at was changed outside secassess")),
    ("updated_at", Named("the assessment's updated_at (its last change, shown in the evidence pack) was changed outside secassess")),
    ("questionnaires[].id", Named("the assessment's questionnaires was changed outside secassess")),
    ("questionnaires[].version", Named("the assessment's questionnaires was changed outside secassess")),
    ("questionnaires[].sha256", Named("the assessment's questionnaires was changed outside secassess")),
    ("questionnaires[].questions", Named("the assessment's questionnaires was changed outside secassess")),
    (
        "last_question",
        Exempt("where the walkthrough was left, so reopening resumes there: not shown in the pack"),
    ),
    ("answers.*.value", Named("the answer to '")),
    ("answers.*.dont_know", Named("the answer to '")),
    ("answers.*.evidence.title", Named("the answer to '")),
    ("answers.*.evidence.link", Named("the answer to '")),
    ("answers.*.evidence.path", Named("the answer to '")),
    ("answers.*.evidence.sha256", Named("the answer to '")),
    ("answers.*.evidence.size", Named("the answer to '")),
    ("answers.*.notes", Named("the answer to '")),
    (
        "answers.*.flagged",
        Exempt("\"answer later\", the person answering's bookmark, not audited (README); a flag on an answered question stops a sign-off from holding, and clearing one is what `a` does"),
    ),
    (
        "answers.*.question_fingerprint",
        Exempt("which version of the question an answer was given to, to ask for re-confirmation after a questionnaire change: not shown in the pack"),
    ),
    ("answers.*.answered_by", Named("the answered_by of the answer to '")),
    ("answers.*.answered_at", Named("the answered_at of the answer to '")),
    ("findings[].id", Named("finding '")),
    ("findings[].title", Named("finding '")),
    ("findings[].obligations", Named("finding '")),
    ("findings[].questions", Named("finding '")),
    ("findings[].description", Named("finding '")),
    ("findings[].severity", Named("finding '")),
    ("findings[].owner", Named("finding '")),
    ("findings[].status", Named("finding '")),
    ("findings[].raised_by", Named("finding '")),
    ("findings[].raised_at", Named("finding '")),
    ("findings[].updated_at", Named("finding '")),
    ("findings[].mitigation.actions", Named("finding '")),
    ("findings[].mitigation.owner", Named("finding '")),
    ("findings[].mitigation.target_date", Named("finding '")),
    ("findings[].mitigation.completed_on", Named("finding '")),
    ("findings[].mitigation.evidence.title", Named("finding '")),
    ("findings[].mitigation.evidence.link", Named("finding '")),
    ("findings[].mitigation.evidence.path", Named("finding '")),
    ("findings[].mitigation.evidence.sha256", Named("finding '")),
    ("findings[].mitigation.evidence.size", Named("finding '")),
    ("findings[].acceptance.accepted_by.name", Named("finding '")),
    ("findings[].acceptance.accepted_by.role", Named("finding '")),
    ("findings[].acceptance.accepted_by.email", Named("finding '")),
    ("findings[].acceptance.accepted_on", Named("finding '")),
    ("findings[].acceptance.rationale", Named("finding '")),
    ("findings[].acceptance.review_date", Named("finding '")),
    ("findings[].exception.approved_by.name", Named("finding '")),
    ("findings[].exception.approved_by.role", Named("finding '")),
    ("findings[].exception.approved_by.email", Named("finding '")),
    ("findings[].exception.reference", Named("finding '")),
    ("findings[].exception.approved_on", Named("finding '")),
    ("findings[].acceptance.signature.signed_at", Named("finding '")),
    ("findings[].acceptance.signature.content_sha256", Named("finding '")),
    ("findings[].acceptance.signature.fingerprint", Named("finding '")),
    ("findings[].acceptance.signature.public_key", Named("finding '")),
    ("findings[].acceptance.signature.sshsig", Named("finding '")),
    ("findings[].exception.signature.signed_at", Named("finding '")),
    ("findings[].exception.signature.content_sha256", Named("finding '")),
    ("findings[].exception.signature.fingerprint", Named("finding '")),
    ("findings[].exception.signature.public_key", Named("finding '")),
    ("findings[].exception.signature.sshsig", Named("finding '")),
    ("reviews.*.decision", Named("the review of '")),
    ("reviews.*.answer_hash", Named("the review of '")),
    ("reviews.*.reviewer", Named("the review of '")),
    ("reviews.*.decided_at", Named("the review of '")),
    ("reviews.*.thread[].author", Named("the review of '")),
    ("reviews.*.thread[].at", Named("the review of '")),
    ("reviews.*.thread[].text", Named("the review of '")),
    ("reviews.*.resolved", Named("the review of '")),
    ("sign_off.signed_by.name", Named("the sign-off's signed_by was changed outside secassess")),
    ("sign_off.signed_by.role", Named("the sign-off's signed_by.role was changed outside secassess")),
    ("sign_off.signed_by.email", Named("the sign-off's signed_by was changed outside secassess")),
    ("sign_off.signed_at", Named("the sign-off's signed_at was changed outside secassess")),
    ("sign_off.statement", Named("the sign-off's statement was changed outside secassess")),
    ("sign_off.content_hash", Named("the sign-off's content_hash was changed outside secassess")),
    // The sample is unsigned: the edit adds a signature, which its audit entry never pinned.
    // tests/signature.rs edits each of these in a really signed sign-off.
    ("sign_off.signature.signed_at", Named("the sign-off's signature was changed outside secassess")),
    ("sign_off.signature.content_sha256", Named("the sign-off's signature was changed outside secassess")),
    ("sign_off.signature.fingerprint", Named("the sign-off's signature was changed outside secassess")),
    ("sign_off.signature.public_key", Named("the sign-off's signature was changed outside secassess")),
    ("sign_off.signature.sshsig", Named("the sign-off's signature was changed outside secassess")),
    ("audit[].at", Named("was edited after it was written")),
    ("audit[].who", Named("was edited after it was written")),
    ("audit[].action", Named("was edited after it was written")),
    ("audit[].subject", Named("was edited after it was written")),
    ("audit[].old", Named("was edited after it was written")),
    ("audit[].new", Named("was edited after it was written")),
    ("audit[].pin", Named("was edited after it was written")),
    ("audit[].previous_hash", Named("does not follow the entry before it")),
    ("audit[].hash", Named("was edited after it was written")),
];

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid time")
        .with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        role: "Role".into(),
        email: "someone@example.org".into(),
    }
}

fn evidence() -> EvidenceRef {
    EvidenceRef {
        title: "Report".into(),
        link: Some("https://example.org/report".into()),
        path: Some("/reports/report.pdf".into()),
        sha256: Some("ab".repeat(32)),
        size: Some(10),
    }
}

/// A record with every field set, optional ones included. Struct literals, so a new
/// field does not compile until it is given a value (and so a row in [`TABLE`]).
fn maximal() -> Assessment {
    let t = at("2026-01-05T09:00:00Z");
    let answer = AnswerRecord {
        value: Some(StoredValue::Many(vec!["a".into()])),
        dont_know: true,
        evidence: Some(evidence()),
        notes: "notes".into(),
        flagged: true,
        question_fingerprint: "0123456789abcdef".into(),
        answered_by: "Ann".into(),
        answered_at: t,
    };
    let finding = Finding {
        id: "F-001".into(),
        title: "Title".into(),
        obligations: vec!["use-mfa".into()],
        questions: vec!["admin_mfa".into()],
        description: "Description".into(),
        severity: Severity::High,
        owner: "Owner".into(),
        status: FindingStatus::Open,
        raised_by: "Ann".into(),
        raised_at: t,
        updated_at: t,
        mitigation: Some(MitigationPlan {
            actions: "Actions".into(),
            owner: "Owner".into(),
            target_date: day("2027-01-01"),
            completed_on: Some(day("2026-02-01")),
            evidence: Some(evidence()),
        }),
        acceptance: Some(RiskAcceptance {
            accepted_by: person("Pat Owner"),
            accepted_on: day("2026-01-10"),
            rationale: "Rationale".into(),
            review_date: day("2027-01-10"),
            signature: Some(SshSignature {
                signed_at: t,
                content_sha256: "56".repeat(32),
                fingerprint: "SHA256:AAAA".into(),
                public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5".into(),
                sshsig: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n".into(),
            }),
        }),
        exception: Some(ExceptionApproval {
            approved_by: person("Cy Sec"),
            reference: "REF-1".into(),
            approved_on: day("2026-01-11"),
            signature: Some(SshSignature {
                signed_at: t,
                content_sha256: "56".repeat(32),
                fingerprint: "SHA256:AAAA".into(),
                public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5".into(),
                sshsig: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n".into(),
            }),
        }),
    };
    let review = Review {
        decision: ReviewDecision::Query,
        answer_hash: "cd".repeat(32),
        reviewer: "Ivy".into(),
        decided_at: t,
        thread: vec![Comment {
            author: "Ivy".into(),
            at: t,
            text: "Why?".into(),
        }],
        resolved: true,
    };
    Assessment {
        schema_version: SCHEMA_VERSION,
        system: System {
            name: "Name".into(),
            description: "Description".into(),
        },
        assessor: person("Ann"),
        created_at: t,
        updated_at: t,
        questionnaires: vec![QuestionnaireRef {
            id: "profile".into(),
            version: "1".into(),
            sha256: "ef".repeat(32),
            questions: vec!["classification".into()],
        }],
        last_question: Some("classification".into()),
        answers: BTreeMap::from([("classification".to_string(), answer)]),
        findings: vec![finding],
        reviews: BTreeMap::from([("classification".to_string(), review)]),
        sign_off: Some(SignOff {
            signed_by: person("Ivy"),
            signed_at: t,
            statement: "Statement".into(),
            content_hash: "12".repeat(32),
            signature: Some(SshSignature {
                signed_at: t,
                content_sha256: "56".repeat(32),
                fingerprint: "SHA256:AAAA".into(),
                public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5".into(),
                sshsig: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n".into(),
            }),
        }),
        audit: vec![AuditEntry {
            at: t,
            who: "Ann".into(),
            action: "created".into(),
            subject: "assessment".into(),
            old: "old".into(),
            new: "new".into(),
            pin: "pin".into(),
            previous_hash: "00".repeat(32),
            hash: "34".repeat(32),
        }],
    }
}

/// The keys of these tables are ids (a question id), not fields.
const MAPS: [&str; 2] = ["answers", "reviews"];

/// Every leaf field's path in a serialised record.
fn field_paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Table(table) => {
            for (key, child) in table {
                let key = if MAPS.contains(&path) { "*" } else { key };
                let child_path = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                field_paths(child, &child_path, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_table) => {
            for item in items {
                field_paths(item, &format!("{path}[]"), out);
            }
        }
        _ => {
            out.insert(path.to_string());
        }
    }
}

#[test]
fn every_field_of_the_record_has_a_row_in_the_tamper_table() {
    let mut fields = BTreeSet::new();
    field_paths(
        &Value::try_from(maximal()).expect("serialises"),
        "",
        &mut fields,
    );
    let rows: BTreeSet<String> = TABLE.iter().map(|(p, _)| p.to_string()).collect();
    let missing: Vec<&String> = fields.difference(&rows).collect();
    let stale: Vec<&String> = rows.difference(&fields).collect();
    assert!(
        missing.is_empty(),
        "fields with no row in the tamper table (say what editing them must do): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for fields that no longer exist: {stale:?}"
    );
    for (path, row) in TABLE {
        if let Exempt(why) = row {
            assert!(
                why.split_whitespace().count() >= 8,
                "{path}: an exemption says why the field is not a fact the pack states"
            );
        }
    }
}

/// One step of a path: a table key, any key of an id map, or any element of an array.
fn steps(path: &str) -> Vec<String> {
    path.split('.').map(str::to_string).collect()
}

/// The value at `path` in `value`, choosing for "*" and "[]" the first entry that has the
/// rest of the path.
fn find<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    let (key, array) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (first.as_str(), false),
    };
    let table = value.as_table_mut()?;
    if key == "*" {
        let chosen = table
            .iter_mut()
            .find(|(_, v)| find(&mut (*v).clone(), rest).is_some())
            .map(|(k, _)| k.clone())?;
        return find(table.get_mut(&chosen)?, rest);
    }
    let child = table.get_mut(key)?;
    if array {
        let items = child.as_array_mut()?;
        let index = items
            .iter_mut()
            .position(|v| find(&mut v.clone(), rest).is_some())?;
        return find(&mut items[index], rest);
    }
    find(child, rest)
}

/// Puts `template`'s value at `path` into `value`, in the first entry of each "*" or
/// "[]" (an insertion is the edit, for a field the sample does not use).
fn insert(value: &mut Value, template: &Value, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        *value = template.clone();
        return true;
    };
    let (key, array) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (first.as_str(), false),
    };
    let (Some(table), Some(template_table)) = (value.as_table_mut(), template.as_table()) else {
        return false;
    };
    if key == "*" {
        let (Some(k), Some(t)) = (table.keys().next().cloned(), template_table.values().next())
        else {
            return false;
        };
        return table.get_mut(&k).is_some_and(|v| insert(v, t, rest));
    }
    let Some(template_child) = template_table.get(key) else {
        return false;
    };
    if !table.contains_key(key) {
        table.insert(key.to_string(), template_child.clone());
        return true;
    }
    let Some(child) = table.get_mut(key) else {
        return false;
    };
    if array {
        let (Some(items), Some(template_item)) = (
            child.as_array_mut(),
            template_child.as_array().and_then(|a| a.first()),
        ) else {
            return false;
        };
        return items
            .first_mut()
            .is_some_and(|item| insert(item, template_item, rest));
    }
    insert(child, template_child, rest)
}

/// Changes a value the way someone editing the file by hand might, keeping it of a form
/// secassess can read (a valid time, date or choice), so the edit reaches `verify`.
fn change(path: &str, value: &mut Value) {
    let swap = |v: &mut Value, a: &str, b: &str| {
        let now = v.as_str().unwrap_or_default().to_string();
        *v = Value::String(if now == a { b } else { a }.into());
    };
    match path {
        "findings[].severity" => return swap(value, "low", "critical"),
        "findings[].status" => return swap(value, "closed", "open"),
        "reviews.*.decision" => return swap(value, "query", "accepted"),
        _ => {}
    }
    *value = match value.clone() {
        Value::String(s) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
                Value::String((t + chrono::Duration::days(1)).to_rfc3339())
            } else if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
                Value::String((d + chrono::Days::new(1)).to_string())
            } else {
                Value::String(format!("{s} (edited)"))
            }
        }
        Value::Integer(i) => Value::Integer(i + 1),
        Value::Boolean(b) => Value::Boolean(!b),
        Value::Array(mut items) => {
            if items.pop().is_none() {
                items.push(Value::String("edited".into()));
            }
            Value::Array(items)
        }
        other => other,
    };
}

fn write(path: &Path, table: &Value) {
    let body = toml::to_string(table).expect("serialises");
    std::fs::write(path, format!("{body}\n{}\n", secassess::store::END_MARKER)).expect("written");
}

#[test]
fn every_fact_edited_in_the_text_is_named_by_verify() {
    let base = tempfile::tempdir().expect("temp dir");
    signed_off(base.path());
    let text = std::fs::read_to_string(base.path().join(FILE)).expect("readable");
    let original: Value = toml::from_str(&text).expect("TOML");
    let template = Value::try_from(maximal()).expect("serialises");

    // The table sanity-checked on the sample itself: written back untouched, it verifies.
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join(FILE), &original);
    let o = secassess(dir.path(), REVIEWER, &["verify", FILE], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let mut failures = Vec::new();
    for (path, row) in TABLE {
        let Named(expected) = row else { continue };
        let mut edited = original.clone();
        let route = steps(path);
        match find(&mut edited, &route) {
            Some(value) => change(path, value),
            None => assert!(
                insert(&mut edited, &template, &route),
                "{path}: could not be put into the sample"
            ),
        }
        assert_ne!(edited, original, "{path}: the edit changed nothing");
        write(&dir.path().join(FILE), &edited);
        let o = secassess(dir.path(), REVIEWER, &["verify", FILE], "");
        let out = stdout(&o);
        if o.status.code() != Some(1) || !out.contains(expected) {
            failures.push(format!(
                "{path}: exit {:?}, expected a problem saying {expected:?}:\n{out}{}",
                o.status.code(),
                stderr(&o)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
