//! App-level tests: key scripts go through the key table and `update`, exactly as the
//! runtime does it, and the state, the effects and the frames are asserted. No terminal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::time::Duration;

mod app_support;

use app_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use redcon::tui::components::{Group, Sort};
use redcon::tui::drive::apply;
use redcon::tui::{Action, App, Effect, Input, View, keys, update};

#[test]
fn tab_and_number_keys_switch_views() {
    let mut app = demo_app();
    assert_eq!(app.view(), View::Overview);
    type_keys(&mut app, "\t");
    assert_eq!(app.view(), View::Now, "the problems come second");
    type_keys(&mut app, "\t\t\t\t\t");
    assert_eq!(app.view(), View::Overview, "Tab wraps around");
    let back = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    apply(&mut app, Input::Key(back));
    assert_eq!(
        app.view(),
        View::Findings,
        "the design's reasoning comes last"
    );
    type_keys(&mut app, "2");
    assert_eq!(app.view(), View::Now);
    type_keys(&mut app, "6");
    assert_eq!(app.view(), View::Findings);
}

#[test]
fn selection_moves_and_stays_inside_the_list() {
    let mut app = demo_app();
    type_keys(&mut app, "2jjj");
    assert_eq!(app.selected(), 3);
    type_keys(&mut app, "k");
    assert_eq!(app.selected(), 2);
    type_keys(&mut app, &"j".repeat(50));
    assert_eq!(app.selected(), app.rows() - 1, "Down stops at the last row");
    type_keys(&mut app, &"k".repeat(50));
    assert_eq!(app.selected(), 0);
    // switching views starts the new list at the top
    type_keys(&mut app, "jj4");
    assert_eq!((app.view(), app.selected()), (View::Events, 0));
}

#[test]
fn filter_typing_narrows_the_findings_and_q_types_instead_of_quitting() {
    let mut app = demo_app();
    let all = {
        type_keys(&mut app, "6");
        app.rows()
    };
    assert!(!type_keys(&mut app, "/loop-b q"), "q while typing is text");
    assert!(app.filtering());
    assert_eq!(app.filter(), "loop-b q");
    type_keys(&mut app, "\x08\x08");
    assert_eq!(app.filter(), "loop-b");
    type_keys(&mut app, "\n");
    assert!(!app.filtering());
    assert!(
        app.rows() < all && app.rows() > 0,
        "{} of {all}",
        app.rows()
    );
    let t = frame(&app, 80, 24);
    insta::assert_snapshot!(t.backend());
    // Esc clears the filter and every row comes back
    type_keys(&mut app, "\x1b");
    assert_eq!((app.filter(), app.rows()), ("", all));
}

#[test]
fn help_opens_closes_and_lists_every_key_of_the_table() {
    let mut app = demo_app();
    type_keys(&mut app, "?");
    assert!(app.help());
    let t = frame(&app, 80, 24);
    let screen = format!("{}", t.backend());
    for b in keys::KEYS {
        assert!(screen.contains(b.label), "{} missing from help", b.label);
        assert!(screen.contains(b.help), "{:?} missing from help", b.help);
    }
    type_keys(&mut app, "\x1b");
    assert!(!app.help(), "Esc closes the help");
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
    app.mark_drawn();
    type_keys(&mut app, "xz");
    assert!(!app.is_dirty());
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
    app.mark_drawn();
    let before = app.log().len();
    let effect = update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["UPS-B1"]))),
    );
    assert_eq!(effect, Effect::Redraw);
    let texts: Vec<&str> = app.log().newest_first().map(|e| e.text.as_str()).collect();
    assert!(app.log().len() > before);
    assert!(texts.contains(&"UPS-B1: ok -> failed"), "{texts:?}");
    // and back two minutes later: a change of its own (within a minute it is a flap)
    let later = app.now() + Duration::from_secs(120);
    update(&mut app, Action::Tick(later));
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    let newest = app
        .log()
        .newest_first()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>();
    assert!(newest.contains(&"UPS-B1: failed -> ok"), "{newest:?}");
}

