//! `classify`: the site as designed and as it stands, per subsystem and as a whole.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and per-element vectors are sized to site.elements"
)]

use super::explain::{fmt_num, name_list};
use super::graph::Ctx;
use super::itgroups::grade_groups;
use super::labels::redundancy;
use super::net::SubNet;
use super::report::{
    Classification, ElementStatus, Finding, Rule, ServingNote, SubsystemReport, Tier,
};
use super::scenario::{Base, Evaluator, Mode};
use super::storage::Storage;
use super::tiers::{Assessor, Stores};
use crate::model::{ElementState, Kind, LiveState, Profile, Site, Subsystem};

fn live_base(ctx: &Ctx, live: &LiveState) -> Base {
    let els = &ctx.site.elements;
    Base {
        unavailable: els
            .iter()
            .map(|e| live.element_state(&e.id).is_unavailable())
            .collect(),
        engaged: els.iter().map(|e| live.engaged.contains(&e.id)).collect(),
        on_battery: els
            .iter()
            .map(|e| live.element_state(&e.id) == ElementState::OnBattery)
            .collect(),
    }
}

/// Serving now counts utility and bypass: a UPS on bypass still passes raw power.
fn now_base(ctx: &Ctx, live: &LiveState) -> Base {
    let mut b = live_base(ctx, live);
    for (i, e) in ctx.site.elements.iter().enumerate() {
        if live.element_state(&e.id) == ElementState::Bypass {
            b.unavailable[i] = false;
        }
    }
    b
}

const NOW: Mode = Mode {
    planned: false,
    count_utility: true,
    serving_now: true,
};

/// Classify a site and its live state. Pure: no IO, no clock.
pub fn classify(site: &Site, live: &LiveState) -> Classification {
    let ctx = Ctx::new(site);
    let n = site.elements.len();
    let design_base = Base::design(n);
    let live_base = live_base(&ctx, live);
    let now_base = now_base(&ctx, live);
    let mut warnings = Vec::new();
    let design_stores = Stores {
        fuel: Storage::of_site_fuel(&site.fuel_tanks, None),
        water: Storage::of_site_water(&site.makeup_water, None),
    };
    let live_stores = Stores {
        fuel: Storage::of_site_fuel(&site.fuel_tanks, Some(live)),
        water: Storage::of_site_water(&site.makeup_water, Some(live)),
    };
    let has = |k: Kind| site.elements.iter().any(|e| e.kind == k);
    if has(Kind::Generator) && design_stores.fuel == Storage::Unknown {
        warnings.push(
            "fuel unknown: generators but no fuel tanks described; fuel checks assumed to pass"
                .into(),
        );
    }
    if has(Kind::Tower) && design_stores.water == Storage::Unknown {
        warnings.push("makeup water unknown: cooling towers but no makeup-water storage described; water checks assumed to pass".into());
    }

    let mut subsystems = Vec::new();
    let mut serving_now = true;
    let mut serving_notes = Vec::new();
    let mut unserved_loads = Vec::new();
    for sub in Subsystem::ALL {
        let loads = ctx.loads_of(sub);
        if loads.is_empty() && ctx.elements_of(sub).is_empty() {
            continue;
        }
        let in_scope = site.in_scope.contains(&sub);
        let net = SubNet::build(&ctx, sub, &loads);
        let design = Assessor::new(&ctx, &net, &design_base).assess(&design_stores);
        let mut live_a = Assessor::new(&ctx, &net, &live_base).assess(&live_stores);
        if live_a.tier > design.tier {
            warnings.push(format!(
                "{}: live state computes to {} above the design's {} (operator-closed ties or over-reported fuel); shown as {}",
                sub.name(), live_a.tier, design.tier, design.tier
            ));
            live_a.tier = design.tier;
        }
        if design.approximate || live_a.approximate {
            warnings.push(format!(
                "{}: too many transfer-switch combinations to enumerate; some answers used relaxed flow",
                sub.name()
            ));
        }
        let labels = redundancy(&ctx, sub, &live_base.unavailable);
        let mut notes = Vec::new();
        if design.tier < Tier::IV
            && let Some(note) = single_corded_note(site, sub, design.tier)
        {
            notes.push(note);
        }
        if in_scope {
            let mut now = Evaluator::new(&ctx, &net, &now_base, NOW);
            if !now.serves(&[]) {
                serving_now = false;
                let o = now.outcome(&[]);
                // a load with no path left, or a path too small for what it draws
                let ids: Vec<String> = o
                    .dead_loads
                    .iter()
                    .chain(&o.short_loads)
                    .map(|&l| site.loads[l].id.clone())
                    .collect();
                let names: Vec<&str> = ids.iter().map(String::as_str).collect();
                unserved_loads.extend(ids.iter().cloned());
                serving_notes.push(ServingNote {
                    elements: vec![],
                    message: format!(
                        "{} is not serving every critical load now: {} without supply",
                        sub.name(),
                        name_list(&names)
                    ),
                    loads: ids,
                });
            }
            serving_notes.extend(on_battery_notes(&ctx, &mut now, live));
        }
        subsystems.push(SubsystemReport {
            subsystem: sub,
            in_scope,
            design,
            live: live_a,
            design_label: labels.design,
            live_label: labels.live,
            groups: labels.groups,
            notes,
        });
    }
    let scoped: Vec<&SubsystemReport> = subsystems.iter().filter(|s| s.in_scope).collect();
    if scoped.is_empty() {
        warnings.push("no facility (power or cooling) modelled: the site tier is 0".into());
    }
    let mut design_tier = scoped
        .iter()
        .map(|s| s.design.tier)
        .min()
        .unwrap_or(Tier::ZERO);
    let mut live_tier = scoped
        .iter()
        .map(|s| s.live.tier)
        .min()
        .unwrap_or(Tier::ZERO);
    let mut findings = Vec::new();
    if site.profile == Profile::Provider {
        findings = provider_findings(site);
        if !findings.is_empty() {
            design_tier = design_tier.min(Tier::III);
            live_tier = live_tier.min(Tier::III);
        }
    }
    Classification {
        site: site.name.clone(),
        profile: site.profile,
        design_tier,
        live_tier,
        serving_now,
        serving_notes,
        unserved_loads,
        subsystems,
        groups: grade_groups(site, live),
        not_ok: site
            .elements
            .iter()
            .map(|e| ElementStatus {
                id: e.id.clone(),
                state: live.element_state(&e.id),
            })
            .filter(|s| s.state != ElementState::Ok)
            .collect(),
        findings,
        warnings,
    }
}

