//! From what the agents said to the live state the verdict needs. Honest by construction:
//! an item is as old as its own reading (`observed_at`), not as the HTTP answer; one too old,
//! undatable, from the future, missing, or whose agent is dead, is *unknown*, and its last
//! known state is kept beside it for the optimistic bound (docs/tier-rules.md, "Unknown").

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tokio::time::Instant;

use super::{AgentStatus, Freshness};
use crate::api::{ElementReport, MemberReport, Snapshot, TankReport};
use crate::config::PollPolicy;
use crate::model::owners::{self, ItemKind};
use crate::model::{ElementState, LiveState, MemberState, Rebuild, Site, TankLive};
use crate::verdict::{ItemState, StaleItem, UnknownItem, age_text};

/// A reading dated this far past its snapshot's `generated_at` is from the future.
const SKEW_ALLOWANCE_S: f64 = 5.0;
/// An agent clock this far from the console's is worth saying.
const SKEW_REPORT_S: f64 = 30.0;

/// What the agents describe: the live state (unknown items `unknown`), the same with unknown
/// items at their last known state, those items, stale readings, and what could not be used.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub live: LiveState,
    pub optimistic: LiveState,
    pub unknown: Vec<UnknownItem>,
    pub stale: Vec<StaleItem>,
    pub problems: Vec<String>,
    /// Since when usable items have been in their state, where the agent's source knows.
    pub since: BTreeMap<String, f64>,
}

/// One report of a snapshot.
#[derive(Clone, Copy)]
enum Rep<'s> {
    Element(&'s ElementReport),
    Member(&'s MemberReport),
    Tank(&'s TankReport),
}

impl<'s> Rep<'s> {
    fn id(self) -> &'s str {
        match self {
            Rep::Element(e) => &e.id,
            Rep::Member(x) => &x.id,
            Rep::Tank(t) => &t.id,
        }
    }

    fn state(self) -> ItemState {
        match self {
            Rep::Element(e) => ItemState::Element(e.state),
            Rep::Member(x) => ItemState::Member(x.state),
            Rep::Tank(t) => ItemState::Element(t.state),
        }
    }

    fn observed_at(self) -> f64 {
        match self {
            Rep::Element(e) => e.observed_at,
            Rep::Member(x) => x.observed_at,
            Rep::Tank(t) => t.observed_at,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Rep::Element(_) => "element",
            Rep::Member(_) => "member",
            Rep::Tank(_) => "tank",
        }
    }

    /// Is an item of this kind reported in the right list?
    fn fits(self, kind: ItemKind) -> bool {
        matches!(
            (self, kind),
            (Rep::Element(_), ItemKind::Element)
                | (Rep::Member(_), ItemKind::Member)
                | (Rep::Tank(_), ItemKind::FuelTank | ItemKind::WaterTank)
        )
    }
}

/// One reading, as the merge judges it.
struct Reading<'s> {
    id: &'s str,
    kind: ItemKind,
    rep: Rep<'s>,
}

struct Ctx<'a> {
    owners: HashMap<&'a str, (ItemKind, Option<&'a str>)>,
    /// Components IT groups depend on (controllers, switches, witnesses): an agent may
    /// report them as members; nobody has to.
    components: BTreeSet<&'a str>,
    switch_inputs: HashMap<&'a str, Vec<&'a str>>,
    stale_s: f64,
    dead_s: f64,
    now_unix: f64,
}

/// Fold every agent's answer into one picture of the site at `now` (`now_unix` the same
/// moment on the wall clock).
pub fn merge(
    site: &Site,
    agents: &[AgentStatus],
    policy: &PollPolicy,
    now: Instant,
    now_unix: f64,
) -> Merged {
    let items = owners::items(site);
    let ctx = Ctx {
        owners: items.iter().map(|o| (o.id, (o.kind, o.agent))).collect(),
        components: owners::it_names(site),
        switch_inputs: site
            .elements
            .iter()
            .filter(|e| e.kind.is_selector())
            .map(|e| (e.id.as_str(), e.inputs.iter().map(String::as_str).collect()))
            .collect(),
        stale_s: policy.stale_after().as_secs_f64(),
        dead_s: policy.dead_after().as_secs_f64(),
        now_unix,
    };
    let mut m = Merged::default();
    // an agent the site names but nobody configured: its items stay unknown below, and
    // the verdict says so in one line
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for a in agents {
        let arrival_age = a.last_ok.map_or(f64::INFINITY, |t| {
            now.saturating_duration_since(t).as_secs_f64()
        });
        let Some(snap) = a.snapshot.as_deref() else {
            continue;
        };
        if snap.agent.id != a.name {
            m.problems.push(format!(
                "{}: answered as agent {:?}: a mis-wired address? its snapshot is not used",
                a.name, snap.agent.id
            ));
            continue;
        }
        if !snap.generated_at.is_finite() {
            m.problems.push(format!(
                "{}: snapshot has no usable generated_at: its readings cannot be dated",
                a.name
            ));
            continue;
        }
        // judged when the snapshot came: a 304 since then renews the data, not its date
        let received_age = a.received.map_or(arrival_age, |t| {
            now.saturating_duration_since(t).as_secs_f64()
        });
        let skew = snap.generated_at - (now_unix - received_age);
        if a.freshness == Freshness::Fresh && skew.abs() > SKEW_REPORT_S {
            let way = if skew > 0.0 { "ahead of" } else { "behind" };
            m.problems.push(format!(
                "{}: clock {} {way} this console's",
                a.name,
                age_text(skew.abs())
            ));
        }
        let usable = matches!(a.freshness, Freshness::Fresh | Freshness::Stale);
        read_snapshot(&ctx, &mut m, a, snap, arrival_age, usable, &mut seen);
    }
    // every owned item nobody reported usably
    for o in &items {
        if seen.contains(o.id) || o.agent.is_none() {
            continue;
        }
        mark_unknown(&mut m, o.id, o.kind, o.agent, None, None);
    }
    missing_problems(&mut m, agents, &items, &seen);
    m
}

