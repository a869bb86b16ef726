//! The reasons of a verdict in an operator's words, worst first, one line per cause: what is
//! broken and what it does ("UPS-A2 failed (ups 2(N+1) -> 2N)"), not which test failed.

use std::collections::BTreeMap;

use super::unknown::{age_text, by_agent};
use super::{CheckState, Freshness, Health, Reason, Verdict};
use crate::classify::{Classification, NoteKind, Rule, SubsystemReport, Tier, fmt_num};
use crate::model::ElementState;

struct Out(Vec<Reason>);

impl Out {
    fn push(&mut self, severity: CheckState, text: String) {
        if !self.0.iter().any(|r| r.text == text) {
            self.0.push(Reason { severity, text });
        }
    }

    fn says(&self, text: &str) -> bool {
        self.0.iter().any(|r| r.text.contains(text))
    }
}

pub(super) fn reasons(
    v: &Verdict,
    data_problems: &[String],
    lingering: &[String],
    require_tier: Option<Tier>,
) -> Vec<Reason> {
    let c = &v.classification;
    let mut out = Out(Vec::new());
    if v.none_answered {
        out.push(CheckState::Unknown, "no agent answered".to_string());
    }
    critical(v, require_tier, &mut out);
    now_facts(c, &mut out);
    elements(c, &mut out);
    for s in &v.subsystems {
        let Some(why) = &s.why else { continue };
        if matches!(s.health, Health::Degraded) && !out.says(why) {
            let report = c.subsystem(s.subsystem);
            out.push(
                CheckState::Warning,
                degraded_line(s.subsystem.name(), report, why),
            );
        }
    }
    for g in v.groups.iter().filter(|g| g.health == Health::Degraded) {
        let mut text = format!("{} {} -> {}", g.id, g.design_label, g.live_label);
        if !g.members.is_empty() {
            text.push_str(&format!(": {}", g.members.join(", ")));
        }
        out.push(CheckState::Warning, text);
    }
    for l in lingering {
        out.push(CheckState::Warning, l.clone());
    }
    data(v, data_problems, &mut out);
    let mut r = out.0;
    // stable: worst first, each severity in the order found
    r.sort_by_key(|x| std::cmp::Reverse(x.severity));
    r
}

fn critical(v: &Verdict, require_tier: Option<Tier>, out: &mut Out) {
    for s in v.subsystems.iter().filter(|s| s.health == Health::Critical) {
        if let Some(why) = &s.why {
            let sev = if s.in_scope {
                CheckState::Critical
            } else {
                CheckState::Warning
            };
            out.push(sev, format!("{}: {why}", s.subsystem.name()));
        }
    }
    for g in v.groups.iter().filter(|g| g.health == Health::Critical) {
        let mut text = format!("{} not serving", g.id);
        if !g.members.is_empty() {
            text.push_str(&format!(": {}", g.members.join(", ")));
        } else if let Some(r) = v.classification.group(&g.id) {
            text.push_str(&format!(": {}", r.live.reason));
        }
        out.push(CheckState::Critical, text);
    }
    if let Some(req) = require_tier {
        if v.live_tier.high < req {
            out.push(
                CheckState::Critical,
                format!(
                    "live {} is below the required Tier {}",
                    v.live_tier,
                    req.roman()
                ),
            );
        } else if v.live_tier.low < req {
            out.push(
                CheckState::Warning,
                format!(
                    "live {} may be below the required Tier {} (unknown items)",
                    v.live_tier,
                    req.roman()
                ),
            );
        }
    }
}

/// UPSs on battery in one line; unprotected loads with their cause.
fn now_facts(c: &Classification, out: &mut Out) {
    for n in c
        .serving_notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unprotected)
    {
        out.push(CheckState::Warning, n.message.clone());
    }
    let on_battery: Vec<&crate::classify::ServingNote> = c
        .serving_notes
        .iter()
        .filter(|n| n.kind == NoteKind::OnBattery)
        .collect();
    if on_battery.is_empty() {
        return;
    }
    let units: Vec<String> = on_battery
        .iter()
        .map(|n| {
            let id = n.elements.first().map_or("?", String::as_str);
            match n.runtime_min.filter(|m| m.is_finite()) {
                Some(m) => format!("{id} ({} min left)", fmt_num(m)),
                None => format!("{id} (runtime unknown)"),
            }
        })
        .collect();
    let mut drop: Vec<&str> = on_battery
        .iter()
        .flat_map(|n| n.loads.iter().map(String::as_str))
        .collect();
    drop.sort_unstable();
    drop.dedup();
    let then = if drop.is_empty() {
        "every load has another protected path".to_string()
    } else {
        format!("{} drop when the batteries run out", drop.join(", "))
    };
    out.push(
        CheckState::Warning,
        format!("on battery: {}; {then}", units.join(", ")),
    );
}

/// Elements not ok (unknown and on-battery ones are said elsewhere), with the redundancy
/// group each one lowers: "UPS-A2 failed (ups 2(N+1) -> 2N)".
fn elements(c: &Classification, out: &mut Out) {
    let mut lines: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for e in &c.not_ok {
        if matches!(e.state, ElementState::Unknown | ElementState::OnBattery) {
            continue;
        }
        let effect = c
            .subsystems
            .iter()
            .flat_map(|s| &s.groups)
            .find(|g| g.units.contains(&e.id) && g.live_label != g.design_label)
            .map(|g| format!(" ({} {} -> {})", g.kind, g.design_label, g.live_label))
            .unwrap_or_default();
        lines
            .entry((e.state.to_string(), effect))
            .or_default()
            .push(&e.id);
    }
    for ((state, effect), ids) in lines {
        out.push(
            CheckState::Warning,
            format!("{} {state}{effect}", ids.join(", ")),
        );
    }
}

