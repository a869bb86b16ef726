//! Redundancy labels (N, N+1, 2N, 2(N+1) …) derived from units, capacities and demand,
//! never stored (docs/tier-rules.md §1.1). Units of one kind on a common bus form a group; groups
//! that each carry the same loads form independent systems.
#![allow(
    clippy::indexing_slicing,
    reason = "element and load indices come from the Ctx built from the same site (an output n + l stands for load l), union-find parents are positions in 0..n, and every group has at least one member"
)]

use std::collections::BTreeMap;

use super::graph::Ctx;
use super::report::RedundancyGroup;
use crate::model::{Kind, Subsystem};

/// How many of the largest units can go while the rest still carry `demand`; -1 if even
/// all of them fall short.
fn tolerance(mut caps: Vec<f64>, demand: f64) -> i32 {
    caps.sort_by(|a, b| b.total_cmp(a));
    let mut rest: f64 = caps.iter().sum();
    if rest + 1e-9 < demand {
        return -1;
    }
    let mut t = 0;
    for c in caps {
        rest -= c;
        if rest + 1e-9 < demand {
            break;
        }
        t += 1;
    }
    t
}

fn n_plus(x: i32) -> String {
    match x {
        i32::MIN..=-1 => "below N".to_string(),
        0 => "N".to_string(),
        x => format!("N+{x}"),
    }
}

/// Label of `m` systems that each carry the whole load, the weakest with `x` spares.
fn label(m: usize, x: i32) -> String {
    match (m, x) {
        (0, _) => "below N".to_string(),
        (1, x) => n_plus(x),
        (m, 0) => format!("{m}N"),
        (m, x) => format!("{m}(N+{x})"),
    }
}