fn read_snapshot<'a>(
    ctx: &Ctx,
    m: &mut Merged,
    a: &AgentStatus,
    snap: &'a Snapshot,
    arrival_age: f64,
    usable: bool,
    seen: &mut BTreeSet<&'a str>,
) {
    let reports = snap
        .elements
        .iter()
        .map(Rep::Element)
        .chain(snap.members.iter().map(Rep::Member))
        .chain(snap.tanks.iter().map(Rep::Tank));
    let mut this: BTreeSet<&str> = BTreeSet::new();
    for rep in reports {
        let id = rep.id();
        let word = rep.word();
        let owned = ctx.owners.get(id).filter(|(k, _)| rep.fits(*k));
        if let (Rep::Member(x), None) = (rep, owned)
            && ctx.components.contains(id)
        {
            // a component's own state: whoever sees it may say so
            if usable && x.state != MemberState::Ok {
                m.live.members.insert(id.to_string(), x.state);
                m.optimistic.members.insert(id.to_string(), x.state);
            }
            continue;
        }
        let Some(&(kind, owner)) = ctx.owners.get(id) else {
            // a part of an element this agent reports (a PDU's outlet): shown with it
            let mine = |u: &str| matches!(ctx.owners.get(u), Some(&(ItemKind::Element, o)) if o.is_none_or(|o| o == a.name));
            if matches!(rep, Rep::Member(_)) && super::unit_of(id, mine).is_some() {
                continue;
            }
            m.problems.push(format!(
                "{}: reports {word} {id} which the site does not have",
                a.name
            ));
            continue;
        };
        if !rep.fits(kind) {
            m.problems.push(format!(
                "{}: reports {id} as a {word}, but the site has it as a {kind}: ignored",
                a.name
            ));
            continue;
        }
        if let Some(o) = owner.filter(|o| *o != a.name) {
            m.problems.push(format!(
                "{}: reports {id}, which the site assigns to {o}: ignored",
                a.name
            ));
            continue;
        }
        if !this.insert(id) {
            m.problems
                .push(format!("{}: reports {id} twice: the first is used", a.name));
            continue;
        }
        seen.insert(id);
        let r = Reading { id, kind, rep };
        if rep.state().is_unknown() {
            // the agent answers but cannot read this item's source
            reported_unknown(m, a, id, kind);
            continue;
        }
        let observed_at = rep.observed_at();
        if !observed_at.is_finite() || observed_at > snap.generated_at + SKEW_ALLOWANCE_S {
            let why = if observed_at.is_finite() {
                "after its snapshot was made"
            } else {
                "not a time"
            };
            m.problems.push(format!(
                "{}: {id} dated {observed_at} ({why}): unknown",
                a.name
            ));
            mark_unknown(m, id, kind, Some(&a.name), Some(rep.state()), None);
            continue;
        }
        let age = (snap.generated_at - observed_at).max(0.0) + arrival_age;
        if !usable || age > ctx.dead_s {
            let last_seen = ctx.now_unix - age;
            mark_unknown(
                m,
                id,
                kind,
                Some(&a.name),
                Some(rep.state()),
                Some(last_seen),
            );
            use_reading(ctx, m, a, &r, false);
            continue;
        }
        if age > ctx.stale_s {
            m.stale.push(StaleItem {
                id: id.to_string(),
                agent: a.name.clone(),
                age_s: age,
            });
        }
        use_reading(ctx, m, a, &r, true);
        if let Some(t) = a.since.get(id) {
            m.since.insert(id.to_string(), *t);
        }
    }
}

