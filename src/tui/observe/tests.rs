#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};

use super::dependents;
use crate::model::{Id, Site};

/// The walk as it was first written: from each load separately, looking every id up in
/// the site. Slow (quadratic), but plainly right; the numbered walk must say the same.
fn reference(site: &Site) -> BTreeMap<Id, Vec<Id>> {
    let mut out: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for load in &site.loads {
        let mut seen: BTreeSet<&Id> = BTreeSet::new();
        let mut stack: Vec<&Id> = load.inputs.iter().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            if let Some(e) = site.element(id) {
                stack.extend(site.inputs_of(e));
            }
        }
        for id in seen {
            out.entry(id.clone()).or_default().push(load.id.clone());
        }
    }
    out
}

#[test]
fn dependents_match_the_plain_walk_on_the_demo_site() {
    let site = crate::demo::site().unwrap_or_else(|e| panic!("{e}"));
    let got = dependents(&site);
    assert!(!got.is_empty());
    assert_eq!(got, reference(&site));
}

#[test]
fn dependents_match_the_plain_walk_on_every_worked_example() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // live overlays sit beside the sites; only sites load as sites
        let Ok(site) = crate::model::parse_site(&text, &path.display().to_string()) else {
            continue;
        };
        assert_eq!(dependents(&site), reference(&site), "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} sites");
}

#[test]
fn dependents_match_the_plain_walk_on_generated_campuses_and_odd_graphs() {
    use crate::model::synth::{HallShape, campus, shared_yard};
    for site in [
        campus(3, HallShape::default()),
        shared_yard(3, HallShape::default()),
    ] {
        assert_eq!(dependents(&site), reference(&site), "{}", site.name);
    }
    // a cycle through a tie, a dangling input, a duplicate id (the first one counts)
    let mut site = campus(1, HallShape::default());
    site.elements[3].inputs.push("H1-UPS-A1".into());
    site.elements[4].inputs.push("NOT-THERE".into());
    let mut dup = site.elements[5].clone();
    dup.inputs = vec!["H1-CH1".into()];
    site.elements.push(dup);
    site.loads[0].inputs.push("ALSO-NOT-THERE".into());
    let got = dependents(&site);
    assert!(got.contains_key("NOT-THERE") && got.contains_key("ALSO-NOT-THERE"));
    assert_eq!(got, reference(&site));
}
