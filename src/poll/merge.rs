//! From what the agents said to one `LiveState` for the engine. Honest by construction:
//! an element whose agent is dead, or that its agent did not report, is `unknown`.

use std::collections::{BTreeMap, BTreeSet};

use super::{AgentStatus, Freshness};
use crate::model::{ElementState, LiveState, MemberState, Rebuild, Site, TankLive};

/// Everything the site says an agent is responsible for.
#[derive(Debug, Default)]
struct Owned<'a> {
    elements: Vec<&'a str>,
    fuel: Vec<&'a str>,
    water: Vec<&'a str>,
    members: Vec<&'a str>,
}

fn owned_by<'a>(site: &'a Site) -> BTreeMap<&'a str, Owned<'a>> {
    let mut m: BTreeMap<&str, Owned> = BTreeMap::new();
    for e in &site.elements {
        if let Some(a) = e.agent.as_deref() {
            m.entry(a).or_default().elements.push(&e.id);
        }
    }
    for t in &site.fuel_tanks {
        if let Some(a) = t.agent.as_deref() {
            m.entry(a).or_default().fuel.push(&t.id);
        }
    }
    for t in &site.makeup_water {
        if let Some(a) = t.agent.as_deref() {
            m.entry(a).or_default().water.push(&t.id);
        }
    }
    let mut members = |agent: Option<&'a str>, ids: Vec<&'a str>| {
        if let Some(a) = agent {
            m.entry(a).or_default().members.extend(ids);
        }
    };
    for r in &site.raid {
        members(
            r.agent.as_deref(),
            r.members
                .iter()
                .chain(&r.spares)
                .map(String::as_str)
                .collect(),
        );
    }
    for b in &site.bonds {
        members(
            b.agent.as_deref(),
            b.members.iter().map(|x| x.id.as_str()).collect(),
        );
    }
    for g in &site.bridges {
        members(
            g.agent.as_deref(),
            g.members.iter().map(|x| x.id.as_str()).collect(),
        );
    }
    for g in &site.gateways {
        members(
            g.agent.as_deref(),
            g.members.iter().map(|x| x.id.as_str()).collect(),
        );
    }
    for c in &site.clusters {
        members(
            c.agent.as_deref(),
            c.nodes.iter().map(|x| x.id.as_str()).collect(),
        );
    }
    m
}

/// The live state the agents describe, and what could not be used (each naming its agent).
pub fn live_state(site: &Site, agents: &[AgentStatus]) -> (LiveState, Vec<String>) {
    let mut live = LiveState::default();
    let mut problems = Vec::new();
    let owned = owned_by(site);
    let elements: BTreeSet<&str> = site.elements.iter().map(|e| e.id.as_str()).collect();
    let switch_inputs: BTreeMap<&str, Vec<&str>> = site
        .elements
        .iter()
        .filter(|e| e.kind.is_selector())
        .map(|e| (e.id.as_str(), e.inputs.iter().map(String::as_str).collect()))
        .collect();
    let fuel: BTreeSet<&str> = site.fuel_tanks.iter().map(|t| t.id.as_str()).collect();
    let water: BTreeSet<&str> = site.makeup_water.iter().map(|t| t.id.as_str()).collect();
    let polled: BTreeSet<&str> = agents.iter().map(|a| a.name.as_str()).collect();
    for (name, o) in &owned {
        if !polled.contains(name) {
            problems.push(format!(
                "{name}: named in the site but not configured: its items are unknown"
            ));
            mark_unknown(&mut live, o);
        }
    }
    for a in agents {
        let mine = owned.get(a.name.as_str());
        let usable = matches!(a.freshness, Freshness::Fresh | Freshness::Stale);
        let Some(snap) = a.snapshot.as_ref().filter(|_| usable) else {
            if let Some(o) = mine {
                mark_unknown(&mut live, o);
            }
            continue;
        };
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for e in &snap.elements {
            if !elements.contains(e.id.as_str()) {
                problems.push(format!(
                    "{}: reports element {} which the site does not have",
                    a.name, e.id
                ));
                continue;
            }
            seen.insert(&e.id);
            if e.state != ElementState::Ok {
                live.elements.insert(e.id.to_string(), e.state);
            }
            if let Some(m) = e.metrics.get("runtime_min") {
                live.battery_runtime_min.insert(e.id.to_string(), m);
            }
            if let Some(p) = &e.position {
                if switch_inputs
                    .get(e.id.as_str())
                    .is_some_and(|ins| ins.contains(&p.as_str()))
                {
                    live.positions.insert(e.id.to_string(), p.to_string());
                } else {
                    problems.push(format!(
                        "{}: reports {} on input {p}, which is not an input of that transfer switch",
                        a.name, e.id
                    ));
                }
            }
        }
        for t in &snap.tanks {
            let entry = TankLive {
                state: t.state,
                hours: t.hours,
            };
            if fuel.contains(t.id.as_str()) {
                live.fuel_tanks.insert(t.id.clone(), entry);
            } else if water.contains(t.id.as_str()) {
                live.makeup_water.insert(t.id.clone(), entry);
            } else {
                problems.push(format!(
                    "{}: reports tank {} which the site does not have",
                    a.name, t.id
                ));
                continue;
            }
            seen.insert(&t.id);
        }
        for m in &snap.members {
            seen.insert(&m.id);
            if m.state != MemberState::Ok {
                live.members.insert(m.id.to_string(), m.state);
            }
            if let Some(Rebuild { progress, eta_min }) = m.rebuild {
                live.rebuilds.insert(
                    m.id.to_string(),
                    Rebuild {
                        progress: progress.clamp(0.0, 1.0),
                        eta_min,
                    },
                );
            }
        }
        // what the agent should have reported but did not (or sent malformed) is unknown
        if let Some(o) = mine {
            let missing = Owned {
                elements: o
                    .elements
                    .iter()
                    .copied()
                    .filter(|id| !seen.contains(id))
                    .collect(),
                fuel: o
                    .fuel
                    .iter()
                    .copied()
                    .filter(|id| !seen.contains(id))
                    .collect(),
                water: o
                    .water
                    .iter()
                    .copied()
                    .filter(|id| !seen.contains(id))
                    .collect(),
                members: o
                    .members
                    .iter()
                    .copied()
                    .filter(|id| !seen.contains(id))
                    .collect(),
            };
            let n = missing.elements.len()
                + missing.fuel.len()
                + missing.water.len()
                + missing.members.len();
            if n > 0 {
                let all: Vec<&str> = missing
                    .elements
                    .iter()
                    .chain(&missing.fuel)
                    .chain(&missing.water)
                    .chain(&missing.members)
                    .copied()
                    .collect();
                problems.push(format!(
                    "{}: did not report {}: unknown",
                    a.name,
                    all.join(", ")
                ));
                mark_unknown(&mut live, &missing);
            }
        }
    }
    (live, problems)
}

fn mark_unknown(live: &mut LiveState, o: &Owned) {
    for id in &o.elements {
        live.elements.insert(id.to_string(), ElementState::Unknown);
    }
    for id in &o.fuel {
        live.fuel_tanks.insert(
            id.to_string(),
            TankLive {
                state: ElementState::Unknown,
                hours: None,
            },
        );
    }
    for id in &o.water {
        live.makeup_water.insert(
            id.to_string(),
            TankLive {
                state: ElementState::Unknown,
                hours: None,
            },
        );
    }
    for id in &o.members {
        live.members.insert(id.to_string(), MemberState::Unknown);
    }
}
