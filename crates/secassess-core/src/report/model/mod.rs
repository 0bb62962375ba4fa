//! The evidence pack's content, worked out once for every format.
//!
//! [`build`] turns an assessment, the catalogue it is read against and a few facts from
//! outside (the time to print as "generated", the date overdue items are checked against,
//! the SHA-256 of the file, the re-check of local evidence files) into a [`Pack`]: plain
//! data with stable field names, which the JSON and CSV exports serialise. [`document`](crate::report::document::document)
//! lays a pack out as a [`Document`](crate::report::document::Document), a list of blocks in the order the evidence pack
//! requires, which the PDF and Markdown renderers draw.
//!
//! What the review and the integrity checks say comes from the assessment modules
//! themselves, never worked out again here: review status and open queries from
//! [`review::status`](crate::assessment::review::status) and [`review::open_queries`](crate::assessment::review::open_queries), readiness and where the sign-off
//! stands from [`sign_off::readiness`](crate::assessment::sign_off::readiness) and [`sign_off::state`](crate::assessment::sign_off::state) (through
//! [`verify::verify`](crate::assessment::verify::verify)), the gate from [`findings::gate`](crate::assessment::findings::gate), and every integrity problem from
//! [`verify::verify`](crate::assessment::verify::verify), so the pack says exactly what `secassess review`, `check` and
//! `verify` say, and the sign-off it shows cannot be valid beside a failing gate.
//!
//! Pure and deterministic: no clock, no file system, no environment. Every string taken
//! from the assessment file is passed through [`crate::text::sanitise`] here, so no
//! renderer can be handed a control character.
//!
//! Where each part lives; each file imports only from those below it:
//! - `gather`: [`build`], an assessment gathered into a [`Pack`];
//! - `summary`: the next steps the pack lists and the one-line [`headline`];
//! - `marking`: the pack's own protective marking ([`pack_marking`]);
//! - `words`: how the pack words text, times, statuses and evidence;
//! - `pack`: the pack's shape, [`Input`] and [`Pack`] with every view.
//!
//! This file only declares them and re-exports their public items.

mod gather;
mod marking;
mod pack;
mod summary;
mod words;

pub use crate::assessment::sign_off::{SIGN_OFF_CHANGED, SIGN_OFF_LAPSED, SIGN_OFF_VALID};
pub use gather::build;
pub use marking::{
    marking_levels, pack_marking, weaknesses_listed, PackMarking, ReportError, Weaknesses,
    DEFAULT_MARKING, WEAKNESSES_MARKING,
};
pub use pack::*;
pub use summary::headline;
pub use words::{evidence_words, status_word, when};

#[cfg(test)]
mod tests;
