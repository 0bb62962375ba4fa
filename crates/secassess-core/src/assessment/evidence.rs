//! Local evidence files as they are now, against what was recorded when each was
//! attached (its SHA-256 and size). A review decision and the sign-off rest on the
//! evidence as it was attached, so a file changed, removed or unreadable since makes
//! the review of that answer stale and the sign-off "changed since sign-off: evidence
//! for QUESTION changed".
//!
//! Pure: the shell reads the files (`store::evidence::observe_evidence` in the shell, the export's re-check)
//! and hands the result in as [`EvidenceFiles`]; everything that decides uses it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::questionnaire::answer::EvidenceRef;

/// What the shell found at one recorded path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum FileState {
    /// A file with this content (SHA-256 in hex) and size in bytes.
    Present {
        /// SHA-256 of the file's bytes, in hex (compared without regard to case).
        sha256: String,
        /// The file's size in bytes.
        size: u64,
    },
    /// No file at that path.
    Missing,
    /// There is something, but it could not be read (permissions, a folder, ...).
    Unreadable {
        /// Why, in the shell's words.
        reason: String,
    },
}

/// The files found, by the path exactly as recorded in the assessment. A path that is
/// not in the map was not checked (for example in `secassess diff`, which compares
/// records): nothing is known about it, so it is never reported as changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvidenceFiles {
    files: BTreeMap<String, FileState>,
}

/// How a recorded local evidence file differs from what is there now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "drift", rename_all = "kebab-case")]
pub enum Drift {
    /// Different content (or size) from what was attached.
    Changed {
        /// SHA-256 (hex) of the file now.
        sha256: String,
        /// Its size now, in bytes.
        size: u64,
    },
    /// No file at the recorded path any more.
    Missing,
    /// Something is at the recorded path, but it could not be read.
    Unreadable {
        /// Why, as the shell found it.
        reason: String,
    },
}

impl Drift {
    /// "changed", "is missing", "could not be read": after "evidence for QUESTION".
    pub fn verb(&self) -> &'static str {
        match self {
            Drift::Changed { .. } => "changed",
            Drift::Missing => "is missing",
            Drift::Unreadable { .. } => "could not be read",
        }
    }
}

impl EvidenceFiles {
    /// Nothing checked: for comparing records alone.
    pub const fn not_checked() -> EvidenceFiles {
        EvidenceFiles {
            files: BTreeMap::new(),
        }
    }

    /// Records what was found at `path` (as written in the assessment).
    pub fn insert(&mut self, path: &str, state: FileState) {
        self.files.insert(path.to_string(), state);
    }

    /// How the file of a recorded reference differs from what was attached; `None` when
    /// it has no local file, was not checked, is unchanged, or has no recorded SHA-256 to
    /// compare with (a reference written by hand: its answer's audit pin shows that).
    pub fn drift(&self, evidence: &EvidenceRef) -> Option<Drift> {
        let path = evidence.path.as_deref()?;
        match self.files.get(path)? {
            FileState::Present { sha256, size } => {
                let recorded = evidence.sha256.as_deref()?;
                let same_size = evidence.size.is_none_or(|s| s == *size);
                (!recorded.eq_ignore_ascii_case(sha256) || !same_size).then(|| Drift::Changed {
                    sha256: sha256.clone(),
                    size: *size,
                })
            }
            FileState::Missing => Some(Drift::Missing),
            FileState::Unreadable { reason } => Some(Drift::Unreadable {
                reason: reason.clone(),
            }),
        }
    }

    /// Every local evidence file of the assessment that is not what was attached, as
    /// "evidence for SUBJECT changed" (or "is missing", "could not be read"), SUBJECT a
    /// question id (answers, in id order) or a finding id (mitigation evidence, in
    /// register order). Empty when every file checked is as attached. The one list
    /// `sign_off::state` and `diff::since_sign_off` both give.
    pub fn changes_since_attached(
        &self,
        assessment: &crate::assessment::Assessment,
    ) -> Vec<String> {
        let answers = assessment
            .answers
            .iter()
            .filter_map(|(id, r)| Some((id, self.drift(r.evidence.as_ref()?)?)));
        let findings = assessment.findings.iter().filter_map(|f| {
            let evidence = f.mitigation.as_ref()?.evidence.as_ref()?;
            Some((&f.id, self.drift(evidence)?))
        });
        answers
            .chain(findings)
            .map(|(subject, drift)| format!("evidence for {subject} {}", drift.verb()))
            .collect()
    }

    /// Every recorded local path in the assessment's answers and findings, for the shell
    /// to look at.
    pub fn paths(assessment: &crate::assessment::Assessment) -> Vec<String> {
        let mut paths: Vec<String> = assessment
            .answers
            .values()
            .filter_map(|r| r.evidence.as_ref())
            .chain(
                assessment
                    .findings
                    .iter()
                    .filter_map(|f| f.mitigation.as_ref()?.evidence.as_ref()),
            )
            .filter_map(|e| e.path.clone())
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attached(sha: &str, size: u64) -> EvidenceRef {
        EvidenceRef {
            title: "Pen test report".into(),
            path: Some("/docs/pentest.pdf".into()),
            sha256: Some(sha.into()),
            size: Some(size),
            ..EvidenceRef::default()
        }
    }

    #[test]
    fn a_changed_missing_or_unreadable_file_drifts() {
        let evidence = attached("AB12", 3);
        let mut files = EvidenceFiles::not_checked();
        assert_eq!(files.drift(&evidence), None, "not checked: nothing known");
        files.insert(
            "/docs/pentest.pdf",
            FileState::Present {
                sha256: "ab12".into(),
                size: 3,
            },
        );
        assert_eq!(files.drift(&evidence), None, "same content, any case");
        files.insert(
            "/docs/pentest.pdf",
            FileState::Present {
                sha256: "cd34".into(),
                size: 3,
            },
        );
        assert!(matches!(
            files.drift(&evidence),
            Some(Drift::Changed { .. })
        ));
        files.insert(
            "/docs/pentest.pdf",
            FileState::Present {
                sha256: "ab12".into(),
                size: 4,
            },
        );
        assert!(matches!(
            files.drift(&evidence),
            Some(Drift::Changed { .. })
        ));
        files.insert("/docs/pentest.pdf", FileState::Missing);
        assert_eq!(files.drift(&evidence), Some(Drift::Missing));
        assert_eq!(Drift::Missing.verb(), "is missing");
        let link = EvidenceRef {
            title: "SLSP".into(),
            link: Some("https://example.org".into()),
            ..EvidenceRef::default()
        };
        assert_eq!(files.drift(&link), None, "a link is not a local file");
    }
}
