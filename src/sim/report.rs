//! What a simulated agent says about its share of the site: states from the live overlay
//! and metrics that move the way a real device's would (a UPS on battery drains, the
//! survivors of a failure carry more load), so a console shows believable numbers.

use std::collections::{BTreeMap, HashMap};

use tokio::time::Instant;

use crate::api::{self, AgentInfo, ElementReport, MemberReport, Metrics, Snapshot, TankReport};
use crate::model::{ElementState, Kind, LiveState, MemberState, Site, Subsystem};

use super::catalog::Reports;

/// Runtime of a full battery at the simulated load, when nothing says otherwise.
pub const DEFAULT_RUNTIME_MIN: f64 = 15.0;
/// Recharge speed back on mains, percent per minute.
const RECHARGE_PCT_PER_MIN: f64 = 2.0;
/// NUT sets LB (low battery) around here; consoles treat it as "about to drop the load".
const LOW_BATTERY_MIN: f64 = 5.0;

/// A UPS battery: the charge moves linearly from `charge0` since `since`, down while on
/// battery, up while on mains. Kept per UPS so a scenario's discharge starts at the event's
/// own time, not at the first request after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Battery {
    pub since: Instant,
    pub charge0: f64,
    /// Runtime of a full battery, minutes.
    pub full_runtime_min: f64,
    pub discharging: bool,
}

impl Battery {
    pub fn charge(&self, now: Instant) -> f64 {
        let min = now.saturating_duration_since(self.since).as_secs_f64() / 60.0;
        if self.discharging {
            let rate = 100.0 / self.full_runtime_min.max(0.01);
            (self.charge0 - rate * min).max(0.0)
        } else {
            (self.charge0 + RECHARGE_PCT_PER_MIN * min).min(100.0)
        }
    }

    pub fn runtime_min(&self, now: Instant) -> f64 {
        self.full_runtime_min * self.charge(now) / 100.0
    }
}

/// The content of one agent's snapshot, timestamps aside: equal contents mean an equal
/// ETag, so a client's 304 is honest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    pub elements: Vec<ElementReport>,
    pub members: Vec<MemberReport>,
    pub tanks: Vec<TankReport>,
}

/// Load sharing worked out once from the design: which units share a load and how big it
/// is. Not a flow calculation, just enough for plausible percentages.
#[derive(Debug, Clone, Default)]
pub struct Plant {
    /// Per UPS: the UPSs of its system (those feeding the same downstream element) and the
    /// system's share of the critical power demand, kW.
    ups: HashMap<String, (Vec<String>, f64)>,
    /// Chillers, then CRAC/CRAH units: all units of a class share the heat load.
    chillers: Vec<String>,
    air_units: Vec<String>,
    heat_kw: f64,
    index: HashMap<String, usize>,
    member_speed: HashMap<String, f64>,
}

impl Plant {
    pub fn new(site: &Site) -> Plant {
        let demand = |s: Subsystem| {
            site.loads
                .iter()
                .filter(|l| l.subsystem == s)
                .map(|l| l.demand)
                .sum::<f64>()
        };
        let mut systems: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for u in site.elements.iter().filter(|e| e.kind == Kind::Ups) {
            let downstream = site.elements.iter().find(|d| d.inputs.contains(&u.id));
            let key = downstream.map_or(u.id.as_str(), |d| d.id.as_str());
            systems.entry(key).or_default().push(u.id.clone());
        }
        let per_system = demand(Subsystem::Power) / systems.len().max(1) as f64;
        let ups = systems
            .values()
            .flat_map(|peers| {
                peers
                    .iter()
                    .map(|u| (u.clone(), (peers.clone(), per_system)))
            })
            .collect();
        let of_kind = |kinds: &[Kind]| {
            site.elements
                .iter()
                .filter(|e| kinds.contains(&e.kind))
                .map(|e| e.id.clone())
                .collect()
        };
        let mut member_speed = HashMap::new();
        for m in site.bonds.iter().flat_map(|b| &b.members) {
            member_speed.insert(m.id.clone(), m.speed_gbps);
        }
        for m in site.bridges.iter().flat_map(|b| &b.members) {
            member_speed.insert(m.id.clone(), m.speed_gbps);
        }
        Plant {
            ups,
            chillers: of_kind(&[Kind::Chiller]),
            air_units: of_kind(&[Kind::Crac, Kind::Crah]),
            heat_kw: demand(Subsystem::Cooling),
            index: site
                .elements
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.clone(), i))
                .collect(),
            member_speed,
        }
    }
}

