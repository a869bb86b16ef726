//! Transfer-switch positions: a `preferred` input in the site file, a `position` in the live
//! state. Either must name one of the switch's own inputs, and only switches have one.

use std::collections::HashMap;

use super::super::live::LiveState;
use super::super::site::{Element, Site};
use super::Locator;

fn check(e: &Element, input: &str, what: &str) -> Option<String> {
    if !e.kind.is_selector() {
        return Some(format!(
            "element {}: {what} {input:?} given, but a {} is not a transfer switch",
            e.id,
            e.kind.name()
        ));
    }
    (!e.inputs.iter().any(|i| i == input)).then(|| {
        format!(
            "element {}: {what} {input:?} is not one of its inputs ({})",
            e.id,
            e.inputs.join(", ")
        )
    })
}

/// `preferred` of every element of a site (after `edges` are folded into `inputs`).
pub(super) fn site(site: &Site, loc: &mut Locator) {
    for e in &site.elements {
        if let Some(p) = &e.preferred
            && let Some(msg) = check(e, p, "preferred input")
        {
            loc.at_ref(&e.id, p, msg);
        }
    }
}

/// `positions` of a live overlay.
pub(super) fn live(live: &LiveState, site: &Site, loc: &mut Locator) {
    let by_id: HashMap<&str, &Element> = site.elements.iter().map(|e| (e.id.as_str(), e)).collect();
    for (id, input) in &live.positions {
        let off = loc.key("positions", id);
        match by_id.get(id.as_str()) {
            None => loc.at(off, format!("element {id:?} is not in site {}", site.name)),
            Some(e) => {
                if let Some(msg) = check(e, input, "position") {
                    loc.at(off, msg);
                }
            }
        }
    }
}
