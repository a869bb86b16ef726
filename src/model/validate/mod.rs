//! Content checks for a parsed site or live overlay. Every problem is collected so an author
//! fixes a file in one pass, and each is located at the id it concerns.

use std::collections::{BTreeMap, BTreeSet, HashMap};

mod groups;
mod live;
mod position;

use super::load::SiteIssue;
use super::site::{Activation, Kind, Site};

pub(super) use live::live;

/// Finds where ids appear in the source text, so semantic errors get a line and column.
pub(super) struct Locator<'a> {
    pub(super) text: &'a str,
    file: &'a str,
    pub(super) issues: Vec<SiteIssue>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(text: &'a str, file: &'a str) -> Self {
        Locator {
            text,
            file,
            issues: Vec::new(),
        }
    }

    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rfind('\n')
            .map_or(before.len(), |nl| before.len() - nl - 1)
            + 1;
        (line, col)
    }

    /// Offsets of every `id: "x"` declaration of `id`.
    pub(super) fn declarations(&self, id: &str) -> Vec<usize> {
        let quoted = format!("\"{id}\"");
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(rel) = self.text[from..].find(&quoted) {
            let at = from + rel;
            let head = self.text[..at].trim_end();
            if head.ends_with(':') && head[..head.len() - 1].trim_end().ends_with("id") {
                found.push(at);
            }
            from = at + quoted.len();
        }
        found
    }

    /// The first quoted `target` after the declaration of `owner`.
    pub(super) fn reference(&self, owner: &str, target: &str) -> Option<usize> {
        let start = self.declarations(owner).first().copied().unwrap_or(0);
        let quoted = format!("\"{target}\"");
        self.text[start..].find(&quoted).map(|rel| start + rel)
    }

    pub(super) fn at(&mut self, offset: Option<usize>, message: String) {
        let (line, col) = offset.map_or((1, 1), |o| self.position(o));
        self.issues.push(SiteIssue {
            file: self.file.to_string(),
            line,
            col,
            message,
        });
    }

    pub(super) fn at_decl(&mut self, id: &str, message: String) {
        let off = self.declarations(id).first().copied();
        self.at(off, message);
    }

    pub(super) fn at_ref(&mut self, owner: &str, target: &str, message: String) {
        let off = self.reference(owner, target);
        self.at(off, message);
    }
}

pub(super) fn bad_number(v: f64, allow_zero: bool) -> bool {
    !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0)
}

/// Validate a site, folding its `edges` into element `inputs`.
pub(super) fn site(site: &mut Site, text: &str, file: &str) -> Vec<SiteIssue> {
    let mut loc = Locator::new(text, file);
    fold_edges(site, &mut loc);
    let ids = check_ids(site, &mut loc);
    check_elements(site, &ids, &mut loc);
    position::site(site, &mut loc);
    check_loads(site, &mut loc);
    check_cycles(site, &mut loc);
    check_tanks(site, &mut loc);
    groups::check(site, &mut loc);
    if !site.network_budget_s.is_finite() || site.network_budget_s < 0.0 {
        loc.at(
            None,
            "network_budget_s must be a non-negative number of seconds".into(),
        );
    }
    if bad_number(site.required_hours, true) {
        loc.at(
            None,
            "required_hours must be a non-negative number of hours".into(),
        );
    }
    loc.issues
}

