//! Checks of a live-state overlay against its site: every id it names must exist, in the
//! map for its kind; every number must be finite and in range; no key may be written twice.
//! An overlay that says something the console would silently drop or misread is refused.

use std::collections::{HashMap, HashSet};

use super::super::live::LiveState;
use super::super::load::SiteIssue;
use super::super::site::{Activation, Kind, Site};
use super::super::text::shown;
use super::{Locator, bad_number};

/// What a site calls an id a live overlay might name.
#[derive(Clone, Copy, PartialEq)]
enum Known {
    Element(Kind, Activation),
    /// An IT-group member, or a component IT members depend on (`via`, `shared`, ...).
    It,
}

/// Every id a live overlay names must exist in the site, under the right map.
pub(in crate::model) fn live(
    live: &LiveState,
    site: &Site,
    text: &str,
    file: &str,
) -> Vec<SiteIssue> {
    let mut loc = Locator::new(text, file);
    for d in loc.duplicates().to_vec() {
        let (l, c) = loc.position(d.first);
        let field = d.field.unwrap_or("a map");
        loc.at(
            Some(d.again),
            format!(
                "duplicate key {:?} in {field} (first at line {l}:{c}): only one value can hold",
                shown(&d.key, 40)
            ),
        );
    }
    let mut known: HashMap<&str, Known> = HashMap::new();
    for id in crate::model::owners::it_names(site) {
        known.insert(id, Known::It);
    }
    // a site element that is also a `via` of an IT member is an element first
    for e in &site.elements {
        known.insert(&e.id, Known::Element(e.kind, e.activation));
    }
    let fuel: HashSet<&str> = site.fuel_tanks.iter().map(|t| t.id.as_str()).collect();
    let water: HashSet<&str> = site.makeup_water.iter().map(|t| t.id.as_str()).collect();
    let site_name = &site.name;
    for id in live.elements.keys() {
        let at = loc.key("elements", id);
        match known.get(id.as_str()) {
            Some(Known::Element(..)) => {}
            Some(Known::It) => loc.at(
                at,
                format!(
                    "{id} is an IT member or component, not an element: write it under `members`"
                ),
            ),
            None => loc.at(
                at,
                format!("element {:?} is not in site {site_name}", shown(id, 40)),
            ),
        }
    }
    for id in &live.engaged {
        let at = loc.string_in("engaged", id);
        match known.get(id.as_str()) {
            Some(Known::Element(_, Activation::Manual)) => {}
            Some(Known::Element(..)) => loc.at(at,
                format!("engaged names {id}, which is not a manual element: only a normally-open tie can be engaged"),
            ),
            _ => loc.at(at,
                format!("engaged element {:?} is not in site {site_name}", shown(id, 40)),
            ),
        }
    }
    for (id, &m) in &live.battery_runtime_min {
        let at = loc.key("battery_runtime_min", id);
        match known.get(id.as_str()) {
            Some(Known::Element(Kind::Ups, _)) => {}
            Some(Known::Element(kind, _)) => loc.at(
                at,
                format!(
                    "battery runtime given for {id}, a {}: only a UPS has one",
                    kind.name()
                ),
            ),
            _ => loc.at(
                at,
                format!("UPS {:?} is not in site {site_name}", shown(id, 40)),
            ),
        }
        if bad_number(m, true) {
            loc.at(
                at,
                format!("battery runtime of {id} must be >= 0 minutes, got {m}"),
            );
        }
    }
    for (field, tanks, what) in [
        ("fuel_tanks", &live.fuel_tanks, (&fuel, "fuel tank")),
        (
            "makeup_water",
            &live.makeup_water,
            (&water, "makeup-water tank"),
        ),
    ] {
        for (id, t) in tanks {
            let at = loc.key(field, id);
            if !what.0.contains(id.as_str()) {
                let message = format!("{} {:?} is not in site {site_name}", what.1, shown(id, 40));
                loc.at(at, message);
            }
            if let Some(h) = t.hours
                && bad_number(h, true)
            {
                loc.at(at, format!("tank {id}: hours must be >= 0, got {h}"));
            }
        }
    }
    for (field, ids) in [
        ("members", live.members.keys().collect::<Vec<_>>()),
        ("rebuilds", live.rebuilds.keys().collect()),
    ] {
        for id in ids {
            let at = loc.key(field, id);
            match known.get(id.as_str()) {
                Some(Known::It) => {}
                Some(Known::Element(..)) if field == "members" => loc.at(
                    at,
                    format!("{id} is a site element, not an IT member: write it under `elements`"),
                ),
                _ => loc.at(
                    at,
                    format!(
                        "IT member or component {:?} is not in site {site_name}",
                        shown(id, 40)
                    ),
                ),
            }
        }
    }
    for (id, r) in &live.rebuilds {
        let at = loc.key("rebuilds", id);
        if !(0.0..=1.0).contains(&r.progress) {
            let message = format!(
                "rebuild {id}: progress must be 0.0..=1.0, got {}",
                r.progress
            );
            loc.at(at, message);
        }
        if let Some(eta) = r.eta_min
            && bad_number(eta, true)
        {
            let message = format!("rebuild {id}: eta_min must be >= 0 minutes, got {eta}");
            loc.at(at, message);
        }
    }
    super::position::live(live, site, &mut loc);
    loc.finish()
}
