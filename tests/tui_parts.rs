//! The detail pane of a PDU shows the outlets its agent reports (members
//! `<pdu>/outlet.N`, which the site file does not list), the ones not ok first.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::time::{Duration, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use redcon::model::MemberState;
use redcon::poll::Part;
use redcon::tui::{Action, App, Observation, Theme, View, update};

fn text(t: &Terminal<TestBackend>) -> Vec<String> {
    let b = t.backend().buffer();
    (0..b.area.height)
        .map(|y| {
            (0..b.area.width)
                .map(|x| b[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_pdu_detail_lists_its_outlets() {
    let at = UNIX_EPOCH + Duration::from_secs(1_795_341_630);
    let site = redcon::demo::site().unwrap();
    let live = redcon::demo::live(&site).unwrap();
    let mut obs = Observation::of_file(&site, &live, at);
    let part = |name: &str, state, flags: &[&str]| Part {
        name: name.into(),
        state,
        flags: flags.iter().map(ToString::to_string).collect(),
    };
    obs.parts.insert(
        "PDU-A1".into(),
        vec![
            part("outlet.1", MemberState::Ok, &["on", "desc:ROW-1"]),
            part("outlet.2", MemberState::Failed, &["off", "desc:ROW-2"]),
        ],
    );
    let mut app = App::new("dc1", at);
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    // as an operator opens it: `:goto PDU-A1`
    update(&mut app, Action::PaletteStart);
    for c in "goto PDU-A1".chars() {
        update(&mut app, Action::PaletteInput(c));
    }
    update(&mut app, Action::PaletteRun);
    assert_eq!(app.view(), View::Components);
    assert_eq!(app.detail(), Some("PDU-A1"));
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    t.draw(|f| redcon::tui::view::render(f, &app, &Theme::colored()))
        .unwrap();
    let lines = text(&t);
    let at_line = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in\n{}", lines.join("\n")))
    };
    let head = at_line("1 of 2 ok");
    let failed = at_line("outlet.2");
    let ok = at_line("outlet.1");
    assert!(
        head < failed && failed < ok,
        "not ok first: {head} {failed} {ok}"
    );
    assert!(lines[failed].contains("failed") && lines[failed].contains("off desc:ROW-2"));
    let x = lines[failed]
        .find("✗")
        .map(|b| lines[failed][..b].chars().count())
        .unwrap();
    let x = u16::try_from(x).unwrap();
    let y = u16::try_from(failed).unwrap();
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
}
