//! Operations from the console, as key scripts through the key table and `update`: the plan
//! shown before anything happens, a reason required, Cancel focused by default, the
//! target's id typed for a site-level unit, a second confirmation for a degrading plan, a
//! refused plan that cannot be confirmed, and no way at all to operate read-only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use redcon::model::{ElementState, LiveState};
use redcon::ops::{Authority, OpKind, Verdict};
use redcon::tui::action::Verb;
use redcon::tui::app::operate::Step;
use redcon::tui::drive::step;
use redcon::tui::observe::Endpoint;
use redcon::tui::{Action, App, Effect, Input, Observation, Theme, update};

const T0: u64 = 1_795_341_630;

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

/// The demo as polled: every agent with an address and a state version.
fn demo_obs(live_change: impl FnOnce(&mut LiveState)) -> Observation {
    let site = redcon::demo::site().unwrap_or_else(|e| panic!("{e}"));
    let mut live = redcon::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
    live_change(&mut live);
    let mut obs = Observation::of_file(&site, &live, t0());
    obs.endpoints = redcon::sim::agent_urls(&site, "http://127.0.0.1:9")
        .into_iter()
        .map(|(name, url)| Endpoint {
            etag: Some(format!("W/\"{name}-7\"")),
            name,
            url,
        })
        .collect();
    obs
}

fn app_with(authority: Option<Authority>, obs: Observation) -> App {
    let mut app = App::new("dc1", t0()).with_authority(authority);
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    app
}

