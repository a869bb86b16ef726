//! What the facility collectors (`snmp`, `modbus`) share: a device's readings, named by
//! its profile or register map, judged by that file's rules into a state, flags and
//! metrics. Pure: readings in, reports out. Vendors live in the data files, not here.

use std::collections::BTreeMap;

use serde::Deserialize;
use smol_str::SmolStr;

use crate::api::Metrics;
use crate::model::{ElementState, MemberState};

/// Read a profile or register map: `metric: "x"` reads better than `metric: Some("x")`
/// in a hand-written file, and both are accepted.
pub fn from_ron<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ron::error::SpannedError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
}

/// A value as the device gave it, after decoding (a register's number, an OID's integer
/// or text).
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Number(f64),
    Text(String),
}

impl Reading {
    pub fn number(&self) -> Option<f64> {
        match self {
            Reading::Number(n) => Some(*n),
            Reading::Text(t) => t.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        }
    }
}

/// The unit a figure comes in; temperatures are reported in °C whatever the device uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    #[default]
    Same,
    Fahrenheit,
}

/// What a file's rule makes of a device. `degraded` works but needs looking at: the state
/// stays `ok` and the flag `degraded` says so (v1 has no degraded element state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    Degraded,
    OnBattery,
    Maintenance,
    Bypass,
    Failed,
}

/// How one named reading becomes a metric and flags.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meaning {
    /// The metric it is reported as, after `scale` and `unit` (none: used by rules only).
    #[serde(default)]
    pub metric: Option<String>,
    /// Multiplied in first: `0.1` for tenths.
    #[serde(default = "one")]
    pub scale: f64,
    #[serde(default)]
    pub unit: Unit,
    /// Raw value -> flag word (`{1: "cooling_on", 2: "cooling_off"}`).
    #[serde(default)]
    pub flags: BTreeMap<i64, String>,
    /// Believable values after scaling; outside it the reading is dropped as a data
    /// problem.
    #[serde(default)]
    pub range: Option<(f64, f64)>,
}

impl Default for Meaning {
    fn default() -> Self {
        Meaning {
            metric: None,
            scale: 1.0,
            unit: Unit::Same,
            flags: BTreeMap::new(),
            range: None,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// A rule of a profile or map: when reading `when` matches, the device gets `state` (the
/// worst of all matching rules wins) and `flag`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: String,
    /// Raw values that match.
    #[serde(default)]
    pub is: Vec<i64>,
    /// Texts that match, ignoring case and surrounding blanks.
    #[serde(default)]
    pub text: Vec<String>,
    /// Scaled value strictly above / below.
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
    #[serde(default)]
    pub state: Option<Verdict>,
    #[serde(default)]
    pub flag: Option<String>,
}

/// Which input a transfer switch uses: reading `from`, raw value -> the input's name. The
/// report's `position` is `<element>/<input>`, for `element_map` to turn into a site id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub from: String,
    pub inputs: BTreeMap<i64, String>,
}

/// A device judged: state, flags, metrics, and the readings that were not believable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judged {
    pub verdict: Option<Verdict>,
    pub flags: Vec<SmolStr>,
    pub metrics: Metrics,
    pub position: Option<SmolStr>,
    pub problems: Vec<String>,
}

impl Judged {
    /// As an element: no verdict (a required reading missing) is unknown.
    pub fn element_state(&mut self) -> ElementState {
        match self.verdict {
            None => ElementState::Unknown,
            Some(v) => {
                if v == Verdict::Degraded {
                    self.flags.push("degraded".into());
                }
                match v {
                    Verdict::Ok | Verdict::Degraded => ElementState::Ok,
                    Verdict::OnBattery => ElementState::OnBattery,
                    Verdict::Maintenance => ElementState::Maintenance,
                    Verdict::Bypass => ElementState::Bypass,
                    Verdict::Failed => ElementState::Failed,
                }
            }
        }
    }

    /// As a member (an outlet, a bank): bypass and battery are a facility's words, a
    /// member still serving in them is `ok`.
    pub fn member_state(&mut self) -> MemberState {
        match self.verdict {
            None => MemberState::Unknown,
            Some(v) => {
                if v == Verdict::Degraded {
                    self.flags.push("degraded".into());
                }
                match v {
                    Verdict::Failed => MemberState::Failed,
                    Verdict::Maintenance => MemberState::Maintenance,
                    _ => MemberState::Ok,
                }
            }
        }
    }
}

