//! What the faces show from the agents' latest answers beside the verdict: each element's
//! figures and each member's role, from agents whose data is still in use.

use std::collections::BTreeMap;

use super::{AgentStatus, Freshness};
use crate::api::Metrics;
use crate::model::Id;

/// Each element's latest figures from agents that are fresh or stale (a dead agent's numbers
/// would be shown as current when they are not); two agents reporting one element: the
/// newer observation wins.
pub fn latest_figures(agents: &[AgentStatus]) -> BTreeMap<Id, Metrics> {
    let mut latest: BTreeMap<Id, (f64, &Metrics)> = BTreeMap::new();
    for a in agents {
        if !matches!(a.freshness, Freshness::Fresh | Freshness::Stale) {
            continue;
        }
        let Some(snap) = &a.snapshot else { continue };
        for e in snap.elements.iter().filter(|e| !e.metrics.is_empty()) {
            let newer = latest
                .get(e.id.as_str())
                .is_none_or(|(at, _)| e.observed_at > *at);
            if newer {
                latest.insert(e.id.to_string(), (e.observed_at, &e.metrics));
            }
        }
    }
    latest
        .into_iter()
        .map(|(id, (_, m))| (id, m.clone()))
        .collect()
}

/// Each member's role words from the freshest answer that has them (`MASTER`, `BACKUP`,
/// `active`, `backup`): which member of a group carries its work now. From fresh or stale
/// agents only, like the figures.
pub fn latest_roles(agents: &[AgentStatus]) -> BTreeMap<Id, Vec<String>> {
    const ROLES: [&str; 4] = ["MASTER", "BACKUP", "active", "backup"];
    let mut latest: BTreeMap<Id, (f64, Vec<String>)> = BTreeMap::new();
    for a in agents {
        if !matches!(a.freshness, Freshness::Fresh | Freshness::Stale) {
            continue;
        }
        let Some(snap) = &a.snapshot else { continue };
        for m in &snap.members {
            let roles: Vec<String> = m
                .flags
                .iter()
                .filter(|f| ROLES.contains(&f.as_str()))
                .map(ToString::to_string)
                .collect();
            if roles.is_empty() {
                continue;
            }
            let newer = latest
                .get(m.id.as_str())
                .is_none_or(|(at, _)| m.observed_at > *at);
            if newer {
                latest.insert(m.id.to_string(), (m.observed_at, roles));
            }
        }
    }
    latest.into_iter().map(|(id, (_, r))| (id, r)).collect()
}