fn operator_app() -> App {
    app_with(Some(Authority::operator("alice")), demo_obs(|_| {}))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Type a script (`\t` Tab, `\n` Enter, `\x1b` Esc, `\x08` Backspace); the effects that
/// are not plain redraws, in order.
fn type_keys(app: &mut App, script: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in script.chars() {
        let k = match c {
            '\t' => key(KeyCode::Tab),
            '\n' => key(KeyCode::Enter),
            '\x1b' => key(KeyCode::Esc),
            '\x08' => key(KeyCode::Backspace),
            c => key(KeyCode::Char(c)),
        };
        match step(app, Input::Key(k)) {
            Effect::None | Effect::Redraw => {}
            other => out.push(other),
        }
    }
    out
}

/// The unit's pane, as an operator opens it: `:goto ID`.
fn open(app: &mut App, id: &str) {
    update(app, Action::PaletteStart);
    for c in format!("goto {id}").chars() {
        update(app, Action::PaletteInput(c));
    }
    update(app, Action::PaletteRun);
    assert_eq!(app.detail(), Some(id), "{:?}", app.message());
}

fn screen(app: &App) -> String {
    screen_at(app, 100, 40)
}

fn screen_at(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| redcon::tui::view::render(f, app, &Theme::mono()))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_drain_needs_a_reason_the_id_and_two_confirmations_with_cancel_focused() {
    let mut app = operator_app();
    open(&mut app, "PDU-A1");
    assert!(type_keys(&mut app, "d").is_empty());
    let d = app
        .operation()
        .cloned()
        .unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(d.step, Step::Reason);
    assert_eq!(d.plan.verdict, Verdict::Degrades, "{:?}", d.lines);
    assert!(d.plan.site_level);
    let shown = screen(&app);
    assert!(shown.contains("DEGRADES  drain PDU-A1"), "{shown}");
    assert!(shown.contains("live tier Tier III -> Tier II"), "{shown}");

    // no reason: refused with a word, still on the reason
    type_keys(&mut app, "\n");
    assert_eq!(app.operation().map(|d| d.step), Some(Step::Reason));
    assert!(
        app.message()
            .is_some_and(|m| m.contains("reason is required"))
    );
    type_keys(&mut app, "capacitors\n");
    let d = app
        .operation()
        .cloned()
        .unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(d.step, Step::Confirm { second: false });
    assert!(!d.confirm, "Cancel is focused by default");
    let shown = screen(&app);
    assert!(shown.contains("> Cancel <"), "{shown}");
    assert!(shown.contains("type PDU-A1 to confirm"), "{shown}");

    // Enter on Cancel cancels, and says so in the log
    assert!(type_keys(&mut app, "\n").is_empty());
    assert!(app.operation().is_none());
    assert!(
        app.log()
            .newest_first()
            .any(|e| e.text == "drain PDU-A1: cancelled")
    );

    // again: Confirm without typing the id is refused
    open(&mut app, "PDU-A1");
    type_keys(&mut app, "dcapacitors\n\t\n");
    assert!(app.message().is_some_and(|m| m.contains("type PDU-A1")));
    // the id, then Confirm: a degrading plan asks once more, focus back on Cancel
    assert!(type_keys(&mut app, "PDU-A1\n").is_empty());
    let d = app
        .operation()
        .cloned()
        .unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(d.step, Step::Confirm { second: true });
    assert!(!d.confirm);
    let effects = type_keys(&mut app, "\t\n");
    let [
        Effect::Operate {
            mutation,
            plan,
            url,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(mutation.operation().kind, OpKind::Drain);
    assert_eq!(mutation.operation().target, "PDU-A1");
    assert_eq!(mutation.operation().reason, "capacitors");
    assert_eq!(mutation.operation().operator, "alice");
    assert!(mutation.acknowledged().degrade && !mutation.acknowledged().force);
    assert_eq!(mutation.state_version(), "W/\"pdu-gw-7\"");
    assert!(url.ends_with("/agents/pdu-gw"), "{url}");
    assert!(plan[0].starts_with("DEGRADES"), "{plan:?}");
    assert_eq!(app.operation().map(|d| d.step), Some(Step::Sending));

    update(
        &mut app,
        Action::OpResult("drain PDU-A1: done (HTTP 200: done)".into()),
    );
    assert!(app.operation().is_none());
    assert!(
        app.maintenance()
            .iter()
            .any(|m| m.target == "PDU-A1" && m.operator == "alice")
    );
    let log: Vec<String> = app.log().newest_first().map(|e| e.text.clone()).collect();
    assert_eq!(log[0], "drain PDU-A1: done (HTTP 200: done)");
    assert_eq!(log[1], "drain PDU-A1 sent by alice (DEGRADES): capacitors");
}

#[test]
fn a_refused_plan_cannot_be_confirmed_and_names_what_would_be_lost() {
    // UPS-A2 has failed already; with A3 and all of side B out too, A1 is the last module
    let obs = demo_obs(|l| {
        for id in ["UPS-A3", "UPS-B1", "UPS-B2", "UPS-B3"] {
            l.elements.insert(id.into(), ElementState::Maintenance);
        }
    });
    let mut app = app_with(Some(Authority::operator("alice")), obs);
    open(&mut app, "UPS-A1");
    type_keys(&mut app, "d");
    let d = app
        .operation()
        .cloned()
        .unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(d.plan.verdict, Verdict::Refused, "{:?}", d.lines);
    assert!(
        d.lines.iter().any(|l| l.contains("would lose supply")),
        "{:?}",
        d.lines
    );
    // confirming a refused plan sends nothing: the refusal is audited, the dialog closes
    let effects = type_keys(&mut app, "last path\nUPS-A1\t\n");
    assert!(
        matches!(effects.as_slice(), [Effect::Audit(r)] if r.operation.describe() == "drain UPS-A1"),
        "{effects:?}"
    );
    assert!(
        app.message().is_some_and(|m| m.contains("refused")),
        "{:?}",
        app.message()
    );
    assert!(app.operation().is_none());
}

#[test]
fn a_vrrp_failover_goes_to_the_other_router_and_is_safe_without_typing_an_id() {
    let mut app = operator_app();
    open(&mut app, "vrrp-51");
    type_keys(&mut app, "f");
    let d = app
        .operation()
        .cloned()
        .unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(
        d.op.kind,
        OpKind::Failover {
            to: Some("lb-2".into())
        }
    );
    assert_eq!(d.plan.verdict, Verdict::Safe, "{:?}", d.lines);
    assert!(!d.plan.site_level);
    let effects = type_keys(&mut app, "upgrade lb-1\n\t\n");
    assert!(
        matches!(effects.as_slice(), [Effect::Operate { .. }]),
        "{effects:?}"
    );
}

/// Every target kind of the demo: elements, RAID/bond/uplink/router/node members, a
/// gateway group, a cluster resource.
const TARGETS: [&str; 10] = [
    "UPS-A1",
    "CRAH-1",
    "db1-sdb",
    "db1-ens1f0",
    "leaf1-up1",
    "lb-2",
    "db2",
    "vrrp-51",
    "pgsql",
    "UPS-A2",
];

#[test]
fn a_read_only_console_cannot_prepare_or_send_any_operation() {
    let mut app = app_with(None, demo_obs(|_| {}));
    assert_eq!(app.mode(), "READ-ONLY");
    for target in TARGETS {
        for verb in Verb::ALL {
            open(&mut app, target);
            let effect = update(&mut app, Action::OpStart(verb));
            assert!(!matches!(effect, Effect::Operate { .. }));
            assert!(app.operation().is_none(), "{verb:?} {target}");
            assert!(
                app.message().is_some_and(|m| m.contains("read-only")),
                "{verb:?} {target}: {:?}",
                app.message()
            );
            // and every key of the keymap, pressed after it, sends nothing either
            for b in app.keymap().bound.clone() {
                let effect = step(&mut app, Input::Key(KeyEvent::new(b.code, b.mods)));
                assert!(!matches!(effect, Effect::Operate { .. }), "{}", b.label);
            }
            if app.view() != redcon::tui::View::Overview {
                update(&mut app, Action::Show(redcon::tui::View::Overview));
            }
        }
    }
    assert!(screen(&app).contains("READ-ONLY"));
}

#[test]
fn the_wallboard_has_no_key_for_any_operation() {
    for c in ['d', 'u', 't', 'f', 'm', ':', '\n'] {
        let k = if c == '\n' {
            key(KeyCode::Enter)
        } else {
            key(KeyCode::Char(c))
        };
        assert_eq!(redcon::tui::wall::key_action(k), None, "{c:?}");
    }
}

#[test]
fn every_verb_on_every_target_either_opens_a_plan_or_says_why_not() {
    for target in TARGETS {
        for verb in Verb::ALL {
            let mut app = operator_app();
            open(&mut app, target);
            update(&mut app, Action::OpStart(verb));
            match &app.operation() {
                Some(d) => assert!(!d.lines.is_empty()),
                None => assert!(
                    app.message().is_some_and(|m| !m.is_empty()),
                    "{verb:?} {target}: no dialog and no word"
                ),
            }
        }
    }
}

/// A plan too long for the screen (MSWG-A: many new SPOFs, many units) keeps its verdict,
/// its reason, the id to type and both buttons on screen at every size.
#[test]
fn the_dialog_never_hides_its_decision() {
    for (w, h) in [(80, 24), (60, 15), (200, 60)] {
        let mut app = operator_app();
        open(&mut app, "MSWG-A");
        type_keys(&mut app, "d");
        type_keys(&mut app, "switchgear service\n");
        type_keys(&mut app, "MSWG-A");
        let shown = screen_at(&app, w, h);
        for must in [
            "drain MSWG-A",
            "reason: switchgear service",
            "type MSWG-A to confirm",
            "Cancel",
            "Confirm",
        ] {
            assert!(shown.contains(must), "{w}x{h}: {must} missing:\n{shown}");
        }
        let verdict = app.operation().map(|d| d.plan.verdict.word()).unwrap();
        assert!(
            shown.contains(verdict),
            "{w}x{h}: verdict {verdict} missing:\n{shown}"
        );
        // the focus is visible: Cancel is marked
        assert!(shown.contains("> Cancel <"), "{w}x{h}:\n{shown}");
    }
}
