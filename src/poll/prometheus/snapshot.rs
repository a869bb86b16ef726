//! One agent's snapshot back from its series: the state sets, ages, figures, positions,
//! rebuilds and flags Prometheus holds for one target, as of that target's last scrape.
//! An item that cannot be read back is left out (so it is unknown) and said why.

use std::collections::BTreeMap;

use smol_str::SmolStr;

use super::answer::{Labels, Sample};
use crate::api::{
    AgentInfo, ElementReport, MemberReport, Metrics, SCHEMA_VERSION, Snapshot, TankReport,
};
use crate::model::{ElementState, MemberState, Rebuild, text};
use crate::openmetrics::figures::{KNOWN, exposed};

fn label<'s>(l: &'s Labels, key: &str) -> Option<&'s str> {
    l.get(key).map(String::as_str)
}

/// One item's series, gathered.
#[derive(Default)]
struct Item {
    states: Vec<(String, f64)>,
    age: Option<f64>,
    /// By name: series come in no promised order, and a figure list that reorders
    /// between readings would make the faces flicker.
    metrics: BTreeMap<String, f64>,
    flags: Vec<SmolStr>,
    position: Option<SmolStr>,
    progress: Option<f64>,
    eta_s: Option<f64>,
    tank_s: Option<f64>,
}

/// The item kinds a series can be about, by the label that names the item.
const KEYS: [&str; 3] = ["element", "member", "tank"];

/// The snapshot agent `name` served, as of its scrape at `at`, and the items that could
/// not be read back (each naming the item).
pub fn snapshot(name: &str, series: &[&Sample], at: f64) -> (Snapshot, Vec<String>) {
    let mut items: [BTreeMap<String, Item>; 3] = Default::default();
    let mut generated_at = f64::NAN;
    let mut info = AgentInfo {
        id: name.to_string(),
        version: String::new(),
        hostname: None,
    };
    let mut errors = Vec::new();
    for s in series {
        let l = &s.labels;
        let metric = label(l, "__name__").unwrap_or_default();
        match metric {
            "redcon_agent_info" => {
                info.version = label(l, "version").unwrap_or_default().to_string();
                info.hostname = label(l, "hostname")
                    .filter(|h| !h.is_empty())
                    .map(String::from);
                continue;
            }
            "redcon_snapshot_age_seconds" => {
                generated_at = at - s.value;
                continue;
            }
            _ => {}
        }
        let Some((k, id)) = KEYS
            .iter()
            .enumerate()
            .find_map(|(k, key)| Some((k, label(l, key)?)))
        else {
            continue;
        };
        if let Some(why) = text::problem(id, text::MAX_ID_BYTES) {
            errors.push(format!(
                "{} {:?} {why}",
                KEYS.get(k).copied().unwrap_or_default(),
                text::shown(id, 40)
            ));
            continue;
        }
        let Some(map) = items.get_mut(k) else {
            continue;
        };
        let item = map.entry(id.to_string()).or_default();
        let on = s.value == 1.0;
        match metric {
            "redcon_element_state" | "redcon_member_state" | "redcon_tank_state" => {
                let state = label(l, "state").unwrap_or_default().to_string();
                item.states.push((state, s.value));
            }
            "redcon_data_age_seconds" => item.age = Some(s.value),
            "redcon_rebuild_progress_ratio" => item.progress = Some(s.value),
            "redcon_rebuild_remaining_seconds" => item.eta_s = Some(s.value),
            "redcon_tank_runtime_seconds" => item.tank_s = Some(s.value),
            "redcon_transfer_position" if on => {
                item.position = label(l, "input").map(SmolStr::from);
            }
            "redcon_item_flag" if on => {
                if let Some(f) = label(l, "flag") {
                    item.flags.push(f.into());
                }
            }
            "redcon_item_metric" if s.value.is_finite() => {
                if let Some(m) = label(l, "metric") {
                    item.metrics.insert(m.to_string(), s.value);
                }
            }
            other if s.value.is_finite() => {
                let figure = KNOWN
                    .iter()
                    .find(|(_, n, unit, ..)| exposed(n, Some(*unit)) == other);
                if let Some(&(wire, _, _, scale, _)) = figure {
                    item.metrics.insert(wire.to_string(), scale.undo(s.value));
                }
            }
            _ => {}
        }
    }
    let [mut elements, mut members, tanks] = items;
    // series come in no promised order: flags are kept sorted, not in Prometheus's order
    for item in elements.values_mut().chain(members.values_mut()) {
        item.flags.sort();
        item.flags.dedup();
    }
    let mut snap = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: info,
        generated_at,
        elements: Vec::new(),
        members: Vec::new(),
        tanks: Vec::new(),
        host: None,
    };
    // an item is there when its state set is; its reading is as old as its age says
    let read = |word: &str, id: &str, item: &Item, errors: &mut Vec<String>| -> Option<f64> {
        if item.states.is_empty() {
            return None;
        }
        let Some(age) = item.age.filter(|a| a.is_finite()) else {
            errors.push(format!("{word} {id}: no redcon_data_age_seconds: unknown"));
            return None;
        };
        Some(at - age)
    };
    for (id, item) in &elements {
        let Some(observed_at) = read("element", id, item, &mut errors) else {
            continue;
        };
        match one::<ElementState>(&item.states) {
            Ok(state) => snap.elements.push(ElementReport {
                id: id.into(),
                state,
                observed_at,
                flags: item.flags.clone(),
                metrics: figures(&item.metrics),
                position: item.position.clone(),
            }),
            Err(why) => errors.push(format!("element {id}: {why}: unknown")),
        }
    }
    for (id, item) in &members {
        let Some(observed_at) = read("member", id, item, &mut errors) else {
            continue;
        };
        match one::<MemberState>(&item.states) {
            Ok(state) => snap.members.push(MemberReport {
                id: id.into(),
                state,
                observed_at,
                rebuild: item.progress.map(|progress| Rebuild {
                    progress,
                    eta_min: item.eta_s.map(|s| s / 60.0),
                }),
                flags: item.flags.clone(),
                metrics: figures(&item.metrics),
            }),
            Err(why) => errors.push(format!("member {id}: {why}: unknown")),
        }
    }
    for (id, item) in &tanks {
        let Some(observed_at) = read("tank", id, item, &mut errors) else {
            continue;
        };
        match one::<ElementState>(&item.states) {
            Ok(state) => snap.tanks.push(TankReport {
                id: id.clone(),
                state,
                hours: item.tank_s.map(|s| s / 3600.0),
                observed_at,
            }),
            Err(why) => errors.push(format!("tank {id}: {why}: unknown")),
        }
    }
    (snap, errors)
}