#[test]
fn components_switch_kind_sort_and_filter() {
    let mut app = demo_app();
    type_keys(&mut app, "3");
    assert_eq!((app.view(), app.group()), (View::Components, Group::Ups));
    let ids =
        |app: &App| -> Vec<String> { app.component_rows().into_iter().map(|r| r.id).collect() };
    assert_eq!(ids(&app).len(), 6, "six UPS modules: {:?}", ids(&app));
    // worst first by default: the failed UPS-A2 tops the list
    assert_eq!(app.sort(), Sort::State);
    assert_eq!(ids(&app)[0], "UPS-A2");
    type_keys(&mut app, "ss");
    assert_eq!(app.sort(), Sort::Id, "s cycles to id");
    type_keys(&mut app, "s");
    assert_eq!(app.sort(), Sort::State, "and back to worst first");
    // [ and ] walk the kind groups, wrapping
    type_keys(&mut app, "]");
    assert_eq!(app.group(), Group::Cooling);
    assert!(ids(&app).contains(&"CRAH-3".to_string()));
    assert!(
        !ids(&app).contains(&"LOOP-A".to_string()),
        "loops are distribution"
    );
    type_keys(&mut app, "[[");
    assert_eq!(app.group(), Group::It, "[ wraps to the IT groups");
    let raid = app
        .component_rows()
        .into_iter()
        .find(|r| r.id == "db1-md0")
        .unwrap();
    assert!(raid.cells[2].starts_with("[UU_UUU|R]"), "{:?}", raid.cells);
    // the filter applies to id, kind and zone, across every kind
    type_keys(&mut app, "]/elec-b\n");
    assert_eq!(app.group(), Group::Ups, "] wraps back to the UPS");
    let found = ids(&app);
    for id in ["UPS-B1", "UPS-B2", "UPS-B3", "MSWG-B"] {
        assert!(found.contains(&id.to_string()), "{id} in {found:?}");
    }
    assert!(!found.contains(&"UPS-A1".to_string()), "{found:?}");
    assert_eq!(app.rows(), found.len());
}

#[test]
fn enter_opens_the_detail_pane_and_esc_closes_it() {
    let mut app = demo_app();
    // in the Components table, worst first: UPS-A2
    type_keys(&mut app, "3\n");
    assert_eq!(app.detail(), Some("UPS-A2"));
    let screen = format!("{}", frame(&app, 200, 60).backend());
    assert!(screen.contains("✗ failed"), "{screen}");
    assert!(
        screen.contains("ROW-1"),
        "the rows it feeds are listed:\n{screen}"
    );
    type_keys(&mut app, "\x1b");
    assert_eq!(app.detail(), None, "Esc closes the pane");
    assert_eq!(app.view(), View::Components);
    // from the Findings list: a SPOF row opens its element
    type_keys(&mut app, "6/spof\n");
    assert!(app.rows() > 0);
    type_keys(&mut app, "\n");
    let id = app.detail().expect("a SPOF row opens a pane");
    let obs = app.obs().unwrap();
    assert!(obs.site.element(id).is_some() || obs.verdict.classification.group(id).is_some());
    // switching views closes it too
    type_keys(&mut app, "1");
    assert_eq!(app.detail(), None);
}

#[test]
fn dependent_loads_follow_the_chain_upstream() {
    let obs = demo_obs(&[]);
    let rows = |id: &str| obs.dependents.get(id).cloned().unwrap_or_default();
    assert!(rows("UPS-A2").contains(&"ROW-1".to_string()));
    assert!(
        rows("G-1").contains(&"ROW-4".to_string()),
        "through switchgear and UPS"
    );
    assert!(rows("CRAH-3").contains(&"HALL-1-HEAT".to_string()));
    assert!(!rows("UPS-A2").contains(&"HALL-1-HEAT".to_string()));
}

#[test]
fn topology_rows_select_and_enter_opens_the_element_detail() {
    let mut app = demo_app();
    type_keys(&mut app, "5");
    assert_eq!(app.view(), View::Topology);
    // the heading opens nothing
    type_keys(&mut app, "\n");
    assert_eq!(app.detail(), None);
    // power, UTIL-1, TX-A, MSWG-A, UPS-A1, UOB-A, PDU-A1, ROW-1 (a load: no pane)
    type_keys(&mut app, "jjjjjjj\n");
    assert_eq!(app.topology()[app.selected()].id, "ROW-1");
    assert_eq!(app.detail(), None, "a load has no element pane");
    type_keys(&mut app, "kkk\n");
    assert_eq!(app.detail(), Some("UPS-A1"));
    let t = frame(&app, 80, 24);
    let shown: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(shown.contains("UPS-A1 · Esc closes"), "{shown}");
    type_keys(&mut app, "\x1b");
    assert_eq!(app.detail(), None);
    // a reference row opens the element it names
    let at = app
        .topology()
        .iter()
        .position(|r| r.id == "MSWG-B" && r.feed == Some('B'))
        .unwrap();
    update(&mut app, Action::Select(at));
    type_keys(&mut app, "\n");
    assert_eq!(app.detail(), Some("MSWG-B"));
}

