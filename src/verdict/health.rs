//! Health of each subsystem and IT group, from the classification claims are made on and,
//! where unknown items leave it open, the worst case.

use std::collections::HashSet;

use super::{GroupVerdict, Health, SubsystemVerdict, TierRange};
use crate::classify::{Classification, GroupKind, Rule, SubsystemReport};
use crate::model::{LiveState, MemberState, Site, Subsystem};

/// Live SPOFs the design does not have: one more failure there drops a load.
pub fn new_spofs(s: &SubsystemReport) -> Vec<&str> {
    // a set: a campus whose yard fails has thousands of live SPOFs against the design's
    let design: HashSet<&str> = s.design.spofs.ids().into_iter().collect();
    s.live
        .spofs
        .ids()
        .into_iter()
        .filter(|id| !design.contains(id))
        .collect()
}

fn loads_of<'a>(site: &Site, ids: &'a [String], sub: Subsystem) -> Vec<&'a str> {
    let of_sub: HashSet<&str> = site
        .loads
        .iter()
        .filter(|l| l.subsystem == sub)
        .map(|l| l.id.as_str())
        .collect();
    ids.iter()
        .map(String::as_str)
        .filter(|id| of_sub.contains(id))
        .collect()
}

/// Do the two classifications tell an operator the same thing?
pub(super) fn same_picture(c: &Classification, w: &Classification) -> bool {
    c.live_tier == w.live_tier
        && c.serving_now == w.serving_now
        && c.unserved_loads == w.unserved_loads
        && c.unprotected_loads == w.unprotected_loads
        && c.subsystems.iter().zip(&w.subsystems).all(|(a, b)| {
            a.live.tier == b.live.tier
                && a.live_label == b.live_label
                && a.live.spofs.ids() == b.live.spofs.ids()
        })
        && c.groups
            .iter()
            .zip(&w.groups)
            .all(|(a, b)| a.live.tolerance == b.live.tolerance && a.live.grade == b.live.grade)
}

fn label_drops(s: &SubsystemReport) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in s.groups.iter().filter(|g| g.live_label != g.design_label) {
        let text = format!("{} {} -> {}", g.kind, g.design_label, g.live_label);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    if out.is_empty() && s.live_label != s.design_label {
        out.push(format!("redundancy {} -> {}", s.design_label, s.live_label));
    }
    out
}

/// The health of one subsystem in one classification, and the line that says why.
fn judge(site: &Site, c: &Classification, s: &SubsystemReport) -> (Health, Option<String>) {
    let unserved = loads_of(site, &c.unserved_loads, s.subsystem);
    if !unserved.is_empty() {
        // the engine's own sentence, with the figures
        let why = s
            .live
            .findings
            .iter()
            .find(|f| {
                f.rule == Rule::Service && f.loads.iter().any(|l| unserved.contains(&l.as_str()))
            })
            .map_or_else(
                || format!("{} without supply now", unserved.join(", ")),
                |f| f.effect.clone(),
            );
        return (Health::Critical, Some(why));
    }
    let fresh = new_spofs(s);
    if !fresh.is_empty() {
        let health = if s.in_scope {
            Health::Critical
        } else {
            Health::Degraded
        };
        return (
            health,
            Some(format!(
                "one more failure drops a load (new SPOF {})",
                fresh.join(", ")
            )),
        );
    }
    let unprotected = loads_of(site, &c.unprotected_loads, s.subsystem);
    if !unprotected.is_empty() {
        return (
            Health::Unprotected,
            Some(format!("{} unprotected", unprotected.join(", "))),
        );
    }
    let drops = label_drops(s);
    if s.live.tier < s.design.tier {
        let why = s
            .live
            .findings
            .iter()
            .min_by_key(|f| f.blocks_tier)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| format!("live {} below design {}", s.live.tier, s.design.tier));
        return (Health::Degraded, Some(why));
    }
    if !drops.is_empty() {
        return (Health::Degraded, Some(drops.join("; ")));
    }
    (Health::Ok, None)
}

