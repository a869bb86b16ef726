//! IT-level redundancy groups graded on the IT-analog scale of docs/tier-rules.md §2.8: RAID arrays,
//! bonds, spanning-tree uplink groups, first-hop gateway groups and quorum clusters. These
//! grades never enter the Uptime site tier.
//!
//! Every kind reduces to the same shape: members that are up or not, the components each
//! member hangs off (`via`), components every member shares, and a kind-specific rule that
//! turns an up/down pattern into the tolerance t. SPOFs and grades are derived from that
//! shape here, so the kinds only state their rule.

mod cluster;
pub use cluster::{Votes, votes};
mod network;
#[cfg(test)]
mod network_tests;
#[cfg(test)]
mod prop_tests;
mod raid;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;

use crate::classify::report::{GroupAssessment, GroupReport, Tier};
use crate::model::{Id, LiveState, MemberState, Site};

/// Failover budget when the site's own is unusable (docs/tier-rules.md §6.7: a redcon convention).
const DEFAULT_BUDGET_S: f64 = 5.0;

/// Grade every RAID array, bond, bridge group, gateway group and cluster of `site`, as designed
/// (everything ok) and as it stands in `live`.
pub fn grade_groups(site: &Site, live: &LiveState) -> Vec<GroupReport> {
    let budget = if site.network_budget_s.is_finite() && site.network_budget_s >= 0.0 {
        site.network_budget_s
    } else {
        DEFAULT_BUDGET_S
    };
    let mut out = Vec::new();
    out.extend(site.raid.iter().map(|r| raid::grade(r, live, budget)));
    out.extend(
        site.bonds
            .iter()
            .map(|b| network::grade_bond(b, live, budget)),
    );
    out.extend(
        site.bridges
            .iter()
            .map(|g| network::grade_bridge(g, live, budget)),
    );
    out.extend(
        site.gateways
            .iter()
            .map(|g| network::grade_gateway(g, live, budget)),
    );
    out.extend(
        site.clusters
            .iter()
            .map(|c| cluster::grade(c, live, budget)),
    );
    out
}

/// The design judges the group with everything working; live reads the overlay.
#[derive(Debug, Clone, Copy)]
pub(super) enum View<'a> {
    Design,
    Live(&'a LiveState),
}

impl View<'_> {
    pub(super) fn member(self, id: &str) -> MemberState {
        match self {
            View::Design => MemberState::Ok,
            View::Live(l) => l.member_state(id),
        }
    }

    /// Components (switches, controllers, witnesses) may be reported as IT members or as site
    /// elements; the member entry wins because it is the more specific report.
    pub(super) fn component_state(self, id: &str) -> Option<&'static str> {
        let View::Live(l) = self else { return None };
        match l.members.get(id) {
            Some(s @ (MemberState::Failed | MemberState::Maintenance | MemberState::Unknown)) => {
                Some(s.name())
            }
            Some(_) => None,
            None => {
                let s = l.element_state(id);
                s.is_unavailable().then(|| s.name())
            }
        }
    }

    pub(super) fn component_down(self, id: &str) -> bool {
        self.component_state(id).is_some()
    }
}

/// A member as the tolerance rule sees it.
pub(super) struct Member<'a> {
    pub id: &'a str,
    /// What it depends on beyond itself.
    pub via: Vec<&'a str>,
}

/// The kind-agnostic shape of a group.
pub(super) struct Shape<'a> {
    pub members: Vec<Member<'a>>,
    /// Named as shared by the model: a controller, `shared`, a disk-only witness.
    pub explicit_shared: Vec<&'a str>,
}

impl<'a> Shape<'a> {
    /// Explicitly shared components plus whatever sits in every member's `via`. One member
    /// shares nothing with anyone: its own `via` shows up through the SPOF rule instead.
    pub(super) fn shared(&self) -> Vec<Id> {
        let mut out: Vec<Id> = Vec::new();
        self.explicit_shared
            .iter()
            .for_each(|id| push_unique(&mut out, id));
        if let [first, rest @ ..] = self.members.as_slice()
            && !rest.is_empty()
        {
            for c in &first.via {
                if rest.iter().all(|m| m.via.contains(c)) {
                    push_unique(&mut out, c);
                }
            }
        }
        out
    }

    /// Which members are up, given `own_up` for the member's own state. A member whose `via`
    /// is down is down; a shared component down takes every member with it.
    pub(super) fn up_mask(
        &self,
        view: View,
        shared: &[Id],
        own_up: impl Fn(usize, &str, MemberState) -> bool,
    ) -> Scenario {
        let shared_down: Vec<String> = shared
            .iter()
            .filter_map(|id| view.component_state(id).map(|s| format!("{id} is {s}")))
            .collect();
        let mut notes = Vec::new();
        let up = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let own = own_up(i, m.id, view.member(m.id));
                let dead_via: Vec<&str> = m
                    .via
                    .iter()
                    .copied()
                    .filter(|c| !shared.iter().any(|s| s == c) && view.component_down(c))
                    .collect();
                if own && !dead_via.is_empty() {
                    notes.push(format!(
                        "{} is cut off because {} is down",
                        m.id,
                        dead_via.join(", ")
                    ));
                }
                own && dead_via.is_empty() && shared_down.is_empty()
            })
            .collect();
        Scenario {
            up,
            shared_down,
            notes,
        }
    }

    /// shared ∪ members whose single loss makes t < 0 ∪ components whose single loss does.
    /// The component test covers "the via of a critical member" and also a switch that carries
    /// several members which only together are critical.
    pub(super) fn spofs(
        &self,
        up: &[bool],
        shared: &[Id],
        rule: &dyn Fn(&[bool]) -> i32,
    ) -> Vec<Id> {
        let mut out: Vec<Id> = Vec::new();
        if rule(up) >= 0 {
            for (i, m) in self.members.iter().enumerate() {
                if up.get(i).copied().unwrap_or(false) {
                    let without: Vec<bool> =
                        up.iter().enumerate().map(|(j, &u)| u && j != i).collect();
                    if rule(&without) < 0 {
                        push_unique(&mut out, m.id);
                    }
                }
            }
            for c in self.members.iter().flat_map(|m| m.via.iter().copied()) {
                if shared.iter().any(|s| s == c) || out.iter().any(|o| o == c) {
                    continue;
                }
                let without: Vec<bool> = self
                    .members
                    .iter()
                    .zip(up)
                    .map(|(m, &u)| u && !m.via.contains(&c))
                    .collect();
                if rule(&without) < 0 {
                    push_unique(&mut out, c);
                }
            }
        }
        shared.iter().for_each(|s| push_unique(&mut out, s));
        out
    }
}

