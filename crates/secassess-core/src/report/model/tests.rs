//! The pack shows what the review and verify modules say: a stale review, a sign-off
//! changed since, a tampered audit chain with its entry number, a finding edited outside
//! secassess; and the one-line headline. Assessments are built in memory through the
//! same operations the front ends use (the review module's test helpers).

use std::collections::BTreeMap;

use super::*;
use crate::assessment::record::{Assessment, ReviewDecision};
use crate::assessment::review::tests::{
    at, catalogue, judged, lead, reviewer, signed_off, today, unchecked,
};
use crate::assessment::review::{self, Decision};
use crate::assessment::sign_off;
use crate::assessment::verify::{self, ProblemKind};
use crate::questionnaire::model::{Catalogue, Level};
use crate::report::document::{document, Block, PARTS};
use crate::rules::Status;

fn pack_of(a: &Assessment, c: &Catalogue) -> Pack {
    let evidence = BTreeMap::new();
    build(&Input {
        assessment: a,
        catalogue: c,
        file_name: "system.secassess.toml",
        file_sha256: "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12",
        generated_at: a.updated_at,
        today: today(),
        tool_version: "0.0.0-test",
        evidence: &evidence,
        marking: None,
        complete: true,
        allowed_signers: None,
    })
    .expect("the pack builds")
}

/// Everything the document says, one block per line.
fn text_of(pack: &Pack) -> String {
    crate::report::markdown::render(&document(pack))
}

/// The first answered question that is asked and accepted.
fn accepted_question(a: &Assessment) -> String {
    a.reviews
        .iter()
        .find(|(id, r)| {
            r.decision == ReviewDecision::Accepted && !review::status(a, id, unchecked()).stale
        })
        .map(|(id, _)| id.clone())
        .expect("an accepted answer")
}

/// Changes the notes of `question` through secassess, as the lead.
fn change_notes(a: &mut Assessment, question: &str, seconds: i64) {
    a.set_notes(question, "Changed after the review.", &lead(), at(seconds));
}

#[test]
fn a_signed_off_assessment_says_valid_and_matches_its_audit_trail() {
    let c = catalogue();
    let a = signed_off(&c);
    let pack = pack_of(&a, &c);
    let s = pack.sign_off.as_ref().expect("signed off");
    assert!(!s.changed_since);
    assert_eq!(s.state, SIGN_OFF_VALID);
    assert!(pack.integrity.matches_audit_trail, "{:?}", pack.integrity);
    assert!(pack.integrity.verify_problems.is_empty());
    assert_eq!(pack.reviews.stale, 0);
    assert_eq!(pack.reviews.accepted, pack.reviews.answers);
    let text = text_of(&pack);
    assert!(text.contains("valid — nothing changed since sign-off"));
    assert!(text.contains("the file matches its audit trail"));
    assert!(!text.contains("DOES NOT MATCH"));
    let line = headline(&pack);
    assert!(
        line.contains("signed off, valid — nothing changed since sign-off"),
        "{line}"
    );
    assert!(line.contains("file matches its audit trail"), "{line}");
}

#[test]
fn a_review_made_on_a_changed_answer_is_shown_stale() {
    let c = catalogue();
    let mut a = signed_off(&c);
    let question = accepted_question(&a);
    change_notes(&mut a, &question, 3000);
    assert!(review::status(&a, &question, unchecked()).stale);

    let pack = pack_of(&a, &c);
    assert_eq!(pack.reviews.stale, 1);
    let record = pack
        .review_records
        .iter()
        .find(|r| r.question == question)
        .expect("the review is listed");
    assert!(record.stale);
    assert_eq!(
        record.label,
        review::status(&a, &question, unchecked()).label()
    );
    let answer = pack
        .sections
        .iter()
        .flat_map(|s| &s.answers)
        .find(|v| v.question == question)
        .expect("the answer is listed");
    let words = answer.review.as_deref().unwrap_or_default();
    assert!(words.starts_with(review::STALE_LABEL), "{words}");
    assert!(text_of(&pack).contains(review::STALE_LABEL));
    assert!(headline(&pack).contains("1 stale"));
    // A change through secassess is no tampering.
    assert!(pack.integrity.matches_audit_trail);
}

#[test]
fn open_queries_come_from_the_review_module() {
    let c = catalogue();
    let mut a = signed_off(&c);
    let question = accepted_question(&a);
    review::decide(
        &mut a,
        &question,
        Decision::Query("Which report is this based on?"),
        &reviewer(),
        at(3000),
        unchecked(),
    )
    .expect("queried");
    let pack = pack_of(&a, &c);
    assert_eq!(
        pack.reviews.open_queries,
        review::open_queries_in_order(&a, &c).len()
    );
    assert_eq!(pack.reviews.open_query_questions, vec![question.clone()]);
    let text = text_of(&pack);
    let escaped = crate::report::markdown::escape(&question);
    assert!(text.contains(&format!("open queries: {escaped}")));
    assert!(text.contains("Which report is this based on?"));
}

