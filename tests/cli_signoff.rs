//! "A sign-off the Cyber Security team can rely on", one test per point of the issue, on
//! real files through the real binary: sign-off with questions still open, evidence
//! replaced after sign-off, facts the pack shows edited in a text editor, self-review
//! under another name, escalation to whom, changing a signed-off assessment, open
//! queries for the lead, and answers no longer asked. Then what `verify` must also catch.

mod signoff_support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use signoff_support::*;

/// Built once: an answered assessment ready for review, and the same signed off. Each
/// test works on its own copy (the evidence file stays where it was attached).
fn bases() -> &'static (PathBuf, PathBuf) {
    static BASES: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BASES.get_or_init(|| {
        let answered_dir = tempfile::tempdir().expect("temp dir").keep();
        answered(&answered_dir);
        let signed_dir = tempfile::tempdir().expect("temp dir").keep();
        std::fs::copy(answered_dir.join(FILE), signed_dir.join(FILE)).expect("copied");
        let out = review_and_sign_off(&signed_dir);
        assert!(out.contains("Signed off by Ivy Reviewer"), "{out}");
        (answered_dir.join(FILE), signed_dir.join(FILE))
    })
}

fn copy_of(base: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(base, dir.path().join(FILE)).expect("copied");
    dir
}

fn answered_copy() -> tempfile::TempDir {
    copy_of(&bases().0)
}

fn signed_copy() -> tempfile::TempDir {
    copy_of(&bases().1)
}

fn verify(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["verify", FILE];
    args.extend_from_slice(extra);
    let o = secassess(dir, REVIEWER, &args, "");
    (o.status.code(), stdout(&o))
}

fn export_markdown(dir: &Path) -> (String, String) {
    let out = ok(dir, LEAD, &["export", FILE, "--markdown", "pack.md"], "");
    let md = std::fs::read_to_string(dir.join("pack.md")).expect("pack written");
    (out, md)
}

#[test]
fn point_1_no_sign_off_with_dont_know_answers_and_dont_know_cannot_be_accepted() {
    let dir = answered_copy();
    let dir = dir.path();
    ok(
        dir,
        LEAD,
        &["answer", FILE, "--set", "accounts_traceable=dont-know"],
        "",
    );
    let out = ok(
        dir,
        REVIEWER,
        &["review", FILE],
        &format!("{}yes\n\n", "a\n".repeat(80)),
    );
    assert!(
        out.contains("Not done: 'accounts_traceable' is answered \"don't know yet\", which cannot be accepted"),
        "{out}"
    );
    assert!(out.contains("Not ready for sign-off:"), "{out}");
    assert!(
        out.contains("  - accounts_traceable: answered \"don't know yet\"; answer it"),
        "{out}"
    );
    assert!(!out.contains("Sign off the assessment now?"), "{out}");
    let saved = std::fs::read_to_string(dir.join(FILE)).expect("readable");
    assert!(!saved.contains("[sign_off]"), "not signed off");
    // `check` says the same, from the same rule.
    let o = secassess(dir, LEAD, &["check", FILE], "");
    assert!(
        stdout(&o).contains("Ready for sign-off: no;"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn point_2_evidence_replaced_after_sign_off_shows_everywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    signed_off(dir);
    std::fs::write(
        dir.join(EVIDENCE),
        "Penetration test report v2: two CRITICAL findings, not fixed.\n",
    )
    .expect("replaced");

    let (code, out) = verify(dir, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("CHANGED SINCE SIGN-OFF")
            && out.contains("  - evidence for pen_test_report changed"),
        "{out}"
    );
    assert!(
        out.contains(
            "Stale reviews (answer or its evidence file changed after review): pen_test_report"
        ),
        "{out}"
    );

    let o = secassess(dir, LEAD, &["check", FILE], "");
    assert!(
        stdout(&o).contains("CHANGED SINCE SIGN-OFF: evidence for pen_test_report changed"),
        "{}",
        stdout(&o)
    );
    let o = secassess(dir, LEAD, &["check", FILE, "--require-sign-off"], "");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));

    // What changed since the sign-off names the evidence too, as verify does.
    let out = ok(dir, REVIEWER, &["diff", FILE, "--since-sign-off"], "");
    assert!(out.contains("; CHANGED SINCE SIGN-OFF."), "{out}");
    assert!(
        out.contains(
            "Evidence files changed since they were attached: evidence for pen_test_report changed"
        ),
        "{out}"
    );
    assert!(
        out.contains("Review decisions now stale: pen_test_report"),
        "{out}"
    );
    let out = ok(
        dir,
        REVIEWER,
        &["diff", FILE, "--since-sign-off", "--format", "json"],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        json["since_sign_off"]["evidence_changed"][0],
        "evidence for pen_test_report changed"
    );

    let (headline, md) = export_markdown(dir);
    assert!(
        headline.contains("CHANGED SINCE SIGN-OFF: evidence for pen_test_report changed"),
        "{headline}"
    );
    let cover = md.split("## Contents").next().unwrap_or_default();
    assert!(
        cover.contains("CHANGED SINCE SIGN-OFF: evidence for pen\\_test\\_report changed"),
        "{cover}"
    );
    assert!(
        cover.contains("**Gate:** PASSED"),
        "the gate beside it: {cover}"
    );

    // The reviewer sees the review stale and cannot accept the changed file.
    let out = ok(
        dir,
        REVIEWER,
        &["review", FILE, "--only", "unreviewed"],
        "a\n",
    );
    assert!(
        out.contains(
            "[stale — evidence file changed after review (was accepted)]: pen_test_report"
        ),
        "{out}"
    );
    assert!(out.contains("cannot be accepted as it stands"), "{out}");

    // A missing file is as bad.
    std::fs::remove_file(dir.join(EVIDENCE)).expect("removed");
    let (code, out) = verify(dir, &[]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("evidence for pen_test_report is missing"),
        "{out}"
    );
}

