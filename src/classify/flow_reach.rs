//! What the source still reaches after a scenario took capacity away, searched below what
//! it took rather than over the graph: a finding's outcome asks this once per failed check,
//! and a campus has thousands of nodes above any one hall.
#![allow(
    clippy::indexing_slicing,
    reason = "node and arc indices are positions in this graph's own vectors: nodes are numbered 0..n when the graph is built and arcs are only ever pushed in pairs"
)]

use super::Graph;

impl Graph {
    /// The nodes `s` reached by capacity (`base`, from [`Graph::reachable`]) that it no
    /// longer reaches, when capacity fell only on arcs into `heads` since `base` was taken.
    /// A node that lost its reach lies below a head (the last lowered arc of any of its old
    /// paths leads there), and a node above none keeps its old reach: so the search costs
    /// what lies below the heads, not the graph.
    pub fn lost_reach(&self, s: usize, base: &[bool], heads: &[usize]) -> Vec<usize> {
        const BELOW: u8 = 1;
        const REACHED: u8 = 2;
        let open = |a: usize| a.is_multiple_of(2) && self.cap[a] > 0;
        // a byte per node: cheaper than hashing once what lies below is more than a few
        // hundred nodes (a yard unit has the whole campus below it)
        let mut mark = vec![0u8; self.adj.len()];
        let mut below: Vec<usize> = Vec::new();
        for &h in heads {
            if h != s && h < mark.len() && mark[h] == 0 {
                mark[h] = BELOW;
                below.push(h);
            }
        }
        // below: everything the heads reach now
        let mut k = 0;
        while let Some(&v) = below.get(k) {
            k += 1;
            for &a in &self.adj[v] {
                let w = self.to[a];
                if open(a) && w != s && mark[w] == 0 {
                    mark[w] = BELOW;
                    below.push(w);
                }
            }
        }
        // entries from above that the source still reaches, then through what lies below
        let mut stack: Vec<usize> = Vec::new();
        for &v in &below {
            let entered = self.adj[v].iter().any(|&b| {
                let (a, u) = (b ^ 1, self.to[b]);
                b % 2 == 1 && open(a) && mark[u] == 0 && base.get(u) == Some(&true)
            });
            if entered {
                mark[v] = REACHED;
                stack.push(v);
            }
        }
        while let Some(v) = stack.pop() {
            for &a in &self.adj[v] {
                let w = self.to[a];
                if open(a) && mark[w] == BELOW {
                    mark[w] = REACHED;
                    stack.push(w);
                }
            }
        }
        below
            .into_iter()
            .filter(|&v| base.get(v) == Some(&true) && mark[v] == BELOW)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lost_reach` against reachability computed again from scratch, on random graphs
    /// with random arcs closed.
    #[test]
    fn lost_reach_agrees_with_a_full_search() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut lost_somewhere = 0;
        for _ in 0..500 {
            let nodes = 2 + rand(30) as usize;
            let mut g = Graph::new(nodes);
            let mut arcs = Vec::new();
            for _ in 0..rand(4 * nodes as u64) {
                let (u, v) = (rand(nodes as u64) as usize, rand(nodes as u64) as usize);
                arcs.push(g.add_arc(u, v, rand(3) as i64));
            }
            let base = g.reachable(0, false);
            let mut heads = Vec::new();
            for &a in &arcs {
                if g.cap(a) > 0 && rand(4) == 0 {
                    g.set_cap(a, 0);
                    heads.push(g.ends(a).1);
                }
            }
            let now = g.reachable(0, false);
            let want: Vec<usize> = (0..nodes).filter(|&v| base[v] && !now[v]).collect();
            let mut got = g.lost_reach(0, &base, &heads);
            got.sort_unstable();
            assert_eq!(got, want, "{nodes} nodes, heads {heads:?}");
            lost_somewhere += usize::from(!want.is_empty());
        }
        assert!(lost_somewhere > 50, "{lost_somewhere}");
    }
}
