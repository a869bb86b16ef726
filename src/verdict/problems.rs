//! The problems of the moment, worst first: every item that is not as designed (failed, on
//! battery, bypassed, in maintenance, rebuilding, unknown, stale), every load without supply
//! or protection, every agent that does not answer, each with what it means in an
//! operator's words ("UPS-B1 on battery, 8.2 min left, load 41 %"). The first screen of
//! every face is this list; the tier reasoning comes second.
//!
//! Pure: built from the verdict and the latest figures the agents sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{GroupVerdict, Health, Verdict};
use crate::classify::NoteKind;
use crate::model::owners::{self, ItemKind};
use crate::model::{ElementState, Id, Kind, LiveState, MemberState, Site};

/// What is wrong with an item, from worst to mildest within a severity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Trouble {
    /// A critical load without supply, or short of it.
    #[strum(message = "without supply")]
    Unserved,
    #[strum(message = "on battery")]
    OnBattery,
    Failed,
    /// A load served through no working UPS.
    Unprotected,
    Bypass,
    Maintenance,
    Rebuilding,
    Standby,
    /// An agent that does not answer.
    #[strum(message = "agent down")]
    AgentDown,
    /// An agent whose last poll failed while its data is still fresh enough to use.
    #[strum(message = "not answering")]
    NotAnswering,
    Unknown,
    /// Still used, but old.
    Stale,
}

crate::state_words!(Trouble);

/// How urgent a problem is, most urgent first. Unknown is its own grade: never failed,
/// never fine.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
    Unknown,
}

crate::state_words!(Severity);

/// One current problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub trouble: Trouble,
    /// The element, member, tank, load or agent.
    pub item: String,
    /// `None` for a load or an agent.
    pub kind: Option<ItemKind>,
    /// The agent that reports the item (for an agent problem, the agent itself).
    pub agent: Option<String>,
    /// The IT group a member belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The whole line, in an operator's words.
    pub text: String,
    /// Unix seconds the item was last seen in another state, when the data says so (an
    /// unknown item: its last report).
    pub since: Option<f64>,
}

impl Problem {
    /// The same problem across polls: acknowledgements and "since when" hang on this.
    pub fn key(&self) -> (String, Trouble) {
        (self.item.clone(), self.trouble)
    }
}

/// Every current problem of `v`, worst first.
pub fn problems(
    site: &Site,
    v: &Verdict,
    live: &LiveState,
    figures: &BTreeMap<Id, super::Figures>,
) -> Vec<Problem> {
    let agent_of: BTreeMap<&str, Option<&str>> = owners::items(site)
        .into_iter()
        .map(|o| (o.id, o.agent))
        .collect();
    let owner = |id: &str| agent_of.get(id).copied().flatten().map(String::from);
    let mut out = Vec::new();
    loads(v, &mut out);
    elements(site, v, live, figures, &owner, &mut out);
    members(site, v, live, &owner, &mut out);
    tanks(live, &owner, &mut out);
    super::data_problems::unknown(v, &mut out);
    out.sort_by(|a, b| (a.severity, a.trouble, &a.item).cmp(&(b.severity, b.trouble, &b.item)));
    out.dedup_by(|a, b| a.key() == b.key());
    out
}

fn loads(v: &Verdict, out: &mut Vec<Problem>) {
    for n in &v.classification.serving_notes {
        let (trouble, severity) = match n.kind {
            NoteKind::Unserved => (Trouble::Unserved, Severity::Critical),
            NoteKind::Unprotected => (Trouble::Unprotected, Severity::Warning),
            NoteKind::OnBattery => continue,
        };
        for l in &n.loads {
            // one line per load, each in its own words: the note's sentence names every
            // load, and three loads made three identical lines
            let text = match (n.kind, &n.cause) {
                (_, _) if n.loads.len() == 1 => n.message.clone(),
                (NoteKind::Unprotected, Some(cause)) => {
                    format!("{l} unprotected ({cause}): one utility disturbance drops it")
                }
                (NoteKind::Unprotected, None) => format!("{l} unprotected"),
                _ => format!("{l} without {} now", n.subsystem.name()),
            };
            out.push(Problem {
                severity,
                trouble,
                item: l.clone(),
                kind: None,
                agent: None,
                group: None,
                text,
                since: None,
            });
        }
    }
}