#[test]
fn point_3_what_the_pack_states_is_pinned_and_audited() {
    // Creation is the first audit entry.
    let dir = tempfile::tempdir().expect("temp dir");
    ok(dir.path(), LEAD, &["new", "Ward rota"], "");
    let text = std::fs::read_to_string(dir.path().join(FILE)).expect("readable");
    let audit = text.split("[[audit]]").nth(1).expect("an entry");
    assert!(audit.contains("action = \"created\""), "{audit}");
    assert!(
        audit.contains("who = \"Ann Lead <ann@example.nhs.uk>\""),
        "{audit}"
    );
    assert!(audit.contains("system: Ward rota"), "{audit}");

    // Changing the system's details is an audited change.
    let out = ok(
        dir.path(),
        LEAD,
        &[
            "system",
            FILE,
            "--description",
            "Rota for ward staff, hosted by Acme",
        ],
        "",
    );
    assert!(out.contains("Saved in"), "{out}");
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(0), "{out}");
    let text = std::fs::read_to_string(dir.path().join(FILE)).expect("readable");
    assert!(text.contains("action = \"system-changed\""));

    // Each fact edited in a text editor is named by verify (every field: see tamper.rs).
    type TextEdit = fn(String) -> String;
    let edits: [(&str, TextEdit); 4] = [
        ("system.name", |t| {
            t.replacen("name = \"Ward rota\"", "name = \"Ward rota (approved)\"", 1)
        }),
        ("created_at", |t| {
            let start = t.find("created_at = \"").expect("created_at");
            format!(
                "{}created_at = \"2026-01-01T09:00:00Z\"{}",
                &t[..start],
                &t[start + t[start..].find('\n').expect("line end")..]
            )
        }),
        ("answered_at of the answer to 'code_review'", |t| {
            let at = t.find("[answers.code_review]").expect("answered");
            let field = at + t[at..].find("answered_at = \"").expect("answered_at");
            let end = field + t[field..].find('\n').expect("line end");
            format!(
                "{}answered_at = \"2026-07-01T09:00:00Z\"{}",
                &t[..field],
                &t[end..]
            )
        }),
        ("answered_by of the answer to 'code_review'", |t| {
            let at = t.find("[answers.code_review]").expect("answered");
            let field = at + t[at..].find("answered_by = \"").expect("answered_by");
            let end = field + t[field..].find('\n').expect("line end");
            format!(
                "{}answered_by = \"Chief Officer <chief@example.nhs.uk>\"{}",
                &t[..field],
                &t[end..]
            )
        }),
    ];
    for (named, change) in edits {
        let dir = signed_copy();
        edit(&dir.path().join(FILE), change);
        let (code, out) = verify(dir.path(), &[]);
        assert_eq!(code, Some(1), "{named}: {out}");
        assert!(out.contains(named), "{named}: {out}");
    }
}

#[test]
fn point_4_the_same_person_under_another_name_or_case_cannot_review_their_answer() {
    let dir = answered_copy();
    let dir = dir.path();
    ok(
        dir,
        "Pat Peer <peer@example.org>",
        &["answer", FILE, "--set", "code_review=yes"],
        "",
    );
    let out = ok(
        dir,
        "P. Peer <PEER@Example.org>",
        &["review", FILE, "--only", "unreviewed"],
        &"a\n".repeat(80),
    );
    assert!(
        out.contains("the current answer to 'code_review' was given by Pat Peer <peer@example.org>, who cannot also review it"),
        "{out}"
    );
    // And the project lead does not review their own assessment.
    let out = ok(
        dir,
        "ANN LEAD <Ann@Example.nhs.uk>",
        &["review", FILE],
        "a\nquit\n",
    );
    assert!(
        out.contains("the project lead does not review or sign off their own assessment"),
        "{out}"
    );
}