/// Put a reading into the optimistic live state, and into the live one when it is usable.
fn use_reading(ctx: &Ctx, m: &mut Merged, a: &AgentStatus, r: &Reading, live: bool) {
    let targets: Vec<&mut LiveState> = if live {
        vec![&mut m.live, &mut m.optimistic]
    } else {
        vec![&mut m.optimistic]
    };
    let mut problem = None;
    for l in targets {
        set_state(l, r);
        match r.rep {
            Rep::Element(e) => {
                if let Some(x) = e.metrics.get("runtime_min") {
                    l.battery_runtime_min.insert(r.id.to_string(), x);
                }
                if let Some(p) = &e.position {
                    let known = ctx
                        .switch_inputs
                        .get(r.id)
                        .is_some_and(|ins| ins.contains(&p.as_str()));
                    if known {
                        l.positions.insert(r.id.to_string(), p.to_string());
                    } else {
                        problem = Some(format!(
                            "{}: reports {} on input {p}, which is not an input of that transfer switch",
                            a.name, r.id
                        ));
                    }
                }
            }
            Rep::Member(x) => {
                if let Some(Rebuild { progress, eta_min }) = x.rebuild {
                    l.rebuilds.insert(
                        r.id.to_string(),
                        Rebuild {
                            progress: progress.clamp(0.0, 1.0),
                            eta_min,
                        },
                    );
                }
            }
            Rep::Tank(t) => {
                let entry = TankLive {
                    state: t.state,
                    hours: t.hours,
                };
                let map = if r.kind == ItemKind::FuelTank {
                    &mut l.fuel_tanks
                } else {
                    &mut l.makeup_water
                };
                map.insert(r.id.to_string(), entry);
            }
        }
    }
    m.problems.extend(problem);
}

fn set_state(l: &mut LiveState, r: &Reading) {
    set_known(l, r.id, r.kind, r.rep.state());
}

fn set_known(l: &mut LiveState, id: &str, kind: ItemKind, state: ItemState) {
    match (kind, state) {
        (ItemKind::Element, ItemState::Element(s)) if s != ElementState::Ok => {
            l.elements.insert(id.to_string(), s);
        }
        (ItemKind::Member, ItemState::Member(s)) if s != MemberState::Ok => {
            l.members.insert(id.to_string(), s);
        }
        _ => {}
    }
}

/// An item its agent reports as `unknown`: unknown in the live state, and in the optimistic
/// bound at the last state the agent read for it (as designed if it never read one), never
/// unavailable there: unknown is not failed (docs/tier-rules.md, "Unknown").
fn reported_unknown(m: &mut Merged, a: &AgentStatus, id: &str, kind: ItemKind) {
    let last = a.last_known.get(id).copied();
    if let Some((state, _)) = last {
        set_known(&mut m.optimistic, id, kind, state);
    }
    mark_unknown(
        m,
        id,
        kind,
        Some(&a.name),
        last.map(|(s, _)| s),
        last.map(|(_, at)| at),
    );
}

/// Each item `snap` reports with its last known state: the one it reports now, or for an
/// item reported `unknown`, what `before` knew of it.
pub(super) fn last_known(
    before: &BTreeMap<String, (ItemState, f64)>,
    snap: &Snapshot,
) -> BTreeMap<String, (ItemState, f64)> {
    snap.elements
        .iter()
        .map(Rep::Element)
        .chain(snap.members.iter().map(Rep::Member))
        .chain(snap.tanks.iter().map(Rep::Tank))
        .filter_map(|rep| {
            let known = if rep.state().is_unknown() {
                before.get(rep.id()).copied()
            } else {
                Some((rep.state(), rep.observed_at()))
            };
            known.map(|k| (rep.id().to_string(), k))
        })
        .collect()
}

fn mark_unknown(
    m: &mut Merged,
    id: &str,
    kind: ItemKind,
    agent: Option<&str>,
    last: Option<ItemState>,
    last_seen: Option<f64>,
) {
    let unknown = ElementState::Unknown;
    match kind {
        ItemKind::Element => {
            m.live.elements.insert(id.to_string(), unknown);
        }
        ItemKind::Member => {
            m.live.members.insert(id.to_string(), MemberState::Unknown);
        }
        ItemKind::FuelTank | ItemKind::WaterTank => {
            let t = TankLive {
                state: unknown,
                hours: None,
            };
            let map = if kind == ItemKind::FuelTank {
                &mut m.live.fuel_tanks
            } else {
                &mut m.live.makeup_water
            };
            map.insert(id.to_string(), t);
        }
    }
    m.unknown.push(UnknownItem {
        id: id.to_string(),
        kind,
        agent: agent.map(String::from),
        last_state: last,
        last_seen,
    });
}

/// "ups-gw-a: did not report UPS-A3: unknown", one line per agent that answered.
fn missing_problems(
    m: &mut Merged,
    agents: &[AgentStatus],
    items: &[owners::Owned],
    seen: &BTreeSet<&str>,
) {
    let answered: BTreeMap<&str, bool> = agents
        .iter()
        .map(|a| {
            let ok = a.snapshot.as_ref().is_some_and(|s| s.agent.id == a.name)
                && matches!(a.freshness, Freshness::Fresh | Freshness::Stale);
            (a.name.as_str(), ok)
        })
        .collect();
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in items {
        if let Some(a) = o.agent
            && answered.get(a) == Some(&true)
            && !seen.contains(o.id)
        {
            missing.entry(a).or_default().push(o.id);
        }
    }
    for (a, ids) in missing {
        m.problems
            .push(format!("{a}: did not report {}: unknown", ids.join(", ")));
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