fn subsystem_health(site: &Site, v: &Verdict, id: &str) -> Health {
    site.elements
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| v.subsystem(e.kind.subsystem()))
        .map_or(Health::Ok, |s| s.health)
}

fn elements(
    site: &Site,
    v: &Verdict,
    live: &LiveState,
    figures: &BTreeMap<Id, super::Figures>,
    owner: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Problem>,
) {
    for e in &site.elements {
        let state = live.element_state(&e.id);
        let (trouble, severity) = match state {
            ElementState::Ok | ElementState::Unknown => continue,
            ElementState::OnBattery => (Trouble::OnBattery, Severity::Critical),
            ElementState::Failed if subsystem_health(site, v, &e.id) == Health::Critical => {
                (Trouble::Failed, Severity::Critical)
            }
            ElementState::Failed => (Trouble::Failed, Severity::Warning),
            ElementState::Bypass => (Trouble::Bypass, Severity::Warning),
            ElementState::Maintenance => (Trouble::Maintenance, Severity::Warning),
        };
        let m = figures.get(&e.id);
        let mut text = format!("{} {state}", e.id);
        match state {
            ElementState::OnBattery => {
                let runtime = live
                    .battery_runtime_min
                    .get(&e.id)
                    .copied()
                    .or_else(|| m.and_then(|m| m.runtime_min));
                match runtime.filter(|r| r.is_finite()) {
                    Some(r) => text.push_str(&format!(", {r:.1} min left")),
                    None => text.push_str(", runtime not reported"),
                }
                if let Some(l) = m.and_then(|m| m.load_pct).filter(|l| l.is_finite()) {
                    text.push_str(&format!(", load {l:.0} %"));
                }
            }
            ElementState::Failed if e.kind == Kind::Utility => {
                text.push_str(&format!(": {}", on_generators(site, live)));
            }
            ElementState::Bypass => {
                let loads = unprotected_by(v, &e.id);
                if !loads.is_empty() {
                    text.push_str(&format!(": {} unprotected", loads.join(" ")));
                }
            }
            _ => {
                if let Some(g) = group_of(v, &e.id) {
                    text.push_str(&format!(" ({g})"));
                }
            }
        }
        out.push(Problem {
            severity,
            trouble,
            item: e.id.clone(),
            kind: Some(ItemKind::Element),
            agent: owner(&e.id),
            group: None,
            text,
            since: None,
        });
    }
}

/// "on generators G-1 G-2, fuel 20.5 h" or "UTIL-2 carries" — what the site runs on
/// without this utility.
fn on_generators(site: &Site, live: &LiveState) -> String {
    let up = |k: Kind| -> Vec<&str> {
        site.elements
            .iter()
            .filter(|e| e.kind == k && live.element_state(&e.id) == ElementState::Ok)
            .map(|e| e.id.as_str())
            .collect()
    };
    let utilities = up(Kind::Utility);
    if !utilities.is_empty() {
        return format!("{} still up", utilities.join(" "));
    }
    // an unreported utility may be carrying the site: say so, never guess
    let unknown: Vec<&str> = site
        .elements
        .iter()
        .filter(|e| e.kind == Kind::Utility && live.element_state(&e.id) == ElementState::Unknown)
        .map(|e| e.id.as_str())
        .collect();
    if !unknown.is_empty() {
        return format!("{} not reported", unknown.join(" "));
    }
    let generators = up(Kind::Generator);
    if generators.is_empty() {
        return "no utility and no generator available".to_string();
    }
    let fuel = fuel_hours(live).map_or_else(
        || "fuel not reported".to_string(),
        |h| format!("fuel {h:.1} h"),
    );
    format!("on generators {}, {fuel}", generators.join(" "))
}

/// The hours of fuel on site: the tank that runs out first, when any reports a level.
pub fn fuel_hours(live: &LiveState) -> Option<f64> {
    live.fuel_tanks
        .values()
        .filter_map(|t| t.hours)
        .filter(|h| h.is_finite())
        .reduce(f64::min)
}