/// Enter on every row of Findings & SPOFs lands on what the row names: an element, a
/// compartment (zone SPOFs and common-mode findings), or, for a finding that names
/// nothing, a footer line saying so.
#[test]
fn enter_on_every_findings_row_opens_what_it_names() {
    let mut app = demo_app();
    type_keys(&mut app, "6");
    let expected: Vec<Option<&str>> = vec![
        Some("zone:GEN-YARD"),
        Some("LOOP-B"),
        Some("zone:PLANT"),
        Some("zone:RISER-B"),
        Some("zone:ROOF"),
        None,
        Some("RATS-R4"),
        Some("zone:GEN-YARD"),
        Some("LOOP-B"),
        Some("zone:PLANT"),
        Some("zone:ROOF"),
    ];
    assert_eq!(app.rows(), expected.len(), "{:#?}", app.items());
    for (i, want) in expected.iter().enumerate() {
        type_keys(&mut app, "\n");
        assert_eq!(app.detail(), *want, "row {i}: {:?}", app.items()[i]);
        let shown = screen(&app);
        match want {
            Some(id) => {
                assert!(shown.contains(&format!("{id} · Esc closes")), "{shown}");
                assert!(!shown.contains("not in the site any more"), "{shown}");
                type_keys(&mut app, "\x1b");
                assert_eq!(app.detail(), None);
            }
            None => {
                assert!(shown.contains("names no element"), "{shown}");
                assert_eq!(app.message().map(|m| m.is_empty()), Some(false));
            }
        }
        type_keys(&mut app, "j");
        assert_eq!(
            app.message(),
            None,
            "the next key clears the footer message"
        );
    }
}

#[test]
fn a_zone_pane_lists_its_elements_and_says_it_is_a_spof() {
    let mut app = demo_app();
    goto(&mut app, "zone:GEN-YARD");
    let shown = screen(&app);
    for needle in ["G-1", "G-2", "G-3", "✗ a live SPOF of power", "compartment"] {
        assert!(shown.contains(needle), "{needle} missing:\n{shown}");
    }
    goto(&mut app, "ROW-1");
    let shown = screen(&app);
    assert!(shown.contains("✓ fed by 2 of 2 inputs"), "{shown}");
    goto(&mut app, "TK-1");
    let shown = screen(&app);
    assert!(shown.contains("fuel tank · 24 h at N"), "{shown}");
    assert!(shown.contains("20.5 h at N now"), "{shown}");
}

#[test]
fn the_palette_jumps_to_views_and_kind_groups() {
    let mut app = demo_app();
    type_keys(&mut app, ":top");
    assert_eq!(app.palette(), Some("top"));
    assert!(
        screen(&app).contains(":top_"),
        "the footer shows what is typed"
    );
    type_keys(&mut app, "\t");
    assert_eq!(app.palette(), Some("topology"), "Tab completes");
    type_keys(&mut app, "\n");
    assert_eq!((app.view(), app.palette()), (View::Topology, None));

    type_keys(&mut app, ":ups\n");
    assert_eq!((app.view(), app.group()), (View::Components, Group::Ups));
    type_keys(&mut app, ":cooling\n");
    assert_eq!(app.group(), Group::Cooling);
    type_keys(&mut app, ":raid\n");
    assert_eq!(app.group(), Group::It);
    assert_eq!(app.component_rows()[app.selected()].id, "db1-md0");
    type_keys(&mut app, ":vrrp\n");
    assert_eq!(app.component_rows()[app.selected()].id, "vrrp-51");
    type_keys(&mut app, ":cluster\n");
    assert_eq!(app.component_rows()[app.selected()].id, "pg-cluster");
    type_keys(&mut app, ":bond\n");
    assert_eq!(app.component_rows()[app.selected()].id, "db1-bond0");
    for (cmd, view) in [
        (":overview\n", View::Overview),
        (":findings\n", View::Findings),
        (":events\n", View::Events),
    ] {
        type_keys(&mut app, cmd);
        assert_eq!(app.view(), view, "{cmd:?}");
    }
}

