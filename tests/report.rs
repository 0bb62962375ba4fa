//! The evidence pack's core, without the binary: the document model (order, markers,
//! marking), the renderers' determinism, wrapping against real font metrics, CSV safety,
//! a snapshot of the Markdown, and a property test that no text breaks the PDF.

mod report_support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use report_support::*;
use secassess::report::document::{Block, PARTS};
use secassess::report::model;
use secassess::report::{self, csv, json, markdown, pdf, EvidenceCheck};

fn headings(doc: &report::Document, level: u8) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: l, text } if *l == level => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn all_text(doc: &report::Document) -> String {
    markdown::render(doc)
}

#[test]
fn parts_come_in_the_required_order() {
    let catalogue = catalogue();
    for shape in [EMPTY, HALF, COMPLETE] {
        let a = sample(&catalogue, shape);
        let doc = document(&a, &catalogue, date(2026, 2, 1));
        assert_eq!(headings(&doc, 1), PARTS.to_vec());
    }
}

#[test]
fn marking_follows_the_effective_classification_and_can_only_be_raised() {
    let catalogue = catalogue();
    let empty = sample(&catalogue, EMPTY);
    let doc = document(&empty, &catalogue, date(2026, 2, 1));
    assert_eq!(
        doc.marking, "OFFICIAL",
        "unanswered classification is OFFICIAL"
    );

    let sensitive = sample(&catalogue, HALF);
    let doc = document(&sensitive, &catalogue, date(2026, 2, 1));
    assert_eq!(doc.marking, "OFFICIAL-SENSITIVE");

    let evidence = BTreeMap::new();
    let mut input = input(&sensitive, &catalogue, &evidence, date(2026, 2, 1));
    input.marking = Some("official");
    assert!(matches!(
        report::build(&input),
        Err(report::ReportError::MarkingTooLow { .. })
    ));
    input.marking = Some("SECRET");
    assert_eq!(
        report::build(&input).map(|p| p.marking).ok().as_deref(),
        Some("SECRET")
    );
    input.marking = Some("PUBLIC");
    assert!(matches!(
        report::build(&input),
        Err(report::ReportError::UnknownMarking { .. })
    ));
}

#[test]
fn stale_reviews_and_open_queries_are_shown_as_such() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    assert_eq!(pack.reviews.stale, 1);
    assert_eq!(pack.reviews.open_queries, 2);
    let stale: Vec<_> = pack.review_records.iter().filter(|r| r.stale).collect();
    assert_eq!(stale.len(), 1);
    let text = all_text(&report::document(&pack));
    assert!(text.contains("stale — answer changed after review (was queried)"));
    assert!(text.contains("NOT SIGNED OFF"));
    // The sample was built through secassess: its file matches its audit trail.
    assert!(
        pack.integrity.matches_audit_trail,
        "{:?}",
        pack.integrity.verify_problems
    );
    assert!(text.contains("the file matches its audit trail"));
}

#[test]
fn a_sign_off_followed_by_a_change_is_shown_as_changed() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    let s = pack.sign_off.as_ref().expect("signed off");
    assert!(s.changed_since);
    assert!(
        pack.integrity.matches_audit_trail,
        "{:?}",
        pack.integrity.verify_problems
    );
    let text = all_text(&report::document(&pack));
    assert!(text.contains("CHANGED SINCE SIGN-OFF"));

    let a = signed_off_sample(&catalogue);
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    let s = pack.sign_off.as_ref().expect("signed off");
    assert!(!s.changed_since);
    assert!(all_text(&report::document(&pack)).contains("valid — nothing changed since sign-off"));
}

#[test]
fn overdue_dates_and_escalations_are_marked() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    // Before the target dates: nothing overdue.
    let early = all_text(&document(&a, &catalogue, date(2026, 2, 2)));
    assert!(!early.contains("OVERDUE"));
    // After the mitigation target (2026-03-01) and the acceptance review (2026-06-01).
    let late = document(&a, &catalogue, date(2026, 7, 1));
    let text = all_text(&late);
    assert!(text.contains("OVERDUE"));
    assert!(text.contains("mitigation target date 2026-03-01 passed"));
    assert!(text.contains("risk acceptance review date 2026-06-01 passed"));
    assert!(text.contains("SIGNED OFF by Priya Raman"));
}

#[test]
fn evidence_rechecks_are_reported() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let mut evidence = BTreeMap::new();
    evidence.insert("evidence/pentest.pdf".to_string(), EvidenceCheck::Missing);
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    if pack.integrity.evidence_files.is_empty() {
        return; // HALF may stop before the first evidence question
    }
    assert!(pack.integrity.verify.starts_with("NOT PASSED"));
    assert!(all_text(&report::document(&pack)).contains("MISSING: no file at this path"));
}

#[test]
fn every_format_is_deterministic() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let evidence = BTreeMap::new();
    let build = || report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1)));
    let (one, two) = (build().expect("builds"), build().expect("builds"));
    let (d1, d2) = (report::document(&one), report::document(&two));
    assert_eq!(markdown::render(&d1), markdown::render(&d2));
    assert_eq!(json::render(&one).ok(), json::render(&two).ok());
    assert_eq!(csv::findings(&one), csv::findings(&two));
    let p1 = pdf::render(&d1).expect("renders");
    let p2 = pdf::render(&d2).expect("renders");
    assert!(p1.bytes == p2.bytes, "two PDF renders differ");
    assert!(p1.bytes.starts_with(b"%PDF-"));
}