fn figures(m: &BTreeMap<String, f64>) -> Metrics {
    let mut out = Metrics::new();
    for (k, v) in m {
        out.insert(k, *v);
    }
    out
}

/// The one state of a state set at 1, by its machine word.
fn one<E>(states: &[(String, f64)]) -> Result<E, String>
where
    E: strum::VariantArray + Copy + 'static,
    &'static str: From<E>,
{
    let on: Vec<&str> = states
        .iter()
        .filter(|(_, v)| *v == 1.0)
        .map(|(s, _)| s.as_str())
        .collect();
    let [word] = on.as_slice() else {
        return Err(format!("{} states at 1 in its state set", on.len()));
    };
    E::VARIANTS
        .iter()
        .copied()
        .find(|v| <&'static str>::from(*v) == *word)
        .ok_or_else(|| format!("state {:?} is not one redcon knows", text::shown(word, 40)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_and_hostile_series_cost_their_item_never_a_panic() {
        let s = |pairs: &[(&str, &str)], v: f64| {
            let mut p = vec![("instance", "gw"), ("job", "j")];
            p.extend_from_slice(pairs);
            Sample {
                labels: p
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                at: 1_790_000_000.0,
                value: v,
            }
        };
        let age =
            |key: &str, id: &str| s(&[("__name__", "redcon_data_age_seconds"), (key, id)], 1.0);
        let state = |id: &str, st: &str, v: f64| {
            s(
                &[
                    ("__name__", "redcon_element_state"),
                    ("element", id),
                    ("state", st),
                ],
                v,
            )
        };
        let evil = "A\u{1b}[2J\"} 1\n".repeat(20);
        let series = vec![
            s(
                &[("__name__", "redcon_agent_info"), ("agent", "ups-gw-a")],
                1.0,
            ),
            s(&[("__name__", "redcon_snapshot_age_seconds")], 1.0),
            // two states at once
            state("TWO", "ok", 1.0),
            state("TWO", "failed", 1.0),
            age("element", "TWO"),
            // none at 1
            state("NONE", "ok", 0.0),
            age("element", "NONE"),
            // a word redcon does not have
            state("ODD", "exploded", 1.0),
            age("element", "ODD"),
            // no age
            state("AGELESS", "ok", 1.0),
            // NaN at 1 is not 1; an infinite age is no age
            state("NAN", "ok", f64::NAN),
            age("element", "NAN"),
            state("INF", "ok", 1.0),
            s(
                &[("__name__", "redcon_data_age_seconds"), ("element", "INF")],
                f64::INFINITY,
            ),
            // an id no site could have
            state(&evil, "ok", 1.0),
            // a good one, with a figure that is not a number
            state("GOOD", "failed", 1.0),
            age("element", "GOOD"),
            s(
                &[("__name__", "redcon_load_ratio"), ("element", "GOOD")],
                f64::NAN,
            ),
            // a member state set with a word of the element states only
            s(
                &[
                    ("__name__", "redcon_member_state"),
                    ("member", "m1"),
                    ("state", "on_battery"),
                ],
                1.0,
            ),
            age("member", "m1"),
            // series of no item, and of no kind redcon knows
            s(
                &[("__name__", "redcon_something_new"), ("element", "GOOD")],
                7.0,
            ),
            s(
                &[("__name__", "redcon_element_state"), ("widget", "w")],
                1.0,
            ),
        ];
        let refs: Vec<&Sample> = series.iter().collect();
        let (snap, errors) = snapshot("ups-gw-a", &refs, 1_790_000_000.0);
        let ids: Vec<&str> = snap.elements.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, vec!["GOOD"], "only the readable element: {errors:?}");
        assert!(snap.elements[0].metrics.is_empty(), "NaN is no figure");
        assert!(snap.members.is_empty());
        let errors = errors.join("\n");
        for want in [
            "element TWO: 2 states at 1",
            "element NONE: 0 states at 1",
            "element ODD: state \"exploded\" is not one redcon knows",
            "element AGELESS: no redcon_data_age_seconds",
            "element NAN: 0 states at 1",
            "element INF: no redcon_data_age_seconds",
            "member m1: state \"on_battery\" is not one redcon knows",
        ] {
            assert!(errors.contains(want), "{want} in:\n{errors}");
        }
        assert!(
            !errors.contains('\u{1b}') && !errors.contains("\"} 1\n"),
            "{errors}"
        );
    }
}
