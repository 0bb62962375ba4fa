//! What can go wrong with an open assessment, in words a person can act on.

use std::path::PathBuf;

use crate::questionnaire::answer::AnswerError;
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path} is open read-only: {reason}. Nothing was changed or saved.")]
    ReadOnly { path: PathBuf, reason: String },
    #[error("there is no question '{id}' in the loaded questionnaires")]
    UnknownQuestion { id: String },
    #[error("{0}")]
    Answer(#[from] AnswerError),
    /// Text the user typed that cannot go into the record; `problem` names `what`.
    #[error("{problem}")]
    InvalidText { what: &'static str, problem: String },
    #[error("{0}")]
    Evidence(#[from] store::evidence::EvidenceError),
    /// The change would be the one that marks a signed-off assessment changed, and the
    /// user has not agreed to it ([`Session::agree_to_change_after_sign_off`]).
    #[error("the assessment is {notice}. Nothing was changed.")]
    SignedOff { notice: String },
    /// The person's part in the assessment does not allow the change (see
    /// `assessment::roles`).
    #[error("{0}. Nothing was changed.")]
    Role(String),
}
