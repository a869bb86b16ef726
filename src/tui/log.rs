//! The event log: every state change the console has seen, with its time, how bad it is
//! and what it is about. Bounded, so a console left open for weeks keeps the same memory.
//!
//! A blip is one event, not eighty: while an agent is not answering, its items going
//! unknown and coming back are not logged one by one; the agent's own line says how many
//! and, once it is back, for how long. A change undone within [`FLAP`] is folded into the
//! line that started it ("UPS-B1: failed for 12 s, back to ok").

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use super::observe::Observation;
use crate::model::{ElementState, Site};
use crate::poll::Freshness;
use crate::verdict::age_text;

/// Entries kept; older ones fall off the front.
pub const LOG_CAP: usize = 500;

/// A change undone within this is a flap: one line, not two.
pub const FLAP: Duration = Duration::from_secs(60);

/// How bad an event is; `Ok` is a recovery, `Info` something an operator did or saw.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Level {
    Critical,
    Warning,
    Unknown,
    Ok,
    Info,
}

crate::state_words!(Level);

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: SystemTime,
    pub level: Level,
    /// The element or agent the event is about; Enter on the row opens it.
    pub subject: Option<String>,
    pub text: String,
    /// For a state change: the states before and after, so a flap can be folded.
    pub change: Option<(ElementState, ElementState)>,
}

#[derive(Debug, Clone, Default)]
pub struct EventLog {
    entries: VecDeque<LogEntry>,
}

impl EventLog {
    /// Something an operator did or saw: no level of its own.
    pub fn push(&mut self, at: SystemTime, text: String) {
        self.add(LogEntry {
            at,
            level: Level::Info,
            subject: None,
            text,
            change: None,
        });
    }

    pub fn add(&mut self, entry: LogEntry) {
        self.entries.push_back(entry);
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

    /// The newest events about `subject`, newest first.
    pub fn about<'a>(&'a self, subject: &'a str) -> impl Iterator<Item = &'a LogEntry> {
        self.newest_first()
            .filter(move |e| e.subject.as_deref() == Some(subject))
    }

    /// The latest entry about `subject`, to fold a flap or a blip's end into.
    fn latest_mut(&mut self, subject: &str) -> Option<&mut LogEntry> {
        self.entries
            .iter_mut()
            .rev()
            .find(|e| e.subject.as_deref() == Some(subject))
    }

    /// Log what changed between two observations at `now`.
    pub fn observe(&mut self, old: Option<&Observation>, new: &Observation, now: SystemTime) {
        for mut e in changes(old, new) {
            e.at = now;
            self.fold(e, now);
        }
    }

    /// Add `e`, or fold it into the entry it undoes: an element back to its state of less
    /// than [`FLAP`] ago, an agent back after a blip.
    fn fold(&mut self, e: LogEntry, now: SystemTime) {
        let Some(subject) = e.subject.clone() else {
            self.add(e);
            return;
        };
        if let Some(prev) = self.latest_mut(&subject) {
            let gone = now.duration_since(prev.at).unwrap_or_default();
            let secs = age_text(gone.as_secs_f64());
            match (prev.change, e.change) {
                (Some((from, to)), Some((back_from, back_to)))
                    if to == back_from && back_to == from && gone <= FLAP =>
                {
                    prev.text = format!("{subject}: {to} for {secs}, back to {back_to}");
                    prev.level = Level::Warning;
                    prev.change = None;
                    return;
                }
                _ => {}
            }
            let agent_out = prev.text.starts_with("agent ") && prev.level != Level::Ok;
            if agent_out && e.text.starts_with("agent ") {
                if e.level == Level::Ok {
                    // the blip in one line: what went, for how long, and that it is back
                    prev.text = format!("{} for {secs}, back", prev.text);
                    prev.level = Level::Warning;
                } else {
                    // stale, then dead: the same outage, said as it stands now
                    prev.text = e.text;
                    prev.level = e.level;
                }
                return;
            }
        }
        self.add(e);
    }
}

fn entry(level: Level, subject: Option<&str>, text: String) -> LogEntry {
    LogEntry {
        at: SystemTime::UNIX_EPOCH,
        level,
        subject: subject.map(String::from),
        text,
        change: None,
    }
}

fn state_level(s: ElementState) -> Level {
    match s {
        ElementState::Ok => Level::Ok,
        ElementState::Failed | ElementState::OnBattery => Level::Critical,
        ElementState::Maintenance | ElementState::Bypass => Level::Warning,
        ElementState::Unknown => Level::Unknown,
    }
}

fn health_level(h: crate::verdict::Health) -> Level {
    use crate::verdict::Health;
    match h {
        Health::Ok => Level::Ok,
        Health::Unknown => Level::Unknown,
        Health::Degraded | Health::Unprotected => Level::Warning,
        Health::Critical => Level::Critical,
    }
}

/// The agents that were not fresh in either observation: their items' comings and goings
/// from unknown are the agent's event, not each item's.
fn blipping<'a>(old: &'a Observation, new: &'a Observation) -> HashSet<&'a str> {
    let fresh = |o: &'a Observation| -> HashSet<&'a str> {
        o.agent_freshness
            .iter()
            .filter(|(_, f)| *f == Freshness::Fresh)
            .map(|(a, _)| a.as_str())
            .collect()
    };
    let (was, is) = (fresh(old), fresh(new));
    new.agent_freshness
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !was.contains(n) || !is.contains(n))
        .collect()
}

