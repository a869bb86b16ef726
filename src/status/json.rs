//! The `--format json` object. Its fields are documented in docs/status-json.md and are
//! stable: add fields, never rename or drop them.

use serde::Serialize;

use super::{State, Verdict, new_spofs, subsystem_state};
use crate::classify::{
    Classification, Finding, GroupReport, RedundancyGroup, ServingNote, Spof, SpofKind,
};
use crate::model::Profile;

pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct SpofOut<'a> {
    subsystem: &'a str,
    id: &'a str,
    kind: &'a SpofKind,
    accepted: bool,
    new_since_design: bool,
}

#[derive(Serialize)]
struct SubsystemOut<'a> {
    name: &'a str,
    in_scope: bool,
    state: &'a str,
    design_tier: u8,
    live_tier: u8,
    design_redundancy: &'a str,
    redundancy: &'a str,
    serves: bool,
    design_findings: &'a [Finding],
    findings: &'a [Finding],
    design_spofs: &'a [Spof],
    spofs: &'a [Spof],
    utility_dependent: bool,
    groups: &'a [RedundancyGroup],
    notes: &'a [String],
}

#[derive(Serialize)]
struct StatusOut<'a> {
    schema: u32,
    site: &'a str,
    profile: Profile,
    state: State,
    exit_code: i32,
    summary: String,
    design_tier: u8,
    live_tier: u8,
    serving_now: bool,
    unserved_loads: &'a [String],
    unprotected_loads: &'a [String],
    reasons: &'a [String],
    subsystems: Vec<SubsystemOut<'a>>,
    findings: Vec<&'a Finding>,
    spofs: Vec<SpofOut<'a>>,
    it_groups: &'a [GroupReport],
    serving_notes: &'a [ServingNote],
    stale_agents: &'a [String],
    agents: &'a [super::AgentHealth],
    warnings: &'a [String],
}

pub fn render_json(c: &Classification, v: &Verdict) -> String {
    let subsystems = c
        .subsystems
        .iter()
        .map(|s| SubsystemOut {
            name: s.subsystem.name(),
            in_scope: s.in_scope,
            state: subsystem_state(s),
            design_tier: s.design.tier.0,
            live_tier: s.live.tier.0,
            design_redundancy: &s.design_label,
            redundancy: &s.live_label,
            serves: s.live.serves,
            design_findings: &s.design.findings,
            findings: &s.live.findings,
            design_spofs: &s.design.spofs.items,
            spofs: &s.live.spofs.items,
            utility_dependent: s.live.spofs.utility_dependent,
            groups: &s.groups,
            notes: &s.notes,
        })
        .collect();
    let findings = c
        .findings
        .iter()
        .chain(c.subsystems.iter().flat_map(|s| &s.live.findings))
        .collect();
    let spofs = c
        .subsystems
        .iter()
        .flat_map(|s| {
            let fresh = new_spofs(s);
            s.live.spofs.items.iter().map(move |p| SpofOut {
                subsystem: s.subsystem.name(),
                id: &p.id,
                kind: &p.kind,
                accepted: p.accepted,
                new_since_design: fresh.contains(&p.id.as_str()),
            })
        })
        .collect();
    let line = super::render_line(c, v);
    let summary = line.split(" | ").next().unwrap_or_default().to_string();
    let out = StatusOut {
        schema: SCHEMA,
        site: &c.site,
        profile: c.profile,
        state: v.state,
        exit_code: v.state.exit_code(),
        summary,
        design_tier: c.design_tier.0,
        live_tier: c.live_tier.0,
        serving_now: c.serving_now,
        unserved_loads: &c.unserved_loads,
        unprotected_loads: &c.unprotected_loads,
        reasons: &v.reasons,
        subsystems,
        findings,
        spofs,
        it_groups: &c.groups,
        serving_notes: &c.serving_notes,
        stale_agents: &v.stale_agents,
        agents: &v.agents,
        warnings: &c.warnings,
    };
    serde_json::to_string_pretty(&out).unwrap_or_else(|e| {
        format!(
            "{{\"schema\":{SCHEMA},\"state\":\"UNKNOWN\",\"exit_code\":3,\"error\":{:?}}}",
            e.to_string()
        )
    })
}
