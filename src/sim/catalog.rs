//! Who reports what: the agents of a site and the ids each one answers for, and the check
//! that an [`Action`] names something that exists and makes sense for it. Built from the
//! site alone, so a scenario file can be checked before any simulation runs.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Kind, Site};

use super::faults::{Action, FaultError};

/// The agent that serves whatever the site file assigns to no agent.
pub const DEFAULT_AGENT: &str = "sim";

/// A week: more than any battery plant holds.
const MAX_RUNTIME_MIN: f64 = 10_080.0;

/// The ids one agent reports, in site-file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reports {
    pub elements: Vec<String>,
    pub tanks: Vec<String>,
    /// IT-group members and the IT components they depend on (controllers, partner
    /// switches, `via`, `shared`) that are not site elements.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Element(Kind),
    Tank,
    Member,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    /// Every agent that reports it (a node can belong to groups of different agents).
    pub agents: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub site_name: String,
    pub agents: BTreeMap<String, Reports>,
    pub targets: BTreeMap<String, Target>,
}

fn agent_of(agent: Option<&String>) -> String {
    agent.map_or_else(|| DEFAULT_AGENT.to_string(), String::clone)
}

impl Catalog {
    pub fn new(site: &Site) -> Catalog {
        let mut c = Catalog {
            site_name: site.name.clone(),
            agents: BTreeMap::new(),
            targets: BTreeMap::new(),
        };
        for e in &site.elements {
            c.add(
                &agent_of(e.agent.as_ref()),
                &e.id,
                TargetKind::Element(e.kind),
            );
        }
        for t in site.fuel_tanks.iter().chain(&site.makeup_water) {
            c.add(&agent_of(t.agent.as_ref()), &t.id, TargetKind::Tank);
        }
        for (agent, ids) in it_groups(site) {
            for id in ids {
                // A `via` that is a site element keeps its element state and its own agent.
                if site.element(id).is_none() {
                    c.add(&agent_of(agent), id, TargetKind::Member);
                }
            }
        }
        c
    }

    fn add(&mut self, agent: &str, id: &str, kind: TargetKind) {
        let target = self.targets.entry(id.to_string()).or_insert(Target {
            kind,
            agents: BTreeSet::new(),
        });
        if !target.agents.insert(agent.to_string()) {
            return;
        }
        let reports = self.agents.entry(agent.to_string()).or_default();
        let list = match kind {
            TargetKind::Element(_) => &mut reports.elements,
            TargetKind::Tank => &mut reports.tanks,
            TargetKind::Member => &mut reports.members,
        };
        list.push(id.to_string());
    }

    /// Check an action against the site; on success, the agents whose answers it changes.
    pub fn check(&self, action: &Action) -> Result<BTreeSet<String>, FaultError> {
        match action {
            Action::Fail { target }
            | Action::Repair { target }
            | Action::Maintenance { target }
            | Action::Unknown { target } => self.element_or_tank(target, action),
            Action::Bypass { target } => {
                let agents = self.element_or_tank(target, action)?;
                if self.kind(target) == Some(TargetKind::Tank) {
                    return Err(nonsense(target, action, "a tank", "elements"));
                }
                Ok(agents)
            }
            Action::OnBattery {
                target,
                runtime_min,
            } => {
                let agents = self.element_or_tank(target, action)?;
                match self.kind(target) {
                    Some(TargetKind::Element(Kind::Ups)) => {}
                    Some(TargetKind::Element(k)) => {
                        return Err(nonsense(target, action, &format!("a {}", k.name()), "UPSs"));
                    }
                    _ => return Err(nonsense(target, action, "a tank", "UPSs")),
                }
                // Bounded so every metric derived from it stays a finite JSON number.
                match runtime_min {
                    Some(m) if !(0.0..=MAX_RUNTIME_MIN).contains(m) => {
                        Err(FaultError::Invalid(format!(
                            "on_battery {target}: runtime_min must be 0..={MAX_RUNTIME_MIN}, got {m}"
                        )))
                    }
                    _ => Ok(agents),
                }
            }
            Action::Member { target, .. } => match self.targets.get(target) {
                Some(Target {
                    kind: TargetKind::Member,
                    agents,
                }) => Ok(agents.clone()),
                Some(_) => Err(FaultError::Invalid(format!(
                    "member {target}: {target} is a site element or tank, not an IT-group \
                     member: use fail, repair, maintenance, bypass, on_battery or unknown"
                ))),
                None => Err(self.unknown("IT-group member", target)),
            },
            Action::Slow { agent, .. }
            | Action::Garbage { agent }
            | Action::Truncated { agent }
            | Action::Error { agent }
            | Action::WrongSchema { agent }
            | Action::Huge { agent, .. }
            | Action::Down { agent }
            | Action::Clear { agent } => {
                if self.agents.contains_key(agent) {
                    Ok(BTreeSet::from([agent.clone()]))
                } else {
                    Err(self.unknown("agent", agent))
                }
            }
        }
    }