fn fold_edges(site: &mut Site, loc: &mut Locator) {
    let index: HashMap<String, usize> = site
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    for (from, to) in std::mem::take(&mut site.edges) {
        if !index.contains_key(&from) {
            let off = loc.text.find(&format!("\"{from}\""));
            loc.at(
                off,
                format!("edge ({from:?}, {to:?}): unknown element {from:?}"),
            );
            continue;
        }
        match index.get(&to).and_then(|&i| site.elements.get_mut(i)) {
            Some(e) => e.inputs.push(from),
            None => match site.loads.iter_mut().find(|l| l.id == to) {
                Some(l) => l.inputs.push(from),
                None => {
                    let off = loc.text.find(&format!("\"{to}\""));
                    loc.at(
                        off,
                        format!("edge ({from:?}, {to:?}): unknown element or load {to:?}"),
                    );
                }
            },
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
fn check_ids(site: &Site, loc: &mut Locator) -> BTreeMap<String, &'static str> {
    let mut ids: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut declare = |id: &str, what: &'static str, loc: &mut Locator| {
        if id.trim().is_empty() {
            loc.at(None, format!("a {what} has an empty id"));
        } else if let Some(prev) = ids.get(id) {
            let decls = loc.declarations(id);
            let off = decls.get(1).or(decls.first()).copied();
            loc.at(
                off,
                format!("duplicate id {id:?}: already used by a {prev}"),
            );
        } else {
            ids.insert(id.to_string(), what);
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

fn check_elements(site: &Site, ids: &BTreeMap<String, &'static str>, loc: &mut Locator) {
    let by_id: HashMap<&str, Kind> = site
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.kind))
        .collect();
    for e in &site.elements {
        let sub = e.subsystem();
        if let Some(c) = e.capacity
            && bad_number(c, false)
        {
            loc.at_decl(
                &e.id,
                format!(
                    "element {}: capacity must be a positive number, got {c}",
                    e.id
                ),
            );
        }
        if let Some(t) = e.transfer_s
            && bad_number(t, true)
        {
            loc.at_decl(
                &e.id,
                format!("element {}: transfer_s must be >= 0 seconds, got {t}", e.id),
            );
        }
        if e.rating.is_some() && e.kind != Kind::Generator {
            loc.at_decl(
                &e.id,
                format!("element {}: rating applies to generators only", e.id),
            );
        }
        if e.kind == Kind::Generator && e.capacity.is_none() {
            loc.at_decl(
                &e.id,
                format!("element {}: a generator needs a capacity", e.id),
            );
        }
        for input in &e.inputs {
            match by_id.get(input.as_str()) {
                None => {
                    let what = ids.get(input).map_or(String::new(), |w| format!(" (that is a {w})"));
                    loc.at_ref(&e.id, input, format!("element {}: unknown input {input:?}{what}", e.id));
                }
                Some(k) if k.subsystem() != sub => loc.at_ref(
                    &e.id,
                    input,
                    format!(
                        "element {}: input {input} is {} equipment but {} is {}; use `requires` for cross-subsystem dependencies",
                        e.id,
                        k.subsystem().name(),
                        e.id,
                        sub.name()
                    ),
                ),
                Some(_) if input == &e.id => {
                    loc.at_ref(&e.id, input, format!("element {} feeds itself", e.id))
                }
                Some(_) => {}
            }
        }
        for t in &e.takes_down {
            if !by_id.contains_key(t.as_str()) {
                loc.at_ref(
                    &e.id,
                    t,
                    format!("element {}: takes_down names unknown element {t:?}", e.id),
                );
            }
        }
        for clause in &e.requires {
            if clause.is_empty() {
                loc.at_decl(
                    &e.id,
                    format!(
                        "element {}: an empty `requires` clause can never hold",
                        e.id
                    ),
                );
            }
            for r in clause {
                if !by_id.contains_key(r.as_str()) {
                    loc.at_ref(
                        &e.id,
                        r,
                        format!("element {}: requires unknown element {r:?}", e.id),
                    );
                }
            }
        }
    }
}

fn check_loads(site: &Site, loc: &mut Locator) {
    let by_id: HashMap<&str, Kind> = site
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.kind))
        .collect();
    for l in &site.loads {
        if bad_number(l.demand, false) {
            loc.at_decl(
                &l.id,
                format!(
                    "load {}: demand must be a positive number, got {}",
                    l.id, l.demand
                ),
            );
        }
        if l.inputs.is_empty() {
            loc.at_decl(
                &l.id,
                format!("load {}: has no inputs (cords, coils or uplinks)", l.id),
            );
        }
        for input in &l.inputs {
            match by_id.get(input.as_str()) {
                None => loc.at_ref(
                    &l.id,
                    input,
                    format!("load {}: unknown input {input:?}", l.id),
                ),
                Some(k) if k.subsystem() != l.subsystem => loc.at_ref(
                    &l.id,
                    input,
                    format!(
                        "load {}: input {input} is {} equipment but the load is {}",
                        l.id,
                        k.subsystem().name(),
                        l.subsystem.name()
                    ),
                ),
                Some(_) => {}
            }
        }
    }
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
    // iterative colour DFS; report each cycle once by its smallest member
    let mut colour = vec![0u8; n];
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
                    let start = path.iter().position(|&p| p == w).unwrap_or(0);
                    let mut members: Vec<&str> = path[start..]
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

fn check_tanks(site: &Site, loc: &mut Locator) {
    for t in site.fuel_tanks.iter().chain(&site.makeup_water) {
        if bad_number(t.hours_at_n, true) {
            loc.at_decl(
                &t.id,
                format!(
                    "tank {}: hours_at_n must be >= 0, got {}",
                    t.id, t.hours_at_n
                ),
            );
        }
    }
}
