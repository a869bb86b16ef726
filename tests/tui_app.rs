//! App-level tests: key scripts go through the key table and `update`, exactly as the
//! runtime does it, and the state, the effects and the frames are asserted. No terminal.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use redcon::model::ElementState;
use redcon::tui::drive::apply;
use redcon::tui::{Action, App, Effect, Input, Observation, Theme, View, keys, update};

const T0: u64 = 1_795_341_630;

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

fn demo_obs(fail: &[&str]) -> Observation {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    for id in fail {
        live.elements
            .insert((*id).to_string(), ElementState::Failed);
    }
    Observation::offline(&site, &live, t0())
}

fn demo_app() -> App {
    let mut app = App::new("dc1", t0());
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Type a script: plain characters, with `\t` for Tab, `\n` for Enter, `\x1b` for Esc.
/// Returns true when the script made the app quit.
fn type_keys(app: &mut App, script: &str) -> bool {
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

fn frame(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| redcon::tui::view::render(f, app, &Theme::colored()))
        .unwrap();
    t
}

#[test]
fn tab_and_number_keys_switch_views() {
    let mut app = demo_app();
    assert_eq!(app.view, View::Overview);
    type_keys(&mut app, "\t");
    assert_eq!(app.view, View::Findings);
    type_keys(&mut app, "\t\t");
    assert_eq!(app.view, View::Overview, "Tab wraps around");
    let back = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    apply(&mut app, Input::Key(back));
    assert_eq!(app.view, View::Events);
    type_keys(&mut app, "2");
    assert_eq!(app.view, View::Findings);
}

#[test]
fn selection_moves_and_stays_inside_the_list() {
    let mut app = demo_app();
    type_keys(&mut app, "2jjj");
    assert_eq!(app.selected, 3);
    type_keys(&mut app, "k");
    assert_eq!(app.selected, 2);
    type_keys(&mut app, &"j".repeat(50));
    assert_eq!(app.selected, app.rows() - 1, "Down stops at the last row");
    type_keys(&mut app, &"k".repeat(50));
    assert_eq!(app.selected, 0);
    // switching views starts the new list at the top
    type_keys(&mut app, "jj3");
    assert_eq!((app.view, app.selected), (View::Events, 0));
}

#[test]
fn filter_typing_narrows_the_findings_and_q_types_instead_of_quitting() {
    let mut app = demo_app();
    let all = {
        type_keys(&mut app, "2");
        app.rows()
    };
    assert!(!type_keys(&mut app, "/loop-b q"), "q while typing is text");
    assert!(app.filtering);
    assert_eq!(app.filter, "loop-b q");
    type_keys(&mut app, "\x08\x08");
    assert_eq!(app.filter, "loop-b");
    type_keys(&mut app, "\n");
    assert!(!app.filtering);
    assert!(
        app.rows() < all && app.rows() > 0,
        "{} of {all}",
        app.rows()
    );
    let t = frame(&app, 80, 24);
    insta::assert_snapshot!(t.backend());
    // Esc clears the filter and every row comes back
    type_keys(&mut app, "\x1b");
    assert_eq!((app.filter.as_str(), app.rows()), ("", all));
}

#[test]
fn help_opens_closes_and_lists_every_key_of_the_table() {
    let mut app = demo_app();
    type_keys(&mut app, "?");
    assert!(app.help);
    let t = frame(&app, 80, 24);
    let screen = format!("{}", t.backend());
    for b in keys::KEYS {
        assert!(screen.contains(b.label), "{} missing from help", b.label);
        assert!(screen.contains(b.help), "{:?} missing from help", b.help);
    }
    type_keys(&mut app, "\x1b");
    assert!(!app.help, "Esc closes the help");
}

#[test]
fn q_and_ctrl_c_quit_the_console() {
    let mut app = demo_app();
    assert!(type_keys(&mut app, "q"));
    let mut app = demo_app();
    type_keys(&mut app, "/abc");
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(
        apply(&mut app, Input::Key(ctrl_c)),
        "Ctrl-C quits even while typing"
    );
    assert_eq!(update(&mut demo_app(), Action::Quit), Effect::Quit);
}

#[test]
fn unbound_keys_and_unchanged_data_cost_no_frame() {
    let mut app = demo_app();
    app.dirty = false;
    type_keys(&mut app, "xz");
    assert!(!app.dirty);
    assert_eq!(
        update(&mut app, Action::Up),
        Effect::None,
        "already at the top"
    );
    // the same data again, a few seconds newer: nothing to redraw
    assert_eq!(
        update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[])))),
        Effect::None
    );
    // a tick inside the same minute and age bucket: nothing either
    assert_eq!(
        update(&mut app, Action::Tick(t0() + Duration::from_secs(5))),
        Effect::None
    );
    assert_eq!(
        update(&mut app, Action::Tick(t0() + Duration::from_secs(31))),
        Effect::Redraw,
        "the minute turned"
    );
}

#[test]
fn a_poll_that_changes_the_site_is_logged_and_redrawn() {
    let mut app = demo_app();
    app.dirty = false;
    let before = app.log.len();
    let effect = update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["UPS-B1"]))),
    );
    assert_eq!(effect, Effect::Redraw);
    let texts: Vec<&str> = app.log.newest_first().map(|e| e.text.as_str()).collect();
    assert!(app.log.len() > before);
    assert!(texts.contains(&"UPS-B1: ok -> failed"), "{texts:?}");
    // and back
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    let newest = app
        .log
        .newest_first()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>();
    assert!(newest.contains(&"UPS-B1: failed -> ok"), "{newest:?}");
}
