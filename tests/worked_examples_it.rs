//! docs/tier-rules.md §4, the IT-level examples E8 (RAID10), E9 (cluster quorum), E10 (VRRP) and E12
//! (STP vs RSTP): groups are graded with the IT-analog scale of §2.8 and a 5 s failover budget,
//! and never enter the site tier. The facility examples are in worked_examples.rs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::classify::{Classification, GroupAssessment, GroupReport, Tier};

const NO_REDUNDANCY: &str = "N (no redundancy left)";

fn group<'a>(c: &'a Classification, id: &str) -> &'a GroupReport {
    c.group(id).unwrap_or_else(|| {
        let ids: Vec<&str> = c.groups.iter().map(|g| g.id.as_str()).collect();
        panic!("site {}: no group {id}; groups: {ids:?}", c.site)
    })
}

fn group_spofs(a: &GroupAssessment) -> Vec<&str> {
    let mut v: Vec<&str> = a.spofs.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

#[test]
fn e08_raid10_as_designed() {
    let c = design("e08");
    let g = &group(&c, "md0").design;
    assert_eq!(
        g.tolerance, 1,
        "guaranteed: the second loss may hit the same pair"
    );
    assert_eq!(g.best_case, Some(4), "one loss in each of the four pairs");
    assert_eq!(g.label, "N+1");
    assert_eq!(g.grade, Tier::II, "RC-1 is shared: {}", g.reason);
    assert_eq!(group_spofs(g), vec!["RC-1"]);
}

#[test]
fn e08_raid10_live_d3_failed() {
    let c = with_live("e08", "e08-live");
    let r = group(&c, "md0");
    assert_eq!(r.design.tolerance, 1);
    assert_eq!(r.design.grade, Tier::II);
    let g = &r.live;
    assert_eq!(g.tolerance, 0, "P2 has one copy left");
    assert_eq!(g.best_case, Some(3), "one more loss in each other pair");
    assert_eq!(g.label, NO_REDUNDANCY);
    assert_eq!(g.grade, Tier::I);
    assert_eq!(
        group_spofs(g),
        sorted(&["RC-1", "d4"]),
        "d4 is d3's partner"
    );
}

#[test]
fn e09_three_node_cluster_as_designed() {
    let c = design("e09");
    let g = &group(&c, "cl1").design;
    // t_quorum = 3 - 2 = 1, t_capacity = 3 - 1 = 2
    assert_eq!(g.tolerance, 1);
    assert_eq!(g.label, "N+1");
    assert_eq!(
        g.grade,
        Tier::III,
        "30 s failover is over the 5 s budget: {}",
        g.reason
    );
    assert_eq!(g.failover_s, Some(30.0));
    assert!(g.spofs.is_empty(), "spofs: {:?}", g.spofs);
}

#[test]
fn e09_live_a_node_shut_down_loses_its_vote() {
    let c = with_live("e09", "e09-live-a");
    let r = group(&c, "cl1");
    assert_eq!(r.design.tolerance, 1);
    let g = &r.live;
    // 2 votes left, Q = 2: t_quorum = 0
    assert_eq!(g.tolerance, 0);
    assert_eq!(g.label, NO_REDUNDANCY);
    assert_eq!(g.grade, Tier::I);
    assert_eq!(
        group_spofs(g),
        sorted(&["n1", "n2"]),
        "either loss loses quorum"
    );
}

#[test]
fn e09_live_b_node_in_standby_keeps_its_vote() {
    let c = with_live("e09", "e09-live-b");
    let g = &group(&c, "cl1").live;
    // 3 votes, Q = 2: t_quorum = 1; 2 nodes can host, 1 needed: t_capacity = 1
    assert_eq!(g.tolerance, 1);
    assert_eq!(g.label, "N+1");
    assert_eq!(g.grade, Tier::III);
    assert!(g.spofs.is_empty(), "spofs: {:?}", g.spofs);
}

#[test]
fn e09_quorum_table() {
    let c = design("e09-quorum");
    // (cluster, voter losses tolerated) from the E9 table; the workload needs one node, so
    // t_capacity never binds and t = t_quorum = E - (floor(E/2) + 1).
    let table = [
        ("q2", 0),
        ("q2w", 1),
        ("q3", 1),
        ("q3w", 1),
        ("q4", 1),
        ("q4w", 2),
        ("q5", 2),
        ("q5w", 2),
    ];
    for (id, tolerated) in table {
        let g = &group(&c, id).design;
        assert_eq!(g.tolerance, tolerated, "cluster {id}: {}", g.reason);
    }
}

#[test]
fn e10_vrrp_group_with_one_router() {
    let c = design("e10");
    let r = group(&c, "vrid10");
    for (what, g) in [("design", &r.design), ("live", &r.live)] {
        assert_eq!(g.need, 1, "{what}: one master");
        assert_eq!(g.tolerance, 0, "{what}");
        assert_eq!(g.label, NO_REDUNDANCY, "{what}");
        assert_eq!(g.grade, Tier::I, "{what}");
        assert_eq!(group_spofs(g), vec!["R1"], "{what}");
    }
}

#[test]
fn e10_vrrp_group_with_two_routers() {
    let c = design("e10-two-routers");
    let g = &group(&c, "vrid10").design;
    assert_eq!(g.tolerance, 1);
    assert_eq!(g.label, "N+1");
    assert!(g.automatic);
    // Master_Down_Interval = 3 × 1 s + (256 − 100)/256 s
    let failover = g.failover_s.expect("VRRP failover time");
    assert!((failover - 3.61).abs() < 0.01, "failover {failover} s");
    assert_eq!(g.grade, Tier::IV, "{}", g.reason);
    assert!(g.spofs.is_empty(), "spofs: {:?}", g.spofs);
}

#[test]
fn e10_vrrp_routers_sharing_a_switch() {
    let c = design("e10-shared");
    let g = &group(&c, "vrid10").design;
    assert_eq!(g.tolerance, 1);
    assert_eq!(g.grade, Tier::II, "both routers behind SW-1: {}", g.reason);
    assert!(
        g.shared.iter().any(|s| s == "SW-1"),
        "shared: {:?}",
        g.shared
    );
    assert_eq!(group_spofs(g), vec!["SW-1"]);
}

#[test]
fn e12_stp_uplinks_fail_over_too_slowly_for_iv() {
    let c = design("e12-stp");
    let g = &group(&c, "as1-uplinks").design;
    assert_eq!(g.need, 1);
    assert_eq!(g.tolerance, 1);
    assert_eq!(g.label, "N+1");
    let failover = g.failover_s.expect("STP failover time");
    assert!(
        (30.0..=50.0).contains(&failover),
        "802.1D failover {failover} s"
    );
    assert_eq!(g.grade, Tier::III, "{}", g.reason);
    assert!(g.spofs.is_empty(), "spofs: {:?}", g.spofs);
}

#[test]
fn e12_rstp_uplinks_are_iv() {
    let c = design("e12-rstp");
    let g = &group(&c, "as1-uplinks").design;
    assert_eq!(g.need, 1);
    assert_eq!(g.tolerance, 1);
    assert!(g.automatic);
    let failover = g.failover_s.expect("RSTP failover time");
    assert!(failover <= 5.0, "RSTP handshake failover {failover} s");
    assert_eq!(g.grade, Tier::IV, "{}", g.reason);
    assert!(g.spofs.is_empty(), "spofs: {:?}", g.spofs);
}

#[test]
fn e12_rstp_live_l1_down() {
    let c = with_live("e12-rstp", "e12-live");
    let r = group(&c, "as1-uplinks");
    assert_eq!(r.design.grade, Tier::IV);
    let g = &r.live;
    assert_eq!(g.tolerance, 0);
    assert_eq!(g.label, NO_REDUNDANCY);
    assert_eq!(g.grade, Tier::I);
    assert_eq!(group_spofs(g), sorted(&["CS2", "L2"]));
}

#[test]
fn e12_single_homed_servers_have_as1_as_spof() {
    for site in ["e12-stp", "e12-rstp"] {
        let c = design(site);
        let g = &group(&c, "srv1-uplink").design;
        assert_eq!(g.tolerance, 0, "{site}");
        assert_eq!(g.grade, Tier::I, "{site}: {}", g.reason);
        assert!(
            g.spofs.iter().any(|s| s == "AS1"),
            "{site}: spofs {:?}",
            g.spofs
        );
    }
}

#[test]
fn e12_uplink_protocol_does_not_change_the_site_tier() {
    let (stp, rstp) = (design("e12-stp"), design("e12-rstp"));
    assert_eq!(stp.design_tier, rstp.design_tier);
    assert_eq!(stp.live_tier, rstp.live_tier);
}
