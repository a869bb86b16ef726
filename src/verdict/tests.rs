//! The verdict on the demo and on worked live states: state, health, range, reasons.

use super::*;
use crate::model::{ElementState, parse_live};

fn demo() -> Site {
    crate::demo::site().unwrap_or_else(|e| panic!("{e}"))
}

fn demo_live() -> LiveState {
    let site = demo();
    crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}"))
}

fn verdict(site: &Site, live: LiveState) -> Verdict {
    build(
        site,
        Inputs::of_live(LiveSource::File, live, 1_790_000_000.0),
    )
}

#[test]
fn the_demo_is_warning_with_ups_a2_and_the_raid_named() {
    let site = demo();
    let v = verdict(&site, demo_live());
    assert_eq!(v.state, CheckState::Warning);
    assert_eq!(v.live_tier.known(), Some(Tier::III));
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_eq!(power.health, Health::Degraded, "ups 2(N+1) -> 2N");
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("UPS-A2 failed (ups 2(N+1) -> 2N)")),
        "{texts:#?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("db1-sdc failed")),
        "{texts:#?}"
    );
}

#[test]
fn unknown_items_give_a_range_and_warning_never_failure() {
    let site = demo();
    let mut live = demo_live();
    for id in ["UPS-A1", "UPS-A3", "UPS-B1", "UPS-B2", "UPS-B3"] {
        live.elements.insert(id.into(), ElementState::Unknown);
    }
    let v = verdict(&site, live);
    assert_eq!(v.state, CheckState::Warning, "{:#?}", v.reasons);
    assert!(v.live_tier.known().is_none(), "{}", v.live_tier);
    assert_eq!(v.live_tier.high, Tier::III);
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_ne!(power.health, Health::Critical);
    for r in &v.reasons {
        assert!(!r.text.contains("loses supply"), "{}", r.text);
        assert!(!r.text.contains("does not reach"), "{}", r.text);
    }
    assert!(v.reasons.iter().any(|r| r.text.contains("unknown")));
}

#[test]
fn a_load_without_supply_now_is_critical_and_named() {
    let site = demo();
    let live = parse_live(
        r#"(elements: {"PDU-A2": failed, "PDU-B2": failed})"#,
        "live.ron",
        &site,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = verdict(&site, live);
    assert_eq!(v.state, CheckState::Critical);
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_eq!(power.health, Health::Critical);
    assert_eq!(power.live_tier.known(), Some(Tier::ZERO));
    assert!(
        v.reasons[0].text.contains("ROW-3") && v.reasons[0].text.contains("without supply now"),
        "{:#?}",
        v.reasons
    );
}

fn texts(v: &Verdict) -> Vec<String> {
    v.problems.iter().map(|p| p.text.clone()).collect()
}

#[test]
fn the_demo_problems_name_the_failed_ups_and_drive_worst_first() {
    let site = demo();
    let v = verdict(&site, demo_live());
    let t = texts(&v);
    let ups = v
        .problems
        .iter()
        .find(|p| p.item == "UPS-A2")
        .unwrap_or_else(|| panic!("{t:#?}"));
    assert_eq!(ups.trouble, Trouble::Failed);
    assert_eq!(ups.severity, Severity::Warning, "absorbed by the B side");
    assert_eq!(ups.text, "UPS-A2 failed (ups 2(N+1) -> 2N)", "{t:#?}");
    assert!(
        t.iter().any(
            |l| l == "db1-sdc failed (db1-md0, N+2 -> N+1, rebuild onto db1-sdg 42 %, 610 min)"
        ),
        "{t:#?}"
    );
    assert!(t.iter().any(|l| l.starts_with("db3 standby")), "{t:#?}");
    // nothing is invented: every problem is an item the live state names
    assert_eq!(v.problems.len(), 4, "{t:#?}");
    let ranks: Vec<_> = v.problems.iter().map(|p| (p.severity, p.trouble)).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted, "worst first");
}

#[test]
fn a_utility_failure_says_what_the_site_runs_on_and_for_how_long() {
    let site = demo();
    let mut live = demo_live();
    live.elements.insert("UTIL-1".into(), ElementState::Failed);
    live.elements
        .insert("UPS-B1".into(), ElementState::OnBattery);
    live.battery_runtime_min.insert("UPS-B1".into(), 8.2);
    let mut inputs = Inputs::of_live(LiveSource::File, live, 1_790_000_000.0);
    let m = Figures {
        load_pct: Some(41.0),
        runtime_min: None,
    };
    inputs.figures.insert("UPS-B1".into(), m);
    let v = build(&site, inputs);
    let t = texts(&v);
    assert_eq!(
        v.problems.first().map(|p| p.text.as_str()),
        Some("UPS-B1 on battery, 8.2 min left, load 41 %"),
        "a UPS on battery leads: {t:#?}"
    );
    assert_eq!(
        v.problems.first().map(|p| p.severity),
        Some(Severity::Critical)
    );
    assert!(
        t.iter()
            .any(|l| l == "UTIL-1 failed: on generators G-1 G-2 G-3, fuel 20.5 h"),
        "{t:#?}"
    );
}

