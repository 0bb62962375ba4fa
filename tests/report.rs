//! The evidence pack's core, without the binary: the document model (order, markers,
//! marking), the renderers' determinism, wrapping against real font metrics, CSV safety,
//! a snapshot of the Markdown, and a property test that no text breaks the PDF.

mod report_support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use report_support::*;
use secassess::questionnaire::model::{Level, Scope};
use secassess::report::document::STATUS_ORDER;
use secassess::report::document::{Block, PARTS};
use secassess::report::model;
use secassess::report::{self, csv, html, json, markdown, pdf, EvidenceCheck};
use secassess::rules::Status;

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
    // Two queries are open in the file; the one on admin_mfa, which is no longer asked (no
    // administrator accounts), counts nowhere: not in the review status either.
    assert_eq!(pack.reviews.open_queries, 1);
    assert_eq!(pack.reviews.open_query_questions, ["admin_accounts"]);
    assert!(pack
        .review_records
        .iter()
        .any(|r| r.question == "admin_mfa" && r.open_query));
    assert!(pack
        .no_longer_asked
        .iter()
        .any(|a| a.question == "admin_mfa"));
    let stale: Vec<_> = pack.review_records.iter().filter(|r| r.stale).collect();
    assert_eq!(stale.len(), 1);
    let text = all_text(&report::document(&pack));
    assert!(text.contains("stale — answer changed after review (was queried)"));
    assert!(text.contains("NOT SIGNED OFF"));
    assert!(text.contains("open queries: admin\\_accounts\n"), "{text}");
    assert!(!text.contains("open queries: admin\\_accounts, admin\\_mfa"));
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

/// The tables of the obligations part, in order: (columns, rows, anchors).
fn obligation_tables(doc: &report::Document) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let start = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, text } if text == "Obligations"))
        .expect("the obligations part");
    doc.blocks[start + 1..]
        .iter()
        .take_while(|b| !matches!(b, Block::Heading { level: 1, .. } | Block::Anchor { .. }))
        .filter_map(|b| match b {
            Block::Table { columns, rows, .. } => Some((columns.clone(), rows.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn each_requirement_is_quoted_once_and_the_tables_refer_to_it() {
    let catalogue = catalogue();
    let a = sample(&catalogue, HALF);
    let doc = document(&a, &catalogue, date(2026, 2, 1));
    let tables = obligation_tables(&doc);
    let (columns, quoted) = tables.last().expect("the requirements quoted");
    assert_eq!(columns, &["No.", "Requirement quoted"]);
    let obligation_rows: Vec<&Vec<String>> = tables[..tables.len() - 1]
        .iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    assert_eq!(obligation_rows.len(), catalogue.obligations.len());
    // Every distinct sentence of the catalogue is in the list, once.
    let mut distinct = std::collections::BTreeSet::new();
    for o in &catalogue.obligations {
        for source in &o.sources {
            distinct.insert(source.quote.clone());
        }
    }
    assert_eq!(quoted.len(), distinct.len());
    let text = all_text(&doc);
    for quote in &distinct {
        let escaped = format!("\"{}\"", markdown::escape(quote));
        let in_list = quoted
            .iter()
            .filter(|r| r[1].starts_with(&format!("\"{quote}\"\n")))
            .count();
        assert_eq!(in_list, 1, "{quote}");
        assert_eq!(
            text.matches(&escaped).count(),
            1,
            "quoted more than once: {quote}"
        );
    }
    // Every row refers to numbers in the list, and says nothing of "Required by".
    for row in obligation_rows {
        let refs = row.last().expect("the quoted column");
        assert!(refs.starts_with('['), "{} refers to no requirement", row[0]);
        for n in refs.split(' ') {
            assert!(quoted.iter().any(|q| q[0] == n), "{n} is not in the list");
        }
        assert!(row.iter().all(|cell| !cell.contains("Required by")));
    }
}

#[test]
fn obligations_are_grouped_by_status_then_level() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 7, 1))).expect("pack builds");
    let doc = report::document(&pack);
    let status_of = |id: &str| {
        pack.obligations
            .iter()
            .find(|o| o.id == id)
            .map(|o| (o.status, o.level, o.scope))
            .expect("a known obligation")
    };
    let order = |s| STATUS_ORDER.iter().position(|x| *x == s).unwrap_or(9);
    let rank = |l| Level::ALL.iter().position(|x| *x == l).unwrap_or(9);
    let tables = obligation_tables(&doc);
    let system: Vec<(usize, usize)> = tables
        .iter()
        .filter(|(columns, _)| columns.len() == 4)
        .flat_map(|(_, rows)| rows)
        .map(|row| {
            let (status, level, scope) = status_of(&row[0]);
            assert_eq!(scope, Scope::System);
            (order(status), rank(level))
        })
        .collect();
    assert!(system.len() > 20);
    let mut sorted = system.clone();
    sorted.sort();
    assert_eq!(system, sorted, "not in status, then level order");
    // The groups are headed by their status, not met first.
    let headings = headings(&doc, 2);
    let first = headings
        .iter()
        .position(|h| h.starts_with("Not met ("))
        .expect("a not-met group");
    assert!(headings[first + 1].starts_with("Unknown"));
    assert!(headings[first + 2].starts_with("Met ("));
    assert!(headings[first + 3].starts_with("Not applicable"));
}

