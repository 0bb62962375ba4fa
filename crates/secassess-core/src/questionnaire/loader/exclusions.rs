//! The requirement sentences the content deliberately does not turn into obligations
//! (`[[exclusions]]`, in `questionnaires/coverage-exclusions.toml`), each with why: read
//! by the coverage test, which checks every MUST/SHOULD sentence of the standards is
//! either quoted by an obligation or excluded here.

use super::raw::{RawFile, SourceFile};

/// A requirement sentence deliberately not turned into an obligation, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exclusion {
    /// The id of the standard the sentence is from, e.g. `application-security`.
    pub standard: String,
    /// The sentence as the standard words it.
    pub sentence: String,
    /// Why it is not an obligation secassess checks (for example, it is about user
    /// acceptance testing, not security).
    pub reason: String,
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
