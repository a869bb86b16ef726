//! How classification grows with one large component: campuses whose halls all share one
//! generator yard (the power subsystem is one connected component), at 2,000 to 20,000
//! elements, with the fitted exponent of time against size. Figures: docs/performance.md.
//!
//!     cargo bench --bench scale -- [HALLS ...]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::sync::Arc;
use std::time::Instant;

use redcon::classify::{Memo, classify, classify_shared};
use redcon::model::synth::{HallShape, shared_yard};
use redcon::model::{ElementState, LiveState};
use redcon::ops::{OpKind, Operation, preflight};

fn main() {
    let mut halls: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if halls.is_empty() {
        halls = vec![10, 25, 50, 100];
    }
    let mut faults = LiveState::default();
    faults
        .elements
        .insert("H1-UPS-A2".into(), ElementState::Failed);
    faults
        .elements
        .insert("H2-CRAH-03".into(), ElementState::Maintenance);
    let mut points = Vec::new();
    for h in halls {
        let site = shared_yard(h, HallShape::default());
        let n = site.elements.len();
        // as agents report it: every element has a state, most of them ok
        let mut live = faults.clone();
        for e in &site.elements {
            live.elements
                .entry(e.id.clone())
                .or_insert(ElementState::Ok);
        }
        // best of a few runs: the least disturbed by anything else on the machine
        let runs = if n > 8_000 { 3 } else { 5 };
        let mut best = f64::INFINITY;
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(classify(&site, &live));
            best = best.min(t.elapsed().as_secs_f64());
        }
        // one item changes state and back, the memo carried through: what a poll costs
        // (the console's observer shares the site with the memo, as here)
        let mut memo = Memo::default();
        let shared = Arc::new(site.clone());
        classify_shared(&shared, &live, &mut memo);
        let mut one = Vec::new();
        for (id, state) in [
            (format!("H{}-UPS-B1", h.div_ceil(2)), ElementState::Failed),
            (format!("H{}-CRAH-05", h.div_ceil(2)), ElementState::Failed),
        ] {
            let mut changed = live.clone();
            changed.elements.insert(id, state);
            let mut times = Vec::new();
            for _ in 0..runs {
                for l in [&changed, &live] {
                    let t = Instant::now();
                    std::hint::black_box(classify_shared(&shared, l, &mut memo));
                    times.push(t.elapsed().as_secs_f64());
                }
            }
            times.sort_by(f64::total_cmp);
            one.push((times[times.len() / 2], times[times.len() - 1]));
        }
        // the preflight of a drain: the site classified as it is and as it would be
        let drain = Operation {
            kind: OpKind::Drain,
            target: format!("H{}-UPS-B1", h.div_ceil(2)),
            reason: "planned work".into(),
            operator: "bench".into(),
            idempotency_key: "k".into(),
        };
        let mut plan = f64::INFINITY;
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(preflight(&site, &live, &drain, None, 0.0).unwrap());
            plan = plan.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{n:>6} elements ({h} halls): preflight of a drain {:8.1} ms",
            plan * 1e3
        );
        println!(
            "{n:>6} elements ({h} halls): {:8.1} ms full; one change (median/worst of {}) {:.1}/{:.1} ms (a UPS), {:.1}/{:.1} ms (a CRAH)",
            best * 1e3,
            2 * runs,
            one[0].0 * 1e3,
            one[0].1 * 1e3,
            one[1].0 * 1e3,
            one[1].1 * 1e3,
        );
        println!(
            "{n:>6} elements ({h} halls): first failure on a healthy campus, each hall in turn (median of {h}): {}",
            first_failures(&shared, h)
        );
        points.push(((n as f64).ln(), best.ln()));
    }
    if points.len() >= 2 {
        let k = points.len() as f64;
        let (sx, sy) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (mx, my) = (sx / k, sy / k);
        let num: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let den: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
        println!("fitted exponent: {:.2}", num / den);
    }
}

/// One element fails on a campus where everything is ok, and comes back, the memo carried
/// through; each run in another hall, so no failure is one the memo has seen. The flips
/// above happen on a site already degraded (a UPS failed in hall 1), whose findings are
/// already there, and repeat one change; the first failure of a night drops the tier, and
/// every element that no longer tolerates maintenance becomes a finding. Every hall takes
/// its turn, and the last five turns are reported apart: a memo whose baseline flow drifts
/// with each repair gets slower the longer a console runs.
fn first_failures(site: &Arc<redcon::model::Site>, halls: usize) -> String {
    let mut healthy = LiveState::default();
    for e in &site.elements {
        healthy.elements.insert(e.id.clone(), ElementState::Ok);
    }
    let mut memo = Memo::default();
    classify_shared(site, &healthy, &mut memo);
    let mut out = Vec::new();
    for what in ["UPS-A1", "UOB-A"] {
        // the failure and the return apart: the failure brings the findings
        let (mut fails, mut backs) = (Vec::new(), Vec::new());
        for run in 0..halls {
            let mut failed = healthy.clone();
            let hall = (halls.div_ceil(2) + run) % halls + 1;
            failed
                .elements
                .insert(format!("H{hall}-{what}"), ElementState::Failed);
            for (l, times) in [(&failed, &mut fails), (&healthy, &mut backs)] {
                let t = Instant::now();
                std::hint::black_box(classify_shared(site, l, &mut memo));
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        let mut last = fails[fails.len().saturating_sub(5)..].to_vec();
        for t in [&mut fails, &mut backs, &mut last] {
            t.sort_by(f64::total_cmp);
        }
        out.push(format!(
            "a {what} fails {:.1} ms (worst {:.1}, last five {:.1}), back {:.1} ms",
            fails[fails.len() / 2],
            fails[fails.len() - 1],
            last[last.len() / 2],
            backs[backs.len() / 2]
        ));
    }
    out.join(", ")
}

// the binary's allocator: what the console and `redcon status` pay
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
