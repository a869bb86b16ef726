//! `classify`: the site as designed and as it stands, per subsystem and as a whole.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and per-element vectors are sized to site.elements"
)]

use super::explain::{fmt_num, name_list};
use super::graph::{Ctx, Indices};
use super::itgroups::grade_groups;
use super::labels::{Systems, labels, systems};
use super::net::SubNet;
use super::now::{NowMemo, NowReport, now_report};
use super::report::Assessment;
use super::report::{Classification, ElementStatus, Finding, Rule, SubsystemReport, Tier};
use super::scenario::{Base, EvalState, Mode};
use super::storage::Storage;
use super::supply::unpowered;
use super::tiers::{Assessor, Stores};
use std::sync::Arc;

use crate::model::{ElementState, Kind, LiveState, Profile, Site, Subsystem};

pub(crate) fn live_base(ctx: &Ctx, live: &LiveState) -> Base {
    let n = ctx.site.elements.len();
    // from the live maps' side: an agent reports every element, and a lookup by id per
    // element per pass would cost more than the scenarios a poll re-runs
    let mut state = vec![ElementState::Ok; n];
    for (id, s) in &live.elements {
        if let Some(i) = ctx.index_of(id) {
            state[i] = *s;
        }
    }
    let mut engaged = vec![false; n];
    for i in live.engaged.iter().filter_map(|id| ctx.index_of(id)) {
        engaged[i] = true;
    }
    let mut position = ctx.preferred.clone();
    for (id, p) in &live.positions {
        if let (Some(i), Some(p)) = (ctx.index_of(id), ctx.index_of(p)) {
            position[i] = Some(p);
        }
    }
    Base {
        unavailable: state.iter().map(|s| s.is_unavailable()).collect(),
        engaged,
        on_battery: state
            .iter()
            .map(|&s| s == ElementState::OnBattery)
            .collect(),
        position,
        state,
    }
}

/// Classify a site and its live state. Pure: no IO, no clock.
pub fn classify(site: &Site, live: &LiveState) -> Classification {
    run(site, live, &mut Memo::default())
}

/// What classifying a site keeps for the next live state of the same site: the design half
/// (no poll changes it) and what the live scenarios learnt, so that a poll changing a few
/// items re-runs only the scenarios those items can reach. A memo of another site is
/// dropped, not used.
#[derive(Default)]
pub struct Memo {
    site: Option<Arc<Site>>,
    ix: Option<Indices>,
    /// Units that count for nothing as designed (their `requires` unmet).
    design_out: Option<Vec<bool>>,
    subs: Vec<SubMemo>,
}

impl Memo {
    /// Is this the memo of `site`? The memo's own copy is shared and never changes, so a
    /// caller holding the same allocation has the same site without comparing it field by
    /// field (a 10,000-element site takes longer to compare than a poll to classify).
    fn holds(&self, site: &Site) -> bool {
        self.site
            .as_ref()
            .is_some_and(|m| std::ptr::eq(Arc::as_ptr(m), site) || **m == *site)
    }

    fn adopt(&mut self, site: Arc<Site>) {
        *self = Memo {
            site: Some(site),
            ..Memo::default()
        };
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("site", &self.site.as_ref().map(|s| s.name.as_str()))
            .field("subsystems", &self.subs.len())
            .finish()
    }
}

struct SubMemo {
    sub: Subsystem,
    net: SubNet,
    systems: Systems,
    design: Assessment,
    notes: Vec<String>,
    live: Option<(EvalState, EvalState)>,
    now: NowMemo,
}

/// As [`classify`], reusing and updating `memo`: the same answer, computed from what changed.
pub fn classify_with(site: &Site, live: &LiveState, memo: &mut Memo) -> Classification {
    if !memo.holds(site) {
        memo.adopt(Arc::new(site.clone()));
    }
    run(site, live, memo)
}

/// As [`classify_with`], for a caller that shares the site: the memo keeps a reference to it
/// instead of a copy, and knows it again by address.
pub fn classify_shared(site: &Arc<Site>, live: &LiveState, memo: &mut Memo) -> Classification {
    if !memo.holds(site) {
        memo.adopt(Arc::clone(site));
    }
    run(site, live, memo)
}