/// "fuel: on-site fuel is 8.5 h at N, below the 12 h required (power live below Tier I,
/// design III)": the cause first, then what it does to the tier.
fn degraded_line(sub: &str, report: Option<&SubsystemReport>, why: &str) -> String {
    let Some(s) = report.filter(|s| s.live.tier < s.design.tier) else {
        return format!("{sub}: {why}");
    };
    let cause = s
        .live
        .findings
        .iter()
        .min_by_key(|f| f.blocks_tier)
        .map_or(why, |f| {
            f.message
                .split_once(": ")
                .map_or(f.message.as_str(), |(_, rest)| rest)
        });
    let head = match s.live.findings.iter().min_by_key(|f| f.blocks_tier) {
        Some(f) if matches!(f.rule, Rule::Fuel | Rule::CmFuel) => "fuel",
        Some(f) if f.rule == Rule::MakeupWater => "makeup water",
        _ => sub,
    };
    format!(
        "{head}: {cause} ({sub} live {}, design {})",
        s.live.tier,
        s.design.tier.roman()
    )
}

/// What is wrong with the data: unknown items per agent, stale readings, agents that do
/// not answer, items and data that could not be used.
fn data(v: &Verdict, problems: &[String], out: &mut Out) {
    // what an agent sent that could not be used: the most actionable, so first
    for a in &v.agents {
        for e in &a.item_errors {
            out.push(CheckState::Warning, format!("{}: {e}", a.name));
        }
    }
    for p in problems {
        out.push(CheckState::Warning, p.clone());
    }
    let agent = |name: &str| v.agents.iter().find(|a| a.name == name);
    let polled = matches!(
        v.source,
        super::LiveSource::Agents | super::LiveSource::Prometheus
    );
    // agents the site names but nobody configured: one line for all of them
    let (unconfigured, known): (Vec<_>, Vec<_>) = by_agent(&v.unknown)
        .into_iter()
        .partition(|(owner, _)| polled && owner.is_some_and(|o| agent(o).is_none()));
    let mut first = true;
    for (owner, items) in known {
        let who = match owner.and_then(agent) {
            Some(a) if a.freshness != Freshness::Fresh => {
                let err = a
                    .error
                    .as_deref()
                    .map_or(String::new(), |e| format!(", {e}"));
                format!("of {} ({}{err})", a.name, a.freshness)
            }
            _ => owner.map_or("with no agent".to_string(), |o| format!("of {o}")),
        };
        unknown_line(v, &items, &who, &mut first, out);
    }
    if !unconfigured.is_empty() {
        let names: Vec<&str> = unconfigured.iter().filter_map(|(o, _)| *o).collect();
        let items: Vec<&super::UnknownItem> =
            unconfigured.into_iter().flat_map(|(_, i)| i).collect();
        let who = format!("of agents not configured ({})", list(&names));
        unknown_line(v, &items, &who, &mut first, out);
    }
    let mut stale: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for s in &v.stale {
        let e = stale.entry(s.agent.as_str()).or_insert((0, 0.0));
        e.0 += 1;
        e.1 = e.1.max(s.age_s);
    }
    for (a, (n, age)) in stale {
        let what = if n == 1 { "reading" } else { "readings" };
        out.push(
            CheckState::Warning,
            format!("{a}: {n} {what} up to {} old (stale)", age_text(age)),
        );
    }
    for a in &v.agents {
        if a.freshness == Freshness::Fresh || out.says(&format!("of {} (", a.name)) {
            continue;
        }
        let err = a
            .error
            .as_deref()
            .map_or(String::new(), |e| format!(": {e}"));
        out.push(
            CheckState::Warning,
            format!("{} {}{err}", a.name, a.freshness),
        );
    }
}

/// "A, B, C, D and 5 more"
fn list(ids: &[&str]) -> String {
    match ids.get(..4) {
        Some(head) if ids.len() > 5 => format!("{} and {} more", head.join(", "), ids.len() - 4),
        _ => ids.join(", "),
    }
}

/// "live Tier II–III: 3 items of ups-gw-a (dead, ...) unknown for 45 s (A, B, C; last
/// known ok)"; the range goes on the first such line.
fn unknown_line(
    v: &Verdict,
    items: &[&super::UnknownItem],
    who: &str,
    first: &mut bool,
    out: &mut Out,
) {
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let seen = items
        .iter()
        .filter_map(|i| i.last_seen)
        .fold(f64::NAN, f64::max);
    let since = if seen.is_finite() {
        format!(" for {}", age_text(v.now.0 - seen))
    } else {
        String::new()
    };
    let all_ok = items.iter().all(|i| i.last_state.is_none_or(|s| s.is_ok()));
    let last = if items.iter().any(|i| i.last_state.is_some()) && all_ok {
        "; last known ok"
    } else if items.iter().all(|i| i.last_state.is_none()) {
        "; never seen"
    } else {
        ""
    };
    let n = items.len();
    let what = if n == 1 { "item" } else { "items" };
    let range = if *first && v.live_tier.known().is_none() {
        format!("live {}: ", v.live_tier)
    } else {
        String::new()
    };
    *first = false;
    out.push(
        CheckState::Warning,
        format!(
            "{range}{n} {what} {who} unknown{since} ({}{last})",
            list(&ids)
        ),
    );
}
