//! The state of the moment, before any tier: which critical loads have no supply now, which
//! are served but unprotected (every live path runs round a UPS), and what a UPS on battery
//! means for them (docs/tier-rules.md, "Live service first" and "Unprotected loads").
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site, and per-element vectors are sized to site.elements"
)]

use super::explain::name_list;
use super::flow::unscaled;
use super::graph::Ctx;
use super::net::SubNet;
use super::report::{NoteKind, ServingNote};
use super::scenario::{Base, EvalState, Evaluator, Mode};
use crate::model::{ElementState, Kind, LiveState, Subsystem};

/// Protection counts: only supply that passed through a working UPS (or its battery).
const PROTECTED_NOW: Mode = Mode {
    protected_only: true,
    ..Mode::NOW
};

/// Loads short of supply, with the served and demanded amounts of their subsystem.
pub(crate) type Short = (Vec<usize>, f64, f64);

#[derive(Debug, Default)]
pub(crate) struct NowReport {
    /// Loads (indices) with no supply now, or less than they draw.
    pub unserved: Vec<usize>,
    /// Of those, the loads that still get some supply (a shortfall, not a loss).
    pub short: Option<Short>,
    /// Loads served now that are protected by design but not now.
    pub unprotected: Vec<usize>,
    pub notes: Vec<ServingNote>,
}

impl NowReport {
    pub fn merge(&mut self, other: NowReport) {
        self.unserved.extend(other.unserved);
        self.short = self.short.take().or(other.short);
        self.unprotected.extend(other.unprotected);
        self.notes.extend(other.notes);
    }
}

/// What is flowing now: a UPS on bypass still passes raw power.
pub(crate) fn now_base(live_base: &Base) -> Base {
    let mut b = live_base.clone();
    for (u, s) in b.unavailable.iter_mut().zip(&live_base.state) {
        if *s == ElementState::Bypass {
            *u = false;
        }
    }
    b
}

fn not_served(ev: &mut Evaluator) -> Vec<usize> {
    shortfall(ev).0
}

/// Loads not (fully) served, and the short ones with served / demanded amounts.
fn shortfall(ev: &mut Evaluator) -> (Vec<usize>, Option<Short>) {
    if ev.serves(&[]) {
        return (Vec::new(), None);
    }
    let o = ev.outcome(&[]);
    let mut out: Vec<usize> = o.dead_loads.iter().chain(&o.short_loads).copied().collect();
    out.sort_unstable();
    out.dedup();
    let short = (!o.short_loads.is_empty()).then(|| {
        (
            o.short_loads.clone(),
            unscaled(o.served),
            unscaled(o.demand),
        )
    });
    (out, short)
}

/// What the state of the moment keeps from one live state of a site to the next: the
/// evaluators, carried over as the tiers' are (`EvalState`), and what depends on the
/// design alone.
#[derive(Default)]
pub(crate) struct NowMemo {
    now: Option<EvalState>,
    protected: Option<EvalState>,
    /// Loads that no working UPS protects even by design.
    by_design: Option<Vec<usize>>,
}

pub(crate) fn now_report(
    ctx: &Ctx,
    net: &SubNet,
    design_base: &Base,
    live_base: &Base,
    live: &LiveState,
    memo: &mut NowMemo,
) -> NowReport {
    let sub = net.sub;
    let nb = now_base(live_base);
    let mut now = Evaluator::resume(ctx, net, &nb, Mode::NOW, memo.now.take());
    let (unserved, short) = shortfall(&mut now);
    let mut notes = Vec::new();
    if !unserved.is_empty() {
        let ids: Vec<&str> = unserved
            .iter()
            .map(|&l| ctx.site.loads[l].id.as_str())
            .collect();
        notes.push(ServingNote {
            kind: NoteKind::Unserved,
            subsystem: sub,
            cause: None,
            runtime_min: None,
            elements: vec![],
            loads: ids.iter().map(|s| s.to_string()).collect(),
            message: format!(
                "{} is not serving every critical load now: {} without supply",
                sub.name(),
                name_list(&ids)
            ),
        });
    }
    let mut unprotected = Vec::new();
    if sub == Subsystem::Power && may_run_round_a_ups(ctx, live_base) {
        let mut live_p =
            Evaluator::resume(ctx, net, live_base, PROTECTED_NOW, memo.protected.take());
        let exposed = not_served(&mut live_p);
        memo.protected = Some(live_p.suspend());
        if !exposed.is_empty() {
            let by_design = memo.by_design.get_or_insert_with(|| {
                not_served(&mut Evaluator::new(ctx, net, design_base, PROTECTED_NOW))
            });
            unprotected = exposed
                .into_iter()
                .filter(|l| !unserved.contains(l) && !by_design.contains(l))
                .collect();
        }
        if !unprotected.is_empty() {
            notes.push(unprotected_note(ctx, live_base, &unprotected, live));
        }
    }
    notes.extend(on_battery_notes(ctx, &nb, &mut now, live));
    memo.now = Some(now.suspend());
    NowReport {
        unserved,
        short,
        unprotected,
        notes,
    }
}

