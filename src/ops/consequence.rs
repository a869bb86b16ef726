//! The consequences of an operation beyond tiers: what each remaining unit would carry,
//! which cluster resources would move and for how long service stops, whether a RAID array
//! is already degraded, and whether the data the plan stands on is fresh. Pure.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::classify::{Classification, fmt_num};
use crate::model::{ElementState, Id, LiveState, MemberState, Site};

use super::OpKind;
use super::target::Target;

/// A unit runs hot from here on; past its capacity the plan is refused.
const HOT_PCT: f64 = 90.0;

/// What a capacity unit carries now and would carry after the operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitLoad {
    pub id: Id,
    pub capacity: f64,
    pub before: f64,
    pub after: f64,
}

impl UnitLoad {
    pub fn after_pct(&self) -> f64 {
        100.0 * self.after / self.capacity
    }
}

/// A cluster resource that would move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceMove {
    pub resource: Id,
    pub from: Option<Id>,
    /// `None`: no node would be left to run it.
    pub to: Option<Id>,
    /// Seconds without service while it moves (the cluster's `failover_s`).
    pub interruption_s: f64,
}

/// How old the data a plan stands on is, beyond the live state's own `unknown` marks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataFacts {
    /// Items still used but older than the stale limit, with their age in seconds.
    pub stale: BTreeMap<Id, f64>,
}

/// Capacity units whose load changes, or runs hot, after the operation.
pub(super) fn unit_loads(site: &Site, before: &LiveState, after: &LiveState) -> Vec<UnitLoad> {
    let (b, a) = (
        crate::classify::carried(site, before),
        crate::classify::carried(site, after),
    );
    site.elements
        .iter()
        .filter(|e| e.kind.is_capacity_component())
        .filter_map(|e| {
            let capacity = e.capacity.filter(|c| c.is_finite() && *c > 0.0)?;
            let (before, after) = (
                b.get(&e.id).copied().unwrap_or(0.0),
                a.get(&e.id).copied().unwrap_or(0.0),
            );
            let changed = (after - before).abs() >= 0.5;
            let hot = 100.0 * after / capacity >= HOT_PCT;
            (changed && after > 0.0 || hot).then(|| UnitLoad {
                id: e.id.clone(),
                capacity,
                before,
                after,
            })
        })
        .collect()
}

/// Refusals and degradations from unit loads: past capacity refused, hot degrades.
pub(super) fn judge_loads(
    loads: &[UnitLoad],
    refusals: &mut Vec<String>,
    degrades: &mut Vec<String>,
) {
    for u in loads {
        let line = format!(
            "{} would carry {} of {} ({:.0} %)",
            u.id,
            fmt_num(u.after),
            fmt_num(u.capacity),
            u.after_pct()
        );
        if u.after_pct() > 100.0 + 1e-6 {
            refusals.push(line);
        } else if u.after_pct() >= HOT_PCT && u.after > u.before + 1e-6 {
            degrades.push(line);
        }
    }
}

/// The node a resource runs on: its preferred node while that hosts, else the first node
/// that does.
fn running_on<'a>(
    c: &'a crate::model::Cluster,
    r: &'a crate::model::Resource,
    live: &LiveState,
) -> Option<&'a str> {
    let hosts = |n: &str| live.member_state(n) == MemberState::Ok;
    r.prefers
        .as_deref()
        .filter(|p| hosts(p))
        .or_else(|| c.nodes.iter().map(|n| n.id.as_str()).find(|n| hosts(n)))
}

/// Cluster resources that would move, and where to.
pub(super) fn moves(
    site: &Site,
    op_kind: &OpKind,
    target_id: &str,
    before: &LiveState,
    after: &LiveState,
) -> Vec<ResourceMove> {
    let mut out = Vec::new();
    for c in &site.clusters {
        for r in &c.resources {
            let (from, mut to) = (running_on(c, r, before), running_on(c, r, after));
            if let OpKind::Move { to: dest } = op_kind
                && r.id == target_id
            {
                to = Some(dest.as_str());
            }
            if from != to {
                out.push(ResourceMove {
                    resource: r.id.clone(),
                    from: from.map(String::from),
                    to: to.map(String::from),
                    interruption_s: c.failover_s,
                });
            }
        }
    }
    out
}

