//! What one NUT device's variables say, as a pure function: a UPS (one- or three-phase),
//! a PDU with its outlets, or a transfer switch with the input it uses. Variable names
//! are NUT's (`docs/nut-names.txt` upstream). A figure that cannot be true is dropped and
//! named as a data problem rather than passed on.

use smol_str::SmolStr;

use crate::api::{ElementReport, MemberReport, Metrics};
use crate::model::{ElementState, MemberState};

/// One device's report and what was wrong with its data.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceReport {
    pub element: ElementReport,
    /// A PDU's outlets, `<pdu>/outlet.<N>`.
    pub members: Vec<MemberReport>,
    /// `<device>: <variable> = <value>: <why>`, one per dropped figure.
    pub problems: Vec<String>,
}

/// The flag that says "working, but look at it" (an alarm, a low battery, a failed
/// self-test): the v1 element states have no degraded state of their own.
pub const DEGRADED: &str = "degraded";

/// The state a set of `ups.status` words stands for. The worst word wins: a UPS that is
/// off or shutting down protects nothing whatever else it says; one on bypass passes raw
/// power; one on battery still carries the load. Neither `OL` nor `OB` means the driver
/// cannot tell, and that is unknown.
pub fn ups_state(flags: &[SmolStr]) -> ElementState {
    let has = |w: &str| flags.iter().any(|f| f == w);
    if has("OFF") || has("FSD") {
        ElementState::Failed
    } else if has("BYPASS") {
        ElementState::Bypass
    } else if has("OB") {
        ElementState::OnBattery
    } else if has("OL") {
        ElementState::Ok
    } else {
        ElementState::Unknown
    }
}

/// (variable, metric, scale, lowest and highest believable value). Outside the range a
/// reading is a broken driver or card, not a fact about the UPS.
const FIGURES: [(&str, &str, f64, f64, f64); 13] = [
    ("battery.charge", "battery_charge_pct", 1.0, 0.0, 100.0),
    ("battery.runtime", "runtime_min", 1.0 / 60.0, 0.0, 1e7),
    ("ups.load", "load_pct", 1.0, 0.0, 1000.0),
    ("input.voltage", "input_voltage", 1.0, 0.0, 100_000.0),
    ("output.voltage", "output_voltage", 1.0, 0.0, 100_000.0),
    ("ups.realpower", "realpower_w", 1.0, 0.0, 1e8),
    ("battery.temperature", "battery_temp_c", 1.0, -60.0, 150.0),
    ("ambient.temperature", "ambient_temp_c", 1.0, -60.0, 150.0),
    ("ups.temperature", "ups_temp_c", 1.0, -60.0, 150.0),
    ("input.current", "input_current_a", 1.0, 0.0, 100_000.0),
    ("input.realpower", "input_realpower_w", 1.0, 0.0, 1e8),
    ("input.load", "input_load_pct", 1.0, 0.0, 1000.0),
    ("battery.voltage", "battery_voltage", 1.0, 0.0, 100_000.0),
];

/// Per-phase figures of a three-phase device: (variable with `{}` for the phase, metric).
const PHASES: [(&str, &str, f64); 5] = [
    ("output.L{}.power.percent", "load_l{}_pct", 1000.0),
    ("input.L{}-N.voltage", "input_voltage_l{}", 100_000.0),
    ("output.L{}-N.voltage", "output_voltage_l{}", 100_000.0),
    ("output.L{}.current", "output_current_l{}_a", 100_000.0),
    ("input.L{}.current", "input_current_l{}_a", 100_000.0),
];

struct Vars<'a> {
    device: &'a str,
    vars: &'a [(String, String)],
    problems: Vec<String>,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }

    /// A number within `[lo, hi]`; anything else that is there is a data problem.
    fn number(&mut self, name: &str, lo: f64, hi: f64) -> Option<f64> {
        let raw = self.get(name)?;
        let why = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => return Some(v),
            Ok(v) if v.is_finite() => format!("outside {lo}..{hi}"),
            _ => "not a number".to_string(),
        };
        let raw = raw.chars().take(40).collect::<String>();
        self.problems
            .push(format!("{}: {name} = {raw:?}: {why}", self.device));
        None
    }
}

