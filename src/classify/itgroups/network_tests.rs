//! Network examples (E10, E12) and bonds.

use super::tests::{ids, live, one, site};
use crate::classify::report::Tier;
use crate::model::{LiveState, MemberState::Failed, Site};

const VRRP_ONE: &str = r#"gateways: [(id: "VRID10", protocol: vrrp, advert_s: 1.0, members: [(id: "R1", priority: 255)])]"#;

#[test]
fn e10_one_router() {
    let g = one(&site(VRRP_ONE), &LiveState::default());
    for a in [&g.design, &g.live] {
        assert_eq!((a.tolerance, a.grade), (0, Tier::I));
        assert_eq!(ids(&a.spofs), ["R1"]);
    }
}

#[test]
fn e10_with_r2_and_with_a_shared_switch() {
    let two = r#"gateways: [(id: "VRID10", protocol: vrrp, members: [(id: "R1", priority: 255, via: ["SW1"]), (id: "R2", via: ["SW2"])])]"#;
    let g = one(&site(two), &LiveState::default());
    let f = g.design.failover_s.unwrap_or(f64::NAN);
    assert!((f - 3.61).abs() <= 0.01, "{f}");
    assert_eq!((g.design.tolerance, g.design.grade), (1, Tier::IV));
    assert!(g.design.spofs.is_empty());

    let shared = two.replace("\"SW2\"", "\"SW1\"");
    let g = one(&site(&shared), &LiveState::default());
    assert_eq!(g.design.grade, Tier::II);
    assert_eq!(ids(&g.design.shared), ["SW1"]);

    let pdu = two.replace("members:", "shared: [\"PDU-1\"], members:");
    assert_eq!(
        one(&site(&pdu), &LiveState::default()).design.grade,
        Tier::II
    );

    let g = one(&site(two), &live(&[("SW2", Failed)]));
    assert_eq!((g.live.tolerance, g.live.grade), (0, Tier::I));
    assert_eq!(ids(&g.live.spofs), ["R1", "SW1"]);
}

#[test]
fn hsrp_defaults_exceed_budget_glbp_counts_forwarders() {
    let s = site(r#"gateways: [(id: "H", protocol: hsrp, members: [(id: "R1"), (id: "R2")])]"#);
    let g = one(&s, &LiveState::default());
    assert_eq!(
        (g.design.failover_s, g.design.grade),
        (Some(10.0), Tier::III)
    );
    let s = site(
        r#"gateways: [(id: "G", protocol: glbp, forwarders_needed: 2, hold_s: 3.0, members: [(id: "R1"), (id: "R2"), (id: "R3")])]"#,
    );
    let g = one(&s, &LiveState::default());
    assert_eq!(
        (g.design.need, g.design.tolerance, g.design.grade),
        (2, 1, Tier::IV)
    );
}

fn uplinks(protocol: &str, p2p: bool) -> Site {
    site(&format!(
        r#"bridges: [(id: "AS1-uplinks", protocol: {protocol}, demand_gbps: 8.0, members: [
        (id: "L1", speed_gbps: 10.0, via: ["CS1"], point_to_point: {p2p}),
        (id: "L2", speed_gbps: 10.0, via: ["CS2"])])]"#
    ))
}

#[test]
fn e12_stp_rstp_and_l1_down() {
    let stp = one(&uplinks("stp", true), &LiveState::default()).design;
    assert_eq!((stp.need, stp.tolerance, stp.grade), (1, 1, Tier::III));
    assert!(stp.shared.is_empty());
    let rstp = one(&uplinks("rstp", true), &LiveState::default()).design;
    assert_eq!((rstp.tolerance, rstp.grade), (1, Tier::IV));
    let down = one(&uplinks("rstp", true), &live(&[("L1", Failed)])).live;
    assert_eq!((down.tolerance, down.grade), (0, Tier::I));
    assert_eq!(ids(&down.spofs), ["L2", "CS2"]);
    let shared_link = one(&uplinks("rstp", false), &LiveState::default());
    assert_eq!(
        (shared_link.design.failover_s, shared_link.design.grade),
        (Some(30.0), Tier::III)
    );
}

