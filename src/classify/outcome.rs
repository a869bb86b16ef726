//! A scenario in full, for a finding: `serves` only says whether every load is still
//! served; a finding also says what was lost, where the cut lies and what was stranded.
#![allow(
    clippy::indexing_slicing,
    reason = "element, load and node indices come from the Ctx and SubNet built from the same site, and every per-element vector is sized to site.elements"
)]

use std::collections::BTreeSet;

use super::super::flow::unscaled;
use super::*;

/// What the source reaches by capacity in a component's baseline: a scenario only takes
/// capacity away, so it reaches a subset, and a finding's outcome looks only below what the
/// scenario removed.
#[derive(Debug, Clone)]
pub(super) struct BaseReach {
    nodes: Vec<bool>,
    /// Load groups out of reach already.
    dead_groups: Vec<usize>,
    /// Local elements usable and capacity components, yet out of reach already.
    stranded: Vec<usize>,
}

/// What a failed scenario did, for findings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub served: i64,
    pub demand: i64,
    pub dead_loads: Vec<usize>,
    /// Loads with a path but less supply than they draw (a capacity shortfall).
    pub short_loads: Vec<usize>,
    pub cut: Vec<usize>,
    pub stranded: Vec<usize>,
}

impl Outcome {
    /// Is the shortfall more than the loads without a path draw, or is there one with no
    /// such load? Then a finding names where the min cut lies.
    pub fn needs_cut(&self, ctx: &Ctx) -> bool {
        let dead_kw: f64 = self
            .dead_loads
            .iter()
            .map(|&l| ctx.site.loads[l].demand)
            .sum();
        let short = unscaled(self.demand - self.served);
        short > dead_kw + 0.0005 || (self.dead_loads.is_empty() && short > 0.0)
    }
}

impl Evaluator<'_, '_> {
    /// A scenario's outcome begun: `removed` (sorted, the key to unmark) marked out of
    /// service, the elements that touches and the components they lie in, and the loads no
    /// component holds, lost whatever is removed.
    fn start_outcome(
        &mut self,
        removed: &[usize],
    ) -> (Vec<usize>, Vec<usize>, BTreeSet<usize>, Outcome) {
        let key = set_key(removed);
        self.mark(&key, true);
        let touched = self.touched(&key);
        let comps: BTreeSet<usize> = touched
            .iter()
            .filter_map(|&g| self.net.place[g].map(|(c, _)| c))
            .collect();
        let mut out = Outcome::default();
        for &l in &self.net.orphans {
            out.demand += scaled(self.ctx.site.loads[l].demand);
            out.dead_loads.push(l);
        }
        (key, touched, comps, out)
    }

    /// The scenario as a finding tells it: served and demand, the loads left without a
    /// path, what was cut off, and the min cut where [`Outcome::needs_cut`]; the loads left
    /// short are not worked out (which group goes short depends on the flow found, and a
    /// finding does not name them). Components whose baseline serves are decided as a trial
    /// on that baseline, reachability searched only below the removed elements, so a
    /// finding costs what its scenario touches; anything else is [`Evaluator::outcome`].
    pub fn finding_outcome(&mut self, removed: &[usize]) -> Outcome {
        let key = set_key(removed);
        if let Some((out, _)) = self.outcomes.get(&key) {
            return out.clone();
        }
        let (out, comps) = self.work_out(removed);
        self.outcomes.insert(key, (out.clone(), comps));
        out
    }

    /// `finding_outcome` where it has not been worked out before, with the components the
    /// scenario touched.
    fn work_out(&mut self, removed: &[usize]) -> (Outcome, Vec<usize>) {
        let (key, touched, comps, mut out) = self.start_outcome(removed);
        // None: a component needed a run from zero; Some(false): a cut not worked out
        let mut complete = Some(true);
        for c in 0..self.net.comps.len() {
            if !comps.contains(&c) && self.baselines[c].served {
                out.demand += self.net.comps[c].demand;
                out.served += self.net.comps[c].demand;
                continue;
            }
            match self.warm_outcome(c, &touched, &mut out) {
                None => {
                    complete = None;
                    break;
                }
                Some(cut) => complete = complete.map(|all| all && cut),
            }
        }
        self.mark(&key, false);
        let out = match complete {
            Some(true) => out,
            Some(false) if !out.needs_cut(self.ctx) => out,
            _ => self.outcome(removed),
        };
        (out, comps.into_iter().collect())
    }

