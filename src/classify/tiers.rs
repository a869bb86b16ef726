//! T1–T4 for one subsystem (docs/tier-rules.md §2.4), the findings that block the next tier (§2.6)
//! and the single points of failure (§2.7).
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and base.unavailable is sized to site.elements"
)]

use std::collections::BTreeMap;

use super::explain::{Check, findings_for};
use super::graph::Ctx;
use super::net::SubNet;
use super::report::{Assessment, Rule, Spof, SpofKind, SpofList, Tier};
use super::scenario::{Base, EvalState, Evaluator, Mode};
use super::storage::Storage;
use crate::model::{Kind, Rating, Subsystem};

pub(crate) struct Stores {
    pub fuel: Storage,
    pub water: Storage,
}

/// Everything the tests of one subsystem need, evaluated once.
pub(crate) struct Assessor<'c, 'a> {
    ctx: &'c Ctx<'a>,
    net: &'c SubNet,
    base: &'c Base,
    pub planned: Evaluator<'c, 'a>,
    pub unplanned: Evaluator<'c, 'a>,
    /// E_s: in this subsystem, available, not a utility.
    es: Vec<usize>,
    /// Elements of other subsystems (power panels) that elements of E_s `require`: they take
    /// part in this subsystem's N-1 and maintenance scenarios.
    required: Vec<usize>,
    /// Per zone (numbered as in `Indices::zone`): a load of this subsystem sits there.
    load_zone: Vec<bool>,
}

impl<'c, 'a> Assessor<'c, 'a> {
    pub fn new(ctx: &'c Ctx<'a>, net: &'c SubNet, base: &'c Base) -> Self {
        Self::resume(ctx, net, base, None)
    }

    /// As `new`, carrying over what an assessment of an earlier live state of the same
    /// site learnt (`suspend`).
    pub fn resume(
        ctx: &'c Ctx<'a>,
        net: &'c SubNet,
        base: &'c Base,
        states: Option<(EvalState, EvalState)>,
    ) -> Self {
        let (planned, unplanned) = match states {
            Some((p, u)) => (Some(p), Some(u)),
            None => (None, None),
        };
        let counts = |e: usize| !base.unavailable[e] && ctx.kind(e) != Kind::Utility;
        let es: Vec<usize> = net.elems.iter().copied().filter(|&e| counts(e)).collect();
        let mut required: Vec<usize> = es
            .iter()
            .flat_map(|&e| ctx.requires[e].iter().flatten().copied())
            .filter(|&r| ctx.sub(r) != net.sub && counts(r))
            .collect();
        required.sort_unstable();
        required.dedup();
        let mut load_zone = vec![false; ctx.zones];
        for (l, load) in ctx.site.loads.iter().enumerate() {
            if load.subsystem == net.sub
                && let Some(z) = ctx.load_zone[l]
            {
                load_zone[z] = true;
            }
        }
        Assessor {
            ctx,
            net,
            base,
            planned: Evaluator::resume(ctx, net, base, Mode::PLANNED, planned),
            unplanned: Evaluator::resume(ctx, net, base, Mode::UNPLANNED, unplanned),
            es,
            required,
            load_zone,
        }
    }

    /// What the scenarios learnt, for `resume`.
    pub fn suspend(self) -> (EvalState, EvalState) {
        (self.planned.suspend(), self.unplanned.suspend())
    }

    fn exempt(&self, e: usize) -> bool {
        self.ctx.site.elements[e].exempt_point_of_use
    }

    fn with_consequences(&self, e: usize) -> Vec<usize> {
        let mut set = vec![e];
        set.extend(&self.ctx.takes_down[e]);
        set
    }

    /// Planned service, reusing an unplanned answer: whatever survives without operator
    /// help survives with it.
    fn planned_serves(&mut self, set: &[usize]) -> bool {
        self.unplanned.cached(set) == Some(true) || self.planned.serves(set)
    }

