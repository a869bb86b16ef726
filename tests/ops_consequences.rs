//! The whole consequence of an operation, judged before anything is sent: loads left
//! unprotected, units pushed past capacity, cluster resources that move, a RAID member taken
//! out of an array already degraded, and a plan standing on unknown or stale data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::model::{ElementState, LiveState, MemberState, Site, parse_live};
use redcon::ops::{DataFacts, OpKind, Operation, Plan, Verdict, preflight, preflight_on};

fn op(kind: OpKind, target: &str) -> Operation {
    Operation {
        kind,
        target: target.into(),
        reason: "planned work".into(),
        operator: "alice".into(),
        idempotency_key: "k".into(),
    }
}

fn demo() -> (Site, LiveState) {
    let site = redcon::demo::site().unwrap();
    let live = redcon::demo::live(&site).unwrap();
    (site, live)
}

fn plan(site: &Site, live: &LiveState, kind: OpKind, target: &str) -> Plan {
    preflight(site, live, &op(kind, target), None, 0.0).unwrap()
}

#[test]
fn a_load_left_unprotected_is_refused() {
    // 2N: with UPS-B on bypass, draining UPS-A leaves IT on raw supply
    let site = load_site("r01");
    let live = parse_live(r#"(elements: {"UPS-B": bypass})"#, "live.ron", &site).unwrap();
    let p = plan(&site, &live, OpKind::Drain, "UPS-A");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert_eq!(p.unprotected_loads, ["IT"]);
    assert!(
        p.refusals
            .iter()
            .any(|r| r.contains("IT would be left unprotected")),
        "{:?}",
        p.refusals
    );
    assert!(p.lost_loads.is_empty(), "served, not lost");
}

#[test]
fn a_ups_pushed_past_its_capacity_is_refused_and_one_near_it_is_said() {
    let (site, live) = demo();
    // UPS-A2 failed: draining UPS-A1 leaves UPS-A3 alone for the A side (305 of 300 kW)
    let p = plan(&site, &live, OpKind::Drain, "UPS-A1");
    let a3 = p.unit_loads.iter().find(|u| u.id == "UPS-A3").unwrap();
    assert!((a3.after - 305.0).abs() < 0.01, "{a3:?}");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert!(
        p.refusals
            .iter()
            .any(|r| r.starts_with("UPS-A3 would carry 305 of 300")),
        "{:?}",
        p.refusals
    );
    // with every module healthy, draining one puts the other two at about half
    let p = plan(&site, &LiveState::default(), OpKind::Drain, "UPS-A1");
    let a2 = p.unit_loads.iter().find(|u| u.id == "UPS-A2").unwrap();
    assert!(a2.after_pct() < 60.0, "{a2:?}");
    assert!(
        !p.refusals.iter().any(|r| r.contains("would carry")),
        "{:?}",
        p.refusals
    );
    assert!(
        redcon::ops::plan_text(&p)
            .iter()
            .any(|l| l.contains("UPS-A2"))
    );
}

#[test]
fn a_standby_names_the_resources_that_move_and_the_interruption() {
    let (site, live) = demo();
    let p = plan(&site, &live, OpKind::Standby, "db1");
    let moved: Vec<(&str, Option<&str>)> = p
        .moves
        .iter()
        .map(|m| (m.resource.as_str(), m.to.as_deref()))
        .collect();
    assert_eq!(
        moved,
        [("pg-vip", Some("db2")), ("pgsql", Some("db2"))],
        "{p:#?}"
    );
    assert!(p.moves.iter().all(|m| m.interruption_s == 30.0));
    assert!(
        p.degradations
            .iter()
            .any(|d| d == "pgsql moves from db1 to db2: about 30 s without service"),
        "{:?}",
        p.degradations
    );
}

#[test]
fn draining_a_raid_member_during_a_rebuild_is_refused() {
    let (site, live) = demo();
    let p = plan(&site, &live, OpKind::Drain, "db1-sda");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert!(
        p.refusals.iter().any(|r| r
            .starts_with("db1-md0 is already degraded (db1-sdc failed, db1-sdg rebuilding 42 %)")),
        "{:?}",
        p.refusals
    );
    // a healthy array: the same drain is no refusal on that ground
    let p = plan(&site, &LiveState::default(), OpKind::Drain, "db1-sda");
    assert!(
        !p.refusals.iter().any(|r| r.contains("already degraded")),
        "{:?}",
        p.refusals
    );
}

#[test]
fn a_plan_on_unknown_or_stale_data_is_never_safe() {
    let (site, mut live) = demo();
    live.elements.remove("UPS-A2");
    // all modules healthy: draining UPS-B1 is a plain degradation
    let known = plan(&site, &live, OpKind::Drain, "UPS-B1");
    assert_ne!(known.verdict, Verdict::Uncertain, "{known:#?}");
    // its own agent does not answer: the target's state is unknown
    let mut blind = live.clone();
    blind
        .elements
        .insert("UPS-B1".into(), ElementState::Unknown);
    let p = plan(&site, &blind, OpKind::Drain, "UPS-B1");
    assert_eq!(p.verdict, Verdict::Uncertain, "{p:#?}");
    assert_eq!(p.uncertain, ["UPS-B1: no fresh data"]);
    // a partner's reading is old
    let data = DataFacts {
        stale: [("UPS-B3".to_string(), 125.0)].into(),
    };
    let p = preflight_on(&site, &live, &data, &op(OpKind::Drain, "UPS-B1"), None, 0.0).unwrap();
    assert_eq!(p.verdict, Verdict::Uncertain, "{p:#?}");
    assert_eq!(p.uncertain, ["UPS-B3: reading 2 min old"]);
    // an IT member: a node of the cluster unknown
    let mut nodes = live.clone();
    nodes.members.insert("db2".into(), MemberState::Unknown);
    // with db2 down the cluster would be lost; with db2 up it would not: not a refusal,
    // uncertain, saying why
    let p = plan(&site, &nodes, OpKind::Standby, "db1");
    assert_eq!(p.verdict, Verdict::Uncertain, "{p:#?}");
    assert!(p.refusals.is_empty(), "{:?}", p.refusals);
    assert_eq!(p.uncertain[0], "db2: no fresh data");
    assert!(
        p.uncertain[1..]
            .iter()
            .all(|u| u.starts_with("if the unknown items are down: ")),
        "{:?}",
        p.uncertain
    );
    assert!(
        p.uncertain
            .iter()
            .any(|u| u.contains("pg-cluster would be lost")),
        "{:?}",
        p.uncertain
    );
}