#[test]
fn the_summary_says_first_what_needs_action_with_where_it_is() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let evidence = BTreeMap::new();
    let pack =
        report::build(&input(&a, &catalogue, &evidence, date(2026, 7, 1))).expect("pack builds");
    let doc = report::document(&pack);
    let start = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, text } if text == "Summary"))
        .expect("the summary");
    let after: Vec<&Block> = doc.blocks[start + 1..]
        .iter()
        .filter(|b| !matches!(b, Block::Paragraph { .. }))
        .take(2)
        .collect();
    assert!(
        matches!(after[0], Block::Heading { level: 2, text } if text == "What needs action"),
        "{after:?}"
    );
    let Block::References { items } = after[1] else {
        panic!("no list of what needs action: {after:?}");
    };
    // Not met MUSTs, then unknown MUSTs, then untreated findings, overdue items and
    // escalations, in that order.
    let kinds = [
        "NOT MET MUST",
        "UNKNOWN MUST",
        "UNTREATED finding",
        "OVERDUE",
        "ESCALATE",
    ];
    let kind = |text: &str| kinds.iter().position(|k| text.starts_with(k));
    let seen: Vec<usize> = items.iter().filter_map(|i| kind(&i.text)).collect();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    for k in [0, 2, 3] {
        assert!(seen.contains(&k), "no {} item: {items:?}", kinds[k]);
    }
    let not_met_musts = pack
        .obligations
        .iter()
        .filter(|o| {
            o.scope == Scope::System && o.level == Level::Must && o.status == Status::NotMet
        })
        .count();
    assert_eq!(seen.iter().filter(|k| **k == 0).count(), not_met_musts);
    // Each points at an anchor of the document, which the PDF turns into its page.
    let mut anchors = std::collections::BTreeSet::new();
    for b in &doc.blocks {
        match b {
            Block::Anchor { id } => {
                anchors.insert(id.clone());
            }
            Block::Table { anchors: ids, .. } => anchors.extend(ids.iter().cloned()),
            _ => {}
        }
    }
    for item in items {
        assert!(
            anchors.contains(&item.target),
            "{} points nowhere",
            item.text
        );
    }
    let pdf = pdf::render(&doc).expect("renders");
    assert!(pdf.pages > 10);
}

#[test]
fn the_html_pack_is_accessible_and_self_contained() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let doc = document(&a, &catalogue, date(2026, 7, 1));
    let html = html::render(&doc);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert_eq!(html.matches("<h1").count(), 1, "one h1");
    // Headings never skip a level going down.
    let mut last = 1;
    for (i, _) in html.match_indices("<h") {
        let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= last + 1, "h{level} after h{last}");
        last = level;
    }
    // Every header cell says what it heads.
    let header_cells = html.matches("<th ").count() + html.matches("<th>").count();
    assert!(header_cells > 100);
    assert_eq!(
        header_cells,
        html.matches("<th scope=\"col\">").count() + html.matches("<th scope=\"row\">").count()
    );
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"));
    for outside in [
        "src=",
        "<link",
        "@import",
        "url(",
        "href=\"http",
        "href=\"//",
    ] {
        assert!(
            !lower.contains(outside),
            "refers outside the file: {outside}"
        );
    }
    for (i, _) in html.match_indices("href=\"") {
        assert!(html[i + 6..].starts_with('#'), "{}", &html[i..i + 40]);
        let target = &html[i + 7..html[i + 7..].find('"').map_or(i + 7, |e| i + 7 + e)];
        assert!(
            html.contains(&format!("id=\"{target}\"")),
            "a link to #{target}, which is nowhere"
        );
    }
    // The same content and order as the PDF: every part, in order, and the marking at
    // the top and the bottom.
    let mut from = 0;
    for part in PARTS {
        let at = html[from..]
            .find(&format!(">{}</h2>", html::escape(part)))
            .unwrap_or_else(|| panic!("{part} missing or out of order"));
        from += at;
    }
    assert!(html.contains("<header class=\"marking top\""));
    assert!(html.contains("<footer class=\"marking bottom\""));
    assert!(html.contains("@media print"));
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

