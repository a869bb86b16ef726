//! Parts of a site element that an agent reports as members `<element>/<part>`: a PDU's
//! outlets and circuits, a transfer switch's mains, a CDU's pumps. The site file does not
//! list them; they belong to their element, and the console shows them with it.

use std::collections::{BTreeMap, HashMap};

use super::{AgentStatus, Freshness};
use crate::model::{Element, Id, MemberState, Site};

/// One part as the freshest answer has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Below the element: `outlet.3`, `Outlets/A1`.
    pub name: String,
    pub state: MemberState,
    pub flags: Vec<String>,
}

/// The element `id` is a part of: its longest prefix before a `/` that `is_unit` accepts.
pub fn unit_of(id: &str, is_unit: impl Fn(&str) -> bool) -> Option<&str> {
    let mut cut = id.len();
    while let Some(slash) = id.get(..cut).and_then(|head| head.rfind('/')) {
        let unit = id.get(..slash)?;
        if is_unit(unit) {
            return Some(unit);
        }
        cut = slash;
    }
    None
}

/// Each site element's parts, from agents that are fresh or stale (a dead agent's parts
/// would read as current when they are not; its element is unknown then anyway). Only an
/// element's own agent speaks for its parts. Sorted by name.
pub fn latest_parts(site: &Site, agents: &[AgentStatus]) -> BTreeMap<Id, Vec<Part>> {
    let mut out: BTreeMap<Id, Vec<Part>> = BTreeMap::new();
    // elements by id, once: a search of the site per member made this quadratic
    let mut elements: HashMap<&str, &Element> = HashMap::with_capacity(site.elements.len());
    for e in &site.elements {
        elements.entry(e.id.as_str()).or_insert(e);
    }
    for a in agents {
        if !matches!(a.freshness, Freshness::Fresh | Freshness::Stale) {
            continue;
        }
        let Some(snap) = &a.snapshot else { continue };
        let mine = |u: &str| {
            elements
                .get(u)
                .is_some_and(|e| e.agent.as_deref().is_none_or(|owner| owner == a.name))
        };
        for m in &snap.members {
            if elements.contains_key(m.id.as_str()) {
                continue;
            }
            let Some(unit) = unit_of(&m.id, mine) else {
                continue;
            };
            let parts = out.entry(unit.to_string()).or_default();
            let name = m.id.get(unit.len() + 1..).unwrap_or_default().to_string();
            if parts.iter().any(|p| p.name == name) {
                continue;
            }
            parts.push(Part {
                name,
                state: m.state,
                flags: m.flags.iter().map(ToString::to_string).collect(),
            });
        }
    }
    for parts in out.values_mut() {
        parts.sort_by(|a, b| a.name.cmp(&b.name));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use std::sync::Arc;

    use super::*;
    use crate::api::{AgentInfo, MemberReport, Metrics, SCHEMA_VERSION, Snapshot};
    use crate::poll::AgentSpec;

    #[test]
    fn the_longest_unit_wins() {
        let units = ["PDU-A1", "RackPDUs/1"];
        let is = |u: &str| units.contains(&u);
        assert_eq!(unit_of("PDU-A1/outlet.3", is), Some("PDU-A1"));
        assert_eq!(unit_of("RackPDUs/1/Outlets/A1", is), Some("RackPDUs/1"));
        assert_eq!(unit_of("PDU-A1", is), None);
        assert_eq!(unit_of("PDU-A2/outlet.1", is), None);
        assert_eq!(unit_of("/", is), None);
        assert_eq!(unit_of("", is), None);
    }

    fn agent(name: &str, freshness: Freshness, members: &[(&str, MemberState)]) -> AgentStatus {
        let mut a = AgentStatus::new(&AgentSpec {
            name: name.into(),
            url: "http://127.0.0.1:1".into(),
            interval: std::time::Duration::from_secs(5),
            timeout: std::time::Duration::from_secs(5),
        });
        a.freshness = freshness;
        a.snapshot = Some(Arc::new(Snapshot {
            schema_version: SCHEMA_VERSION,
            agent: AgentInfo {
                id: name.into(),
                version: "0".into(),
                hostname: None,
            },
            generated_at: 1.0,
            elements: Vec::new(),
            members: members
                .iter()
                .map(|(id, state)| MemberReport {
                    id: (*id).into(),
                    state: *state,
                    observed_at: 1.0,
                    rebuild: None,
                    flags: vec!["on".into()],
                    metrics: Metrics::new(),
                })
                .collect(),
            tanks: Vec::new(),
            host: None,
        }));
        a
    }

    #[test]
    fn parts_of_the_demo_pdus_from_their_own_agent() {
        let site = crate::demo::site().unwrap();
        let agents = [
            agent(
                "pdu-gw",
                Freshness::Fresh,
                &[
                    ("PDU-A1/outlet.2", MemberState::Failed),
                    ("PDU-A1/outlet.1", MemberState::Ok),
                    ("NOPE/outlet.1", MemberState::Ok),
                ],
            ),
            // not PDU-B1's agent: it does not speak for its outlets
            agent(
                "bms-gw",
                Freshness::Fresh,
                &[("PDU-B1/outlet.1", MemberState::Failed)],
            ),
            agent(
                "db1",
                Freshness::Dead,
                &[("PDU-B2/outlet.1", MemberState::Ok)],
            ),
        ];
        let parts = latest_parts(&site, &agents);
        assert_eq!(parts.keys().collect::<Vec<_>>(), ["PDU-A1"]);
        let a1 = &parts["PDU-A1"];
        assert_eq!(
            a1.iter()
                .map(|p| (p.name.as_str(), p.state))
                .collect::<Vec<_>>(),
            [
                ("outlet.1", MemberState::Ok),
                ("outlet.2", MemberState::Failed)
            ]
        );
        assert_eq!(a1[0].flags, ["on"]);
    }

    /// The console's merge takes a part of an element its agent reports as that, not as
    /// an id the site does not have; a part of someone else's element is still named.
    #[test]
    fn parts_are_no_problem_for_the_merge() {
        let site = crate::demo::site().unwrap();
        let now = tokio::time::Instant::now();
        let mut agents = vec![
            agent(
                "pdu-gw",
                Freshness::Fresh,
                &[
                    ("PDU-A1/outlet.1", MemberState::Ok),
                    ("NOPE/outlet.1", MemberState::Ok),
                ],
            ),
            agent(
                "bms-gw",
                Freshness::Fresh,
                &[("PDU-B1/outlet.1", MemberState::Failed)],
            ),
        ];
        for a in &mut agents {
            a.last_ok = Some(now);
        }
        let m = crate::poll::merge(
            &site,
            &agents,
            &crate::poll::PollPolicy::default(),
            now,
            1.0,
        );
        let problems = m.problems.join("\n");
        assert!(!problems.contains("PDU-A1/outlet.1"), "{problems}");
        assert!(
            problems.contains("pdu-gw: reports member NOPE/outlet.1 which the site does not have"),
            "{problems}"
        );
        assert!(
            problems.contains("bms-gw: reports member PDU-B1/outlet.1"),
            "{problems}"
        );
    }
}
