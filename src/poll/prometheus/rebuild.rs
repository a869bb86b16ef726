//! From the series Prometheus holds for a job back to the snapshots its agents served, so
//! the console's merge and verdict run on them exactly as on a direct poll. Pure: the
//! answers and the moment in, one `AgentStatus` per agent out.
//!
//! What is not there is unknown, never healthy: an agent with no current series (Prometheus
//! marked them stale, or its target is down, `up == 0`) has no snapshot, so every item it
//! owns is unknown; an item whose state set does not have exactly one state at 1, or whose
//! age is missing, is left out of its snapshot and so is unknown too.

use std::collections::BTreeMap;

use smol_str::SmolStr;
use tokio::time::Instant;

use super::answer::{Labels, Sample};
use crate::api::{
    AgentInfo, ElementReport, MemberReport, Metrics, SCHEMA_VERSION, Snapshot, TankReport,
};
use crate::config::PollPolicy;
use crate::model::{ElementState, MemberState, Rebuild, text};
use crate::openmetrics::figures::{KNOWN, exposed};
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

/// One item's series, gathered.
#[derive(Default)]
struct Item {
    states: Vec<(String, f64)>,
    age: Option<f64>,
    /// By name: series come in no promised order, and a figure list that reorders
    /// between readings would make the faces flicker.
    metrics: BTreeMap<String, f64>,
    flags: Vec<SmolStr>,
    position: Option<SmolStr>,
    progress: Option<f64>,
    eta_s: Option<f64>,
    tank_s: Option<f64>,
}

/// The item kinds a series can be about, by the label that names the item.
const KEYS: [&str; 3] = ["element", "member", "tank"];

