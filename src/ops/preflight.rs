//! Preflight: classify the site as it is and as it would be after the operation, and judge
//! the difference. Safe, degrades (the live tier falls or a new single point of failure
//! appears), or refused (a load or a group would be lost).

use serde::{Deserialize, Serialize};

use crate::classify::itgroups::{Votes, votes};
use crate::classify::{Classification, GroupReport, Tier, classify};
use crate::model::{Id, LiveState, MemberState, Site};

use super::Operation;
use super::target::{Target, TargetError, apply, resolve};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Safe,
    Degrades,
    Refused,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Safe => "SAFE",
            Verdict::Degrades => "DEGRADES",
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
    let target = resolve(site, &op.target)?;
    let (after_live, partner) = apply(site, live, op)?;
    let before = classify(site, live);
    let after = classify(site, &after_live);

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
        refusals,
        degradations,
        in_maintenance_for_s: maintenance_since
            .filter(|_| in_maintenance)
            .map(|t| (now - t).max(0.0)),
        site_level: target.is_site_level(),
    })
}
