//! Random live states and odd, unvalidated sites: grading never panics and stays consistent.

use proptest::prelude::*;

use super::grade_groups;
use super::tests::{live, site};
use crate::classify::report::Tier;
use crate::model::{LiveState, MemberState, Rebuild};
use MemberState::{Failed, Maintenance, Rebuilding, Standby};

const ALL: &str = r#"
    raid: [(id: "A1", level: raid10, members: ["d1","d2","d3","d4"], spares: ["s1"], controller: "RC-1",
            drive_tb: 4.0, drive_mttf_h: 1000000.0, rebuild_h: 10.0),
           (id: "A5", level: raid5, members: ["c1","c2","c3"])],
    bonds: [(id: "b0", mode: lacp, demand_gbps: 12.0, min_links: 1,
             members: [(id: "e0", speed_gbps: 10.0, switch: "SWA"), (id: "e1", speed_gbps: 10.0, switch: "SWB")])],
    bridges: [(id: "U", protocol: mstp, demand_gbps: 8.0,
               members: [(id: "L1", speed_gbps: 10.0, via: ["CS1"]), (id: "L2", speed_gbps: 10.0, via: ["CS2"])])],
    gateways: [(id: "V", protocol: vrrp, version: 2, members: [(id: "R1", via: ["CS1"]), (id: "R2", priority: 90, via: ["CS2"])])],
    clusters: [(id: "C", nodes: [(id: "n1", via: ["CS1"]), (id: "n2", votes: 2), (id: "n3")], witness: (id: "w"),
                nodes_needed: 2, failover_s: 4.0, resources: [(id: "db", prefers: "n1")])],
"#;

const IDS: [&str; 22] = [
    "d1", "d2", "d3", "d4", "s1", "RC-1", "c1", "c2", "c3", "e0", "e1", "SWA", "SWB", "L1", "L2",
    "CS1", "CS2", "R1", "R2", "n1", "n2", "n3",
];

fn any_state() -> impl Strategy<Value = MemberState> {
    prop_oneof![
        Just(MemberState::Ok),
        Just(Failed),
        Just(Maintenance),
        Just(Standby),
        Just(Rebuilding),
        Just(MemberState::Unknown),
    ]
}

proptest! {
    #[test]
    fn random_member_states_never_panic_and_stay_consistent(
        states in proptest::collection::vec(any_state(), IDS.len()),
        progress in proptest::collection::vec(0.0f64..=1.0, IDS.len()),
    ) {
        let s = site(ALL);
        let mut l = LiveState::default();
        for ((id, st), p) in IDS.iter().zip(&states).zip(&progress) {
            l.members.insert((*id).to_string(), *st);
            if *st == Rebuilding {
                l.rebuilds.insert((*id).to_string(), Rebuild { progress: *p, eta_min: Some(5.0) });
            }
        }
        let design = grade_groups(&s, &LiveState::default());
        for (g, d) in grade_groups(&s, &l).iter().zip(&design) {
            prop_assert_eq!(&g.design, &d.design);
            prop_assert!(g.live.tolerance <= g.design.tolerance, "{}: live beats design", g.id);
            for a in [&g.design, &g.live] {
                prop_assert!(a.tolerance >= -1);
                prop_assert_eq!(a.label.clone(), super::label(a.tolerance));
                prop_assert_eq!(a.grade == Tier::ZERO, a.tolerance < 0);
                prop_assert_eq!(a.grade == Tier::I, a.tolerance == 0);
                prop_assert!(a.failover_s.is_none_or(f64::is_finite));
                prop_assert!(a.reason.ends_with('.') && !a.reason.is_empty());
                if a.tolerance == 0 {
                    prop_assert!(!a.spofs.is_empty(), "{}: t = 0 without a SPOF", g.id);
                }
            }
        }
    }

    #[test]
    fn odd_unvalidated_sites_never_panic(
        speed in any::<f64>(), demand in any::<f64>(), copies in 0u32..5, min_links in any::<u32>(),
        needed in any::<u32>(), votes in any::<u32>(), budget in any::<f64>(), n in 0usize..5,
        failover in any::<f64>(), advert in any::<f64>(), prio in any::<u8>(),
    ) {
        let mut s = site(ALL);
        s.network_budget_s = budget;
        s.raid[0].copies = copies;
        s.raid[0].members.truncate(n);
        s.raid[0].drive_tb = Some(speed);
        s.raid[1].members.truncate(n);
        s.bonds[0].members.truncate(n);
        s.bonds[0].min_links = min_links;
        s.bonds[0].demand_gbps = Some(demand);
        s.bridges[0].demand_gbps = demand;
        s.bridges[0].members.iter_mut().for_each(|m| m.speed_gbps = speed);
        s.gateways[0].advert_s = Some(advert);
        s.gateways[0].members.iter_mut().for_each(|r| r.priority = prio);
        s.gateways[0].members.truncate(n);
        s.clusters[0].nodes_needed = needed;
        s.clusters[0].failover_s = failover;
        s.clusters[0].nodes.iter_mut().for_each(|x| x.votes = votes);
        s.clusters[0].nodes.truncate(n);
        for g in grade_groups(&s, &live(&[("n1", Standby), ("d1", Failed)])) {
            prop_assert!(g.live.tolerance >= -1 && g.design.tolerance >= -1);
        }
    }
}