/// The snapshot agent `name` served, as of its scrape at `at`, and the items that could
/// not be read back (each naming the item).
fn snapshot(name: &str, series: &[&Sample], at: f64) -> (Snapshot, Vec<String>) {
    let mut items: [BTreeMap<String, Item>; 3] = Default::default();
    let mut generated_at = f64::NAN;
    let mut info = AgentInfo {
        id: name.to_string(),
        version: String::new(),
        hostname: None,
    };
    let mut errors = Vec::new();
    for s in series {
        let l = &s.labels;
        let metric = label(l, "__name__").unwrap_or_default();
        match metric {
            "redcon_agent_info" => {
                info.version = label(l, "version").unwrap_or_default().to_string();
                info.hostname = label(l, "hostname")
                    .filter(|h| !h.is_empty())
                    .map(String::from);
                continue;
            }
            "redcon_snapshot_age_seconds" => {
                generated_at = at - s.value;
                continue;
            }
            _ => {}
        }
        let Some((k, id)) = KEYS
            .iter()
            .enumerate()
            .find_map(|(k, key)| Some((k, label(l, key)?)))
        else {
            continue;
        };
        if let Some(why) = text::problem(id, text::MAX_ID_BYTES) {
            errors.push(format!(
                "{} {:?} {why}",
                KEYS.get(k).copied().unwrap_or_default(),
                text::shown(id, 40)
            ));
            continue;
        }
        let Some(map) = items.get_mut(k) else {
            continue;
        };
        let item = map.entry(id.to_string()).or_default();
        let on = s.value == 1.0;
        match metric {
            "redcon_element_state" | "redcon_member_state" | "redcon_tank_state" => {
                let state = label(l, "state").unwrap_or_default().to_string();
                item.states.push((state, s.value));
            }
            "redcon_data_age_seconds" => item.age = Some(s.value),
            "redcon_rebuild_progress_ratio" => item.progress = Some(s.value),
            "redcon_rebuild_remaining_seconds" => item.eta_s = Some(s.value),
            "redcon_tank_runtime_seconds" => item.tank_s = Some(s.value),
            "redcon_transfer_position" if on => {
                item.position = label(l, "input").map(SmolStr::from);
            }
            "redcon_item_flag" if on => {
                if let Some(f) = label(l, "flag") {
                    item.flags.push(f.into());
                }
            }
            "redcon_item_metric" if s.value.is_finite() => {
                if let Some(m) = label(l, "metric") {
                    item.metrics.insert(m.to_string(), s.value);
                }
            }
            other if s.value.is_finite() => {
                let figure = KNOWN
                    .iter()
                    .find(|(_, n, unit, ..)| exposed(n, Some(*unit)) == other);
                if let Some(&(wire, _, _, scale, _)) = figure {
                    item.metrics.insert(wire.to_string(), scale.undo(s.value));
                }
            }
            _ => {}
        }
    }
    let [mut elements, mut members, tanks] = items;
    // series come in no promised order: flags are kept sorted, not in Prometheus's order
    for item in elements.values_mut().chain(members.values_mut()) {
        item.flags.sort();
        item.flags.dedup();
    }
    let mut snap = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: info,
        generated_at,
        elements: Vec::new(),
        members: Vec::new(),
        tanks: Vec::new(),
        host: None,
    };
    // an item is there when its state set is; its reading is as old as its age says
    let read = |word: &str, id: &str, item: &Item, errors: &mut Vec<String>| -> Option<f64> {
        if item.states.is_empty() {
            return None;
        }
        let Some(age) = item.age.filter(|a| a.is_finite()) else {
            errors.push(format!("{word} {id}: no redcon_data_age_seconds: unknown"));
            return None;
        };
        Some(at - age)
    };
    for (id, item) in &elements {
        let Some(observed_at) = read("element", id, item, &mut errors) else {
            continue;
        };
        match one::<ElementState>(&item.states) {
            Ok(state) => snap.elements.push(ElementReport {
                id: id.into(),
                state,
                observed_at,
                flags: item.flags.clone(),
                metrics: figures(&item.metrics),
                position: item.position.clone(),
            }),
            Err(why) => errors.push(format!("element {id}: {why}: unknown")),
        }
    }
    for (id, item) in &members {
        let Some(observed_at) = read("member", id, item, &mut errors) else {
            continue;
        };
        match one::<MemberState>(&item.states) {
            Ok(state) => snap.members.push(MemberReport {
                id: id.into(),
                state,
                observed_at,
                rebuild: item.progress.map(|progress| Rebuild {
                    progress,
                    eta_min: item.eta_s.map(|s| s / 60.0),
                }),
                flags: item.flags.clone(),
                metrics: figures(&item.metrics),
            }),
            Err(why) => errors.push(format!("member {id}: {why}: unknown")),
        }
    }
    for (id, item) in &tanks {
        let Some(observed_at) = read("tank", id, item, &mut errors) else {
            continue;
        };
        match one::<ElementState>(&item.states) {
            Ok(state) => snap.tanks.push(TankReport {
                id: id.clone(),
                state,
                hours: item.tank_s.map(|s| s / 3600.0),
                observed_at,
            }),
            Err(why) => errors.push(format!("tank {id}: {why}: unknown")),
        }
    }
    (snap, errors)
}

fn figures(m: &BTreeMap<String, f64>) -> Metrics {
    let mut out = Metrics::new();
    for (k, v) in m {
        out.insert(k, *v);
    }
    out
}

/// The one state of a state set at 1, by its machine word.
fn one<E>(states: &[(String, f64)]) -> Result<E, String>
where
    E: strum::VariantArray + Copy + 'static,
    &'static str: From<E>,
{
    let on: Vec<&str> = states
        .iter()
        .filter(|(_, v)| *v == 1.0)
        .map(|(s, _)| s.as_str())
        .collect();
    let [word] = on.as_slice() else {
        return Err(format!("{} states at 1 in its state set", on.len()));
    };
    E::VARIANTS
        .iter()
        .copied()
        .find(|v| <&'static str>::from(*v) == *word)
        .ok_or_else(|| format!("state {:?} is not one redcon knows", text::shown(word, 40)))
}

#[cfg(test)]
#[path = "rebuild_tests.rs"]
mod tests;
