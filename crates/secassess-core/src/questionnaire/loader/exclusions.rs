use super::raw::{RawFile, SourceFile};

/// A requirement sentence deliberately not turned into an obligation, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exclusion {
    pub standard: String,
    pub sentence: String,
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
