//! Loading questionnaire TOML into a validated [`Catalogue`]: the embedded files, a
//! user's override directory on top, and every check that makes a mistake in content a
//! `file:line:column: message` error at load time rather than a wrong answer later.
//!
//! All problems are collected and reported together, so an author fixes a file in one
//! pass. Nothing here panics on any input: size and nesting are bounded before parsing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::expr::{self, Expr};
use super::model::*;
use crate::text::{line_column, toml_too_deep};

/// Largest questionnaire file accepted. The real ones are tens of kilobytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Deepest bracket nesting accepted in a file, checked before the TOML parser sees it.
const MAX_NESTING: usize = 32;

/// The questionnaires compiled into the binary, so secassess runs from one file.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "standards.toml",
        include_str!("../../../../questionnaires/standards.toml"),
    ),
    (
        "00-profile.toml",
        include_str!("../../../../questionnaires/00-profile.toml"),
    ),
    (
        "10-base-requirements.toml",
        include_str!("../../../../questionnaires/10-base-requirements.toml"),
    ),
    (
        "20-application-security.toml",
        include_str!("../../../../questionnaires/20-application-security.toml"),
    ),
    (
        "30-authentication.toml",
        include_str!("../../../../questionnaires/30-authentication.toml"),
    ),
    (
        "40-tls.toml",
        include_str!("../../../../questionnaires/40-tls.toml"),
    ),
    (
        "45-email.toml",
        include_str!("../../../../questionnaires/45-email.toml"),
    ),
    (
        "50-web.toml",
        include_str!("../../../../questionnaires/50-web.toml"),
    ),
    (
        "60-testing.toml",
        include_str!("../../../../questionnaires/60-testing.toml"),
    ),
    (
        "70-dependencies.toml",
        include_str!("../../../../questionnaires/70-dependencies.toml"),
    ),
    (
        "75-procurement.toml",
        include_str!("../../../../questionnaires/75-procurement.toml"),
    ),
    (
        "80-organisational.toml",
        include_str!("../../../../questionnaires/80-organisational.toml"),
    ),
    (
        "coverage-exclusions.toml",
        include_str!("../../../../questionnaires/coverage-exclusions.toml"),
    ),
];

/// One problem in one file, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("cannot read the questionnaire directory {path}: {source}. Check the path given with --questionnaires or SECASSESS_QUESTIONNAIRES.")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "{} problem{} in the questionnaires; fix them and run `secassess validate` again.",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    ));
    out
}

impl LoadError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid(d) => d,
            LoadError::Directory { .. } => &[],
        }
    }
}

/// A questionnaire file's name (for messages) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Loads the embedded questionnaires only.
pub fn load_embedded() -> Result<Catalogue, LoadError> {
    load_files(embedded_files())
}

