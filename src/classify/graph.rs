//! The site as indices: who feeds whom, what each element depends on, which side of the
//! UPS it sits on. Built once per classification and shared by every scenario.
#![allow(
    clippy::indexing_slicing,
    reason = "every index is a position in site.elements or site.loads, taken from enumerate or from the id map built from them, and every per-element vector is sized to site.elements"
)]

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Kind, Site, Subsystem};

pub(crate) struct Ctx<'a> {
    pub site: &'a Site,
    ix: Cow<'a, Indices>,
}

impl std::ops::Deref for Ctx<'_> {
    type Target = Indices;
    fn deref(&self) -> &Indices {
        &self.ix
    }
}

/// What `Ctx` knows besides the site: it follows from the site alone, so a memo keeps it
/// from one classification of the same site to the next.
#[derive(Clone)]
pub(crate) struct Indices {
    pub inputs: Vec<Vec<usize>>,
    pub succ: Vec<Vec<usize>>,
    pub takes_down: Vec<Vec<usize>>,
    /// Each element with what its failure takes down, sorted: the removed set of its
    /// fault-tolerance scenario, looked up on every classification without building it.
    pub fails_with: Vec<Vec<usize>>,
    pub requires: Vec<Vec<Vec<usize>>>,
    /// Elements whose `requires` mention this one.
    pub dependents: Vec<Vec<usize>>,
    /// Power: reachable from a UPS (UPS included) on the installed graph. Only these
    /// protect a load, and only on this side must an `auto` element be sub-cycle.
    pub critical: Vec<bool>,
    /// Originates the resource: a source kind with nothing feeding it.
    pub source: Vec<bool>,
    pub load_inputs: Vec<Vec<usize>>,
    /// Transfer switches: the `preferred` input, as an element index.
    pub preferred: Vec<Option<usize>>,
    /// Each element's zone and each load's, numbered in order of first appearance among
    /// the elements (a load's zone that no element shares has none): compartments are
    /// counted by number, not by comparing names, on every classification.
    pub zone: Vec<Option<usize>>,
    pub load_zone: Vec<Option<usize>>,
    pub zones: usize,
    /// Each element's isolation group, numbered in the order of the groups' names (the
    /// order the maintenance checks and their findings come in).
    pub isolation: Vec<usize>,
    pub isolation_groups: usize,
    index: HashMap<String, usize, foldhash::fast::FixedState>,
}

impl<'a> Ctx<'a> {
    pub fn new(site: &'a Site) -> Self {
        Ctx {
            site,
            ix: Cow::Owned(Indices::of(site)),
        }
    }

    /// Over indices built earlier from the same site.
    pub fn with(site: &'a Site, ix: &'a Indices) -> Self {
        Ctx {
            site,
            ix: Cow::Borrowed(ix),
        }
    }

    /// The index of an element by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ix.index.get(id).copied()
    }

    pub fn sub(&self, e: usize) -> Subsystem {
        self.site.elements[e].kind.subsystem()
    }

    pub fn id(&self, e: usize) -> &'a str {
        &self.site.elements[e].id
    }

    pub fn kind(&self, e: usize) -> Kind {
        self.site.elements[e].kind
    }

    pub fn elements_of(&self, s: Subsystem) -> Vec<usize> {
        (0..self.site.elements.len())
            .filter(|&e| self.sub(e) == s)
            .collect()
    }

    pub fn loads_of(&self, s: Subsystem) -> Vec<usize> {
        (0..self.site.loads.len())
            .filter(|&l| self.site.loads[l].subsystem == s)
            .collect()
    }
}

impl Indices {
    pub fn of(site: &Site) -> Indices {
        let n = site.elements.len();
        let index: HashMap<String, usize, _> = site
            .elements
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let resolve = |ids: &[String]| -> Vec<usize> {
            ids.iter()
                .filter_map(|id| index.get(id.as_str()).copied())
                .collect()
        };
        let inputs: Vec<Vec<usize>> = site.elements.iter().map(|e| resolve(&e.inputs)).collect();
        let mut succ = vec![Vec::new(); n];
        for (v, ins) in inputs.iter().enumerate() {
            for &u in ins {
                succ[u].push(v);
            }
        }
        let takes_down: Vec<Vec<usize>> = site
            .elements
            .iter()
            .map(|e| resolve(&e.takes_down))
            .collect();
        let fails_with = takes_down
            .iter()
            .enumerate()
            .map(|(e, down)| {
                let mut set = down.clone();
                set.push(e);
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect();
        let requires: Vec<Vec<Vec<usize>>> = site
            .elements
            .iter()
            .map(|e| e.requires.iter().map(|c| resolve(c)).collect())
            .collect();
        let mut dependents = vec![Vec::new(); n];
        for (e, clauses) in requires.iter().enumerate() {
            for &r in clauses.iter().flatten() {
                if !dependents[r].contains(&e) {
                    dependents[r].push(e);
                }
            }
        }
        let mut critical = vec![false; n];
        let mut stack: Vec<usize> = (0..n)
            .filter(|&i| site.elements[i].kind == Kind::Ups)
            .collect();
        for &i in &stack {
            critical[i] = true;
        }
        while let Some(v) = stack.pop() {
            for &w in &succ[v] {
                if !critical[w] {
                    critical[w] = true;
                    stack.push(w);
                }
            }
        }
        let source = (0..n)
            .map(|i| site.elements[i].kind.is_source() && inputs[i].is_empty())
            .collect();
        let load_inputs = site.loads.iter().map(|l| resolve(&l.inputs)).collect();
        let preferred = site
            .elements
            .iter()
            .map(|e| e.preferred.as_deref().and_then(|p| index.get(p).copied()))
            .collect();
        let mut zone_ix: HashMap<&str, usize, foldhash::fast::FixedState> = HashMap::default();
        let zone = site
            .elements
            .iter()
            .map(|e| {
                let z = e.zone.as_deref()?;
                let next = zone_ix.len();
                Some(*zone_ix.entry(z).or_insert(next))
            })
            .collect();
        let load_zone = site
            .loads
            .iter()
            .map(|l| zone_ix.get(l.zone.as_deref()?).copied())
            .collect();
        let mut names: Vec<&str> = site.elements.iter().map(|e| e.isolation_group()).collect();
        names.sort_unstable();
        names.dedup();
        let isolation = site
            .elements
            .iter()
            .map(|e| names.binary_search(&e.isolation_group()).unwrap_or(0))
            .collect();
        Indices {
            isolation,
            isolation_groups: names.len(),
            zones: zone_ix.len(),
            zone,
            load_zone,
            inputs,
            succ,
            takes_down,
            fails_with,
            requires,
            dependents,
            critical,
            source,
            load_inputs,
            preferred,
            index,
        }
    }
}