    /// Component `c`'s part of a finding's outcome, as a trial on its baseline: whether its
    /// min cut is there if it falls short; `None` (and nothing added) where a trial cannot
    /// stand in for a run from zero: a baseline that does not serve or has no warm flow, an
    /// element the scenario makes usable, flow that cannot be cancelled.
    fn warm_outcome(&mut self, c: usize, touched: &[usize], out: &mut Outcome) -> Option<bool> {
        let b = &self.baselines[c];
        if !b.served || b.warm.is_none() {
            return None;
        }
        let mut lost = Vec::new();
        for &g in touched {
            if let Some((cc, l)) = self.net.place[g]
                && cc == c
            {
                match (b.usable[l], self.usable(g)) {
                    (false, true) => return None,
                    (true, false) => lost.push(l),
                    _ => {}
                }
            }
        }
        lost.sort_unstable();
        lost.dedup();
        self.base_reach(c);
        let Evaluator {
            ctx,
            net,
            baselines,
            removed,
            ..
        } = self;
        let b = &baselines[c];
        let (Some((caps, flows)), Some(reach)) = (&b.warm, &b.reach) else {
            return None;
        };
        let comp = &mut net.comps[c];
        // cancelling costs a path per unit of flow the lost elements carried, and a repair
        // that cannot restore it searches everything still reachable: where they carried
        // much of the component's flow (a generator yard, a main board), a run from zero
        // is cheaper
        let lost_flow: i64 = lost.iter().map(|&l| flows[comp.elem_arc[l]]).sum();
        if lost_flow.saturating_mul(8) > b.flow {
            return None;
        }
        if !comp.lose(&lost) {
            comp.graph.end_trial(caps, flows);
            return None;
        }
        let left = b.flow - comp.graph.cancelled();
        let flow = left + comp.graph.repair(S, T, comp.demand - left);
        // capacity fell on the lost elements' own arcs and on their arcs from the source
        let heads: Vec<usize> = lost
            .iter()
            .flat_map(|&l| [Component::node_in(l), Component::node_out(l)])
            .collect();
        let gone = comp.graph.lost_reach(S, &reach.nodes, &heads);
        let first_group = comp.group_node(0);
        let mut dead = reach.dead_groups.clone();
        dead.extend(gone.iter().filter_map(|&v| v.checked_sub(first_group)));
        dead.sort_unstable();
        dead.dedup();
        let dead_loads: Vec<usize> = dead
            .iter()
            .flat_map(|&g| comp.groups[g].loads.iter().copied())
            .collect();
        // the min cut, on this trial's flow (the side the source reaches in the residual
        // graph is the same for every maximum flow), where the shortfall may be more than
        // the loads without a path draw: elsewhere a finding does not name it
        let short = comp.demand - flow.min(comp.demand);
        let dead_kw: f64 = dead_loads.iter().map(|&l| ctx.site.loads[l].demand).sum();
        // (a little below the finding's own threshold: the two sums may round differently)
        let wanted = short > 0 && (dead_loads.is_empty() || unscaled(short) > dead_kw + 0.0004);
        if wanted {
            let side = comp.graph.reachable(S, true);
            for (l, &g) in comp.elems.iter().enumerate() {
                let a = comp.elem_arc[l];
                let (i, o) = (Component::node_in(l), Component::node_out(l));
                let through = comp.graph.cap(a) > 0 && side[i] && !side[o];
                let at_source = comp.src_arc[l]
                    .is_some_and(|s| comp.graph.cap(s) > 0 && !side[i] && comp.graph.flow(s) > 0);
                if through || at_source {
                    out.cut.push(g);
                }
            }
        }
        comp.graph.end_trial(caps, flows);
        out.demand += comp.demand;
        out.served += flow.min(comp.demand);
        out.dead_loads.extend(dead_loads);
        let was = |l: usize| b.usable[l] && ctx.kind(comp.elems[l]).is_capacity_component();
        let mut stranded = reach.stranded.clone();
        stranded.extend(lost.iter().copied().filter(|&l| was(l)));
        stranded.extend(
            gone.iter()
                .filter(|&&v| v < first_group && v >= 2 && v % 2 == 0)
                .map(|&v| (v - 2) / 2)
                .filter(|&l| was(l)),
        );
        stranded.sort_unstable();
        stranded.dedup();
        out.stranded.extend(
            stranded
                .into_iter()
                .map(|l| comp.elems[l])
                .filter(|&g| !removed[g]),
        );
        Some(short == 0 || wanted)
    }