fn push_unique(out: &mut Vec<Id>, id: &str) {
    if !out.iter().any(|o| o == id) {
        out.push(id.to_string());
    }
}

/// Members up in one view, and why some are not.
pub(super) struct Scenario {
    pub up: Vec<bool>,
    /// "RC-1 is failed" for each shared component that is down.
    pub shared_down: Vec<String>,
    pub notes: Vec<String>,
}

impl Scenario {
    pub(super) fn count(&self) -> u32 {
        count_up(&self.up)
    }
}

pub(super) fn count_up(up: &[bool]) -> u32 {
    u32::try_from(up.iter().filter(|&&u| u).count()).unwrap_or(u32::MAX)
}

pub(super) fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a kind found about one view, before grading.
pub(super) struct Outcome {
    pub need: u32,
    pub available: u32,
    pub tolerance: i32,
    pub best_case: Option<i32>,
    pub failover_s: Option<f64>,
    pub automatic: bool,
    /// Why it is not serving, when the tolerance is negative.
    pub down_reason: Option<String>,
}

/// Derived, never stored: the label follows t.
pub(super) fn label(t: i32) -> String {
    match t {
        t if t < 0 => "failed".to_string(),
        0 => "N (no redundancy left)".to_string(),
        t => format!("N+{t}"),
    }
}

fn within_budget(failover_s: Option<f64>, automatic: bool, budget: f64) -> bool {
    // An unknown failover time cannot be shown to fit the budget.
    automatic && failover_s.is_some_and(|f| f.is_finite() && f <= budget)
}

pub(super) fn grade(
    t: i32,
    shared: bool,
    failover_s: Option<f64>,
    automatic: bool,
    budget: f64,
) -> Tier {
    if t < 0 {
        Tier::ZERO
    } else if t == 0 {
        Tier::I
    } else if shared {
        Tier::II
    } else if within_budget(failover_s, automatic, budget) {
        Tier::IV
    } else {
        Tier::III
    }
}

/// Numbers for people: 3.609375 → "3.61", 50.0 → "50".
pub(super) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "a", "a or b", "a, b or c".
pub(super) fn join_or(items: &[Id]) -> String {
    join_with(items, "or")
}

pub(super) fn join_and(items: &[Id]) -> String {
    join_with(items, "and")
}

fn join_with(items: &[Id], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// Turn an outcome into an assessment with its grade and one-sentence reason. `noun` names
/// the group in the reason ("array", "bond", "cluster").
pub(super) fn assess(
    o: Outcome,
    shared: Vec<Id>,
    spofs: Vec<Id>,
    noun: &str,
    budget: f64,
) -> GroupAssessment {
    let t = o.tolerance;
    let grade = grade(t, !shared.is_empty(), o.failover_s, o.automatic, budget);
    let reason = match grade.0 {
        0 => format!(
            "Not serving: {}.",
            o.down_reason.clone().unwrap_or_else(|| format!(
                "{} of {} needed members are available",
                o.available, o.need
            ))
        ),
        1 if spofs.is_empty() => format!("No redundancy left in the {noun}."),
        1 => format!(
            "No redundancy left: losing {} would stop the {noun}.",
            join_or(&spofs)
        ),
        2 => format!(
            "t = {t} but {} {} shared by every member.",
            join_and(&shared),
            if shared.len() == 1 { "is" } else { "are" }
        ),
        3 => match o.failover_s {
            _ if !o.automatic => {
                format!(
                    "t = {t} and nothing is shared, but failover is manual, so only a planned drain is hitless."
                )
            }
            Some(f) => format!(
                "t = {t} and nothing is shared, but failover takes {} s, over the {} s budget, so only a planned drain is hitless.",
                num(f),
                num(budget)
            ),
            None => format!("t = {t} and nothing is shared, but the failover time is unknown."),
        },
        _ => format!(
            "t = {t}, nothing is shared and failover is automatic {}, within the {} s budget.",
            match o.failover_s {
                Some(f) if f <= 0.0 => "and immediate".to_string(),
                Some(f) => format!("in {} s", num(f)),
                None => String::new(),
            },
            num(budget)
        ),
    };
    GroupAssessment {
        need: o.need,
        available: o.available,
        tolerance: t,
        best_case: o.best_case,
        label: label(t),
        grade,
        shared,
        failover_s: o.failover_s,
        automatic: o.automatic,
        spofs,
        reason,
    }
}
