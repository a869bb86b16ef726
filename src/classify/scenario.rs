//! `serves(subsystem, removed, mode)` of docs/tier-rules.md §2.3, answered fast: each component keeps
//! a baseline flow, and removing an element that carried no flow in it cannot break service,
//! so most N-1 scenarios are settled without running a flow at all.
#![allow(
    clippy::indexing_slicing,
    reason = "element, load and node indices come from the Ctx and SubNet built from the same site, and every per-element vector is sized to site.elements"
)]

use super::flow::{INF, scaled};
use super::graph::Ctx;
use super::net::{Component, S, SubNet, T};
use super::supply::{input_open, relevant, supplied, switched_in};
use crate::model::{ElementState, Kind, Subsystem};

/// Beyond this many selector input combinations, fall back to relaxed flow and say so.
const ENUMERATION_CAP: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Mode {
    /// Maintenance: operators may close manual ties first.
    pub planned: bool,
    /// Utility sources count (serving-now and utility-dependent SPOF lists only).
    pub count_utility: bool,
    /// What is flowing right now: raw cords count, UPSs on battery originate.
    pub serving_now: bool,
    /// Power: only supply that has passed through a UPS counts, even when `serving_now`
    /// (which loads are protected right now).
    pub protected_only: bool,
}

impl Mode {
    pub const PLANNED: Mode = Mode {
        planned: true,
        count_utility: false,
        serving_now: false,
        protected_only: false,
    };
    pub const UNPLANNED: Mode = Mode {
        planned: false,
        count_utility: false,
        serving_now: false,
        protected_only: false,
    };
    /// What is flowing right now: utility and bypass count, transfers have happened.
    pub const NOW: Mode = Mode {
        planned: false,
        count_utility: true,
        serving_now: true,
        protected_only: false,
    };

    fn protects(self, sub: Subsystem) -> bool {
        sub == Subsystem::Power && (!self.serving_now || self.protected_only)
    }
}

/// The state a scenario starts from: what is already unavailable, what an operator closed.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    pub unavailable: Vec<bool>,
    pub engaged: Vec<bool>,
    pub on_battery: Vec<bool>,
    /// Transfer switches: the input (global index) carrying the load, when known.
    pub position: Vec<Option<usize>>,
    /// Each element's reported state (Ok by design), looked up once rather than by id in
    /// every pass over the site.
    pub state: Vec<ElementState>,
}

impl Base {
    /// Everything available, transfer switches on their `preferred` input.
    pub fn design(ctx: &Ctx) -> Base {
        let n = ctx.site.elements.len();
        Base {
            unavailable: vec![false; n],
            engaged: vec![false; n],
            on_battery: vec![false; n],
            position: ctx.preferred.clone(),
            state: vec![ElementState::Ok; n],
        }
    }
}

struct Baseline {
    served: bool,
    usable: Vec<bool>,
    carries: Vec<bool>,
    /// The baseline (capacities, flow), when no selector could draw on two inputs: a
    /// scenario can then start from it instead of from zero.
    warm: Option<(Vec<i64>, Vec<i64>)>,
    /// The baseline's flow value.
    flow: i64,
    /// What the source reaches in the baseline, worked out at the first finding that needs
    /// it; dropped when the baseline moves.
    reach: Option<outcome::BaseReach>,
}

pub(crate) struct Evaluator<'c, 'a> {
    ctx: &'c Ctx<'a>,
    net: SubNet,
    base: &'c Base,
    mode: Mode,
    baselines: Vec<Baseline>,
    cache: Memo,
    /// Findings' outcomes by removed set (sorted), with the components the scenario
    /// touched: an outcome reads nothing else (see `rebase`).
    outcomes: Outcomes,
    removed: Vec<bool>,
    /// Elements in service and supplied with nothing removed, and in the scenario at hand.
    base_supplied: Vec<bool>,
    supplied: Vec<bool>,
    /// Elements whose loss can change what `requires` sees; None when no element requires.
    relevant: Option<Vec<bool>>,
    /// `supplied` differs from `base_supplied` in the scenario at hand.
    resupplied: bool,
    /// Per component: the graph holds the baseline's capacities and flow (warm trials run on
    /// it and put it back); a cold run clears it.
    at_base: Vec<bool>,
    pub approximate: bool,
}

