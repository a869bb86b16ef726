//! Render tests of the console on the embedded demo site (no network): every view at 80x24
//! and 200x60 as text snapshots, colour asserted on the cells where colour means something,
//! and a NO_COLOR render that still carries every status as text.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use redcon::model::ElementState;
use redcon::tui::observe::AgentCounts;
use redcon::tui::{Action, App, Observation, Theme, View, update};

/// 2026-11-22 10:00:30 UTC: a fixed clock, so snapshots never change with the time of day.
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
    let mut obs = Observation::of_file(&site, &live, t0());
    // as the poller would report it: ten agents, and when things break, some go quiet too
    obs.agents = Some(if fail.is_empty() {
        AgentCounts {
            fresh: 10,
            not_answering: 0,
            stale: 0,
            dead: 0,
        }
    } else {
        AgentCounts {
            fresh: 8,
            not_answering: 0,
            stale: 1,
            dead: 1,
        }
    });
    obs
}

/// The demo in its shipped degraded state (UPS-A2 failed, a RAID member rebuilding).
fn demo_app(view: View) -> App {
    let mut app =
        App::new("dc1", t0()).with_authority(Some(redcon::ops::Authority::operator("operator")));
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    update(&mut app, Action::Show(view));
    app
}

fn render(app: &App, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| redcon::tui::view::render(f, app, theme))
        .unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
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

