//! The figures an operator reads first on a tile: per UPS system its load and runtime, the
//! generators and the fuel on site, the input each transfer switch is on, the cooling units
//! running and their temperatures. Pure: from an observation to lines of text, each
//! saying where a figure is missing rather than leaving it out.

use crate::classify::RedundancyGroup;
use crate::model::{ElementState, Kind, Subsystem};
use crate::tui::observe::Observation;
use crate::verdict::fuel_hours;

/// A figure line and whether it is bad news (drawn in the warning colour).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub text: String,
    pub alarm: bool,
}

fn figure(text: String, alarm: bool) -> Figure {
    Figure { text, alarm }
}

/// "UPS-A" for UPS-A1, UPS-A2, UPS-A3: the units' common name without their numbers.
fn system_name(units: &[String]) -> String {
    let Some(first) = units.first() else {
        return String::new();
    };
    let mut len = units.iter().fold(first.len(), |len, u| {
        first
            .char_indices()
            .zip(u.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(len))
    });
    while len > 0 && !first.is_char_boundary(len) {
        len -= 1;
    }
    let name = first
        .get(..len)
        .unwrap_or("")
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    if name.is_empty() {
        units.join("+")
    } else {
        name.to_string()
    }
}

fn metric(obs: &Observation, id: &str, name: &str) -> Option<f64> {
    obs.metrics
        .get(id)
        .and_then(|m| m.get(name))
        .filter(|v| v.is_finite())
}

/// "UPS-A load 52 % · 15 min": mean load of the units carrying, and the shortest runtime
/// among them.
fn ups_system(obs: &Observation, g: &RedundancyGroup) -> Figure {
    let carrying: Vec<&String> = g
        .units
        .iter()
        .filter(|u| {
            matches!(
                obs.live.element_state(u),
                ElementState::Ok | ElementState::OnBattery
            )
        })
        .collect();
    let loads: Vec<f64> = carrying
        .iter()
        .filter_map(|u| metric(obs, u, "load_pct"))
        .collect();
    let runtime = carrying
        .iter()
        .filter_map(|u| {
            obs.live
                .battery_runtime_min
                .get(u.as_str())
                .copied()
                .or_else(|| metric(obs, u, "runtime_min"))
        })
        .reduce(f64::min);
    let on_battery = carrying
        .iter()
        .any(|u| obs.live.element_state(u) == ElementState::OnBattery);
    let unknown = unknown_of(obs, &g.units);
    // On battery, the minutes left lead the line: a narrow tile cuts its end, and at 80
    // columns the wallboard's cut "ON BATTERY 8.2 min" to "ON " after the count and load.
    let mut text = system_name(&g.units).to_string();
    if on_battery {
        match runtime {
            Some(r) => text.push_str(&format!(" ON BATTERY {r:.1} min ·")),
            None => text.push_str(" ON BATTERY ·"),
        }
    }
    // units nobody reports are counted apart: never up, never down
    text.push_str(&format!(
        " {} up{}",
        count(carrying.len(), g.units.len(), unknown),
        unknown_text(unknown, g.units.len())
    ));
    if loads.is_empty() {
        text.push_str(" · load ?");
    } else {
        let mean = loads.iter().sum::<f64>() / loads.len() as f64;
        text.push_str(&format!(" · {mean:.0} %"));
    }
    if let (Some(r), false) = (runtime, on_battery) {
        text.push_str(&format!(" · {r:.0} min"));
    }
    figure(text, on_battery || carrying.len() + unknown < g.units.len())
}

/// How many of `ids` nobody can vouch for now.
fn unknown_of(obs: &Observation, ids: &[String]) -> usize {
    ids.iter()
        .filter(|u| obs.live.element_state(u) == ElementState::Unknown)
        .count()
}

/// "2/3", or "?/3" when none of the three is known: "0/3 up" beside "(3 unknown)" read at
/// a glance as all three down.
fn count(up: usize, of: usize, unknown: usize) -> String {
    if unknown == of && of > 0 {
        format!("?/{of}")
    } else {
        format!("{up}/{of}")
    }
}

fn unknown_text(n: usize, of: usize) -> String {
    match n {
        0 => String::new(),
        n if n == of => " (all unknown)".to_string(),
        n => format!(" ({n} unknown)"),
    }
}

/// Of the elements of `kinds`: those up, how many are unknown, how many there are.
fn up(obs: &Observation, kinds: &[Kind]) -> (Vec<String>, usize, usize) {
    let all: Vec<&crate::model::Element> = obs
        .site
        .elements
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .collect();
    let ok = all
        .iter()
        .filter(|e| obs.live.element_state(&e.id) == ElementState::Ok)
        .map(|e| e.id.clone())
        .collect();
    let unknown = all
        .iter()
        .filter(|e| obs.live.element_state(&e.id) == ElementState::Unknown)
        .count();
    (ok, unknown, all.len())
}