pub fn embedded_files() -> Vec<SourceFile> {
    EMBEDDED
        .iter()
        .map(|(name, text)| SourceFile {
            name: format!("questionnaires/{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Loads the embedded questionnaires with a user's files on top (read from their override
/// directory by the shell, `store::questionnaires`): a user file replaces the embedded
/// file with the same questionnaire id (or, for a file without a `[questionnaire]`, the
/// same file name) and any other file adds to them. Fails with every problem found.
pub fn load_with_user_files(user: Vec<SourceFile>) -> Result<Catalogue, LoadError> {
    load_files(merge_overrides(embedded_files(), user))
}

/// The questionnaire id a file declares, found without a full parse so that merging
/// works even on files that will then fail validation.
fn declared_questionnaire_id(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Header {
        questionnaire: Option<HeaderId>,
    }
    #[derive(Deserialize)]
    struct HeaderId {
        id: Option<String>,
    }
    if text.len() > MAX_FILE_BYTES || toml_too_deep(text, MAX_NESTING).is_some() {
        return None;
    }
    toml::from_str::<Header>(text)
        .ok()
        .and_then(|h| h.questionnaire)
        .and_then(|q| q.id)
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn merge_overrides(embedded: Vec<SourceFile>, user: Vec<SourceFile>) -> Vec<SourceFile> {
    let replaced = |file: &SourceFile| {
        let id = declared_questionnaire_id(&file.text);
        user.iter()
            .any(|u| match (&id, declared_questionnaire_id(&u.text)) {
                (Some(a), Some(b)) => *a == b,
                (None, None) => base_name(&u.name) == base_name(&file.name),
                _ => false,
            })
    };
    let mut files: Vec<SourceFile> = embedded.into_iter().filter(|f| !replaced(f)).collect();
    files.extend(user);
    files
}

// ---- raw TOML shape ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    questionnaire: Option<Spanned<RawHeader>>,
    #[serde(default)]
    standards: Vec<RawStandard>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
    #[serde(default)]
    obligations: Vec<RawObligation>,
    #[serde(default)]
    derived: Vec<RawDerived>,
    #[serde(default)]
    notices: Vec<RawNotice>,
    #[serde(default)]
    exclusions: Vec<RawExclusion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    version: Spanned<String>,
    title: String,
    #[serde(default)]
    order: i64,
    #[serde(default)]
    summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandard {
    id: Spanned<String>,
    title: String,
    path: String,
    file: Option<String>,
    url: String,
    last_updated: String,
    exceptions_approved_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    intro: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    standard: Spanned<String>,
    section: String,
    quote: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    value: Spanned<String>,
    label: String,
    help: Option<String>,
    when_chosen: Option<String>,
    when_not_chosen: Option<String>,
    #[serde(default)]
    exclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    section: Spanned<String>,
    kind: Spanned<String>,
    prompt: Spanned<String>,
    help: Spanned<String>,
    who_can_answer: Spanned<String>,
    short: Option<String>,
    when_yes: Option<String>,
    when_no: Option<String>,
    #[serde(default)]
    ordered: bool,
    #[serde(default)]
    options: Vec<RawChoice>,
    ask_if: Option<Spanned<String>>,
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObligation {
    id: Spanned<String>,
    level: Spanned<String>,
    scope: Option<Spanned<String>>,
    title: String,
    #[serde(default)]
    involves: Vec<String>,
    applies_if: Spanned<String>,
    met_if: Spanned<String>,
    evidence: Option<Spanned<String>>,
    requires_approval: Option<String>,
    exception_approver: Option<String>,
    guidance: String,
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRaise {
    to: Spanned<String>,
    when: Spanned<String>,
    because: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    id: Spanned<String>,
    short: String,
    from: Spanned<String>,
    #[serde(default)]
    raise: Vec<RawRaise>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    id: Spanned<String>,
    show_if: Spanned<String>,
    severity: Spanned<String>,
    title: String,
    text: String,
    contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    standard: Spanned<String>,
    sentence: String,
    reason: Spanned<String>,
}

/// A requirement sentence deliberately not turned into an obligation, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exclusion {
    pub standard: String,
    pub sentence: String,
    pub reason: String,
}

// ---- positions ----

/// Where the content of a TOML string starts, relative to the start of its span, so
/// expression errors can point inside the string.
fn string_content_offset(text: &str, span: &Range<usize>) -> usize {
    let raw = text.get(span.clone()).unwrap_or("");
    for delimiter in ["\"\"\"", "'''"] {
        if let Some(rest) = raw.strip_prefix(delimiter) {
            return delimiter.len()
                + if rest.starts_with("\r\n") {
                    2
                } else if rest.starts_with('\n') {
                    1
                } else {
                    0
                };
        }
    }
    usize::from(raw.starts_with('"') || raw.starts_with('\''))
}

// ---- validation ----

struct Checker<'a> {
    files: &'a [SourceFile],
    diagnostics: Vec<Diagnostic>,
    /// Questions already reported as used in a condition without `short`.
    missing_short: HashSet<String>,
}

/// A place in a file: file index and byte span.
#[derive(Debug, Clone)]
struct At {
    file: usize,
    span: Range<usize>,
}

impl Checker<'_> {
    fn error(&mut self, at: &At, message: impl Into<String>) {
        let (file, text) = match self.files.get(at.file) {
            Some(f) => (f.name.clone(), f.text.as_str()),
            None => (String::from("<unknown>"), ""),
        };
        let (line, column) = line_column(text, at.span.start);
        self.diagnostics.push(Diagnostic {
            file,
            line,
            column,
            message: message.into(),
        });
    }

    fn describe(&self, at: &At) -> String {
        match self.files.get(at.file) {
            Some(f) => {
                let (line, column) = line_column(&f.text, at.span.start);
                format!("{}:{line}:{column}", f.name)
            }
            None => String::from("<unknown>"),
        }
    }

    fn check_id(&mut self, at: &At, id: &str, what: &str, allow: fn(char) -> bool) {
        let valid = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && id.chars().all(allow)
            && id.len() <= 64;
        if !valid {
            self.error(
                at,
                format!("{what} id '{id}' must start with a lowercase letter, use only lowercase letters, digits and {} and be at most 64 characters",
                    if allow('_') { "'_'" } else { "'-'" }),
            );
        }
    }

    fn require_text(&mut self, at: &At, value: &str, field: &str) {
        if value.trim().is_empty() {
            self.error(at, format!("'{field}' must not be empty"));
        }
    }
}

fn kebab_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn snake_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

fn option_value_valid(value: &str) -> bool {
    value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && value.chars().all(kebab_char)
}

/// Parsed expression plus where its text sits, for later checking.
struct PendingExpr {
    expr: Expr,
    text: String,
    at: At,
    content_offset: usize,
}

impl Checker<'_> {
    fn parse_expr(&mut self, file: usize, raw: &Spanned<String>) -> Option<PendingExpr> {
        let span = raw.span();
        let content_offset = self
            .files
            .get(file)
            .map(|f| string_content_offset(&f.text, &span))
            .unwrap_or(0);
        let at = At { file, span };
        match expr::parse(raw.get_ref()) {
            Ok(expr) => Some(PendingExpr {
                expr,
                text: raw.get_ref().clone(),
                at,
                content_offset,
            }),
            Err(err) => {
                let start = at.span.start + content_offset + err.span.start;
                self.error(
                    &At {
                        file,
                        span: start..start,
                    },
                    err.message,
                );
                None
            }
        }
    }

    fn inner(&self, pending: &PendingExpr, span: &Range<usize>) -> At {
        let start = pending.at.span.start + pending.content_offset + span.start;
        At {
            file: pending.at.file,
            span: start..start + span.len(),
        }
    }
}

/// What a name in an expression refers to, for type checking.
enum NameType<'a> {
    Question(&'a Question),
    /// A derived value ranges over the options of an ordered question.
    Derived(&'a Question),
}

fn type_check(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    questions: &BTreeMap<String, Question>,
    derived_from: &HashMap<String, String>,
) {
    let lookup = |name: &str| -> Option<NameType<'_>> {
        if let Some(q) = questions.get(name) {
            return Some(NameType::Question(q));
        }
        derived_from
            .get(name)
            .and_then(|from| questions.get(from))
            .map(NameType::Derived)
    };
    // A question named in a condition appears in reasons ("personal data is not answered
    // yet"), so it needs a `short` phrase; without one the whole prompt would leak in.
    for (name, span) in pending.expr.names() {
        let unnamed = questions
            .get(name)
            .is_some_and(|q| q.short.as_deref().is_none_or(|s| s.trim().is_empty()));
        if unnamed && checker.missing_short.insert(name.to_string()) {
            let at = checker.inner(pending, &span);
            checker.error(&at, format!("'{name}' is used in a condition, so it needs `short`, the phrase reasons use for it (e.g. \"personal data is not answered yet\")"));
        }
    }
    let mut atoms = Vec::new();
    collect_atoms(&pending.expr, &mut atoms);
    for atom in atoms {
        match atom {
            Expr::Compare {
                name,
                name_span,
                op,
                value,
                value_span,
            } => {
                match lookup(name) {
                    None => unknown_name(checker, pending, name, name_span, questions),
                    Some(NameType::Question(q)) => match q.kind {
                        AnswerKind::YesNo => {
                            if op.is_ordering() {
                                let at = checker.inner(pending, name_span);
                                checker.error(&at, format!("'{name}' is a yes-no question; compare it with == or != only"));
                            } else if value != "yes" && value != "no" {
                                let at = checker.inner(pending, value_span);
                                checker.error(&at, format!("'{name}' is a yes-no question; compare it with yes or no, not '{value}'"));
                            }
                        }
                        AnswerKind::Single => {
                            check_option(checker, pending, q, value, value_span);
                            if op.is_ordering() && !q.ordered {
                                let at = checker.inner(pending, name_span);
                                checker.error(&at, format!("'{name}' is not ordered (set `ordered = true` on the question) so {} cannot be used on it", op.symbol()));
                            }
                        }
                        AnswerKind::Multiple => {
                            let at = checker.inner(pending, name_span);
                            checker.error(&at, format!("'{name}' is a multiple-choice question; use '{name} includes VALUE'"));
                        }
                        kind => {
                            let at = checker.inner(pending, name_span);
                            checker.error(&at, format!("'{name}' is a {} question and cannot be compared; use '{name} is answered'", kind.name()));
                        }
                    },
                    Some(NameType::Derived(from)) => {
                        check_option(checker, pending, from, value, value_span);
                    }
                }
            }
            Expr::Includes {
                name,
                name_span,
                value,
                value_span,
            } => match lookup(name) {
                None => unknown_name(checker, pending, name, name_span, questions),
                Some(NameType::Question(q)) if q.kind == AnswerKind::Multiple => {
                    check_option(checker, pending, q, value, value_span)
                }
                Some(_) => {
                    let at = checker.inner(pending, name_span);
                    checker.error(&at, format!("'includes' works only on multiple-choice questions and '{name}' is not one; use == instead"));
                }
            },
            Expr::Answered {
                name, name_span, ..
            } if lookup(name).is_none() => {
                unknown_name(checker, pending, name, name_span, questions)
            }
            _ => {}
        }
    }
}

fn collect_atoms<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::Not(inner) => collect_atoms(inner, out),
        Expr::And(items) | Expr::Or(items) => items.iter().for_each(|i| collect_atoms(i, out)),
        Expr::Always | Expr::Never => {}
        atom => out.push(atom),
    }
}

fn check_option(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    question: &Question,
    value: &str,
    value_span: &Range<usize>,
) {
    if question.option(value).is_none() {
        let values: Vec<&str> = question.options.iter().map(|c| c.value.as_str()).collect();
        let at = checker.inner(pending, value_span);
        checker.error(
            &at,
            format!(
                "'{value}' is not an option of '{}'; its options are: {}",
                question.id,
                values.join(", ")
            ),
        );
    }
}

fn unknown_name(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    name: &str,
    span: &Range<usize>,
    questions: &BTreeMap<String, Question>,
) {
    let suggestion = questions
        .keys()
        .find(|k| {
            let distance = edit_distance(k, name);
            distance <= 2 && distance * 3 <= name.len()
        })
        .map(|k| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default();
    let at = checker.inner(pending, span);
    checker.error(
        &at,
        format!("unknown question or derived value '{name}'{suggestion}"),
    );
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Loads and validates a set of files into a catalogue.
pub fn load_files(files: Vec<SourceFile>) -> Result<Catalogue, LoadError> {
    let mut checker = Checker {
        files: &files,
        diagnostics: Vec::new(),
        missing_short: HashSet::new(),
    };

    // Parse each file; a file that does not parse contributes only its diagnostic.
    let mut parsed: Vec<(usize, RawFile)> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let whole = At {
            file: index,
            span: 0..0,
        };
        if file.text.len() > MAX_FILE_BYTES {
            checker.error(
                &whole,
                format!(
                    "file is {} bytes; questionnaire files are limited to {MAX_FILE_BYTES} bytes",
                    file.text.len()
                ),
            );
            continue;
        }
        if let Some(offset) = toml_too_deep(&file.text, MAX_NESTING) {
            checker.error(
                &At {
                    file: index,
                    span: offset..offset,
                },
                format!("brackets or dotted keys (a.b.c) nest more than {MAX_NESTING} deep; questionnaire files never need that"),
            );
            continue;
        }
        match toml::from_str::<RawFile>(&file.text) {
            Ok(raw) => parsed.push((index, raw)),
            Err(err) => {
                let span = err.span().unwrap_or(0..0);
                let message = err.message().trim().to_string();
                checker.error(
                    &At { file: index, span },
                    format!("invalid questionnaire TOML: {message}"),
                );
            }
        }
    }

    let mut standards: BTreeMap<String, Standard> = BTreeMap::new();
    let mut standard_at: HashMap<String, At> = HashMap::new();
    for (file, raw) in &parsed {
        for s in &raw.standards {
            let at = At {
                file: *file,
                span: s.id.span(),
            };
            let id = s.id.get_ref().clone();
            checker.check_id(&at, &id, "standard", kebab_char);
            if let Some(first) = standard_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate standard id '{id}' (first defined at {first})"),
                );
                continue;
            }
            standard_at.insert(id.clone(), at);
            standards.insert(
                id.clone(),
                Standard {
                    id,
                    title: s.title.clone(),
                    path: s.path.clone(),
                    file: s.file.clone(),
                    url: s.url.clone(),
                    last_updated: s.last_updated.clone(),
                    exceptions_approved_by: s.exceptions_approved_by.clone(),
                },
            );
        }
    }

    let convert_sources = |checker: &mut Checker<'_>, file: usize, raw: &[RawSource]| {
        let mut out = Vec::new();
        for source in raw {
            let at = At {
                file,
                span: source.standard.span(),
            };
            if !standards.contains_key(source.standard.get_ref()) {
                let known: Vec<&str> = standards.keys().map(String::as_str).collect();
                checker.error(
                    &at,
                    format!(
                        "unknown standard '{}'; known standards: {}",
                        source.standard.get_ref(),
                        known.join(", ")
                    ),
                );
            }
            let quote_at = At {
                file,
                span: source.quote.span(),
            };
            checker.require_text(&quote_at, source.quote.get_ref(), "quote");
            out.push(Source {
                standard: source.standard.get_ref().clone(),
                section: source.section.clone(),
                quote: source.quote.get_ref().clone(),
            });
        }
        out
    };

    // Questionnaires, sections and questions.
    let mut questionnaires: Vec<Questionnaire> = Vec::new();
    let mut questionnaire_at: HashMap<String, At> = HashMap::new();
    let mut questions: BTreeMap<String, Question> = BTreeMap::new();
    let mut question_at: HashMap<String, At> = HashMap::new();
    let mut pending_ask_if: Vec<(String, PendingExpr)> = Vec::new();
    for (file, raw) in &parsed {
        let file = *file;
        let Some(header) = &raw.questionnaire else {
            if let Some(q) = raw.questions.first() {
                let at = At {
                    file,
                    span: q.id.span(),
                };
                checker.error(
                    &at,
                    "questions need a [questionnaire] header in the same file",
                );
            }
            if let Some(s) = raw.sections.first() {
                let at = At {
                    file,
                    span: s.id.span(),
                };
                checker.error(
                    &at,
                    "sections need a [questionnaire] header in the same file",
                );
            }
            if let Some(o) = raw.obligations.first() {
                let at = At {
                    file,
                    span: o.id.span(),
                };
                checker.error(
                    &at,
                    "obligations need a [questionnaire] header in the same file",
                );
            }
            continue;
        };
        let header_ref = header.get_ref();
        let qid = header_ref.id.get_ref().clone();
        let at = At {
            file,
            span: header_ref.id.span(),
        };
        checker.check_id(&at, &qid, "questionnaire", kebab_char);
        if let Some(first) = questionnaire_at.get(&qid) {
            let first = checker.describe(first);
            checker.error(
                &at,
                format!("duplicate questionnaire id '{qid}' (first defined at {first})"),
            );
            continue;
        }
        questionnaire_at.insert(qid.clone(), at);
        let version_at = At {
            file,
            span: header_ref.version.span(),
        };
        checker.require_text(&version_at, header_ref.version.get_ref(), "version");

        let mut sections: Vec<Section> = Vec::new();
        for s in &raw.sections {
            let at = At {
                file,
                span: s.id.span(),
            };
            checker.check_id(&at, s.id.get_ref(), "section", kebab_char);
            if sections.iter().any(|x| x.id == *s.id.get_ref()) {
                checker.error(&at, format!("duplicate section id '{}'", s.id.get_ref()));
                continue;
            }
            sections.push(Section {
                id: s.id.get_ref().clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
                questions: Vec::new(),
            });
        }

        for q in &raw.questions {
            let id = q.id.get_ref().clone();
            let at = At {
                file,
                span: q.id.span(),
            };
            checker.check_id(&at, &id, "question", snake_char);
            if let Some(first) = question_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate question id '{id}' (first defined at {first})"),
                );
                continue;
            }
            question_at.insert(id.clone(), at.clone());
            let kind_at = At {
                file,
                span: q.kind.span(),
            };
            let Some(kind) = AnswerKind::parse(q.kind.get_ref()) else {
                checker.error(
                    &kind_at,
                    format!(
                        "unknown kind '{}'; use yes-no, single, multiple, text, date or evidence",
                        q.kind.get_ref()
                    ),
                );
                continue;
            };
            for (field, value) in [
                ("prompt", &q.prompt),
                ("help", &q.help),
                ("who_can_answer", &q.who_can_answer),
            ] {
                let field_at = At {
                    file,
                    span: value.span(),
                };
                checker.require_text(&field_at, value.get_ref(), field);
            }
            let choice = matches!(kind, AnswerKind::Single | AnswerKind::Multiple);
            if choice {
                if q.options.len() < 2 {
                    checker.error(
                        &kind_at,
                        format!(
                            "a {} question needs at least two [[questions.options]]",
                            kind.name()
                        ),
                    );
                }
                if q.short.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    checker.error(&at, format!("a {} question needs `short`, the phrase used in reasons (e.g. \"audience\")", kind.name()));
                }
            } else if let Some(first) = q.options.first() {
                let option_at = At {
                    file,
                    span: first.value.span(),
                };
                checker.error(
                    &option_at,
                    format!(
                        "a {} question has no options; remove them or change `kind`",
                        kind.name()
                    ),
                );
            }
            if kind == AnswerKind::YesNo && (q.when_yes.is_none() || q.when_no.is_none()) {
                checker.error(
                    &at,
                    "a yes-no question needs `when_yes` and `when_no`, the phrases used in reasons",
                );
            }
            if q.ordered && kind != AnswerKind::Single {
                checker.error(
                    &kind_at,
                    "`ordered = true` is only for single-choice questions",
                );
            }
            let mut options: Vec<Choice> = Vec::new();
            for o in &q.options {
                let option_at = At {
                    file,
                    span: o.value.span(),
                };
                let value = o.value.get_ref();
                if !option_value_valid(value) {
                    checker.error(&option_at, format!("option value '{value}' must start with a lowercase letter or digit and use only lowercase letters, digits and '-'"));
                }
                if options.iter().any(|c| c.value == *value) {
                    checker.error(&option_at, format!("duplicate option value '{value}'"));
                    continue;
                }
                let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
                if choice && !q.ordered && blank(&o.when_chosen) {
                    checker.error(&option_at, format!("option '{value}' needs `when_chosen`, the phrase a reason uses when it is chosen (e.g. \"the penetration test is booked, not done yet\")"));
                }
                if kind == AnswerKind::Multiple && !o.exclusive && blank(&o.when_not_chosen) {
                    checker.error(&option_at, format!("option '{value}' of a multiple-choice question needs `when_not_chosen`, the phrase a reason uses when it is left out (e.g. \"members of the public do not sign in to use it\")"));
                }
                if o.exclusive && kind != AnswerKind::Multiple {
                    checker.error(
                        &option_at,
                        "`exclusive = true` is only for options of multiple-choice questions",
                    );
                }
                if o.exclusive && q.options.iter().filter(|x| x.exclusive).count() > 1 {
                    checker.error(
                        &option_at,
                        "a question can have only one `exclusive` option",
                    );
                }
                options.push(Choice {
                    value: value.clone(),
                    label: o.label.clone(),
                    help: o.help.clone(),
                    when_chosen: o.when_chosen.clone(),
                    when_not_chosen: o.when_not_chosen.clone(),
                    exclusive: o.exclusive,
                });
            }
            let section_at = At {
                file,
                span: q.section.span(),
            };
            match sections.iter_mut().find(|s| s.id == *q.section.get_ref()) {
                Some(section) => section.questions.push(id.clone()),
                None => {
                    let known: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
                    checker.error(
                        &section_at,
                        format!(
                            "unknown section '{}' in questionnaire '{qid}'; its sections are: {}",
                            q.section.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
            if let Some(raw_expr) = &q.ask_if {
                if let Some(pending) = checker.parse_expr(file, raw_expr) {
                    pending_ask_if.push((id.clone(), pending));
                }
            }
            let sources = convert_sources(&mut checker, file, &q.sources);
            questions.insert(
                id.clone(),
                Question {
                    id,
                    questionnaire: qid.clone(),
                    section: q.section.get_ref().clone(),
                    kind,
                    prompt: q.prompt.get_ref().clone(),
                    help: q.help.get_ref().clone(),
                    who_can_answer: q.who_can_answer.get_ref().clone(),
                    short: q.short.clone(),
                    when_yes: q.when_yes.clone(),
                    when_no: q.when_no.clone(),
                    ordered: q.ordered,
                    options,
                    ask_if: None,
                    sources,
                },
            );
        }
        for section in &sections {
            if section.questions.is_empty() {
                if let Some(s) = raw.sections.iter().find(|s| *s.id.get_ref() == section.id) {
                    let at = At {
                        file,
                        span: s.id.span(),
                    };
                    checker.error(&at, format!("section '{}' has no questions", section.id));
                }
            }
        }
        let text = files.get(file).map(|f| f.text.as_str()).unwrap_or("");
        questionnaires.push(Questionnaire {
            id: qid,
            version: header_ref.version.get_ref().clone(),
            title: header_ref.title.clone(),
            order: header_ref.order,
            summary: header_ref.summary.clone(),
            sections,
            origin: files.get(file).map(|f| f.name.clone()).unwrap_or_default(),
            sha256: hex_sha256(text.as_bytes()),
        });
    }

    // Derived values: checked before expressions, which may use them.
    let mut derived_from: HashMap<String, String> = HashMap::new();
    let mut derived_at: HashMap<String, At> = HashMap::new();
    let mut derived_raw: Vec<(usize, &RawDerived)> = Vec::new();
    for (file, raw) in &parsed {
        for d in &raw.derived {
            let id = d.id.get_ref().clone();
            let at = At {
                file: *file,
                span: d.id.span(),
            };
            checker.check_id(&at, &id, "derived value", snake_char);
            if questions.contains_key(&id) || derived_at.contains_key(&id) {
                checker.error(
                    &at,
                    format!("'{id}' is already defined as a question or derived value"),
                );
                continue;
            }
            let from_at = At {
                file: *file,
                span: d.from.span(),
            };
            match questions.get(d.from.get_ref()) {
                Some(q) if q.kind == AnswerKind::Single && q.ordered => {
                    for raise in &d.raise {
                        if q.option(raise.to.get_ref()).is_none() {
                            let to_at = At {
                                file: *file,
                                span: raise.to.span(),
                            };
                            checker.error(&to_at, format!("'{}' is not an option of '{}'", raise.to.get_ref(), q.id));
                        }
                    }
                }
                Some(q) => checker.error(&from_at, format!("'{}' must be a single-choice question with `ordered = true` to derive a value from it", q.id)),
                None => checker.error(&from_at, format!("unknown question '{}'", d.from.get_ref())),
            }
            derived_at.insert(id.clone(), at);
            derived_from.insert(id, d.from.get_ref().clone());
            derived_raw.push((*file, d));
        }
    }

    // Dependency graph for cycle detection: question -> names in its ask_if; derived ->
    // its source question and the names in its raise conditions.
    let mut depends: BTreeMap<String, Vec<(String, At)>> = BTreeMap::new();
    // How deeply each one's conditions nest: what it adds to a chain (see
    // `MAX_DEPENDENCY_DEPTH`).
    let mut weights: HashMap<String, usize> = HashMap::new();

    for (qid, pending) in pending_ask_if {
        type_check(&mut checker, &pending, &questions, &derived_from);
        let edges = pending
            .expr
            .names()
            .into_iter()
            .map(|(name, span)| (name.to_string(), checker.inner(&pending, &span)))
            .collect();
        depends.insert(qid.clone(), edges);
        weights.insert(qid.clone(), pending.expr.depth());
        if let Some(q) = questions.get_mut(&qid) {
            q.ask_if = Some((pending.expr, pending.text));
        }
    }

    let mut derived: Vec<Derived> = Vec::new();
    for (file, d) in derived_raw {
        let mut raises = Vec::new();
        let mut edges = vec![(
            d.from.get_ref().clone(),
            At {
                file,
                span: d.from.span(),
            },
        )];
        for raise in &d.raise {
            if let Some(pending) = checker.parse_expr(file, &raise.when) {
                type_check(&mut checker, &pending, &questions, &derived_from);
                for (name, span) in pending.expr.names() {
                    edges.push((name.to_string(), checker.inner(&pending, &span)));
                }
                raises.push(Raise {
                    to: raise.to.get_ref().clone(),
                    when: pending.expr,
                    when_text: pending.text,
                    because: raise.because.clone(),
                });
            }
        }
        depends.insert(d.id.get_ref().clone(), edges);
        weights.insert(
            d.id.get_ref().clone(),
            raises.iter().map(|r| r.when.depth()).max().unwrap_or(1),
        );
        derived.push(Derived {
            id: d.id.get_ref().clone(),
            short: d.short.clone(),
            from: d.from.get_ref().clone(),
            raise: raises,
        });
    }
    let before = checker.diagnostics.len();
    report_cycles(&mut checker, &depends);
    if checker.diagnostics.len() == before {
        report_deep_chain(&mut checker, &depends, &weights);
    }

    // Notices.
    let mut notices: Vec<Notice> = Vec::new();
    for (file, raw) in &parsed {
        for n in &raw.notices {
            let at = At {
                file: *file,
                span: n.id.span(),
            };
            checker.check_id(&at, n.id.get_ref(), "notice", kebab_char);
            if notices.iter().any(|x| x.id == *n.id.get_ref()) {
                checker.error(&at, format!("duplicate notice id '{}'", n.id.get_ref()));
                continue;
            }
            let severity_at = At {
                file: *file,
                span: n.severity.span(),
            };
            let severity = match n.severity.get_ref().as_str() {
                "stop" => NoticeSeverity::Stop,
                "warning" => NoticeSeverity::Warning,
                "info" => NoticeSeverity::Info,
                other => {
                    checker.error(
                        &severity_at,
                        format!("unknown severity '{other}'; use stop, warning or info"),
                    );
                    continue;
                }
            };
            let Some(pending) = checker.parse_expr(*file, &n.show_if) else {
                continue;
            };
            type_check(&mut checker, &pending, &questions, &derived_from);
            notices.push(Notice {
                id: n.id.get_ref().clone(),
                show_if: pending.expr,
                severity,
                title: n.title.clone(),
                text: n.text.clone(),
                contact: n.contact.clone(),
            });
        }
    }

    // Obligations.
    let mut obligations: Vec<Obligation> = Vec::new();
    let mut obligation_at: HashMap<String, At> = HashMap::new();
    for (file, raw) in &parsed {
        let file = *file;
        let Some(header) = &raw.questionnaire else {
            continue;
        };
        let qid = header.get_ref().id.get_ref().clone();
        for o in &raw.obligations {
            let id = o.id.get_ref().clone();
            let at = At {
                file,
                span: o.id.span(),
            };
            checker.check_id(&at, &id, "obligation", kebab_char);
            if let Some(first) = obligation_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate obligation id '{id}' (first defined at {first})"),
                );
                continue;
            }
            obligation_at.insert(id.clone(), at.clone());
            let level_at = At {
                file,
                span: o.level.span(),
            };
            let Some(level) = Level::parse(o.level.get_ref()) else {
                checker.error(&level_at, format!("unknown level '{}'; use MUST, SHOULD, MAY or GOOD PRACTICE (a MUST NOT is a MUST with a negative title)", o.level.get_ref()));
                continue;
            };
            let scope = match o.scope.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
                None | Some(("system", _)) => Scope::System,
                Some(("organisation", _)) => Scope::Organisation,
                Some((other, span)) => {
                    checker.error(
                        &At { file, span },
                        format!("unknown scope '{other}'; use system or organisation"),
                    );
                    continue;
                }
            };
            if o.sources.is_empty() {
                checker.error(&at, "an obligation needs at least one [[obligations.sources]] quoting the requirement");
            }
            if let Some(evidence) = &o.evidence {
                let evidence_at = At {
                    file,
                    span: evidence.span(),
                };
                match questions.get(evidence.get_ref()) {
                    Some(q) if q.kind == AnswerKind::Evidence => {}
                    Some(q) => checker.error(
                        &evidence_at,
                        format!(
                            "'{}' is a {} question; `evidence` must name an evidence question",
                            q.id,
                            q.kind.name()
                        ),
                    ),
                    None => checker.error(
                        &evidence_at,
                        format!("unknown question '{}'", evidence.get_ref()),
                    ),
                }
            }
            let applies = checker.parse_expr(file, &o.applies_if);
            let met = checker.parse_expr(file, &o.met_if);
            let sources = convert_sources(&mut checker, file, &o.sources);
            let (Some(applies), Some(met)) = (applies, met) else {
                continue;
            };
            type_check(&mut checker, &applies, &questions, &derived_from);
            type_check(&mut checker, &met, &questions, &derived_from);
            let exception_approver = o
                .exception_approver
                .clone()
                .or_else(|| o.requires_approval.clone())
                .or_else(|| {
                    sources.iter().find_map(|s| {
                        standards
                            .get(&s.standard)
                            .and_then(|st| st.exceptions_approved_by.clone())
                    })
                });
            obligations.push(Obligation {
                id,
                questionnaire: qid.clone(),
                level,
                scope,
                title: o.title.clone(),
                involves: o.involves.clone(),
                applies_if: applies.expr,
                applies_if_text: applies.text,
                met_if: met.expr,
                met_if_text: met.text,
                evidence: o.evidence.as_ref().map(|e| e.get_ref().clone()),
                requires_approval: o.requires_approval.clone(),
                exception_approver,
                guidance: o.guidance.clone(),
                sources,
            });
        }
    }

    // Exclusions are read by the coverage test; checked here so a typo is caught early.
    for (file, raw) in &parsed {
        for e in &raw.exclusions {
            if !standards.contains_key(e.standard.get_ref()) {
                let at = At {
                    file: *file,
                    span: e.standard.span(),
                };
                checker.error(&at, format!("unknown standard '{}'", e.standard.get_ref()));
            }
            let reason_at = At {
                file: *file,
                span: e.reason.span(),
            };
            checker.require_text(&reason_at, e.reason.get_ref(), "reason");
        }
    }

    if checker.diagnostics.is_empty() && questionnaires.is_empty() {
        checker.diagnostics.push(Diagnostic {
            file: files
                .first()
                .map(|f| f.name.clone())
                .unwrap_or_else(|| String::from("<none>")),
            line: 1,
            column: 1,
            message: String::from(
                "no questionnaire found: at least one file needs a [questionnaire] header",
            ),
        });
    }
    if !checker.diagnostics.is_empty() {
        return Err(LoadError::Invalid(checker.diagnostics));
    }
    questionnaires.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
    Ok(Catalogue {
        questionnaires,
        questions,
        obligations,
        derived,
        notices,
        standards,
    })
}