/// Where `needle` starts on screen (column, row).
fn find(t: &Terminal<TestBackend>, needle: &str) -> (u16, u16) {
    for (y, line) in text(t).lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let n: Vec<char> = needle.chars().collect();
        if let Some(x) = chars.windows(n.len()).position(|w| w == n.as_slice()) {
            return (x as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{}", text(t));
}

#[test]
fn overview_80x24() {
    let t = render(&demo_app(View::Overview), &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn overview_200x60() {
    let t = render(&demo_app(View::Overview), &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn findings_80x24() {
    let t = render(&demo_app(View::Findings), &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn findings_200x60() {
    let t = render(&demo_app(View::Findings), &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn help_80x24() {
    let mut app = demo_app(View::Overview);
    update(&mut app, Action::ToggleHelp);
    let t = render(&app, &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn help_200x60() {
    let mut app = demo_app(View::Overview);
    update(&mut app, Action::ToggleHelp);
    let t = render(&app, &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

/// The demo gets worse while the console watches: the log names what changed.
#[test]
fn event_log_after_a_second_failure_80x24() {
    let mut app = demo_app(View::Events);
    update(&mut app, Action::Tick(t0() + Duration::from_secs(95)));
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["LOOP-B", "UPS-B1"]))),
    );
    let t = render(&app, &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn the_verdict_badge_carries_the_warning_colour_and_word() {
    let t = render(&demo_app(View::Overview), &Theme::colored(), 80, 24);
    let (x, y) = find(&t, "WARNING");
    let cell = &t.backend().buffer()[(x, y)];
    assert_eq!(cell.bg, Color::Yellow, "WARNING badge background");
    // a degraded IT group is marked in the warning colour as well as by its ▲
    let (x, y) = find(&t, "▲ db1-md0");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Yellow);
    let (x, y) = find(&t, "✓ db1-bond0");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Green);
}

#[test]
fn a_critical_site_shows_red_and_says_so_in_words() {
    let mut app = demo_app(View::Overview);
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["LOOP-B", "UPS-B1"]))),
    );
    let t = render(&app, &Theme::colored(), 80, 24);
    let (x, y) = find(&t, "CRITICAL");
    assert_eq!(t.backend().buffer()[(x, y)].bg, Color::Red);
    let (x, y) = find(&t, "▼ below design");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    let (x, y) = find(&t, "1 dead");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    let (x, y) = find(&t, "1 stale");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Yellow);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn no_color_keeps_every_marker_and_uses_no_colour() {
    let mut app = demo_app(View::Overview);
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["LOOP-B", "UPS-B1"]))),
    );
    let theme = Theme::for_no_color(Some(std::ffi::OsStr::new("1")));
    let t = render(&app, &theme, 80, 24);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "no foreground colour under NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "no background colour under NO_COLOR");
    }
    let screen = text(&t);
    for marker in ["CRITICAL", "critical", "✗", "▲", "✓", "[1 Overview]"] {
        assert!(screen.contains(marker), "{marker:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(t.backend());
}

/// The Components table on the degraded demo, worst first: UPS-A2 failed, with its symbol.
/// Components sort worst first from the start.
fn components_app() -> App {
    demo_app(View::Components)
}

#[test]
fn components_ups_80x24() {
    let t = render(&components_app(), &Theme::colored(), 80, 24);
    let (x, y) = find(&t, "✗ failed");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    let (_, row) = find(&t, "UPS-A2");
    assert_eq!(row, y, "the failed state is on UPS-A2's row");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn components_ups_200x60() {
    let t = render(&components_app(), &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

/// The IT groups: the RAID member map shows the failed drive and the rebuilding spare.
fn it_groups_app() -> App {
    let mut app = demo_app(View::Components);
    update(&mut app, Action::PrevGroup);
    app
}

#[test]
fn components_it_groups_80x24() {
    let t = render(&it_groups_app(), &Theme::colored(), 80, 24);
    find(&t, "[UU_UUU|R]");
    find(&t, "db3 standby");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn components_it_groups_200x60() {
    let t = render(&it_groups_app(), &Theme::colored(), 200, 60);
    find(&t, "db1-sdg rebuild 42%");
    insta::assert_snapshot!(t.backend());
}

fn detail_app() -> App {
    let mut app = components_app();
    update(&mut app, Action::Open);
    assert_eq!(app.detail(), Some("UPS-A2"));
    app
}

#[test]
fn detail_pane_80x24() {
    let t = render(&detail_app(), &Theme::colored(), 80, 24);
    let (x, y) = find(&t, "✗ failed");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn detail_pane_200x60() {
    let t = render(&detail_app(), &Theme::colored(), 200, 60);
    find(&t, "ROW-4");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn detail_pane_of_a_raid_array_200x60() {
    let mut app = it_groups_app();
    // worst first: the degraded array tops the IT groups
    update(&mut app, Action::Open);
    assert_eq!(app.detail(), Some("db1-md0"));
    let t = render(&app, &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

/// A poll view as the poller would hand it over: a fresh agent reporting UPS-A1's metrics
/// with three earlier samples in the history, and a dead agent whose old numbers for the
/// same UPS must not show.
fn metrics_app() -> App {
    use std::sync::{Arc, Mutex};

    use redcon::api::{AgentInfo, ElementReport, Metrics, SCHEMA_VERSION, Snapshot};
    use redcon::poll::{AgentSpec, AgentStatus, Freshness, History, PollView};

    let snap = |agent: &str, at: f64, load: f64| Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: agent.into(),
            version: "test".into(),
            hostname: None,
        },
        generated_at: at,
        elements: vec![ElementReport {
            id: "UPS-A1".into(),
            position: None,
            state: ElementState::Ok,
            observed_at: at,
            flags: Vec::new(),
            metrics: Metrics::from([
                ("load_pct", load),
                ("battery_charge_pct", 100.0),
                ("runtime_min", 23.0),
            ]),
        }],
        members: Vec::new(),
        tanks: Vec::new(),
        host: None,
    };
    let mut history = History::new(120, 1000);
    for (i, load) in [20.0, 30.0, 35.0, 41.0].into_iter().enumerate() {
        history.record(&snap("ups-a", T0 as f64 + 10.0 * i as f64, load));
    }
    let now = tokio::time::Instant::now();
    let agent = |name: &str, freshness, load| {
        let mut a = AgentStatus::new(&AgentSpec {
            name: name.into(),
            url: format!("http://{name}.test"),
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(2),
        });
        a.freshness = freshness;
        a.last_ok = Some(now);
        a.polls = 1;
        a.snapshot = Some(Arc::new(snap(name, T0 as f64 + 30.0, load)));
        a
    };
    let view = PollView {
        agents: vec![
            agent("ups-a", Freshness::Fresh, 41.0),
            agent("old", Freshness::Dead, 99.0),
        ],
        history: Arc::new(Mutex::new(history)),
        source: redcon::verdict::LiveSource::Agents,
    };
    let site = redcon::demo::site().unwrap();
    let obs = Observation::from_poll(
        &site,
        &view,
        &redcon::config::PollPolicy::default(),
        now,
        t0(),
    );
    let mut app =
        App::new("dc1", t0()).with_authority(Some(redcon::ops::Authority::operator("operator")));
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    update(&mut app, Action::Show(View::Components));
    app
}

#[test]
fn live_metrics_fill_the_components_row_and_the_detail_sparklines() {
    let mut app = metrics_app();
    let t = render(&app, &Theme::colored(), 200, 60);
    let (_, row) = find(&t, "UPS-A1");
    let (_, y) = find(&t, "load 41% · batt 100% · 23 min");
    assert_eq!(y, row, "the metrics are on UPS-A1's row");
    assert!(!text(&t).contains("load 99%"), "a dead agent's numbers");
    update(&mut app, Action::Open);
    assert_eq!(app.detail(), Some("UPS-A1"));
    let t = render(&app, &Theme::colored(), 200, 60);
    let (_, y) = find(&t, "load_pct");
    let (_, spark) = find(&t, "▂▃▃▄ 0–100");
    assert_eq!(spark, y, "the load's samples sit on its line");
    find(&t, "battery_charge_pct");
}

#[test]
fn topology_80x24() {
    let t = render(&demo_app(View::Topology), &Theme::colored(), 80, 24);
    // the failed UPS carries its state as a symbol and a word, in the status colour
    let (x, y) = find(&t, "✗ failed");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn topology_200x60() {
    let t = render(&demo_app(View::Topology), &Theme::colored(), 200, 60);
    // both cords of a dual-corded row are on screen, each under its own PDU
    find(&t, "ROW-1");
    find(&t, "[A of 2]");
    find(&t, "[B of 2]");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn topology_with_a_feed_down_says_which_load_is_on_one_cord_200x60() {
    let mut app = demo_app(View::Topology);
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["PDU-B1"]))),
    );
    let t = render(&app, &Theme::colored(), 200, 60);
    let (x, y) = find(&t, "▲ fed 1/2");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Yellow);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn zone_pane_from_a_findings_row_80x24() {
    let mut app = demo_app(View::Findings);
    update(&mut app, Action::Open);
    assert_eq!(app.detail(), Some("zone:GEN-YARD"));
    let t = render(&app, &Theme::colored(), 80, 24);
    let (x, y) = find(&t, "✗ a live SPOF");
    assert_eq!(t.backend().buffer()[(x, y)].fg, Color::Red);
    insta::assert_snapshot!(t.backend());
}

/// Every screen of the console on the degraded demo, with the help and a detail pane too:
/// what a theme must colour correctly.
fn every_screen(theme: &Theme) -> Vec<Terminal<TestBackend>> {
    let mut out = Vec::new();
    for view in View::ALL {
        let mut app = demo_app(view);
        update(
            &mut app,
            Action::PollUpdate(Box::new(demo_obs(&["UPS-B1", "LOOP-B"]))),
        );
        out.push(render(&app, theme, 200, 60));
        update(&mut app, Action::Open);
        out.push(render(&app, theme, 80, 24));
    }
    let mut app = demo_app(View::Overview);
    update(&mut app, Action::ToggleHelp);
    out.push(render(&app, theme, 80, 24));
    out
}

#[test]
fn the_16_colour_theme_uses_only_the_16_ansi_colours() {
    use redcon::tui::themes;
    let theme = themes::shipped("16-colour").expect("16-colour ships");
    let mut coloured = 0;
    for t in every_screen(&theme) {
        for cell in t.backend().buffer().content() {
            for c in [cell.fg, cell.bg] {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{c:?} at {:?} is not one of the 16",
                    cell.symbol()
                );
                coloured += usize::from(c != Color::Reset);
            }
        }
    }
    assert!(
        coloured > 100,
        "the theme colours something ({coloured} cells)"
    );
    // and the default theme is not the same: it does use the 256-colour palette
    let default = every_screen(&Theme::colored());
    assert!(default.iter().any(|t| {
        t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| matches!(c.fg, Color::Indexed(_) | Color::Rgb(..)))
    }));
}

#[test]
fn the_mono_theme_has_no_colour_at_all_but_every_marker() {
    use redcon::tui::themes;
    let theme = themes::shipped("mono").expect("mono ships");
    let mut markers = String::new();
    for t in every_screen(&theme) {
        for cell in t.backend().buffer().content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "{:?}",
                cell.symbol()
            );
            markers.push_str(cell.symbol());
        }
    }
    for m in ["✓", "▲", "✗", "CRITICAL"] {
        assert!(markers.contains(m), "{m} missing without colour");
    }
}

/// A user layout is what the screen is drawn through: the footer moved to the top is on
/// the top row, and everything else moves down one.
#[test]
fn a_user_layout_moving_the_footer_to_the_top_moves_it() {
    use redcon::tui::layout::{OPERATOR_PANELS, ScreenLayout};
    let ron = r#"(split: vertical, parts: [
        (size: Length(1), panel: "footer"),
        (size: Length(2), panel: "header"),
        (size: Length(1), panel: "tabs"),
        (size: Min(1), panel: "body"),
    ])"#;
    let app = demo_app(View::Overview);
    let shipped = render(&app, &Theme::colored(), 80, 24);
    assert_eq!(find(&shipped, "q quit").1, 23);
    assert_eq!(find(&shipped, "WARNING").1, 0);
    let app = app.with_layout(ScreenLayout::parse(ron, "operator.ron", OPERATOR_PANELS).unwrap());
    let moved = render(&app, &Theme::colored(), 80, 24);
    assert_eq!(find(&moved, "q quit").1, 0, "{}", text(&moved));
    assert_eq!(find(&moved, "WARNING").1, 1);
    assert_eq!(find(&moved, "[1 Overview]").1, 3);
}

/// An agent whose last poll failed is said at once in the header, though its data stays
/// in use (and the count fresh) until it is stale: "agents 10 fresh" for the quarter of a
/// minute after an agent stopped answering told the operator nothing.
#[test]
fn the_header_says_an_agent_is_not_answering_before_its_data_goes_stale() {
    let mut obs = demo_obs(&[]);
    obs.agents = Some(AgentCounts {
        fresh: 10,
        not_answering: 1,
        stale: 0,
        dead: 0,
    });
    let mut app = App::new("dc1", t0());
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    for (w, h) in [(80, 24), (200, 60)] {
        let shown = text(&render(&app, &Theme::colored(), w, h));
        assert!(shown.contains("10 fresh (1 not answering)"), "{shown}");
    }
}

/// A read-only console does not offer keys it would refuse: no "a ack" in its footer (it
/// answered the key with a refusal), and it says that it is read-only.
#[test]
fn a_read_only_console_offers_no_acknowledgement() {
    let mut app = App::new("dc1", t0());
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    let shown = text(&render(&app, &Theme::colored(), 80, 24));
    let footer = shown.lines().last().unwrap_or_default();
    assert!(!footer.contains("a ack"), "{footer}");
    assert!(footer.starts_with("read-only"), "{footer}");
    let operator = demo_app(View::Overview);
    let shown = text(&render(&operator, &Theme::colored(), 80, 24));
    assert!(shown.lines().last().unwrap_or_default().contains("a ack"));
}

/// On battery, the minutes left are what an operator needs first: at 80 columns the tile
/// cut "ON BATTERY 8.2 min" to "ON ", since it came after the count and the load. On the
/// wallboard's narrower tiles too.
#[test]
fn a_ups_system_on_battery_says_its_minutes_first_even_at_80_columns() {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    live.elements
        .insert("UPS-B1".into(), ElementState::OnBattery);
    live.battery_runtime_min.insert("UPS-B1".into(), 8.2);
    let mut app = App::new("dc1", t0());
    let obs = Observation::of_file(&site, &live, t0());
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    for (w, h) in [(80, 24), (200, 60)] {
        let shown = text(&render(&app, &Theme::colored(), w, h));
        assert!(
            shown.contains("UPS-B ON BATTERY 8.2 min · 3/3 up"),
            "{shown}"
        );
    }
    let mut wall = redcon::tui::wall::Wall::new("dc1", t0(), 15, None);
    redcon::tui::wall::update(
        &mut wall,
        redcon::tui::wall::WallAction::PollUpdate(Box::new(Observation::of_file(
            &site,
            &live,
            t0(),
        ))),
    );
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| redcon::tui::wall::view::render(f, &wall, &Theme::colored()))
        .unwrap();
    assert!(
        text(&t).contains("UPS-B ON BATTERY 8.2 min"),
        "{}",
        text(&t)
    );
}
