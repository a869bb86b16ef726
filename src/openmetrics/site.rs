//! The site exporter's `/metrics`: one verdict (built by `verdict::build`, never
//! recomputed here) and how its agents answer, as OpenMetrics text.
//!
//! The live tier is a range when unknown items leave it open (docs/tier-rules.md,
//! "Unknown"): `redcon_site_live_tier_min` (unknown items unavailable) and `_max` (at their
//! last known state) are always there; `redcon_site_tier{basis="live"}` only when the two
//! agree. Alerts compare the range, so a tier alert never resolves because data vanished.

use super::{Gauges, Labels, Sheet, flag, one_hot, set};
use crate::classify::Tier;
use crate::verdict::{CheckState, Freshness, Health, TierRange, Verdict, new_spofs};

/// How one agent answers the exporter's poller.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSeen {
    pub name: String,
    /// Its last poll brought a usable answer.
    pub up: bool,
    /// Seconds since its last usable answer; `None`: never answered.
    pub age_s: Option<f64>,
}

/// Maintenance an operator started through redcon that the live state still shows.
#[derive(Debug, Clone, PartialEq)]
pub struct InPlace {
    pub target: String,
    pub age_s: f64,
}

fn tier(t: Tier) -> f64 {
    f64::from(t.0)
}

/// Design, the live tier when known, and the live range; `labels` name the site or
/// subsystem.
fn tiers(
    (exact, min, max): (&Gauges, &Gauges, &Gauges),
    labels: &Labels,
    design: Tier,
    live: TierRange,
) {
    let with = |basis: &str| {
        let mut l = labels.clone();
        l.push(("basis", basis.to_string()));
        l
    };
    set(exact, with("design"), tier(design));
    if let Some(t) = live.known() {
        set(exact, with("live"), tier(t));
    }
    set(min, labels.clone(), tier(live.low));
    set(max, labels.clone(), tier(live.high));
}

/// The exporter's text for verdict `v`, its agents and the maintenance left in place.
pub fn render(v: &Verdict, agents: &[AgentSeen], in_place: &[InPlace]) -> String {
    let mut sheet = Sheet::default();
    let site = || vec![("site", v.site.clone())];
    let state = sheet.gauges(
        "redcon_site_state",
        "The check state redcon status would give, one series per state: the one it is in is 1",
        None,
    );
    one_hot::<CheckState>(&state, &site(), v.state);
    let site_tier = (
        &sheet.gauges(
            "redcon_site_tier",
            "Site tier as designed (basis=design) and as it stands now (basis=live, only while no unknown item leaves it open)",
            None,
        ),
        &sheet.gauges(
            "redcon_site_live_tier_min",
            "Lowest live tier the unknown items allow (they taken as unavailable); equals the live tier when all is known",
            None,
        ),
        &sheet.gauges(
            "redcon_site_live_tier_max",
            "Highest live tier the unknown items allow (they at their last known state); equals the live tier when all is known",
            None,
        ),
    );
    tiers(site_tier, &site(), v.design_tier, v.live_tier);
    let serving = sheet.gauges(
        "redcon_site_serving",
        "1 when every critical load has power and cooling now, 0 when not; absent while unknown items leave it open",
        None,
    );
    if let Some(s) = v.serving_now {
        set(&serving, site(), flag(s));
    }
    let sub_tier = (
        &sheet.gauges(
            "redcon_subsystem_tier",
            "Subsystem tier as designed and, while known, as it stands now",
            None,
        ),
        &sheet.gauges(
            "redcon_subsystem_live_tier_min",
            "Lowest live subsystem tier the unknown items allow",
            None,
        ),
        &sheet.gauges(
            "redcon_subsystem_live_tier_max",
            "Highest live subsystem tier the unknown items allow",
            None,
        ),
    );
    let sub_health = sheet.gauges(
        "redcon_subsystem_health",
        "Subsystem health, one series per state: the one it is in is 1",
        None,
    );
    for s in &v.subsystems {
        let mut l = site();
        l.push(("subsystem", s.subsystem.name().to_string()));
        tiers(sub_tier, &l, s.design_tier, s.live_tier);
        one_hot::<Health>(&sub_health, &l, s.health);
    }
    let group_health = sheet.gauges(
        "redcon_group_health",
        "IT redundancy group health, one series per state: the one it is in is 1",
        None,
    );
    for g in &v.groups {
        let mut l = site();
        l.push(("group", g.id.clone()));
        l.push(("kind", g.kind.name().to_string()));
        one_hot::<Health>(&group_health, &l, g.health);
    }
    claims(&mut sheet, v);
    problems(&mut sheet, v);
    agents_and_maintenance(&mut sheet, v, agents, in_place);
    sheet.text()
}