#[test]
fn point_5_escalation_says_to_whom_with_a_role() {
    let dir = answered_copy();
    let dir = dir.path();
    let o = secassess(
        dir,
        LEAD,
        &["finding", "escalate", FILE, "F-001", "--to", "Dee Director"],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--role <ROLE>"), "{}", stderr(&o));
    let o = secassess(
        dir,
        LEAD,
        &[
            "finding",
            "escalate",
            FILE,
            "F-001",
            "--to",
            "Ann <ann@EXAMPLE.nhs.uk>",
            "--role",
            "Risk owner",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("an escalation goes to someone else"),
        "{}",
        stderr(&o)
    );
    ok(
        dir,
        LEAD,
        &[
            "finding",
            "escalate",
            FILE,
            "F-001",
            "--to",
            "Dee Director <dee@example.nhs.uk>",
            "--role",
            "Director of Digital",
        ],
        "",
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir, LEAD, &["findings", FILE, "--format", "json"], ""))
            .expect("JSON");
    let f = json["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "F-001"))
        .expect("F-001");
    assert_eq!(f["status"], "escalated");
    assert_eq!(
        f["owner"],
        "Dee Director <dee@example.nhs.uk> (Director of Digital)"
    );
}

#[test]
fn point_6_a_signed_off_assessment_is_changed_only_on_purpose_and_not_by_its_reviewer() {
    let dir = signed_copy();
    let dir = dir.path();
    let before = std::fs::read(dir.join(FILE)).expect("readable");
    let o = secassess(dir, LEAD, &["answer", FILE, "--set", "code_review=yes"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is signed off by Ivy Reviewer <ivy@example.nhs.uk> on ")
            && stderr(&o).contains("changing this will mark the assessment changed since sign-off until it is reviewed again. Nothing was changed; add --after-sign-off"),
        "{}",
        stderr(&o)
    );
    for args in [
        &["finding", "close", FILE, "F-001"][..],
        &["system", FILE, "--name", "Ward rota 2"][..],
    ] {
        let o = secassess(dir, LEAD, args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("add --after-sign-off"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read(dir.join(FILE)).expect("readable"),
        before,
        "nothing changed"
    );
    // Saying the same thing again is no change.
    let current =
        if String::from_utf8_lossy(&before).contains("[answers.code_review]\nvalue = \"no\"") {
            "code_review=no"
        } else {
            "code_review=yes"
        };
    ok(dir, LEAD, &["answer", FILE, "--set", current], "");

    // The reviewer queries rather than changes an answer.
    let o = secassess(
        dir,
        REVIEWER,
        &[
            "answer",
            FILE,
            "--set",
            "code_review=yes",
            "--after-sign-off",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a reviewer does not change the project lead's answers"),
        "{}",
        stderr(&o)
    );

    ok(
        dir,
        LEAD,
        &[
            "answer",
            FILE,
            "--set",
            "code_review=yes",
            "--after-sign-off",
        ],
        "",
    );
    let (code, out) = verify(dir, &[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("  - answer to code_review changed"), "{out}");
}

#[test]
fn point_7_the_lead_is_told_of_open_queries_on_opening() {
    let dir = answered_copy();
    let dir = dir.path();
    ok(
        dir,
        REVIEWER,
        &["review", FILE, "--only", "must"],
        "q\nWhich supplier hosts it?\nquit\n",
    );
    let out = ok(dir, LEAD, &["--plain", "open", FILE], "");
    assert!(
        out.contains("The reviewer has 1 open query(ies) on: classification."),
        "{out}"
    );
    let out = ok(
        dir,
        LEAD,
        &["review", FILE, "--reply"],
        "r\nAcme Cloud, under the G-Cloud contract.\n",
    );
    assert!(
        out.contains("Which supplier hosts it?") && out.contains("Reply saved."),
        "{out}"
    );
}

#[test]
fn point_8_answers_no_longer_asked_are_shown_apart_and_their_findings_flagged() {
    let dir = answered_copy();
    let dir = dir.path();
    let before = ok(dir, LEAD, &["check", FILE, "--format", "json"], "");
    let json: serde_json::Value = serde_json::from_str(&before).expect("JSON");
    let blockers_before = json["ready_for_sign_off"]["blockers"]
        .as_array()
        .map_or(0, Vec::len);
    // Only NHS England staff sign in now: the Okta question is no longer asked, and the Okta
    // obligation (with its finding) no longer applies.
    ok(
        dir,
        LEAD,
        &["answer", FILE, "--set", "user_sign_in=staff"],
        "",
    );
    let out = ok(dir, LEAD, &["findings", FILE], "");
    let flagged = out
        .lines()
        .find(|l| {
            l.contains(
                "NO LONGER APPLIES: its obligation no longer applies to this system: sso-okta",
            )
        })
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        flagged.contains(&format!("close it (secassess finding close {FILE} F-")),
        "{flagged}"
    );

    let (_, md) = export_markdown(dir);
    let apart = md
        .split("### Answered earlier, no longer asked")
        .nth(1)
        .unwrap_or_else(|| panic!("{md}"));
    assert!(apart.contains("(sso\\_okta)"), "{apart}");
    assert!(
        apart.contains("answered earlier, no longer asked because "),
        "{apart}"
    );
    // Counted nowhere: the review does not walk it.
    let out = ok(dir, REVIEWER, &["review", FILE], "quit\n");
    assert!(!out.contains(": sso_okta\n"), "{out}");
    // (The gate now waits for the single sign-on question that became asked.)
    let after = secassess(dir, LEAD, &["check", FILE, "--format", "json"], "");
    let json: serde_json::Value = serde_json::from_slice(&after.stdout).expect("JSON");
    let reasons: Vec<String> = json["ready_for_sign_off"]["blockers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{}: {}", b["subject"], b["reason"]))
        .collect();
    assert!(
        !reasons.iter().any(|r| r.contains("sso_okta")),
        "{reasons:?}"
    );
    assert!(blockers_before > 0);
}

// --------------------------------------------------------- what verify must also catch

#[test]
fn verify_catches_the_sign_offs_role_and_a_deleted_sign_off() {
    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        t.replacen(
            "role = \"IG representative\"",
            "role = \"Senior Information Risk Owner\"",
            1,
        )
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the sign-off's signed_by.role was changed outside secassess"),
        "{out}"
    );
    assert!(!out.contains("it is still ready to sign off"), "{out}");

    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        let start = t.find("\n[sign_off]").expect("a sign-off");
        let end = start + 1 + t[start + 1..].find("\n[").expect("the next table");
        let rest = &t[end..];
        // [sign_off.signed_by] is part of it too.
        let rest = match rest.strip_prefix("\n[sign_off.signed_by]") {
            Some(r) => &r[r.find("\n[").expect("the next table")..],
            None => rest,
        };
        format!("{}{rest}", &t[..start])
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("Sign-off: not signed off."), "{out}");
    assert!(
        out.contains("is missing from the file: the [sign_off] table was removed"),
        "{out}"
    );
}

#[test]
fn verify_catches_duplicate_and_unrecorded_findings() {
    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        let start = t.find("[[findings]]").expect("a finding");
        let end = start + 1 + t[start + 1..].find("\n[[").expect("the next table");
        let copy = t[start..end].to_string();
        format!("{}{copy}\n{}", &t[..start], &t[start..])
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("2 findings have the id 'F-001'"), "{out}");

    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        let start = t.find("[[findings]]").expect("a finding");
        let end = start + 1 + t[start + 1..].find("\n[[").expect("the next table");
        let copy = t[start..end].replacen("id = \"F-001\"", "id = \"F-900\"", 1);
        format!("{}{copy}\n{}", &t[..start], &t[start..])
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the finding 'F-900' is not in the audit trail"),
        "{out}"
    );
}

#[test]
fn verify_catches_a_shortened_questions_list() {
    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        t.replacen("questions = [\"classification\", ", "questions = [", 1)
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the assessment's questionnaires was changed outside secassess"),
        "{out}"
    );
}

#[test]
fn verify_never_calls_a_sign_off_intact_beside_stale_reviews_or_a_failing_gate() {
    let dir = signed_copy();
    edit(&dir.path().join(FILE), |t| {
        let at = t.find("[reviews.code_review]").expect("reviewed");
        let field = at + t[at..].find("answer_hash = \"").expect("answer_hash") + 15;
        format!("{}{}{}", &t[..field], "0".repeat(64), &t[field + 64..])
    });
    let (code, out) = verify(dir.path(), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("Stale reviews"), "{out}");
    assert!(!out.contains("it is still ready to sign off"), "{out}");

    // Untouched, judged after the mitigation target dates: the gate fails, so the
    // sign-off no longer holds.
    let dir = signed_copy();
    let (code, out) = verify(dir.path(), &["--date", "2100-01-01"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NO LONGER VALID"), "{out}");
    assert!(out.contains("is neither met nor treated"), "{out}");
    assert!(out.contains("Result: sign-off no longer valid"), "{out}");
}
