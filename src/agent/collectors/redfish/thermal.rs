//! Temperatures with their thresholds: inline in the old `Thermal` resource
//! (`Temperatures[]`, `UpperThresholdCritical` ...), or listed by a `ThermalSubsystem`'s
//! `ThermalMetrics` and described by the `Sensor` resources it links (`Thresholds`).

use serde::Deserialize;
use smol_str::SmolStr;

use super::resource::{Status, json, member_path};
use crate::agent::collectors::parse::ParseError;
use crate::api::{MemberReport, Metrics};
use crate::model::MemberState;

/// Warning ("caution", "non-critical"), critical and fatal limits, in °C.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Thresholds {
    pub upper_warning: Option<f64>,
    pub upper_critical: Option<f64>,
    pub upper_fatal: Option<f64>,
    pub lower_warning: Option<f64>,
    pub lower_critical: Option<f64>,
    pub lower_fatal: Option<f64>,
}

/// One temperature sensor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Temperature {
    /// The sensor's name below the chassis: `Temperatures/CPU1Temp`, `Temperatures/0`.
    pub path: String,
    pub state: Option<String>,
    pub health: Option<String>,
    pub celsius: Option<f64>,
    pub thresholds: Thresholds,
}

/// A reading listed by `ThermalMetrics`: where its sensor is, and the reading itself for
/// when the sensor cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub sensor: Option<String>,
    pub name: String,
    pub celsius: Option<f64>,
}

/// `ThermalMetrics`: `TemperatureReadingsCelsius[]` and the sensors named by
/// `TemperatureSummaryCelsius`, each sensor once.
pub fn parse_thermal_metrics(text: &str, source: &str) -> Result<Vec<Listed>, ParseError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Excerpt {
        #[serde(rename = "DataSourceUri")]
        uri: Option<String>,
        #[serde(rename = "DeviceName")]
        device: Option<String>,
        #[serde(rename = "Reading")]
        reading: Option<f64>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Raw {
        #[serde(rename = "TemperatureReadingsCelsius")]
        readings: Vec<Excerpt>,
        #[serde(rename = "TemperatureSummaryCelsius")]
        summary: std::collections::BTreeMap<String, Excerpt>,
    }
    let raw: Raw = json(text, source)?;
    let summary = raw.summary.into_iter().map(|(k, mut e)| {
        e.device.get_or_insert(k);
        e
    });
    let mut out: Vec<Listed> = Vec::new();
    for e in raw.readings.into_iter().chain(summary) {
        let name = match (&e.uri, &e.device) {
            (Some(u), _) => last_segment(u),
            (None, Some(d)) => d.clone(),
            (None, None) => continue,
        };
        if out.iter().any(|l| l.name == name) {
            continue;
        }
        out.push(Listed {
            sensor: e.uri,
            name,
            celsius: e.reading.filter(|r| r.is_finite()),
        });
    }
    Ok(out)
}

fn last_segment(uri: &str) -> String {
    let p = member_path(uri);
    p.rsplit('/').next().unwrap_or(&p).to_string()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Limit {
    #[serde(rename = "Reading")]
    reading: Option<f64>,
}

/// One `Sensor` resource, as a temperature. `None` when it measures something else.
pub fn parse_sensor(text: &str, source: &str) -> Result<Option<Temperature>, ParseError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Limits {
        #[serde(rename = "UpperCaution")]
        upper_caution: Limit,
        #[serde(rename = "UpperCritical")]
        upper_critical: Limit,
        #[serde(rename = "UpperFatal")]
        upper_fatal: Limit,
        #[serde(rename = "LowerCaution")]
        lower_caution: Limit,
        #[serde(rename = "LowerCritical")]
        lower_critical: Limit,
        #[serde(rename = "LowerFatal")]
        lower_fatal: Limit,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Raw {
        #[serde(rename = "@odata.id")]
        odata_id: Option<String>,
        #[serde(rename = "Id")]
        id: Option<String>,
        #[serde(rename = "ReadingType")]
        reading_type: Option<String>,
        #[serde(rename = "ReadingUnits")]
        units: Option<String>,
        #[serde(rename = "Reading")]
        reading: Option<f64>,
        #[serde(rename = "Status")]
        status: Status,
        #[serde(rename = "Thresholds")]
        limits: Limits,
    }
    let raw: Raw = json(text, source)?;
    let is_temperature = raw.reading_type.as_deref() == Some("Temperature")
        || matches!(raw.units.as_deref(), Some("Cel" | "C"));
    if !is_temperature {
        return Ok(None);
    }
    let name = match (&raw.odata_id, &raw.id) {
        (Some(o), _) => last_segment(o),
        (None, Some(id)) => id.clone(),
        (None, None) => last_segment(source),
    };
    let l = raw.limits;
    Ok(Some(Temperature {
        path: format!("Temperatures/{name}"),
        state: raw.status.state,
        health: raw.status.health,
        celsius: raw.reading.filter(|r| r.is_finite()),
        thresholds: Thresholds {
            upper_warning: l.upper_caution.reading,
            upper_critical: l.upper_critical.reading,
            upper_fatal: l.upper_fatal.reading,
            lower_warning: l.lower_caution.reading,
            lower_critical: l.lower_critical.reading,
            lower_fatal: l.lower_fatal.reading,
        },
    }))
}

/// The old `Thermal` resource's `Temperatures[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RawOldTemperature {
    #[serde(rename = "@odata.id")]
    odata_id: Option<String>,
    #[serde(rename = "MemberId")]
    member_id: Option<String>,
    #[serde(rename = "Status")]
    status: Status,
    #[serde(rename = "ReadingCelsius")]
    reading: Option<f64>,
    #[serde(rename = "UpperThresholdNonCritical")]
    upper_warning: Option<f64>,
    #[serde(rename = "UpperThresholdCritical")]
    upper_critical: Option<f64>,
    #[serde(rename = "UpperThresholdFatal")]
    upper_fatal: Option<f64>,
    #[serde(rename = "LowerThresholdNonCritical")]
    lower_warning: Option<f64>,
    #[serde(rename = "LowerThresholdCritical")]
    lower_critical: Option<f64>,
    #[serde(rename = "LowerThresholdFatal")]
    lower_fatal: Option<f64>,
}