    pub fn kind(&self, id: &str) -> Option<TargetKind> {
        self.targets.get(id).map(|t| t.kind)
    }

    fn element_or_tank(&self, id: &str, action: &Action) -> Result<BTreeSet<String>, FaultError> {
        match self.targets.get(id) {
            Some(Target {
                kind: TargetKind::Member,
                ..
            }) => Err(FaultError::Invalid(format!(
                "{} {id}: {id} is an IT-group member: use \
                 {{\"action\": \"member\", \"target\": \"{id}\", \"state\": \"failed\"}}",
                action.name()
            ))),
            Some(t) => Ok(t.agents.clone()),
            None => Err(self.unknown("element or tank", id)),
        }
    }

    fn unknown(&self, what: &'static str, target: &str) -> FaultError {
        FaultError::UnknownTarget {
            what,
            target: target.to_string(),
            site: self.site_name.clone(),
        }
    }
}

fn nonsense(target: &str, action: &Action, what: &str, applies_to: &str) -> FaultError {
    let name = action.name();
    FaultError::Invalid(format!(
        "{name} {target}: {target} is {what}; {name} applies only to {applies_to}"
    ))
}

/// Every IT group's agent with the ids it answers for: members first, then what they
/// depend on. The same names `model::validate` accepts in a live overlay.
fn it_groups(site: &Site) -> Vec<(Option<&String>, Vec<&String>)> {
    let mut out = Vec::new();
    for r in &site.raid {
        let ids = r.members.iter().chain(&r.spares).chain(&r.controller);
        out.push((r.agent.as_ref(), ids.collect()));
    }
    for b in &site.bonds {
        let ids = b.members.iter().map(|m| &m.id);
        let deps = b.members.iter().filter_map(|m| m.switch.as_ref());
        out.push((b.agent.as_ref(), ids.chain(deps).collect()));
    }
    for g in &site.bridges {
        let ids = g.members.iter().map(|m| &m.id);
        let deps = g.members.iter().flat_map(|m| &m.via).chain(&g.shared);
        out.push((g.agent.as_ref(), ids.chain(deps).collect()));
    }
    for g in &site.gateways {
        let ids = g.members.iter().map(|m| &m.id);
        let deps = g.members.iter().flat_map(|m| &m.via).chain(&g.shared);
        out.push((g.agent.as_ref(), ids.chain(deps).collect()));
    }
    for c in &site.clusters {
        let ids = c.nodes.iter().map(|n| &n.id);
        let deps = c.witness.iter().map(|w| &w.id);
        let deps = deps
            .chain(c.nodes.iter().flat_map(|n| &n.via))
            .chain(&c.shared);
        out.push((c.agent.as_ref(), ids.chain(deps).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Catalog {
        Catalog::new(&crate::demo::site().unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn demo_agents_and_their_reports() {
        let c = demo();
        let names: Vec<&str> = c.agents.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "bms-gw", "db1", "epms-gw", "gen-gw", "lb-1", "leaf-1a", "net-gw", "pdu-gw",
                "ups-gw-a", "ups-gw-b"
            ]
        );
        assert_eq!(
            c.agents["ups-gw-a"].elements,
            ["UPS-A1", "UPS-A2", "UPS-A3"]
        );
        assert_eq!(c.agents["gen-gw"].tanks, ["TK-1", "TK-2"]);
        let db1 = &c.agents["db1"].members;
        assert!(db1.iter().any(|m| m == "db1-sdg") && db1.iter().any(|m| m == "db3"));
        // CS-1 is a site element: net-gw reports it, leaf-1a does not.
        assert!(!c.agents["leaf-1a"].members.iter().any(|m| m == "CS-1"));
    }

    #[test]
    fn checks_targets_and_kinds() {
        let c = demo();
        let ok = |a: Action| c.check(&a).map(|s| s.into_iter().collect::<Vec<_>>());
        assert_eq!(
            ok(Action::Fail {
                target: "G-1".into()
            }),
            Ok(vec!["gen-gw".into()])
        );
        assert!(matches!(
            ok(Action::Fail {
                target: "G-9".into()
            }),
            Err(FaultError::UnknownTarget { .. })
        ));
        let on_battery = |t: &str, m| Action::OnBattery {
            target: t.into(),
            runtime_min: m,
        };
        assert!(ok(on_battery("UPS-B1", Some(3.0))).is_ok());
        assert!(matches!(
            ok(on_battery("G-1", None)),
            Err(FaultError::Invalid(_))
        ));
        assert!(matches!(
            ok(on_battery("UPS-B1", Some(-1.0))),
            Err(FaultError::Invalid(_))
        ));
        assert!(matches!(
            ok(Action::Bypass {
                target: "TK-1".into()
            }),
            Err(FaultError::Invalid(_))
        ));
        assert!(matches!(
            ok(Action::Fail {
                target: "db3".into()
            }),
            Err(FaultError::Invalid(_))
        ));
        assert!(matches!(
            ok(Action::Garbage {
                agent: "nobody".into()
            }),
            Err(FaultError::UnknownTarget { what: "agent", .. })
        ));
    }
}