#[test]
fn json_has_the_schema_and_everything() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    let bytes = json::render(&pack).expect("encodes");
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(value["schema"], model::PACK_SCHEMA);
    assert_eq!(value["schema_version"], model::PACK_SCHEMA_VERSION);
    assert_eq!(value["findings"].as_array().map(Vec::len), Some(50));
    assert_eq!(
        value["obligations"].as_array().map(Vec::len),
        Some(catalogue.obligations.len())
    );
    assert!(value["audit"]["entries"].as_array().map(Vec::len) >= Some(300));
}

#[test]
fn csv_neutralises_formulas_from_the_assessment() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 2, 1))).expect("pack builds");
    let text = String::from_utf8(csv::findings(&pack)).expect("UTF-8");
    // The owner is "=HYPERLINK(...)" in the sample.
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.invalid\"\")\""));
    assert!(!text.contains(",\"=HYPERLINK"));
    assert!(text.ends_with("\r\n"));
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header
            .contains("\"needs_escalation\",\"treated\",\"edited_outside_secassess\",\"problems\""),
        "{header}"
    );
    let treated = pack.findings.iter().filter(|f| f.treated).count();
    assert!(
        treated > 0 && treated < pack.findings.len(),
        "the sample has both"
    );
    assert_eq!(
        text.matches("\"no\",\"yes\",\"no\"").count()
            + text.matches("\"yes\",\"yes\",\"no\"").count(),
        treated,
        "one treated=yes per treated finding"
    );
    let obligations = String::from_utf8(csv::obligations(&pack)).expect("UTF-8");
    // Line breaks inside quoted fields are LF only, so CRLF counts the records.
    assert_eq!(
        obligations.matches("\r\n").count(),
        pack.obligations.len() + 1
    );
}

#[test]
fn control_characters_never_reach_a_renderer() {
    let catalogue = catalogue();
    let mut a = sample(&catalogue, HALF);
    a.system.name = "Portal\u{1b}[2J\u{202e}evil\u{7}".into();
    let doc = document(&a, &catalogue, date(2026, 2, 1));
    let text = markdown::render(&doc);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
}

#[test]
fn wrapped_lines_never_exceed_the_width_and_keep_every_character() {
    let fonts = pdf::fonts().expect("fonts load");
    let text = format!(
        "short words then a hash {} and a URL https://example.invalid/{}",
        "ab".repeat(80),
        "x/".repeat(60)
    );
    for width in [20.0f32, 60.0, 150.0, 400.0] {
        let lines = pdf::wrap(&text, &fonts.regular, 9.0, width);
        for line in &lines {
            let w = fonts.regular.width(line, 9.0);
            // A single character wider than the column is the only overflow allowed.
            assert!(
                w <= width + 0.01 || line.chars().count() == 1,
                "{line:?} is {w} wide, more than {width}"
            );
        }
        let joined: String = lines.concat();
        assert_eq!(
            joined.replace(' ', ""),
            text.replace(' ', ""),
            "characters lost at width {width}"
        );
    }
    assert_eq!(
        pdf::wrap("a\n\nb", &fonts.regular, 9.0, 100.0),
        ["a", "", "b"]
    );
}

#[test]
fn characters_the_font_lacks_are_replaced_and_reported() {
    let fonts = pdf::fonts().expect("fonts load");
    let mut replaced = Default::default();
    let text = pdf::drawable("café 李 £ – “x” \u{1F600}", fonts, &mut replaced);
    assert!(text.contains("café") && text.contains('£') && text.contains('–'));
    assert!(replaced.contains(&'李') && replaced.contains(&'\u{1F600}'));
    assert!(!text.contains('李'));
}

#[test]
fn the_obligations_table_quotes_each_source_once() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let doc = document(&a, &catalogue, date(2026, 2, 1));
    let table = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { columns, rows, .. }
                if columns.iter().any(|c| c == "Source (quoted)") =>
            {
                Some(rows)
            }
            _ => None,
        })
        .expect("the obligations table");
    assert_eq!(table.len(), catalogue.obligations.len());
    for row in table {
        let (why, sources) = (&row[3], &row[4]);
        assert!(!why.contains("Required by"), "{why}");
        assert!(sources.contains('"'), "{} has no quoted source", row[0]);
    }
}

#[test]
fn markdown_snapshot_of_a_half_done_assessment() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let doc = document(&a, &catalogue, date(2026, 2, 1));
    insta::assert_snapshot!(markdown::render(&doc));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn any_text_in_answers_and_notes_renders(
        name in "\\PC{0,80}",
        notes in proptest::collection::vec("(\\PC|[\\x00-\\x1f\\x7f-\\x9f]|\\n){0,300}", 1..4),
    ) {
        let catalogue = catalogue();
        let mut a = sample(&catalogue, EMPTY);
        a.system.name = name;
        let who = assessor();
        let ids: Vec<String> = catalogue.questions_in_order().map(|q| q.id.clone()).collect();
        for (i, n) in notes.iter().enumerate() {
            a.set_notes(&ids[i], n, &who, t0());
        }
        let doc = document(&a, &catalogue, date(2026, 2, 1));
        let rendered = pdf::render(&doc);
        prop_assert!(rendered.is_ok());
        let rendered = rendered.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(rendered.bytes.starts_with(b"%PDF-"));
        prop_assert!(rendered.pages >= 8);
    }
}
