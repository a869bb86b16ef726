//! Live metrics for the console: gathered from the poller's view when an observation is
//! built, then read by the views. The gathering is the only part that touches shared state
//! (the history mutex); the formatting below is pure.
#![allow(
    clippy::indexing_slicing,
    reason = "BLOCKS has eight entries and every index into it is a constant below eight or clamped to its last"
)]

use std::collections::BTreeMap;

use crate::api::Metrics;
use crate::model::{Id, Kind};
use crate::poll::{PollView, latest_figures};

/// At most this many recent samples per sparkline: the detail pane is never wider, and
/// copying more out from under the mutex would only delay the poller.
pub const SPARK_SAMPLES: usize = 60;

/// Recent samples per element and metric name, oldest first.
pub type Sparks = BTreeMap<Id, BTreeMap<String, Vec<f32>>>;

/// Each element's latest metrics from agents that are fresh or stale (a dead agent's numbers
/// would be shown as current when they are not), and sparkline series for them.
pub fn gather(view: &PollView) -> (BTreeMap<Id, Metrics>, Sparks) {
    let metrics = latest_figures(&view.agents);
    let mut sparks = Sparks::new();
    // a poisoned lock only means a poller task panicked mid-record; the samples are still
    // usable for a picture, so read them rather than lose the sparklines for good
    let history = view.history.lock().unwrap_or_else(|p| p.into_inner());
    for (id, m) in &metrics {
        for (name, _) in m.iter() {
            let Some(s) = history.get(id, name) else {
                continue;
            };
            let skip = s.samples.len().saturating_sub(SPARK_SAMPLES);
            let values: Vec<f32> = s.samples.iter().skip(skip).map(|&(_, v)| v).collect();
            sparks
                .entry(id.clone())
                .or_default()
                .insert(name.to_string(), values);
        }
    }
    drop(history);
    (metrics, sparks)
}

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One block character per sample, scaled between the series' own minimum and maximum so a
/// small swing still shows. A flat series sits at mid height (not at the floor, which would
/// read as "zero"); a non-finite sample is a gap.
pub fn sparkline(values: &[f32]) -> String {
    let (lo, hi) = extent(values);
    sparkline_in(values, lo, hi)
}

/// The finite minimum and maximum of `values` (infinities when there is none).
fn extent(values: &[f32]) -> (f32, f32) {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// The range a metric's sparkline is drawn against: percentages 0-100, runtimes and other
/// amounts from 0 (so 9 -> 8.2 min is a small step, not a cliff), anything else its own
/// extent.
pub fn scale(name: &str, values: &[f32]) -> (f32, f32) {
    let (lo, hi) = extent(values);
    if !lo.is_finite() {
        return (0.0, 0.0);
    }
    if name.ends_with("_pct") {
        (0.0, 100.0_f32.max(hi))
    } else if name.ends_with("_min") || name.ends_with("_kw") || name.ends_with("_gbps") {
        (0.0_f32.min(lo), hi.max(f32::EPSILON))
    } else {
        (lo, hi)
    }
}

/// One block character per sample between `lo` and `hi`.
pub fn sparkline_in(values: &[f32], lo: f32, hi: f32) -> String {
    let span = hi - lo;
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else if span <= f32::EPSILON * hi.abs().max(1.0) {
                BLOCKS[3]
            } else {
                let i = ((v - lo) / span * (BLOCKS.len() - 1) as f32).round();
                BLOCKS[(i.max(0.0) as usize).min(BLOCKS.len() - 1)]
            }
        })
        .collect()
}

/// A metric's sparkline with the range it is drawn against: `▇▇▆ 0–15`.
pub fn spark_with_range(name: &str, values: &[f32]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let (lo, hi) = scale(name, values);
    format!(
        "{} {}–{}",
        sparkline_in(values, lo, hi),
        fmt_value(f64::from(lo)),
        fmt_value(f64::from(hi))
    )
}

pub fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The Components table's metrics cell: the few numbers an operator scans for, by kind.
/// Empty when nothing known is reported.
pub fn summary(kind: Kind, m: &Metrics) -> String {
    let parts: Vec<String> = match kind {
        Kind::Ups => [
            m.get("load_pct").map(|v| format!("load {v:.0}%")),
            m.get("battery_charge_pct").map(|v| format!("batt {v:.0}%")),
            m.get("runtime_min")
                .map(|v| format!("{} min", fmt_value(v))),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Kind::Chiller | Kind::Crac | Kind::Crah | Kind::Pump | Kind::Tower => [
            m.get("supply_temp_c").map(|v| format!("sup {v:.1}°")),
            m.get("return_temp_c").map(|v| format!("ret {v:.1}°")),
        ]
        .into_iter()
        .flatten()
        .collect(),
        _ => Vec::new(),
    };
    let sep = if kind == Kind::Ups { " · " } else { " " };
    if !parts.is_empty() {
        return parts.join(sep);
    }
    // no well-known metric: the first two, as named, rather than nothing
    m.iter()
        .take(2)
        .map(|(k, v)| format!("{k} {}", fmt_value(v)))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_between_min_and_max() {
        assert_eq!(
            sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[10.0, 20.0, 10.0]), "▁█▁");
        assert_eq!(
            sparkline(&[41.0, 41.0]),
            "▄▄",
            "flat is mid height, not zero"
        );
        assert_eq!(sparkline(&[1.0, f32::NAN, 3.0]), "▁ █");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn sparklines_scale_from_a_sensible_floor_and_say_their_range() {
        // 9 -> 8.2 min of runtime is a small step against 0, not a cliff
        assert_eq!(spark_with_range("runtime_min", &[9.0, 8.6, 8.2]), "██▇ 0–9");
        assert_eq!(spark_with_range("load_pct", &[40.0, 41.0]), "▄▄ 0–100");
        // temperatures keep their own extent: a degree matters there
        assert_eq!(
            spark_with_range("return_temp_c", &[24.0, 27.5]),
            "▁█ 24–27.5"
        );
        assert_eq!(spark_with_range("load_pct", &[]), "");
        assert_eq!(
            spark_with_range("x", &[f32::NAN]),
            "  0–0",
            "a gap, never a panic"
        );
    }

    #[test]
    fn summaries_by_kind() {
        let mut m = Metrics::new();
        m.insert("load_pct", 41.0);
        m.insert("battery_charge_pct", 100.0);
        m.insert("runtime_min", 23.0);
        assert_eq!(summary(Kind::Ups, &m), "load 41% · batt 100% · 23 min");
        let mut c = Metrics::new();
        c.insert("supply_temp_c", 18.0);
        c.insert("return_temp_c", 28.0);
        assert_eq!(summary(Kind::Crah, &c), "sup 18.0° ret 28.0°");
        let mut o = Metrics::new();
        o.insert("amps", 12.5);
        o.insert("volts", 230.0);
        o.insert("hz", 50.0);
        assert_eq!(summary(Kind::Pdu, &o), "amps 12.5 · volts 230");
    }
}