/// The requirement sentences the content deliberately leaves out, with reasons.
pub fn exclusions(files: &[SourceFile]) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for file in files {
        if let Ok(raw) = toml::from_str::<RawFile>(&file.text) {
            out.extend(raw.exclusions.into_iter().map(|e| Exclusion {
                standard: e.standard.into_inner(),
                sentence: e.sentence,
                reason: e.reason.into_inner(),
            }));
        }
    }
    out
}

fn report_cycles(checker: &mut Checker<'_>, depends: &BTreeMap<String, Vec<(String, At)>>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    let mut reported: HashSet<String> = HashSet::new();
    // Iterative depth-first search, so a long dependency chain cannot overflow the stack.
    for start in depends.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        marks.insert(start.as_str(), Mark::Visiting);
        while let Some((node, edge)) = stack.last().cloned() {
            let edges = depends.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some((next, at)) = edges.get(edge) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match marks.get(next.as_str()) {
                    Some(Mark::Visiting) => {
                        let mut path: Vec<&str> = stack
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != next.as_str())
                            .collect();
                        path.push(next.as_str());
                        let key = {
                            let mut members: Vec<&str> = path.clone();
                            members.sort();
                            members.dedup();
                            members.join(",")
                        };
                        if reported.insert(key) {
                            checker.error(
                                at,
                                format!(
                                    "circular condition: {} (a question cannot depend, through ask_if or derived values, on itself)",
                                    path.join(" -> ")
                                ),
                            );
                        }
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(next.as_str(), Mark::Visiting);
                        stack.push((next.as_str(), 0));
                    }
                }
            } else {
                marks.insert(node, Mark::Done);
                stack.pop();
            }
        }
    }
}

