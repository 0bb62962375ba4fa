//! Questionnaire content: the model of questions and obligations, the TOML loader that
//! validates it, the expression language its conditions are written in, and typed answers.

pub mod answer;
pub mod expr;
#[allow(missing_docs)] // documented by i21-core-split in the same issue
pub mod loader;
pub mod model;

pub use answer::{AnswerValue, Answers, EvidenceRef};
pub use loader::{load_embedded, load_with_user_files, Diagnostic, LoadError, SourceFile};
pub use model::{AnswerKind, Catalogue, Level, Obligation, Question};
