//! One round over a Redfish service: the service root's links, then every chassis
//! (supplies, fans, temperatures), computer system (storage) and unit of facility
//! equipment. Siblings are fetched together and the `Fetcher` bounds how many requests
//! are in flight, so a round costs about the tree's depth plus its width over the limit
//! in round trips, not one round trip per resource.

use futures_util::future::join_all;

use super::equipment::{self, Part};
use super::equipment_report::{UnitRead, unit_reports};
use super::resource::{self, Component, Subsystem};
use super::thermal::{self, Temperature, temperature_report};
use super::{Fetcher, subsystem_reports};
use crate::agent::collectors::parse::ParseError;
use crate::api::{self, ElementReport, MemberReport};

/// A collection longer than this is not a server's: the rest is left out, and said.
const MAX_MEMBERS: usize = 1024;

/// What a walk (or part of one) found, and what it could not read.
#[derive(Debug, Default)]
pub struct Found {
    pub members: Vec<MemberReport>,
    pub elements: Vec<ElementReport>,
    pub errors: Vec<ParseError>,
}

impl Found {
    pub fn failed(e: ParseError) -> Found {
        Found {
            errors: vec![e],
            ..Found::default()
        }
    }

    fn add(&mut self, mut other: Found) {
        self.members.append(&mut other.members);
        self.elements.append(&mut other.elements);
        self.errors.append(&mut other.errors);
    }
}

/// A member known to exist whose state could not be read: never counted as healthy.
pub(super) fn unreadable(odata_id: &str) -> Component {
    Component {
        path: resource::member_path(odata_id),
        name: String::new(),
        state: None,
        health: None,
        reading: None,
        raid_type: None,
    }
}

/// The member links of a collection, at most `MAX_MEMBERS`.
pub(super) async fn collection(f: &Fetcher, link: &str) -> Result<Vec<String>, ParseError> {
    let (url, text) = f.get(link).await?;
    let members = resource::parse_collection(&text, &url)?;
    if members.len() > MAX_MEMBERS {
        return Err(ParseError::new(
            &url,
            format!(
                "{} members, more than {MAX_MEMBERS}: not read",
                members.len()
            ),
        ));
    }
    Ok(members)
}

pub async fn walk(f: &Fetcher) -> Found {
    // Follow the service root's links: a PDU or cooling unit has no Systems, and some
    // services keep their collections elsewhere.
    let root = match f
        .get("/redfish/v1/")
        .await
        .and_then(|(u, t)| resource::parse_service_root(&t, &u))
    {
        Ok(r) => r,
        Err(e) => return Found::failed(e),
    };
    let (chassis, systems, power, thermal) = tokio::join!(
        all_chassis(f, root.chassis.as_deref()),
        super::storage::all_systems(f, root.systems.as_deref()),
        equipment(f, root.power_equipment.as_deref()),
        equipment(f, root.thermal_equipment.as_deref()),
    );
    let mut found = Found::default();
    for part in [chassis, systems, power, thermal] {
        found.add(part);
    }
    found
}

async fn all_chassis(f: &Fetcher, link: Option<&str>) -> Found {
    let Some(link) = link else {
        return Found::default();
    };
    let chassis = match collection(f, link).await {
        Ok(c) => c,
        // without the list nothing below can be vouched for: the round fails as a whole
        Err(e) => return Found::failed(e),
    };
    let mut found = Found::default();
    for part in join_all(chassis.iter().map(|c| one_chassis(f, c))).await {
        found.add(part);
    }
    found
}

async fn one_chassis(f: &Fetcher, link: &str) -> Found {
    let links = match f
        .get(link)
        .await
        .and_then(|(u, t)| resource::parse_chassis(&t, &u))
    {
        Ok(l) => l,
        Err(e) => return Found::failed(e),
    };
    let mut found = Found::default();
    let (power, thermal) = tokio::join!(
        subsystem(f, links.power.as_deref(), "PowerSupplies"),
        subsystem(f, links.thermal.as_deref(), "Fans"),
    );
    let now = api::unix_now();
    for (sub, group) in [(power, "PowerRedundancy"), (thermal, "FanRedundancy")] {
        let Some((mut sub, errors)) = sub else {
            continue;
        };
        found.errors.extend(errors);
        let metrics_link = sub.thermal_metrics.take();
        let mut temperatures = std::mem::take(&mut sub.temperatures);
        found
            .members
            .extend(subsystem_reports(&links.id, group, &sub, now));
        if let Some(m) = metrics_link {
            match listed_temperatures(f, &m).await {
                Ok((t, errors)) => {
                    temperatures.extend(t);
                    found.errors.extend(errors);
                }
                Err(e) => found.errors.push(e),
            }
        }
        found.members.extend(
            temperatures
                .iter()
                .map(|t| temperature_report(&links.id, t, now)),
        );
    }
    found
}

