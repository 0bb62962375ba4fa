//! Local evidence files as the session sees them: fingerprinted (SHA-256, size, absolute
//! path) when an answer names one. Looking at them again when an assessment is opened or
//! re-checked reads files, so it is the store's (`store::evidence::observe_evidence`).

use std::path::Path;

use super::error::SessionError;
use crate::questionnaire::answer::AnswerValue;
use crate::store;

/// A local evidence file named in an answer gets its SHA-256, size and absolute path
/// recorded, so a later change to the document can be detected; a file that cannot be
/// read (missing, a folder, a pipe or device, larger than the cap) is an error rather
/// than an unverifiable reference. A value already fingerprinted is returned as it is,
/// so a command can call this before taking the assessment's lock (reading a large file
/// then holds nobody up) and [`Session::answer`] does not read the file again.
pub fn fingerprint_local_evidence(value: AnswerValue) -> Result<AnswerValue, SessionError> {
    match value {
        AnswerValue::Evidence(mut evidence) if evidence.sha256.is_none() => {
            if let Some(path) = evidence.path.clone() {
                let print = store::evidence::fingerprint(Path::new(&path))?;
                evidence.path = Some(print.path.display().to_string());
                evidence.sha256 = Some(print.sha256);
                evidence.size = Some(print.size);
            }
            Ok(AnswerValue::Evidence(evidence))
        }
        other => Ok(other),
    }
}