/// Refuses a chain of conditions deeper than the rules engine follows
/// ([`MAX_DEPENDENCY_DEPTH`]): beyond it the engine would have to call "unknown" what the
/// answers settle. Each question with an `ask_if` and each derived value on the chain
/// counts as deep as its condition nests (`weights`; the engine's own count, or a little
/// more, never less). Reports the deepest chain once. Only called on an acyclic graph.
fn report_deep_chain(
    checker: &mut Checker<'_>,
    depends: &BTreeMap<String, Vec<(String, At)>>,
    weights: &HashMap<String, usize>,
) {
    // For each node: the length of the longest chain starting there, and the next node
    // on it. Iterative, so a long chain cannot overflow the stack.
    let mut longest: HashMap<&str, (usize, Option<&str>)> = HashMap::new();
    for start in depends.keys() {
        if longest.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        let mut on_stack: HashSet<&str> = HashSet::from([start.as_str()]);
        while let Some((node, edge)) = stack.last().cloned() {
            let edges = depends.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some((next, _)) = edges.get(edge) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let next = next.as_str();
                if depends.contains_key(next)
                    && !longest.contains_key(next)
                    && on_stack.insert(next)
                {
                    stack.push((next, 0));
                }
            } else {
                let best = edges
                    .iter()
                    .filter_map(|(n, _)| longest.get(n.as_str()).map(|(len, _)| (*len, n.as_str())))
                    .max_by_key(|(len, _)| *len);
                let weight = weights.get(node).copied().unwrap_or(1);
                longest.insert(
                    node,
                    (
                        weight + best.map_or(0, |(len, _)| len),
                        best.map(|(_, n)| n),
                    ),
                );
                on_stack.remove(node);
                stack.pop();
            }
        }
    }
    let Some((start, (length, _))) = longest
        .iter()
        .max_by_key(|(name, (len, _))| (*len, std::cmp::Reverse(**name)))
    else {
        return;
    };
    if *length <= MAX_DEPENDENCY_DEPTH {
        return;
    }
    let mut chain = vec![*start];
    while let Some(Some(next)) = chain
        .last()
        .and_then(|n| longest.get(n))
        .map(|(_, next)| *next)
    {
        chain.push(next);
    }
    let shown = if chain.len() > 6 {
        format!(
            "{} -> ... -> {}",
            chain[..3].join(" -> "),
            chain[chain.len() - 2..].join(" -> ")
        )
    } else {
        chain.join(" -> ")
    };
    let Some((_, at)) = depends.get(*start).and_then(|edges| {
        edges
            .iter()
            .find(|(n, _)| Some(n.as_str()) == chain.get(1).copied())
            .or(edges.first())
    }) else {
        return;
    };
    let at = at.clone();
    checker.error(
        &at,
        format!(
            "'{start}' depends, through ask_if and derived values, on a chain of {} conditions nesting {length} deep in all ({shown}); secassess follows at most {MAX_DEPENDENCY_DEPTH}, so shorten the chain or simplify its conditions (ask_if can name the question a chain starts from directly)",
            chain.len()
        ),
    );
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"
[questionnaire]
id = "t"
version = "1"
title = "Test"

