//! Colours. Every status also has a word or symbol in the text (see `Status::marker`), so a
//! theme only reinforces; the mono theme (NO_COLOR) drops colour and keeps bold/reverse,
//! which NO_COLOR allows.

use ratatui::style::{Modifier, Style};

use crate::status::State;
use crate::verdict::Health;

/// How good something is, whatever kind of thing it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Degraded,
    Critical,
    Unknown,
}

impl Status {
    pub fn of_state(s: State) -> Status {
        match s {
            State::Ok => Status::Ok,
            State::Warning => Status::Degraded,
            State::Critical => Status::Critical,
            State::Unknown => Status::Unknown,
        }
    }

    pub fn of_health(h: Health) -> Status {
        match h {
            Health::Ok => Status::Ok,
            Health::Unknown => Status::Unknown,
            Health::Degraded | Health::Unprotected => Status::Degraded,
            Health::Critical => Status::Critical,
        }
    }

    /// A one-cell symbol, so a row's status survives NO_COLOR and colour blindness.
    pub fn marker(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Degraded => "▲",
            Status::Critical => "✗",
            Status::Unknown => "?",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub ok: Style,
    pub degraded: Style,
    pub critical: Style,
    pub unknown: Style,
    /// The verdict badge; `status` is patched over it.
    pub badge: Style,
    pub title: Style,
    pub dim: Style,
    pub selected: Style,
    pub tab_active: Style,
}

impl Theme {
    /// No colour at all: modifiers only. Written out here as well as in `mono.ron`, since
    /// it is the fallback when nothing else can be had.
    pub fn mono() -> Theme {
        Theme {
            ok: Style::new(),
            degraded: Style::new().add_modifier(Modifier::BOLD),
            critical: Style::new().add_modifier(Modifier::BOLD),
            unknown: Style::new().add_modifier(Modifier::BOLD),
            badge: Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new(),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            tab_active: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// NO_COLOR (https://no-color.org): set and non-empty means no colour. The value is
    /// passed in so tests never depend on the process environment.
    pub fn for_no_color(no_color: Option<&std::ffi::OsStr>) -> Theme {
        match no_color {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::colored(),
        }
    }

    pub fn status(&self, s: Status) -> Style {
        match s {
            Status::Ok => self.ok,
            Status::Degraded => self.degraded,
            Status::Critical => self.critical,
            Status::Unknown => self.unknown,
        }
    }

    /// The badge: reversed status colour, so the word sits on a coloured block.
    pub fn badge(&self, s: Status) -> Style {
        match self.status(s).fg {
            Some(c) => self.badge.bg(c),
            None => self.badge,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_set_and_non_empty_means_mono() {
        assert_eq!(Theme::for_no_color(Some(OsStr::new("1"))), Theme::mono());
        assert_eq!(Theme::for_no_color(Some(OsStr::new(""))), Theme::colored());
        assert_eq!(Theme::for_no_color(None), Theme::colored());
    }
}
