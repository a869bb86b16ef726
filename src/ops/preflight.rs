//! Preflight: classify the site as it is and as it would be after the operation, and judge
//! the difference. Safe, degrades (the live tier falls or a new single point of failure
//! appears), or refused (a load or a group would be lost).

use serde::{Deserialize, Serialize};

use crate::classify::itgroups::{Votes, votes};
use crate::classify::{Classification, GroupReport, Memo, Tier, classify_with};
use crate::model::{Id, LiveState, MemberState, Site};

use super::Operation;
use super::consequence::{
    DataFacts, ResourceMove, UnitLoad, judge_loads, moves, partners, raid_exposure, uncertain,
    unit_loads,
};
use super::target::{Target, TargetError, apply, resolve};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Safe,
    Degrades,
    /// The data about the target or its partners is unknown or stale: the plan cannot say.
    Uncertain,
    Refused,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Safe => "SAFE",
            Verdict::Degrades => "DEGRADES",
            Verdict::Uncertain => "UNCERTAIN",
            Verdict::Refused => "REFUSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubsystemChange {
    pub subsystem: &'static str,
    pub tier_before: Tier,
    pub tier_after: Tier,
    pub label_before: String,
    pub label_after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    pub id: Id,
    pub label_before: String,
    pub label_after: String,
    pub tolerance_before: i32,
    pub tolerance_after: i32,
    /// Votes of a cluster, before and after.
    pub quorum: Option<(Votes, Votes)>,
    pub reason_after: String,
}

/// What an operation would do, computed before anything is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub operation: String,
    pub verdict: Verdict,
    pub design_tier: Tier,
    pub live_tier_before: Tier,
    pub live_tier_after: Tier,
    /// Every facility subsystem in scope.
    pub subsystems: Vec<SubsystemChange>,
    /// IT groups whose assessment changes, and the target's own group.
    pub groups: Vec<GroupChange>,
    /// Single points of failure the site would have that it does not have now.
    pub new_spofs: Vec<String>,
    /// Loads served now that would lose supply.
    pub lost_loads: Vec<Id>,
    /// Power loads protected now that would be left on raw supply.
    pub unprotected_loads: Vec<Id>,
    /// Capacity units whose load changes (or runs hot): before and after, in kW.
    pub unit_loads: Vec<UnitLoad>,
    /// Cluster resources that would move, and the expected interruption.
    pub moves: Vec<ResourceMove>,
    /// Why the plan cannot vouch for itself: unknown or stale data about the target or its
    /// redundancy partners.
    pub uncertain: Vec<String>,
    /// Why the verdict is `refused`, naming what would be lost.
    pub refusals: Vec<String>,
    /// Why the verdict is (at least) `degrades`.
    pub degradations: Vec<String>,
    /// Seconds the target has been in maintenance, when it is (from the audit log).
    pub in_maintenance_for_s: Option<f64>,
    /// Whether the console must make the operator type the target's id to confirm.
    pub site_level: bool,
}

fn live_spofs(c: &Classification) -> Vec<String> {
    let facility = c
        .subsystems
        .iter()
        .filter(|s| s.in_scope)
        .flat_map(|s| s.live.spofs.items.iter())
        .filter(|s| !s.accepted)
        .map(|s| s.id.clone());
    let groups = c.groups.iter().flat_map(|g| {
        g.live
            .spofs
            .iter()
            .map(move |s| format!("{s} (in {})", g.id))
    });
    let mut all: Vec<String> = facility.chain(groups).collect();
    all.sort();
    all.dedup();
    all
}

fn group_change(
    site: &Site,
    before: &GroupReport,
    after: &GroupReport,
    live: (&LiveState, &LiveState),
) -> GroupChange {
    let quorum = site
        .clusters
        .iter()
        .find(|c| c.id == before.id)
        .map(|c| (votes(c, live.0), votes(c, live.1)));
    GroupChange {
        id: before.id.clone(),
        label_before: before.live.label.clone(),
        label_after: after.live.label.clone(),
        tolerance_before: before.live.tolerance,
        tolerance_after: after.live.tolerance,
        quorum,
        reason_after: after.live.reason.clone(),
    }
}

