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

    /// Start a trial: every change from here on can be undone by `end_trial`.
    pub fn begin_trial(&mut self) {
        self.tracking = true;
        self.tepoch = self.tepoch.wrapping_add(1).max(1);
        if self.tepoch == 1 {
            self.tmark.iter_mut().for_each(|m| *m = 0);
        }
        self.touched.clear();
        self.deficit.clear();
        self.cancelled = 0;
        self.read.clear();
    }

    /// Put back the capacities and flows the trial changed, from `caps` and `flows`
    /// (what the graph held when the trial began): the cost of the trial, not of the graph.
    pub fn end_trial(&mut self, caps: &[i64], flows: &[i64]) {
        for &a in &self.touched {
            for x in [a, a ^ 1] {
                self.cap[x] = caps[x];
                self.flow[x] = flows[x];
            }
        }
        self.touched.clear();
        self.deficit.clear();
        self.tracking = false;
    }

    /// Keep the trial's changes as the graph's new state; returns the arcs it touched (each
    /// stands for itself and its twin).
    pub fn commit_trial(&mut self) -> Vec<usize> {
        self.tracking = false;
        self.deficit.clear();
        std::mem::take(&mut self.touched)
    }

    /// Record, from now until `take_read`, which nodes the searches look at.
    pub fn start_reading(&mut self) {
        self.read.clear();
        self.reading = true;
    }

    /// The nodes looked at since `start_reading`: every arc the searches read has one end
    /// among them (the source and sink aside, which every search touches).
    pub fn take_read(&mut self) -> Vec<usize> {
        self.reading = false;
        std::mem::take(&mut self.read)
    }

    /// Mark `v` seen in search `e`, and remember it was read.
    fn visit(&mut self, v: usize, e: u32) {
        self.stamp[v] = e;
        if self.reading {
            self.read.push(v);
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// Augment towards `t` until `need` more arrives or no path is left, searching backward
    /// from the loads that lost flow: after a local loss only they have room on their arc
    /// into `t`. The search is depth-first and tries the arcs that lead upstream before the
    /// residual arcs that re-route flow already placed, so where the supply above a loss has
    /// room a path costs its own length; a breadth-first search here fanned out through every
    /// hall sharing a generator yard before it reached the yard, and made each scenario of a
    /// large component cost the component. Any augmenting path keeps the answer exact: the
    /// flow is maximal once none is left.
    pub fn repair(&mut self, s: usize, t: usize, need: i64) -> i64 {
        let mut total = 0i64;
        let mut stack: Vec<(usize, usize)> = Vec::new();
        // nodes the current seed's search visited: all unreachable if it fails
        let mut trail: Vec<usize> = Vec::new();
        self.gone_epoch = self.gone_epoch.wrapping_add(1);
        if self.gone_epoch == 0 {
            self.gone.iter_mut().for_each(|g| *g = 0);
            self.gone_epoch = 1;
        }
        let gone = self.gone_epoch;
        // the search may start at any arc into `t` with room; the loads that lost flow come
        // first, and only without them is every arc into the sink a start
        let starts: Vec<usize> = if self.deficit.is_empty() {
            self.adj[t].iter().map(|&b| b ^ 1).collect()
        } else {
            self.deficit.clone()
        };
        // seeds before `first` are done for this repair: full (an arc into `t` only gains
        // flow here) or unreachable
        let mut first = 0;
        while total < need {
            let e = self.next_epoch();
            self.stamp[t] = e;
            let mut found = false;
            'seeds: for (k, &a) in starts.iter().enumerate().skip(first) {
                first = k;
                let u = self.to[a ^ 1];
                if self.reading {
                    self.read.push(u);
                }
                if self.cap[a] <= self.flow[a] || self.stamp[u] == e || self.gone[u] == gone {
                    continue;
                }
                trail.clear();
                self.visit(u, e);
                trail.push(u);
                self.via[u] = a;
                if u == s {
                    found = true;
                    break;
                }
                stack.clear();
                stack.push((u, 0));
                while let Some(top) = stack.last_mut() {
                    let (v, pass) = *top;
                    // pass 0: arcs into `v` (upstream); pass 1: `v`'s own outgoing flow,
                    // which can be pushed back to make room
                    top.1 += 1;
                    if pass >= 2 {
                        stack.pop();
                        continue;
                    }
                    for i in 0..self.adj[v].len() {
                        let b = self.adj[v][i];
                        let upstream = b % 2 == 1;
                        if upstream != (pass == 0) {
                            continue;
                        }
                        let (w, into) = (self.to[b], b ^ 1);
                        if self.stamp[w] != e
                            && self.gone[w] != gone
                            && self.cap[into] > self.flow[into]
                        {
                            if w == s {
                                self.via[w] = into;
                                found = true;
                                break 'seeds;
                            }
                            self.visit(w, e);
                            trail.push(w);
                            self.via[w] = into;
                            stack.push((w, 0));
                        }
                    }
                }
                // every residual arc into what this search saw starts outside the source's
                // reach: none of it can be reached while the repair lasts
                for &v in &trail {
                    self.gone[v] = gone;
                }
            }
            if !found {
                break;
            }
            let mut f = need - total;
            let mut v = s;
            while v != t {
                let a = self.via[v];
                f = f.min(self.cap[a] - self.flow[a]);
                v = self.to[a];
            }
            if f <= 0 {
                break;
            }
            let mut v = s;
            while v != t {
                let a = self.via[v];
                self.push_flow(a, f);
                v = self.to[a];
            }
            total = total.saturating_add(f);
        }
        total
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

    /// Remove all flow through forward arc `a` by pushing it back along flow-carrying
    /// paths to `s` and on to `t`. False when a flow cycle blocks the walk: the caller
    /// then starts from zero instead.
    pub fn cancel_through(&mut self, a: usize, s: usize, t: usize) -> bool {
        self.cursor_epoch = self.cursor_epoch.wrapping_add(1);
        if self.cursor_epoch == 0 {
            self.cursor_stamp.iter_mut().for_each(|c| *c = 0);
            self.cursor_epoch = 1;
        }
        let mut path = Vec::new();
        while self.flow[a] > 0 {
            path.clear();
            path.push(a);
            let e = self.next_epoch();
            // back from the arc's tail to s over arcs that carry flow into each node
            let mut v = self.to[a ^ 1];
            self.visit(v, e);
            while v != s {
                let Some(b) = self.carrying(v, e, true) else {
                    return false;
                };
                path.push(b ^ 1);
                v = self.to[b];
                self.visit(v, e);
            }
            // on from the arc's head to t
            let mut v = self.to[a];
            if v == t {
                self.deficit.push(a);
            }
            while v != t {
                let Some(b) = self.carrying(v, e, false) else {
                    return false;
                };
                path.push(b);
                v = self.to[b];
                self.visit(v, e);
                if v == t {
                    self.deficit.push(b);
                }
            }
            let amount = path.iter().map(|&x| self.flow[x]).min().unwrap_or(0);
            if amount <= 0 {
                return false;
            }
            for &x in &path {
                self.push_flow(x, -amount);
            }
            self.cancelled = self.cancelled.saturating_add(amount);
        }
        true
    }

    /// An arc of `v` carrying flow into it (`inward`) or out of it, to a node not seen in
    /// walk `e`. Arcs left empty are skipped for good (see `cursor`).
    fn carrying(&mut self, v: usize, e: u32, inward: bool) -> Option<usize> {
        if self.cursor_stamp[v] != self.cursor_epoch {
            self.cursor_stamp[v] = self.cursor_epoch;
            self.cursor[v] = 0;
        }
        let arcs = &self.adj[v];
        let mut i = self.cursor[v];
        while arcs.get(i).is_some_and(|&b| self.flow[b & !1] <= 0) {
            i += 1;
        }
        self.cursor[v] = i;
        arcs.get(i..)?.iter().copied().find(|&b| {
            let fwd = b & !1;
            (b % 2 == 1) == inward && self.flow[fwd] > 0 && self.stamp[self.to[b]] != e
        })
    }

    /// Flow taken away from the sink by `cancel_through` since the trial began.
    pub fn cancelled(&self) -> i64 {
        self.cancelled
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
