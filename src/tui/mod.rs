//! The terminal front end: a guided walkthrough a project lead can finish without a
//! manual. Elm-style: `app` holds the state and its pure `update`, `view` draws it,
//! `keymap` is the one list of key bindings, `theme` names styles by meaning; `register`
//! and `changes` are the findings, review and who-may-change-what parts of `update`;
//! `signing` is the SSH key and masked passphrase box that sign a sign-off;
//! `form`, `prompt` and `text_box` are the pieces every form, question and text box is
//! made of, and `typing` what happens to text being typed (pastes, leaving a box);
//! `input` turns terminal events into keys and pastes, `zone` says which clock times are
//! shown in; and `shell` (with `signals`) is the only part that touches the terminal, the
//! clock, the process and the files.

pub mod answering;
pub mod app;
pub mod changes;
pub mod form;
pub mod home;
pub mod input;
pub mod keymap;
pub mod navigate;
pub mod obligations;
pub mod opening;
pub mod prompt;
pub mod register;
pub mod shell;
pub mod signals;
pub mod signing;
pub mod state;
pub mod text_box;
pub mod theme;
pub mod typing;
pub mod view;
pub mod zone;