/// The loads that lost their UPS protection through `id`.
fn unprotected_by(v: &Verdict, id: &str) -> Vec<String> {
    v.classification
        .serving_notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unprotected && n.elements.iter().any(|e| e == id))
        .flat_map(|n| n.loads.iter().cloned())
        .collect()
}

/// "ups N+1 -> N": the redundancy group the element belongs to, when it lost some.
fn group_of(v: &Verdict, id: &str) -> Option<String> {
    v.classification.subsystems.iter().find_map(|s| {
        s.groups
            .iter()
            .find(|g| g.units.iter().any(|u| u == id))
            .map(|g| {
                if g.design_label == g.live_label {
                    format!("{} still {}", g.kind, g.live_label)
                } else {
                    format!("{} {} -> {}", g.kind, g.design_label, g.live_label)
                }
            })
    })
}

fn members(
    site: &Site,
    v: &Verdict,
    live: &LiveState,
    owner: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Problem>,
) {
    for g in &v.groups {
        let ids = super::health::member_ids(site, &g.id, g.kind);
        for id in &ids {
            let state = live.member_state(id);
            let (trouble, severity) = match state {
                MemberState::Ok | MemberState::Unknown => continue,
                MemberState::Failed if g.health == Health::Critical => {
                    (Trouble::Failed, Severity::Critical)
                }
                MemberState::Failed => (Trouble::Failed, Severity::Warning),
                MemberState::Maintenance => (Trouble::Maintenance, Severity::Warning),
                MemberState::Standby => (Trouble::Standby, Severity::Warning),
                MemberState::Rebuilding => (Trouble::Rebuilding, Severity::Warning),
            };
            out.push(Problem {
                severity,
                trouble,
                item: id.to_string(),
                kind: Some(ItemKind::Member),
                agent: owner(id),
                group: Some(g.id.clone()),
                text: member_line(g, &ids, live, id, state),
                since: None,
            });
        }
    }
}

/// "db1-sdc failed (db1-md0, rebuild onto db1-sdg 42 %, 610 min)".
fn member_line(
    g: &GroupVerdict,
    ids: &[&str],
    live: &LiveState,
    id: &str,
    state: MemberState,
) -> String {
    let mut inside = vec![g.id.clone()];
    if g.design_label != g.live_label {
        inside.push(format!("{} -> {}", g.design_label, g.live_label));
    }
    let rebuild = |m: &str| {
        live.rebuilds
            .get(m)
            .filter(|r| r.progress.is_finite())
            .map(|r| {
                let pct = (r.progress * 100.0).clamp(0.0, 100.0);
                match r.eta_min.filter(|m| m.is_finite() && *m > 0.0) {
                    Some(eta) => format!("{pct:.0} %, {eta:.0} min"),
                    None => format!("{pct:.0} %"),
                }
            })
    };
    match state {
        MemberState::Failed => {
            for m in ids
                .iter()
                .filter(|m| live.member_state(m) == MemberState::Rebuilding)
            {
                match rebuild(m) {
                    Some(r) => inside.push(format!("rebuild onto {m} {r}")),
                    None => inside.push(format!("rebuild onto {m}")),
                }
            }
        }
        MemberState::Rebuilding => {
            if let Some(r) = rebuild(id) {
                inside.push(r);
            }
        }
        _ => {}
    }
    format!("{id} {state} ({})", inside.join(", "))
}

fn tanks(live: &LiveState, owner: &dyn Fn(&str) -> Option<String>, out: &mut Vec<Problem>) {
    for (tanks, kind) in [
        (&live.fuel_tanks, ItemKind::FuelTank),
        (&live.makeup_water, ItemKind::WaterTank),
    ] {
        for (id, t) in tanks {
            let (trouble, severity) = match t.state {
                ElementState::Ok | ElementState::Unknown => continue,
                ElementState::Maintenance => (Trouble::Maintenance, Severity::Warning),
                _ => (Trouble::Failed, Severity::Warning),
            };
            out.push(Problem {
                severity,
                trouble,
                item: id.clone(),
                kind: Some(kind),
                agent: owner(id),
                group: None,
                text: format!("{kind} {id} {}", t.state),
                since: None,
            });
        }
    }
}
