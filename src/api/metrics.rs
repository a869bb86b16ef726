//! The named numbers of a report. A small vector, not a map: an element carries a handful
//! of metrics, and a fleet sends hundreds of thousands a second, so building and tearing
//! down a tree per element cost a sixth of the poller's decode time. On the wire it is a
//! plain JSON object; duplicate names keep the last value, as a map would. Reading one
//! stops past [`MAX_METRICS`] names, and removing duplicates sorts rather than searches,
//! so no object costs more than n log n.
#![allow(
    clippy::indexing_slicing,
    reason = "indices come from 0..v.len() and the sort order of the same vector"
)]

use std::fmt;

use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

use super::limits::{MAX_METRICS, checked};

/// Names documented in docs/agent-api.md are made once and shared by every report (a
/// `match` on the text compiles to a length switch and one compare, not a scan).
fn name(s: &str) -> SmolStr {
    SmolStr::new_static(match s {
        "load_pct" => "load_pct",
        "battery_charge_pct" => "battery_charge_pct",
        "runtime_min" => "runtime_min",
        "input_voltage" => "input_voltage",
        "output_voltage" => "output_voltage",
        "supply_temp_c" => "supply_temp_c",
        "return_temp_c" => "return_temp_c",
        "capacity_kw" => "capacity_kw",
        "speed_gbps" => "speed_gbps",
        _ => return SmolStr::new(s),
    })
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics(Vec<(SmolStr, f64)>);

impl Metrics {
    pub fn new() -> Self {
        Metrics(Vec::new())
    }

    /// Set a metric, replacing an earlier value of the same name.
    pub fn insert(&mut self, key: impl AsRef<str>, value: f64) {
        let key = key.as_ref();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name(key), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == key).map(|&(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str, f64) -> bool) {
        self.0.retain(|(k, v)| keep(k, *v));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SmolStr, f64)> {
        self.0.iter().map(|(k, v)| (k, *v))
    }
}

impl<K: AsRef<str>> FromIterator<(K, f64)> for Metrics {
    fn from_iter<I: IntoIterator<Item = (K, f64)>>(iter: I) -> Self {
        let mut m = Metrics(
            iter.into_iter()
                .map(|(k, v)| (name(k.as_ref()), v))
                .collect(),
        );
        m.dedup_last_wins();
        m
    }
}

impl Metrics {
    /// One entry per name, at the place of its first appearance, with its last value.
    fn dedup_last_wins(&mut self) {
        let v = &mut self.0;
        if v.len() <= 16 {
            // a handful of names: comparing each with those before it is cheapest
            let mut i = 1;
            while i < v.len() {
                match v[..i].iter().position(|(k, _)| *k == v[i].0) {
                    Some(first) => {
                        v[first].1 = v[i].1;
                        v.remove(i);
                    }
                    None => i += 1,
                }
            }
            return;
        }
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[a].0.cmp(&v[b].0).then(a.cmp(&b)));
        let mut keep = vec![true; v.len()];
        let mut moves = Vec::new();
        for run in order.chunk_by(|&a, &b| v[a].0 == v[b].0) {
            if let (Some(&first), Some(&last)) = (run.first(), run.last()) {
                moves.push((first, last));
                for &dup in run.iter().skip(1) {
                    keep[dup] = false;
                }
            }
        }
        for (first, last) in moves {
            v[first].1 = v[last].1;
        }
        let mut i = 0;
        v.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
}

impl<K: AsRef<str>, const N: usize> From<[(K, f64); N]> for Metrics {
    fn from(items: [(K, f64); N]) -> Self {
        items.into_iter().collect()
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k.as_str(), v)?;
        }
        map.end()
    }
}

struct MetricsVisitor;

