//! Network groups: bonds (LACP and friends), spanning-tree uplink groups and first-hop
//! gateway groups (VRRP, HSRP, GLBP), per docs/tier-rules.md §2.8, E10 and E12.

use super::{Member, Outcome, Shape, View, assess, count_up, len_u32, num};
use crate::classify::report::{GroupAssessment, GroupKind, GroupReport};
use crate::model::{
    Bond, BondMode, BridgeGroup, GatewayGroup, GatewayProtocol, Id, LacpRate, LiveState,
    MemberState, StpProtocol,
};

/// Carrier loss is seen by link monitoring (miimon, typically 100 ms): well inside any budget.
const LINK_MONITOR_S: f64 = 0.1;
/// 802.1D worst case: max-age 20 s + listening 15 s + learning 15 s.
const STP_WORST_S: f64 = 50.0;
/// RSTP/MSTP falling back to timers (2 × forward delay) on links that are not point-to-point.
const RSTP_TIMERS_S: f64 = 30.0;
/// RSTP proposal/agreement handshake on point-to-point links.
const RSTP_HANDSHAKE_S: f64 = 1.0;
const VRRP_ADVERT_S: f64 = 1.0;
const CISCO_HOLD_S: f64 = 10.0;

/// Sums are compared with a little slack so 3 × 3.3 Gbps still carries 9.9 Gbps.
const SLACK: f64 = 1e-9;

/// A link that is up and negotiated carries traffic; a blocked or backup one is `Standby`.
fn link_up(state: MemberState) -> bool {
    matches!(state, MemberState::Ok | MemberState::Standby)
}

/// Speeds and demands the validator would reject count as nothing rather than poison sums.
fn sane(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

fn fits(rest: &[f64], demand: f64, min_count: u32) -> bool {
    let total: f64 = rest.iter().rev().sum();
    len_u32(rest.len()) >= min_count && total >= demand * (1.0 - SLACK)
}

/// Worst case: the fastest members fail first.
fn capacity_tolerance(speeds: &[f64], up: &[bool], demand: f64, min_count: u32) -> i32 {
    let mut s: Vec<f64> = speeds
        .iter()
        .zip(up)
        .filter(|&(_, &u)| u)
        .map(|(&v, _)| sane(v))
        .collect();
    s.sort_by(|a, b| b.total_cmp(a));
    if !fits(&s, demand, min_count) {
        return -1;
    }
    let k = (0..s.len())
        .take_while(|&k| s.get(k + 1..).is_some_and(|r| fits(r, demand, min_count)))
        .count();
    i32::try_from(k).unwrap_or(i32::MAX)
}

/// Members needed when the slowest carry the load: max(min_count, ceil(demand / speed)) for
/// equal speeds. `None` when even all of them do not suffice.
fn capacity_need(speeds: impl Iterator<Item = f64>, demand: f64, min_count: u32) -> Option<u32> {
    let mut s: Vec<f64> = speeds.map(sane).collect();
    s.sort_by(f64::total_cmp);
    (0..=s.len())
        .map(|k| (k, s.get(..k).unwrap_or(&[])))
        .find(|(_, r)| fits(r, demand, min_count))
        .map(|(k, _)| len_u32(k))
}

/// Need over the members that are up, falling back to the design need when they cannot
/// carry the demand at all.
fn need_for(speeds: &[f64], up: &[bool], demand: f64, min_count: u32) -> u32 {
    let live = speeds.iter().zip(up).filter(|&(_, &u)| u).map(|(&v, _)| v);
    capacity_need(live, demand, min_count)
        .or_else(|| capacity_need(speeds.iter().copied(), demand, min_count))
        .unwrap_or_else(|| min_count.max(len_u32(speeds.len()).saturating_add(1)))
}

struct Capacity<'a> {
    speeds: Vec<f64>,
    demand: f64,
    min_count: u32,
    noun: &'a str,
    failover_s: Option<f64>,
}

fn assess_capacity(
    cap: &Capacity,
    shape: &Shape,
    shared: &[Id],
    view: View,
    budget: f64,
) -> (GroupAssessment, Vec<String>) {
    let sc = shape.up_mask(view, shared, |_, _, s| link_up(s));
    let rule = |up: &[bool]| capacity_tolerance(&cap.speeds, up, cap.demand, cap.min_count);
    let t = rule(&sc.up);
    let spofs = shape.spofs(&sc.up, shared, &rule);
    let need = need_for(&cap.speeds, &sc.up, cap.demand, cap.min_count);
    let down_reason = (t < 0).then(|| {
        if sc.shared_down.is_empty() {
            let carry: f64 = cap
                .speeds
                .iter()
                .zip(&sc.up)
                .filter(|&(_, &u)| u)
                .map(|(&v, _)| sane(v))
                .sum();
            format!(
                "{} of {} links are up carrying {} Gbps, and {} links for {} Gbps are needed",
                sc.count(),
                cap.speeds.len(),
                num(carry),
                need,
                num(cap.demand)
            )
        } else {
            sc.shared_down.join(" and ")
        }
    });
    let outcome = Outcome {
        need,
        available: sc.count(),
        tolerance: t,
        best_case: None,
        failover_s: cap.failover_s,
        automatic: true,
        down_reason,
    };
    (
        assess(outcome, shared.to_vec(), spofs, cap.noun, budget),
        sc.notes,
    )
}

