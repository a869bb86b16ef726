//! Pure parsers over single Redfish resources (DMTF schemas): the old `Power` and
//! `Thermal` resources with their embedded arrays, the newer `PowerSubsystem` /
//! `ThermalSubsystem` with linked collections, and the members themselves.

use serde::Deserialize;

use super::thermal::{RawOldTemperature, Temperature, old_temperature};
use crate::agent::collectors::parse::ParseError;

/// A power supply or fan.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The path below the chassis: `PowerSupplies/0`, `Fans/Bay1`.
    pub path: String,
    pub name: String,
    /// Redfish `Status.State`: `Enabled`, `Absent`, `StandbySpare`, `UnavailableOffline` ...
    pub state: Option<String>,
    /// Redfish `Status.Health`: `OK`, `Warning`, `Critical`.
    pub health: Option<String>,
    /// Fan speed or supply capacity, when given.
    pub reading: Option<f64>,
    /// A volume's `RAIDType` (`RAID1`, `RAID5` ...).
    pub raid_type: Option<String>,
}

/// A redundancy group: `Power.Redundancy[]`, `Thermal.Redundancy[]`,
/// `PowerSubsystem.PowerSupplyRedundancy[]`, `ThermalSubsystem.FanRedundancy[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Redundancy {
    pub name: String,
    /// `N+m`, `Failover`, `Sharing`, `NPlusM` ...
    pub mode: String,
    pub min_needed: Option<u32>,
    pub max_supported: Option<u32>,
    pub state: Option<String>,
    pub health: Option<String>,
    /// Member paths below the chassis, as in `Component::path`.
    pub members: Vec<String>,
}

/// What a `Power`, `Thermal`, `PowerSubsystem` or `ThermalSubsystem` resource says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subsystem {
    pub components: Vec<Component>,
    pub redundancy: Vec<Redundancy>,
    /// The collection to fetch for the components (subsystem resources only).
    pub collection: Option<String>,
    /// The old `Thermal` resource's temperatures, thresholds included.
    pub temperatures: Vec<Temperature>,
    /// A `ThermalSubsystem`'s `ThermalMetrics`, which lists its temperature sensors.
    pub thermal_metrics: Option<String>,
}