    /// Put component `c`'s graph at its baseline and work out what the source reaches
    /// there, once per baseline.
    fn base_reach(&mut self, c: usize) {
        let Some((caps, flows)) = &self.baselines[c].warm else {
            return;
        };
        let comp = &mut self.net.comps[c];
        if !self.at_base[c] {
            comp.graph.set_caps(caps);
            comp.graph.set_flows(flows);
            self.at_base[c] = true;
        }
        if self.baselines[c].reach.is_some() {
            return;
        }
        let nodes = comp.graph.reachable(S, false);
        let usable = &self.baselines[c].usable;
        let dead_groups = (0..comp.groups.len())
            .filter(|&g| !nodes[comp.group_node(g)])
            .collect();
        let stranded = (0..comp.elems.len())
            .filter(|&l| {
                usable[l]
                    && self.ctx.kind(comp.elems[l]).is_capacity_component()
                    && !nodes[Component::node_in(l)]
            })
            .collect();
        self.baselines[c].reach = Some(BaseReach {
            nodes,
            dead_groups,
            stranded,
        });
    }

    /// The scenario in full, for a finding: what was served, which loads had no path left,
    /// where the min cut lies and which capacity components were cut off.
    pub fn outcome(&mut self, removed: &[usize]) -> Outcome {
        let (key, _, touched, mut out) = self.start_outcome(removed);
        for c in 0..self.net.comps.len() {
            if !touched.contains(&c) && self.baselines[c].served {
                out.demand += self.net.comps[c].demand;
                out.served += self.net.comps[c].demand;
                continue;
            }
            let (flow, usable) = self.run(c);
            let comp: &Component = &self.net.comps[c];
            out.demand += comp.demand;
            out.served += flow.min(comp.demand);
            let reach = comp.graph.reachable(S, false);
            for (g, grp) in comp.groups.iter().enumerate() {
                if !reach[comp.group_node(g)] {
                    out.dead_loads.extend(&grp.loads);
                } else if flow < comp.demand {
                    let inflow: i64 = grp.arcs.iter().map(|&(_, a)| comp.graph.flow(a)).sum();
                    let want: i64 = grp
                        .loads
                        .iter()
                        .map(|&l| scaled(self.ctx.site.loads[l].demand))
                        .sum();
                    if inflow < want {
                        out.short_loads.extend(&grp.loads);
                    }
                }
            }
            for (l, &g) in comp.elems.iter().enumerate() {
                let was = self.baselines[c].usable[l] && self.ctx.kind(g).is_capacity_component();
                if was && !self.removed[g] && (!usable[l] || !reach[Component::node_in(l)]) {
                    out.stranded.push(g);
                }
            }
            if flow < comp.demand {
                let side = comp.graph.reachable(S, true);
                for (l, &g) in comp.elems.iter().enumerate() {
                    let a = comp.elem_arc[l];
                    let (i, o) = (Component::node_in(l), Component::node_out(l));
                    let through = comp.graph.cap(a) > 0 && side[i] && !side[o];
                    let at_source = comp.src_arc[l].is_some_and(|s| {
                        comp.graph.cap(s) > 0 && !side[i] && comp.graph.flow(s) > 0
                    });
                    if through || at_source {
                        out.cut.push(g);
                    }
                }
            }
        }
        self.mark(&key, false);
        out
    }
}