/// The report for one device from its variables (`LIST VAR`).
pub fn device_report(device: &str, vars: &[(String, String)], observed_at: f64) -> DeviceReport {
    let mut v = Vars {
        device,
        vars,
        problems: Vec::new(),
    };
    let mut flags: Vec<SmolStr> = v
        .get("ups.status")
        .unwrap_or_default()
        .split_ascii_whitespace()
        .map(SmolStr::new)
        .collect();
    let mut metrics = Metrics::new();
    for (var, metric, scale, lo, hi) in FIGURES {
        if let Some(x) = v.number(var, lo, hi) {
            metrics.insert(metric, x * scale);
        }
    }
    let mut highest: Option<f64> = None;
    for phase in 1..=3 {
        for (var, metric, hi) in PHASES {
            let var = var.replace("{}", &phase.to_string());
            if let Some(x) = v.number(&var, 0.0, hi) {
                metrics.insert(metric.replace("{}", &phase.to_string()), x);
                if metric.starts_with("load_") {
                    highest = Some(highest.map_or(x, |h: f64| h.max(x)));
                }
            }
        }
    }
    // A three-phase UPS is as loaded as its busiest phase: that one trips first.
    if let Some(h) = highest {
        metrics.insert("load_pct", h);
    }
    let mut degraded = false;
    if let Some(alarm) = v.get("ups.alarm").filter(|a| !a.is_empty()) {
        flags.push("ALARM".into());
        flags.push(text_flag("alarm", alarm));
        degraded = true;
    }
    if flags.iter().any(|f| f == "LB" || f == "RB" || f == "OVER") {
        degraded = true;
    }
    if let Some(result) = v.get("ups.test.result") {
        let r = result.to_ascii_lowercase();
        if r.contains("error") || r.contains("fail") {
            flags.push("test_failed".into());
            flags.push(text_flag("test", result));
            degraded = true;
        }
    }
    if let Some(reason) = v.get("input.transfer.reason").filter(|r| !r.is_empty()) {
        flags.push(text_flag("transfer", reason));
    }
    if let Some(days) = v
        .get("battery.date")
        .and_then(|d| battery_age_days(d, observed_at))
    {
        metrics.insert("battery_age_days", days);
    }
    let mut members = Vec::new();
    let mut position = None;
    let state = match v.get("device.type").unwrap_or("ups") {
        "pdu" => {
            members = outlets(&mut v, device, observed_at);
            for word in ["input.current.status", "input.load.status"] {
                if v.get(word).is_some_and(|s| s.contains("high")) {
                    flags.push("overload".into());
                    degraded = true;
                }
            }
            // A PDU has no ups.status; answering with its data is being on. A status it
            // does give (OFF) still counts.
            if flags.is_empty() || ups_state(&flags) == ElementState::Unknown {
                ElementState::Ok
            } else {
                ups_state(&flags)
            }
        }
        "ats" => {
            let source = v.number("input.source", 1.0, 64.0);
            let preferred = v.number("input.source.preferred", 1.0, 64.0);
            for n in 1..=2 {
                if let Some(x) = v.number(&format!("input.{n}.voltage"), 0.0, 100_000.0) {
                    metrics.insert(format!("input{n}_voltage"), x);
                }
            }
            match source {
                Some(s) => {
                    position = Some(SmolStr::new(format!("{device}/input.{s}")));
                    flags.push(SmolStr::new(format!("input.{s}")));
                    if preferred.is_some_and(|p| p != s) {
                        flags.push("not_preferred".into());
                    }
                    if ups_state(&flags) == ElementState::Failed {
                        ElementState::Failed
                    } else {
                        ElementState::Ok
                    }
                }
                // Which input carries the load is the whole point of a transfer switch.
                None => ElementState::Unknown,
            }
        }
        _ => ups_state(&flags),
    };
    if degraded && state != ElementState::Unknown {
        flags.push(DEGRADED.into());
    }
    DeviceReport {
        element: ElementReport {
            id: device.into(),
            state,
            observed_at,
            flags,
            metrics,
            position,
        },
        members,
        problems: v.problems,
    }
}

/// A PDU's outlets, by the numbers its variables name (`outlet.3.status`).
fn outlets(v: &mut Vars<'_>, device: &str, observed_at: f64) -> Vec<MemberReport> {
    let mut numbers: Vec<u32> = v
        .vars
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("outlet.")?.split('.').next()?.parse().ok())
        .filter(|n| *n > 0)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|n| {
            let status = v.get(&format!("outlet.{n}.status")).map(str::to_string);
            let state = match status.as_deref() {
                Some("on") => MemberState::Ok,
                Some("off") => MemberState::Failed,
                _ => MemberState::Unknown,
            };
            let mut flags: Vec<SmolStr> = status.iter().map(SmolStr::new).collect();
            if let Some(desc) = v.get(&format!("outlet.{n}.desc")).filter(|d| !d.is_empty()) {
                flags.push(text_flag("desc", desc));
            }
            let mut metrics = Metrics::new();
            for (var, metric, hi) in [
                ("current", "current_a", 1000.0),
                ("realpower", "realpower_w", 1e6),
            ] {
                if let Some(x) = v.number(&format!("outlet.{n}.{var}"), 0.0, hi) {
                    metrics.insert(metric, x);
                }
            }
            MemberReport {
                id: SmolStr::new(format!("{device}/outlet.{n}")),
                state,
                observed_at,
                rebuild: None,
                flags,
                metrics,
            }
        })
        .collect()
}

/// `word:text` with the text cut to a length a status line can show.
fn text_flag(word: &str, text: &str) -> SmolStr {
    let text: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
    SmolStr::new(format!("{word}:{text}"))
}

/// Days since `battery.date` (`YYYY/MM/DD`, `YYYY-MM-DD` or `MM/DD/YYYY`, as drivers
/// write it), or `None` when it does not read as a date.
pub fn battery_age_days(date: &str, now: f64) -> Option<f64> {
    let parts: Vec<i64> = date
        .trim()
        .split(['/', '-'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (y, m, d) = match parts[..] {
        [y, m, d] if y > 1900 => (y, m, d),
        [m, d, y] if y > 1900 => (y, m, d),
        _ => return None,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || y > 9999 {
        return None;
    }
    let days = days_from_civil(y, m, d) as f64;
    let age = (now / 86_400.0).floor() - days;
    (age >= 0.0).then_some(age)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[path = "nut_report_tests.rs"]
mod tests;