pub(super) fn old_temperature(raw: RawOldTemperature) -> Temperature {
    let name = match (&raw.odata_id, &raw.member_id) {
        (Some(o), _) => last_segment(o),
        (None, Some(id)) => id.clone(),
        (None, None) => "?".to_string(),
    };
    Temperature {
        path: format!("Temperatures/{name}"),
        state: raw.status.state,
        health: raw.status.health,
        celsius: raw.reading.filter(|r| r.is_finite()),
        thresholds: Thresholds {
            upper_warning: raw.upper_warning,
            upper_critical: raw.upper_critical,
            upper_fatal: raw.upper_fatal,
            lower_warning: raw.lower_warning,
            lower_critical: raw.lower_critical,
            lower_fatal: raw.lower_fatal,
        },
    }
}

/// A temperature as a member `<chassis>/Temperatures/<sensor>`: `temp_c` and its limits
/// as metrics; `failed` at or past a critical limit or with Health `Critical`; `unknown`
/// without a reading (a disabled sensor vouches for nothing, and is no failure either).
pub fn temperature_report(chassis: &str, t: &Temperature, observed_at: f64) -> MemberReport {
    let mut flags: Vec<SmolStr> = Vec::new();
    if let Some(h) = t.health.as_deref().filter(|h| *h != "OK") {
        flags.push(h.to_lowercase().into());
    }
    if let Some(s) = t.state.as_deref().filter(|s| *s != "Enabled") {
        flags.push(s.to_lowercase().into());
    }
    let th = &t.thresholds;
    let mut metrics = Metrics::new();
    for (name, v) in [
        ("temp_c", t.celsius),
        ("upper_warning_c", th.upper_warning),
        ("upper_critical_c", th.upper_critical),
        ("upper_fatal_c", th.upper_fatal),
        ("lower_warning_c", th.lower_warning),
        ("lower_critical_c", th.lower_critical),
        ("lower_fatal_c", th.lower_fatal),
    ] {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            metrics.insert(name, v);
        }
    }
    let over = |limit: Option<f64>, c: f64, up: bool| {
        limit.is_some_and(|l| if up { c >= l } else { c <= l })
    };
    let mut critical = t.health.as_deref() == Some("Critical");
    if let Some(c) = t.celsius {
        if over(th.upper_critical, c, true) || over(th.upper_fatal, c, true) {
            flags.push("above_critical".into());
            critical = true;
        } else if over(th.upper_warning, c, true) {
            flags.push("above_warning".into());
        }
        if over(th.lower_critical, c, false) || over(th.lower_fatal, c, false) {
            flags.push("below_critical".into());
            critical = true;
        } else if over(th.lower_warning, c, false) {
            flags.push("below_warning".into());
        }
    }
    let state = match (t.state.as_deref(), t.celsius) {
        (Some("Absent"), _) => MemberState::Maintenance,
        (_, None) => MemberState::Unknown,
        _ if critical => MemberState::Failed,
        (Some("Enabled") | None, Some(_)) => MemberState::Ok,
        _ => MemberState::Unknown,
    };
    MemberReport {
        id: format!("{chassis}/{}", t.path).into(),
        state,
        observed_at,
        rebuild: None,
        flags,
        metrics,
    }
}
