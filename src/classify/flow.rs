//! Max-flow (Dinic) over integer capacities. Hand-written because the graphs are small and
//! the engine needs to reset and re-run the same network thousands of times without
//! reallocating; capacities are scaled to integers so "serves" is an exact comparison.
#![allow(
    clippy::indexing_slicing,
    reason = "node and arc indices are positions in this graph's own vectors: nodes are numbered 0..n when the graph is built and arcs are only ever pushed in pairs"
)]

use std::collections::VecDeque;

/// Capacity of an unlimited arc. Far above any real flow, far below overflow when summed.
pub(crate) const INF: i64 = 1 << 50;

/// Flow units per kW (or Gbps): 1 W resolution.
pub(crate) const SCALE: f64 = 1000.0;

pub(crate) fn scaled(x: f64) -> i64 {
    let v = (x * SCALE).round();
    if v.is_nan() || v <= 0.0 {
        0
    } else if v >= INF as f64 {
        INF
    } else {
        v as i64
    }
}

pub(crate) fn unscaled(x: i64) -> f64 {
    x as f64 / SCALE
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<i64>,
    flow: Vec<i64>,
    level: Vec<i32>,
    next: Vec<usize>,
    /// Visit stamps per node for searches that must not cost O(nodes) to reset.
    stamp: Vec<u32>,
    epoch: u32,
    /// The arc a backward search reached each node by.
    via: Vec<usize>,
    /// A trial's changed arcs, so it can be undone at the cost of what it touched.
    tmark: Vec<u32>,
    tepoch: u32,
    touched: Vec<usize>,
    tracking: bool,
    /// Arcs into the sink that lost flow in this trial: where `repair` starts looking.
    deficit: Vec<usize>,
    /// Nodes a trial's searches looked at (their arcs were read), when `reading`.
    read: Vec<usize>,
    reading: bool,
    /// When the last repair fell short: every node it proved the source cannot reach (with
    /// `t`, the sink side of a cut whose arcs the flow fills), while `reading`; `None` when
    /// it did not fall short by running out of paths.
    beyond: Option<Vec<usize>>,
    /// Flow the trial's cancelling took away from the sink, so the flow arriving there is
    /// known without summing the sink's arcs (a campus sink has thousands).
    cancelled: i64,
    /// Nodes a repair proved unreachable from the source (stamped with `gone_epoch`): an
    /// augmentation only shrinks what the source reaches, so they stay out of reach until
    /// the repair ends and need not be searched again.
    gone: Vec<u32>,
    gone_epoch: u32,
    /// Per node, the first adjacency position whose pair may still carry flow, valid while
    /// `cursor_stamp` holds `cursor_epoch`: cancelling only takes flow away, so an arc seen
    /// empty once stays empty, and a yard unit feeding every hall is not rescanned per path.
    cursor: Vec<usize>,
    cursor_stamp: Vec<u32>,
    cursor_epoch: u32,
}

impl Graph {
    pub fn new(nodes: usize) -> Self {
        Graph {
            adj: vec![Vec::new(); nodes],
            level: vec![-1; nodes],
            next: vec![0; nodes],
            stamp: vec![0; nodes],
            via: vec![0; nodes],
            gone: vec![0; nodes],
            cursor: vec![0; nodes],
            cursor_stamp: vec![0; nodes],
            ..Graph::default()
        }
    }

    /// Add an arc and its residual twin; returns the forward arc's id.
    pub fn add_arc(&mut self, from: usize, to: usize, cap: i64) -> usize {
        let id = self.to.len();
        self.to.push(to);
        self.cap.push(cap);
        self.flow.push(0);
        self.adj[from].push(id);
        self.to.push(from);
        self.cap.push(0);
        self.flow.push(0);
        self.adj[to].push(id + 1);
        self.tmark.extend([0, 0]);
        id
    }

    pub fn set_cap(&mut self, arc: usize, cap: i64) {
        self.touch(arc);
        self.cap[arc] = cap;
    }

    /// Remember that `arc` (and its twin) may change in the trial under way.
    fn touch(&mut self, arc: usize) {
        if self.tracking && self.tmark[arc] != self.tepoch {
            self.tmark[arc] = self.tepoch;
            self.tmark[arc ^ 1] = self.tepoch;
            self.touched.push(arc);
        }
    }

    fn push_flow(&mut self, arc: usize, f: i64) {
        self.touch(arc);
        self.flow[arc] += f;
        self.flow[arc ^ 1] -= f;
    }

    /// The nodes an arc runs from and to.
    pub fn ends(&self, arc: usize) -> (usize, usize) {
        (self.to[arc ^ 1], self.to[arc])
    }

    pub fn cap(&self, arc: usize) -> i64 {
        self.cap[arc]
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.flow[arc]
    }

