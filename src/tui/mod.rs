//! The terminal front end: a guided walkthrough a project lead can finish without a
//! manual. Elm-style: `app` holds the state and its pure `update`, `view` draws it,
//! `keymap` is the one list of key bindings, `theme` names styles by meaning, `register`
//! and `changes` are the findings, review and who-may-change-what parts of `update`, and
//! `shell` is the only part that touches the terminal, the clock and the files.

pub mod app;
pub mod changes;
pub mod keymap;
pub mod register;
pub mod shell;
pub mod theme;
pub mod view;
