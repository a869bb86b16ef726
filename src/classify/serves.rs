//! `serves` itself: a remembered answer where the memo has one, else each touched
//! component as a trial on its baseline flow (cancel what ran through the lost elements,
//! repair the loss), with what the trial read kept for the memo's rebase.
#![allow(
    clippy::indexing_slicing,
    reason = "element, load and node indices come from the Ctx and SubNet built from the same site, and every per-element vector is sized to site.elements"
)]

use std::collections::BTreeSet;

use super::*;

impl Evaluator<'_, '_> {
    /// A previous answer for exactly this removed set, if any.
    pub fn cached(&self, removed: &[usize]) -> Option<bool> {
        self.remembered(removed).map(|a| a.ok)
    }

    /// The answer for `removed`, looked up as it is where it is sorted already (most
    /// sets are), so that the thousands of lookups of a classification allocate nothing.
    fn remembered(&self, removed: &[usize]) -> Option<&Answer> {
        if removed.is_sorted_by(|a, b| a < b) {
            self.cache.get(removed)
        } else {
            self.cache.get(&set_key(removed))
        }
    }

    /// Does the subsystem still serve every load with `removed` out of service?
    pub fn serves(&mut self, removed: &[usize]) -> bool {
        if let Some(a) = self.remembered(removed) {
            return a.ok;
        }
        let key = set_key(removed);
        if !self.net.orphans.is_empty() {
            return false;
        }
        self.mark(&key, true);
        let touched = self.touched(&key);
        // the touched elements' own state decides what is lost
        let mut reads: Option<Vec<(usize, usize)>> = Some(
            touched
                .iter()
                .filter_map(|&g| self.net.place[g])
                .flat_map(|(c, l)| [(c, Component::node_in(l)), (c, Component::node_out(l))])
                .collect(),
        );
        let mut moved = Vec::new();
        let comps: BTreeSet<usize> = touched
            .iter()
            .filter_map(|&g| self.net.place[g].map(|(c, _)| c))
            .collect();
        let mut ok = self
            .baselines
            .iter()
            .enumerate()
            .all(|(c, b)| b.served || comps.contains(&c));
        if ok {
            for &c in &comps {
                let lost: Vec<usize> = touched
                    .iter()
                    .filter_map(|&g| match self.net.place[g] {
                        Some((cc, l))
                            if cc == c && self.baselines[c].usable[l] && !self.usable(g) =>
                        {
                            Some(l)
                        }
                        _ => None,
                    })
                    .collect();
                let b = &self.baselines[c];
                if b.served && lost.iter().all(|&l| !b.carries[l]) {
                    continue;
                }
                let flow = self.run_warm(c, &lost, &mut reads, &mut moved);
                if flow < self.net.comps[c].demand {
                    ok = false;
                    break;
                }
            }
        }
        self.mark(&key, false);
        if ok {
            // the proof also needs the touched elements' own arcs as the baseline has them:
            // no flow where the scenario closes them
            for &g in &touched {
                if let Some((c, l)) = self.net.place[g] {
                    let comp = &self.net.comps[c];
                    moved.extend(
                        std::iter::once(comp.elem_arc[l])
                            .chain(comp.src_arc[l])
                            .map(|a| moved_key(c, a)),
                    );
                }
            }
        }
        self.cache.insert(key, Answer::new(ok, reads, moved));
        ok
    }

    /// A scenario started from the baseline flow: cancel what ran through the lost
    /// elements, then augment. Falls back to a run from zero when that is not possible.
    /// What the scenario read is added to `reads`; where it fails, `reads` becomes the sink
    /// side of the cut that stopped it; `None` when a run from zero was needed.
    fn run_warm(
        &mut self,
        c: usize,
        lost: &[usize],
        reads: &mut Option<Vec<(usize, usize)>>,
        moved: &mut Vec<u64>,
    ) -> i64 {
        self.net.comps[c].graph.start_reading();
        let warm = self.try_warm(c, lost, moved);
        let seen = self.net.comps[c].graph.take_read();
        match warm {
            Some(flow) if flow < self.net.comps[c].demand => {
                // a failure is decided here, and stands while no capacity rises on the cut
                // the repair ran into: the nodes beyond it replace what was read
                *reads = self.net.comps[c].graph.take_beyond().map(|beyond| {
                    let mut r: Vec<(usize, usize)> = beyond.into_iter().map(|v| (c, v)).collect();
                    r.sort_unstable();
                    r.dedup();
                    r
                });
                flow
            }
            Some(flow) => {
                if let Some(r) = reads {
                    r.extend(seen.into_iter().map(|v| (c, v)));
                }
                flow
            }
            None => {
                *reads = None;
                self.run(c).0
            }
        }
    }

    /// The warm scenario as a trial on the baseline graph: only the arcs it touches change,
    /// and only they are put back, so a scenario costs what it touches, not the component.
    /// `None` when a flow cycle blocks the cancelling (a cold run is needed). When the
    /// trial serves, the arcs whose flow it moved go to `moved`.
    fn try_warm(&mut self, c: usize, lost: &[usize], moved: &mut Vec<u64>) -> Option<i64> {
        let base_flow = self.baselines[c].flow;
        let (caps, flows) = self.baselines[c].warm.as_ref()?;
        let comp = &mut self.net.comps[c];
        if !self.at_base[c] {
            comp.graph.set_caps(caps);
            comp.graph.set_flows(flows);
            self.at_base[c] = true;
        }
        let cancelled = comp.lose(lost);
        let got = cancelled.then(|| {
            let left = base_flow - comp.graph.cancelled();
            left + comp.graph.repair(S, T, comp.demand - left)
        });
        if got.is_some_and(|f| f >= comp.demand) {
            comp.graph
                .end_trial_moved(caps, flows, |a| moved.push(moved_key(c, a)));
        } else {
            comp.graph.end_trial(caps, flows);
        }
        got
    }
}
