//! Facility equipment a Redfish service describes (DMTF DSP0268): `PowerDistribution`
//! (rack and floor PDUs, switchgear, transfer switches, power shelves, electrical buses,
//! under `PowerEquipment`) and `CoolingUnit` (CDUs, heat exchangers, immersion units, RPUs,
//! under `ThermalEquipment`). Pure parsers over single resources.

use serde::Deserialize;
use serde_json::Value;

use super::resource::{Link, Status, json, member_path};
use crate::agent::collectors::parse::ParseError;

/// The collections of units `PowerEquipment` and `ThermalEquipment` may link.
const UNIT_COLLECTIONS: [&str; 10] = [
    "RackPDUs",
    "FloorPDUs",
    "Switchgear",
    "TransferSwitches",
    "PowerShelves",
    "ElectricalBuses",
    "CDUs",
    "HeatExchangers",
    "ImmersionUnits",
    "RPUs",
];

/// The collections of a unit whose members are reported, each as a member of the unit.
const PART_COLLECTIONS: [&str; 10] = [
    "Mains",
    "Branches",
    "Feeders",
    "Subfeeds",
    "Outlets",
    "PrimaryCoolantConnectors",
    "SecondaryCoolantConnectors",
    "Pumps",
    "Filters",
    "Reservoirs",
];

/// A figure given as an excerpt `{"Reading": x}`: the resource's property and the metric.
const READINGS: [(&str, &str); 16] = [
    ("CurrentAmps", "current_a"),
    ("Voltage", "voltage"),
    ("PowerWatts", "realpower_w"),
    ("EnergykWh", "energy_kwh"),
    ("FrequencyHz", "frequency_hz"),
    ("PumpSpeedPercent", "speed_pct"),
    ("FlowLitersPerMinute", "flow_lpm"),
    ("SupplyTemperatureCelsius", "supply_temp_c"),
    ("ReturnTemperatureCelsius", "return_temp_c"),
    ("DeltaTemperatureCelsius", "delta_temp_c"),
    ("SupplyPressurekPa", "supply_pressure_kpa"),
    ("ReturnPressurekPa", "return_pressure_kpa"),
    ("DeltaPressurekPa", "delta_pressure_kpa"),
    ("HeatRemovedkW", "cooling_output_kw"),
    ("TemperatureCelsius", "temp_c"),
    ("HumidityPercent", "humidity_pct"),
];

/// Per-line figures (`PolyPhaseCurrentAmps.Line1`, `PolyPhaseVoltage.Line1ToLine2`): the
/// property, and the metric's prefix and suffix around the line (`current_l1_a`).
const PER_LINE: [(&str, &str, &str); 3] = [
    ("PolyPhaseCurrentAmps", "current_", "_a"),
    ("PolyPhaseVoltage", "voltage_", ""),
    ("PolyPhasePowerWatts", "realpower_", "_w"),
];

/// Readings no equipment gives (a PDU's energy counter may be large, a temperature may be
/// below zero): past these a value is garbage, not a measurement.
const PLAUSIBLE: f64 = 1e12;

/// The unit collections of `PowerEquipment` or `ThermalEquipment`, in a fixed order.
pub fn parse_equipment(text: &str, source: &str) -> Result<Vec<String>, ParseError> {
    let raw: serde_json::Map<String, Value> = json(text, source)?;
    let mut out = Vec::new();
    for name in UNIT_COLLECTIONS {
        if let Some(v) = raw.get(name) {
            let link: Link = serde_json::from_value(v.clone())
                .map_err(|e| ParseError::new(source, format!("{name}: not a link: {e}")))?;
            out.push(link.id);
        }
    }
    Ok(out)
}

/// What a transfer switch says about its inputs (`TransferConfiguration`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transfer {
    pub active: Option<String>,
    pub preferred: Option<String>,
    pub inhibited: bool,
    pub auto_transfer: Option<bool>,
}

/// A `PowerDistribution` or `CoolingUnit`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unit {
    /// `RackPDUs/1`, `CDUs/1`: the element id it is reported as.
    pub path: String,
    /// `EquipmentType`: `RackPDU`, `AutomaticTransferSwitch`, `CDU` ...
    pub kind: Option<String>,
    pub status: Status,
    /// Collections of parts, by name (`Outlets`) and link.
    pub parts: Vec<(&'static str, String)>,
    /// `Metrics` (PowerDistributionMetrics) and `EnvironmentMetrics`.
    pub metrics: Vec<String>,
    pub leak_detection: Option<String>,
    pub transfer: Option<Transfer>,
    pub capacity_va: Option<f64>,
}

