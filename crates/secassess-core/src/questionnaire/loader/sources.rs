//! Where questionnaire text comes from: the files compiled into the binary
//! ([`EMBEDDED`], from the top-level `questionnaires/` folder) and a user's files merged
//! over them, a user's file replacing the embedded one with the same questionnaire id.
//! Reading the user's folder is the shell's job (`store::questionnaires`).

use serde::Deserialize;

use super::catalogue::load_files;
use super::checker::LoadError;
use super::raw::{SourceFile, MAX_FILE_BYTES, MAX_NESTING};
use crate::questionnaire::model::Catalogue;
use crate::text::toml_too_deep;

/// The questionnaires compiled into the binary, so secassess runs from one file.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "standards.toml",
        include_str!("../../../../../questionnaires/standards.toml"),
    ),
    (
        "00-profile.toml",
        include_str!("../../../../../questionnaires/00-profile.toml"),
    ),
    (
        "10-base-requirements.toml",
        include_str!("../../../../../questionnaires/10-base-requirements.toml"),
    ),
    (
        "20-application-security.toml",
        include_str!("../../../../../questionnaires/20-application-security.toml"),
    ),
    (
        "30-authentication.toml",
        include_str!("../../../../../questionnaires/30-authentication.toml"),
    ),
    (
        "40-tls.toml",
        include_str!("../../../../../questionnaires/40-tls.toml"),
    ),
    (
        "45-email.toml",
        include_str!("../../../../../questionnaires/45-email.toml"),
    ),
    (
        "50-web.toml",
        include_str!("../../../../../questionnaires/50-web.toml"),
    ),
    (
        "60-testing.toml",
        include_str!("../../../../../questionnaires/60-testing.toml"),
    ),
    (
        "70-dependencies.toml",
        include_str!("../../../../../questionnaires/70-dependencies.toml"),
    ),
    (
        "75-procurement.toml",
        include_str!("../../../../../questionnaires/75-procurement.toml"),
    ),
    (
        "80-organisational.toml",
        include_str!("../../../../../questionnaires/80-organisational.toml"),
    ),
    (
        "coverage-exclusions.toml",
        include_str!("../../../../../questionnaires/coverage-exclusions.toml"),
    ),
];

/// Loads the embedded questionnaires only.
pub fn load_embedded() -> Result<Catalogue, LoadError> {
    load_files(embedded_files())
}

/// The embedded questionnaires as source files, named `questionnaires/NAME` for
/// messages, in [`EMBEDDED`] order.
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

pub(super) fn merge_overrides(embedded: Vec<SourceFile>, user: Vec<SourceFile>) -> Vec<SourceFile> {
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
