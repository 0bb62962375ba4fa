//! Colours and emphasis, named by meaning so screens never pick a colour themselves.
//! Three themes: the default, a high-contrast one, and a monochrome one used whenever
//! `NO_COLOR` is set, which shows emphasis with bold, reversed and underlined text only.
//! Status never depends on colour alone: every status also has a symbol and a word.

use ratatui::style::{Color, Modifier, Style};

use crate::rules::Status;
use crate::walkthrough::StepState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeKind {
    Default,
    HighContrast,
    Monochrome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub kind: ThemeKind,
}

impl Theme {
    /// `NO_COLOR` (any non-empty value, per no-color.org) wins; otherwise
    /// `SECASSESS_THEME=high-contrast` or `monochrome` choose, and the default is colour.
    pub fn from_env(no_color: Option<&str>, requested: Option<&str>) -> Theme {
        let kind = if no_color.is_some_and(|v| !v.is_empty()) {
            ThemeKind::Monochrome
        } else {
            match requested.map(str::to_ascii_lowercase).as_deref() {
                Some("high-contrast") => ThemeKind::HighContrast,
                Some("monochrome") | Some("mono") => ThemeKind::Monochrome,
                _ => ThemeKind::Default,
            }
        };
        Theme { kind }
    }

    fn colour(&self, default: Color, high_contrast: Color) -> Style {
        match self.kind {
            ThemeKind::Default => Style::new().fg(default),
            ThemeKind::HighContrast => Style::new().fg(high_contrast),
            ThemeKind::Monochrome => Style::new(),
        }
    }

    pub fn base(&self) -> Style {
        match self.kind {
            ThemeKind::HighContrast => Style::new().fg(Color::White).bg(Color::Black),
            _ => Style::new(),
        }
    }

    pub fn title(&self) -> Style {
        self.colour(Color::Cyan, Color::Yellow)
            .add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.colour(Color::DarkGray, Color::White)
    }

    pub fn focused_border(&self) -> Style {
        self.colour(Color::Cyan, Color::Yellow)
            .add_modifier(Modifier::BOLD)
    }

    /// The selected row of a list.
    pub fn selected(&self) -> Style {
        match self.kind {
            ThemeKind::Default => Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            ThemeKind::HighContrast => Style::new()
                .bg(Color::Yellow)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
            ThemeKind::Monochrome => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// Skipped questions and other things present but not relevant now.
    pub fn dimmed(&self) -> Style {
        match self.kind {
            ThemeKind::Default => Style::new().fg(Color::DarkGray),
            ThemeKind::HighContrast => Style::new().fg(Color::Gray),
            ThemeKind::Monochrome => Style::new().add_modifier(Modifier::DIM),
        }
    }

    pub fn hint(&self) -> Style {
        self.colour(Color::Gray, Color::White)
    }

    pub fn key(&self) -> Style {
        self.colour(Color::Yellow, Color::Yellow)
            .add_modifier(Modifier::BOLD)
    }

    pub fn quote(&self) -> Style {
        self.colour(Color::White, Color::White)
            .add_modifier(Modifier::ITALIC)
    }

    pub fn good(&self) -> Style {
        self.colour(Color::Green, Color::LightGreen)
    }

    pub fn warning(&self) -> Style {
        self.colour(Color::Yellow, Color::LightYellow)
            .add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.colour(Color::Red, Color::LightRed)
            .add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, status: Status) -> Style {
        match status {
            Status::Met => self.good(),
            Status::NotMet => self.error(),
            Status::Unknown => self.warning(),
            Status::NotApplicable => self.dimmed(),
        }
    }

    pub fn step(&self, state: StepState) -> Style {
        match state {
            StepState::Answered => self.good(),
            StepState::DontKnow => self.warning(),
            StepState::Open | StepState::Pending => Style::new(),
            StepState::Skipped => self.dimmed(),
        }
    }
}

/// Symbol and word for an obligation status: ASCII, so conhost and PuTTY show them.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Met => "[+] met",
        Status::NotMet => "[!] NOT MET",
        Status::Unknown => "[?] unknown",
        Status::NotApplicable => "[-] n/a",
    }
}

/// Marker for a question in lists.
pub fn step_marker(state: StepState, flagged: bool) -> &'static str {
    match (state, flagged) {
        (StepState::Skipped, _) => "[-]",
        (_, true) => "[>]",
        (StepState::Answered, _) => "[x]",
        (StepState::DontKnow, _) => "[?]",
        (StepState::Open | StepState::Pending, _) => "[ ]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_and_uses_no_colours() {
        let theme = Theme::from_env(Some("1"), Some("high-contrast"));
        assert_eq!(theme.kind, ThemeKind::Monochrome);
        for style in [
            theme.selected(),
            theme.error(),
            theme.good(),
            theme.title(),
            theme.status(Status::NotMet),
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(theme.selected().add_modifier.contains(Modifier::REVERSED));
        assert_eq!(Theme::from_env(Some(""), None).kind, ThemeKind::Default);
        assert_eq!(
            Theme::from_env(None, Some("High-Contrast")).kind,
            ThemeKind::HighContrast
        );
    }
}