#[test]
fn a_change_after_the_sign_off_is_shown_as_changed_since_sign_off() {
    let c = catalogue();
    let mut a = signed_off(&c);
    let question = accepted_question(&a);
    change_notes(&mut a, &question, 3000);
    assert_eq!(sign_off::changed_since_sign_off(&a), Some(true));

    let pack = pack_of(&a, &c);
    let s = pack.sign_off.as_ref().expect("signed off");
    assert!(s.changed_since);
    assert_eq!(s.entries_after, 1);
    assert!(s.state.starts_with(SIGN_OFF_CHANGED));
    assert_ne!(s.content_hash, s.current_content_hash);
    let text = text_of(&pack);
    assert!(text.contains("CHANGED SINCE SIGN-OFF"));
    assert!(text.contains("sign off again"));
    assert!(pack.integrity.verify.starts_with("NOT PASSED"));
    assert!(
        headline(&pack).contains(&format!(
            "; CHANGED SINCE SIGN-OFF: answer to {question} changed (sign-off unsigned);"
        )),
        "{}",
        headline(&pack)
    );
}

#[test]
fn a_tampered_audit_entry_is_listed_with_its_number() {
    let c = catalogue();
    let mut a = signed_off(&c);
    // Someone edits the third entry in a text editor.
    a.audit[2].who = "Someone Else <x@example.org>".into();

    let pack = pack_of(&a, &c);
    assert!(!pack.integrity.matches_audit_trail);
    assert!(!pack.audit.chain_intact);
    let expected = verify::verify(&a, &judged(&catalogue(), unchecked())).problems;
    assert_eq!(pack.integrity.verify_problems.len(), expected.len());
    for (shown, found) in pack.integrity.verify_problems.iter().zip(&expected) {
        assert_eq!(shown.kind, found.kind);
        assert_eq!(shown.entry, found.entry);
        assert_eq!(shown.message, found.message);
    }
    let chain = pack
        .integrity
        .verify_problems
        .iter()
        .find(|p| p.kind == ProblemKind::AuditChain)
        .expect("a chain problem");
    assert_eq!(chain.entry, Some(3));
    assert!(chain.message.contains("audit entry 3"), "{}", chain.message);

    let text = text_of(&pack);
    assert!(text.contains("WARNING: THIS ASSESSMENT FILE DOES NOT MATCH ITS AUDIT TRAIL"));
    assert!(text.contains("THE FILE DOES NOT MATCH ITS AUDIT TRAIL"));
    assert!(text.contains("Chain verification: BROKEN"));
    assert!(text.contains("audit entry 3 ("));
    assert!(headline(&pack).contains("FILE DOES NOT MATCH ITS AUDIT TRAIL"));
}

#[test]
fn a_finding_edited_outside_secassess_is_marked_in_the_register() {
    let c = catalogue();
    let mut a = signed_off(&c);
    let index = a
        .findings
        .iter()
        .position(|_| true)
        .expect("the sample has findings");
    a.findings[index].owner = "Nobody in particular".into();
    let id = a.findings[index].id.clone();

    let pack = pack_of(&a, &c);
    let view = pack.findings.iter().find(|f| f.id == id).expect("listed");
    assert!(view.edited_outside);
    assert!(!view.treated, "an edited finding treats nothing");
    assert!(pack
        .findings
        .iter()
        .filter(|f| f.id != id)
        .all(|f| !f.edited_outside && f.treated));
    assert!(pack
        .integrity
        .verify_problems
        .iter()
        .any(|p| p.kind == ProblemKind::Finding && p.subject == id));

    let doc = document(&pack);
    let register = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { columns, rows, .. }
                if columns.first().map(String::as_str) == Some("ID")
                    && columns.iter().any(|c| c == "Flags") =>
            {
                Some(rows.clone())
            }
            _ => None,
        })
        .expect("the register table");
    let row = register
        .iter()
        .find(|r| r.first() == Some(&id))
        .expect("its row");
    assert!(row
        .iter()
        .any(|cell| cell.contains("EDITED OUTSIDE SECASSESS")));
    assert!(headline(&pack).contains("FILE DOES NOT MATCH ITS AUDIT TRAIL"));
}