pub(super) fn grade_bond(b: &Bond, live: &LiveState, budget: f64) -> GroupReport {
    let switches: Vec<&str> = b
        .members
        .iter()
        .filter_map(|m| m.switch.as_deref())
        .collect();
    let one_switch =
        switches.len() == b.members.len() && switches.iter().all(|s| Some(s) == switches.first());
    // With MLAG/vPC one id may name the chassis pair, which fails apart, not as one.
    let pair_id = b.multi_chassis && one_switch;
    let shape = Shape {
        members: b
            .members
            .iter()
            .map(|m| Member {
                id: &m.id,
                via: if pair_id {
                    Vec::new()
                } else {
                    m.switch.iter().map(String::as_str).collect()
                },
            })
            .collect(),
        explicit_shared: Vec::new(),
    };
    let shared = shape.shared();
    let failover_s = Some(match (b.mode, b.lacp_rate) {
        // Without link-down, LACP notices a dead partner after 3 missed LACPDUs.
        (BondMode::Lacp, LacpRate::Fast) => 3.0,
        (BondMode::Lacp, LacpRate::Slow) => 90.0,
        _ => LINK_MONITOR_S,
    });
    let cap = Capacity {
        speeds: b.members.iter().map(|m| m.speed_gbps).collect(),
        demand: sane(b.demand_gbps.unwrap_or(0.0)),
        min_count: b.min_links.max(1),
        noun: "bond",
        failover_s,
    };
    let design = assess_capacity(&cap, &shape, &shared, View::Design, budget).0;
    let (live_a, mut notes) = assess_capacity(&cap, &shape, &shared, View::Live(live), budget);
    if b.mode == BondMode::Lacp {
        let (rate, pdu) = match b.lacp_rate {
            LacpRate::Fast => ("fast", 1),
            LacpRate::Slow => ("slow", 30),
        };
        notes.push(format!(
            "LACP rate {rate}: a partner that stops answering without dropping the link is noticed after 3 × {pdu} s; link-down is seen at once"
        ));
    }
    let by_capacity = capacity_need(cap.speeds.iter().copied(), cap.demand, 1);
    let hashed = matches!(
        b.mode,
        BondMode::Lacp | BondMode::BalanceXor | BondMode::BalanceTlb | BondMode::BalanceAlb
    );
    if hashed && by_capacity.is_some_and(|n| n > 1) {
        notes.push(format!(
            "per-flow hashing: no single flow exceeds one member's speed, and an uneven hash can overload a member even though the members together carry {} Gbps",
            num(cap.demand)
        ));
    }
    if b.min_links > 1 && by_capacity.is_some_and(|n| n < b.min_links) {
        notes.push(format!(
            "min_links {} sets N: below that the bond drops carrier",
            b.min_links
        ));
    }
    GroupReport {
        usable_tb: None,
        id: b.id.clone(),
        kind: GroupKind::Bond,
        design,
        live: live_a,
        notes,
    }
}

pub(super) fn grade_bridge(g: &BridgeGroup, live: &LiveState, budget: f64) -> GroupReport {
    let shape = Shape {
        members: g
            .members
            .iter()
            .map(|u| Member {
                id: &u.id,
                via: u.via.iter().map(String::as_str).collect(),
            })
            .collect(),
        explicit_shared: g.shared.iter().map(String::as_str).collect(),
    };
    let shared = shape.shared();
    let shared_links: Vec<Id> = g
        .members
        .iter()
        .filter(|u| !u.point_to_point)
        .map(|u| u.id.clone())
        .collect();
    let mut notes = Vec::new();
    let failover_s = match g.protocol {
        StpProtocol::Stp => {
            notes.push("802.1D: about 30 s when the failure is seen directly, 50 s via max-age; graded on 50 s".to_string());
            STP_WORST_S
        }
        StpProtocol::Rstp | StpProtocol::Mstp if shared_links.is_empty() => RSTP_HANDSHAKE_S,
        StpProtocol::Rstp | StpProtocol::Mstp => {
            notes.push(format!(
                "{} not point-to-point: RSTP falls back to timers (about {} s) there",
                shared_links.join(", "),
                num(RSTP_TIMERS_S)
            ));
            RSTP_TIMERS_S
        }
    };
    let cap = Capacity {
        speeds: g.members.iter().map(|u| u.speed_gbps).collect(),
        demand: sane(g.demand_gbps),
        min_count: 1,
        noun: "uplink group",
        failover_s: Some(failover_s),
    };
    let design = assess_capacity(&cap, &shape, &shared, View::Design, budget).0;
    let (live_a, live_notes) = assess_capacity(&cap, &shape, &shared, View::Live(live), budget);
    notes.extend(live_notes);
    GroupReport {
        usable_tb: None,
        id: g.id.clone(),
        kind: GroupKind::Bridge,
        design,
        live: live_a,
        notes,
    }
}