impl<'c, 'a> Evaluator<'c, 'a> {
    pub fn new(ctx: &'c Ctx<'a>, net: &SubNet, base: &'c Base, mode: Mode) -> Self {
        let n = ctx.site.elements.len();
        let any_requires = ctx.requires.iter().any(|r| !r.is_empty());
        let base_supplied = if any_requires {
            supplied(ctx, base, mode, &vec![false; n])
        } else {
            Vec::new()
        };
        let mut ev = Evaluator {
            ctx,
            net: net.clone(),
            base,
            mode,
            baselines: Vec::new(),
            cache: Memo::default(),
            outcomes: Outcomes::default(),
            removed: vec![false; n],
            supplied: base_supplied.clone(),
            base_supplied,
            relevant: any_requires.then(|| relevant(ctx)),
            resupplied: false,
            at_base: vec![false; net.comps.len()],
            approximate: false,
        };
        for c in 0..ev.net.comps.len() {
            let (flow, usable) = ev.run(c);
            let warm = ev.selectors(c, &usable).is_empty().then(|| {
                let g = &ev.net.comps[c].graph;
                (g.caps(), g.flows())
            });
            let comp = &ev.net.comps[c];
            let carries = (0..comp.elems.len())
                .map(|l| {
                    comp.graph.flow(comp.elem_arc[l]) > 0
                        || comp.src_arc[l].is_some_and(|a| comp.graph.flow(a) > 0)
                })
                .collect();
            ev.baselines.push(Baseline {
                served: flow >= comp.demand,
                usable,
                carries,
                warm,
                flow,
                reach: None,
            });
        }
        ev
    }

    pub fn sub(&self) -> Subsystem {
        self.net.sub
    }

    fn usable(&self, g: usize) -> bool {
        let ctx = self.ctx;
        if self.base.unavailable[g] || self.removed[g] {
            return false;
        }
        if !switched_in(ctx, self.base, self.mode, &self.removed, g) {
            return false;
        }
        // `requires` is met by an element that is in service and supplied (not just there)
        ctx.requires[g]
            .iter()
            .all(|clause| clause.iter().any(|&r| self.supplied[r]))
    }

    /// May the resource pass from `u` into `g`? Not from an input a transfer switch in
    /// position cannot switch to by itself; and, where protection counts, not from raw supply
    /// into the critical side except through a UPS: a maintenance bypass is a manual way
    /// round a UPS, never a protected path.
    fn arc_open(&self, u: usize, g: usize) -> bool {
        let ctx = self.ctx;
        if !input_open(ctx, self.base, self.mode, u, g) {
            return false;
        }
        let raw_into_critical = ctx.critical[g] && !ctx.critical[u] && ctx.kind(g) != Kind::Ups;
        !(raw_into_critical && self.mode.protects(self.net.sub))
    }

    /// Supply of every element for the current `removed` mask: recomputed only when the
    /// removal reaches something a `requires` depends on (`mark` restores the baseline).
    fn resupply(&mut self, removed: &[usize]) {
        let Some(rel) = &self.relevant else {
            return;
        };
        if removed.iter().any(|&r| rel[r]) {
            self.supplied = supplied(self.ctx, self.base, self.mode, &self.removed);
            self.resupplied = self.supplied != self.base_supplied;
        }
    }

    /// Selectors that could draw on two or more usable inputs.
    fn selectors(&self, c: usize, usable: &[bool]) -> Vec<(usize, Vec<usize>)> {
        let comp = &self.net.comps[c];
        (0..comp.elems.len())
            .filter(|&l| usable[l] && self.ctx.kind(comp.elems[l]).is_selector())
            .map(|l| {
                let arcs: Vec<usize> = comp.in_arcs[l]
                    .iter()
                    .filter(|(lu, _)| usable[*lu] && self.arc_open(comp.elems[*lu], comp.elems[l]))
                    .map(|&(_, a)| a)
                    .collect();
                (l, arcs)
            })
            .filter(|(_, arcs)| arcs.len() >= 2)
            .collect()
    }

