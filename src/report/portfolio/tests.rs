use chrono::{DateTime, Duration, NaiveDate, TimeZone};

use super::*;
use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::format::Decoded;
use crate::assessment::record::{Assessment, Person, System};
use crate::assessment::sign_off::{self, Judged, SignOffState};
use crate::assessment::verify;
use crate::portfolio::tests::{ann, answered, day, row_of, sign};
use crate::portfolio::{summarise, ClassificationFilter, Unreadable};
use crate::questionnaire::answer::parse_answer;
use crate::questionnaire::model::Catalogue;

fn catalogue() -> Catalogue {
    crate::questionnaire::load_embedded().expect("the embedded questionnaires load")
}

fn utc() -> impl LocalTime {
    |at: DateTime<Utc>| at.fixed_offset()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid")
}

/// A row for a system with the classification answered (and the two data questions
/// "no", so it is settled).
fn row(catalogue: &Catalogue, name: &str, classification: &str) -> Row {
    let who = Person {
        name: "Ann Lead".into(),
        role: String::new(),
        email: "ann@example.nhs.uk".into(),
    };
    let at = Utc
        .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("valid");
    let mut a = Assessment::new(
        System {
            name: name.into(),
            description: String::new(),
        },
        who.clone(),
        catalogue,
        at,
    );
    for (id, value) in [
        ("classification", classification),
        ("personal_data", "no"),
        ("commercially_sensitive", "no"),
    ] {
        let q = catalogue.question(id).expect("question");
        let v = parse_answer(q, value).expect("valid");
        a.set_answer(q, &v, &who, at).expect("answered");
    }
    let decoded = Decoded {
        assessment: a,
        schema_version: crate::assessment::record::SCHEMA_VERSION,
        migrations: Vec::new(),
        complete: true,
    };
    summarise(
        &format!("shared/{}.secassess.toml", name.to_lowercase()),
        &decoded,
        &crate::assessment::evidence::EvidenceFiles::not_checked(),
        catalogue,
        today(),
    )
}

fn listing(catalogue: &Catalogue, filter: Filter) -> Listing {
    let results = vec![
        Ok(row(catalogue, "Ward rota", "official")),
        Err(Unreadable::new(
            "shared/z.secassess.toml",
            "shared/z.secassess.toml:1:1: bad",
        )),
        Ok(row(
            catalogue,
            "Patient portal with a long name",
            "official-sensitive",
        )),
        Err(Unreadable::new("shared/a.secassess.toml", "cannot read it")),
    ];
    Listing::new(
        vec!["shared".into()],
        today(),
        filter,
        Sort::System,
        results,
        Vec::new(),
        Vec::new(),
        catalogue,
    )
}

#[test]
fn a_listing_filters_sorts_and_takes_the_highest_marking() {
    let catalogue = catalogue();
    let all = listing(&catalogue, Filter::default());
    assert_eq!(all.found, 2);
    assert_eq!(
        all.assessments
            .iter()
            .map(|r| r.system.as_str())
            .collect::<Vec<_>>(),
        ["Patient portal with a long name", "Ward rota"]
    );
    assert_eq!(all.marking, "OFFICIAL-SENSITIVE");
    assert_eq!(all.unreadable[0].file, "shared/a.secassess.toml", "sorted");
    let filter = Filter {
        classification: Some(ClassificationFilter::parse("official", &catalogue).expect("parses")),
        ..Filter::default()
    };
    let official = listing(&catalogue, filter);
    assert_eq!(official.assessments.len(), 1);
    assert_eq!(official.marking, "OFFICIAL", "only what is listed marks it");
    assert_eq!(official.unreadable.len(), 2);
    assert_eq!(official.totals.assessments, 1);
}

#[test]
fn the_table_keeps_what_a_team_acts_on_when_narrow() {
    let catalogue = catalogue();
    let all = listing(&catalogue, Filter::default());
    let rows: Vec<&Row> = all.assessments.iter().collect();
    let wide = text::layout(&rows, None, utc());
    assert!(wide.left_out.is_empty());
    assert!(wide.columns.iter().any(|(c, _)| *c == Column::File));
    assert!(
        !wide.columns.iter().any(|(c, _)| *c == Column::Git),
        "no git column outside git"
    );
    let narrow = text::layout(&rows, Some(80), utc());
    let shown: Vec<Column> = narrow.columns.iter().map(|(c, _)| *c).collect();
    for c in [
        Column::System,
        Column::Gate,
        Column::Classification,
        Column::SignOff,
    ] {
        assert!(shown.contains(&c), "{c:?} kept at 80: {shown:?}");
    }
    assert!(narrow.left_out.contains(&Column::File));
    let lines = text::table_lines(&rows, &narrow, utc());
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    assert!(lines[0].starts_with("SYSTEM"));
    let page = text::render(&all, Some(80), utc());
    assert!(page.contains("Not shown at 80 columns"), "{page}");
    assert!(page.contains("shared/z.secassess.toml:1:1: bad"), "{page}");
    assert!(
        page.contains("shared/a.secassess.toml: cannot read it"),
        "{page}"
    );
    assert!(page.lines().all(|l| l.chars().count() <= 80), "{page}");
}