fn provider_findings(site: &Site) -> Vec<Finding> {
    let p = site.prerequisites;
    [
        (p.utility_feeds, "utility feeds", Subsystem::Power),
        (p.isp_carriers, "ISP carriers", Subsystem::Network),
        (p.water_sources, "water sources", Subsystem::Cooling),
    ]
    .into_iter()
    .filter(|(have, _, _)| *have < 2)
    .map(|(have, what, sub)| Finding {
        blocks_tier: Tier::IV,
        subsystem: sub,
        rule: Rule::ProviderPrerequisite,
        elements: vec![],
        loads: vec![],
        effect: format!("{have} of 2 {what}"),
        message: format!("Not Tier IV (provider profile): needs at least 2 {what}, has {have}"),
    })
    .collect()
}

/// "would compute to Tier IV without the 40 kW of single-corded load" (docs/tier-rules.md §2.4).
fn single_corded_note(site: &Site, sub: Subsystem, tier: Tier) -> Option<String> {
    let single: Vec<&crate::model::Load> = site
        .loads
        .iter()
        .filter(|l| l.subsystem == sub && l.inputs.len() == 1)
        .collect();
    if single.is_empty() || single.len() == site.loads.iter().filter(|l| l.subsystem == sub).count()
    {
        return None;
    }
    let mut reduced = site.clone();
    reduced
        .loads
        .retain(|l| !(l.subsystem == sub && l.inputs.len() == 1));
    reduced.raid.clear();
    reduced.bonds.clear();
    reduced.bridges.clear();
    reduced.gateways.clear();
    reduced.clusters.clear();
    let ctx = Ctx::new(&reduced);
    let loads = ctx.loads_of(sub);
    let net = SubNet::build(&ctx, sub, &loads);
    let base = Base::design(reduced.elements.len());
    let stores = Stores {
        fuel: Storage::of_site_fuel(&reduced.fuel_tanks, None),
        water: Storage::of_site_water(&reduced.makeup_water, None),
    };
    let without = Assessor::new(&ctx, &net, &base).assess(&stores).tier;
    (without > tier).then(|| {
        let kw: f64 = single.iter().map(|l| l.demand).sum();
        let ids: Vec<&str> = single.iter().map(|l| l.id.as_str()).collect();
        format!(
            "{} would compute to {without} without the {} {} of single-corded load ({}); dual-corded gear or point-of-use transfer switches would close the gap",
            sub.name(),
            fmt_num(kw),
            sub.unit(),
            name_list(&ids)
        )
    })
}

/// A UPS on battery: which loads drop when the battery runs out.
fn on_battery_notes(ctx: &Ctx, now: &mut Evaluator, live: &LiveState) -> Vec<ServingNote> {
    let sub = now.sub();
    let ups: Vec<usize> = (0..ctx.site.elements.len())
        .filter(|&e| ctx.sub(e) == sub && live.element_state(ctx.id(e)) == ElementState::OnBattery)
        .collect();
    if ups.is_empty() {
        return Vec::new();
    }
    let o = now.outcome(&ups);
    let loads: Vec<String> = o
        .dead_loads
        .iter()
        .map(|&l| ctx.site.loads[l].id.clone())
        .collect();
    ups.iter()
        .map(|&u| {
            let id = ctx.id(u);
            let runtime = live
                .battery_runtime_min
                .get(id)
                .map_or("unknown runtime".to_string(), |m| {
                    format!("est. runtime {} min", fmt_num(*m))
                });
            let names: Vec<&str> = loads.iter().map(String::as_str).collect();
            let then = if loads.is_empty() {
                "every load has another protected path".to_string()
            } else {
                format!(
                    "{} drop then unless they get another protected path",
                    name_list(&names)
                )
            };
            ServingNote {
                elements: vec![id.to_string()],
                loads: loads.clone(),
                message: format!("{id} on battery, {runtime}; {then}"),
            }
        })
        .collect()
}