[[sections]]
id = "s"
title = "S"
"#;

    fn yes_no(id: &str, extra: &str) -> String {
        format!(
            r#"
[[questions]]
id = "{id}"
section = "s"
kind = "yes-no"
prompt = "p"
help = "h"
who_can_answer = "w"
short = "{id}"
when_yes = "y"
when_no = "n"
{extra}
"#
        )
    }

    fn load(text: &str) -> Result<Catalogue, LoadError> {
        load_files(vec![SourceFile {
            name: "t.toml".into(),
            text: text.into(),
        }])
    }

    fn errors(text: &str) -> Vec<String> {
        match load(text) {
            Ok(_) => panic!("expected errors for:\n{text}"),
            Err(e) => e.diagnostics().iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn embedded_questionnaires_load() {
        let catalogue = load_embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(catalogue.question("classification").is_some());
        assert!(catalogue.derived("effective_classification").is_some());
    }

    #[test]
    fn bad_toml_reports_line_and_column() {
        let text = format!("{HEADER}\n[[questions]\nid = 1\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("t.toml:11:"), "{errs:?}");
    }

    #[test]
    fn missing_field_and_unknown_field_are_located() {
        let text = format!("{HEADER}\n[[questions]]\nid = \"a\"\nsection = \"s\"\nkind = \"yes-no\"\nprompt = \"p\"\nhelp = \"h\"\nwho_can_answer = \"w\"\nwhen_yes = \"y\"\nwhen_no = \"n\"\nprompts = \"typo\"\n");
        let errs = errors(&text);
        assert!(errs[0].contains("prompts"), "{errs:?}");
        assert!(errs[0].starts_with("t.toml:"), "{errs:?}");
    }

    #[test]
    fn unknown_name_in_expression_points_inside_the_string() {
        let text = format!(
            "{HEADER}{}{}",
            yes_no("a", ""),
            yes_no("b", "ask_if = \"a == yes and c == no\"")
        );
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        // Line of the ask_if; column of 'c' inside the string (after `ask_if = "`).
        let line = text.lines().position(|l| l.starts_with("ask_if")).unwrap() + 1;
        assert_eq!(
            errs[0],
            format!("t.toml:{line}:24: unknown question or derived value 'c'")
        );
    }

    #[test]
    fn suggests_close_names() {
        let text = format!(
            "{HEADER}{}{}",
            yes_no("admin_accounts", ""),
            yes_no("b", "ask_if = \"admin_acounts == yes\"")
        );
        assert!(errors(&text)[0].contains("did you mean 'admin_accounts'"));
    }

    #[test]
    fn wrong_value_and_type_mismatches() {
        let choice = r#"
[[questions]]
id = "c"
section = "s"
kind = "single"
short = "c"
prompt = "p"
help = "h"
who_can_answer = "w"
[[questions.options]]
value = "low"
label = "Low"
when_chosen = "it is low"
[[questions.options]]
value = "high"
label = "High"
when_chosen = "it is high"
"#;
        let cases = [
            ("a == maybe", "compare it with yes or no"),
            ("a >= yes", "compare it with == or != only"),
            (
                "c == medium",
                "'medium' is not an option of 'c'; its options are: low, high",
            ),
            ("c >= low", "is not ordered"),
            ("c includes low", "'includes' works only on multiple-choice"),
        ];
        for (expr, expected) in cases {
            let text = format!(
                "{HEADER}{}{choice}{}",
                yes_no("a", ""),
                yes_no("b", &format!("ask_if = \"{expr}\""))
            );
            let errs = errors(&text);
            assert!(
                errs.iter().any(|e| e.contains(expected)),
                "{expr}: {errs:?}"
            );
        }
    }

    #[test]
    fn reasons_need_their_phrases_so_no_prompt_or_label_is_pasted_in() {
        // A question used in a condition without `short`.
        let bare = yes_no("a", "").replace("short = \"a\"\n", "");
        let text = format!("{HEADER}{bare}{}", yes_no("b", "ask_if = \"a == yes\""));
        assert!(
            errors(&text)
                .iter()
                .any(|e| e.contains("'a' is used in a condition, so it needs `short`")),
            "{:?}",
            errors(&text)
        );
        // An unordered choice option without `when_chosen`; a multiple-choice option without
        // `when_not_chosen`; two exclusive options.
        let choice = r#"
[[questions]]
id = "c"
section = "s"
kind = "multiple"
short = "c"
prompt = "p"
help = "h"
who_can_answer = "w"
[[questions.options]]
value = "none"
label = "Nobody"
exclusive = true
when_chosen = "nobody"
[[questions.options]]
value = "other"
label = "Other"
exclusive = true
when_chosen = "other"
[[questions.options]]
value = "staff"
label = "Staff"
"#;
        let errs = errors(&format!("{HEADER}{choice}"));
        for expected in [
            "option 'staff' needs `when_chosen`",
            "option 'staff' of a multiple-choice question needs `when_not_chosen`",
            "only one `exclusive` option",
        ] {
            assert!(
                errs.iter().any(|e| e.contains(expected)),
                "{expected}: {errs:?}"
            );
        }
    }

    #[test]
    fn an_obligation_quoting_a_standard_with_an_exception_route_inherits_its_approver() {
        let catalogue = load_embedded().unwrap_or_else(|e| panic!("{e}"));
        let standard = catalogue.standards.get("authentication").expect("exists");
        assert_eq!(
            standard.exceptions_approved_by.as_deref(),
            Some("Architecture Review Board")
        );
        let login = catalogue
            .obligation("login-data-encrypted")
            .expect("exists");
        assert_eq!(
            login.exception_approver.as_deref(),
            Some("Architecture Review Board")
        );
        // `requires_approval` names the approver of the exception it is.
        let shared = catalogue
            .obligation("shared-account-exception")
            .expect("exists");
        assert_eq!(
            shared.exception_approver.as_deref(),
            Some("Cyber Security team")
        );
    }

    #[test]
    fn cycles_are_reported_once_with_their_path() {
        let text = format!(
            "{HEADER}{}{}{}",
            yes_no("a", "ask_if = \"c == yes\""),
            yes_no("b", "ask_if = \"a == yes\""),
            yes_no("c", "ask_if = \"b == yes\"")
        );
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains("circular condition: a -> c -> b -> a"),
            "{errs:?}"
        );
        let text = format!("{HEADER}{}", yes_no("a", "ask_if = \"a == yes\""));
        assert!(errors(&text)[0].contains("circular condition: a -> a"));
    }

    #[test]
    fn a_chain_deeper_than_the_engine_follows_is_refused() {
        let chain = |n: usize| {
            let mut text = String::from(HEADER);
            text.push_str(&yes_no("q0", ""));
            for i in 1..=n {
                text.push_str(&yes_no(
                    &format!("q{i}"),
                    &format!("ask_if = \"q{} == yes\"", i - 1),
                ));
            }
            text
        };
        assert!(load(&chain(MAX_DEPENDENCY_DEPTH)).is_ok());
        let errs = errors(&chain(MAX_DEPENDENCY_DEPTH + 1));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains(&format!(
                "'q{n}' depends, through ask_if and derived values, on a chain of {n} conditions nesting {n} deep in all (q{n} -> q{} -> q{} -> ... -> q2 -> q1)",
                MAX_DEPENDENCY_DEPTH,
                MAX_DEPENDENCY_DEPTH - 1,
                n = MAX_DEPENDENCY_DEPTH + 1
            )),
            "{errs:?}"
        );
        assert!(errs[0].starts_with("t.toml:"), "{errs:?}");
        // Nested conditions count as deep as they nest: five links of 63 levels each.
        let mut nested = String::from(HEADER);
        nested.push_str(&yes_no("q0", ""));
        for i in 1..=5 {
            let condition = format!("{}q{} == yes", "not not ".repeat(31), i - 1);
            nested.push_str(&yes_no(
                &format!("q{i}"),
                &format!("ask_if = \"{condition}\""),
            ));
        }
        let errs = errors(&nested);
        assert!(
            errs[0].contains("a chain of 5 conditions nesting 315 deep"),
            "{errs:?}"
        );
    }

    #[test]
    fn duplicate_ids_name_the_first_definition() {
        let text = format!("{HEADER}{}{}", yes_no("a", ""), yes_no("a", ""));
        let errs = errors(&text);
        assert!(
            errs[0].contains("duplicate question id 'a' (first defined at t.toml:"),
            "{errs:?}"
        );
    }

    #[test]
    fn huge_and_deeply_nested_input_is_refused_without_panic() {
        let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(errors(&deep)[0].contains("nest more than"));
        let huge = format!("# {}\n", "x".repeat(MAX_FILE_BYTES + 1));
        assert!(errors(&huge)[0].contains("limited to"));
        let inline = format!("a = {}1{}", "{b = ".repeat(10_000), "}".repeat(10_000));
        assert!(!errors(&inline).is_empty());
    }

    #[test]
    fn override_replaces_questionnaire_with_same_id() {
        let user = SourceFile {
            name: "mine/profile.toml".into(),
            text: HEADER.replace("id = \"t\"", "id = \"profile\"") + &yes_no("only", ""),
        };
        let merged = merge_overrides(embedded_files(), vec![user]);
        assert!(merged.iter().all(|f| !f.name.ends_with("00-profile.toml")));
        assert!(merged.iter().any(|f| f.name.ends_with("standards.toml")));
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("", 10), (1, 1));
    }

    proptest::proptest! {
        #[test]
        fn loader_never_panics(text in "\\PC{0,400}") {
            let _ = load(&text);
        }

        #[test]
        fn loader_never_panics_on_toml_like_text(text in "[\\[\\]{}=\"a-z0-9_ \n.#,]{0,400}") {
            let _ = load(&text);
        }
    }
}
