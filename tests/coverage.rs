//! The questionnaires against the standards they come from: every requirement sentence
//! (MUST, MUST NOT, SHOULD, SHOULD NOT, and a lowercase "must") of the nine source pages
//! is quoted by at least one obligation or deliberately excluded with a reason, and every
//! quote is verbatim from its page. A change to a standard's copy that drops or rewords a
//! quoted sentence fails here.

use std::collections::BTreeMap;
use std::path::Path;

use secassess::questionnaire::loader::{embedded_files, exclusions};
use secassess::questionnaire::{load_embedded, Catalogue};

/// The pages the content must cover, by standard id.
const COVERED: &[&str] = &[
    "security",
    "application-security",
    "tls",
    "authentication",
    "testing",
    "web-development",
    "dependencies",
    "service-procurement",
    "email-integration",
];

/// Markdown reduced to the text a reader sees: link targets, emphasis and code marks
/// dropped, whitespace collapsed.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // [text](target) -> text
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match (after.find("]("), after.find(']')) {
            (Some(close), Some(first_close)) if close == first_close => {
                let label = &after[..close];
                let target_and_rest = &after[close + 2..];
                match target_and_rest.find(')') {
                    Some(end) => {
                        out.push_str(label);
                        rest = &target_and_rest[end + 1..];
                    }
                    None => {
                        out.push('[');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Emphasis marks (`**`, `*`, `_`) and code marks go; bullets were stripped earlier.
    let out = out.replace(['*', '`', '_'], "");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page's paragraphs: the front matter description, then body paragraphs, where a
/// bullet or heading line starts a new one. Headings themselves are dropped.
fn paragraphs(page: &str) -> Vec<String> {
    let mut lines = page.lines().peekable();
    if lines.peek().is_some_and(|l| l.starts_with("<!--")) {
        lines.next();
    }
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        let text = plain(current);
        if !text.is_empty() {
            paragraphs.push(text);
        }
        current.clear();
    };
    if lines.peek().is_some_and(|l| l.trim() == "---") {
        lines.next();
        let mut in_description = false;
        for line in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
            if line.starts_with("description:") {
                in_description = true;
                continue;
            }
            if in_description && line.starts_with(' ') {
                current.push_str(line);
                current.push(' ');
            } else {
                in_description = false;
            }
        }
        flush(&mut current, &mut paragraphs);
    }
    for line in lines {
        let trimmed = line.trim_start();
        let starts_item = trimmed.starts_with("* ")
            || trimmed.starts_with("- ")
            || trimmed.chars().next().is_some_and(|c| c.is_ascii_digit())
                && trimmed.contains(". ")
                && trimmed
                    .split(". ")
                    .next()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        if trimmed.is_empty() || trimmed.starts_with('#') || starts_item {
            flush(&mut current, &mut paragraphs);
        }
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let body = trimmed
            .strip_prefix("* ")
            .or_else(|| trimmed.strip_prefix("- "))
            .unwrap_or(trimmed);
        current.push_str(body);
        current.push(' ');
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

/// Splits at ". ", "! " or "? " followed by an uppercase letter, so "e.g. password" and
/// "v1.2" stay whole.
fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = paragraph.chars().collect();
    let mut start = 0;
    for i in 0..chars.len() {
        let ends = matches!(chars[i], '.' | '!' | '?')
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2).is_some_and(|c| c.is_uppercase());
        if ends {
            out.push(unquote(&chars[start..=i].iter().collect::<String>()));
            start = i + 2;
        }
    }
    let last: String = chars[start.min(chars.len())..].iter().collect();
    if !last.trim().is_empty() {
        out.push(unquote(&last));
    }
    out
}

/// A sentence inside a quoted passage keeps its words, not the page's quotation marks.
fn unquote(sentence: &str) -> String {
    sentence
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}'))
        .trim()
        .to_string()
}

fn is_requirement(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "MUST" | "SHOULD" | "must"))
}

fn standards_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires/standards")
}

fn catalogue() -> Catalogue {
    load_embedded().unwrap_or_else(|e| panic!("embedded questionnaires do not load:\n{e}"))
}

fn page(catalogue: &Catalogue, standard: &str) -> String {
    let file = catalogue
        .standards
        .get(standard)
        .and_then(|s| s.file.clone())
        .unwrap_or_else(|| panic!("standard '{standard}' has no `file` copy"));
    std::fs::read_to_string(standards_dir().join(&file))
        .unwrap_or_else(|e| panic!("cannot read the copy {file} of '{standard}': {e}"))
}