/// Ordering of labels from weakest up: more systems first, then more spares.
fn strength(m: usize, x: i32) -> (usize, i32) {
    if m == 0 { (0, -1) } else { (m, x) }
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

pub(crate) struct Labels {
    pub groups: Vec<RedundancyGroup>,
    pub design: String,
    pub live: String,
}

/// A subsystem's units grouped into systems by the loads they carry: this follows from the
/// site alone, so a memo keeps it and a poll only re-counts what is out.
pub(crate) struct Systems {
    /// Per kind and reachable load set (in that order): the demand of those loads and the
    /// parallel systems that each carry them.
    sets: Vec<(&'static str, f64, Vec<Vec<usize>>)>,
}

/// Group `sub`'s units: units of one kind on a common bus form a group; groups reaching the
/// same loads are parallel systems.
pub(crate) fn systems(ctx: &Ctx, sub: Subsystem) -> Systems {
    let site = ctx.site;
    let n = site.elements.len();
    let units: Vec<usize> = ctx
        .elements_of(sub)
        .into_iter()
        .filter(|&e| {
            let k = ctx.kind(e);
            k.is_capacity_component() && k != Kind::Utility && site.elements[e].capacity.is_some()
        })
        .collect();
    // outputs of each element: successor elements, and loads (as n + l)
    let mut outputs: Vec<Vec<usize>> = ctx.succ.clone();
    for (l, ins) in ctx.load_inputs.iter().enumerate() {
        for &e in ins {
            outputs[e].push(n + l);
        }
    }
    let mut parent: Vec<usize> = (0..n).collect();
    let mut first_on_bus: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for &u in &units {
        for &o in &outputs[u] {
            match first_on_bus.get(&(o, ctx.kind(u).name())) {
                Some(&v) => {
                    let (a, b) = (find(&mut parent, u), find(&mut parent, v));
                    parent[a] = b;
                }
                None => {
                    first_on_bus.insert((o, ctx.kind(u).name()), u);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &u in &units {
        groups.entry(find(&mut parent, u)).or_default().push(u);
    }
    // loads each group can reach, for its demand and to find parallel systems; a stamp per
    // group instead of a fresh visited set keeps this linear in groups times what they reach
    let mut sets: BTreeMap<(&'static str, Vec<usize>), Vec<Vec<usize>>> = BTreeMap::new();
    let mut seen = vec![usize::MAX; n];
    for (k, members) in groups.into_values().enumerate() {
        let mut stack = members.clone();
        let mut loads = Vec::new();
        while let Some(v) = stack.pop() {
            for &o in &outputs[v] {
                if o >= n {
                    loads.push(o - n);
                } else if seen[o] != k {
                    seen[o] = k;
                    stack.push(o);
                }
            }
        }
        loads.sort_unstable();
        loads.dedup();
        loads.retain(|&l| site.loads[l].subsystem == sub);
        sets.entry((ctx.kind(members[0]).name(), loads))
            .or_default()
            .push(members);
    }
    Systems {
        sets: sets
            .into_iter()
            .map(|((kind, loads), systems)| {
                let demand: f64 = loads.iter().map(|&l| site.loads[l].demand).sum();
                (kind, demand, systems)
            })
            .collect(),
    }
}

/// The labels of `systems` with `design_out` and `unavailable` counting for nothing.
pub(crate) fn labels(
    ctx: &Ctx,
    systems: &Systems,
    design_out: &[bool],
    unavailable: &[bool],
) -> Labels {
    let site = ctx.site;
    let mut out = Vec::new();
    let mut weakest: Option<((usize, i32), String, String)> = None;
    let mut weakest_live: Option<((usize, i32), String)> = None;
    for (kind, demand, systems) in &systems.sets {
        let (kind, demand) = (*kind, *demand);
        let cap = |e: &usize| site.elements[*e].capacity.unwrap_or(0.0);
        let design_x: Vec<i32> = systems
            .iter()
            .map(|m| {
                tolerance(
                    m.iter().filter(|&&e| !design_out[e]).map(cap).collect(),
                    demand,
                )
            })
            .collect();
        let live_x: Vec<i32> = systems
            .iter()
            .map(|m| {
                tolerance(
                    m.iter().filter(|&&e| !unavailable[e]).map(cap).collect(),
                    demand,
                )
            })
            .collect();
        let summarise = |xs: &[i32]| {
            let alive: Vec<i32> = xs.iter().copied().filter(|&x| x >= 0).collect();
            let x = alive.iter().copied().min().unwrap_or(-1);
            (alive.len(), x)
        };
        let (dm, dx) = summarise(&design_x);
        let (lm, lx) = summarise(&live_x);
        let (dl, ll) = (label(dm, dx), label(lm, lx));
        if weakest
            .as_ref()
            .is_none_or(|(k, _, _)| strength(dm, dx) < *k)
        {
            weakest = Some((strength(dm, dx), dl.clone(), ll.clone()));
        }
        if weakest_live
            .as_ref()
            .is_none_or(|(k, _)| strength(lm, lx) < *k)
        {
            weakest_live = Some((strength(lm, lx), ll.clone()));
        }
        for (members, x) in systems.iter().zip(&design_x) {
            let available = members.iter().filter(|&&e| !unavailable[e]).count() as u32;
            let usable = members.iter().filter(|&&e| !design_out[e]).count() as u32;
            let installed = members.len() as u32;
            out.push(RedundancyGroup {
                kind: kind.to_string(),
                units: members.iter().map(|&e| ctx.id(e).to_string()).collect(),
                demand,
                need: if *x < 0 {
                    installed + 1
                } else {
                    usable.saturating_sub(*x as u32)
                },
                installed,
                available,
                design_label: dl.clone(),
                live_label: ll.clone(),
            });
        }
    }
    let design = weakest.as_ref().map_or("n/a".to_string(), |w| w.1.clone());
    let live = weakest_live.map_or("n/a".to_string(), |w| w.1);
    Labels {
        groups: out,
        design,
        live,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_removes_largest_first() {
        assert_eq!(tolerance(vec![200.0, 200.0, 200.0], 400.0), 1);
        assert_eq!(tolerance(vec![300.0, 100.0, 100.0], 200.0), 1);
        assert_eq!(tolerance(vec![100.0, 100.0], 200.0), 0);
        assert_eq!(tolerance(vec![100.0], 200.0), -1);
        assert_eq!(tolerance(vec![], 0.0), 0);
    }

    #[test]
    fn labels_read_like_the_trade_writes_them() {
        assert_eq!(label(1, 1), "N+1");
        assert_eq!(label(1, 0), "N");
        assert_eq!(label(2, 0), "2N");
        assert_eq!(label(2, 1), "2(N+1)");
        assert_eq!(label(0, -1), "below N");
        assert!(strength(2, 0) > strength(1, 1));
        assert!(strength(1, 1) > strength(1, 0));
        assert!(strength(1, 0) > strength(0, -1));
    }
}