/// One subsystem with its components (fetching the collection when it is linked), and
/// the errors of the components that could not be read.
async fn subsystem(
    f: &Fetcher,
    link: Option<&str>,
    kind: &str,
) -> Option<(Subsystem, Vec<ParseError>)> {
    let link = link?;
    let mut sub = match f
        .get(link)
        .await
        .and_then(|(u, t)| resource::parse_subsystem(&t, &u))
    {
        Ok(s) => s,
        Err(e) => return Some((Subsystem::default(), vec![e])),
    };
    let mut errors = Vec::new();
    if let Some(coll) = sub.collection.take() {
        let members = collection(f, &coll).await.unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        });
        let read = join_all(members.iter().map(|m| async move {
            f.get(m)
                .await
                .and_then(|(u, t)| resource::parse_component(&t, kind, &u))
        }))
        .await;
        for (m, r) in members.iter().zip(read) {
            match r {
                Ok(c) => sub.components.push(c),
                Err(e) => {
                    errors.push(e);
                    // known to exist, state unknown: never counted as healthy
                    sub.components.push(unreadable(m));
                }
            }
        }
    }
    Some((sub, errors))
}

/// The temperatures `ThermalMetrics` lists, each with its sensor's thresholds. A sensor
/// that cannot be read still gives the reading `ThermalMetrics` had, without limits.
async fn listed_temperatures(
    f: &Fetcher,
    link: &str,
) -> Result<(Vec<Temperature>, Vec<ParseError>), ParseError> {
    let (url, text) = f.get(link).await?;
    let listed = thermal::parse_thermal_metrics(&text, &url)?;
    let read = join_all(listed.iter().map(|l| async move {
        match &l.sensor {
            Some(s) => Some(
                f.get(s)
                    .await
                    .and_then(|(u, t)| thermal::parse_sensor(&t, &u)),
            ),
            None => None,
        }
    }))
    .await;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (l, r) in listed.into_iter().zip(read) {
        let fallback = Temperature {
            path: format!("Temperatures/{}", l.name),
            celsius: l.celsius,
            ..Temperature::default()
        };
        match r {
            Some(Ok(Some(t))) => out.push(t),
            // listed as a temperature, described as something else: keep the listing
            Some(Ok(None)) | None => out.push(fallback),
            Some(Err(e)) => {
                errors.push(e);
                out.push(fallback);
            }
        }
    }
    Ok((out, errors))
}

/// `PowerEquipment` or `ThermalEquipment`: every unit of every collection it links.
async fn equipment(f: &Fetcher, link: Option<&str>) -> Found {
    let Some(link) = link else {
        return Found::default();
    };
    let collections = match f
        .get(link)
        .await
        .and_then(|(u, t)| equipment::parse_equipment(&t, &u))
    {
        Ok(c) => c,
        Err(e) => return Found::failed(e),
    };
    let mut units = Vec::new();
    let mut found = Found::default();
    for c in join_all(collections.iter().map(|c| collection(f, c))).await {
        match c {
            Ok(u) => units.extend(u),
            Err(e) => found.errors.push(e),
        }
    }
    let now = api::unix_now();
    for r in join_all(units.iter().map(|u| unit(f, u))).await {
        match r {
            Ok((read, errors)) => {
                found.errors.extend(errors);
                let (element, members) = unit_reports(&read, now);
                found.elements.push(element);
                found.members.extend(members);
            }
            Err(e) => found.errors.push(e),
        }
    }
    found
}

async fn part_of(f: &Fetcher, link: &str) -> Result<Part, ParseError> {
    let (url, text) = f.get(link).await?;
    equipment::parse_part(&text, &url)
}

/// One unit with its parts, figures and leak detectors.
async fn unit(f: &Fetcher, link: &str) -> Result<(UnitRead, Vec<ParseError>), ParseError> {
    let (url, text) = f.get(link).await?;
    let unit = equipment::parse_unit(&text, &url)?;
    let mut errors = Vec::new();
    let parts = async {
        let lists = join_all(
            unit.parts
                .iter()
                .map(|(name, l)| async move { (*name, collection(f, l).await) }),
        )
        .await;
        let mut links: Vec<(&'static str, String)> = Vec::new();
        let mut errs = Vec::new();
        for (name, l) in lists {
            match l {
                Ok(ms) => links.extend(ms.into_iter().map(|m| (name, m))),
                Err(e) => errs.push(e),
            }
        }
        let read = join_all(links.iter().map(|(_, m)| part_of(f, m))).await;
        let mut parts = Vec::new();
        for ((name, m), r) in links.into_iter().zip(read) {
            let path = resource::member_path(&m);
            match r {
                Ok(p) => parts.push((name, path, Some(p))),
                Err(e) => {
                    errs.push(e);
                    parts.push((name, path, None));
                }
            }
        }
        (parts, errs)
    };
    let figures = join_all(unit.metrics.iter().map(|m| part_of(f, m)));
    let leaks = async {
        match &unit.leak_detection {
            Some(l) => Some(
                f.get(l)
                    .await
                    .and_then(|(u, t)| equipment::parse_leak_detection(&t, &u)),
            ),
            None => None,
        }
    };
    let ((parts, part_errors), figures, leaks) = tokio::join!(parts, figures, leaks);
    errors.extend(part_errors);
    let figures: Vec<Part> = figures
        .into_iter()
        .filter_map(|r| r.map_err(|e| errors.push(e)).ok())
        .collect();
    let leaks = match leaks {
        Some(Ok(l)) => l,
        Some(Err(e)) => {
            errors.push(e);
            Vec::new()
        }
        None => Vec::new(),
    };
    Ok((
        UnitRead {
            unit,
            parts,
            figures,
            leaks,
        },
        errors,
    ))
}
