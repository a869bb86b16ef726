//! A scenario in full, for a finding: `serves` only says whether every load is still
//! served; a finding also says what was lost, where the cut lies and what was stranded.
#![allow(
    clippy::indexing_slicing,
    reason = "element, load and node indices come from the Ctx and SubNet built from the same site, and every per-element vector is sized to site.elements"
)]

use std::collections::BTreeSet;

use super::*;

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

impl Evaluator<'_, '_> {
    /// The scenario in full, for a finding: what was served, which loads had no path left,
    /// where the min cut lies and which capacity components were cut off.
    pub fn outcome(&mut self, removed: &[usize]) -> Outcome {
        let mut key = removed.to_vec();
        key.sort_unstable();
        key.dedup();
        self.mark(&key, true);
        let touched: BTreeSet<usize> = self
            .touched(&key)
            .iter()
            .filter_map(|&g| self.net.place[g].map(|(c, _)| c))
            .collect();
        let mut out = Outcome::default();
        for &l in &self.net.orphans {
            out.demand += scaled(self.ctx.site.loads[l].demand);
            out.dead_loads.push(l);
        }
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