/// The classification with `memo` taken to belong to `site` (a fresh memo belongs to any).
fn run(site: &Site, live: &LiveState, memo: &mut Memo) -> Classification {
    let ix: &Indices = memo.ix.get_or_insert_with(|| Indices::of(site));
    let ctx = Ctx::with(site, ix);
    let design_base = Base::design(&ctx);
    let live_base = live_base(&ctx, live);
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
    // a unit whose `requires` are not in service and supplied counts for nothing
    let design_out: &[bool] = memo
        .design_out
        .get_or_insert_with(|| unpowered(&ctx, &design_base, Mode::UNPLANNED));
    let live_out = unpowered(&ctx, &live_base, Mode::UNPLANNED);

    let mut subsystems = Vec::new();
    let mut now_all = NowReport::default();
    for sub in Subsystem::ALL {
        let loads = ctx.loads_of(sub);
        if loads.is_empty() && ctx.elements_of(sub).is_empty() {
            continue;
        }
        let in_scope = site.in_scope.contains(&sub);
        let slot = match memo.subs.iter().position(|m| m.sub == sub) {
            Some(i) => i,
            None => {
                let net = SubNet::build(&ctx, sub, &loads);
                let design = Assessor::new(&ctx, &net, &design_base).assess(&design_stores);
                let mut notes = Vec::new();
                if design.tier < Tier::IV
                    && let Some(note) = single_corded_note(site, sub, design.tier)
                {
                    notes.push(note);
                }
                memo.subs.push(SubMemo {
                    sub,
                    systems: systems(&ctx, sub),
                    net,
                    design,
                    notes,
                    live: None,
                    now: NowMemo::default(),
                });
                memo.subs.len() - 1
            }
        };
        let Some(m) = memo.subs.get_mut(slot) else {
            continue;
        };
        let net = &m.net;
        let design = m.design.clone();
        let now = now_report(&ctx, net, &design_base, &live_base, live, &mut m.now);
        // live service first: the tier of what is still served, then 0 if anything is not
        let mut live_a = if now.unserved.is_empty() {
            let mut assessor = Assessor::resume(&ctx, net, &live_base, m.live.take());
            let mut a = assessor.assess(&live_stores);
            m.live = Some(assessor.suspend());
            reword_served_now(&ctx, &mut a.findings, &now.unprotected);
            a
        } else {
            m.live = None;
            let served: Vec<usize> = loads
                .iter()
                .copied()
                .filter(|l| !now.unserved.contains(l))
                .collect();
            let rest = SubNet::build(&ctx, sub, &served);
            let mut a = Assessor::new(&ctx, &rest, &live_base).assess(&live_stores);
            let first = unserved_finding(&ctx, sub, &now.unserved, now.short.as_ref());
            a.findings.insert(0, first);
            a.tier = Tier::ZERO;
            a.serves = false;
            a
        };
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
        let mut labels = labels(&ctx, &m.systems, design_out, &live_out);
        if !now.unserved.is_empty() {
            // a subsystem that leaves a load without supply has no redundancy to speak of
            labels.live = "below N".to_string();
        }
        let notes = m.notes.clone();
        if in_scope {
            now_all.merge(now);
        } else {
            now_all.notes.extend(now.notes);
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
    let id = |l: &usize| site.loads[*l].id.clone();
    Classification {
        site: site.name.clone(),
        profile: site.profile,
        design_tier,
        live_tier,
        serving_now: now_all.unserved.is_empty(),
        serving_notes: now_all.notes,
        unserved_loads: now_all.unserved.iter().map(id).collect(),
        unprotected_loads: now_all.unprotected.iter().map(id).collect(),
        subsystems,
        groups: grade_groups(site, live),
        not_ok: site
            .elements
            .iter()
            .zip(&live_base.state)
            .map(|(e, &state)| ElementStatus {
                id: e.id.clone(),
                state,
            })
            .filter(|s| s.state != ElementState::Ok)
            .collect(),
        findings,
        warnings,
    }
}

/// Findings about the live baseline (nothing removed) whose loads are served now: they are
/// served, just not in a way the tiers count. Say that, never "loses supply".
fn reword_served_now(ctx: &Ctx, findings: &mut [Finding], unprotected: &[usize]) {
    let index = |id: &str| ctx.site.loads.iter().position(|l| l.id == id);
    for f in findings
        .iter_mut()
        .filter(|f| f.elements.is_empty() && matches!(f.rule, Rule::Service | Rule::FaultTolerance))
    {
        if f.loads.is_empty() {
            continue;
        }
        let names: Vec<&str> = f.loads.iter().map(String::as_str).collect();
        let kw: f64 = f
            .loads
            .iter()
            .filter_map(|id| index(id))
            .map(|l| ctx.site.loads[l].demand)
            .sum();
        let what = format!(
            "{} ({} {})",
            name_list(&names),
            fmt_num(kw),
            f.subsystem.unit()
        );
        let all_unprotected = f
            .loads
            .iter()
            .all(|id| index(id).is_some_and(|l| unprotected.contains(&l)));
        let verb = if f.loads.len() == 1 { "is" } else { "are" };
        f.effect = if all_unprotected {
            format!("{what} {verb} served now, but through no working UPS")
        } else if f.rule == Rule::Service {
            format!("{what} {verb} served now only with the utility counted")
        } else {
            format!("if the utility failed now, without operator action {what} would lose supply")
        };
        f.message = format!("Not {}: {}", f.blocks_tier, f.effect);
    }
}

/// "Not Tier I: ROW-3, ROW-4 (290 kW) without supply now".
fn unserved_finding(
    ctx: &Ctx,
    sub: Subsystem,
    unserved: &[usize],
    short: Option<&super::now::Short>,
) -> Finding {
    let ids: Vec<String> = unserved
        .iter()
        .map(|&l| ctx.site.loads[l].id.clone())
        .collect();
    let names: Vec<&str> = ids.iter().map(String::as_str).collect();
    let kw: f64 = unserved.iter().map(|&l| ctx.site.loads[l].demand).sum();
    let unit = sub.unit();
    let effect = match short {
        // every unserved load still gets some: a shortfall, not a loss
        Some((loads, served, demand)) if unserved.iter().all(|l| loads.contains(l)) => format!(
            "{} short of supply now ({}/{} {unit})",
            name_list(&names),
            fmt_num(*served),
            fmt_num(*demand)
        ),
        _ => format!(
            "{} ({} {unit}) without supply now",
            name_list(&names),
            fmt_num(kw)
        ),
    };
    Finding {
        blocks_tier: Tier::I,
        subsystem: sub,
        rule: Rule::Service,
        elements: vec![],
        loads: ids,
        message: format!("Not Tier I: {effect}"),
        effect,
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
    let base = Base::design(&ctx);
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