#[test]
fn e12_core_switch_down_cuts_its_uplink() {
    let g = one(&uplinks("rstp", true), &live(&[("CS1", Failed)]));
    assert_eq!(g.live.tolerance, 0);
    assert_eq!(ids(&g.live.spofs), ["L2", "CS2"]);
    assert!(
        g.notes
            .iter()
            .any(|n| n == "L1 is cut off because CS1 is down"),
        "{:?}",
        g.notes
    );
}

fn bond(extra: &str, sw1: &str, sw2: &str) -> Site {
    site(&format!(
        r#"bonds: [(id: "bond0", mode: lacp, {extra} members: [
        (id: "eth0", speed_gbps: 10.0, switch: "{sw1}"), (id: "eth1", speed_gbps: 10.0, switch: "{sw2}")])]"#
    ))
}

#[test]
fn bond_lacp_rates() {
    let slow = one(
        &bond("multi_chassis: true,", "SWA", "SWB"),
        &LiveState::default(),
    )
    .design;
    assert_eq!(
        (slow.tolerance, slow.failover_s, slow.grade),
        (1, Some(90.0), Tier::III)
    );
    let fast = one(
        &bond("multi_chassis: true, lacp_rate: fast,", "SWA", "SWB"),
        &LiveState::default(),
    )
    .design;
    assert_eq!((fast.failover_s, fast.grade), (Some(3.0), Tier::IV));
}

#[test]
fn bond_partner_switch() {
    let g = one(
        &bond("lacp_rate: fast,", "SW1", "SW1"),
        &LiveState::default(),
    )
    .design;
    assert_eq!((g.grade, ids(&g.shared)), (Tier::II, vec!["SW1"]));
    assert_eq!(ids(&g.spofs), ["SW1"]);
    let g = one(
        &bond("lacp_rate: fast, multi_chassis: true,", "MLAG1", "MLAG1"),
        &LiveState::default(),
    )
    .design;
    assert_eq!((g.grade, g.shared.len(), g.spofs.len()), (Tier::IV, 0, 0));
}

#[test]
fn bond_min_links_and_demand() {
    let g = one(
        &bond(
            "multi_chassis: true, lacp_rate: fast, min_links: 2,",
            "A",
            "B",
        ),
        &LiveState::default(),
    );
    assert_eq!(
        (g.design.need, g.design.tolerance, g.design.grade),
        (2, 0, Tier::I)
    );
    assert!(g.notes.iter().any(|n| n.starts_with("min_links 2 sets N")));
    let g = one(
        &bond(
            "multi_chassis: true, lacp_rate: fast, demand_gbps: 15.0,",
            "A",
            "B",
        ),
        &LiveState::default(),
    );
    assert_eq!((g.design.need, g.design.tolerance), (2, 0));
    assert!(g.notes.iter().any(|n| n.starts_with("per-flow hashing")));
    let g = one(
        &bond("multi_chassis: true, demand_gbps: 25.0,", "A", "B"),
        &LiveState::default(),
    );
    assert_eq!(
        (g.design.tolerance, g.design.grade, g.design.label.as_str()),
        (-1, Tier::ZERO, "failed")
    );
}

#[test]
fn bond_mixed_speeds_lose_the_fastest_first() {
    let s = site(
        r#"bonds: [(id: "b", mode: active_backup, demand_gbps: 20.0, members: [
        (id: "x", speed_gbps: 10.0), (id: "y", speed_gbps: 10.0), (id: "z", speed_gbps: 25.0)])]"#,
    );
    let g = one(&s, &LiveState::default()).design;
    assert_eq!((g.need, g.tolerance, g.grade), (2, 1, Tier::IV));
}
