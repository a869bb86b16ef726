//! One subsystem as flow networks, one per connected component, so a scenario only re-runs
//! the part of the site it touches. Loads with identical input sets share one sink arc.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site; union-find parents and place are sized to site.elements, and component and node numbers are positions in the lists built here"
)]

use std::collections::BTreeMap;

use super::flow::{Graph, INF, scaled};
use super::graph::Ctx;
use crate::model::{Kind, Subsystem};

pub(crate) const S: usize = 0;
pub(crate) const T: usize = 1;

/// Loads with the same inputs: one node in the flow network.
#[derive(Clone)]
pub(crate) struct LoadGroup {
    pub loads: Vec<usize>,
    /// (local input element, arc out(input) -> group)
    pub arcs: Vec<(usize, usize)>,
}

#[derive(Clone)]
pub(crate) struct Component {
    /// Global element indices; position = local index.
    pub elems: Vec<usize>,
    pub groups: Vec<LoadGroup>,
    pub graph: Graph,
    /// in(e) -> out(e): carries the element's capacity.
    pub elem_arc: Vec<usize>,
    /// S -> in(e) for elements that may originate flow (sources, and UPSs on battery).
    pub src_arc: Vec<Option<usize>>,
    /// Per local element: (local input, arc out(input) -> in(e)); selectors pick one.
    pub in_arcs: Vec<Vec<(usize, usize)>>,
    pub demand: i64,
}

impl Component {
    /// Take local elements `lost` out of the flow, as a trial on the graph: their own arcs
    /// and their arcs from the source closed, the flow through them cancelled back to the
    /// source. False when a flow cycle blocks the cancelling.
    pub fn lose(&mut self, lost: &[usize]) -> bool {
        self.graph.begin_trial();
        for &l in lost {
            self.graph.set_cap(self.elem_arc[l], 0);
            if let Some(a) = self.src_arc[l] {
                self.graph.set_cap(a, 0);
            }
        }
        lost.iter()
            .all(|&l| self.graph.cancel_through(self.elem_arc[l], S, T))
    }

    pub fn node_in(l: usize) -> usize {
        2 + 2 * l
    }
    pub fn node_out(l: usize) -> usize {
        3 + 2 * l
    }
    pub fn group_node(&self, g: usize) -> usize {
        2 + 2 * self.elems.len() + g
    }
}

/// Loads keyed by their sorted input set: (loads, summed demand).
type LoadSets = BTreeMap<Vec<usize>, (Vec<usize>, f64)>;

#[derive(Clone)]
pub(crate) struct SubNet {
    pub sub: Subsystem,
    pub elems: Vec<usize>,
    /// Global element index -> (component, local index); None for other subsystems.
    pub place: Vec<Option<(usize, usize)>>,
    pub comps: Vec<Component>,
    /// Loads with no input that exists: never served, whatever is removed.
    pub orphans: Vec<usize>,
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra] = rb;
    }
}

impl SubNet {
    pub fn build(ctx: &Ctx, sub: Subsystem, loads: &[usize]) -> SubNet {
        let n = ctx.site.elements.len();
        let elems = ctx.elements_of(sub);
        let mut parent: Vec<usize> = (0..n).collect();
        for &e in &elems {
            for &u in &ctx.inputs[e] {
                union(&mut parent, u, e);
            }
        }
        for &l in loads {
            let ins = &ctx.load_inputs[l];
            for w in ins.windows(2) {
                union(&mut parent, w[0], w[1]);
            }
        }
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &e in &elems {
            by_root.entry(find(&mut parent, e)).or_default().push(e);
        }
        let mut place = vec![None; n];
        let mut comp_elems: Vec<Vec<usize>> = Vec::new();
        for (ci, (_, members)) in by_root.into_iter().enumerate() {
            for (li, &e) in members.iter().enumerate() {
                place[e] = Some((ci, li));
            }
            comp_elems.push(members);
        }
        // group loads by component and identical input sets
        let mut comp_groups: Vec<LoadSets> = vec![BTreeMap::new(); comp_elems.len()];
        let mut orphans = Vec::new();
        for &l in loads {
            let mut key: Vec<usize> = ctx.load_inputs[l]
                .iter()
                .copied()
                .filter(|&e| place[e].is_some())
                .collect();
            key.sort_unstable();
            key.dedup();
            let Some((ci, _)) = key.first().and_then(|&first| place[first]) else {
                orphans.push(l);
                continue;
            };
            let entry = comp_groups[ci].entry(key).or_default();
            entry.0.push(l);
            entry.1 += ctx.site.loads[l].demand;
        }
        let comps = comp_elems
            .into_iter()
            .zip(comp_groups)
            .map(|(members, groups)| Self::component(ctx, &place, members, groups))
            .collect();
        SubNet {
            sub,
            elems,
            place,
            comps,
            orphans,
        }
    }

    fn component(
        ctx: &Ctx,
        place: &[Option<(usize, usize)>],
        elems: Vec<usize>,
        groups: LoadSets,
    ) -> Component {
        let nodes = 2 + 2 * elems.len() + groups.len();
        let mut graph = Graph::new(nodes);
        let local = |g: usize| place[g].map(|(_, l)| l);
        let mut elem_arc = Vec::with_capacity(elems.len());
        let mut src_arc = Vec::with_capacity(elems.len());
        for (l, &e) in elems.iter().enumerate() {
            elem_arc.push(graph.add_arc(Component::node_in(l), Component::node_out(l), 0));
            let may_originate = ctx.source[e] || ctx.kind(e) == Kind::Ups;
            src_arc.push(may_originate.then(|| graph.add_arc(S, Component::node_in(l), 0)));
        }
        let mut in_arcs = vec![Vec::new(); elems.len()];
        for (l, &e) in elems.iter().enumerate() {
            for &u in &ctx.inputs[e] {
                if let Some(lu) = local(u) {
                    let a = graph.add_arc(Component::node_out(lu), Component::node_in(l), INF);
                    in_arcs[l].push((lu, a));
                }
            }
        }
        let mut out_groups = Vec::new();
        let mut demand = 0i64;
        for (gi, (key, (loads, d))) in groups.into_iter().enumerate() {
            let node = 2 + 2 * elems.len() + gi;
            let arcs = key
                .iter()
                .filter_map(|&u| local(u))
                .map(|lu| (lu, graph.add_arc(Component::node_out(lu), node, INF)))
                .collect();
            let dem = scaled(d);
            graph.add_arc(node, T, dem);
            demand += dem;
            out_groups.push(LoadGroup { loads, arcs });
        }
        Component {
            elems,
            groups: out_groups,
            graph,
            elem_arc,
            src_arc,
            in_arcs,
            demand,
        }
    }
}