#[test]
fn the_palette_cancels_refuses_clearly_and_quits_on_q() {
    let mut app = demo_app();
    // q and Tab are text while typing a command, Esc drops it
    assert!(!type_keys(&mut app, ":q\x1b"));
    assert_eq!((app.palette(), app.view()), (None, View::Overview));
    type_keys(&mut app, ":frob\n");
    let msg = app.message().unwrap_or_default();
    assert!(msg.contains("unknown command :frob"), "{msg}");
    assert!(screen(&app).contains("unknown command :frob"));
    assert_eq!(
        app.view(),
        View::Overview,
        "an unknown command changes nothing"
    );
    type_keys(&mut app, ":site dc9\n");
    let msg = app.message().unwrap_or_default();
    assert!(msg.contains("one site only"), "{msg}");
    // Backspace on an empty command leaves the palette
    type_keys(&mut app, ":x\x08\x08");
    assert_eq!(app.palette(), None);
    assert!(type_keys(&mut app, ":q\n"), ":q quits");
}

#[test]
fn site_switches_only_between_configured_sites_and_drops_the_old_sites_data() {
    let mut app = App::new("dc1", t0()).with_sites(vec!["dc1".into(), "dc2".into()], None);
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    type_keys(&mut app, ":site dc7\n");
    let msg = app.message().unwrap_or_default();
    assert!(
        msg.contains("no site \"dc7\"") && msg.contains("dc1, dc2"),
        "{msg}"
    );
    type_keys(&mut app, ":site dc1\n");
    assert!(app.message().unwrap_or_default().contains("already"));
    type_keys(&mut app, ":site d\t");
    assert_eq!(app.palette(), Some("site dc"), "Tab completes site names");
    type_keys(&mut app, "2");
    let effect = redcon::tui::drive::step(&mut app, Input::Key(key(KeyCode::Enter)));
    assert_eq!(
        effect,
        Effect::SwitchSite {
            name: "dc2".into(),
            generation: 1
        }
    );
    assert!(app.obs().is_none() && app.items().is_empty() && app.topology().is_empty());
    assert_eq!(app.site(), "dc2");
    // an observation of the old site still in flight is not taken for the new one
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["UPS-B1"]))),
    );
    assert!(app.obs().is_none());
    let mut fresh = demo_obs(&[]);
    fresh.generation = 1;
    update(&mut app, Action::PollUpdate(Box::new(fresh)));
    assert!(app.obs().is_some());
    // the runtime's word on a failed switch reaches the footer
    update(
        &mut app,
        Action::Notice("cannot switch to site dc2: gone".into()),
    );
    assert!(screen(&app).contains("cannot switch to site dc2"));
}

#[test]
fn with_one_configured_site_the_palette_says_so() {
    let mut app = App::new("dc1", t0()).with_sites(vec!["dc1".into()], None);
    type_keys(&mut app, ":site dc2\n");
    let msg = app.message().unwrap_or_default();
    assert!(msg.contains("only one site is configured (dc1)"), "{msg}");
}

