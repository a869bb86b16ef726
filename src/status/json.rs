//! The `--format json` object. Its fields are documented in docs/status-json.md: add fields,
//! never rename or drop them without raising `SCHEMA`.

use serde::Serialize;

use crate::classify::{
    Classification, Finding, GroupReport, RedundancyGroup, ServingNote, Spof, SpofKind,
};
use crate::model::Profile;
use crate::verdict::{
    AgentHealth, CheckState, Health, LiveSource, Reason, StaleItem, TierRange, UnknownItem,
    Verdict, new_spofs,
};

/// 2: `live_tier` may be null (unknown items leave it open), `reasons` carry a severity.
pub const SCHEMA: u32 = 2;

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
    state: Health,
    why: Option<&'a str>,
    design_tier: u8,
    live_tier: Option<u8>,
    live_tier_low: u8,
    live_tier_high: u8,
    design_redundancy: &'a str,
    redundancy: &'a str,
    worst_case_redundancy: Option<&'a str>,
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
struct GroupOut<'a> {
    state: Health,
    live_grade_low: u8,
    members_not_ok: &'a [String],
    #[serde(flatten)]
    report: &'a GroupReport,
}

#[derive(Serialize)]
struct UnknownOut<'a> {
    #[serde(flatten)]
    item: &'a UnknownItem,
    /// Seconds since the last reading, when there was one.
    age_s: Option<f64>,
}

#[derive(Serialize)]
struct StatusOut<'a> {
    schema: u32,
    site: &'a str,
    profile: Profile,
    source: LiveSource,
    state: CheckState,
    exit_code: i32,
    summary: String,
    design_tier: u8,
    live_tier: Option<u8>,
    live_tier_low: u8,
    live_tier_high: u8,
    serving_now: Option<bool>,
    unserved_loads: &'a [String],
    unprotected_loads: &'a [String],
    reasons: &'a [Reason],
    problems: &'a [crate::verdict::Problem],
    subsystems: Vec<SubsystemOut<'a>>,
    findings: Vec<&'a Finding>,
    spofs: Vec<SpofOut<'a>>,
    it_groups: Vec<GroupOut<'a>>,
    serving_notes: &'a [ServingNote],
    unknown_items: Vec<UnknownOut<'a>>,
    stale_items: &'a [StaleItem],
    stale_agents: &'a [String],
    agents: &'a [AgentHealth],
    warnings: &'a [String],
}

fn tier(r: TierRange) -> Option<u8> {
    r.known().map(|t| t.0)
}

fn subsystems<'a>(v: &'a Verdict, c: &'a Classification) -> Vec<SubsystemOut<'a>> {
    c.subsystems
        .iter()
        .filter_map(|s| {
            let sv = v.subsystem(s.subsystem)?;
            Some(SubsystemOut {
                name: s.subsystem.name(),
                in_scope: s.in_scope,
                state: sv.health,
                why: sv.why.as_deref(),
                design_tier: s.design.tier.0,
                live_tier: tier(sv.live_tier),
                live_tier_low: sv.live_tier.low.0,
                live_tier_high: sv.live_tier.high.0,
                design_redundancy: &s.design_label,
                redundancy: &s.live_label,
                worst_case_redundancy: sv.worst_label.as_deref(),
                serves: s.live.serves,
                design_findings: &s.design.findings,
                findings: &s.live.findings,
                design_spofs: &s.design.spofs.items,
                spofs: &s.live.spofs.items,
                utility_dependent: s.live.spofs.utility_dependent,
                groups: &s.groups,
                notes: &s.notes,
            })
        })
        .collect()
}

pub fn render_json(v: &Verdict) -> String {
    let c = &v.classification;
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
    let it_groups = c
        .groups
        .iter()
        .filter_map(|g| {
            let gv = v.group(&g.id)?;
            Some(GroupOut {
                state: gv.health,
                live_grade_low: gv.grade.low.0,
                members_not_ok: &gv.members,
                report: g,
            })
        })
        .collect();
    let line = super::render_line(v);
    let summary = line.split(" | ").next().unwrap_or_default().to_string();
    let out = StatusOut {
        schema: SCHEMA,
        site: &v.site,
        profile: c.profile,
        source: v.source,
        state: v.state,
        exit_code: v.state.exit_code(),
        summary,
        design_tier: v.design_tier.0,
        live_tier: tier(v.live_tier),
        live_tier_low: v.live_tier.low.0,
        live_tier_high: v.live_tier.high.0,
        serving_now: v.serving_now,
        unserved_loads: &c.unserved_loads,
        unprotected_loads: &c.unprotected_loads,
        reasons: &v.reasons,
        problems: &v.problems,
        subsystems: subsystems(v, c),
        findings,
        spofs,
        it_groups,
        serving_notes: &c.serving_notes,
        unknown_items: v
            .unknown
            .iter()
            .map(|item| UnknownOut {
                item,
                age_s: item.last_seen.map(|t| (v.now.0 - t).max(0.0)),
            })
            .collect(),
        stale_items: &v.stale,
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