/// Judge one device (or one table row) from its named readings. `source` names it in
/// data problems (`CRAH-1 (10.0.0.5:161)`); `what(name)` says where a reading came from
/// (its OID or register), for those problems.
pub fn judge(
    source: &str,
    readings: &BTreeMap<String, Reading>,
    meanings: &BTreeMap<String, Meaning>,
    rules: &[Rule],
    require: &[String],
    what: &dyn Fn(&str) -> String,
) -> Judged {
    let mut j = Judged::default();
    let mut scaled: BTreeMap<&str, f64> = BTreeMap::new();
    for (name, reading) in readings {
        let m = meanings.get(name);
        let Some(raw) = reading.number() else {
            if m.is_some_and(|m| m.metric.is_some()) {
                j.problems.push(format!(
                    "{source}: {name} ({}) = {}: not a number",
                    what(name),
                    shown(reading)
                ));
            }
            continue;
        };
        let m = m.cloned().unwrap_or_default();
        if let Some(flag) = i64_of(raw).and_then(|r| m.flags.get(&r)) {
            j.flags.push(flag.into());
        }
        let mut v = raw * m.scale;
        if m.unit == Unit::Fahrenheit {
            v = (v - 32.0) * 5.0 / 9.0;
        }
        if let Some((lo, hi)) = m.range
            && !(lo..=hi).contains(&v)
        {
            j.problems.push(format!(
                "{source}: {name} ({}) = {}: outside {lo}..{hi}",
                what(name),
                shown(reading)
            ));
            continue;
        }
        scaled.insert(name, v);
        if let Some(metric) = &m.metric
            && v.is_finite()
        {
            j.metrics.insert(metric, round(v));
        }
    }
    if require.iter().any(|r| !scaled.contains_key(r.as_str())) {
        // Without the readings that say what the device is doing, nothing vouches for it.
        return j;
    }
    let mut verdict = Verdict::Ok;
    for rule in rules {
        if matches(
            rule,
            readings.get(&rule.when),
            scaled.get(rule.when.as_str()),
        ) {
            if let Some(s) = rule.state {
                verdict = verdict.max(s);
            }
            if let Some(f) = &rule.flag
                && !j.flags.iter().any(|x| x == f)
            {
                j.flags.push(f.into());
            }
        }
    }
    j.verdict = Some(verdict);
    j
}

/// Whether a rule matches a reading (raw for `is` and `text`, scaled for the bounds).
pub fn matches(rule: &Rule, raw: Option<&Reading>, scaled: Option<&f64>) -> bool {
    let Some(raw) = raw else { return false };
    if !rule.text.is_empty() {
        let Reading::Text(t) = raw else { return false };
        return rule.text.iter().any(|x| x.eq_ignore_ascii_case(t.trim()));
    }
    let Some(&v) = scaled else { return false };
    if !rule.is.is_empty() {
        return raw
            .number()
            .and_then(i64_of)
            .is_some_and(|r| rule.is.contains(&r));
    }
    (rule.above.is_some() || rule.below.is_some())
        && rule.above.is_none_or(|a| v > a)
        && rule.below.is_none_or(|b| v < b)
}

/// The position of a transfer switch from its readings.
pub fn position(
    element: &str,
    p: &Position,
    readings: &BTreeMap<String, Reading>,
) -> Option<SmolStr> {
    let raw = readings.get(&p.from)?.number().and_then(i64_of)?;
    let input = p.inputs.get(&raw)?;
    Some(SmolStr::new(format!("{element}/{input}")))
}

/// A whole number, when the value is one (rules and flag maps key on raw integers).
fn i64_of(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// Six significant decimals are more than any sensor has; it keeps `0.1 * 215` from
/// reading `21.500000000000004` on the console.
fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A reading as a problem quotes it: short, printable.
fn shown(r: &Reading) -> String {
    match r {
        Reading::Number(n) => n.to_string(),
        Reading::Text(t) => format!("{:?}", t.chars().take(40).collect::<String>()),
    }
}

#[cfg(test)]
#[path = "facility_tests.rs"]
mod tests;
