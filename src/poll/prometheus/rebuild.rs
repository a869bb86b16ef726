//! From the series Prometheus holds for a job back to the snapshots its agents served, so
//! the console's merge and verdict run on them exactly as on a direct poll. Pure: the
//! answers and the moment in, one `AgentStatus` per agent out.
//!
//! What is not there is unknown, never healthy: an agent with no current series (Prometheus
//! marked them stale, or its target is down, `up == 0`) has no snapshot, so every item it
//! owns is unknown; an item whose state set does not have exactly one state at 1, or whose
//! age is missing, is left out of its snapshot and so is unknown too.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::answer::{Labels, Sample};
use super::snapshot::snapshot;
use crate::api::Snapshot;
use crate::config::PollPolicy;
use crate::poll::{AgentStatus, Freshness};

/// The instant queries one reading is made of, each already restricted to the job.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Every `redcon_*` series of the job now.
    pub series: Vec<Sample>,
    /// `timestamp(redcon_snapshot_age_seconds)`: when each target was last scraped.
    pub scraped: Vec<Sample>,
    /// `up`: whether each target's last scrape succeeded.
    pub up: Vec<Sample>,
    /// `redcon_agent_info` over the look-back: which agent a target is, also once it is down.
    pub known: Vec<Sample>,
    /// Items whose change to the state they are in shows in the history (`since`).
    pub changes: BTreeMap<super::since::ItemKey, (String, f64)>,
}

/// Where the reading came from, for the errors it names.
pub struct Origin<'a> {
    pub server: &'a str,
    pub job: &'a str,
}

fn label<'s>(l: &'s Labels, key: &str) -> Option<&'s str> {
    l.get(key).map(String::as_str)
}

/// Each target's (`instance`) agent id, from `redcon_agent_info` series.
fn agents_by_instance(info: &[Sample]) -> BTreeMap<&str, &str> {
    info.iter()
        .filter(|s| label(&s.labels, "__name__").is_none_or(|n| n == "redcon_agent_info"))
        .filter_map(|s| Some((label(&s.labels, "instance")?, label(&s.labels, "agent")?)))
        .collect()
}

/// One status per agent in `agents` (name, base URL for operations) at `now`, the same
/// moment as `now_unix` on the wall clock.
pub fn statuses(
    reading: &Reading,
    agents: &[(String, String)],
    from: &Origin,
    policy: &PollPolicy,
    now: Instant,
    now_unix: f64,
) -> Vec<AgentStatus> {
    let info: Vec<Sample> = reading
        .series
        .iter()
        .filter(|s| label(&s.labels, "__name__") == Some("redcon_agent_info"))
        .cloned()
        .collect();
    let current = agents_by_instance(&info);
    let known = agents_by_instance(&reading.known);
    let up: BTreeMap<&str, f64> = reading
        .up
        .iter()
        .filter_map(|s| Some((label(&s.labels, "instance")?, s.value)))
        .collect();
    let scraped: BTreeMap<&str, f64> = reading
        .scraped
        .iter()
        .filter_map(|s| Some((label(&s.labels, "instance")?, s.value)))
        .collect();
    let mut by_instance: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for s in &reading.series {
        if let Some(i) = label(&s.labels, "instance") {
            by_instance.entry(i).or_default().push(s);
        }
    }
    let where_ = format!("prometheus {} (job {})", from.server, from.job);
    agents
        .iter()
        .map(|(name, url)| {
            let mut st = AgentStatus {
                url: url.clone(),
                ..AgentStatus::new(&crate::poll::AgentSpec {
                    name: name.clone(),
                    url: url.clone(),
                    interval: std::time::Duration::ZERO,
                    timeout: std::time::Duration::ZERO,
                })
            };
            st.polls = 1;
            let instances: Vec<&str> = current
                .iter()
                .filter(|(_, a)| **a == name.as_str())
                .map(|(i, _)| *i)
                .collect();
            let fail = |st: &mut AgentStatus, short: String, freshness: Freshness| {
                st.last_error_detail = Some(format!("{name}: {where_}: {short}"));
                st.last_error = Some(short);
                st.failures = 1;
                st.freshness = freshness;
            };
            let [instance] = instances.as_slice() else {
                if instances.len() > 1 {
                    let why = format!(
                        "targets {} all answer as this agent: none is used",
                        instances.join(", ")
                    );
                    fail(&mut st, why, Freshness::Dead);
                    return st;
                }
                // gone from the current answer: stale in Prometheus, or its target is down
                let was = known
                    .iter()
                    .find(|(_, a)| **a == name.as_str())
                    .map(|(i, _)| *i);
                let (why, freshness) = match was {
                    Some(i) if up.get(i) == Some(&0.0) => {
                        (format!("target {i} is down (up == 0)"), Freshness::Dead)
                    }
                    Some(i) => (
                        format!("target {i} has no current series (stale in Prometheus)"),
                        Freshness::Dead,
                    ),
                    None => (
                        "no target answers as this agent".to_string(),
                        Freshness::Never,
                    ),
                };
                fail(&mut st, why, freshness);
                return st;
            };
            if up.get(instance) == Some(&0.0) {
                fail(
                    &mut st,
                    format!("target {instance} is down (up == 0)"),
                    Freshness::Dead,
                );
                return st;
            }
            let Some(&at) = scraped.get(instance).filter(|t| t.is_finite()) else {
                let why = format!("target {instance} has no redcon_snapshot_age_seconds");
                fail(&mut st, why, Freshness::Dead);
                return st;
            };
            let series = by_instance.get(instance).map_or(&[][..], Vec::as_slice);
            let (snapshot, errors) = snapshot(name, series, at);
            let age = (now_unix - at).max(0.0);
            st.last_ok = now.checked_sub(crate::config::secs(age));
            st.item_errors = errors;
            st.since = dated(&snapshot, instance, &reading.changes);
            st.snapshot = Some(std::sync::Arc::new(snapshot));
            st.received = st.last_ok;
            st.refresh(now, policy);
            st
        })
        .collect()
}

/// The machine word of each item's state in `snap`.
pub fn states(snap: &Snapshot) -> BTreeMap<&str, &'static str> {
    let elements = snap
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.state.into()));
    let members = snap.members.iter().map(|m| (m.id.as_str(), m.state.into()));
    let tanks = snap.tanks.iter().map(|t| (t.id.as_str(), t.state.into()));
    elements.chain(members).chain(tanks).collect()
}

/// Since when each item of `snap` has been in its state, where the history dates it in
/// that same state.
fn dated(
    snap: &Snapshot,
    instance: &str,
    changes: &BTreeMap<super::since::ItemKey, (String, f64)>,
) -> BTreeMap<String, f64> {
    states(snap)
        .into_iter()
        .filter_map(|(id, word)| {
            let (was, t) = changes.get(&(instance.to_string(), id.to_string()))?;
            (was == word).then(|| (id.to_string(), *t))
        })
        .collect()
}

#[cfg(test)]
#[path = "rebuild_tests.rs"]
mod tests;
