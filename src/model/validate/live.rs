//! Checks of a live-state overlay against its site: every id it names must exist.

use std::collections::BTreeSet;

use super::super::live::LiveState;
use super::super::load::SiteIssue;
use super::super::site::Site;
use super::{Locator, bad_number};

/// Every id a live overlay names must exist in the site.
pub(in crate::model) fn live(
    live: &LiveState,
    site: &Site,
    text: &str,
    file: &str,
) -> Vec<SiteIssue> {
    let mut loc = Locator::new(text, file);
    let elements: BTreeSet<&str> = site.elements.iter().map(|e| e.id.as_str()).collect();
    let fuel: BTreeSet<&str> = site.fuel_tanks.iter().map(|t| t.id.as_str()).collect();
    let water: BTreeSet<&str> = site.makeup_water.iter().map(|t| t.id.as_str()).collect();
    let unknown = |id: &str, what: &str, loc: &mut Locator| {
        let off = loc.text.find(&format!("\"{id}\""));
        loc.at(off, format!("{what} {id:?} is not in site {}", site.name));
    };
    for id in live
        .elements
        .keys()
        .chain(&live.engaged)
        .chain(live.battery_runtime_min.keys())
    {
        if !elements.contains(id.as_str()) {
            unknown(id, "element", &mut loc);
        }
    }
    for id in live.fuel_tanks.keys() {
        if !fuel.contains(id.as_str()) {
            unknown(id, "fuel tank", &mut loc);
        }
    }
    for id in live.makeup_water.keys() {
        if !water.contains(id.as_str()) {
            unknown(id, "makeup-water tank", &mut loc);
        }
    }
    let known = crate::model::owners::it_names(site);
    for id in live.members.keys().chain(live.rebuilds.keys()) {
        if !known.contains(id.as_str()) && !elements.contains(id.as_str()) {
            unknown(id, "IT member or component", &mut loc);
        }
    }
    for (id, r) in &live.rebuilds {
        if !(0.0..=1.0).contains(&r.progress) {
            let off = loc.text.find(&format!("\"{id}\""));
            loc.at(
                off,
                format!(
                    "rebuild {id}: progress must be 0.0..=1.0, got {}",
                    r.progress
                ),
            );
        }
    }
    for (id, m) in &live.battery_runtime_min {
        if bad_number(*m, true) {
            let off = loc.text.find(&format!("\"{id}\""));
            loc.at(
                off,
                format!("battery runtime of {id} must be >= 0 minutes, got {m}"),
            );
        }
    }
    for (id, t) in live.fuel_tanks.iter().chain(&live.makeup_water) {
        if let Some(h) = t.hours
            && bad_number(h, true)
        {
            let off = loc.text.find(&format!("\"{id}\""));
            loc.at(off, format!("tank {id}: hours must be >= 0, got {h}"));
        }
    }
    super::position::live(live, site, &mut loc);
    loc.issues
}