/// Whether anything now could make a load run round every UPS: a UPS on bypass, a
/// closed manual element on the raw side, a transfer switch on a raw input. When nothing
/// does, the protected flows need not be run at all (a large site saves three flow runs).
fn may_run_round_a_ups(ctx: &Ctx, base: &Base) -> bool {
    (0..ctx.site.elements.len()).any(|e| {
        // a UPS out of service passes nothing; only one on bypass passes raw power
        let ups_out = ctx.kind(e) == Kind::Ups && base.state[e] == ElementState::Bypass;
        let raw_tie = base.engaged[e] && !ctx.critical[e];
        let raw_position = base.position[e].is_some_and(|p| ctx.critical[e] && !ctx.critical[p]);
        ups_out || raw_tie || raw_position
    })
}

/// "ROW-3, ROW-4 unprotected: UPS-B1 bypass, ATS-3 on RB-2; ...": the UPSs upstream that
/// are not protecting, the transfer switches sitting on a raw input, the bypasses closed.
fn unprotected_note(ctx: &Ctx, base: &Base, loads: &[usize], live: &LiveState) -> ServingNote {
    let mut seen = vec![false; ctx.site.elements.len()];
    let mut stack: Vec<usize> = loads
        .iter()
        .flat_map(|&l| ctx.load_inputs[l].iter().copied())
        .collect();
    let mut causes: Vec<(usize, String)> = Vec::new();
    while let Some(e) = stack.pop() {
        if std::mem::replace(&mut seen[e], true) {
            continue;
        }
        let state = live.element_state(ctx.id(e));
        if ctx.kind(e) == Kind::Ups && !matches!(state, ElementState::Ok | ElementState::OnBattery)
        {
            causes.push((
                e,
                format!("{} {}", ctx.id(e), state.name().replace('_', " ")),
            ));
        }
        if let Some(p) = base.position[e]
            && ctx.critical[e]
            && !ctx.critical[p]
        {
            causes.push((e, format!("{} on raw input {}", ctx.id(e), ctx.id(p))));
        }
        if base.engaged[e] && !ctx.critical[e] && ctx.succ[e].iter().any(|&w| ctx.critical[w]) {
            causes.push((e, format!("{} closed", ctx.id(e))));
        }
        stack.extend(ctx.inputs[e].iter().copied().filter(|&u| !seen[u]));
    }
    causes.sort();
    let ids: Vec<&str> = loads
        .iter()
        .map(|&l| ctx.site.loads[l].id.as_str())
        .collect();
    let why = if causes.is_empty() {
        "every live path runs round a UPS".to_string()
    } else {
        let c: Vec<&str> = causes.iter().map(|(_, t)| t.as_str()).collect();
        c.join(", ")
    };
    ServingNote {
        kind: NoteKind::Unprotected,
        subsystem: Subsystem::Power,
        runtime_min: None,
        elements: causes.iter().map(|&(e, _)| ctx.id(e).to_string()).collect(),
        loads: ids.iter().map(|s| s.to_string()).collect(),
        message: format!(
            "{} unprotected ({why}): one utility disturbance drops {}",
            name_list(&ids),
            if ids.len() == 1 { "it" } else { "them" }
        ),
        cause: Some(why),
    }
}

/// A UPS on battery: which loads drop when the battery runs out.
fn on_battery_notes(
    ctx: &Ctx,
    base: &Base,
    now: &mut Evaluator,
    live: &LiveState,
) -> Vec<ServingNote> {
    let sub = now.sub();
    let ups: Vec<usize> = (0..ctx.site.elements.len())
        .filter(|&e| ctx.sub(e) == sub && base.on_battery[e])
        .collect();
    if ups.is_empty() {
        return Vec::new();
    }
    let o = now.outcome(&ups);
    let loads: Vec<String> = o
        .dead_loads
        .iter()
        .map(|&l| ctx.site.loads[l].id.clone())
        .collect();
    ups.iter()
        .map(|&u| {
            let id = ctx.id(u);
            let runtime = live
                .battery_runtime_min
                .get(id)
                .map_or("unknown runtime".to_string(), |m| {
                    format!("est. runtime {} min", super::explain::fmt_num(*m))
                });
            let names: Vec<&str> = loads.iter().map(String::as_str).collect();
            let then = if loads.is_empty() {
                "every load has another protected path".to_string()
            } else {
                format!(
                    "{} drop then unless they get another protected path",
                    name_list(&names)
                )
            };
            ServingNote {
                kind: NoteKind::OnBattery,
                subsystem: Subsystem::Power,
                cause: None,
                runtime_min: live.battery_runtime_min.get(id).copied(),
                elements: vec![id.to_string()],
                loads: loads.clone(),
                message: format!("{id} on battery, {runtime}; {then}"),
            }
        })
        .collect()
}