/// What the classification claims (made with unknown items at their last known state).
fn claims(sheet: &mut Sheet, v: &Verdict) {
    let spof = sheet.gauges(
        "redcon_spof",
        "A single point of failure now; designed=false when the design does not have it",
        None,
    );
    for s in &v.classification.subsystems {
        let new = new_spofs(s);
        for id in s.live.spofs.ids() {
            let l = vec![
                ("site", v.site.clone()),
                ("subsystem", s.subsystem.name().to_string()),
                ("element", id.to_string()),
                ("designed", (!new.contains(&id)).to_string()),
            ];
            set(&spof, l, 1.0);
        }
    }
    let unprotected = sheet.gauges(
        "redcon_unprotected_load",
        "A power load served now through no working UPS: one utility disturbance drops it",
        None,
    );
    for load in &v.classification.unprotected_loads {
        set(
            &unprotected,
            vec![("site", v.site.clone()), ("load", load.clone())],
            1.0,
        );
    }
    let unserved = sheet.gauges(
        "redcon_unserved_load",
        "An in-scope load without supply now",
        None,
    );
    for load in &v.classification.unserved_loads {
        set(
            &unserved,
            vec![("site", v.site.clone()), ("load", load.clone())],
            1.0,
        );
    }
}

fn problems(sheet: &mut Sheet, v: &Verdict) {
    let problem = sheet.gauges(
        "redcon_problem",
        "One current problem: the item (element, member, tank, load or agent id), what is wrong with it, and how urgent",
        None,
    );
    for p in &v.problems {
        let sev: &'static str = p.severity.into();
        let trouble: &'static str = p.trouble.into();
        let l = vec![
            ("site", v.site.clone()),
            ("item", p.item.clone()),
            ("trouble", trouble.to_string()),
            ("severity", sev.to_string()),
        ];
        set(&problem, l, 1.0);
    }
    let unknown = sheet.gauges(
        "redcon_unknown_item",
        "An item with no fresh data: neither healthy nor failed",
        None,
    );
    for u in &v.unknown {
        let l = vec![
            ("site", v.site.clone()),
            ("item", u.id.clone()),
            ("kind", u.kind.name().to_string()),
            ("agent", u.agent.clone().unwrap_or_default()),
        ];
        set(&unknown, l, 1.0);
    }
}

fn agents_and_maintenance(
    sheet: &mut Sheet,
    v: &Verdict,
    seen: &[AgentSeen],
    in_place: &[InPlace],
) {
    let up = sheet.gauges(
        "redcon_agent_up",
        "1 when the agent's last poll brought a usable answer",
        None,
    );
    let age = sheet.gauges(
        "redcon_agent_data_age",
        "Time since the agent's last usable answer",
        Some(super::Base::Seconds),
    );
    let fresh = sheet.gauges(
        "redcon_agent_freshness",
        "How far the agent's data can be trusted by its age, one series per state: the one it is in is 1",
        None,
    );
    for a in seen {
        let l = vec![("site", v.site.clone()), ("agent", a.name.clone())];
        set(&up, l.clone(), flag(a.up));
        if let Some(s) = a.age_s {
            set(&age, l.clone(), s);
        }
        let freshness = v
            .agents
            .iter()
            .find(|h| h.name == a.name)
            .map_or(Freshness::Never, |h| h.freshness);
        one_hot::<Freshness>(&fresh, &l, freshness);
    }
    let maint = sheet.gauges(
        "redcon_maintenance_in_place",
        "Time since an operator started maintenance through redcon that the live state still shows",
        Some(super::Base::Seconds),
    );
    for m in in_place {
        set(
            &maint,
            vec![("site", v.site.clone()), ("target", m.target.clone())],
            m.age_s,
        );
    }
}

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;