pub(super) fn subsystems(
    site: &Site,
    c: &Classification,
    w: Option<&Classification>,
) -> Vec<SubsystemVerdict> {
    c.subsystems
        .iter()
        .map(|s| {
            let worst = w.and_then(|w| w.subsystem(s.subsystem));
            let (mut health, mut why) = judge(site, c, s);
            let unserved = loads_of(site, &c.unserved_loads, s.subsystem).len();
            let open = worst.is_some_and(|b| {
                b.live.tier != s.live.tier
                    || b.live_label != s.live_label
                    || b.live.spofs.ids() != s.live.spofs.ids()
            }) || w
                .is_some_and(|w| loads_of(site, &w.unserved_loads, s.subsystem).len() != unserved);
            let low = worst.map_or(s.live.tier, |b| b.live.tier.min(s.live.tier));
            if open && health == Health::Ok {
                health = Health::Unknown;
                why = Some("unknown items could make it worse".to_string());
            }
            SubsystemVerdict {
                subsystem: s.subsystem,
                in_scope: s.in_scope,
                health,
                design_tier: s.design.tier,
                live_tier: TierRange {
                    low,
                    high: s.live.tier,
                },
                design_label: s.design_label.clone(),
                live_label: s.live_label.clone(),
                worst_label: worst
                    .filter(|b| b.live_label != s.live_label)
                    .map(|b| b.live_label.clone()),
                why,
            }
        })
        .collect()
}

/// Member ids of a group, in the site's order.
pub fn member_ids<'a>(site: &'a Site, id: &str, kind: GroupKind) -> Vec<&'a str> {
    match kind {
        GroupKind::Raid => site
            .raid
            .iter()
            .filter(|r| r.id == id)
            .flat_map(|r| r.members.iter().chain(&r.spares).map(String::as_str))
            .collect(),
        GroupKind::Bond => site
            .bonds
            .iter()
            .filter(|b| b.id == id)
            .flat_map(|b| b.members.iter().map(|m| m.id.as_str()))
            .collect(),
        GroupKind::Bridge => site
            .bridges
            .iter()
            .filter(|b| b.id == id)
            .flat_map(|b| b.members.iter().map(|m| m.id.as_str()))
            .collect(),
        GroupKind::Gateway => site
            .gateways
            .iter()
            .filter(|b| b.id == id)
            .flat_map(|b| b.members.iter().map(|m| m.id.as_str()))
            .collect(),
        GroupKind::Cluster => site
            .clusters
            .iter()
            .filter(|b| b.id == id)
            .flat_map(|b| b.nodes.iter().map(|m| m.id.as_str()))
            .collect(),
    }
}

/// "db1-sdc failed", "db1-sdg rebuilding 42 %, about 610 min left".
fn member_text(live: &LiveState, id: &str) -> Option<String> {
    let state = live.member_state(id);
    if state == MemberState::Ok || state == MemberState::Unknown {
        return None;
    }
    let mut text = format!("{id} {state}");
    if let Some(r) = live.rebuilds.get(id)
        && r.progress.is_finite()
    {
        text.push_str(&format!(" {:.0} %", (r.progress * 100.0).clamp(0.0, 100.0)));
        if let Some(m) = r.eta_min.filter(|m| m.is_finite() && *m > 0.0) {
            text.push_str(&format!(", about {m:.0} min left"));
        }
    }
    Some(text)
}

pub(super) fn groups(
    site: &Site,
    c: &Classification,
    w: Option<&Classification>,
    live: &LiveState,
) -> Vec<GroupVerdict> {
    c.groups
        .iter()
        .map(|g| {
            let worst = w.and_then(|w| w.group(&g.id));
            let mut health = if g.live.tolerance < 0 {
                Health::Critical
            } else if g.live.tolerance < g.design.tolerance || g.live.grade < g.design.grade {
                Health::Degraded
            } else {
                Health::Ok
            };
            let open = worst.is_some_and(|b| {
                b.live.tolerance != g.live.tolerance || b.live.grade != g.live.grade
            });
            if open && health == Health::Ok {
                health = Health::Unknown;
            }
            GroupVerdict {
                id: g.id.clone(),
                kind: g.kind,
                health,
                design_label: g.design.label.clone(),
                live_label: g.live.label.clone(),
                grade: TierRange {
                    low: worst.map_or(g.live.grade, |b| b.live.grade.min(g.live.grade)),
                    high: g.live.grade,
                },
                members: member_ids(site, &g.id, g.kind)
                    .into_iter()
                    .filter_map(|m| member_text(live, m))
                    .collect(),
            }
        })
        .collect()
}