    /// Everything a scenario of this subsystem may remove: E_s and the required elements.
    fn candidates(&self) -> Vec<usize> {
        let mut c = self.es.clone();
        c.extend(&self.required);
        c
    }

    /// Compartments that may be lost at once: zones holding candidates but no load of this
    /// subsystem. One event there removes every element in the zone, whatever its subsystem,
    /// and what their failures take down. Each zone comes with the number of candidates in it.
    fn compartments(&self, candidates: &[usize]) -> BTreeMap<&'a str, (Vec<usize>, usize)> {
        let ctx = self.ctx;
        let mut hit = vec![0usize; ctx.zones];
        for &e in candidates {
            if let Some(z) = ctx.zone[e]
                && !self.load_zone[z]
            {
                hit[z] += 1;
            }
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); ctx.zones];
        let mut name: Vec<Option<&'a str>> = vec![None; ctx.zones];
        for (g, el) in ctx.site.elements.iter().enumerate() {
            let Some(z) = ctx.zone[g] else {
                continue;
            };
            if hit[z] > 0 && !self.base.unavailable[g] && el.kind != Kind::Utility {
                name[z] = el.zone.as_deref();
                members[z].push(g);
                members[z].extend(&ctx.takes_down[g]);
            }
        }
        let mut zones = BTreeMap::new();
        for (z, mut m) in members.into_iter().enumerate() {
            if let Some(zone) = name[z] {
                m.sort_unstable();
                m.dedup();
                zones.insert(zone, (m, hit[z]));
            }
        }
        zones
    }

    pub fn assess(&mut self, stores: &Stores) -> Assessment {
        let spofs = self.spofs();
        let checks = self.checks(stores);
        let tier = Tier(
            (1..=4)
                .find(|&lvl| checks.iter().any(|c| c.level == lvl))
                .map_or(4, |l| l - 1),
        );
        let next: Vec<Check> = checks
            .into_iter()
            .filter(|c| c.level == tier.0 + 1)
            .collect();
        let findings = findings_for(self, next);
        Assessment {
            tier,
            serves: self.unplanned.serves(&[]),
            findings,
            spofs,
            approximate: self.planned.approximate || self.unplanned.approximate,
        }
    }

    pub fn ctx(&self) -> &'c Ctx<'a> {
        self.ctx
    }

    pub fn sub(&self) -> Subsystem {
        self.net.sub
    }

    fn checks(&mut self, stores: &Stores) -> Vec<Check> {
        let ctx = self.ctx;
        let sub = self.net.sub;
        let site = ctx.site;
        let mut out = Vec::new();
        let es = self.es.clone();
        let gens: Vec<usize> = es
            .iter()
            .copied()
            .filter(|&e| ctx.kind(e) == Kind::Generator)
            .collect();
        let towers = self.net.elems.iter().any(|&e| ctx.kind(e) == Kind::Tower);

        // Tier I
        if !self.planned.serves(&[]) {
            out.push(Check::scenario(1, Rule::Service, vec![], true));
        }
        if sub == Subsystem::Power && !gens.is_empty() && !stores.fuel.total_ok(site.required_hours)
        {
            out.push(Check::storage(1, Rule::Fuel, stores.fuel));
        }
        if sub == Subsystem::Cooling && towers && !stores.water.total_ok(site.required_hours) {
            out.push(Check::storage(1, Rule::MakeupWater, stores.water));
        }
        // Tier II: a spare of every capacity component
        for &c in es.iter().filter(|&&e| ctx.kind(e).is_capacity_component()) {
            if !self.planned_serves(&[c]) {
                out.push(Check::scenario(2, Rule::CapacityNPlus1, vec![c], true));
            }
        }
        // Tier III: every isolation group can be taken out on a planned basis
        let candidates = self.candidates();
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); ctx.isolation_groups];
        for &e in candidates.iter().filter(|&&e| !self.exempt(e)) {
            groups[ctx.isolation[e]].push(e);
        }
        for members in groups.into_iter().filter(|m| !m.is_empty()) {
            if !self.planned_serves(&members) {
                out.push(Check::scenario(
                    3,
                    Rule::ConcurrentMaintenance,
                    members,
                    true,
                ));
            }
        }
        let standby: Vec<usize> = gens
            .iter()
            .copied()
            .filter(|&g| site.elements[g].rating == Some(Rating::Standby))
            .collect();
        if !standby.is_empty() {
            out.push(Check::listed(3, Rule::GeneratorRating, standby));
        }
        if sub == Subsystem::Power
            && !gens.is_empty()
            && !stores.fuel.maintainable_ok(site.required_hours)
        {
            out.push(Check::storage(3, Rule::CmFuel, stores.fuel));
        }
        if sub == Subsystem::Cooling && towers && !stores.water.maintainable_ok(site.required_hours)
        {
            out.push(Check::storage(3, Rule::MakeupWater, stores.water));
        }
        // Tier IV: any single unplanned failure, with its consequences; any compartment
        if !self.unplanned.serves(&[]) {
            out.push(Check::scenario(4, Rule::FaultTolerance, vec![], false));
        }
        let testable: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&e| !self.exempt(e))
            .collect();
        for e in testable {
            if !self.unplanned.serves(&ctx.fails_with[e]) {
                let set = self.with_consequences(e);
                out.push(Check::scenario(4, Rule::FaultTolerance, set, false));
            }
        }
        for (zone, (members, _)) in self.compartments(&candidates) {
            if !self.unplanned.serves(&members) {
                out.push(Check::zone(4, zone, members));
            }
        }
        if sub == Subsystem::Cooling && !site.continuous_cooling {
            out.push(Check::listed(4, Rule::ContinuousCooling, vec![]));
        }
        out
    }

    /// N-1 in unplanned mode plus common-mode compartments. Without any on-site source the
    /// list is computed with utility counted and labelled utility-dependent.
    fn spofs(&mut self) -> SpofList {
        if self.unplanned.serves(&[]) {
            let candidates = self.candidates();
            return SpofList {
                items: self.spof_items(&candidates, false),
                utility_dependent: false,
            };
        }
        let mode = Mode {
            count_utility: true,
            ..Mode::UNPLANNED
        };
        let mut with_utility = Evaluator::new(self.ctx, self.net, self.base, mode);
        if !with_utility.serves(&[]) {
            return SpofList::default();
        }
        let mut all: Vec<usize> = self
            .net
            .elems
            .iter()
            .copied()
            .filter(|&e| !self.base.unavailable[e])
            .collect();
        all.extend(&self.required);
        std::mem::swap(&mut self.unplanned, &mut with_utility);
        let items = self.spof_items(&all, true);
        std::mem::swap(&mut self.unplanned, &mut with_utility);
        SpofList {
            items,
            utility_dependent: true,
        }
    }

    fn spof_items(&mut self, candidates: &[usize], utilities: bool) -> Vec<Spof> {
        let ctx = self.ctx;
        let mut items: Vec<Spof> = Vec::new();
        for &e in candidates {
            if ctx.kind(e) == Kind::Utility && !utilities {
                continue;
            }
            if !self.unplanned.serves(&ctx.fails_with[e]) {
                let accepted = self.exempt(e) && ctx.kind(e) == Kind::RackAts;
                items.push(Spof {
                    id: ctx.id(e).to_string(),
                    kind: SpofKind::Element,
                    accepted,
                });
            }
        }
        items.sort();
        let mut zones = Vec::new();
        for (zone, (members, count)) in self.compartments(candidates) {
            // a zone with one candidate is that element's own scenario, listed above
            if count >= 2 && !self.unplanned.serves(&members) {
                zones.push(Spof {
                    id: format!("zone:{zone}"),
                    kind: SpofKind::Zone,
                    accepted: false,
                });
            }
        }
        items.extend(zones);
        items
    }
}
