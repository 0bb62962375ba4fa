//! From terminal events to messages, so that a paste is never taken for key presses.
//!
//! A terminal with bracketed paste (enabled by the shell) reports a paste as one
//! `Event::Paste`. Some cannot: the Windows console gives crossterm a paste as one key
//! event per character (crossterm issue 737), and so does a terminal without bracketed
//! paste. Those characters arrive together, far faster than anyone types, so a run of
//! two or more character keys (and Enter, Tab) read in one burst is taken as a paste of
//! that text. Typing is never read that way: people leave tens of milliseconds between
//! keys, and the shell collects a burst only while keys keep coming within
//! [`BURST_GAP`]. Key releases (which Windows reports too) are dropped here: only presses
//! and repeats are input.

use std::time::Duration;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The longest pause between two keys of one burst. Far shorter than the pause between
/// keys a person types (even key repeat leaves about 30 ms), far longer than the pause
/// between the characters of a paste.
pub const BURST_GAP: Duration = Duration::from_millis(8);

/// One thing the user did, as the app takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    Paste(String),
    /// A resize or anything else that needs only a redraw.
    Redraw,
}

/// Whether an event is a key release, which is never input.
pub fn is_release(event: &Event) -> bool {
    matches!(event, Event::Key(key) if key.kind == KeyEventKind::Release)
}

/// The character a key press types when it is part of a paste: a character without
/// Ctrl or Alt, Enter or Tab. `None` for keys that are never pasted text.
fn typed(event: &Event) -> Option<char> {
    let Event::Key(key) = event else {
        return None;
    };
    if key.kind == KeyEventKind::Release
        || key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    match key.code {
        KeyCode::Char(c) => Some(c),
        KeyCode::Enter => Some('\n'),
        KeyCode::Tab => Some('\t'),
        _ => None,
    }
}

/// Whether a burst may continue after this event: it types a character, or is a
/// release (skipped).
pub fn continues_burst(event: &Event) -> bool {
    typed(event).is_some() || is_release(event)
}

/// The user's inputs in a burst of events read without a pause: releases dropped, a run
/// of two or more typed characters joined into one paste, everything else as it came.
pub fn coalesce(events: Vec<Event>) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut run: Vec<KeyEvent> = Vec::new();
    let flush = |run: &mut Vec<KeyEvent>, inputs: &mut Vec<Input>| {
        match run.len() {
            0 => {}
            1 => inputs.push(Input::Key(run[0])),
            _ => inputs.push(Input::Paste(
                run.iter().filter_map(|k| typed(&Event::Key(*k))).collect(),
            )),
        }
        run.clear();
    };
    for event in events {
        if is_release(&event) {
            continue;
        }
        match event {
            Event::Key(key) if typed(&event).is_some() => run.push(key),
            Event::Key(key) => {
                flush(&mut run, &mut inputs);
                inputs.push(Input::Key(key));
            }
            Event::Paste(text) => {
                flush(&mut run, &mut inputs);
                inputs.push(Input::Paste(text));
            }
            _ => {
                flush(&mut run, &mut inputs);
                inputs.push(Input::Redraw);
            }
        }
    }
    flush(&mut run, &mut inputs);
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventState;

    fn key(code: KeyCode, kind: KeyEventKind) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        })
    }

    fn press(c: char) -> Event {
        key(KeyCode::Char(c), KeyEventKind::Press)
    }

    #[test]
    fn one_key_is_a_key_and_its_release_is_dropped() {
        let inputs = coalesce(vec![
            press('2'),
            key(KeyCode::Char('2'), KeyEventKind::Release),
        ]);
        assert_eq!(
            inputs,
            vec![Input::Key(KeyEvent::new(
                KeyCode::Char('2'),
                KeyModifiers::NONE
            ))]
        );
    }

    #[test]
    fn a_burst_of_characters_is_a_paste_as_windows_delivers_it() {
        // Windows reports a press and a release per character, Enter for a line break.
        let mut events = Vec::new();
        for c in "2 day\n".chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            events.push(key(code, KeyEventKind::Press));
            events.push(key(code, KeyEventKind::Release));
        }
        assert_eq!(coalesce(events), vec![Input::Paste("2 day\n".into())]);
    }

    #[test]
    fn other_keys_split_a_burst_and_pastes_pass_through() {
        let inputs = coalesce(vec![
            press('a'),
            press('b'),
            key(KeyCode::Down, KeyEventKind::Press),
            press('c'),
            Event::Paste("x\ny".into()),
        ]);
        assert_eq!(
            inputs,
            vec![
                Input::Paste("ab".into()),
                Input::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
                Input::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE)),
                Input::Paste("x\ny".into()),
            ]
        );
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(!continues_burst(&ctrl_c));
    }
}
