//! From parsed Redfish resources to member reports: each component and each redundancy
//! group, and what is left of them when the service stops answering.

use smol_str::SmolStr;

use super::resource::{Component, Subsystem};
use crate::api::{ElementReport, MemberReport, Metrics};
use crate::model::{ElementState, MemberState};

/// A component's state for redundancy: Critical health or a state that carries no load
/// is failed; states in transition are unknown.
pub fn component_state(c: &Component) -> (MemberState, Vec<SmolStr>) {
    let mut flags: Vec<SmolStr> = Vec::new();
    if let Some(h) = c.health.as_deref().filter(|h| *h != "OK") {
        flags.push(h.to_lowercase().into());
    }
    if let Some(s) = c.state.as_deref().filter(|s| *s != "Enabled") {
        flags.push(s.to_lowercase().into());
    }
    let state = match (c.state.as_deref(), c.health.as_deref()) {
        (_, Some("Critical")) => MemberState::Failed,
        (Some("Enabled" | "StandbySpare"), _) => MemberState::Ok,
        // An empty bay: nothing there to fail, and nothing there to count on either.
        (Some("Absent"), _) => MemberState::Maintenance,
        (Some("Disabled" | "UnavailableOffline" | "StandbyOffline"), _) => MemberState::Failed,
        // no status at all, or Starting, InTest, Updating, Quiesced ...
        _ => MemberState::Unknown,
    };
    (state, flags)
}

/// Reports for one chassis subsystem: each component as `<chassis>/<path>` and each
/// redundancy group as `<chassis>/<group kind>/<index>`.
pub fn subsystem_reports(
    chassis: &str,
    group_kind: &str,
    sub: &Subsystem,
    observed_at: f64,
) -> Vec<MemberReport> {
    let mut out = Vec::new();
    for c in &sub.components {
        let (state, mut flags) = component_state(c);
        if let Some(raid) = &c.raid_type {
            flags.insert(0, raid.to_lowercase().into());
        }
        let mut metrics = Metrics::new();
        if let Some(r) = c.reading {
            metrics.insert("reading", r);
        }
        out.push(MemberReport {
            id: format!("{chassis}/{}", c.path).into(),
            state,
            observed_at,
            rebuild: None,
            flags,
            metrics,
        });
    }
    for (i, g) in sub.redundancy.iter().enumerate() {
        let ok = g
            .members
            .iter()
            .filter(|m| {
                sub.components
                    .iter()
                    .any(|c| &c.path == *m && component_state(c).0 == MemberState::Ok)
            })
            .count() as u32;
        let mut flags: Vec<SmolStr> = Vec::new();
        if !g.mode.is_empty() {
            flags.push(g.mode.as_str().into());
        }
        for word in [
            g.health.as_deref().filter(|h| *h != "OK"),
            g.state.as_deref().filter(|s| *s != "Enabled"),
        ]
        .into_iter()
        .flatten()
        {
            flags.push(word.to_lowercase().into());
        }
        let mut metrics = Metrics::new();
        metrics.insert("members_ok", f64::from(ok));
        metrics.insert("members", g.members.len() as f64);
        if let Some(n) = g.min_needed {
            metrics.insert("min_needed", f64::from(n));
            // the m of N+m that is left now
            metrics.insert("spare_count", f64::from(ok) - f64::from(n));
        }
        if let Some(n) = g.max_supported {
            metrics.insert("max_supported", f64::from(n));
        }
        let state = match g.min_needed {
            Some(n) if ok >= n => MemberState::Ok,
            Some(_) => MemberState::Failed,
            None => MemberState::Unknown,
        };
        if ok < g.members.len() as u32 {
            flags.push("degraded".into());
        }
        out.push(MemberReport {
            id: format!("{chassis}/{group_kind}/{i}").into(),
            state,
            observed_at,
            rebuild: None,
            flags,
            metrics,
        });
    }
    out
}

/// One report per id. The same resource listed twice (a volume under two controllers)
/// gives the same report: kept once. Two different reports under one id cannot both be
/// served; the first is kept and the id is returned, to be named as an error.
pub fn dedupe(members: &mut Vec<MemberReport>) -> Vec<SmolStr> {
    let mut seen: Vec<MemberReport> = Vec::with_capacity(members.len());
    let mut clashes = Vec::new();
    for m in members.drain(..) {
        match seen.iter().find(|s| s.id == m.id) {
            Some(s) if s.state == m.state && s.flags == m.flags && s.metrics == m.metrics => {}
            Some(_) => {
                if !clashes.contains(&m.id) {
                    clashes.push(m.id.clone());
                }
            }
            None => seen.push(m),
        }
    }
    *members = seen;
    clashes
}

/// The flag of a member the service did not answer for this round.
pub const NO_ANSWER: &str = "no_answer";

/// After a round with errors: each id reported last round and missing from `reported`
/// is added as `unknown` with the flag `no_answer`, so a BMC that stops answering reads
/// as "cannot vouch" rather than as items that were removed. After a clean round a
/// missing id is really gone and is not carried.
pub fn carry_unanswered(last_seen: &[SmolStr], reported: &mut Vec<MemberReport>, now: f64) {
    let missing: Vec<&SmolStr> = last_seen
        .iter()
        .filter(|id| !reported.iter().any(|m| &m.id == *id))
        .collect();
    for id in missing {
        reported.push(MemberReport {
            id: id.clone(),
            state: MemberState::Unknown,
            observed_at: now,
            rebuild: None,
            flags: vec![NO_ANSWER.into()],
            metrics: Metrics::new(),
        });
    }
}

/// As [`carry_unanswered`], for the units (PDUs, transfer switches, CDUs) reported last
/// round.
pub fn carry_unanswered_elements(
    last_seen: &[SmolStr],
    reported: &mut Vec<ElementReport>,
    now: f64,
) {
    let missing: Vec<&SmolStr> = last_seen
        .iter()
        .filter(|id| !reported.iter().any(|e| &e.id == *id))
        .collect();
    for id in missing {
        reported.push(ElementReport {
            id: id.clone(),
            state: ElementState::Unknown,
            observed_at: now,
            flags: vec![NO_ANSWER.into()],
            metrics: Metrics::new(),
            position: None,
        });
    }
}
