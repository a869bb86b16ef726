//! The clarified rules for IT-level groups (docs/tier-rules.md, "IT-level groups"): cluster
//! tolerance counts members, VRRP failover from the best backup left, RSTP only rapid over
//! point-to-point links, LACP losing its fastest links first; RAID spares and capacity.

use super::tests::{live, one, site};
use crate::model::{LiveState, MemberState, Rebuild};

#[test]
fn cluster_tolerance_counts_members_not_votes() {
    // votes 2/1/1: E = 4, Q = 3. The worst single member loss is the 2-vote node, which
    // leaves 2 < 3: t = 0 members, although a 1-vote node could go.
    let s = site(
        r#"clusters: [(id: "C", nodes: [(id: "big", votes: 2), (id: "a"), (id: "b")], failover_s: 10.0)]"#,
    );
    let g = one(&s, &LiveState::default());
    assert_eq!(g.design.tolerance, 0, "{}", g.design.reason);
    assert_eq!(g.design.spofs, ["big"]);
}

#[test]
fn vrrp_failover_comes_from_the_highest_priority_backup_left() {
    let three = r#"gateways: [(id: "V", protocol: vrrp, version: 3, advert_s: 1.0, members: [
        (id: "R1", priority: 250), (id: "R2", priority: 200), (id: "R3", priority: 50)])]"#;
    let s = site(three);
    // master R1, best backup R2: skew (256-200)/256 = 0.22 s
    let d = one(&s, &LiveState::default()).design;
    let f = d.failover_s.unwrap_or(f64::NAN);
    assert!((f - (3.0 + 56.0 / 256.0)).abs() < 1e-9, "{f}");
    // R2 down: the backup that takes over is R3, with its longer skew
    let l = one(&s, &live(&[("R2", MemberState::Failed)])).live;
    let f = l.failover_s.unwrap_or(f64::NAN);
    assert!((f - (3.0 + 206.0 / 256.0)).abs() < 1e-9, "{f}");
}

#[test]
fn rstp_is_rapid_only_when_every_link_is_point_to_point() {
    let group = |p2p2: bool| {
        site(&format!(
            r#"bridges: [(id: "U", protocol: rstp, demand_gbps: 8.0, members: [
            (id: "L1", speed_gbps: 10.0, point_to_point: true),
            (id: "L2", speed_gbps: 10.0, point_to_point: {p2p2})])]"#
        ))
    };
    let rapid = one(&group(true), &LiveState::default()).design;
    let shared = one(&group(false), &LiveState::default()).design;
    let (r, s) = (
        rapid.failover_s.unwrap_or(f64::NAN),
        shared.failover_s.unwrap_or(f64::NAN),
    );
    assert!(r <= 1.0, "all point-to-point: rapid handshake, got {r}");
    assert!(s > r, "one shared link: timers ({s} s), not rapid ({r} s)");
}

#[test]
fn lacp_loses_its_largest_links_first() {
    // 25 + 10 + 10 for 20 Gbps: losing the 25 leaves 20, losing one more leaves 10 < 20
    let s = site(
        r#"bonds: [(id: "B", mode: lacp, demand_gbps: 20.0, members: [
        (id: "f", speed_gbps: 25.0), (id: "s1", speed_gbps: 10.0), (id: "s2", speed_gbps: 10.0)])]"#,
    );
    assert_eq!(one(&s, &LiveState::default()).design.tolerance, 1);
}

const RAID6: &str = r#"raid: [(id: "md0", level: raid6, members: ["a","b","c","d","e","f"],
    spares: ["s"], drive_tb: 8.0)]"#;

fn rebuilding(progress: f64) -> LiveState {
    let mut l = live(&[("c", MemberState::Failed), ("s", MemberState::Rebuilding)]);
    l.rebuilds.insert(
        "s".into(),
        Rebuild {
            progress,
            eta_min: None,
        },
    );
    l
}

#[test]
fn a_completed_spare_rebuild_gives_tolerance_back() {
    let s = site(RAID6);
    assert_eq!(one(&s, &LiveState::default()).design.tolerance, 2);
    let during = one(&s, &rebuilding(0.42)).live;
    assert_eq!((during.tolerance, during.available), (1, 5));
    let after = one(&s, &rebuilding(1.0));
    assert_eq!((after.live.tolerance, after.live.available), (2, 6));
    assert!(
        after.notes.iter().any(|n| n.contains("s rebuilt")),
        "{:?}",
        after.notes
    );
    // an idle hot spare is not a member: it does not raise t
    let idle = one(&s, &live(&[("c", MemberState::Failed)])).live;
    assert_eq!(idle.tolerance, 1);
}

#[test]
fn raid10_spare_fills_the_mirror_set_that_lost_a_copy() {
    let s =
        site(r#"raid: [(id: "r", level: raid10, members: ["a1","a2","b1","b2"], spares: ["s"])]"#);
    let mut l = live(&[("b2", MemberState::Failed), ("s", MemberState::Rebuilding)]);
    l.rebuilds.insert(
        "s".into(),
        Rebuild {
            progress: 1.0,
            eta_min: Some(0.0),
        },
    );
    let g = one(&s, &l).live;
    assert_eq!((g.tolerance, g.best_case), (1, Some(2)));
}

#[test]
fn usable_capacity_follows_level_members_and_drive_size() {
    let cases = [
        ("raid0", 4, 16.0),
        ("raid1", 2, 4.0),
        ("raid5", 4, 12.0),
        ("raid6", 6, 16.0),
        ("raid10", 8, 16.0),
    ];
    for (level, n, want) in cases {
        let members: Vec<String> = (0..n).map(|i| format!("\"d{i}\"")).collect();
        let s = site(&format!(
            r#"raid: [(id: "r", level: {level}, members: [{}], drive_tb: 4.0)]"#,
            members.join(",")
        ));
        let g = one(&s, &LiveState::default());
        assert_eq!(g.usable_tb, Some(want), "{level} of {n}");
    }
    let s = site(r#"raid: [(id: "r", level: raid5, members: ["a","b","c"])]"#);
    assert_eq!(
        one(&s, &LiveState::default()).usable_tb,
        None,
        "no drive size"
    );
}
