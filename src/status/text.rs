//! Text faces of a verdict: the one plugin line, and the full explanation.

use std::fmt::Write;

use crate::classify::{Classification, GroupReport, SpofList, SubsystemReport, Tier};
use crate::verdict::{LiveSource, SubsystemVerdict, TierRange, Verdict, new_spofs};

/// A perfdata value: the figure, or `U` when unknown items leave it open
/// (monitoring-plugins convention).
fn figure(x: Option<impl std::fmt::Display>) -> String {
    x.map_or("U".to_string(), |v| v.to_string())
}

fn short(t: Tier) -> &'static str {
    t.roman()
}

fn range_short(r: TierRange) -> String {
    match r.known() {
        Some(t) => short(t).to_string(),
        None => format!("{}–{}", short(r.low), short(r.high)),
    }
}

/// `REDCON <STATE> - <summary> | perfdata`
pub fn render_line(v: &Verdict) -> String {
    let mut summary = match v.live_tier.known() {
        Some(Tier::ZERO) => format!(
            "site {} below Tier I (design {})",
            v.site,
            short(v.design_tier)
        ),
        _ => format!(
            "site {} Tier {} (design {})",
            v.site,
            range_short(v.live_tier),
            short(v.design_tier)
        ),
    };
    if v.source == LiveSource::DesignOnly {
        summary.push_str(", design only, no live data");
    }
    if !v.reasons.is_empty() {
        let shown: Vec<&str> = v.reasons.iter().take(3).map(|r| r.text.as_str()).collect();
        summary.push_str(": ");
        summary.push_str(&shown.join("; "));
        if v.reasons.len() > 3 {
            let _ = write!(summary, "; and {} more", v.reasons.len() - 3);
        }
    }
    // `|` starts the perfdata in the plugin format: text from anywhere (an agent's id, a
    // message) must never inject figures or split the line
    let summary = summary.replace('|', "¦").replace(['\n', '\r'], " ");
    format!("REDCON {} - {} | {}", v.state, summary, perfdata(v))
}

fn perfdata(v: &Verdict) -> String {
    let c = &v.classification;
    // A figure is known when both readings of the unknown items give it: an unknown
    // generator leaves the network's SPOF count as sure as it was.
    let agreed = |of: &dyn Fn(&Classification) -> Option<usize>| {
        of(c).filter(|n| v.worst_case.as_ref().is_none_or(|w| of(w) == Some(*n)))
    };
    let mut perf = format!(
        "design_tier={};;;0;4 live_tier={};;;0;4",
        v.design_tier.0,
        figure(v.live_tier.known().map(|t| t.0))
    );
    for s in &v.subsystems {
        let spofs = agreed(&|c| c.subsystem(s.subsystem).map(|r| r.live.spofs.items.len()));
        let _ = write!(
            perf,
            " {n}_tier={};;;0;4 {n}_spofs={};;;0",
            figure(s.live_tier.known().map(|t| t.0)),
            figure(spofs),
            n = s.subsystem.name()
        );
    }
    let findings = agreed(&|c| Some(c.subsystems.iter().map(|s| s.live.findings.len()).sum()));
    let _ = write!(
        perf,
        " findings={};;;0 serving_now={};;;0;1 unprotected={};;;0 unknown_items={};;;0",
        figure(findings),
        figure(v.serving_now.map(u8::from)),
        c.unprotected_loads.len(),
        v.unknown.len()
    );
    perf
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

fn subsystem(out: &mut String, s: &SubsystemReport, sv: Option<&SubsystemVerdict>) {
    let scope = if s.in_scope {
        ""
    } else {
        "  (graded, not in the site tier)"
    };
    let (live, health) = sv.map_or((short(s.live.tier).to_string(), String::new()), |v| {
        (range_short(v.live_tier), v.health.to_string())
    });
    let _ = writeln!(
        out,
        "{:<8} design {:<4} live {:<4} {} -> {}  [{health}]{scope}",
        s.subsystem.name(),
        short(s.design.tier),
        live,
        s.design_label,
        s.live_label,
    );
    if let Some(w) = sv.and_then(|v| v.worst_label.as_deref()) {
        let _ = writeln!(out, "  with the unknown items out: {w}");
    }
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

fn group(out: &mut String, g: &GroupReport, v: &Verdict) {
    let health = v
        .group(&g.id)
        .map_or(String::new(), |x| x.health.to_string());
    let grade = v
        .group(&g.id)
        .map_or(short(g.live.grade).to_string(), |x| range_short(x.grade));
    let _ = writeln!(
        out,
        "{:<12} {:<8} grade {} -> {}  {} -> {}  [{health}]",
        g.id,
        g.kind.name(),
        short(g.design.grade),
        grade,
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

/// Per subsystem: tier, label, the findings that block the next tier, the SPOFs; the IT
/// groups; what is unknown; every reason; with `verbose`, each agent's whole error chain.
pub fn render_explain(v: &Verdict, verbose: bool) -> String {
    let c = &v.classification;
    let mut out = String::new();
    let _ = writeln!(out, "{}", render_line(v));
    let serving = match v.serving_now {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "unknown",
    };
    let _ = writeln!(
        out,
        "\nsite {}: design {}, live {}, serving now: {serving}  (profile {:?}; {})\n",
        v.site, v.design_tier, v.live_tier, c.profile, v.source
    );
    for s in &c.subsystems {
        subsystem(&mut out, s, v.subsystem(s.subsystem));
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
            group(&mut out, g, v);
        }
    }
    if !v.reasons.is_empty() {
        let _ = writeln!(out, "\nreasons:");
        for r in &v.reasons {
            let _ = writeln!(out, "  {:<8} {}", r.severity, r.text);
        }
    }
    if !v.agents.is_empty() {
        let fresh = v.agents.len() - v.stale_agents.len();
        let _ = writeln!(out, "\nagents: {fresh} of {} fresh", v.agents.len());
        for a in v.agents.iter().filter(|a| v.stale_agents.contains(&a.name)) {
            let why = if verbose {
                a.detail.as_deref().or(a.error.as_deref())
            } else {
                a.error.as_deref()
            };
            let _ = writeln!(out, "  {} {}: {}", a.name, a.freshness, why.unwrap_or(""));
        }
    }
    for w in &c.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}