fn target_group(t: &Target) -> Option<&str> {
    match t {
        Target::RaidMember { array } => Some(array),
        Target::BondMember { bond } => Some(bond),
        Target::Uplink { group } | Target::Router { group } => Some(group),
        Target::ClusterNode { cluster } | Target::Resource { cluster, .. } => Some(cluster),
        Target::Element { .. } | Target::Bond { .. } | Target::Gateway { .. } => None,
    }
}

/// Judge `op` against the site as it stands (`live`). `maintenance_since` (Unix seconds,
/// from the audit log) and `now` give how long the target has been out of service.
pub fn preflight(
    site: &Site,
    live: &LiveState,
    op: &Operation,
    maintenance_since: Option<f64>,
    now: f64,
) -> Result<Plan, TargetError> {
    preflight_on(
        site,
        live,
        &DataFacts::default(),
        op,
        maintenance_since,
        now,
    )
}

/// As [`preflight`], knowing which readings are stale (`data`); unknown items are marked
/// in `live` itself.
///
/// Unknown items count as down, so a plan never passes on the hope that they are up; but a
/// refusal that holds only while they count as down ("ROW-1 would lose supply" with the
/// other side's UPSs unknown) is not a fact: with them as designed the plan is judged
/// again, and what it no longer refuses is uncertain, not refused (domain §7.8).
pub fn preflight_on(
    site: &Site,
    live: &LiveState,
    data: &DataFacts,
    op: &Operation,
    maintenance_since: Option<f64>,
    now: f64,
) -> Result<Plan, TargetError> {
    let mut plan = plan_on(site, live, data, op, maintenance_since, now)?;
    let hopeful = crate::verdict::optimistic(live);
    if plan.verdict != Verdict::Refused || hopeful == *live {
        return Ok(plan);
    }
    let other = plan_on(site, &hopeful, data, op, maintenance_since, now)?;
    for (mine, theirs) in [
        (&mut plan.refusals, &other.refusals),
        (&mut plan.degradations, &other.degradations),
    ] {
        let (sure, unsure): (Vec<String>, Vec<String>) = std::mem::take(mine)
            .into_iter()
            .partition(|r| theirs.contains(r));
        *mine = sure;
        plan.uncertain.extend(
            unsure
                .into_iter()
                .map(|r| format!("if the unknown items are down: {r}")),
        );
    }
    plan.lost_loads.retain(|l| other.lost_loads.contains(l));
    plan.unprotected_loads
        .retain(|l| other.unprotected_loads.contains(l));
    if plan.refusals.is_empty() {
        plan.verdict = Verdict::Uncertain;
    }
    Ok(plan)
}

