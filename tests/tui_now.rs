//! The console leads with what is wrong now: the problems list on the Overview and the Now
//! view, "since when", acknowledgements, and the navigation keys operators expect — all on
//! the app state through the key table, no terminal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

mod app_support;

use std::time::Duration;

use app_support::*;
use crossterm::event::KeyCode;
use redcon::tui::app::PAGE_ROWS;
use redcon::tui::drive::apply;
use redcon::tui::{Action, App, Effect, Input, View, update};
use redcon::verdict::Trouble;

fn press(app: &mut App, code: KeyCode) {
    apply(app, Input::Key(key(code)));
}

#[test]
fn the_first_screen_names_the_failed_ups_and_the_failed_drive() {
    let app = demo_app();
    assert_eq!(app.view(), View::Overview);
    let items: Vec<&str> = app.problem_rows().iter().map(|p| p.item.as_str()).collect();
    assert_eq!(items[..2], ["UPS-A2", "db1-sdc"], "{items:?}");
    for (w, h) in [(80, 24), (200, 60)] {
        let shown = format!("{}", frame(&app, w, h).backend());
        assert!(shown.contains("UPS-A2 failed"), "{w}x{h}:\n{shown}");
        assert!(shown.contains("db1-sdc failed"), "{w}x{h}:\n{shown}");
        assert!(
            shown.contains("before 10:00"),
            "since when, honestly: {shown}"
        );
    }
}

#[test]
fn a_problem_that_appears_later_is_new_until_the_operator_looks() {
    let mut app = demo_app();
    let later = app.now() + Duration::from_secs(120);
    update(&mut app, Action::Tick(later));
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["UPS-B1"]))),
    );
    let b1 = app
        .problem_rows()
        .into_iter()
        .find(|p| p.item == "UPS-B1")
        .cloned()
        .unwrap();
    assert!(app.memory().is_new(&b1));
    let shown = format!("{}", frame(&app, 120, 30).backend());
    assert!(shown.contains("since 10:02 NEW"), "{shown}");
    assert!(shown.contains("1 new"), "{shown}");
    type_keys(&mut app, "j");
    assert!(!app.memory().is_new(&b1), "a key press is a look");
}

#[test]
fn enter_on_a_problem_opens_its_element() {
    let mut app = demo_app();
    type_keys(&mut app, "\n");
    assert_eq!(app.detail(), Some("UPS-A2"));
    type_keys(&mut app, "\x1b2j\n");
    assert_eq!(app.view(), View::Now);
    assert_eq!(app.detail(), Some("db1-sdc"), "a member opens its own pane");
}

#[test]
fn an_acknowledgement_is_made_saved_shown_and_dropped_when_the_problem_clears() {
    let mut app = demo_app();
    type_keys(&mut app, "a");
    assert_eq!(app.palette(), Some("ack UPS-A2 "));
    type_keys(&mut app, "vendor called");
    let effect = update(&mut app, Action::PaletteRun);
    let Effect::SaveAcks {
        acks,
        new: Some(ack),
    } = effect
    else {
        panic!("{effect:?}")
    };
    assert_eq!(acks, vec![ack.clone()]);
    assert_eq!(
        (
            ack.item.as_str(),
            ack.trouble,
            ack.note.as_str(),
            ack.operator.as_str()
        ),
        ("UPS-A2", Trouble::Failed, "vendor called", "operator")
    );
    let later = app.now() + Duration::from_secs(300);
    update(&mut app, Action::Tick(later));
    let shown = format!("{}", frame(&app, 120, 30).backend());
    assert!(
        shown.contains("ack operator 5 min ago: vendor called"),
        "{shown}"
    );
    assert!(shown.contains("1 acknowledged"), "{shown}");
    // repaired: the acknowledgement has nothing left to cover
    let mut site = demo_obs(&[]);
    site.live.elements.remove("UPS-A2");
    let site = redcon::tui::Observation::of_file(&site.site, &site.live, t0());
    let effect = update(&mut app, Action::PollUpdate(Box::new(site)));
    assert_eq!(
        effect,
        Effect::SaveAcks {
            acks: Vec::new(),
            new: None
        }
    );
}

#[test]
fn a_read_only_console_shows_but_cannot_acknowledge() {
    let mut app = App::new("dc1", t0()).with_authority(None);
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    type_keys(&mut app, "a");
    assert_eq!(app.palette(), None);
    assert!(app.message().unwrap_or("").contains("read-only"));
    type_keys(&mut app, ":ack UPS-A2 mine\n");
    assert!(app.memory().acks.is_empty());
}

