//! One-shot output for scripts and monitoring: a monitoring-plugins state with exit code,
//! one text line (or a full explanation), or one JSON object.

mod json;
mod text;

use serde::Serialize;

use crate::classify::{Classification, SubsystemReport, Tier};

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

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// CRITICAL when the live tier is below this.
    pub require_tier: Option<u8>,
}

/// The verdict and the reasons for it, worst first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub state: State,
    pub reasons: Vec<String>,
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
    for g in &c.groups {
        if g.live.tolerance < 0 {
            crit.push(format!("{}: {} (not serving)", g.id, g.live.label));
        } else if g.live.tolerance < g.design.tolerance || g.live.grade < g.design.grade {
            warn.push(format!("{}: {} -> {}", g.id, g.design.label, g.live.label));
        }
    }
    let state = if !crit.is_empty() {
        State::Critical
    } else if !warn.is_empty() {
        State::Warning
    } else {
        State::Ok
    };
    crit.extend(warn);
    Verdict {
        state,
        reasons: crit,
    }
}