#[test]
fn a_user_keymap_drives_the_console_and_its_help() {
    let keymap =
        redcon::tui::keymap::parse(r#"{ "down": ["n"], "show_topology": ["o"] }"#, "k.ron")
            .unwrap_or_else(|e| panic!("{e}"));
    let mut app = demo_app().with_keymap(keymap);
    type_keys(&mut app, "6nn");
    assert_eq!((app.view(), app.selected()), (View::Findings, 2));
    type_keys(&mut app, "j");
    assert_eq!(app.selected(), 2, "j no longer moves down");
    type_keys(&mut app, "o");
    assert_eq!(app.view(), View::Topology);
    type_keys(&mut app, "?");
    let shown = screen(&app);
    // the help's own border, the key, then (after the column's padding) its help text
    let keyed = |key: &str, help: &str| {
        let start = format!("│ {key} ");
        shown.lines().any(|l| {
            l.match_indices(&start)
                .any(|(i, m)| l[i + m.len()..].trim_start().starts_with(help))
        })
    };
    assert!(keyed("n", "select next row"), "{shown}");
    assert!(keyed("o", "topology"), "{shown}");
}

fn click(app: &mut App, col: u16, row: u16) -> Effect {
    use redcon::tui::Pointer;
    redcon::tui::drive::step(
        app,
        Input::Action(Action::Pointer(Pointer::Click {
            col,
            row,
            width: 80,
            height: 24,
        })),
    )
}

/// Where `needle` is drawn at 80x24: (column, row).
fn drawn_at(app: &App, needle: &str) -> (u16, u16) {
    let t = frame(app, 80, 24);
    let buf = t.backend().buffer();
    for y in 0..24 {
        let line: Vec<String> = (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect();
        let chars: Vec<char> = line.concat().chars().collect();
        let n: Vec<char> = needle.chars().collect();
        if let Some(x) = chars.windows(n.len()).position(|w| w == n.as_slice()) {
            return (x as u16, y);
        }
    }
    panic!("{needle:?} not drawn");
}

#[test]
fn a_click_on_a_tab_shows_it_and_on_a_row_selects_then_opens_it() {
    let mut app = demo_app();
    let (x, y) = drawn_at(&app, "3 Components");
    click(&mut app, x + 2, y);
    assert_eq!(app.view(), View::Components);
    let (x, y) = drawn_at(&app, "5 Topology");
    click(&mut app, x, y);
    assert_eq!(app.view(), View::Topology);
    // Findings: a click on the third row selects it, a second click opens what it names
    let (x, y) = drawn_at(&app, "6 Findings");
    click(&mut app, x, y);
    assert_eq!(app.view(), View::Findings);
    let (_, y) = drawn_at(&app, "compartment PLANT");
    click(&mut app, 10, y);
    assert_eq!(app.selected(), 2);
    assert_eq!(app.detail(), None);
    click(&mut app, 10, y);
    assert_eq!(app.detail(), Some("zone:PLANT"));
    // with the pane open the rows under it take no clicks; a tab still does
    click(&mut app, 10, y + 1);
    assert_eq!(app.selected(), 2);
    // the topology list scrolled down: a click maps to the row drawn there, not to the top
    type_keys(&mut app, "\x1b5");
    for _ in 0..30 {
        type_keys(&mut app, "j");
    }
    let id = app.topology()[app.selected() - 3].id.clone();
    let (_, y) = drawn_at(&app, &format!("└ {id} "));
    click(&mut app, 30, y);
    assert_eq!(app.topology()[app.selected()].id, id);
}

#[test]
fn the_wheel_moves_the_selection_and_a_click_closes_the_help() {
    use redcon::tui::Pointer;
    let mut app = demo_app();
    type_keys(&mut app, "2");
    redcon::tui::drive::step(&mut app, Input::Action(Action::Pointer(Pointer::WheelDown)));
    redcon::tui::drive::step(&mut app, Input::Action(Action::Pointer(Pointer::WheelDown)));
    redcon::tui::drive::step(&mut app, Input::Action(Action::Pointer(Pointer::WheelUp)));
    assert_eq!(app.selected(), 1);
    type_keys(&mut app, "?");
    click(&mut app, 0, 0);
    assert!(!app.help());
}

#[test]
fn the_topology_scrolls_to_the_selection_and_a_click_lands_on_the_row_drawn() {
    let mut app = demo_app();
    type_keys(&mut app, "5");
    let rows = app.topology().len();
    assert!(
        rows > 40,
        "the demo's trees are longer than one screen: {rows}"
    );
    // far down, past the first screen: the selected row is the one marked on screen
    let target = rows - 3;
    type_keys(&mut app, &"j".repeat(target));
    assert_eq!(app.selected(), target);
    let id = app.topology()[target].id.clone();
    // at 80x24, where the click below is read
    let t = frame(&app, 80, 24);
    let buf = t.backend().buffer();
    let lines: Vec<String> = (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let marked = lines
        .iter()
        .position(|l| l.contains("> ") && l.contains(id.as_str()))
        .unwrap_or_else(|| panic!("row {target} ({id}) not marked:\n{}", lines.join("\n")));
    // a click on the row above the selection selects exactly that row
    let marked = u16::try_from(marked).unwrap_or(0);
    click(&mut app, 10, marked - 1);
    assert_eq!(app.selected(), target - 1);
}
