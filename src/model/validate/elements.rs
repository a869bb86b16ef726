//! Checks of elements, loads and tanks: numbers in range, references that resolve, inputs
//! from the element's own subsystem. Each problem is located at the field it concerns.

use std::collections::HashMap;

use super::super::site::{Kind, Site};
use super::{Locator, bad_number};

pub(super) fn check_elements(site: &Site, ids: &HashMap<&str, &'static str>, loc: &mut Locator) {
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
            loc.at_field(
                &e.id,
                "capacity",
                format!(
                    "element {}: capacity must be a positive number, got {c}",
                    e.id
                ),
            );
        }
        if let Some(t) = e.transfer_s
            && bad_number(t, true)
        {
            loc.at_field(
                &e.id,
                "transfer_s",
                format!("element {}: transfer_s must be >= 0 seconds, got {t}", e.id),
            );
        }
        for (field, v) in [("mtbf_h", e.mtbf_h), ("mttr_h", e.mttr_h)] {
            if let Some(h) = v
                && bad_number(h, false)
            {
                loc.at_field(
                    &e.id,
                    field,
                    format!(
                        "element {}: {field} must be a positive number of hours, got {h}",
                        e.id
                    ),
                );
            }
        }
        if e.rating.is_some() && e.kind != Kind::Generator {
            loc.at_field(
                &e.id,
                "rating",
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
                    let what = ids.get(input.as_str()).map_or(String::new(), |w| format!(" (that is a {w})"));
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
            if t == &e.id {
                loc.at_field(
                    &e.id,
                    "takes_down",
                    format!(
                        "element {}: takes_down names the element itself (its own failure is always counted)",
                        e.id
                    ),
                );
            } else if !by_id.contains_key(t.as_str()) {
                loc.at_ref(
                    &e.id,
                    t,
                    format!("element {}: takes_down names unknown element {t:?}", e.id),
                );
            }
        }
        for clause in &e.requires {
            if clause.is_empty() {
                loc.at_field(
                    &e.id,
                    "requires",
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

pub(super) fn check_loads(site: &Site, loc: &mut Locator) {
    let by_id: HashMap<&str, Kind> = site
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.kind))
        .collect();
    for l in &site.loads {
        if bad_number(l.demand, false) {
            loc.at_field(
                &l.id,
                "demand",
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

pub(super) fn check_tanks(site: &Site, loc: &mut Locator) {
    for t in site.fuel_tanks.iter().chain(&site.makeup_water) {
        if bad_number(t.hours_at_n, true) {
            loc.at_field(
                &t.id,
                "hours_at_n",
                format!(
                    "tank {}: hours_at_n must be >= 0, got {}",
                    t.id, t.hours_at_n
                ),
            );
        }
    }
}
