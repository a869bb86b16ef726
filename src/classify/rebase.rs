//! Carrying an evaluator from one live state to the next of the same site. A poll that
//! changes a few items should not re-run every scenario: the baseline flow is repaired
//! around the changed elements, and a remembered answer is kept where the change cannot
//! alter it. Whether a scenario serves depends on capacities alone (a maximum flow), never
//! on which flow the baseline happens to hold, so:
//!
//! - a scenario that failed still fails unless capacity rose on the cut that stopped it:
//!   its repair ended with a set of nodes the source cannot reach, every arc into them full
//!   and none out of them carrying flow, so the demand exceeds what the arcs into them can
//!   carry until one of those arcs gains capacity;
//! - a served scenario is still served where its proof still fits: the new baseline with the
//!   scenario's changes added (the arcs its trials moved, and the touched elements' own
//!   arcs, which the scenario closes) is a flow of the whole demand as long as none of those
//!   arcs changed flow in the rebase or lost capacity.
//!
//! The property test in tests/incremental.rs compares kept answers with full runs.
#![allow(
    clippy::indexing_slicing,
    reason = "element, component and node indices come from the SubNet this state was built with, for the same site"
)]

use std::collections::{BTreeMap, HashSet};

use foldhash::fast::FixedState;

use super::*;
use crate::classify::net::SubNet;

/// Everything an evaluator owns, kept between classifications of one site.
pub(crate) struct EvalState {
    mode: Mode,
    /// The base the state was built for.
    base: Base,
    net: SubNet,
    baselines: Vec<Baseline>,
    cache: Memo,
    outcomes: Outcomes,
    base_supplied: Vec<bool>,
    relevant: Option<Vec<bool>>,
    at_base: Vec<bool>,
    approximate: bool,
}

impl<'c, 'a> Evaluator<'c, 'a> {
    /// Keep what this evaluator learnt for the next live state of the same site.
    pub fn suspend(self) -> EvalState {
        EvalState {
            mode: self.mode,
            base: self.base.clone(),
            net: self.net,
            baselines: self.baselines,
            cache: self.cache,
            outcomes: self.outcomes,
            base_supplied: self.base_supplied,
            relevant: self.relevant,
            at_base: self.at_base,
            approximate: self.approximate,
        }
    }

    /// An evaluator for `base`, carried over from `state` (built for an earlier base of the
    /// same site and subnet) where that is possible, else built afresh.
    pub fn resume(
        ctx: &'c Ctx<'a>,
        net: &SubNet,
        base: &'c Base,
        mode: Mode,
        state: Option<EvalState>,
    ) -> Self {
        if let Some(st) = state.filter(|st| st.mode == mode && !st.approximate) {
            let n = ctx.site.elements.len();
            let mut ev = Evaluator {
                ctx,
                net: st.net,
                base,
                mode,
                baselines: st.baselines,
                cache: st.cache,
                outcomes: st.outcomes,
                removed: vec![false; n],
                supplied: st.base_supplied.clone(),
                base_supplied: st.base_supplied,
                relevant: st.relevant,
                resupplied: false,
                at_base: st.at_base,
                approximate: false,
            };
            if ev.rebase(&st.base) {
                return ev;
            }
        }
        Evaluator::new(ctx, net, base, mode)
    }

    /// Move from `old` to `self.base`. False when the change reaches what this cannot
    /// follow (a `requires` input, a transfer switch with a choice, a baseline that stops
    /// serving): the caller then starts afresh.
    fn rebase(&mut self, old: &Base) -> bool {
        let new = self.base;
        let changed: Vec<usize> = (0..old.unavailable.len())
            .filter(|&g| {
                old.unavailable[g] != new.unavailable[g]
                    || old.engaged[g] != new.engaged[g]
                    || old.on_battery[g] != new.on_battery[g]
                    || old.position[g] != new.position[g]
            })
            .collect();
        if changed.is_empty() {
            return true;
        }
        if let Some(rel) = &self.relevant {
            if changed.iter().any(|&g| rel[g]) {
                return false;
            }
            // nothing a `requires` looks at changed: only the changed elements' own supply
            let n = self.removed.len();
            self.base_supplied = supplied(self.ctx, self.base, self.mode, &vec![false; n]);
            self.supplied.clone_from(&self.base_supplied);
        }
        // the stretches (`span_bit`) of every node whose arcs changed capacity or flow
        let mut changed_span = 0u128;
        let mut by_comp: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &g in &changed {
            if let Some((c, l)) = self.net.place[g] {
                by_comp.entry(c).or_default().push(l);
                changed_span |= span_bit(&self.net, c, Component::node_in(l))
                    | span_bit(&self.net, c, Component::node_out(l));
            }
        }
        let in_this = !by_comp.is_empty();
        let by_comp_keys: Vec<usize> = by_comp.keys().copied().collect();
        // every arc that lost capacity or carries another flow, as `moved_key` writes it
        let mut unsure: Vec<u64> = Vec::new();
        // every arc that gained capacity: (component, from node, to node)
        let mut raised: Vec<(usize, usize, usize)> = Vec::new();
        for (c, ls) in by_comp {
            if !self.rebase_component(c, &ls, &mut changed_span, &mut unsure, &mut raised) {
                return false;
            }
        }
        let unsure: HashSet<u64, FixedState> = unsure.into_iter().collect();
        let mut in_changed = vec![false; self.removed.len()];
        for &g in &changed {
            in_changed[g] = true;
        }
        let held = |key: &[usize]| key.iter().any(|&g| in_changed[g]);
        // an outcome reads only the components its scenario touched (a component whose
        // baseline does not serve cannot change without a fresh start)
        self.outcomes.retain(|key, (_, comps)| {
            !held(key) && !comps.iter().any(|c| by_comp_keys.contains(c))
        });
        if !in_this {
            // nothing in this subsystem changed: only answers about the changed elements
            // themselves (a `required` element of another subsystem) can differ
            self.cache
                .retain(|key, answer| !held(key) && answer.reads.is_some());
        } else {
            let net = &self.net;
            self.cache.retain(|key, answer| {
                if held(key) {
                    return false;
                }
                if answer.span(net) & changed_span == 0 {
                    return true;
                }
                let Some(reads) = &answer.reads else {
                    return false;
                };
                if answer.ok {
                    return !answer.moved.iter().any(|m| unsure.contains(m));
                }
                // the cut stops the flow while no arc into what lies beyond it gains capacity
                let beyond = |c: usize, v: usize| reads.binary_search(&(c, v)).is_ok();
                !raised
                    .iter()
                    .any(|&(c, u, v)| beyond(c, v) && !beyond(c, u))
            });
        }
        true
    }