#[test]
fn unknown_items_are_their_own_grade_never_failed_never_fine() {
    let site = demo();
    let mut live = demo_live();
    live.elements.insert("UPS-B2".into(), ElementState::Unknown);
    let v = verdict(&site, live);
    let p = v
        .problems
        .iter()
        .find(|p| p.item == "UPS-B2")
        .unwrap_or_else(|| panic!("{:#?}", texts(&v)));
    assert_eq!(
        (p.severity, p.trouble),
        (Severity::Unknown, Trouble::Unknown)
    );
    assert!(p.text.starts_with("UPS-B2 unknown"), "{}", p.text);
    assert_eq!(
        v.problems.last().map(|p| p.severity),
        Some(Severity::Unknown)
    );
}

#[test]
fn bypass_names_the_loads_it_leaves_unprotected() {
    let site = demo();
    let mut live = demo_live();
    for u in ["UPS-A1", "UPS-A3", "UPS-B1", "UPS-B2", "UPS-B3"] {
        live.elements.insert(u.into(), ElementState::Bypass);
    }
    let v = verdict(&site, live);
    let t = texts(&v);
    let p = v
        .problems
        .iter()
        .find(|p| p.item == "UPS-B1")
        .unwrap_or_else(|| panic!("{t:#?}"));
    assert_eq!(p.trouble, Trouble::Bypass);
    assert!(
        v.problems.iter().any(|p| p.trouble == Trouble::Unprotected),
        "every UPS bypassed leaves loads unprotected: {t:#?}"
    );
}

#[test]
fn an_item_problem_begins_when_its_state_did_if_the_data_says_when() {
    let site = demo();
    let mut live = demo_live();
    live.elements
        .insert("UPS-B1".into(), ElementState::OnBattery);
    let mut inputs = Inputs::of_live(LiveSource::Prometheus, live, 1_790_000_000.0);
    inputs.since.insert("UPS-B1".into(), 1_789_990_000.0);
    let v = build(&site, inputs);
    let since = |item: &str| {
        v.problems
            .iter()
            .find(|p| p.item == item)
            .unwrap_or_else(|| panic!("no problem for {item}: {:?}", v.problems))
            .since
    };
    assert_eq!(since("UPS-B1"), Some(1_789_990_000.0));
    assert_eq!(since("UPS-A2"), None, "undated: the data does not say");
}

/// An optimistic bound handed in with an item still `unknown` (as the poller once built it
/// for a unit its agent reported unknown) counts that item as designed, not as
/// unavailable: a generator nobody can read makes the tier a range and the check a
/// WARNING, where it was CRITICAL at Tier I.
#[test]
fn an_unknown_item_left_in_the_optimistic_bound_counts_as_designed() {
    let site = demo();
    let mut live = demo_live();
    live.elements.insert("G-2".into(), ElementState::Unknown);
    let mut inputs = Inputs::of_live(LiveSource::Agents, live.clone(), 1_790_000_000.0);
    inputs.optimistic = Some(live);
    let v = build(&site, inputs);
    assert_eq!(v.state, CheckState::Warning, "{:#?}", v.reasons);
    assert_eq!(v.live_tier.high, Tier::III);
    assert!(v.live_tier.known().is_none(), "{}", v.live_tier);
    // figures the unknown generator cannot move stay figures; the power ones do not
    let line = crate::status::render_line(&v);
    let perf = line.split_once(" | ").map_or("", |(_, p)| p);
    for figure in [
        "cooling_spofs=3;",
        "network_spofs=0;",
        "power_spofs=U;",
        "live_tier=U;",
    ] {
        assert!(perf.contains(figure), "{figure} in {perf}");
    }
}

/// Loads left without supply together get a line each, in their own words: the shared
/// sentence named them all, and three loads made three identical lines.
#[test]
fn each_load_without_supply_has_its_own_line() {
    let site = demo();
    let live = parse_live(
        r#"(elements: {"UTIL-1": failed, "G-1": failed, "G-2": failed})"#,
        "live.ron",
        &site,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = verdict(&site, live);
    let unserved: Vec<&Problem> = v
        .problems
        .iter()
        .filter(|p| p.trouble == Trouble::Unserved)
        .collect();
    assert!(unserved.len() >= 2, "{:#?}", texts(&v));
    for p in &unserved {
        assert_eq!(p.text, format!("{} without power now", p.item));
    }
}

/// An agent whose last poll failed, its data still fresh, is a problem of the moment (a
/// warning, named with its error); the check state is not moved by it.
#[test]
fn an_agent_not_answering_is_a_problem_before_its_data_is_stale() {
    let site = demo();
    let mut inputs = Inputs::of_live(LiveSource::Agents, demo_live(), 1_790_000_000.0);
    let health = |name: &str, error: Option<&str>| AgentHealth {
        name: name.into(),
        freshness: Freshness::Fresh,
        error: error.map(String::from),
        detail: None,
        item_errors: Vec::new(),
    };
    inputs.agents = Some(vec![
        health("ups-gw-a", Some("Connection refused (os error 111)")),
        health("gen-gw", None),
    ]);
    let v = build(&site, inputs);
    let p: Vec<&Problem> = v
        .problems
        .iter()
        .filter(|p| p.trouble == Trouble::NotAnswering)
        .collect();
    assert_eq!(p.len(), 1, "{:#?}", texts(&v));
    assert_eq!(p[0].item, "ups-gw-a");
    assert_eq!(p[0].severity, Severity::Warning);
    assert!(p[0].text.contains("Connection refused"), "{}", p[0].text);
    assert_eq!(
        v.state,
        CheckState::Warning,
        "the demo's own state, unmoved"
    );
}