fn power(obs: &Observation, out: &mut Vec<Figure>) {
    if let Some(r) = obs.verdict.classification.subsystem(Subsystem::Power) {
        for g in r.groups.iter().filter(|g| g.kind == "ups") {
            out.push(ups_system(obs, g));
        }
    }
    let (utilities, util_unknown, n_util) = up(obs, &[Kind::Utility]);
    let (gens, gen_unknown, n_gen) = up(obs, &[Kind::Generator]);
    if n_gen > 0 {
        // on generators only when every utility is known to be down: an unreported utility
        // is not a failed one
        let on_gens = n_util > 0 && utilities.is_empty() && util_unknown == 0;
        let text = if on_gens {
            format!(
                "ON GENERATORS {} ({}{})",
                gens.join(" "),
                count(gens.len(), n_gen, gen_unknown),
                unknown_text(gen_unknown, n_gen)
            )
        } else if utilities.is_empty() && util_unknown > 0 {
            format!(
                "utility not reported; generators {} available{}",
                count(gens.len(), n_gen, gen_unknown),
                unknown_text(gen_unknown, n_gen)
            )
        } else {
            format!(
                "generators {} available, standing by{}",
                count(gens.len(), n_gen, gen_unknown),
                unknown_text(gen_unknown, n_gen)
            )
        };
        out.push(figure(text, on_gens || gens.len() + gen_unknown < n_gen));
    }
    if !obs.site.fuel_tanks.is_empty() {
        match fuel_hours(&obs.live) {
            Some(h) => out.push(figure(format!("fuel {h:.1} h on site"), false)),
            None => out.push(figure("fuel level not reported".into(), false)),
        }
    }
    for e in obs
        .site
        .elements
        .iter()
        .filter(|e| matches!(e.kind, Kind::Ats | Kind::Sts))
    {
        let text = match (obs.live.positions.get(&e.id), &e.preferred) {
            (Some(p), Some(pref)) if p != pref => {
                out.push(figure(format!("{} on {p} (normally {pref})", e.id), true));
                continue;
            }
            (Some(p), _) => format!("{} on {p}", e.id),
            (None, Some(pref)) => format!("{} on {pref}? (not reported)", e.id),
            (None, None) => continue,
        };
        out.push(figure(text, false));
    }
}

/// "CRAH 3/4 running · supply 18.0 °C · return up to 27.4 °C".
fn cooling(obs: &Observation, out: &mut Vec<Figure>) {
    for (label, kinds) in [
        ("chillers", &[Kind::Chiller][..]),
        ("CRAH/CRAC", &[Kind::Crah, Kind::Crac][..]),
    ] {
        let (running, unknown, n) = up(obs, kinds);
        if n == 0 {
            continue;
        }
        let mut text = format!(
            "{label} {} running{}",
            count(running.len(), n, unknown),
            unknown_text(unknown, n)
        );
        let supply = running
            .iter()
            .filter_map(|u| metric(obs, u, "supply_temp_c"))
            .reduce(f64::max);
        let ret = running
            .iter()
            .filter_map(|u| metric(obs, u, "return_temp_c"))
            .reduce(f64::max);
        if let Some(s) = supply {
            text.push_str(&format!(" · supply {s:.1} °C"));
        }
        if let Some(r) = ret {
            text.push_str(&format!(" · return ≤{r:.1} °C"));
        }
        out.push(figure(text, running.len() + unknown < n));
    }
}

/// The figure lines for a subsystem's tile, bad news first (a small tile shows those).
pub fn of(obs: &Observation, s: Subsystem) -> Vec<Figure> {
    let mut out = Vec::new();
    match s {
        Subsystem::Power => power(obs, &mut out),
        Subsystem::Cooling => cooling(obs, &mut out),
        _ => {}
    }
    // stable: within each kind of news, the order above
    out.sort_by_key(|f| !f.alarm);
    out
}

#[cfg(test)]
mod tests {
    use super::system_name;

    #[test]
    fn a_system_is_named_by_what_its_units_share() {
        let units = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            system_name(&units(&["UPS-A1", "UPS-A2", "UPS-A3"])),
            "UPS-A"
        );
        assert_eq!(system_name(&units(&["UPS-1", "UPS-2"])), "UPS");
        assert_eq!(system_name(&units(&["A", "B"])), "A+B");
        assert_eq!(system_name(&units(&["ÜPS-1", "ÜPS-2"])), "ÜPS");
        assert_eq!(system_name(&[]), "");
    }
}