#[test]
fn g_end_and_pages_move_through_long_lists() {
    let mut app = demo_app();
    type_keys(&mut app, "5");
    let n = app.rows();
    assert!(n > 2 * PAGE_ROWS, "{n} topology rows");
    type_keys(&mut app, "G");
    assert_eq!(app.selected(), n - 1);
    type_keys(&mut app, "g");
    assert_eq!(app.selected(), 0);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected(), PAGE_ROWS);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.selected(), 0);
    press(&mut app, KeyCode::End);
    assert_eq!(app.selected(), n - 1);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected(), n - 1, "stays on the last row");
    press(&mut app, KeyCode::Home);
    assert_eq!(app.selected(), 0);
    // the view keeps its place: the filter narrows the topology too
    type_keys(&mut app, "/row-3\n");
    assert!(app.rows() > 0 && app.rows() < n);
    assert!(
        app.topology_rows()
            .iter()
            .all(|r| r.id.to_lowercase().contains("row-3"))
    );
}

#[test]
fn a_filter_in_components_searches_every_kind() {
    let mut app = demo_app();
    type_keys(&mut app, "3/crah-2\n");
    let ids: Vec<String> = app.component_rows().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["CRAH-2"], "found from the UPS group");
}

#[test]
fn goto_jumps_to_any_element_group_or_zone() {
    let mut app = demo_app();
    type_keys(&mut app, ":goto PDU-B1\n");
    assert_eq!(app.view(), View::Components);
    assert_eq!(app.detail(), Some("PDU-B1"));
    let row = app
        .component_rows()
        .into_iter()
        .nth(app.selected())
        .unwrap();
    assert_eq!(row.id, "PDU-B1", "the row is selected under the pane");
    type_keys(&mut app, "\x1b:UPS-B2\n");
    assert_eq!(app.detail(), Some("UPS-B2"), ":ID alone jumps");
    type_keys(&mut app, "\x1b:goto db1-md0\n");
    assert_eq!(app.detail(), Some("db1-md0"));
    type_keys(&mut app, "\x1b:goto zone:PLANT\n");
    assert_eq!(app.detail(), Some("zone:PLANT"));
    type_keys(&mut app, "\x1b:goto NOPE-9\n");
    let msg = app.message().unwrap_or_default();
    assert!(
        msg.contains("NOPE-9") && msg.contains("no element"),
        "{msg}"
    );
    type_keys(&mut app, ":now\n");
    assert_eq!(app.view(), View::Now);
}

#[test]
fn events_carry_their_level_and_enter_opens_what_they_are_about() {
    let mut app = demo_app();
    let later = app.now() + Duration::from_secs(90);
    update(&mut app, Action::Tick(later));
    update(
        &mut app,
        Action::PollUpdate(Box::new(demo_obs(&["UPS-B1"]))),
    );
    type_keys(&mut app, "4");
    let shown = format!("{}", frame(&app, 100, 30).backend());
    assert!(shown.contains("✗ UPS-B1: ok -> failed"), "{shown}");
    let row = app
        .log()
        .newest_first()
        .position(|e| e.subject.as_deref() == Some("UPS-B1"))
        .unwrap();
    for _ in 0..row {
        type_keys(&mut app, "j");
    }
    type_keys(&mut app, "\n");
    assert_eq!(app.detail(), Some("UPS-B1"));
    let pane = format!("{}", frame(&app, 120, 40).backend());
    assert!(pane.contains("source   agent ups-gw-b"), "{pane}");
    assert!(
        pane.contains("history  10:02:00  UPS-B1: ok -> failed"),
        "{pane}"
    );
}

#[test]
fn each_view_keeps_its_place_and_tab_lists_the_commands() {
    let mut app = demo_app();
    type_keys(&mut app, "5jjj3j");
    assert_eq!((app.view(), app.selected()), (View::Components, 1));
    type_keys(&mut app, "5");
    assert_eq!(app.selected(), 3, "back on Topology, the same row");
    type_keys(&mut app, ":co\t");
    assert_eq!(app.palette(), Some("co"));
    let shown = format!("{}", frame(&app, 120, 30).backend());
    assert!(shown.contains(":cooling  :components"), "{shown}");
}