/// The tables of one part (level-1 heading `part`), with their column titles.
fn part_tables(doc: &report::Document, part: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let start = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, text } if text == part))
        .expect("the part");
    doc.blocks[start + 1..]
        .iter()
        .take_while(|b| !matches!(b, Block::Heading { level: 1, .. }))
        .filter_map(|b| match b {
            Block::Table { columns, rows, .. } => Some((columns.clone(), rows.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_review_part_lists_questions_in_the_order_asked_with_answer_decision_and_thread() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let doc = document(&a, &catalogue, date(2026, 7, 1));
    // The tables before "Decisions on answers no longer asked" (which this sample has:
    // its reviewer decided on answers a later answer switched off).
    let start = doc
        .blocks
        .iter()
        .position(
            |b| matches!(b, Block::Heading { level: 1, text } if text == "Review and sign-off"),
        )
        .expect("the review part");
    let blocks: Vec<&Block> = doc.blocks[start + 1..]
        .iter()
        .take_while(|b| !matches!(b, Block::Heading { level: 1, .. }))
        .collect();
    let apart = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { text, .. } if text == "Decisions on answers no longer asked"))
        .expect("this sample has decisions on answers no longer asked");
    let rows: Vec<Vec<String>> = blocks[..apart]
        .iter()
        .filter_map(|b| match b {
            Block::Table { columns, rows, .. }
                if columns == &["Question", "Answer", "Decision", "Thread"] =>
            {
                Some(rows.clone())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert!(rows.len() > 20, "{} rows", rows.len());
    // Each row starts with the question as asked, its id after it in brackets.
    let ids: Vec<String> = rows
        .iter()
        .map(|r| {
            let (prompt, id) = r[0].rsplit_once('\n').expect("prompt, then (id)");
            let id = id.trim_start_matches('(').trim_end_matches(')');
            let question = catalogue.question(id).expect("a real question");
            assert_eq!(prompt, question.prompt, "{id}");
            id.to_string()
        })
        .collect();
    // In the order a walkthrough asks them, not alphabetically.
    let order: Vec<&str> = catalogue
        .questions_in_order()
        .map(|q| q.id.as_str())
        .filter(|id| ids.iter().any(|i| i == id))
        .collect();
    assert_eq!(ids, order);
    let mut alphabetical = ids.clone();
    alphabetical.sort();
    assert_ne!(ids, alphabetical);
    // The answer, the decision and the thread: the sample queries two answers.
    assert!(rows.iter().all(|r| !r[1].is_empty() && !r[2].is_empty()));
    assert!(rows.iter().any(|r| r[2].starts_with("accepted\nby ")));
    assert!(
        rows.iter()
            .any(|r| r[3].contains("Which supplier report is this based on?")),
        "no thread shown"
    );
}

#[test]
fn the_audit_trail_part_sums_the_entries_by_person_and_action() {
    let catalogue = catalogue();
    let a = sample(&catalogue, COMPLETE);
    let doc = document(&a, &catalogue, date(2026, 7, 1));
    let tables = part_tables(&doc, "Audit trail");
    let (_, rows) = tables
        .iter()
        .find(|(columns, _)| columns[..3] == ["Person", "Action", "Entries"])
        .expect("entries by person and action");
    let total: usize = rows
        .iter()
        .map(|r| r[2].parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(total, a.audit.len());
    assert!(
        rows.len() < 20,
        "a summary, not the trail: {} rows",
        rows.len()
    );
    let text = all_text(&doc);
    let part = text
        .split("# Audit trail")
        .nth(1)
        .and_then(|t| t.split("\n# ").next())
        .expect("the part's text");
    assert!(part.contains("INTACT"), "the chain verification is said");
    assert!(part.contains("#1, "), "the first entry is said");
}