fn carries(state: ElementState) -> bool {
    matches!(
        state,
        ElementState::Ok | ElementState::OnBattery | ElementState::Bypass
    )
}

/// Round so that slowly drifting values change the content (and the ETag) every few
/// seconds, not on every request.
fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

pub struct View<'a> {
    pub site: &'a Site,
    pub live: &'a LiveState,
    pub plant: &'a Plant,
    pub batteries: &'a BTreeMap<String, Battery>,
    pub active: &'a super::roles::Active,
    pub now: Instant,
}

impl View<'_> {
    pub fn content(&self, reports: &Reports) -> Content {
        Content {
            elements: reports.elements.iter().map(|id| self.element(id)).collect(),
            members: reports
                .members
                .iter()
                .map(|id| self.member(id))
                .chain(reports.elements.iter().flat_map(|id| self.outlets(id)))
                .collect(),
            tanks: reports.tanks.iter().map(|id| self.tank(id)).collect(),
        }
    }

    fn element(&self, id: &str) -> ElementReport {
        let state = self.live.element_state(id);
        let mut report = ElementReport {
            id: id.into(),
            state,
            observed_at: 0.0,
            flags: Vec::new(),
            metrics: Metrics::new(),
            position: self.live.positions.get(id).map(|p| p.as_str().into()),
        };
        let element = self
            .plant
            .index
            .get(id)
            .and_then(|&i| self.site.elements.get(i));
        let Some(element) = element.filter(|_| state != ElementState::Unknown) else {
            return report;
        };
        let capacity = element.capacity.unwrap_or(0.0);
        match element.kind {
            Kind::Ups => self.ups(&mut report, capacity),
            Kind::Chiller => self.cooling(&mut report, capacity, &self.plant.chillers, 7.0, 5.0),
            Kind::Crac | Kind::Crah => {
                self.cooling(&mut report, capacity, &self.plant.air_units, 18.0, 12.0)
            }
            _ => {}
        }
        report
    }

    fn ups(&self, r: &mut ElementReport, capacity: f64) {
        let (peers, system_kw) = match self.plant.ups.get(r.id.as_str()) {
            Some((peers, kw)) => (peers.as_slice(), *kw),
            None => (&[][..], 0.0),
        };
        let carrying = peers
            .iter()
            .filter(|p| carries(self.live.element_state(p)))
            .count();
        let load_pct = if carries(r.state) && carrying > 0 && capacity > 0.0 {
            100.0 * system_kw / carrying as f64 / capacity
        } else {
            0.0
        };
        let battery = self.batteries.get(r.id.as_str());
        let charge = battery.map_or(100.0, |b| b.charge(self.now));
        let runtime = battery.map_or_else(
            || {
                self.live
                    .battery_runtime_min
                    .get(r.id.as_str())
                    .copied()
                    .unwrap_or(DEFAULT_RUNTIME_MIN)
            },
            |b| b.runtime_min(self.now),
        );
        let flags: &[&str] = match r.state {
            ElementState::Ok if charge < 100.0 => &["OL", "CHRG"],
            ElementState::Ok => &["OL"],
            ElementState::OnBattery if runtime < LOW_BATTERY_MIN => &["OB", "LB"],
            ElementState::OnBattery => &["OB", "DISCHRG"],
            ElementState::Bypass => &["OL", "BYPASS"],
            ElementState::Failed => &["OFF", "ALARM"],
            ElementState::Maintenance | ElementState::Unknown => &["OFF"],
        };
        r.flags = flags.iter().map(|&f| f.into()).collect();
        r.metrics.insert("load_pct", round(load_pct, 1));
        r.metrics.insert("battery_charge_pct", round(charge, 0));
        r.metrics.insert("runtime_min", round(runtime, 1));
    }

    /// Air or water temperatures: the return rises with each running unit's share of the
    /// heat, so a failed unit shows up as warmer returns on its peers.
    fn cooling(
        &self,
        r: &mut ElementReport,
        capacity: f64,
        peers: &[String],
        supply: f64,
        full_dt: f64,
    ) {
        let running = peers
            .iter()
            .filter(|p| carries(self.live.element_state(p)))
            .count();
        if !carries(r.state) || running == 0 {
            r.flags = vec!["OFF".into()];
            r.metrics.insert("capacity_kw", 0.0);
            return;
        }
        let share = self.plant.heat_kw / running as f64;
        let dt = if capacity > 0.0 {
            full_dt * (share / capacity).min(1.5)
        } else {
            0.0
        };
        r.flags = vec!["RUN".into()];
        r.metrics.insert("capacity_kw", capacity);
        r.metrics.insert("supply_temp_c", supply);
        r.metrics.insert("return_temp_c", round(supply + dt, 1));
    }

    /// A PDU's outlets as members `<pdu>/outlet.<n>`, as the `apc-rpdu2` SNMP profile
    /// reports them: one per load or element the PDU feeds, in site order, labelled with
    /// what it feeds, on while the PDU carries.
    fn outlets(&self, id: &str) -> Vec<MemberReport> {
        let Some(pdu) = self.site.element(id).filter(|e| e.kind == Kind::Pdu) else {
            return Vec::new();
        };
        let pdu_state = self.live.element_state(id);
        let fed = (self.site.loads.iter())
            .map(|l| (&l.id, &l.inputs, Some(l.demand)))
            .chain(self.site.elements.iter().map(|e| (&e.id, &e.inputs, None)))
            .filter(|(_, inputs, _)| inputs.contains(&pdu.id));
        fed.enumerate()
            .map(|(i, (fed, inputs, demand))| {
                let cords = inputs.len();
                let (state, word) = match pdu_state {
                    s if carries(s) => (MemberState::Ok, "on"),
                    ElementState::Failed => (MemberState::Failed, "off"),
                    ElementState::Maintenance => (MemberState::Maintenance, "off"),
                    _ => (MemberState::Unknown, ""),
                };
                let mut flags: Vec<smol_str::SmolStr> = Vec::new();
                if !word.is_empty() {
                    flags.push(word.into());
                }
                flags.push(format!("desc:{fed}").into());
                let mut metrics = Metrics::new();
                if let Some(kw) = demand.filter(|_| state == MemberState::Ok && cords > 0) {
                    // each cord of a dual-corded row carries its share
                    metrics.insert("realpower_w", round(kw * 1000.0 / cords as f64, 0));
                }
                MemberReport {
                    id: format!("{id}/outlet.{}", i + 1).into(),
                    state,
                    observed_at: 0.0,
                    rebuild: None,
                    flags,
                    metrics,
                }
            })
            .collect()
    }

    fn tank(&self, id: &str) -> TankReport {
        let live = self
            .live
            .fuel_tanks
            .get(id)
            .or_else(|| self.live.makeup_water.get(id));
        let design = self
            .site
            .fuel_tanks
            .iter()
            .chain(&self.site.makeup_water)
            .find(|t| t.id == id);
        let state = live.map(|t| t.state).unwrap_or_default();
        let hours = if state == ElementState::Unknown {
            None
        } else {
            live.and_then(|t| t.hours).or(design.map(|t| t.hours_at_n))
        };
        TankReport {
            id: id.to_string(),
            state,
            hours,
            observed_at: 0.0,
        }
    }

    fn member(&self, id: &str) -> MemberReport {
        let state = self.live.member_state(id);
        let rebuild = self
            .live
            .rebuilds
            .get(id)
            .copied()
            .filter(|_| state == MemberState::Rebuilding);
        let mut metrics = Metrics::new();
        if let Some(&speed) = self.plant.member_speed.get(id)
            && state != MemberState::Unknown
        {
            let up = matches!(state, MemberState::Ok | MemberState::Standby);
            metrics.insert("speed_gbps", if up { speed } else { 0.0 });
        }
        MemberReport {
            id: id.into(),
            state,
            observed_at: 0.0,
            rebuild,
            flags: super::roles::flags(self.site, self.active, id),
            metrics,
        }
    }
}

pub fn agent_info(agent: &str) -> AgentInfo {
    AgentInfo {
        id: agent.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        hostname: Some(format!("{agent}.sim")),
    }
}

/// A snapshot of `content`, stamped `unix_now` throughout: the sim observes constantly.
pub fn snapshot(agent: &str, content: Content, unix_now: f64) -> Snapshot {
    let Content {
        mut elements,
        mut members,
        mut tanks,
    } = content;
    elements.iter_mut().for_each(|e| e.observed_at = unix_now);
    members.iter_mut().for_each(|m| m.observed_at = unix_now);
    tanks.iter_mut().for_each(|t| t.observed_at = unix_now);
    Snapshot {
        schema_version: api::SCHEMA_VERSION,
        agent: agent_info(agent),
        generated_at: unix_now,
        elements,
        members,
        tanks,
        host: None,
    }
}
