//! One-shot output for scripts and monitoring: a monitoring-plugins state with exit code,
//! one text line (or a full explanation), or one JSON object.

mod json;
pub mod source;
mod text;

use serde::Serialize;

use crate::classify::{Classification, SubsystemReport, Tier};
use crate::poll::Freshness;

pub use json::{SCHEMA, render_json};
pub use text::{render_explain, render_line};

/// Monitoring-plugins states; the discriminant is the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }

    pub fn exit_code(self) -> i32 {
        self as i32
    }
}

/// How one agent answered, as the status needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentHealth {
    pub name: String,
    pub freshness: Freshness,
    pub error: Option<String>,
    /// Items of its snapshot that could not be read.
    pub item_errors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// CRITICAL when the live tier is below this.
    pub require_tier: Option<u8>,
    /// The agents polled for this answer; None when the live state came from a file.
    pub agents: Option<Vec<AgentHealth>>,
    /// Data that could not be used (reports of unknown ids, items no agent reported).
    pub data_problems: Vec<String>,
    /// Maintenance started through redcon and left in place longer than allowed, one line
    /// each (from the audit log): each is a WARNING.
    pub lingering: Vec<String>,
}

/// The verdict and the reasons for it, worst first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub state: State,
    pub reasons: Vec<String>,
    /// Agents whose data is not fresh (stale, dead or never answered).
    pub stale_agents: Vec<String>,
    pub agents: Vec<AgentHealth>,
}

/// Live SPOFs the design does not have: one more failure there drops a load.
pub fn new_spofs(s: &SubsystemReport) -> Vec<&str> {
    let design = s.design.spofs.ids();
    s.live
        .spofs
        .ids()
        .into_iter()
        .filter(|id| !design.contains(id))
        .collect()
}

/// Subsystem state word shown in text and JSON.
pub fn subsystem_state(s: &SubsystemReport) -> &'static str {
    if (s.design.serves && !s.live.serves) || !new_spofs(s).is_empty() {
        "critical"
    } else if s.live.tier < s.design.tier || s.live_label != s.design_label {
        "degraded"
    } else {
        "ok"
    }
}

pub fn evaluate(c: &Classification, opts: &Options) -> Verdict {
    let mut crit = Vec::new();
    let mut warn = Vec::new();
    if !c.serving_now {
        crit.push("a critical load is without supply now".to_string());
    }
    for n in &c.serving_notes {
        warn.push(n.message.clone());
    }
    if let Some(req) = opts.require_tier
        && c.live_tier < Tier(req)
    {
        crit.push(format!(
            "live {} is below the required Tier {}",
            c.live_tier,
            Tier(req).roman()
        ));
    }
    if !c.not_ok.is_empty() {
        let states: Vec<String> = c
            .not_ok
            .iter()
            .map(|e| format!("{} {}", e.id, e.state.name().replace('_', " ")))
            .collect();
        warn.push(states.join(", "));
    }
    for s in &c.subsystems {
        let name = s.subsystem.name();
        let mut seen = Vec::new();
        for g in s.groups.iter().filter(|g| g.live_label != g.design_label) {
            let text = format!("{name} {} {} -> {}", g.kind, g.design_label, g.live_label);
            if !seen.contains(&text) {
                seen.push(text);
            }
        }
        if s.live_label == s.design_label {
            warn.extend(seen);
        }
        let fresh = new_spofs(s);
        if !fresh.is_empty() {
            let msg = format!(
                "{name}: one more failure drops a load (new SPOF {})",
                fresh.join(", ")
            );
            if s.in_scope {
                crit.push(msg)
            } else {
                warn.push(msg)
            }
        }
        if s.live.tier < s.design.tier {
            warn.push(format!(
                "{name}: live {} below design {}",
                s.live.tier, s.design.tier
            ));
        }
        if s.live_label != s.design_label {
            warn.push(format!(
                "{name}: redundancy {} -> {}",
                s.design_label, s.live_label
            ));
        }
    }
    warn.extend(opts.lingering.iter().cloned());
    for g in &c.groups {
        if g.live.tolerance < 0 {
            crit.push(format!("{}: {} (not serving)", g.id, g.live.label));
        } else if g.live.tolerance < g.design.tolerance || g.live.grade < g.design.grade {
            warn.push(format!("{}: {} -> {}", g.id, g.design.label, g.live.label));
        }
    }
    let agents = opts.agents.clone().unwrap_or_default();
    let stale_agents: Vec<String> = agents
        .iter()
        .filter(|a| a.freshness != Freshness::Fresh)
        .map(|a| a.name.clone())
        .collect();
    // what is wrong with the data comes first: it qualifies everything after it
    let mut data = Vec::new();
    for a in agents.iter().filter(|a| a.freshness != Freshness::Fresh) {
        let why = a
            .error
            .as_deref()
            .map_or(String::new(), |e| format!(": {e}"));
        data.push(format!("agent {} {}{why}", a.name, a.freshness.name()));
    }
    for a in &agents {
        data.extend(
            a.item_errors
                .iter()
                .map(|e| format!("agent {}: {e}", a.name)),
        );
    }
    data.extend(opts.data_problems.iter().cloned());
    let none_answered = !agents.is_empty()
        && agents
            .iter()
            .all(|a| matches!(a.freshness, Freshness::Never | Freshness::Dead));
    let state = if none_answered {
        State::Unknown
    } else if !crit.is_empty() {
        State::Critical
    } else if !warn.is_empty() || !data.is_empty() {
        State::Warning
    } else {
        State::Ok
    };
    if none_answered {
        data.insert(0, "no agent answered".to_string());
    }
    data.extend(crit);
    data.extend(warn);
    Verdict {
        state,
        reasons: data,
        stale_agents,
        agents,
    }
}