/// All quotes by standard: obligations' quotes (which cover requirements) and questions'
/// quotes (which must still be verbatim).
fn obligation_quotes(catalogue: &Catalogue) -> BTreeMap<String, Vec<String>> {
    let mut quotes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for obligation in &catalogue.obligations {
        for source in &obligation.sources {
            quotes
                .entry(source.standard.clone())
                .or_default()
                .push(plain(&source.quote));
        }
    }
    quotes
}

#[test]
fn sentence_splitting_follows_the_pages() {
    let text = "All _administrative_ access to systems MUST require a login. Administrative access MUST also use multi-factor authentication.";
    assert_eq!(
        sentences(&plain(text)),
        [
            "All administrative access to systems MUST require a login.",
            "Administrative access MUST also use multi-factor authentication."
        ]
    );
    assert_eq!(
        sentences("e.g. password lengths and v1.2 here."),
        ["e.g. password lengths and v1.2 here."]
    );
    assert_eq!(
        plain("use [TLS v1.2](security/tls.md) or **better**"),
        "use TLS v1.2 or better"
    );
    let paragraphs = paragraphs("---\ntitle: x\ndescription: >\n   **ALL** endpoints must be\n   secured.\nstage: 4\n---\n\n* MUST do a\n  thing\n* SHOULD b\n");
    assert_eq!(
        paragraphs,
        [
            "ALL endpoints must be secured.",
            "MUST do a thing",
            "SHOULD b"
        ]
    );
}

#[test]
fn every_requirement_sentence_is_quoted_by_an_obligation_or_excluded_with_a_reason() {
    let catalogue = catalogue();
    let quotes = obligation_quotes(&catalogue);
    let excluded = exclusions(&embedded_files());
    let mut missing = Vec::new();
    let mut requirement_count = 0;
    for standard in COVERED {
        let text = page(&catalogue, standard);
        let standard_quotes = quotes.get(*standard).cloned().unwrap_or_default();
        for paragraph in paragraphs(&text) {
            for sentence in sentences(&paragraph) {
                if !is_requirement(&sentence) {
                    continue;
                }
                requirement_count += 1;
                let quoted = standard_quotes.iter().any(|q| q.contains(&sentence));
                let is_excluded = excluded
                    .iter()
                    .any(|e| e.standard == *standard && plain(&e.sentence) == sentence);
                if !quoted && !is_excluded {
                    missing.push(format!("{standard}: {sentence}"));
                }
            }
        }
    }
    assert!(
        requirement_count > 60,
        "only {requirement_count} requirement sentences found: is the sentence splitter broken?"
    );
    assert!(
        missing.is_empty(),
        "{} requirement sentences are not quoted by any obligation (quote them in an obligation's sources, or add them to questionnaires/coverage-exclusions.toml with a reason):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_quote_is_verbatim_from_its_standard() {
    let catalogue = catalogue();
    let mut wrong = Vec::new();
    let sources = catalogue
        .obligations
        .iter()
        .flat_map(|o| o.sources.iter().map(move |s| (o.id.as_str(), s)))
        .chain(
            catalogue
                .questions
                .values()
                .flat_map(|q| q.sources.iter().map(move |s| (q.id.as_str(), s))),
        );
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    for (owner, source) in sources {
        let text = pages
            .entry(source.standard.clone())
            .or_insert_with(|| paragraphs(&page(&catalogue, &source.standard)).join(" "));
        let quote = plain(&source.quote);
        if !text.contains(&quote) {
            wrong.push(format!("{owner} quotes {}: {quote}", source.standard));
        }
    }
    assert!(
        wrong.is_empty(),
        "quotes not found verbatim in their standard:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn exclusions_are_real_requirement_sentences() {
    let catalogue = catalogue();
    for exclusion in exclusions(&embedded_files()) {
        let text = page(&catalogue, &exclusion.standard);
        let found = paragraphs(&text)
            .iter()
            .flat_map(|p| sentences(p))
            .any(|s| s == plain(&exclusion.sentence));
        assert!(
            found,
            "excluded sentence is not a sentence of {}: {}",
            exclusion.standard, exclusion.sentence
        );
    }
}

#[test]
fn every_questionnaire_file_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    let embedded: Vec<String> = embedded_files().into_iter().map(|f| f.name).collect();
    for entry in std::fs::read_dir(&dir).expect("questionnaires/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = format!(
                "questionnaires/{}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            );
            assert!(
                embedded.contains(&name),
                "{name} is not in loader::EMBEDDED"
            );
        }
    }
}