    fn reset_flow(&mut self) {
        self.flow.iter_mut().for_each(|f| *f = 0);
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[s] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            for &a in &self.adj[v] {
                let w = self.to[a];
                if self.level[w] < 0 && self.cap[a] > self.flow[a] {
                    self.level[w] = self.level[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        self.level[t] >= 0
    }

    /// One augmenting path in the level graph, found iteratively (no recursion depth limit).
    fn augment(&mut self, s: usize, t: usize, path: &mut Vec<usize>) -> i64 {
        path.clear();
        let mut v = s;
        loop {
            if v == t {
                let f = path
                    .iter()
                    .map(|&a| self.cap[a] - self.flow[a])
                    .min()
                    .unwrap_or(0);
                for &a in path.iter() {
                    self.push_flow(a, f);
                }
                return f;
            }
            let mut advanced = false;
            while self.next[v] < self.adj[v].len() {
                let a = self.adj[v][self.next[v]];
                let w = self.to[a];
                if self.cap[a] > self.flow[a] && self.level[w] == self.level[v] + 1 {
                    path.push(a);
                    v = w;
                    advanced = true;
                    break;
                }
                self.next[v] += 1;
            }
            if !advanced {
                if v == s {
                    return 0;
                }
                self.level[v] = -1;
                match path.pop() {
                    Some(a) => {
                        v = self.to[a ^ 1];
                        self.next[v] += 1;
                    }
                    None => return 0,
                }
            }
        }
    }

    /// Maximum flow from `s` to `t`, starting from zero flow.
    pub fn max_flow(&mut self, s: usize, t: usize) -> i64 {
        self.reset_flow();
        self.augment_all(s, t)
    }

    pub fn caps(&self) -> Vec<i64> {
        self.cap.clone()
    }

    pub fn set_caps(&mut self, caps: &[i64]) {
        self.cap.copy_from_slice(caps);
    }

    pub fn flows(&self) -> Vec<i64> {
        self.flow.clone()
    }

    pub fn set_flows(&mut self, flows: &[i64]) {
        self.flow.copy_from_slice(flows);
    }

    /// Flow arriving at `t`.
    #[cfg(test)]
    pub fn inflow(&self, t: usize) -> i64 {
        self.adj[t]
            .iter()
            .filter(|&&a| a % 2 == 1)
            .map(|&a| self.flow[a ^ 1])
            .sum()
    }

    /// Augment from whatever flow is there now; returns the flow added.
    pub fn augment_all(&mut self, s: usize, t: usize) -> i64 {
        self.augment_until(s, t, i64::MAX)
    }

    /// Augment until `need` more has been added or no augmenting path is left. Stopping at
    /// `need` saves the final breadth-first pass that would only prove the flow maximal.
    pub fn augment_until(&mut self, s: usize, t: usize, need: i64) -> i64 {
        let mut total = 0i64;
        let mut path = Vec::new();
        while total < need && self.bfs(s, t) {
            self.next.iter_mut().for_each(|n| *n = 0);
            while total < need {
                let f = self.augment(s, t, &mut path);
                if f == 0 {
                    break;
                }
                total = total.saturating_add(f);
            }
        }
        total
    }

    /// Nodes reachable from `s`: over residual arcs after a max-flow (the min-cut's source
    /// side), or over any arc with capacity when `residual` is false (plain connectivity).
    pub fn reachable(&self, s: usize, residual: bool) -> Vec<bool> {
        let mut seen = vec![false; self.adj.len()];
        seen[s] = true;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for &a in &self.adj[v] {
                if a % 2 == 1 && !residual {
                    continue;
                }
                let open = if residual {
                    self.cap[a] > self.flow[a]
                } else {
                    self.cap[a] > 0
                };
                let w = self.to[a];
                if open && !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    }
}

#[path = "flow_reach.rs"]
mod reach;

#[path = "flow_trial.rs"]
mod trial;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_network() {
        // CLRS figure 26.1: max flow 23
        let mut g = Graph::new(6);
        for (u, v, c) in [
            (0, 1, 16),
            (0, 2, 13),
            (1, 3, 12),
            (2, 1, 4),
            (2, 4, 14),
            (3, 2, 9),
            (3, 5, 20),
            (4, 3, 7),
            (4, 5, 4),
        ] {
            g.add_arc(u, v, c);
        }
        assert_eq!(g.max_flow(0, 5), 23);
        // rerunning from scratch gives the same answer
        assert_eq!(g.max_flow(0, 5), 23);
        let side = g.reachable(0, true);
        assert!(side[0] && !side[5]);
    }

    #[test]
    fn cut_capacity_changes_the_answer() {
        let mut g = Graph::new(4);
        let a = g.add_arc(0, 1, 10);
        g.add_arc(1, 3, INF);
        g.add_arc(0, 2, 5);
        g.add_arc(2, 3, INF);
        assert_eq!(g.max_flow(0, 3), 15);
        g.set_cap(a, 0);
        assert_eq!(g.max_flow(0, 3), 5);
        assert!(!g.reachable(0, false)[1]);
    }

    #[test]
    fn warm_start_matches_a_cold_run() {
        // two parallel units behind a bus; lose one and re-augment from the old flow
        let mut g = Graph::new(6);
        let u1 = g.add_arc(0, 1, 200);
        g.add_arc(1, 3, INF);
        let u2 = g.add_arc(0, 2, 200);
        g.add_arc(2, 3, INF);
        g.add_arc(3, 4, INF);
        g.add_arc(4, 5, 300);
        assert_eq!(g.max_flow(0, 5), 300);
        let before = g.flows();
        for lost in [u1, u2] {
            g.set_flows(&before);
            g.set_cap(lost, 0);
            assert!(g.cancel_through(lost, 0, 5));
            g.augment_all(0, 5);
            let warm = g.inflow(5);
            assert_eq!(warm, g.max_flow(0, 5));
            assert_eq!(warm, 200);
            g.set_cap(lost, 200);
        }
    }

    #[test]
    fn scaling_is_exact_and_safe() {
        assert_eq!(scaled(400.0), 400_000);
        assert_eq!(scaled(-3.0), 0);
        assert_eq!(scaled(f64::NAN), 0);
        assert_eq!(scaled(f64::INFINITY), INF);
        assert!((unscaled(scaled(12.345)) - 12.345).abs() < 1e-9);
    }
}
