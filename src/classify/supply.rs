//! Which elements are in service in a scenario: available, switched in by their own
//! activation, and supplied by their own subsystem (docs/tier-rules.md, `requires`).
//!
//! A clause of `requires` is met only by an element that is available *and* supplied in the
//! same scenario: a mechanical panel that is in service but has lost its own supply does not
//! keep a CRAH running. Supply here is reachability from an originating source through
//! elements in service; capacities are the flow network's business, not this one's.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and per-element vectors are sized to site.elements"
)]

use super::graph::Ctx;
use super::scenario::{Base, Mode};
use crate::model::{Activation, Kind, Subsystem};

/// Sub-cycle transfer: the only `auto` equipment trusted downstream of a UPS.
pub(crate) const SUB_CYCLE_S: f64 = 0.02;

/// May element `g` take over by itself in this mode (ignoring `requires`)? For a transfer
/// switch with a known position this is about switching *away* from that input.
pub(crate) fn activation_ok(ctx: &Ctx, base: &Base, mode: Mode, g: usize) -> bool {
    if mode.planned {
        return true;
    }
    let e = &ctx.site.elements[g];
    match e.activation {
        Activation::Active => true,
        Activation::Manual => base.engaged[g],
        // what is flowing now has transferred already; protection now still needs a
        // transfer fast enough to ride through on the critical side
        Activation::Auto if mode.serving_now && !mode.protected_only => true,
        Activation::Auto => match e.kind.subsystem() {
            Subsystem::Power => !ctx.critical[g] || e.transfer_s.is_some_and(|t| t <= SUB_CYCLE_S),
            Subsystem::Cooling => true,
            Subsystem::Network => e.transfer_s.unwrap_or(0.0) <= ctx.site.network_budget_s,
        },
    }
}

/// In service apart from `requires`: not gone, not an uncounted utility, and either carrying
/// load on a known input (a transfer switch in position) or allowed to take over.
pub(crate) fn switched_in(ctx: &Ctx, base: &Base, mode: Mode, gone: &[bool], g: usize) -> bool {
    if gone[g] {
        return false;
    }
    if ctx.kind(g) == Kind::Utility && !mode.count_utility {
        return false;
    }
    base.position[g].is_some() || activation_ok(ctx, base, mode, g)
}

/// May the resource pass from input `u` into element `g`? A transfer switch in position
/// passes its other inputs only when it may switch by itself.
pub(crate) fn input_open(ctx: &Ctx, base: &Base, mode: Mode, u: usize, g: usize) -> bool {
    match base.position[g] {
        Some(p) if p != u => activation_ok(ctx, base, mode, g),
        _ => true,
    }
}

/// Elements in service and supplied, as a greatest fixed point: start from everything
/// switched in, drop what no source reaches or whose `requires` are unmet, repeat until
/// nothing changes. Each round is linear; a round drops at least one element.
pub(crate) fn supplied(ctx: &Ctx, base: &Base, mode: Mode, removed: &[bool]) -> Vec<bool> {
    let n = ctx.site.elements.len();
    let gone: Vec<bool> = (0..n).map(|i| base.unavailable[i] || removed[i]).collect();
    let mut up: Vec<bool> = (0..n)
        .map(|g| switched_in(ctx, base, mode, &gone, g))
        .collect();
    loop {
        let reach = reachable(ctx, base, mode, &up);
        let mut changed = false;
        for g in 0..n {
            let keep = up[g]
                && reach[g]
                && ctx.requires[g]
                    .iter()
                    .all(|clause| clause.iter().any(|&r| up[r] && reach[r]));
            if up[g] != keep {
                up[g] = keep;
                changed = true;
            }
        }
        if !changed {
            return up;
        }
    }
}

/// Reached from an originating source through elements that are up.
fn reachable(ctx: &Ctx, base: &Base, mode: Mode, up: &[bool]) -> Vec<bool> {
    let n = up.len();
    let mut reach = vec![false; n];
    let mut stack: Vec<usize> = (0..n)
        .filter(|&g| up[g] && (ctx.source[g] || (mode.serving_now && base.on_battery[g])))
        .collect();
    for &g in &stack {
        reach[g] = true;
    }
    while let Some(u) = stack.pop() {
        for &w in &ctx.succ[u] {
            if !reach[w] && up[w] && input_open(ctx, base, mode, u, w) {
                reach[w] = true;
                stack.push(w);
            }
        }
    }
    reach
}

/// Elements whose loss can change what `requires` sees: every element named in a clause,
/// everything upstream of one, and (transitively) what those name in their own clauses.
pub(crate) fn relevant(ctx: &Ctx) -> Vec<bool> {
    let n = ctx.site.elements.len();
    let mut rel = vec![false; n];
    let mut stack: Vec<usize> = ctx.requires.iter().flatten().flatten().copied().collect();
    while let Some(g) = stack.pop() {
        if rel[g] {
            continue;
        }
        rel[g] = true;
        stack.extend(ctx.inputs[g].iter().copied().filter(|&u| !rel[u]));
        stack.extend(
            ctx.requires[g]
                .iter()
                .flatten()
                .copied()
                .filter(|&r| !rel[r]),
        );
    }
    rel
}

/// Units that count for nothing in this base: unavailable, or with a `requires` clause no
/// element in service and supplied meets. Redundancy labels and `available` counts use this.
pub(crate) fn unpowered(ctx: &Ctx, base: &Base, mode: Mode) -> Vec<bool> {
    let n = ctx.site.elements.len();
    if ctx.requires.iter().all(Vec::is_empty) {
        return base.unavailable.clone();
    }
    let up = supplied(ctx, base, mode, &vec![false; n]);
    (0..n)
        .map(|g| {
            base.unavailable[g]
                || !ctx.requires[g]
                    .iter()
                    .all(|clause| clause.iter().any(|&r| up[r]))
        })
        .collect()
}
