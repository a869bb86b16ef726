//! The fast path of `serves` checked against runs from zero flow.
use super::*;
use crate::model::synth::{HallShape, campus, shared_yard};
use crate::model::{Site, load_site_file};

impl Evaluator<'_, '_> {
    /// Every component from zero flow: the reference the fast path must agree with.
    fn serves_cold(&mut self, removed: &[usize]) -> bool {
        self.mark(removed, true);
        let mut ok = true;
        for c in 0..self.net.comps.len() {
            let (flow, _) = self.run(c);
            ok &= flow >= self.net.comps[c].demand;
        }
        ok &= self.net.orphans.is_empty();
        self.mark(removed, false);
        ok
    }
}

fn sites() -> Vec<Site> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    let mut out: Vec<Site> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().contains("live"))
        })
        .filter_map(|p| load_site_file(&p).ok())
        .collect();
    out.extend(crate::demo::site().ok());
    out.push(campus(
        1,
        HallShape {
            pdu_pairs: 4,
            racks: 10,
            rack_kw: 10.0,
            crahs: 4,
        },
    ));
    // one power component across halls: repairs re-route through other halls' flow
    out.push(shared_yard(
        3,
        HallShape {
            pdu_pairs: 3,
            racks: 7,
            rack_kw: 10.0,
            crahs: 3,
        },
    ));
    assert!(out.len() >= 15, "worked examples missing: {}", out.len());
    out
}

/// Warm starts, zero-flow pruning and memoisation never change an answer: every single
/// and every pair removal, planned and unplanned, design and with one unit failed.
#[test]
fn fast_path_agrees_with_cold_runs() {
    let mut compared = 0;
    for site in sites() {
        let ctx = Ctx::new(&site);
        let n = site.elements.len();
        let mut failed = Base::design(&ctx);
        if let Some(u) = (0..n).find(|&e| ctx.kind(e) == Kind::Ups) {
            failed.unavailable[u] = true;
        }
        for sub in Subsystem::ALL {
            let loads = ctx.loads_of(sub);
            let net = SubNet::build(&ctx, sub, &loads);
            for base in [Base::design(&ctx), failed.clone()] {
                for mode in [Mode::PLANNED, Mode::UNPLANNED] {
                    let mut ev = Evaluator::new(&ctx, &net, &base, mode);
                    let elems = net.elems.clone();
                    for (i, &a) in elems.iter().enumerate() {
                        for &b in &elems[i..] {
                            let set = if a == b { vec![a] } else { vec![a, b] };
                            let fast = ev.serves(&set);
                            assert_eq!(
                                fast,
                                ev.serves_cold(&set),
                                "{} {:?} {set:?}",
                                site.name,
                                sub
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 5_000, "{compared}");
}
