//! What the app-level tests share: the demo at a fixed clock, key scripts through the key
//! table, frames on a test backend.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: each test crate uses part of it, and a test that cannot go on should stop loudly"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use redcon::model::ElementState;
use redcon::tui::drive::apply;
use redcon::tui::{Action, App, Input, Observation, Theme, update};

pub const T0: u64 = 1_795_341_630;

pub fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

pub fn demo_obs(fail: &[&str]) -> Observation {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    for id in fail {
        live.elements
            .insert((*id).to_string(), ElementState::Failed);
    }
    Observation::of_file(&site, &live, t0())
}

pub fn demo_app() -> App {
    // an operator's console: the tests drive operations and acknowledgements too
    let mut app =
        App::new("dc1", t0()).with_authority(Some(redcon::ops::Authority::operator("operator")));
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Type a script: plain characters, with `\t` for Tab, `\n` for Enter, `\x1b` for Esc.
/// Returns true when the script made the app quit.
pub fn type_keys(app: &mut App, script: &str) -> bool {
    for c in script.chars() {
        let k = match c {
            '\t' => key(KeyCode::Tab),
            '\n' => key(KeyCode::Enter),
            '\x1b' => key(KeyCode::Esc),
            '\x08' => key(KeyCode::Backspace),
            c => key(KeyCode::Char(c)),
        };
        if apply(app, Input::Key(k)) {
            return true;
        }
    }
    false
}

pub fn frame(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| redcon::tui::view::render(f, app, &Theme::colored()))
        .unwrap();
    t
}

/// The frame at 120x40 as text, one line per row.
pub fn screen(app: &App) -> String {
    let t = frame(app, 120, 40);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Open `id`'s pane as an operator does: `:goto ID`.
pub fn goto(app: &mut App, id: &str) {
    update(app, Action::PaletteStart);
    for c in format!("goto {id}").chars() {
        update(app, Action::PaletteInput(c));
    }
    update(app, Action::PaletteRun);
    assert_eq!(app.detail(), Some(id), "{:?}", app.message());
}