impl<'de> Visitor<'de> for MetricsVisitor {
    type Value = Metrics;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of metric names to numbers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Metrics, A::Error> {
        let mut m = Metrics(Vec::with_capacity(access.size_hint().unwrap_or(8).min(64)));
        while let Some(Key(key)) = access.next_key::<Key<'de>>()? {
            if m.0.len() == MAX_METRICS {
                return Err(serde::de::Error::custom(format!(
                    "more than {MAX_METRICS} metrics"
                )));
            }
            checked(&key, "metric name")?;
            let value: f64 = access.next_value()?;
            m.0.push((name(&key), value));
        }
        m.dedup_last_wins();
        Ok(m)
    }
}

/// A metric name as the parser hands it over: borrowed from the body when it has no
/// escapes, so reading a name allocates nothing (serde's own `Cow` always copies).
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a metric name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Metrics {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Metrics, D::Error> {
        d.deserialize_map(MetricsVisitor)
    }
}

impl JsonSchema for Metrics {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Metrics".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "Named numbers: load_pct, battery_charge_pct, runtime_min, supply_temp_c, return_temp_c, capacity_kw, ...",
            "additionalProperties": { "type": "number" }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_a_json_object() {
        let m: Metrics =
            serde_json::from_str(r#"{"load_pct": 41.5, "x_custom": 2, "load_pct": 42}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("load_pct"), Some(42.0), "the last duplicate wins");
        assert_eq!(m.get("x_custom"), Some(2.0));
        assert_eq!(m.get("missing"), None);
        let text = serde_json::to_string(&m).unwrap_or_default();
        assert_eq!(text, r#"{"load_pct":42.0,"x_custom":2.0}"#);
    }

    #[test]
    fn escaped_names_are_read_as_text_not_borrowed() {
        // `\u005f` is `_`: the parser cannot lend this name from the body
        let m: Metrics = serde_json::from_str(r#"{"load\u005fpct": 7, "x\"y": 1}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.get("load_pct"), Some(7.0));
        assert_eq!(m.get("x\"y"), Some(1.0));
        // and from a reader, which never lends
        let m: Metrics = serde_json::from_reader(&br#"{"supply_temp_c": 18.5}"#[..])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.get("supply_temp_c"), Some(18.5));
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        for bad in [r#"{"a": "x"}"#, r#"[1, 2]"#, r#"{"a": null}"#, r#""x""#] {
            assert!(serde_json::from_str::<Metrics>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn many_duplicates_keep_first_place_and_last_value() {
        let mut text = String::from("{");
        for i in 0..200 {
            text.push_str(&format!("\"m{}\": {i},", i % 50));
        }
        text.push_str("\"m7\": -1}");
        let m: Metrics = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.len(), 50);
        let names: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).take(3).collect();
        assert_eq!(names, ["m0", "m1", "m2"]);
        assert_eq!(m.get("m0"), Some(150.0));
        assert_eq!(m.get("m7"), Some(-1.0));
        let collected: Metrics = (0..40)
            .map(|i| (format!("k{}", i % 20), f64::from(i)))
            .collect();
        assert_eq!(collected.len(), 20);
        assert_eq!(collected.get("k3"), Some(23.0));
    }

    #[test]
    fn past_the_cap_or_unprintable_is_an_error() {
        let mut text = String::from("{");
        for i in 0..=MAX_METRICS {
            text.push_str(&format!("\"m{i}\": 1,"));
        }
        text.pop();
        text.push('}');
        let e = serde_json::from_str::<Metrics>(&text)
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("more than 256 metrics")));
        let e = serde_json::from_str::<Metrics>(r#"{"a\u001b[2J": 1}"#).err();
        assert!(e.is_some_and(|e| e.to_string().contains("unprintable")));
    }

    #[test]
    fn retain_and_collect() {
        let mut m: Metrics = [("a", 1.0), ("b", f64::NAN)].into();
        m.retain(|_, v| v.is_finite());
        assert_eq!(
            m.iter().map(|(k, v)| (k.as_str(), v)).collect::<Vec<_>>(),
            [("a", 1.0)]
        );
    }
}
