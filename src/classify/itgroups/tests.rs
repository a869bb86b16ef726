//! RAID and cluster examples (E8, E9); shared helpers for the sibling test files.

use super::grade_groups;
use crate::classify::report::{GroupReport, Tier};
use crate::model::{LiveState, MemberState, Rebuild, Site, parse_site};
use MemberState::{Failed, Maintenance, Rebuilding, Standby};

pub(super) fn site(groups: &str) -> Site {
    let text = format!("(name: \"t\", elements: [], loads: [], {groups})");
    match parse_site(&text, "test.ron") {
        Ok(s) => s,
        Err(e) => panic!("test site does not parse: {e}"),
    }
}

pub(super) fn live(states: &[(&str, MemberState)]) -> LiveState {
    let mut l = LiveState::default();
    for (id, s) in states {
        l.members.insert((*id).to_string(), *s);
    }
    l
}

pub(super) fn one(site: &Site, live: &LiveState) -> GroupReport {
    let mut all = grade_groups(site, live);
    assert_eq!(all.len(), 1, "expected exactly one group");
    all.remove(0)
}

pub(super) fn ids(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

const E8: &str = r#"raid: [(id: "A1", level: raid10, members: ["d1","d2","d3","d4","d5","d6","d7","d8"],
    controller: "RC-1", drive_tb: 4.0)]"#;

#[test]
fn e8_raid10_design() {
    let g = one(&site(E8), &LiveState::default());
    let d = &g.design;
    assert_eq!(
        (d.tolerance, d.best_case, d.need, d.available),
        (1, Some(4), 4, 8)
    );
    assert_eq!(d.label, "N+1");
    assert_eq!(d.grade, Tier::II);
    assert_eq!(ids(&d.spofs), ["RC-1"]);
    assert_eq!(ids(&d.shared), ["RC-1"]);
    assert_eq!(d.reason, "t = 1 but RC-1 is shared by every member.");
}

#[test]
fn e8_raid10_live_d3_failed() {
    let g = one(&site(E8), &live(&[("d3", Failed)]));
    let l = &g.live;
    assert_eq!((l.tolerance, l.best_case, l.available), (0, Some(3), 7));
    assert_eq!(l.label, "N (no redundancy left)");
    assert_eq!(l.grade, Tier::I);
    assert_eq!(ids(&l.spofs), ["d4", "RC-1"]);
    assert_eq!(g.design.grade, Tier::II, "design ignores live state");
}

#[test]
fn raid_controller_down_fails_the_array() {
    let mut l = live(&[]);
    l.elements
        .insert("RC-1".into(), crate::model::ElementState::Failed);
    let g = one(&site(E8), &l);
    assert_eq!((g.live.tolerance, g.live.grade), (-1, Tier::ZERO));
    assert_eq!(g.live.label, "failed");
    assert_eq!(g.live.reason, "Not serving: RC-1 is failed.");
}

#[test]
fn raid10_whole_pair_lost() {
    let g = one(&site(E8), &live(&[("d3", Failed), ("d4", Failed)]));
    assert_eq!(g.live.tolerance, -1);
    assert!(g.live.reason.contains("(d3, d4)"), "{}", g.live.reason);
}

#[test]
fn raid_levels_without_controller_grade_iv() {
    let s = site(
        r#"raid: [
        (id: "R0", level: raid0, members: ["a1","a2"]),
        (id: "R1", level: raid1, members: ["b1","b2","b3"]),
        (id: "R5", level: raid5, members: ["c1","c2","c3","c4"]),
        (id: "R6", level: raid6, members: ["e1","e2","e3","e4"]),
    ]"#,
    );
    let g = grade_groups(&s, &LiveState::default());
    let t: Vec<(i32, Tier)> = g
        .iter()
        .map(|g| (g.design.tolerance, g.design.grade))
        .collect();
    assert_eq!(
        t,
        [(0, Tier::I), (2, Tier::IV), (1, Tier::IV), (2, Tier::IV)]
    );
    assert_eq!(ids(&g[0].design.spofs), ["a1", "a2"]);
    assert_eq!(g[2].design.need, 3);
}