/// A resource's `Status`.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct Status {
    #[serde(rename = "State")]
    pub state: Option<String>,
    #[serde(rename = "Health")]
    pub health: Option<String>,
    #[serde(rename = "HealthRollup")]
    pub rollup: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Link {
    #[serde(rename = "@odata.id")]
    pub id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawComponent {
    #[serde(rename = "@odata.id")]
    odata_id: Option<String>,
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "MemberId")]
    member_id: Option<String>,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Status")]
    status: Status,
    #[serde(rename = "Reading")]
    reading: Option<f64>,
    #[serde(rename = "PowerCapacityWatts")]
    capacity_w: Option<f64>,
    #[serde(rename = "SpeedPercent")]
    speed: Option<SpeedPercent>,
    #[serde(rename = "RAIDType")]
    raid_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpeedPercent {
    #[serde(rename = "Reading")]
    reading: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRedundancy {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Mode")]
    mode: Option<String>,
    #[serde(rename = "RedundancyType")]
    kind: Option<String>,
    #[serde(rename = "MinNumNeeded")]
    min_num: Option<u32>,
    #[serde(rename = "MaxNumSupported")]
    max_num: Option<u32>,
    #[serde(rename = "MinNeededInGroup")]
    min_in_group: Option<u32>,
    #[serde(rename = "MaxSupportedInGroup")]
    max_in_group: Option<u32>,
    #[serde(rename = "Status")]
    status: Status,
    #[serde(rename = "RedundancySet")]
    set: Vec<Link>,
    #[serde(rename = "RedundancyGroup")]
    group: Vec<Link>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSubsystem {
    #[serde(rename = "PowerSupplies")]
    supplies: Option<serde_json::Value>,
    #[serde(rename = "Fans")]
    fans: Option<serde_json::Value>,
    #[serde(rename = "Redundancy")]
    redundancy: Vec<RawRedundancy>,
    #[serde(rename = "PowerSupplyRedundancy")]
    supply_redundancy: Vec<RawRedundancy>,
    #[serde(rename = "FanRedundancy")]
    fan_redundancy: Vec<RawRedundancy>,
    #[serde(rename = "Temperatures")]
    temperatures: Vec<serde_json::Value>,
    #[serde(rename = "ThermalMetrics")]
    thermal_metrics: Option<Link>,
}

pub(super) fn json<T: for<'de> Deserialize<'de>>(
    text: &str,
    source: &str,
) -> Result<T, ParseError> {
    serde_json::from_str(text)
        .map_err(|e| ParseError::new(source, format!("not the expected JSON: {e}")))
}

/// `/redfish/v1/Chassis/1U/Power#/PowerSupplies/0` -> `PowerSupplies/0`;
/// `/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1` -> `PowerSupplies/Bay1`.
pub fn member_path(odata_id: &str) -> String {
    let id = odata_id.trim_end_matches('/');
    let mut parts: Vec<&str> = id
        .rsplit(['/', '#'])
        .filter(|p| !p.is_empty())
        .take(2)
        .collect();
    parts.reverse();
    parts.join("/")
}

fn component(raw: RawComponent, kind: &str) -> Component {
    let path = match (&raw.odata_id, &raw.id, &raw.member_id) {
        (Some(o), _, _) => member_path(o),
        (None, Some(id), _) | (None, None, Some(id)) => format!("{kind}/{id}"),
        (None, None, None) => format!("{kind}/?"),
    };
    Component {
        name: raw.name.unwrap_or_default(),
        state: raw.status.state,
        health: raw.status.health,
        reading: raw
            .reading
            .or(raw.capacity_w)
            .or(raw.speed.and_then(|s| s.reading))
            .filter(|r| r.is_finite()),
        raid_type: raw.raid_type,
        path,
    }
}

fn redundancy(raw: RawRedundancy) -> Redundancy {
    let links = if raw.group.is_empty() {
        raw.set
    } else {
        raw.group
    };
    Redundancy {
        name: raw.name.unwrap_or_default(),
        mode: raw.mode.or(raw.kind).unwrap_or_default(),
        min_needed: raw.min_num.or(raw.min_in_group),
        max_supported: raw.max_num.or(raw.max_in_group),
        state: raw.status.state,
        health: raw.status.health,
        members: links.iter().map(|l| member_path(&l.id)).collect(),
    }
}

/// Parse `Power`, `Thermal`, `PowerSubsystem` or `ThermalSubsystem`.
pub fn parse_subsystem(text: &str, source: &str) -> Result<Subsystem, ParseError> {
    let raw: RawSubsystem = json(text, source)?;
    let mut out = Subsystem::default();
    for (value, kind) in [(raw.supplies, "PowerSupplies"), (raw.fans, "Fans")] {
        match value {
            // old style: the components inline
            Some(serde_json::Value::Array(items)) => {
                for item in items {
                    let c: RawComponent = serde_json::from_value(item).map_err(|e| {
                        ParseError::new(source, format!("{kind}: not the expected JSON: {e}"))
                    })?;
                    out.components.push(component(c, kind));
                }
            }
            // subsystem style: a link to a collection
            Some(v @ serde_json::Value::Object(_)) => {
                let link: Link = serde_json::from_value(v)
                    .map_err(|e| ParseError::new(source, format!("{kind}: not a link: {e}")))?;
                out.collection = Some(link.id);
            }
            Some(serde_json::Value::Null) | None => {}
            Some(_) => {
                return Err(ParseError::new(
                    source,
                    format!("{kind} is neither a list nor a link"),
                ));
            }
        }
    }
    for item in raw.temperatures {
        let t: RawOldTemperature = serde_json::from_value(item).map_err(|e| {
            ParseError::new(source, format!("Temperatures: not the expected JSON: {e}"))
        })?;
        out.temperatures.push(old_temperature(t));
    }
    out.thermal_metrics = raw.thermal_metrics.map(|l| l.id);
    out.redundancy = raw
        .redundancy
        .into_iter()
        .chain(raw.supply_redundancy)
        .chain(raw.fan_redundancy)
        .map(redundancy)
        .collect();
    Ok(out)
}

/// The member links of a resource collection.
pub fn parse_collection(text: &str, source: &str) -> Result<Vec<String>, ParseError> {
    #[derive(Deserialize)]
    struct Collection {
        #[serde(rename = "Members")]
        members: Vec<Link>,
    }
    let c: Collection = json(text, source)?;
    Ok(c.members.into_iter().map(|l| l.id).collect())
}

/// One `PowerSupply` or `Fan` resource; `kind` names its collection.
pub fn parse_component(text: &str, kind: &str, source: &str) -> Result<Component, ParseError> {
    let raw: RawComponent = json(text, source)?;
    Ok(component(raw, kind))
}

/// Where a service keeps its chassis and computer systems, from its service root. A PDU,
/// a power shelf or a cooling unit has no `Systems`: that is no error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceRoot {
    pub chassis: Option<String>,
    pub systems: Option<String>,
    /// PDUs, switchgear, transfer switches (`PowerEquipment`).
    pub power_equipment: Option<String>,
    /// CDUs, heat exchangers, immersion units (`ThermalEquipment`).
    pub thermal_equipment: Option<String>,
}

pub fn parse_service_root(text: &str, source: &str) -> Result<ServiceRoot, ParseError> {
    #[derive(Deserialize)]
    struct Raw {
        #[serde(rename = "Chassis", default)]
        chassis: Option<Link>,
        #[serde(rename = "Systems", default)]
        systems: Option<Link>,
        #[serde(rename = "PowerEquipment", default)]
        power: Option<Link>,
        #[serde(rename = "ThermalEquipment", default)]
        thermal: Option<Link>,
    }
    let raw: Raw = json(text, source)?;
    Ok(ServiceRoot {
        chassis: raw.chassis.map(|l| l.id),
        systems: raw.systems.map(|l| l.id),
        power_equipment: raw.power.map(|l| l.id),
        thermal_equipment: raw.thermal.map(|l| l.id),
    })
}

/// A `Chassis` resource's links to what we read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChassisLinks {
    pub id: String,
    pub power: Option<String>,
    pub thermal: Option<String>,
}

