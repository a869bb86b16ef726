//! Content checks for a parsed site or live overlay. Every problem is collected so an author
//! fixes a file in one pass, and each is located at the id or field it concerns. Every
//! check is a pass over the parsed data with indexed lookups: the cost grows linearly with
//! the file, however many problems it has.

use std::collections::{BTreeSet, HashMap};

mod elements;
mod groups;
mod index;
mod live;
mod locate;
mod position;
mod strings;

use super::load::SiteIssue;
use super::site::{Activation, Site};

pub(super) use live::live;
pub(super) use locate::Locator;
pub use locate::MAX_ISSUES;

pub(super) fn bad_number(v: f64, allow_zero: bool) -> bool {
    !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0)
}

/// Validate a site, folding its `edges` into element `inputs`.
pub(super) fn site(site: &mut Site, text: &str, file: &str) -> Vec<SiteIssue> {
    let mut loc = Locator::new(text, file);
    strings::check_site(site, &mut loc);
    fold_edges(site, &mut loc);
    let ids = check_ids(site, &mut loc);
    elements::check_elements(site, &ids, &mut loc);
    position::site(site, &mut loc);
    elements::check_loads(site, &mut loc);
    check_cycles(site, &mut loc);
    elements::check_tanks(site, &mut loc);
    groups::check(site, &mut loc);
    if bad_number(site.network_budget_s, true) {
        let at = loc.top_field("network_budget_s");
        loc.at(
            at,
            "network_budget_s must be a non-negative number of seconds".into(),
        );
    }
    if bad_number(site.required_hours, true) {
        let at = loc.top_field("required_hours");
        loc.at(
            at,
            "required_hours must be a non-negative number of hours".into(),
        );
    }
    loc.finish()
}

fn fold_edges(site: &mut Site, loc: &mut Locator) {
    let elements: HashMap<String, usize> = site
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let loads: HashMap<String, usize> = site
        .loads
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    for (from, to) in std::mem::take(&mut site.edges) {
        if !elements.contains_key(&from) {
            let off = loc.string(&from);
            loc.at(
                off,
                format!("edge ({from:?}, {to:?}): unknown element {from:?}"),
            );
            continue;
        }
        if let Some(&i) = elements.get(&to) {
            if let Some(e) = site.elements.get_mut(i) {
                e.inputs.push(from);
            }
        } else if let Some(&i) = loads.get(&to) {
            if let Some(l) = site.loads.get_mut(i) {
                l.inputs.push(from);
            }
        } else {
            let off = loc.string(&to);
            loc.at(
                off,
                format!("edge ({from:?}, {to:?}): unknown element or load {to:?}"),
            );
        }
    }
    for e in &mut site.elements {
        dedup_keep_order(&mut e.inputs);
    }
    for l in &mut site.loads {
        dedup_keep_order(&mut l.inputs);
    }
}

fn dedup_keep_order(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Every id in the site's one namespace, mapped to what declares it.
fn check_ids<'s>(site: &'s Site, loc: &mut Locator) -> HashMap<&'s str, &'static str> {
    let mut ids: HashMap<&str, &'static str> = HashMap::new();
    let mut declare = |id: &'s str, what: &'static str, loc: &mut Locator| {
        if id.trim().is_empty() {
            loc.at(None, format!("a {what} has an empty id"));
        } else if let Some(prev) = ids.get(id) {
            let decls = loc.declarations(id);
            let first = decls.first().map(|&o| loc.position(o));
            let off = decls.get(1).or(decls.first()).copied();
            let earlier = first.map_or(String::new(), |(l, c)| format!(" at line {l}:{c}"));
            loc.at(
                off,
                format!("duplicate id {id:?}: already used by a {prev}{earlier}"),
            );
        } else {
            ids.insert(id, what);
        }
    };
    for e in &site.elements {
        declare(&e.id, "element", loc);
    }
    for l in &site.loads {
        declare(&l.id, "load", loc);
    }
    for t in site.fuel_tanks.iter().chain(&site.makeup_water) {
        declare(&t.id, "tank", loc);
    }
    for r in &site.raid {
        declare(&r.id, "RAID array", loc);
        for m in r.members.iter().chain(&r.spares) {
            declare(m, "RAID member", loc);
        }
    }
    for b in &site.bonds {
        declare(&b.id, "bond", loc);
        for m in &b.members {
            declare(&m.id, "bond member", loc);
        }
    }
    for g in &site.bridges {
        declare(&g.id, "bridge group", loc);
        for m in &g.members {
            declare(&m.id, "uplink", loc);
        }
    }
    for g in &site.gateways {
        declare(&g.id, "gateway group", loc);
        for m in &g.members {
            declare(&m.id, "router", loc);
        }
    }
    for c in &site.clusters {
        declare(&c.id, "cluster", loc);
        for n in &c.nodes {
            declare(&n.id, "cluster node", loc);
        }
        if let Some(w) = &c.witness {
            declare(&w.id, "witness", loc);
        }
    }
    ids
}

/// A feed loop is allowed only through a manual tie (a normally-open cross-tie breaker or
/// valve); a loop of always-closed gear would back-feed itself and is a modelling error.
#[allow(
    clippy::indexing_slicing,
    reason = "every index is a position in site.elements (from enumerate or the id map built from it), and succ, colour and path are sized to it"
)]
fn check_cycles(site: &Site, loc: &mut Locator) {
    let n = site.elements.len();
    let index: HashMap<&str, usize> = site
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let tie = |i: usize| site.elements[i].activation == Activation::Manual;
    // successors over non-tie elements only
    let mut succ = vec![Vec::new(); n];
    for (v, e) in site.elements.iter().enumerate() {
        for input in &e.inputs {
            if let Some(&u) = index.get(input.as_str())
                && u != v
                && !tie(u)
                && !tie(v)
            {
                succ[u].push(v);
            }
        }
    }
    // iterative colour DFS; report each cycle once by its members. `depth` is a vertex's
    // place on the current path, so a back edge finds its cycle without a search.
    let mut colour = vec![0u8; n];
    let mut depth = vec![0usize; n];
    let mut reported = BTreeSet::new();
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        let mut path: Vec<usize> = vec![root];
        colour[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < succ[v].len() {
                let w = succ[v][*next];
                *next += 1;
                if colour[w] == 1 {
                    // naming a loop costs its length: past the issue cap, only count it
                    if loc.full() {
                        loc.at(None, String::new());
                        continue;
                    }
                    let mut members: Vec<&str> = path[depth[w]..]
                        .iter()
                        .map(|&i| site.elements[i].id.as_str())
                        .collect();
                    members.sort_unstable();
                    if reported.insert(members.join(",")) {
                        loc.at_decl(
                            members[0],
                            format!(
                                "feed loop through {} with no manual tie: a loop must pass through a normally-open (manual) element",
                                members.join(" -> ")
                            ),
                        );
                    }
                } else if colour[w] == 0 {
                    colour[w] = 1;
                    depth[w] = path.len();
                    stack.push((w, 0));
                    path.push(w);
                }
            } else {
                colour[v] = 2;
                stack.pop();
                path.pop();
            }
        }
    }
}
