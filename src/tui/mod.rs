//! The terminal front end: a guided walkthrough a project lead can finish without a
//! manual. Elm-style: `state` holds the state (`App`, `Msg` in, `Effect` out), `app` is
//! its pure `update`, which hands each key to the part that owns it: `home`, `opening`,
//! `navigate` (steps, sections, search, help), `answering` (the walkthrough's questions),
//! `obligations`, `register` (findings and review), `changes` (who may change what, and
//! the one way a part changes the assessment), `signing` (the SSH key and masked
//! passphrase box), `typing` (pastes, leaving a box); the parts import `state` and each
//! other downwards, never `app`. `view` draws the state, one file per screen, and
//! never changes it; `keymap` is the one list of key bindings, `theme` names styles by
//! meaning; `form`, `prompt` and `text_box` are the pieces every form, question and text
//! box is made of; `input` turns terminal events into keys and pastes, `zone` says which
//! clock times are shown in; and `shell` (with `signals`) is the only part that touches
//! the terminal, the clock, the process and the files.

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