/// Failover time with the routers in `up`: the highest-priority survivor is master and the
/// next one takes over. `None` when nobody is left to take over.
fn gateway_failover(g: &GatewayGroup, up: &[bool]) -> Option<(f64, String)> {
    let timer =
        |v: Option<f64>, default: f64| v.filter(|x| x.is_finite() && *x > 0.0).unwrap_or(default);
    let mut alive: Vec<(usize, u8)> = g
        .members
        .iter()
        .zip(up)
        .enumerate()
        .filter(|(_, (_, u))| **u)
        .map(|(i, (r, _))| (i, r.priority))
        .collect();
    if alive.len() < 2 {
        return None;
    }
    // Stable sort: equal priorities keep configuration order.
    alive.sort_by_key(|&(_, p)| std::cmp::Reverse(p));
    match g.protocol {
        GatewayProtocol::Vrrp => {
            let (i, p) = *alive.get(1)?;
            let advert = timer(g.advert_s, VRRP_ADVERT_S);
            let share = f64::from(256 - u16::from(p)) / 256.0;
            let skew = if g.version == 2 {
                share
            } else {
                share * advert
            };
            let id = g.members.get(i).map_or("?", |r| r.id.as_str());
            Some((
                3.0 * advert + skew,
                format!(
                    "VRRPv{}: master down interval = 3 × {} s + skew {} s from backup {id} (priority {p})",
                    if g.version == 2 { 2 } else { 3 },
                    num(advert),
                    num(skew)
                ),
            ))
        }
        GatewayProtocol::Hsrp | GatewayProtocol::Glbp => {
            let hold = timer(g.hold_s, CISCO_HOLD_S);
            let name = if g.protocol == GatewayProtocol::Hsrp {
                "HSRP"
            } else {
                "GLBP"
            };
            let default = if g.hold_s.is_none() {
                " (default; hello 3 s)"
            } else {
                ""
            };
            Some((
                hold,
                format!(
                    "{name}: failover after the hold time, {} s{default}",
                    num(hold)
                ),
            ))
        }
    }
}

pub(super) fn grade_gateway(g: &GatewayGroup, live: &LiveState, budget: f64) -> GroupReport {
    let shape = Shape {
        members: g
            .members
            .iter()
            .map(|r| Member {
                id: &r.id,
                via: r.via.iter().map(String::as_str).collect(),
            })
            .collect(),
        explicit_shared: g.shared.iter().map(String::as_str).collect(),
    };
    let shared = shape.shared();
    // Only GLBP shares the load; VRRP and HSRP forward through a single master.
    let need = match g.protocol {
        GatewayProtocol::Glbp => g.forwarders_needed.max(1),
        GatewayProtocol::Vrrp | GatewayProtocol::Hsrp => 1,
    };
    let rule = |up: &[bool]| {
        i32::try_from((i64::from(count_up(up)) - i64::from(need)).max(-1)).unwrap_or(i32::MAX)
    };
    let mut notes = Vec::new();
    let one = |view: View, notes: &mut Vec<String>| -> (GroupAssessment, Option<String>) {
        let sc = shape.up_mask(view, &shared, |_, _, s| link_up(s));
        let t = rule(&sc.up);
        let spofs = shape.spofs(&sc.up, &shared, &rule);
        let fo = gateway_failover(g, &sc.up);
        let how = fo.as_ref().map(|(_, how)| how.clone());
        notes.extend(sc.notes.iter().cloned());
        let down_reason = (t < 0).then(|| {
            if sc.shared_down.is_empty() {
                format!(
                    "{} of {} routers are up and {need} are needed",
                    sc.count(),
                    g.members.len()
                )
            } else {
                sc.shared_down.join(" and ")
            }
        });
        let outcome = Outcome {
            need,
            available: sc.count(),
            tolerance: t,
            best_case: None,
            failover_s: fo.map(|(s, _)| s),
            automatic: true,
            down_reason,
        };
        (
            assess(outcome, shared.clone(), spofs, "gateway group", budget),
            how,
        )
    };
    let (design, design_how) = one(View::Design, &mut Vec::new());
    let (live_a, live_how) = one(View::Live(live), &mut notes);
    // With no backup left now, the designed timers are still worth knowing.
    notes.extend(live_how.or(design_how));
    match g.protocol {
        GatewayProtocol::Hsrp => notes.push("HSRP preemption is off by default".to_string()),
        GatewayProtocol::Glbp if g.members.len() > 4 => {
            notes.push("GLBP assigns at most four forwarders; the rest only stand by".to_string());
        }
        _ => {}
    }
    GroupReport {
        usable_tb: None,
        id: g.id.clone(),
        kind: GroupKind::Gateway,
        design,
        live: live_a,
        notes,
    }
}
