//! Since when each item has been in the state it is in: read from the state sets'
//! history Prometheus kept, so a console started in the morning says "since 02:13" of a
//! UPS that went on battery in the night. Pure: a range query's answer in, times out.
//!
//! A time is given only when the history shows the change: the item in another state one
//! step before. A state that was already there when the history begins has no known start.

use std::collections::BTreeMap;

use super::answer::Range;

/// The range query whose answer `changes` reads: every state-set series of the job at 1.
pub fn query(job: &str) -> String {
    format!(
        "{{job={},__name__=~\"redcon_(element|member|tank)_state\"}} == 1",
        super::answer::quoted(job)
    )
}

/// An item of one target: (`instance`, item id).
pub type ItemKey = (String, String);

/// For each item whose state changed within the range: its state now (the machine word)
/// and the first step it was seen in it (unix seconds). `start` and `step` are the range
/// query's, which Prometheus aligns every sample to.
pub fn changes(ranges: &[Range], start: f64, step: f64) -> BTreeMap<ItemKey, (String, f64)> {
    if !(step > 0.0 && step.is_finite() && start.is_finite()) {
        return BTreeMap::new();
    }
    let index = |t: f64| ((t - start) / step).round();
    // per item: each state's steps at 1
    let mut items: BTreeMap<ItemKey, BTreeMap<&str, Vec<i64>>> = BTreeMap::new();
    let mut last = i64::MIN;
    for r in ranges {
        let l = &r.labels;
        let (Some(instance), Some(state)) = (l.get("instance"), l.get("state")) else {
            continue;
        };
        let Some(id) = ["element", "member", "tank"].iter().find_map(|k| l.get(*k)) else {
            continue;
        };
        let steps: Vec<i64> = r
            .samples
            .iter()
            .filter(|(t, v)| *v == 1.0 && t.is_finite())
            .map(|(t, _)| index(*t))
            .filter(|k| k.is_finite() && k.abs() < 1e12)
            .map(|k| k as i64)
            .collect();
        last = last.max(steps.iter().copied().max().unwrap_or(i64::MIN));
        items
            .entry((instance.clone(), id.clone()))
            .or_default()
            .entry(state.as_str())
            .or_default()
            .extend(steps);
    }
    let mut out = BTreeMap::new();
    for (key, states) in items {
        // the state at the last step of the whole answer is the one the item is in now
        let now: Vec<(&str, &Vec<i64>)> = states
            .iter()
            .filter(|(_, s)| s.contains(&last))
            .map(|(w, s)| (*w, s))
            .collect();
        let [(word, steps)] = now.as_slice() else {
            continue;
        };
        let mut first = last;
        while steps.contains(&(first - 1)) {
            first -= 1;
        }
        let before = states
            .iter()
            .any(|(w, s)| w != word && s.contains(&(first - 1)));
        if before {
            out.insert(key, (word.to_string(), start + first as f64 * step));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(instance: &str, element: &str, state: &str, steps: &[i64]) -> Range {
        Range {
            labels: [
                ("instance", instance),
                ("element", element),
                ("state", state),
                ("__name__", "redcon_element_state"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            samples: steps
                .iter()
                .map(|k| (1000.0 + *k as f64 * 10.0, 1.0))
                .collect(),
        }
    }

    #[test]
    fn a_change_in_the_history_dates_the_state_now() {
        let ranges = vec![
            range("gw", "UPS-B1", "ok", &[0, 1, 2, 3]),
            range("gw", "UPS-B1", "on_battery", &[4, 5, 6]),
            // failed all along: began before the history
            range("gw", "UPS-A2", "failed", &[0, 1, 2, 3, 4, 5, 6]),
            // back to ok after a failure: dated too
            range("gw", "CRAC-1", "failed", &[1, 2]),
            range("gw", "CRAC-1", "ok", &[0, 3, 4, 5, 6]),
            // a gap (the agent was down) is no change of state
            range("gw", "UPS-A1", "ok", &[0, 1, 4, 5, 6]),
        ];
        let c = changes(&ranges, 1000.0, 10.0);
        let at = |id: &str| c.get(&("gw".to_string(), id.to_string())).cloned();
        assert_eq!(at("UPS-B1"), Some(("on_battery".into(), 1040.0)));
        assert_eq!(at("CRAC-1"), Some(("ok".into(), 1030.0)));
        assert_eq!(at("UPS-A2"), None);
        assert_eq!(at("UPS-A1"), None);
    }

    #[test]
    fn broken_histories_date_nothing() {
        // two states at 1 now; an item gone before the end; nonsense times and steps
        let ranges = vec![
            range("gw", "X", "ok", &[0, 1, 2]),
            range("gw", "X", "failed", &[1, 2]),
            range("gw", "GONE", "failed", &[0]),
            range("gw", "GONE", "ok", &[1]),
            range("gw", "Y", "ok", &[2]),
        ];
        let c = changes(&ranges, 1000.0, 10.0);
        assert!(c.is_empty(), "{c:?}");
        assert!(changes(&ranges, 1000.0, 0.0).is_empty());
        assert!(changes(&ranges, f64::NAN, 10.0).is_empty());
        let mut wild = range("gw", "Z", "ok", &[0]);
        wild.samples = vec![(f64::INFINITY, 1.0), (1e300, 1.0), (f64::NAN, 1.0)];
        assert!(changes(&[wild], 1000.0, 10.0).is_empty());
        assert_eq!(
            query("j\""),
            r#"{job="j\"",__name__=~"redcon_(element|member|tank)_state"} == 1"#
        );
    }
}
