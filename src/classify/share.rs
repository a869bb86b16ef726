//! What each element carries now, estimated: every consumer (a load, or an element fed by
//! others) draws its demand from the inputs it has in service, the ones running now
//! (`active`) before those that only take over (`auto` generators behind the utility), a
//! transfer switch from the one input it is on, the rest in proportion to capacity. So a
//! dual-corded rack draws half from each side, and three UPS modules on one board share it.
//! An estimate for an operator's plan ("UPS-A3 would run at 98 %"), never used for a tier.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and per-element vectors are sized to site.elements"
)]

use std::collections::BTreeMap;

use super::engine::live_base;
use super::graph::Ctx;
use super::now::now_base;
use super::scenario::Mode;
use super::supply::{input_open, supplied};
use crate::model::{Activation, Id, LiveState, Site};

/// kW (or Gbps) each element in service carries now, by id; elements carrying nothing are
/// left out.
pub fn carried(site: &Site, live: &LiveState) -> BTreeMap<Id, f64> {
    let ctx = Ctx::new(site);
    // a UPS on bypass still passes what its load draws
    let base = now_base(&live_base(&ctx, live));
    let n = site.elements.len();
    let up = supplied(&ctx, &base, Mode::NOW, &vec![false; n]);
    let mut demand = vec![0.0_f64; n];

    // the inputs a consumer draws on now, and in which proportion
    let draw = |inputs: &[usize], consumer: Option<usize>, amount: f64, demand: &mut [f64]| {
        let open: Vec<usize> = inputs
            .iter()
            .copied()
            .filter(|&u| up[u] && consumer.is_none_or(|c| input_open(&ctx, &base, Mode::NOW, u, c)))
            .collect();
        let running: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&u| site.elements[u].activation == Activation::Active)
            .collect();
        let mut from = if running.is_empty() { open } else { running };
        if let Some(c) = consumer.filter(|&c| ctx.kind(c).is_selector()) {
            let on = base.position[c]
                .filter(|p| from.contains(p))
                .or(from.first().copied());
            from = on.into_iter().collect();
        }
        let weight = |u: usize| {
            site.elements[u]
                .capacity
                .filter(|c| *c > 0.0)
                .unwrap_or(1.0)
        };
        let total: f64 = from.iter().map(|&u| weight(u)).sum();
        if total > 0.0 {
            for &u in &from {
                demand[u] += amount * weight(u) / total;
            }
        }
    };

    for (l, load) in site.loads.iter().enumerate() {
        if load.demand.is_finite() && load.demand > 0.0 {
            draw(&ctx.load_inputs[l], None, load.demand, &mut demand);
        }
    }
    // consumers before their suppliers: an element passes its demand on once every element
    // it feeds has passed theirs to it
    let mut waiting: Vec<usize> = (0..n)
        .map(|u| ctx.succ[u].iter().filter(|&&w| up[w]).count())
        .collect();
    let mut ready: Vec<usize> = (0..n).filter(|&u| up[u] && waiting[u] == 0).collect();
    while let Some(g) = ready.pop() {
        if demand[g] > 0.0 && !ctx.source[g] {
            let amount = demand[g];
            draw(&ctx.inputs[g], Some(g), amount, &mut demand);
        }
        for &u in &ctx.inputs[g] {
            if up[u] && waiting[u] > 0 {
                waiting[u] -= 1;
                if waiting[u] == 0 {
                    ready.push(u);
                }
            }
        }
    }
    site.elements
        .iter()
        .zip(demand)
        .filter(|(_, d)| *d > 0.0)
        .map(|(e, d)| (e.id.clone(), d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::carried;
    use crate::model::{ElementState, LiveState};

    #[test]
    fn the_demo_splits_its_racks_over_both_sides_and_its_modules() {
        let site = crate::demo::site().unwrap_or_else(|e| panic!("{e}"));
        let live = crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
        let c = carried(&site, &live);
        let kw = |id: &str| c.get(id).copied().unwrap_or(0.0);
        // 600 kW of racks, half on each side; UPS-A2 failed, so UPS-A1 and A3 share A's 300
        // (the rack ATS of the HSM sits on its first input)
        assert!((kw("UPS-A1") - 152.5).abs() < 0.01, "{}", kw("UPS-A1"));
        assert!((kw("UPS-B1") - 98.33).abs() < 0.01, "{}", kw("UPS-B1"));
        assert_eq!(kw("UPS-A2"), 0.0);
        // on utility: the generators carry nothing
        assert_eq!(kw("G-1"), 0.0);
        assert!(kw("TX-A") > 0.0);
        // draining UPS-A3 leaves UPS-A1 alone for the A side
        let mut drained = live.clone();
        drained
            .elements
            .insert("UPS-A3".into(), ElementState::Maintenance);
        let d = carried(&site, &drained);
        assert!((d["UPS-A1"] - 305.0).abs() < 0.01, "{}", d["UPS-A1"]);
        // with the utility failed, the generators share the whole site
        let mut mains = LiveState::default();
        mains.elements.insert("UTIL-1".into(), ElementState::Failed);
        let m = carried(&site, &mains);
        assert!(m["G-1"] > 0.0 && (m["G-1"] - m["G-2"]).abs() < 1e-9);
    }
}
