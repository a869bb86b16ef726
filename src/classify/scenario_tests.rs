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

/// A finding's outcome from a trial on the baseline is the outcome of a run from zero in
/// everything a finding tells (the loads left short aside): every element of the site alone
/// and every pair of the subsystem's, planned and unplanned, designed, with a UPS failed and
/// with a PDU failed.
#[test]
fn finding_outcomes_agree_with_cold_runs() {
    let (mut compared, mut with_dead, mut with_stranded) = (0, 0, 0);
    for site in sites() {
        let ctx = Ctx::new(&site);
        let n = site.elements.len();
        let mut bases = vec![Base::design(&ctx)];
        for kind in [Kind::Ups, Kind::Pdu] {
            if let Some(e) = (0..n).find(|&e| ctx.kind(e) == kind) {
                let mut b = Base::design(&ctx);
                b.unavailable[e] = true;
                bases.push(b);
            }
        }
        for sub in Subsystem::ALL {
            let loads = ctx.loads_of(sub);
            let net = SubNet::build(&ctx, sub, &loads);
            for base in &bases {
                for mode in [Mode::PLANNED, Mode::UNPLANNED] {
                    let mut ev = Evaluator::new(&ctx, &net, base, mode);
                    let elems = net.elems.clone();
                    // pairs within the subsystem, and any element of the site alone (a
                    // cooling unit's `requires` reaches into power)
                    let pairs = elems
                        .iter()
                        .enumerate()
                        .flat_map(|(i, &a)| elems[i + 1..].iter().map(move |&b| vec![a, b]));
                    let sets: Vec<Vec<usize>> = (0..n).map(|e| vec![e]).chain(pairs).collect();
                    for set in sets {
                        let fast = ev.finding_outcome(&set);
                        let cold = ev.outcome(&set);
                        let what = format!("{} {sub:?} {set:?}", site.name);
                        assert_eq!(fast.served, cold.served, "{what}");
                        assert_eq!(fast.demand, cold.demand, "{what}");
                        assert_eq!(fast.dead_loads, cold.dead_loads, "{what}");
                        assert_eq!(fast.stranded, cold.stranded, "{what}");
                        if cold.needs_cut(&ctx) {
                            assert_eq!(fast.cut, cold.cut, "{what}");
                        }
                        compared += 1;
                        with_dead += usize::from(!cold.dead_loads.is_empty());
                        with_stranded += usize::from(!cold.stranded.is_empty());
                    }
                }
            }
        }
    }
    assert!(
        compared > 5_000 && with_dead > 500 && with_stranded > 100,
        "{compared} {with_dead} {with_stranded}"
    );
}