#[test]
fn json_is_versioned_and_deterministic() {
    let catalogue = catalogue();
    let all = listing(&catalogue, Filter::default());
    let first = json(&all).expect("encodes");
    assert_eq!(first, json(&all).expect("encodes"));
    let value: serde_json::Value = serde_json::from_str(&first).expect("valid JSON");
    assert_eq!(value["schema"], crate::portfolio::SCHEMA);
    assert_eq!(value["schema_version"], crate::portfolio::SCHEMA_VERSION);
    assert_eq!(value["assessments"][1]["system"], "Ward rota");
    assert!(value.get("since").is_none());
}

#[test]
fn csv_has_one_record_per_assessment_and_file_not_read() {
    let catalogue = catalogue();
    let all = listing(&catalogue, Filter::default());
    let text = String::from_utf8(csv(&all)).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first, as the export's CSV, for Excel");
    let records: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(records.len(), 1 + 2 + 2);
    assert!(records[0].starts_with("\"file\",\"system\""));
    assert!(records[0].ends_with("\"marking\""));
    assert!(records[1].ends_with("\"OFFICIAL-SENSITIVE\""));
    assert!(records[3].contains("\"cannot read it\""));
}

#[test]
fn the_register_is_marked_and_names_what_it_fingerprints() {
    let catalogue = catalogue();
    let all = listing(&catalogue, Filter::default());
    let at = Utc
        .with_ymd_and_hms(2026, 7, 1, 10, 0, 0)
        .single()
        .expect("valid");
    let doc = register::document(
        &all,
        at,
        utc(),
        &"ab".repeat(32),
        "secassess portfolio shared --format json",
    );
    assert_eq!(doc.marking, "OFFICIAL-SENSITIVE");
    assert_eq!(doc.fingerprint_of, "Register");
    let tables: Vec<usize> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            crate::report::Block::Table { rows, .. } => Some(rows.len()),
            _ => None,
        })
        .collect();
    assert_eq!(tables[0], 2, "one row per assessment");
    assert_eq!(tables[1], 2, "one row per file not read");
    let rendered = crate::report::pdf::render(&doc).expect("renders");
    assert!(rendered.bytes.starts_with(b"%PDF-"));
    assert!(rendered.replaced.is_empty());
}

#[test]
fn the_html_page_escapes_and_marks() {
    let catalogue = catalogue();
    let mut all = listing(&catalogue, Filter::default());
    all.assessments[0].system = "<b>bold</b> & 'quoted'".into();
    // A right-to-left override and an escape sequence, straight into the row: the page
    // must not carry either (a browser would reverse the text after the override).
    all.assessments[1].system = "Ward\u{202e}ator \u{1b}]52;c;x\u{7}".into();
    let at = Utc
        .with_ymd_and_hms(2026, 7, 1, 10, 0, 0)
        .single()
        .expect("valid");
    let page = html::render(&all, at, utc());
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
    assert!(!page.contains("<b>bold"));
    assert!(
        !page.contains('\u{202e}') && !page.contains('\u{1b}'),
        "sanitised"
    );
    assert_eq!(page.matches("<h1>").count(), 1);
    assert_eq!(page.matches("OFFICIAL-SENSITIVE</p>").count(), 2);
}

#[test]
fn sign_off_is_what_verify_says() {
    let catalogue = catalogue();
    let mut a = answered(&catalogue, "official", 10);
    let state = |a: &Assessment| row_of(a, &catalogue, day(7, 1)).sign_off;
    assert_eq!(state(&a).state, SignOffStatus::None);
    assert_eq!(state(&a).signature_word(), None);
    // Signed off, but not ready to sign off now (unanswered, unreviewed): no longer
    // valid, with verify's reasons.
    sign(&mut a);
    let lapsed = state(&a);
    assert_eq!(lapsed.state, SignOffStatus::NoLongerValid);
    assert!(!lapsed.reasons.is_empty());
    // Signed off without an SSH signature (a signed one: tests/signature.rs).
    assert_eq!(lapsed.signature_word(), Some("no signature"));
    assert_eq!(
        crate::report::portfolio::Column::SignOff
            .cell(&row_of(&a, &catalogue, day(7, 1)), |at: DateTime<Utc>| at
                .fixed_offset()),
        "LAPSED, no signature"
    );
    assert_eq!(
        lapsed.signed_by.as_deref(),
        Some("Ivy Reviewer <ivy@example.nhs.uk>")
    );
    let evidence = EvidenceFiles::not_checked();
    let judged = Judged {
        catalogue: &catalogue,
        evidence: &evidence,
        today: day(7, 1),
    };
    assert!(matches!(
        verify::verify(&a, &judged).sign_off,
        SignOffState::NoLongerValid { .. }
    ));
    assert_eq!(sign_off::changed_since_sign_off(&a), Some(false));
    let id = a.answers.keys().next().cloned().expect("an answer");
    let at = a.updated_at + Duration::minutes(5);
    a.set_notes(&id, "Changed later.", &ann(), at);
    let changed = state(&a);
    assert_eq!(changed.state, SignOffStatus::ChangedSince);
    assert!(
        changed.reasons.iter().any(|r| r.contains(&id)),
        "{:?}",
        changed.reasons
    );
    assert_eq!(sign_off::changed_since_sign_off(&a), Some(true));
    assert_eq!(row_of(&a, &catalogue, day(7, 1)).last_change, a.updated_at);
}