/// Each element's agent; the first element of an id counts, as in `Site::element`.
fn owners_of(site: &Site) -> HashMap<&str, Option<&str>> {
    let mut out = HashMap::with_capacity(site.elements.len());
    for e in &site.elements {
        out.entry(e.id.as_str()).or_insert(e.agent.as_deref());
    }
    out
}

/// What changed between two observations, one entry per change; `old` None is the first
/// observation, which is logged as a summary so the log starts from a known state.
pub fn changes(old: Option<&Observation>, new: &Observation) -> Vec<LogEntry> {
    let v = &new.verdict;
    let Some(old) = old else {
        return vec![entry(
            Level::Info,
            None,
            format!(
                "first data: {} live {} (design {}), {}",
                v.site, v.live_tier, v.design_tier, v.state
            ),
        )];
    };
    let o = &old.verdict;
    let mut out = Vec::new();
    let blips = blipping(old, new);
    // while an agent is out, what its silence leaves open (a tier range, a subsystem
    // unknown) is part of the agent's event, not news of its own
    let open = |a: bool, b: bool| !blips.is_empty() && (a || b);
    if o.state != v.state {
        let level = match v.state {
            crate::verdict::CheckState::Ok => Level::Ok,
            crate::verdict::CheckState::Warning => Level::Warning,
            crate::verdict::CheckState::Critical => Level::Critical,
            crate::verdict::CheckState::Unknown => Level::Unknown,
        };
        out.push(entry(
            level,
            None,
            format!("status {} -> {}", o.state, v.state),
        ));
    }
    if o.live_tier != v.live_tier
        && !open(o.live_tier.known().is_none(), v.live_tier.known().is_none())
    {
        let level = if v.live_tier.low < o.live_tier.low {
            Level::Critical
        } else {
            Level::Ok
        };
        out.push(entry(
            level,
            None,
            format!("live tier {} -> {}", o.live_tier, v.live_tier),
        ));
    }
    for s in &v.subsystems {
        let Some(before) = o.subsystem(s.subsystem) else {
            continue;
        };
        let unknown = crate::verdict::Health::Unknown;
        if (before.health != s.health || before.live_label != s.live_label)
            && !open(before.health == unknown, s.health == unknown)
        {
            out.push(entry(
                health_level(s.health),
                None,
                format!(
                    "{}: {} {} -> {} {}",
                    s.subsystem.name(),
                    before.health,
                    before.live_label,
                    s.health,
                    s.live_label
                ),
            ));
        }
    }
    for g in &v.groups {
        let unknown = crate::verdict::Health::Unknown;
        if let Some(before) = o.group(&g.id)
            && (before.live_label != g.live_label || before.health != g.health)
            && !open(before.health == unknown, g.health == unknown)
        {
            out.push(entry(
                health_level(g.health),
                Some(&g.id),
                format!(
                    "{}: {} {} -> {} {}",
                    g.id, before.health, before.live_label, g.health, g.live_label
                ),
            ));
        }
    }
    // the owners are looked up by id once, and only when an agent is out: a search of the
    // site per unknown item made an agent's outage quadratic in the site's size
    let owners: std::cell::OnceCell<HashMap<&str, Option<&str>>> = std::cell::OnceCell::new();
    let quiet = |id: &str| {
        !blips.is_empty()
            && owners
                .get_or_init(|| owners_of(&new.site))
                .get(id)
                .copied()
                .flatten()
                .is_some_and(|a| blips.contains(&a))
    };
    // element states as the agents report them now, unknown included
    let (was, is) = (&old.live.elements, &new.live.elements);
    let ids = is.keys().chain(was.keys().filter(|k| !is.contains_key(*k)));
    for id in ids {
        let from = was.get(id).copied().unwrap_or_default();
        let to = is.get(id).copied().unwrap_or_default();
        if from == to {
            continue;
        }
        let unknown = from == ElementState::Unknown || to == ElementState::Unknown;
        if unknown && quiet(id) {
            continue;
        }
        let mut e = entry(state_level(to), Some(id), format!("{id}: {from} -> {to}"));
        e.change = Some((from, to));
        out.push(e);
    }
    // looked up, not searched: a campus has a hundred agents and thousands of unknown items
    let mut before: HashMap<&str, &Freshness> = HashMap::new();
    for (n, f) in &old.agent_freshness {
        before.entry(n.as_str()).or_insert(f);
    }
    let mut unknown_of: HashMap<&str, usize> = HashMap::new();
    for u in &v.unknown {
        if let Some(a) = u.agent.as_deref() {
            *unknown_of.entry(a).or_default() += 1;
        }
    }
    for (name, f) in &new.agent_freshness {
        let Some(&w) = before.get(name.as_str()) else {
            continue;
        };
        if w == f {
            continue;
        }
        let items = unknown_of.get(name.as_str()).copied().unwrap_or(0);
        let (level, text) = match f {
            Freshness::Fresh => (Level::Ok, format!("agent {name}: {w} -> fresh")),
            Freshness::Stale => (Level::Warning, format!("agent {name}: stale")),
            _ => (
                Level::Unknown,
                format!("agent {name}: {f}, {items} items unknown"),
            ),
        };
        out.push(entry(level, Some(name), text));
    }
    out
}

#[cfg(test)]
mod tests;
