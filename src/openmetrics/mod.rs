//! OpenMetrics text for Prometheus (docs/prometheus.md): an agent's snapshot (`agent`) and
//! a site's verdict (`site`). Pure: a value and the moment in, text out; the HTTP routes
//! that serve it are thin edges.
//!
//! Agent text only ever reaches label values, which the encoder escapes; every metric and
//! label name is a constant here. State sets follow the Prometheus convention (one gauge
//! per state of the typed enum, exactly one of them 1): prometheus-client has no state-set
//! type, and Prometheus stores a state set as gauges anyway.

pub mod figures;
pub mod site;

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

/// `Content-Type` of the text this module writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Label names are constants; values may be anything (escaped when written).
pub type Labels = Vec<(&'static str, String)>;

/// A gauge family whose series carry `Labels`.
pub type Gauges = Family<Labels, Gauge<f64, AtomicU64>>;

/// The units redcon's metrics are in: Prometheus base units, so `_ratio` not percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Ratio,
    Seconds,
    Volts,
    Celsius,
    Watts,
    Bytes,
    BytesPerSecond,
}

impl Base {
    /// What Prometheus appends to a family's name for this unit.
    pub fn suffix(self) -> &'static str {
        match self {
            Base::Ratio => "ratio",
            Base::Seconds => "seconds",
            Base::Volts => "volts",
            Base::Celsius => "celsius",
            Base::Watts => "watts",
            Base::Bytes => "bytes",
            Base::BytesPerSecond => "bytes_per_second",
        }
    }

    fn unit(self) -> Unit {
        match self {
            Base::Ratio => Unit::Other("ratio".into()),
            Base::Seconds => Unit::Seconds,
            Base::Volts => Unit::Volts,
            Base::Celsius => Unit::Celsius,
            Base::Watts => Unit::Other("watts".into()),
            Base::Bytes => Unit::Bytes,
            Base::BytesPerSecond => Unit::Other("bytes_per_second".into()),
        }
    }
}

/// One exposition being written: families registered in the order they are made.
#[derive(Default)]
pub struct Sheet {
    registry: Registry,
}

impl Sheet {
    /// A gauge family `name` (with `_<unit>` appended when it has one).
    pub fn gauges(&mut self, name: &'static str, help: &'static str, unit: Option<Base>) -> Gauges {
        let family = Gauges::default();
        match unit {
            Some(u) => self
                .registry
                .register_with_unit(name, help, u.unit(), family.clone()),
            None => self.registry.register(name, help, family.clone()),
        }
        family
    }

    /// The text, ending in `# EOF`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // writing to a String cannot fail; an error would leave what was written so far,
        // which Prometheus refuses for its missing `# EOF` rather than misreading
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            tracing::error!("cannot encode OpenMetrics text");
        }
        out
    }
}

/// Set one series of `family`.
pub fn set(family: &Gauges, labels: Labels, value: f64) {
    family.get_or_create(&labels).set(value);
}

/// A state set: one series per state of `E`, labelled `state="<machine word>"`, the one
/// `current` 1 and every other 0, so a state that is not there reads 0 rather than absent.
pub fn one_hot<E>(family: &Gauges, labels: &Labels, current: E)
where
    E: strum::VariantArray + Copy + PartialEq + 'static,
    &'static str: From<E>,
{
    for &state in E::VARIANTS {
        let mut l = labels.clone();
        l.push(("state", <&'static str>::from(state).to_string()));
        set(family, l, if state == current { 1.0 } else { 0.0 });
    }
}

/// A `/metrics` answer: `200` with the text.
pub fn response(text: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, CONTENT_TYPE),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// `true` as 1, `false` as 0.
pub fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

#[cfg(test)]
pub(crate) mod check {
    //! What every rendering must be, checked the way Prometheus would read it.

    /// Each sample line of `text` as (name, labels text, value); panics on a line that is
    /// neither a comment nor a well-formed sample.
    pub fn samples(text: &str) -> Vec<(String, String, f64)> {
        assert!(text.ends_with("# EOF\n"), "no EOF marker:\n{text}");
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (head, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("not a sample: {line:?}"));
            let value: f64 = value
                .parse()
                .unwrap_or_else(|e| panic!("{line:?}: value {value:?}: {e}"));
            let (name, labels) = match head.split_once('{') {
                Some((n, l)) => (n, l.strip_suffix('}').unwrap_or_else(|| panic!("{line}"))),
                None => (head, ""),
            };
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && name.starts_with("redcon_"),
                "metric name {name:?} in {line:?}"
            );
            out.push((name.to_string(), labels.to_string(), value));
        }
        out
    }

    /// The value of the one sample named `name` whose labels contain every `want` pair.
    pub fn value(text: &str, name: &str, want: &[(&str, &str)]) -> Option<f64> {
        let hits: Vec<f64> = samples(text)
            .into_iter()
            .filter(|(n, labels, _)| {
                n == name
                    && want
                        .iter()
                        .all(|(k, v)| labels.contains(&format!("{k}=\"{v}\"")))
            })
            .map(|(_, _, v)| v)
            .collect();
        assert!(hits.len() <= 1, "{name} {want:?}: {} samples", hits.len());
        hits.first().copied()
    }
}
