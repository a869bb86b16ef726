//! From parsed facility equipment to reports: each unit (PDU, transfer switch, CDU) an
//! element, each of its parts (outlets, circuits, pumps, coolant connectors) a member.

use smol_str::SmolStr;

use super::equipment::{Part, Unit};
use super::resource::Status;
use crate::api::{ElementReport, MemberReport, Metrics};
use crate::model::{ElementState, MemberState};

/// What was read of one unit in a round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitRead {
    pub unit: Unit,
    /// Each part with the collection it is in (`Outlets`); `None` when it could not be
    /// read (known to exist, state unknown).
    pub parts: Vec<(&'static str, String, Option<Part>)>,
    /// The unit's `Metrics` and `EnvironmentMetrics`.
    pub figures: Vec<Part>,
    /// Leak detectors not reading `OK`.
    pub leaks: Vec<String>,
}

/// The Health and State words as flags, lower-cased: `warning`, `standbyspare`.
fn status_flags(s: &Status) -> Vec<SmolStr> {
    let mut flags: Vec<SmolStr> = Vec::new();
    if let Some(h) = s.health.as_deref().filter(|h| *h != "OK") {
        flags.push(h.to_lowercase().into());
    }
    if let Some(st) = s.state.as_deref().filter(|st| *st != "Enabled") {
        flags.push(st.to_lowercase().into());
    }
    flags
}

/// How a Status reads, before the kind of report is known.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reading {
    Serving,
    Failed,
    Absent,
    /// Waiting for someone to bring it in (`StandbyOffline`).
    Held,
    Unknown,
}

fn read_status(s: &Status) -> Reading {
    match (s.state.as_deref(), s.health.as_deref()) {
        (_, Some("Critical")) => Reading::Failed,
        // A circuit often gives only its Health: the service vouches for it.
        (Some("Enabled" | "StandbySpare" | "Degraded" | "Qualified"), _) | (None, Some(_)) => {
            Reading::Serving
        }
        (Some("Absent"), _) => Reading::Absent,
        (Some("StandbyOffline"), _) => Reading::Held,
        (Some("Disabled" | "UnavailableOffline"), _) => Reading::Failed,
        // Starting, InTest, Updating, Quiesced, Deferring, or no status at all
        _ => Reading::Unknown,
    }
}

/// A part's state: an outlet or breaker that is off carries nothing (as NUT's and the
/// SNMP PDU profiles' outlets), an empty place is `maintenance`.
pub fn part_report(unit: &str, path: &str, part: Option<&Part>, observed_at: f64) -> MemberReport {
    let id = SmolStr::new(format!("{unit}/{path}"));
    let Some(p) = part else {
        return MemberReport {
            id,
            state: MemberState::Unknown,
            observed_at,
            rebuild: None,
            flags: vec!["unreadable".into()],
            metrics: Metrics::new(),
        };
    };
    let mut flags = status_flags(&p.status);
    let mut state = match read_status(&p.status) {
        Reading::Serving => MemberState::Ok,
        Reading::Failed => MemberState::Failed,
        Reading::Absent | Reading::Held => MemberState::Maintenance,
        // an outlet or pump that gives figures but no status still answers for itself
        Reading::Unknown if p.status.state.is_none() && !p.metrics.is_empty() => MemberState::Ok,
        Reading::Unknown => MemberState::Unknown,
    };
    match p.breaker.as_deref() {
        Some("Tripped") => {
            flags.push("tripped".into());
            state = MemberState::Failed;
        }
        Some("Off") => {
            flags.push("breaker_off".into());
            state = MemberState::Failed;
        }
        _ => {}
    }
    if p.power_state.as_deref() == Some("Off") {
        flags.push("off".into());
        state = MemberState::Failed;
    }
    MemberReport {
        id,
        state,
        observed_at,
        rebuild: None,
        flags,
        metrics: p.metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
    }
}

/// A unit and its parts. The unit's own Status gives its state; a part failed, a leak or
/// a health other than `OK` (also rolled up) keeps it serving with the flag `degraded`.
pub fn unit_reports(r: &UnitRead, observed_at: f64) -> (ElementReport, Vec<MemberReport>) {
    let u = &r.unit;
    let members: Vec<MemberReport> = r
        .parts
        .iter()
        .map(|(_, path, part)| part_report(&u.path, path, part.as_ref(), observed_at))
        .collect();
    let mut flags = status_flags(&u.status);
    let mut degraded = u.status.health.as_deref().is_some_and(|h| h != "OK");
    if let Some(roll) = u.status.rollup.as_deref().filter(|h| *h != "OK") {
        flags.push(format!("rollup_{}", roll.to_lowercase()).into());
        degraded = true;
    }
    let state = match read_status(&u.status) {
        Reading::Serving => ElementState::Ok,
        Reading::Failed => ElementState::Failed,
        Reading::Absent | Reading::Held => ElementState::Maintenance,
        Reading::Unknown => ElementState::Unknown,
    };
    if u.status.state.as_deref() == Some("StandbySpare") {
        flags.push("standby".into());
    }
    if members.iter().any(|m| m.state == MemberState::Failed) {
        flags.push("part_failed".into());
        degraded = true;
    }
    if !r.leaks.is_empty() {
        flags.push("leak".into());
        for name in &r.leaks {
            let name: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
            flags.push(format!("leak:{name}").into());
        }
        degraded = true;
    }
    let mut metrics = Metrics::new();
    for f in &r.figures {
        for (k, v) in &f.metrics {
            metrics.insert(k, *v);
        }
    }
    if let Some(va) = u.capacity_va {
        metrics.insert("capacity_va", va);
    }
    // A cooling unit's supply and return are its secondary side, the one facing the IT
    // load; the facility side is `primary_*`.
    for (coll, prefix) in [
        ("SecondaryCoolantConnectors", ""),
        ("PrimaryCoolantConnectors", "primary_"),
    ] {
        let first = r
            .parts
            .iter()
            .find_map(|(c, _, p)| p.as_ref().filter(|_| *c == coll));
        for (k, v) in first.map(|p| p.metrics.as_slice()).unwrap_or_default() {
            metrics.insert(format!("{prefix}{k}"), *v);
        }
    }
    let mut position = None;
    if let Some(t) = &u.transfer {
        match t.active.as_deref() {
            Some(a) => {
                position = Some(SmolStr::new(format!("{}/Mains/{a}", u.path)));
                if t.preferred.as_deref().is_some_and(|p| p != a) {
                    flags.push("not_preferred".into());
                }
            }
            None => flags.push("no_position".into()),
        }
        if t.inhibited {
            flags.push("transfer_inhibited".into());
        }
        if t.auto_transfer == Some(false) {
            flags.push("auto_transfer_off".into());
        }
    }
    if degraded && state != ElementState::Unknown {
        flags.push("degraded".into());
    }
    (
        ElementReport {
            id: u.path.as_str().into(),
            state,
            observed_at,
            flags,
            metrics,
            position,
        },
        members,
    )
}
