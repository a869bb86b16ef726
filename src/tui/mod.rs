//! The interactive operator console. One-way flow: terminal events, poll views and the
//! clock become `Input`s; `keys` turns keys into `Action`s; `app::update` changes the state
//! and says whether to redraw; `view` draws the state and nothing else.
//!
//! `app`, `keys`, `items`, `log`, `observe`, `view` and `drive` touch no terminal, so tests
//! run them on a `TestBackend`; `term` and `run` are the thin layer that does.
//!
//! `wall` is the read-only wallboard: its own state, actions and keys, on the same loop,
//! terminal, observations and theme (`drive::Model`).

pub mod action;
pub mod app;
pub mod components;
pub mod drive;
pub mod figures;
mod guard;
pub mod items;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod log;
pub mod metrics;
pub mod mouse;
pub mod now;
pub mod observe;
pub mod palette;
mod run;
mod send;
mod state_files;
mod term;
pub mod theme;
pub mod themes;
pub mod timefmt;
pub mod topology;
pub mod userfile;
pub mod view;
pub mod wall;
mod watch;

pub use action::{Action, Effect, Pointer, View};
pub use app::{App, update};
pub use drive::{Input, Model, Runtime, Screen, drive, drive_with};
pub use observe::Observation;
pub use run::{run, ticker};
pub use theme::Theme;

/// What `redcon keys` prints: the console's keys under `keys` (the built-in table with the
/// user's `keymap.ron` over it), then the wallboard's, which no keymap moves.
pub fn keys_text(keys: &keys::Keymap) -> String {
    let mut out = keys.text();
    out.push_str("wallboard:\n");
    for k in wall::KEYS {
        out.push_str(&format!("  {:<10} {}\n", k.label, k.help));
    }
    out
}
