//! The event log: every state change the console has seen, with its time. Bounded, so a
//! console left open for weeks keeps the same memory.

use std::collections::VecDeque;
use std::time::SystemTime;

use super::observe::Observation;
use crate::status::subsystem_state;

/// Entries kept; older ones fall off the front.
pub const LOG_CAP: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: SystemTime,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct EventLog {
    entries: VecDeque<LogEntry>,
}

impl EventLog {
    pub fn push(&mut self, at: SystemTime, text: String) {
        self.entries.push_back(LogEntry { at, text });
        while self.entries.len() > LOG_CAP {
            self.entries.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Newest first: the operator wants what just happened at the top.
    pub fn newest_first(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().rev()
    }
}

/// What changed between two observations, one sentence per change; `old` None is the first
/// observation, which is logged as a summary so the log starts from a known state.
pub fn changes(old: Option<&Observation>, new: &Observation) -> Vec<String> {
    let c = &new.classification;
    let Some(old) = old else {
        return vec![format!(
            "first data: {} live {} (design {}), {}",
            c.site,
            c.live_tier,
            c.design_tier,
            new.verdict.state.name()
        )];
    };
    let o = &old.classification;
    let mut out = Vec::new();
    if old.verdict.state != new.verdict.state {
        out.push(format!(
            "status {} -> {}",
            old.verdict.state.name(),
            new.verdict.state.name()
        ));
    }
    if o.live_tier != c.live_tier {
        out.push(format!("live tier {} -> {}", o.live_tier, c.live_tier));
    }
    for s in &c.subsystems {
        let Some(before) = o.subsystem(s.subsystem) else {
            continue;
        };
        let (was, is) = (subsystem_state(before), subsystem_state(s));
        if was != is || before.live_label != s.live_label {
            out.push(format!(
                "{}: {was} {} -> {is} {}",
                s.subsystem.name(),
                before.live_label,
                s.live_label
            ));
        }
    }
    for g in &c.groups {
        if let Some(before) = o.group(&g.id)
            && before.live.label != g.live.label
        {
            out.push(format!(
                "{}: {} -> {}",
                g.id, before.live.label, g.live.label
            ));
        }
    }
    for e in &c.not_ok {
        let was = o.not_ok.iter().find(|x| x.id == e.id).map(|x| x.state);
        if was != Some(e.state) {
            let from = was.map_or("ok", |s| s.name());
            out.push(format!("{}: {from} -> {}", e.id, e.state.name()));
        }
    }
    for e in &o.not_ok {
        if !c.not_ok.iter().any(|x| x.id == e.id) {
            out.push(format!("{}: {} -> ok", e.id, e.state.name()));
        }
    }
    for (name, f) in &new.agent_freshness {
        let was = old.agent_freshness.iter().find(|(n, _)| n == name);
        if let Some((_, w)) = was
            && w != f
        {
            out.push(format!("agent {name}: {} -> {}", w.name(), f.name()));
        }
    }
    out
}