pub fn parse_unit(text: &str, source: &str) -> Result<Unit, ParseError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct RawTransfer {
        #[serde(rename = "ActiveMainsId")]
        active: Option<String>,
        #[serde(rename = "PreferredMainsId")]
        preferred: Option<String>,
        #[serde(rename = "TransferInhibit")]
        inhibit: Option<bool>,
        #[serde(rename = "AutoTransferEnabled")]
        auto: Option<bool>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Raw {
        #[serde(rename = "@odata.id")]
        odata_id: Option<String>,
        #[serde(rename = "EquipmentType")]
        kind: Option<String>,
        #[serde(rename = "Status")]
        status: Status,
        #[serde(rename = "TransferConfiguration")]
        transfer: Option<RawTransfer>,
        #[serde(rename = "PowerCapacityVA")]
        capacity_va: Option<f64>,
        #[serde(rename = "Metrics")]
        metrics: Option<Link>,
        #[serde(rename = "EnvironmentMetrics")]
        environment: Option<Link>,
        #[serde(rename = "LeakDetection")]
        leak_detection: Option<Link>,
    }
    let raw: Raw = json(text, source)?;
    let all: serde_json::Map<String, Value> = json(text, source)?;
    let mut parts = Vec::new();
    for name in PART_COLLECTIONS {
        if let Some(v) = all.get(name) {
            let link: Link = serde_json::from_value(v.clone())
                .map_err(|e| ParseError::new(source, format!("{name}: not a link: {e}")))?;
            parts.push((name, link.id));
        }
    }
    Ok(Unit {
        path: member_path(raw.odata_id.as_deref().unwrap_or(source)),
        kind: raw.kind,
        status: raw.status,
        parts,
        metrics: [raw.metrics, raw.environment]
            .into_iter()
            .flatten()
            .map(|l| l.id)
            .collect(),
        leak_detection: raw.leak_detection.map(|l| l.id),
        transfer: raw.transfer.map(|t| Transfer {
            active: t.active,
            preferred: t.preferred,
            inhibited: t.inhibit.unwrap_or(false),
            auto_transfer: t.auto,
        }),
        capacity_va: raw.capacity_va.filter(|v| v.is_finite() && *v > 0.0),
    })
}

/// A part of a unit: a circuit (mains, branch, feeder), an outlet, a pump, a filter, a
/// reservoir, a coolant connector.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part {
    /// `Outlets/A1`, `Pumps/2`.
    pub path: String,
    pub status: Status,
    /// `PowerState` (`On`, `Off`, `PoweringOn` ...).
    pub power_state: Option<String>,
    /// `BreakerState` (`Normal`, `Tripped`, `Off`).
    pub breaker: Option<String>,
    pub metrics: Vec<(String, f64)>,
}

/// A `Circuit`, `Outlet`, `Pump`, `Filter`, `Reservoir` or `CoolantConnector`; also a
/// `PowerDistributionMetrics` or `EnvironmentMetrics` resource, for its figures.
pub fn parse_part(text: &str, source: &str) -> Result<Part, ParseError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Raw {
        #[serde(rename = "@odata.id")]
        odata_id: Option<String>,
        #[serde(rename = "Status")]
        status: Status,
        #[serde(rename = "PowerState")]
        power_state: Option<String>,
        #[serde(rename = "BreakerState")]
        breaker: Option<String>,
    }
    let raw: Raw = json(text, source)?;
    let all: serde_json::Map<String, Value> = json(text, source)?;
    let reading = |v: &Value| {
        v.get("Reading")
            .and_then(Value::as_f64)
            .filter(|r| r.is_finite() && r.abs() < PLAUSIBLE)
    };
    let mut metrics = Vec::new();
    for (property, metric) in READINGS {
        if let Some(x) = all.get(property).and_then(reading) {
            metrics.push((metric.to_string(), x));
        }
    }
    for (property, prefix, suffix) in PER_LINE {
        let Some(Value::Object(lines)) = all.get(property) else {
            continue;
        };
        for (line, v) in lines {
            if let (Some(name), Some(x)) = (line_name(line), reading(v)) {
                metrics.push((format!("{prefix}{name}{suffix}"), x));
            }
        }
    }
    Ok(Part {
        path: member_path(raw.odata_id.as_deref().unwrap_or(source)),
        status: raw.status,
        power_state: raw.power_state,
        breaker: raw.breaker,
        metrics,
    })
}

/// `Line1` -> `l1`, `Line1ToNeutral` -> `l1_n`, `Line1ToLine2` -> `l1_l2`, `Neutral` ->
/// `n`; anything else is no line DMTF defines, and its figure is left out.
fn line_name(key: &str) -> Option<String> {
    let one = |s: &str| match s {
        "Neutral" => Some("n".to_string()),
        _ => match s.strip_prefix("Line")? {
            d @ ("1" | "2" | "3") => Some(format!("l{d}")),
            _ => None,
        },
    };
    match key.split_once("To") {
        Some((a, b)) => Some(format!("{}_{}", one(a)?, one(b)?)),
        None => one(key),
    }
}

/// A `LeakDetection` resource: the detectors that do not read `OK`, by name.
pub fn parse_leak_detection(text: &str, source: &str) -> Result<Vec<String>, ParseError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Detector {
        #[serde(rename = "DeviceName")]
        name: Option<String>,
        #[serde(rename = "DataSourceUri")]
        uri: Option<String>,
        #[serde(rename = "DetectorState")]
        state: Option<String>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Group {
        #[serde(rename = "Detectors")]
        detectors: Vec<Detector>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Raw {
        #[serde(rename = "LeakDetectorGroups")]
        groups: Vec<Group>,
    }
    let raw: Raw = json(text, source)?;
    Ok(raw
        .groups
        .into_iter()
        .flat_map(|g| g.detectors)
        .filter(|d| d.state.as_deref().is_some_and(|s| s != "OK"))
        .map(|d| {
            d.name
                .or(d.uri.map(|u| member_path(&u)))
                .unwrap_or_else(|| "?".into())
        })
        .collect())
}
