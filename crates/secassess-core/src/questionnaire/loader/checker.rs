//! Problems with their positions: [`Diagnostic`] (`file:line:column: message`),
//! [`LoadError`], and the checker every other part of the loader reports through, with
//! the id spelling rules and where an expression's text starts inside its TOML string
//! (so an error points at the exact column inside the condition).

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

use super::raw::SourceFile;
use crate::questionnaire::expr::{self, Expr};
use crate::text::line_column;

/// One problem in one file, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file's name as given in its [`SourceFile`], e.g. `questionnaires/40-tls.toml`.
    pub file: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column of the problem, in characters (not bytes).
    pub column: usize,
    /// What is wrong and, where it helps, what to write instead.
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

/// Why the questionnaires could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The files were read but their content is wrong: every problem found, in file
    /// order, each with its position. Its message lists them one a line and counts them.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
    /// The shell could not read a user's questionnaire folder (`store::questionnaires`
    /// makes this one; the loader itself reads no files).
    #[error("cannot read the questionnaire directory {path}: {source}. Check the path given with --questionnaires or SECASSESS_QUESTIONNAIRES.")]
    Directory {
        /// The folder given with `--questionnaires` or `SECASSESS_QUESTIONNAIRES`.
        path: PathBuf,
        /// The operating system's error.
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
    /// The content problems found; empty for [`LoadError::Directory`].
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid(d) => d,
            LoadError::Directory { .. } => &[],
        }
    }
}

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

pub(super) struct Checker<'a> {
    pub(super) files: &'a [SourceFile],
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Questions already reported as used in a condition without `short`.
    pub(super) missing_short: HashSet<String>,
}

/// A place in a file: file index and byte span.
#[derive(Debug, Clone)]
pub(super) struct At {
    pub(super) file: usize,
    pub(super) span: Range<usize>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, at: &At, message: impl Into<String>) {
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

    pub(super) fn describe(&self, at: &At) -> String {
        match self.files.get(at.file) {
            Some(f) => {
                let (line, column) = line_column(&f.text, at.span.start);
                format!("{}:{line}:{column}", f.name)
            }
            None => String::from("<unknown>"),
        }
    }

    pub(super) fn check_id(&mut self, at: &At, id: &str, what: &str, allow: fn(char) -> bool) {
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

    pub(super) fn require_text(&mut self, at: &At, value: &str, field: &str) {
        if value.trim().is_empty() {
            self.error(at, format!("'{field}' must not be empty"));
        }
    }
}

pub(super) fn kebab_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

pub(super) fn snake_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

pub(super) fn option_value_valid(value: &str) -> bool {
    value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && value.chars().all(kebab_char)
}

/// Parsed expression plus where its text sits, for later checking.
pub(super) struct PendingExpr {
    pub(super) expr: Expr,
    pub(super) text: String,
    pub(super) at: At,
    pub(super) content_offset: usize,
}

impl Checker<'_> {
    pub(super) fn parse_expr(&mut self, file: usize, raw: &Spanned<String>) -> Option<PendingExpr> {
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

    pub(super) fn inner(&self, pending: &PendingExpr, span: &Range<usize>) -> At {
        let start = pending.at.span.start + pending.content_offset + span.start;
        At {
            file: pending.at.file,
            span: start..start + span.len(),
        }
    }
}
