//! Trials on a max-flow graph: take elements out of a flow that serves, cancel what ran
//! through them, repair the loss, and undo or keep the result, at the cost of what the
//! trial touched rather than of the graph. The scenarios of a large component and the
//! memo's rebase both run here.
#![allow(
    clippy::indexing_slicing,
    reason = "node and arc indices are positions in this graph's own vectors: nodes are numbered 0..n when the graph is built and arcs are only ever pushed in pairs"
)]

use super::Graph;

impl Graph {
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
        self.end_trial_moved(caps, flows, |_| {});
    }

    /// As `end_trial`, handing `moved` each forward arc whose flow the trial changed, in
    /// the same pass that puts it back.
    pub fn end_trial_moved(&mut self, caps: &[i64], flows: &[i64], mut moved: impl FnMut(usize)) {
        for &a in &self.touched {
            if self.flow[a & !1] != flows[a & !1] {
                moved(a & !1);
            }
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

    /// Where the last repair fell short for want of paths, and the graph was `reading`: the
    /// nodes the source could not reach. No arc into them from elsewhere has room, and none
    /// out of them carries flow, so the capacity of the arcs into them bounds the flow: only
    /// a capacity raised on such an arc can let more through.
    pub fn take_beyond(&mut self) -> Option<Vec<usize>> {
        self.beyond.take()
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
        self.beyond = None;
        let mut beyond = Vec::new();
        // seeds before `climbed` need not be tried by `climb` again in this repair
        let mut climbed = 0;
        while total < need {
            let mut found = self.climb(s, &starts, &mut climbed, gone, &mut stack);
            let e = self.next_epoch();
            self.stamp[t] = e;
            // only where no seed can climb: a search that may re-route placed flow
            let rest = if found { &[][..] } else { &starts[..] };
            'seeds: for (k, &a) in rest.iter().enumerate().skip(first) {
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
                if self.reading {
                    beyond.extend_from_slice(&trail);
                }
            }
            if !found {
                self.beyond = Some(beyond);
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

    /// A path from `s` to one of the seeds `starts[*from..]` over arcs into each node that
    /// have room: a path that draws more from upstream and re-routes nothing already
    /// placed. Arcs the trial touched (the route its cancelling emptied) are tried before
    /// the others, so a loss is made good the way it was fed where the supply allows, and
    /// the flows elsewhere (a shared yard's units, which every scenario reads) stay as they
    /// were. Depth-first in order: a full unit upstream is left at once for the next one,
    /// where `repair`'s own search would first wander down through everything that unit
    /// feeds. Seeds tried without success are passed over by later calls (`*from` moves on),
    /// so each costs its upstream cone once per repair; `repair`'s search still covers them.
    fn climb(
        &mut self,
        s: usize,
        starts: &[usize],
        from: &mut usize,
        gone: u32,
        stack: &mut Vec<(usize, usize)>,
    ) -> bool {
        let e = self.next_epoch();
        while let Some(&a) = starts.get(*from) {
            let u = self.to[a ^ 1];
            if self.reading {
                self.read.push(u);
            }
            if self.cap[a] > self.flow[a] && self.stamp[u] != e && self.gone[u] != gone {
                self.visit(u, e);
                self.via[u] = a;
                if u == s || self.climb_from(u, s, e, gone, stack) {
                    return true;
                }
            }
            *from += 1;
        }
        false
    }

    /// The search of `climb` from one seed `u`, already visited in walk `e`.
    fn climb_from(
        &mut self,
        u: usize,
        s: usize,
        e: u32,
        gone: u32,
        stack: &mut Vec<(usize, usize)>,
    ) -> bool {
        stack.clear();
        stack.push((u, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            let len = self.adj[v].len();
            if i >= 2 * len {
                stack.pop();
                continue;
            }
            top.1 += 1;
            // first sweep: arcs the trial touched; second: the others
            let b = self.adj[v][i % len];
            let touched = self.tracking && self.tmark[b] == self.tepoch;
            if b.is_multiple_of(2) || touched != (i < len) {
                continue;
            }
            let (w, into) = (self.to[b], b ^ 1);
            if self.stamp[w] != e && self.gone[w] != gone && self.cap[into] > self.flow[into] {
                self.via[w] = into;
                if w == s {
                    return true;
                }
                self.visit(w, e);
                stack.push((w, 0));
            }
        }
        false
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
}
