//! The assessment record and the pure operations on it: answers, findings, reviews and
//! the audit trail, the sign-off, who may do what, the identity of the person answering,
//! SSH signatures over sign-offs and the allowed-signers file that says whose key to
//! trust, format migrations and questionnaire upgrade reports. No file I/O here; `store`
//! reads and writes it.
//!
//! Where to look: [`record`] is the file's shape and [`format`](mod@format) its text; [`changes`],
//! [`findings`] and [`review`] make the audited changes, appended by [`audit`];
//! [`sign_off`] is the one rule for "ready to sign off" (what stands in the way is a
//! [`blocker`]) and where a sign-off stands; [`integrity`] checks a record against its
//! audit trail and [`verify`] adds where the sign-off stands; [`signature`] and
//! [`allowed_signers`] are the SSH signatures and whose key to trust; [`roles`] and
//! [`identity`] say who is acting and what they may do; [`evidence`] is local evidence
//! files as found; [`diff`], [`upgrade`] and [`migrate`] compare versions of an
//! assessment, its questionnaires and its file format; [`index`] holds the lookups that
//! keep checks linear; [`walkthrough`] is the order questions are walked in and where
//! each stands, which `review` and `sign_off` follow.

pub mod allowed_signers;
pub mod audit;
pub mod blocker;
pub mod changes;
pub mod diff;
pub mod evidence;
pub mod findings;
pub mod format;
pub mod identity;
pub mod index;
pub mod integrity;
pub mod migrate;
pub mod record;
pub mod review;
pub mod roles;
pub mod sign_off;
pub mod signature;
pub mod upgrade;
pub mod verify;
pub mod walkthrough;

pub use record::{AnswerRecord, Assessment, Person, System, SCHEMA_VERSION};