fn plan_on(
    site: &Site,
    live: &LiveState,
    data: &DataFacts,
    op: &Operation,
    maintenance_since: Option<f64>,
    now: f64,
) -> Result<Plan, TargetError> {
    let target = resolve(site, &op.target)?;
    let (after_live, partner) = apply(site, live, op)?;
    // one memo through both: the site after the operation differs by its target, so the
    // second classification re-runs only what the target reaches
    let mut memo = Memo::default();
    let before = classify_with(site, live, &mut memo);
    let after = classify_with(site, &after_live, &mut memo);

    let mut refusals = Vec::new();
    let mut degradations = Vec::new();

    let lost_loads: Vec<Id> = after
        .unserved_loads
        .iter()
        .filter(|l| !before.unserved_loads.contains(l))
        .cloned()
        .collect();
    if !lost_loads.is_empty() {
        refusals.push(format!("{} would lose supply", lost_loads.join(", ")));
    }
    if let Some(p) = &partner {
        let state = live.member_state(p);
        if state != MemberState::Ok {
            refusals.push(format!("{p} is {} and cannot take over", state.name()));
        }
    }
    let unprotected_loads: Vec<Id> = after
        .unprotected_loads
        .iter()
        .filter(|l| !before.unprotected_loads.contains(l))
        .cloned()
        .collect();
    if !unprotected_loads.is_empty() {
        refusals.push(format!(
            "{} would be left unprotected (no working UPS on any path)",
            unprotected_loads.join(", ")
        ));
    }
    let unit_loads = unit_loads(site, live, &after_live);
    judge_loads(&unit_loads, &mut refusals, &mut degradations);
    let moves = moves(site, &op.kind, &op.target, live, &after_live);
    for m in &moves {
        match &m.to {
            None => refusals.push(format!("{} would have no node left to run on", m.resource)),
            Some(to) => degradations.push(format!(
                "{} moves from {} to {to}: about {} s without service",
                m.resource,
                m.from.as_deref().unwrap_or("nowhere"),
                crate::classify::fmt_num(m.interruption_s)
            )),
        }
    }
    if let Some(r) = raid_exposure(site, &target, &op.target, live)
        && matches!(op.kind, super::OpKind::Drain)
    {
        refusals.push(r);
    }
    let uncertain = uncertain(
        site,
        live,
        data,
        &partners(site, &before, &target, &op.target),
    );

    let own = target_group(&target);
    let mut groups = Vec::new();
    for (b, a) in before.groups.iter().zip(&after.groups) {
        if b.live != a.live || own == Some(b.id.as_str()) {
            groups.push(group_change(site, b, a, (live, &after_live)));
        }
        if a.live.tolerance < 0 && b.live.tolerance >= 0 {
            refusals.push(format!("{} would be lost: {}", a.id, a.live.reason));
        } else if a.live.grade < b.live.grade {
            degradations.push(format!(
                "{} falls from {} to {} ({} -> {})",
                a.id, b.live.grade, a.live.grade, b.live.label, a.live.label
            ));
        }
    }

    let subsystems: Vec<SubsystemChange> = before
        .subsystems
        .iter()
        .zip(&after.subsystems)
        .filter(|(b, _)| b.in_scope)
        .map(|(b, a)| SubsystemChange {
            subsystem: b.subsystem.name(),
            tier_before: b.live.tier,
            tier_after: a.live.tier,
            label_before: b.live_label.clone(),
            label_after: a.live_label.clone(),
        })
        .collect();
    if after.live_tier < before.live_tier {
        degradations.push(format!(
            "live tier falls from {} to {} (design {})",
            before.live_tier, after.live_tier, before.design_tier
        ));
    }
    let spofs_before = live_spofs(&before);
    let new_spofs: Vec<String> = live_spofs(&after)
        .into_iter()
        .filter(|s| !spofs_before.contains(s))
        .collect();
    if !new_spofs.is_empty() {
        degradations.push(format!(
            "new single points of failure: {}",
            new_spofs.join(", ")
        ));
    }

    let verdict = if !refusals.is_empty() {
        Verdict::Refused
    } else if !uncertain.is_empty() {
        Verdict::Uncertain
    } else if !degradations.is_empty() {
        Verdict::Degrades
    } else {
        Verdict::Safe
    };
    let in_maintenance = match target {
        Target::Element { .. } => live.element_state(&op.target).is_unavailable(),
        _ => live.member_state(&op.target) != MemberState::Ok,
    };
    Ok(Plan {
        operation: op.describe(),
        verdict,
        design_tier: before.design_tier,
        live_tier_before: before.live_tier,
        live_tier_after: after.live_tier,
        subsystems,
        groups,
        new_spofs,
        lost_loads,
        unprotected_loads,
        unit_loads,
        moves,
        uncertain,
        refusals,
        degradations,
        in_maintenance_for_s: maintenance_since
            .filter(|_| in_maintenance)
            .map(|t| (now - t).max(0.0)),
        site_level: target.is_site_level(),
    })
}
