//! A plan as an operator reads it before confirming: verdict first, then why, then what
//! changes. The CLI prints it; the console shows the same lines.

use super::Plan;
use super::audit::age_text;

/// The plan in lines, verdict first.
pub fn plan_text(plan: &Plan) -> Vec<String> {
    let mut out = vec![format!("{}  {}", plan.verdict.word(), plan.operation)];
    for r in &plan.refusals {
        out.push(format!("  refused: {r}"));
    }
    for u in &plan.uncertain {
        out.push(format!("  uncertain: {u}"));
    }
    for d in &plan.degradations {
        out.push(format!("  degrades: {d}"));
    }
    out.push(format!(
        "  live tier {} -> {} (design {})",
        plan.live_tier_before, plan.live_tier_after, plan.design_tier
    ));
    for s in &plan.subsystems {
        let arrow = if s.label_before == s.label_after && s.tier_before == s.tier_after {
            "unchanged".to_string()
        } else {
            format!(
                "{} {} -> {} {}",
                s.tier_before, s.label_before, s.tier_after, s.label_after
            )
        };
        out.push(format!("  {:<8} {arrow}", s.subsystem));
    }
    for g in &plan.groups {
        let mut line = format!("  {:<8} {} -> {}", g.id, g.label_before, g.label_after);
        if let Some((b, a)) = g.quorum {
            line.push_str(&format!(
                "; votes {}/{} -> {}/{} (quorum {})",
                b.present, b.expected, a.present, a.expected, a.quorum
            ));
        }
        out.push(line);
    }
    if !plan.new_spofs.is_empty() {
        out.push(format!("  new SPOFs: {}", plan.new_spofs.join(", ")));
    }
    for u in &plan.unit_loads {
        out.push(format!(
            "  {:<8} {} -> {} of {} ({:.0} %)",
            u.id,
            crate::classify::fmt_num(u.before),
            crate::classify::fmt_num(u.after),
            crate::classify::fmt_num(u.capacity),
            u.after_pct()
        ));
    }
    if !plan.unprotected_loads.is_empty() {
        out.push(format!(
            "  loads left unprotected: {}",
            plan.unprotected_loads.join(", ")
        ));
    }
    if !plan.lost_loads.is_empty() {
        out.push(format!(
            "  loads losing supply: {}",
            plan.lost_loads.join(", ")
        ));
    }
    if let Some(s) = plan.in_maintenance_for_s {
        out.push(format!("  in maintenance for {}", age_text(s)));
    }
    out
}