#[test]
fn the_cover_lists_the_parts_in_order_and_the_pack_says_how_to_check_it() {
    let c = catalogue();
    let a = signed_off(&c);
    let pack = pack_of(&a, &c);
    let doc = document(&pack);
    let contents = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Contents { entries } => {
                Some(entries.iter().map(|e| e.text.clone()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .expect("a contents list");
    let parts: Vec<String> = PARTS.iter().skip(1).map(|p| p.to_string()).collect();
    assert_eq!(contents, parts);
    let text = text_of(&pack);
    assert!(text.contains("How to check this pack"));
    assert!(text.contains("secassess export system.secassess.toml --pdf PACK.pdf --generated-at "));
    assert!(text.contains(&format!("--date {}", today())));
}

#[test]
fn the_headline_counts_must_obligations_and_findings() {
    let c = catalogue();
    let a = signed_off(&c);
    let pack = pack_of(&a, &c);
    let line = headline(&pack);
    let must = |s: Status| {
        pack.obligations
            .iter()
            .filter(|o| {
                o.level == Level::Must
                    && o.scope == crate::questionnaire::model::Scope::System
                    && o.status == s
            })
            .count()
    };
    assert!(
        line.starts_with(&format!("The pack says: {};", pack.marking)),
        "{line}"
    );
    assert!(line.contains(&format!(
        "MUST obligations {} met, {} not met, {} unknown",
        must(Status::Met),
        must(Status::NotMet),
        must(Status::Unknown)
    )));
    assert!(line.contains(&format!(
        "findings 0 untreated, {} treated",
        pack.findings.len()
    )));
    assert!(!line.contains('\n'));
}

#[test]
fn the_pack_is_marked_at_least_official_sensitive_when_it_lists_open_weaknesses() {
    let c = catalogue();
    let levels = marking_levels(&c);
    let none = Weaknesses::default();
    let gaps = Weaknesses {
        unmet_obligations: 3,
        untreated_findings: 1,
    };
    let mark = |classification, weaknesses, requested| {
        pack_marking(&levels, classification, weaknesses, requested)
    };
    // The classification alone.
    let m = mark(Some("official"), none, None).expect("a marking");
    assert_eq!(m.marking, "OFFICIAL");
    assert_eq!(m.reason, "the effective classification, OFFICIAL");
    let m = mark(None, none, None).expect("a marking");
    assert_eq!(m.marking, "OFFICIAL");
    assert!(m.reason.contains("not answered yet"), "{}", m.reason);
    // Open weaknesses raise an OFFICIAL (or unknown) system's pack, and say why.
    for classification in [Some("official"), None] {
        let m = mark(classification, gaps, None).expect("a marking");
        assert_eq!(m.marking, "OFFICIAL-SENSITIVE");
        assert!(
            m.reason.starts_with("raised from OFFICIAL")
                && m.reason
                    .contains("3 unmet obligation(s) and 1 untreated finding(s)"),
            "{}",
            m.reason
        );
    }
    let only_findings = Weaknesses {
        unmet_obligations: 0,
        untreated_findings: 2,
    };
    assert_eq!(
        mark(Some("official"), only_findings, None)
            .expect("a marking")
            .marking,
        "OFFICIAL-SENSITIVE"
    );
    // Never lowered: not below the classification, nor below what the gaps need.
    let m = mark(Some("secret"), gaps, None).expect("a marking");
    assert_eq!(m.marking, "SECRET");
    assert!(matches!(
        mark(Some("official"), gaps, Some("official")),
        Err(ReportError::MarkingTooLow { .. })
    ));
    // Raised on request, saying so.
    let m = mark(Some("official"), none, Some("official-sensitive")).expect("a marking");
    assert_eq!(m.marking, "OFFICIAL-SENSITIVE");
    assert!(
        m.reason.starts_with("raised with --marking"),
        "{}",
        m.reason
    );
    assert!(matches!(
        mark(Some("official"), none, Some("PUBLIC")),
        Err(ReportError::UnknownMarking { .. })
    ));
}

/// The value of the cover's `key` row (the first key-value block of the document).
fn cover_row(pack: &Pack, key: &str) -> String {
    let doc = document(pack);
    let Some(Block::KeyValue { rows }) = doc
        .blocks
        .iter()
        .find(|b| matches!(b, Block::KeyValue { .. }))
    else {
        panic!("no cover details");
    };
    rows.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {key} on the cover"))
}

#[test]
fn the_cover_names_the_reviewer_with_the_role_recorded_at_sign_off() {
    let c = catalogue();
    let a = signed_off(&c);
    let pack = pack_of(&a, &c);
    let first = &pack.reviews.reviewed_by[0];
    assert_eq!(first.who, reviewer().signature());
    assert_eq!(first.role, "IG representative");
    let row = |key: &str| cover_row(&pack, key);
    assert!(row("Reviewer").contains("IG representative"));
    assert!(row("Sign-off").starts_with("valid"), "{}", row("Sign-off"));
    assert!(row("Gate").starts_with("PASSED"));
    // The classification and the marking each come with their reason.
    let classification = row("Effective classification");
    assert!(classification.starts_with(&pack.classification.text));
    assert!(
        classification.contains(": as declared in answer to the classification question")
            || classification.contains(", because "),
        "{classification}"
    );
    assert!(row("Marking of this pack").starts_with(&format!("{}: ", pack.marking)));

    // With no review decisions listed and a sign-off whose role was not recorded, the
    // cover says so rather than ending the reviewer's name with a bare comma.
    let mut bare = pack.clone();
    bare.reviews.reviewed_by.clear();
    bare.sign_off.as_mut().expect("signed off").role.clear();
    let reviewer_row = cover_row(&bare, "Reviewer");
    assert!(!reviewer_row.trim_end().ends_with(','), "{reviewer_row}");
    assert!(reviewer_row.contains("role not recorded"), "{reviewer_row}");
}