#[test]
fn raid_rebuilding_member_counts_only_once_complete() {
    let s = site(r#"raid: [(id: "R5", level: raid5, members: ["c1","c2","c3"], spares: ["s1"])]"#);
    let mut l = live(&[("c2", Rebuilding)]);
    l.rebuilds.insert(
        "c2".into(),
        Rebuild {
            progress: 0.42,
            eta_min: Some(35.0),
        },
    );
    let g = one(&s, &l);
    assert_eq!((g.live.tolerance, g.live.grade), (0, Tier::I));
    assert!(
        g.notes.iter().any(
            |n| n == "c2 rebuilding: 42% done, about 35 min left; it counts only once complete"
        )
    );
    assert!(
        g.notes.iter().any(|n| n.starts_with("hot spare s1 ready")),
        "{:?}",
        g.notes
    );
    l.rebuilds.insert(
        "c2".into(),
        Rebuild {
            progress: 1.0,
            eta_min: None,
        },
    );
    assert_eq!(one(&s, &l).live.tolerance, 1);
}

#[test]
fn raid_exposure_note_follows_w4() {
    let s = site(
        r#"raid: [(id: "R5", level: raid5, members: ["c1","c2","c3","c4","c5","c6"],
        drive_tb: 8.0, drive_mttf_h: 1200000.0, rebuild_h: 24.0)]"#,
    );
    let g = one(&s, &LiveState::default());
    let note = g
        .notes
        .iter()
        .find(|n| n.starts_with("rebuild exposure"))
        .cloned()
        .unwrap_or_default();
    assert!(note.contains("illustrative, datasheet-based"), "{note}");
    assert!(note.contains("second drive failure 1.0e-4"), "{note}");
    assert!(note.contains("unrecoverable read error 27.4%"), "{note}");
    assert!(note.contains("data loss ≈ 27.4%"), "{note}");
}

pub(super) fn cluster(nodes: usize, witness: bool, extra: &str) -> Site {
    let list: Vec<String> = (1..=nodes).map(|i| format!("(id: \"n{i}\")")).collect();
    let w = if witness {
        r#"witness: (id: "w"),"#
    } else {
        ""
    };
    site(&format!(
        "clusters: [(id: \"C\", nodes: [{}], {w} failover_s: 30.0, {extra})]",
        list.join(", ")
    ))
}

#[test]
fn e9_quorum_table() {
    let rows = [
        (2, false, 0),
        (2, true, 1),
        (3, false, 1),
        (3, true, 1),
        (4, false, 1),
        (4, true, 2),
        (5, false, 2),
        (5, true, 2),
    ];
    for (nodes, witness, tolerated) in rows {
        let g = one(&cluster(nodes, witness, ""), &LiveState::default());
        assert_eq!(
            g.design.tolerance, tolerated,
            "{nodes} nodes, witness {witness}"
        );
        let e = nodes + usize::from(witness);
        let q = e / 2 + 1;
        assert!(
            g.notes
                .iter()
                .any(|n| n.starts_with(&format!("votes: expected {e}, quorum {q},"))),
            "{:?}",
            g.notes
        );
    }
}

#[test]
fn e9_three_witness_lost_first_leaves_no_redundancy() {
    let g = one(&cluster(3, true, ""), &live(&[("w", Failed)]));
    assert_eq!(g.live.tolerance, 0);
}

#[test]
fn e9_state_example() {
    let s = cluster(3, false, "");
    let g = one(&s, &LiveState::default());
    assert_eq!((g.design.tolerance, g.design.grade), (1, Tier::III));
    assert_eq!(g.design.failover_s, Some(30.0));

    let a = one(&s, &live(&[("n3", Maintenance)])).live;
    assert_eq!((a.tolerance, a.grade), (0, Tier::I));
    assert_eq!(ids(&a.spofs), ["n1", "n2"]);

    let b = one(&s, &live(&[("n3", Standby)]));
    assert_eq!(
        (b.live.tolerance, b.live.grade, b.live.available),
        (1, Tier::III, 2)
    );
    assert!(
        b.notes
            .iter()
            .any(|n| n == "n3 in standby: keeps its vote but hosts nothing")
    );
}

#[test]
fn two_node_and_disk_only() {
    let g = one(
        &cluster(2, false, "quorum: two_node"),
        &LiveState::default(),
    );
    assert_eq!(g.design.tolerance, 1);
    let g = one(
        &cluster(3, true, "quorum: disk_only"),
        &LiveState::default(),
    );
    assert_eq!(g.design.grade, Tier::II);
    assert_eq!(ids(&g.design.spofs), ["w"]);
    let g = one(
        &cluster(3, true, "quorum: disk_only"),
        &live(&[("w", Failed)]),
    );
    assert_eq!(g.live.grade, Tier::ZERO);
}

#[test]
fn heavy_witness_is_removed_first() {
    let s = site(
        r#"clusters: [(id: "C", nodes: [(id: "a"), (id: "b"), (id: "c")], witness: (id: "w", votes: 3), failover_s: 1.0)]"#,
    );
    // E = 6, Q = 4: losing the witness alone leaves 3 < 4.
    let g = one(&s, &LiveState::default());
    assert_eq!(g.design.tolerance, 0);
    assert_eq!(ids(&g.design.spofs), ["w"]);
}