pub fn parse_chassis(text: &str, source: &str) -> Result<ChassisLinks, ParseError> {
    #[derive(Deserialize)]
    struct Chassis {
        #[serde(rename = "Id")]
        id: String,
        #[serde(rename = "Power")]
        power: Option<Link>,
        #[serde(rename = "PowerSubsystem")]
        power_subsystem: Option<Link>,
        #[serde(rename = "Thermal")]
        thermal: Option<Link>,
        #[serde(rename = "ThermalSubsystem")]
        thermal_subsystem: Option<Link>,
    }
    let c: Chassis = json(text, source)?;
    // The subsystems replace the old resources (Redfish 2020.4); a service may offer
    // both, and reading both would count every supply twice.
    Ok(ChassisLinks {
        id: c.id,
        power: c.power_subsystem.or(c.power).map(|l| l.id),
        thermal: c.thermal_subsystem.or(c.thermal).map(|l| l.id),
    })
}

/// A `ComputerSystem` resource's link to its `Storage` collection.
pub fn parse_system(text: &str, source: &str) -> Result<Option<String>, ParseError> {
    #[derive(Deserialize)]
    struct System {
        #[serde(rename = "Storage")]
        storage: Option<Link>,
    }
    let s: System = json(text, source)?;
    Ok(s.storage.map(|l| l.id))
}

/// A `Storage` resource: its drives (links) and its `Volumes` collection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageLinks {
    pub drives: Vec<String>,
    pub volumes: Option<String>,
}

pub fn parse_storage(text: &str, source: &str) -> Result<StorageLinks, ParseError> {
    #[derive(Deserialize)]
    struct Storage {
        #[serde(rename = "Drives", default)]
        drives: Vec<Link>,
        #[serde(rename = "Volumes")]
        volumes: Option<Link>,
    }
    let s: Storage = json(text, source)?;
    Ok(StorageLinks {
        drives: s.drives.into_iter().map(|l| l.id).collect(),
        volumes: s.volumes.map(|l| l.id),
    })
}