#[test]
fn members_are_rows_and_every_verb_reaches_them() {
    let mut app = demo_app();
    type_keys(&mut app, ":it\n");
    let rows = app.component_rows();
    let at = |id: &str| rows.iter().position(|r| r.id == id).unwrap();
    assert!(
        rows.iter()
            .all(|r| r.parent.is_none() || at(r.parent.as_deref().unwrap()) < at(&r.id)),
        "members under their groups"
    );
    let shown = format!("{}", frame(&app, 120, 40).backend());
    assert!(shown.contains("└ db1-sdc"), "{shown}");

    // a cluster node: :goto, then standby names the resources that move
    type_keys(&mut app, ":goto db1\n");
    assert_eq!(app.detail(), Some("db1"));
    let pane = format!("{}", frame(&app, 120, 40).backend());
    assert!(
        pane.contains("group") && pane.contains("pg-cluster"),
        "{pane}"
    );
    type_keys(&mut app, "t");
    let d = app.operation().expect("a standby plan");
    assert!(
        d.lines
            .iter()
            .any(|l| l.contains("pgsql moves from db1 to db2")),
        "{:#?}",
        d.lines
    );
    type_keys(&mut app, "\x1b\x1b");
    assert!(app.operation().is_none());

    // the group itself says which members the verb applies to, in one short line
    type_keys(&mut app, ":goto pg-cluster\nt");
    let msg = app.message().unwrap_or_default();
    assert!(
        msg.contains("db1, db2, db3") && msg.chars().count() <= 80,
        "{msg}"
    );

    // a router: f makes it the master, as the group's failover to it
    type_keys(&mut app, "\x1b:goto lb-2\nf");
    let d = app.operation().expect("a failover plan");
    assert_eq!(d.op.describe(), "failover vrrp-51 to lb-2");
    type_keys(&mut app, "\x1b\x1b");

    // a RAID member and a bond slave drain from their rows
    for id in ["db1-sdb", "db1-ens1f1"] {
        type_keys(&mut app, &format!("\x1b:goto {id}\nd"));
        let d = app
            .operation()
            .unwrap_or_else(|| panic!("{id}: {:?}", app.message()));
        assert_eq!(d.op.describe(), format!("drain {id}"));
        type_keys(&mut app, "\x1b\x1b");
    }
}

#[test]
fn a_read_only_help_lists_no_key_it_cannot_use() {
    let mut app = App::new("dc1", t0()).with_authority(None);
    update(&mut app, Action::PollUpdate(Box::new(demo_obs(&[]))));
    type_keys(&mut app, "?");
    let shown = format!("{}", frame(&app, 120, 40).backend());
    assert!(
        shown.contains("quit") && shown.contains("first row"),
        "{shown}"
    );
    for absent in [
        "drain (the plan comes first)",
        "acknowledge",
        "Cancel <-> Confirm",
    ] {
        assert!(
            !shown.contains(absent),
            "{absent} in a read-only help:\n{shown}"
        );
    }
}

#[test]
fn a_refusal_in_the_console_is_audited_and_closes_the_dialog() {
    let mut app = demo_app();
    // with UPS-A2 failed, draining UPS-A1 would overload UPS-A3: refused
    type_keys(&mut app, ":goto UPS-A1\nd");
    assert!(app.operation().is_some(), "{:?}", app.message());
    type_keys(&mut app, "replace caps\nUPS-A1\t");
    let effect = update(&mut app, Action::OpEnter);
    let Effect::Audit(record) = effect else {
        panic!("{effect:?}")
    };
    assert_eq!(record.outcome, redcon::ops::audit::Outcome::NotCleared);
    assert_eq!(record.operation.describe(), "drain UPS-A1");
    assert_eq!(record.operation.reason, "replace caps");
    assert!(
        record.plan.iter().any(|l| l.contains("UPS-A3")),
        "{:?}",
        record.plan
    );
    assert!(app.operation().is_none());
    assert!(
        app.log()
            .newest_first()
            .next()
            .is_some_and(|e| e.text.contains("(audited)")),
        "the event log says so"
    );
}

#[test]
fn unknown_plant_is_never_shown_as_running_on_generators() {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    for e in &site.elements {
        live.elements
            .insert(e.id.clone(), redcon::model::ElementState::Unknown);
    }
    let mut app = App::new("dc1", t0());
    let obs = redcon::tui::Observation::of_file(&site, &live, t0());
    update(&mut app, Action::PollUpdate(Box::new(obs)));
    let shown = format!("{}", frame(&app, 200, 60).backend());
    assert!(!shown.contains("ON GENERATORS"), "{shown}");
    assert!(shown.contains("utility not reported"), "{shown}");
    // none of the three is known: not "0/3", which reads as three down
    assert!(
        shown.contains("generators ?/3 available (all unknown)"),
        "{shown}"
    );
    assert!(shown.contains("?/3 up (all unknown)"), "{shown}");
    assert!(!shown.contains("0/3"), "{shown}");
}
