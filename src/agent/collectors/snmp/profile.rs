//! SNMP device profiles (RON): which OIDs a device model answers and what they mean.
//! The shipped ones are in `assets/profiles/snmp/`, written from the vendors' public MIB
//! definitions; a site adds its own with `profile_file`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::facility::{Meaning, Position, Rule, Unit};

/// Profiles that come with redcon, by the name a device config uses.
pub const SHIPPED: [(&str, &str); 4] = [
    (
        "liebert-gp-environmental",
        include_str!("../../../../assets/profiles/snmp/liebert-gp-environmental.ron"),
    ),
    (
        "apc-cooling-unit",
        include_str!("../../../../assets/profiles/snmp/apc-cooling-unit.ron"),
    ),
    (
        "apc-rpdu2",
        include_str!("../../../../assets/profiles/snmp/apc-rpdu2.ron"),
    ),
    (
        "ups-mib",
        include_str!("../../../../assets/profiles/snmp/ups-mib.ron"),
    ),
];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// What the profile reads, for people.
    pub description: String,
    /// The MIBs its OIDs come from.
    #[serde(default)]
    pub mibs: Vec<String>,
    /// Named readings of the device itself: a scalar OID each (`oid`), or filled from a
    /// keyed table (no `oid`).
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// Readings without which the device is `unknown`.
    #[serde(default)]
    pub require: Vec<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub tables: Vec<Table>,
}

/// One named reading of the device.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Value {
    #[serde(default)]
    pub oid: Option<String>,
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default = "one")]
    pub scale: f64,
    #[serde(default)]
    pub unit: Unit,
    #[serde(default)]
    pub flags: BTreeMap<i64, String>,
    #[serde(default)]
    pub range: Option<(f64, f64)>,
}

impl Value {
    pub fn meaning(&self) -> Meaning {
        Meaning {
            metric: self.metric.clone(),
            scale: self.scale,
            unit: self.unit,
            flags: self.flags.clone(),
            range: self.range,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// A conceptual table, walked column by column; each row is one index (the OID's tail
/// after the column).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Rows become members `<element>/<name>.<index>`.
    pub name: String,
    /// Column name -> its OID and meaning, as for `values`.
    pub columns: BTreeMap<String, Value>,
    /// Whether rows are reported as members (`false`: only used for the element).
    #[serde(default = "yes")]
    pub members: bool,
    /// A text column shown as the flag `desc:<text>`.
    #[serde(default)]
    pub label: Option<String>,
    /// A member's state, from its row.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Applied to every row; a match gives the element that state and flag.
    #[serde(default)]
    pub element_rules: Vec<Rule>,
    /// Column -> element metric: the highest value over the rows (a three-phase load).
    #[serde(default)]
    pub max: BTreeMap<String, String>,
    /// A table whose rows describe themselves (APC `coolingUnit`): the row whose `key`
    /// column reads as one of `keys` gives that reading of the device.
    #[serde(default)]
    pub keyed: Option<Keyed>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keyed {
    /// The column naming the row (a description).
    pub key: String,
    /// The column with the row's value.
    pub value: String,
    /// A column the value is divided by (a per-row scale), if any.
    #[serde(default)]
    pub divisor: Option<String>,
    /// A column with the row's unit; `F` converts a temperature to °C.
    #[serde(default)]
    pub units: Option<String>,
    /// Row description -> the device reading it gives.
    pub keys: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no profile named {0:?}; shipped: {1}")]
    Unknown(String, String),
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// Parse and check a profile; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Profile, ProfileError> {
    let invalid = |message: String| ProfileError::Invalid {
        file: file.to_string(),
        message,
    };
    let p: Profile = super::super::facility::from_ron(text).map_err(|e| invalid(e.to_string()))?;
    let mut oids = Vec::new();
    for (name, v) in &p.values {
        if let Some(oid) = &v.oid {
            oids.push((name.clone(), oid));
        }
    }
    for t in &p.tables {
        for (name, c) in &t.columns {
            match &c.oid {
                Some(oid) => oids.push((format!("{}.{name}", t.name), oid)),
                None => {
                    return Err(invalid(format!(
                        "table {}: column {name} has no oid",
                        t.name
                    )));
                }
            }
        }
        let known = |c: &String| t.columns.contains_key(c);
        let mut used: Vec<&String> = t
            .rules
            .iter()
            .chain(&t.element_rules)
            .map(|r| &r.when)
            .collect();
        used.extend(t.max.keys());
        used.extend(t.label.iter());
        if let Some(k) = &t.keyed {
            used.extend([&k.key, &k.value]);
            used.extend(k.divisor.iter().chain(k.units.iter()));
        }
        if let Some(bad) = used.into_iter().find(|c| !known(c)) {
            return Err(invalid(format!("table {}: no column {bad}", t.name)));
        }
    }
    for (name, oid) in oids {
        parse_oid(oid).map_err(|e| invalid(format!("{name}: {e}")))?;
    }
    let known = |n: &String| p.values.contains_key(n);
    let mut used: Vec<&String> = p.rules.iter().map(|r| &r.when).chain(&p.require).collect();
    used.extend(p.position.iter().map(|x| &x.from));
    if let Some(bad) = used.into_iter().find(|n| !known(n)) {
        return Err(invalid(format!("no value named {bad}")));
    }
    Ok(p)
}

/// A shipped profile by name.
pub fn shipped(name: &str) -> Result<Profile, ProfileError> {
    let Some((_, text)) = SHIPPED.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        return Err(ProfileError::Unknown(name.to_string(), names.join(", ")));
    };
    parse(text, &format!("profile {name}"))
}

/// `1.3.6.1.2.1.33.1.4.1.0` (a leading dot allowed) as numbers.
pub fn parse_oid(text: &str) -> Result<Vec<u64>, String> {
    let t = text.trim().trim_start_matches('.');
    let arcs: Vec<u64> = t
        .split('.')
        .map(|a| {
            a.parse::<u64>()
                .map_err(|_| format!("{text:?} is not a numeric OID"))
        })
        .collect::<Result<_, _>>()?;
    if arcs.len() < 2 || arcs.len() > 128 || arcs.first().is_none_or(|&a| a > 2) {
        return Err(format!("{text:?} is not a numeric OID"));
    }
    Ok(arcs)
}

/// An OID as text, dotted.
pub fn oid_text(arcs: &[u64]) -> String {
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}
