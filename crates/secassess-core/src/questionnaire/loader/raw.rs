//! The shape questionnaire TOML is read into (serde, unknown fields refused, ids and
//! conditions kept with their spans), the [`SourceFile`] each comes from, and the size
//! and nesting bounds checked before the TOML parser sees a file.

use serde::Deserialize;
use toml::Spanned;

/// Largest questionnaire file accepted. The real ones are tens of kilobytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Deepest bracket nesting accepted in a file, checked before the TOML parser sees it.
pub(super) const MAX_NESTING: usize = 32;

/// A questionnaire file's name (for messages) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name used in messages: `questionnaires/NAME` for an embedded file, the path
    /// for a user's file. When neither declares a questionnaire id (such as
    /// `standards.toml`), a user's file replaces the embedded file with the same base name.
    pub name: String,
    /// The file's whole text, as UTF-8; at most [`MAX_FILE_BYTES`] bytes are accepted.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) questionnaire: Option<Spanned<RawHeader>>,
    #[serde(default)]
    pub(super) standards: Vec<RawStandard>,
    #[serde(default)]
    pub(super) sections: Vec<RawSection>,
    #[serde(default)]
    pub(super) questions: Vec<RawQuestion>,
    #[serde(default)]
    pub(super) obligations: Vec<RawObligation>,
    #[serde(default)]
    pub(super) derived: Vec<RawDerived>,
    #[serde(default)]
    pub(super) notices: Vec<RawNotice>,
    #[serde(default)]
    pub(super) exclusions: Vec<RawExclusion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) id: Spanned<String>,
    pub(super) version: Spanned<String>,
    pub(super) title: String,
    #[serde(default)]
    pub(super) order: i64,
    #[serde(default)]
    pub(super) summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStandard {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    pub(super) path: String,
    pub(super) file: Option<String>,
    pub(super) url: String,
    pub(super) last_updated: String,
    pub(super) exceptions_approved_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    pub(super) intro: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) standard: Spanned<String>,
    pub(super) section: String,
    pub(super) quote: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChoice {
    pub(super) value: Spanned<String>,
    pub(super) label: String,
    pub(super) help: Option<String>,
    pub(super) when_chosen: Option<String>,
    pub(super) when_not_chosen: Option<String>,
    #[serde(default)]
    pub(super) exclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub(super) id: Spanned<String>,
    pub(super) section: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) prompt: Spanned<String>,
    pub(super) help: Spanned<String>,
    pub(super) who_can_answer: Spanned<String>,
    pub(super) short: Option<String>,
    pub(super) when_yes: Option<String>,
    pub(super) when_no: Option<String>,
    #[serde(default)]
    pub(super) ordered: bool,
    #[serde(default)]
    pub(super) options: Vec<RawChoice>,
    pub(super) ask_if: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawObligation {
    pub(super) id: Spanned<String>,
    pub(super) level: Spanned<String>,
    pub(super) scope: Option<Spanned<String>>,
    pub(super) title: String,
    #[serde(default)]
    pub(super) involves: Vec<String>,
    pub(super) applies_if: Spanned<String>,
    pub(super) met_if: Spanned<String>,
    pub(super) evidence: Option<Spanned<String>>,
    pub(super) requires_approval: Option<String>,
    pub(super) exception_approver: Option<String>,
    pub(super) guidance: String,
    #[serde(default)]
    pub(super) sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRaise {
    pub(super) to: Spanned<String>,
    pub(super) when: Spanned<String>,
    pub(super) because: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDerived {
    pub(super) id: Spanned<String>,
    pub(super) short: String,
    pub(super) from: Spanned<String>,
    #[serde(default)]
    pub(super) raise: Vec<RawRaise>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotice {
    pub(super) id: Spanned<String>,
    pub(super) show_if: Spanned<String>,
    pub(super) severity: Spanned<String>,
    pub(super) title: String,
    pub(super) text: String,
    pub(super) contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExclusion {
    pub(super) standard: Spanned<String>,
    pub(super) sentence: String,
    pub(super) reason: Spanned<String>,
}
