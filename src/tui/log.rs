//! The event log: every state change the console has seen, with its time. Bounded, so a
//! console left open for weeks keeps the same memory.

use std::collections::VecDeque;
use std::time::SystemTime;

use super::observe::Observation;

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
    let v = &new.verdict;
    let Some(old) = old else {
        return vec![format!(
            "first data: {} live {} (design {}), {}",
            v.site, v.live_tier, v.design_tier, v.state
        )];
    };
    let o = &old.verdict;
    let mut out = Vec::new();
    if o.state != v.state {
        out.push(format!("status {} -> {}", o.state, v.state));
    }
    if o.live_tier != v.live_tier {
        out.push(format!("live tier {} -> {}", o.live_tier, v.live_tier));
    }
    for s in &v.subsystems {
        let Some(before) = o.subsystem(s.subsystem) else {
            continue;
        };
        if before.health != s.health || before.live_label != s.live_label {
            out.push(format!(
                "{}: {} {} -> {} {}",
                s.subsystem.name(),
                before.health,
                before.live_label,
                s.health,
                s.live_label
            ));
        }
    }
    for g in &v.groups {
        if let Some(before) = o.group(&g.id)
            && (before.live_label != g.live_label || before.health != g.health)
        {
            out.push(format!(
                "{}: {} {} -> {} {}",
                g.id, before.health, before.live_label, g.health, g.live_label
            ));
        }
    }
    // element states as the agents report them now, unknown included
    let (was, is) = (&old.live.elements, &new.live.elements);
    for (id, state) in is {
        if was.get(id) != Some(state) {
            let from = was.get(id).map_or("ok", |s| s.name());
            out.push(format!("{id}: {from} -> {}", state.name()));
        }
    }
    for (id, state) in was {
        if !is.contains_key(id) {
            out.push(format!("{id}: {} -> ok", state.name()));
        }
    }
    for (name, f) in &new.agent_freshness {
        let was = old.agent_freshness.iter().find(|(n, _)| n == name);
        if let Some((_, w)) = was
            && w != f
        {
            out.push(format!("agent {name}: {w} -> {f}"));
        }
    }
    out
}