/// A RAID member taken out while its array is already degraded or rebuilding.
pub(super) fn raid_exposure(
    site: &Site,
    target: &Target,
    target_id: &str,
    live: &LiveState,
) -> Option<String> {
    let Target::RaidMember { array } = target else {
        return None;
    };
    let r = site.raid.iter().find(|r| &r.id == array)?;
    let not_ok: Vec<String> = r
        .members
        .iter()
        .chain(&r.spares)
        .filter(|m| m.as_str() != target_id)
        .filter_map(|m| {
            let s = live.member_state(m);
            let pct = live
                .rebuilds
                .get(m)
                .filter(|b| b.progress.is_finite())
                .map_or(String::new(), |b| format!(" {:.0} %", b.progress * 100.0));
            match s {
                MemberState::Failed
                | MemberState::Rebuilding
                | MemberState::Unknown
                | MemberState::Maintenance => Some(format!("{m} {s}{pct}")),
                _ => None,
            }
        })
        .collect();
    (!not_ok.is_empty()).then(|| {
        format!(
            "{array} is already degraded ({}): taking {target_id} out now leaves less than its design tolerance during the rebuild",
            not_ok.join(", ")
        )
    })
}

/// The items whose data the plan leans on: the target and its redundancy partners.
pub(super) fn partners(site: &Site, c: &Classification, target: &Target, id: &str) -> Vec<Id> {
    let mut out = vec![id.to_string()];
    match target {
        Target::Element { .. } => {
            for g in c.subsystems.iter().flat_map(|s| &s.groups) {
                if g.units.iter().any(|u| u == id) {
                    out.extend(g.units.iter().cloned());
                }
            }
        }
        Target::RaidMember { array } => {
            out.extend(
                site.raid
                    .iter()
                    .filter(|r| &r.id == array)
                    .flat_map(|r| r.members.iter().chain(&r.spares).cloned()),
            );
        }
        Target::BondMember { bond } => {
            out.extend(
                site.bonds
                    .iter()
                    .filter(|b| &b.id == bond)
                    .flat_map(|b| b.members.iter().map(|m| m.id.clone())),
            );
        }
        Target::Uplink { group } => {
            out.extend(
                site.bridges
                    .iter()
                    .filter(|b| &b.id == group)
                    .flat_map(|b| b.members.iter().map(|m| m.id.clone())),
            );
        }
        Target::Router { group } => {
            out.extend(
                site.gateways
                    .iter()
                    .filter(|b| &b.id == group)
                    .flat_map(|b| b.members.iter().map(|m| m.id.clone())),
            );
        }
        Target::ClusterNode { cluster } | Target::Resource { cluster, .. } => {
            out.extend(
                site.clusters
                    .iter()
                    .filter(|b| &b.id == cluster)
                    .flat_map(|b| b.nodes.iter().map(|m| m.id.clone())),
            );
        }
        Target::Bond { members, .. } | Target::Gateway { members } => {
            out.extend(members.iter().cloned())
        }
    }
    out.sort();
    out.dedup();
    out
}

/// "UPS-A3: no fresh data", "UPS-A1: reading 2 min old": what the plan cannot vouch for.
pub(super) fn uncertain(
    site: &Site,
    live: &LiveState,
    data: &DataFacts,
    items: &[Id],
) -> Vec<String> {
    let is_element = |id: &str| site.elements.iter().any(|e| e.id == id);
    items
        .iter()
        .filter_map(|id| {
            let unknown = if is_element(id) {
                live.element_state(id) == ElementState::Unknown
            } else {
                live.member_state(id) == MemberState::Unknown
            };
            if unknown {
                return Some(format!("{id}: no fresh data"));
            }
            data.stale
                .get(id)
                .map(|age| format!("{id}: reading {} old", crate::verdict::age_text(*age)))
        })
        .collect()
}