    /// Capacities for the current `removed` mask; returns which elements are usable.
    fn set_caps(&mut self, c: usize) -> Vec<bool> {
        let ctx = self.ctx;
        if let Some(b) = self.at_base.get_mut(c) {
            *b = false;
        }
        let usable: Vec<bool> = self.net.comps[c]
            .elems
            .iter()
            .map(|&g| self.usable(g))
            .collect();
        let mut caps = Vec::new();
        for (l, &u) in usable.iter().enumerate() {
            self.caps_of(c, l, u, &mut caps);
        }
        let protect = self.mode.protects(self.net.sub);
        let comp = &mut self.net.comps[c];
        for (a, cap) in caps {
            comp.graph.set_cap(a, cap);
        }
        for grp in &comp.groups {
            for &(lu, a) in &grp.arcs {
                let raw = protect && !ctx.critical[comp.elems[lu]];
                comp.graph.set_cap(a, if raw { 0 } else { INF });
            }
        }
        usable
    }

    /// The capacities of local element `l`'s own arcs (through it, from the source, from
    /// each input) given whether it is usable: what a change of its state can change.
    fn caps_of(&self, c: usize, l: usize, usable: bool, out: &mut Vec<(usize, i64)>) {
        let ctx = self.ctx;
        let comp = &self.net.comps[c];
        let g = comp.elems[l];
        let e = &ctx.site.elements[g];
        let cap = if usable {
            e.capacity.map_or(INF, scaled)
        } else {
            0
        };
        out.push((comp.elem_arc[l], cap));
        if let Some(a) = comp.src_arc[l] {
            let originates = ctx.source[g] || (self.mode.serving_now && self.base.on_battery[g]);
            out.push((a, if originates { cap } else { 0 }));
        }
        for &(lu, a) in &comp.in_arcs[l] {
            let open = self.arc_open(comp.elems[lu], g);
            out.push((a, if open { INF } else { 0 }));
        }
    }

    /// Set capacities for the current `removed` mask and run the flow from zero,
    /// enumerating selector inputs where the relaxed answer lets a selector draw on two.
    fn run(&mut self, c: usize) -> (i64, Vec<bool>) {
        let usable = self.set_caps(c);
        let selectors = self.selectors(c, &usable);
        let comp = &mut self.net.comps[c];
        let flow = comp.graph.max_flow(S, T);
        if flow < comp.demand {
            return (flow, usable);
        }
        let one_input_each = selectors
            .iter()
            .all(|(_, arcs)| arcs.iter().filter(|&&a| comp.graph.flow(a) > 0).count() <= 1);
        if one_input_each {
            return (flow, usable);
        }
        let combos = selectors
            .iter()
            .try_fold(1usize, |acc, (_, arcs)| acc.checked_mul(arcs.len()));
        let Some(combos) = combos.filter(|&n| n <= ENUMERATION_CAP) else {
            self.approximate = true;
            return (flow, usable);
        };
        let mut best = 0;
        for mut k in 0..combos {
            for (_, arcs) in &selectors {
                let pick = k % arcs.len();
                k /= arcs.len();
                for (i, &a) in arcs.iter().enumerate() {
                    comp.graph.set_cap(a, if i == pick { INF } else { 0 });
                }
            }
            let f = comp.graph.max_flow(S, T);
            best = best.max(f);
            if f >= comp.demand {
                break;
            }
        }
        (best, usable)
    }

    fn mark(&mut self, removed: &[usize], on: bool) {
        for &r in removed {
            self.removed[r] = on;
        }
        if on {
            self.resupply(removed);
        } else if self.resupplied {
            self.supplied.clone_from(&self.base_supplied);
            self.resupplied = false;
        }
    }

    /// Elements a removal can change: the removed ones, and those whose `requires` name an
    /// element that is removed or has lost its supply in this scenario.
    fn touched(&self, removed: &[usize]) -> Vec<usize> {
        let mut t = removed.to_vec();
        for &r in removed {
            t.extend(&self.ctx.dependents[r]);
        }
        if self.resupplied {
            for (r, (&was, &is)) in self.base_supplied.iter().zip(&self.supplied).enumerate() {
                if was && !is {
                    t.extend(&self.ctx.dependents[r]);
                }
            }
        }
        t
    }
}

#[path = "answer.rs"]
mod answer;
use answer::{Answer, Memo, Outcomes};
use answer::{moved_key, set_key, span_bit, span_bit_at, span_shift};

#[path = "outcome.rs"]
mod outcome;

#[path = "serves.rs"]
mod serves;
pub(crate) use outcome::Outcome;

#[path = "rebase.rs"]
mod rebase;
pub(crate) use rebase::EvalState;

#[cfg(test)]
#[path = "scenario_tests.rs"]
mod tests;