    /// Repair component `c`'s baseline flow after its local elements `ls` changed state,
    /// adding the stretches of the ends of every arc whose capacity or flow moved to `span`.
    fn rebase_component(
        &mut self,
        c: usize,
        ls: &[usize],
        span: &mut u128,
        unsure: &mut Vec<u64>,
        raised: &mut Vec<(usize, usize, usize)>,
    ) -> bool {
        if !self.baselines[c].served {
            return false;
        }
        let Some((mut caps0, mut flows0)) = self.baselines[c].warm.take() else {
            return false;
        };
        let usable: Vec<(usize, bool)> = ls
            .iter()
            .map(|&l| (l, self.usable(self.net.comps[c].elems[l])))
            .collect();
        let mut arcs = Vec::new();
        for &(l, u) in &usable {
            self.caps_of(c, l, u, &mut arcs);
        }
        let demand = self.net.comps[c].demand;
        let base_flow = self.baselines[c].flow;
        let shift = span_shift(&self.net, c);
        let graph = &mut self.net.comps[c].graph;
        if !self.at_base[c] {
            graph.set_caps(&caps0);
            graph.set_flows(&flows0);
            self.at_base[c] = true;
        }
        graph.begin_trial();
        for &(a, cap) in &arcs {
            graph.set_cap(a, cap);
        }
        // flow over a capacity now closed goes back to the source; then the loss is repaired
        let cancelled = arcs
            .iter()
            .all(|&(a, cap)| graph.flow(a) <= cap || graph.cancel_through(a, S, T));
        let left = base_flow - graph.cancelled();
        let served = cancelled && left + graph.repair(S, T, demand - left) >= demand;
        if !served {
            graph.end_trial(&caps0, &flows0);
            self.baselines[c].warm = Some((caps0, flows0));
            return false;
        }
        let mut moved_elems = Vec::new();
        for a in graph.commit_trial() {
            for x in [a, a ^ 1] {
                if caps0[x] == graph.cap(x) && flows0[x] == graph.flow(x) {
                    continue;
                }
                if graph.cap(x) < caps0[x] || flows0[x] != graph.flow(x) {
                    unsure.push(moved_key(c, x & !1));
                }
                if graph.cap(x) > caps0[x] {
                    let (u, v) = graph.ends(x);
                    raised.push((c, u, v));
                }
                caps0[x] = graph.cap(x);
                flows0[x] = graph.flow(x);
                let (u, v) = graph.ends(x);
                for node in [u, v].into_iter().filter(|&n| n != S && n != T) {
                    *span |= span_bit_at(shift, c, node);
                    moved_elems.push(node);
                }
            }
        }
        let comp = &self.net.comps[c];
        let b = &mut self.baselines[c];
        for (l, u) in usable {
            b.usable[l] = u;
        }
        for node in moved_elems {
            // element nodes come in (in, out) pairs after S and T; group nodes follow them
            let l = (node - 2) / 2;
            if l < comp.elems.len() {
                b.carries[l] = comp.graph.flow(comp.elem_arc[l]) > 0
                    || comp.src_arc[l].is_some_and(|a| comp.graph.flow(a) > 0);
            }
        }
        b.warm = Some((caps0, flows0));
        b.reach = None;
        let usable = b.usable.clone();
        // a selector that could now draw on two inputs needs the enumeration of a full run
        self.selectors(c, &usable).is_empty()
    }
}
