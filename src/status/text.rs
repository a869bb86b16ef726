//! Text faces of a classification: the one plugin line, and the full explanation.

use std::fmt::Write;

use super::{Verdict, new_spofs, subsystem_state};
use crate::classify::{Classification, GroupReport, SpofList, SubsystemReport, Tier};

fn short(t: Tier) -> String {
    t.roman().to_string()
}

/// `REDCON <STATE> - <summary> | perfdata`
pub fn render_line(c: &Classification, v: &Verdict) -> String {
    let mut summary = format!(
        "site {} Tier {} (design {})",
        c.site,
        short(c.live_tier),
        short(c.design_tier)
    );
    if c.live_tier == Tier::ZERO {
        summary = format!(
            "site {} below Tier I (design {})",
            c.site,
            short(c.design_tier)
        );
    }
    if !v.reasons.is_empty() {
        let shown: Vec<&str> = v.reasons.iter().take(3).map(String::as_str).collect();
        summary.push_str(": ");
        summary.push_str(&shown.join("; "));
        if v.reasons.len() > 3 {
            let _ = write!(summary, "; and {} more", v.reasons.len() - 3);
        }
    }
    let mut perf = format!(
        "design_tier={};;;0;4 live_tier={};;;0;4",
        c.design_tier.0, c.live_tier.0
    );
    for s in &c.subsystems {
        let _ = write!(
            perf,
            " {n}_tier={};;;0;4 {n}_spofs={};;;0",
            s.live.tier.0,
            s.live.spofs.items.len(),
            n = s.subsystem.name()
        );
    }
    let findings: usize = c.subsystems.iter().map(|s| s.live.findings.len()).sum();
    let _ = write!(
        perf,
        " findings={findings};;;0 serving_now={};;;0;1",
        u8::from(c.serving_now)
    );
    format!("REDCON {} - {} | {}", v.state.name(), summary, perf)
}

fn spof_text(l: &SpofList) -> String {
    if l.items.is_empty() {
        return "none".to_string();
    }
    let ids: Vec<String> = l
        .items
        .iter()
        .map(|s| {
            if s.accepted {
                format!("{} (accepted: point of use)", s.id)
            } else {
                s.id.clone()
            }
        })
        .collect();
    let mut out = ids.join(", ");
    if l.utility_dependent {
        out.push_str("  [utility-dependent: no on-site source]");
    }
    out
}

fn subsystem(out: &mut String, s: &SubsystemReport) {
    let scope = if s.in_scope {
        ""
    } else {
        "  (graded, not in the site tier)"
    };
    let _ = writeln!(
        out,
        "{:<8} design {:<4} live {:<4} {} -> {}  [{}]{scope}",
        s.subsystem.name(),
        short(s.design.tier),
        short(s.live.tier),
        s.design_label,
        s.live_label,
        subsystem_state(s)
    );
    let live_differs = s.live.findings != s.design.findings;
    for f in &s.design.findings {
        let _ = writeln!(out, "  design: {}", f.message);
    }
    if live_differs {
        for f in &s.live.findings {
            let _ = writeln!(out, "  live:   {}", f.message);
        }
    }
    let _ = writeln!(out, "  SPOF design: {}", spof_text(&s.design.spofs));
    let fresh = new_spofs(s);
    let _ = writeln!(out, "  SPOF live:   {}", spof_text(&s.live.spofs));
    if !fresh.is_empty() {
        let _ = writeln!(out, "  new since design: {}", fresh.join(", "));
    }
    for g in &s.groups {
        let _ = writeln!(
            out,
            "  {:<10} {} of {} needed {}, {} available: {} -> {}",
            g.kind,
            g.installed,
            g.units.join("/"),
            g.need,
            g.available,
            g.design_label,
            g.live_label
        );
    }
    for n in &s.notes {
        let _ = writeln!(out, "  note: {n}");
    }
}

fn group(out: &mut String, g: &GroupReport) {
    let kind = serde_json::to_value(g.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{:<12} {:<8} grade {} -> {}  {} -> {}",
        g.id,
        kind,
        short(g.design.grade),
        short(g.live.grade),
        g.design.label,
        g.live.label
    );
    let _ = writeln!(out, "  {}", g.live.reason);
    if let Some(tb) = g.usable_tb {
        let _ = writeln!(out, "  usable capacity {tb} TB");
    }
    if !g.live.spofs.is_empty() {
        let _ = writeln!(out, "  SPOF: {}", g.live.spofs.join(", "));
    }
    for n in &g.notes {
        let _ = writeln!(out, "  note: {n}");
    }
}

/// Per subsystem: tier, label, the findings that block the next tier, the SPOFs.
pub fn render_explain(c: &Classification, v: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", render_line(c, v));
    let _ = writeln!(
        out,
        "\nsite {}: design {}, live {}, serving now: {}  (profile {:?})\n",
        c.site,
        c.design_tier,
        c.live_tier,
        if c.serving_now { "yes" } else { "NO" },
        c.profile
    );
    for s in &c.subsystems {
        subsystem(&mut out, s);
        out.push('\n');
    }
    for f in &c.findings {
        let _ = writeln!(out, "site: {}", f.message);
    }
    for n in &c.serving_notes {
        let _ = writeln!(out, "now: {}", n.message);
    }
    if !c.groups.is_empty() {
        let _ = writeln!(
            out,
            "IT-level groups (IT-analog grades; not part of the site tier):"
        );
        for g in &c.groups {
            group(&mut out, g);
        }
    }
    if !v.agents.is_empty() {
        let fresh = v.agents.len() - v.stale_agents.len();
        let _ = writeln!(out, "\nagents: {fresh} of {} fresh", v.agents.len());
        for a in v.agents.iter().filter(|a| v.stale_agents.contains(&a.name)) {
            let why = a.error.as_deref().unwrap_or("");
            let _ = writeln!(out, "  {} {}: {why}", a.name, a.freshness.name());
        }
    }
    for w in &c.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}
