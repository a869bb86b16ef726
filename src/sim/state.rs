//! The simulated site as it stands: the design, the live overlay that faults and the
//! scenario change, each agent's fault mode and content version, and the timeline still
//! to come. Time is `tokio::time::Instant`, so tests can drive it with paused time.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{self, Health};
use crate::model::{ElementState, Kind, LiveState, MemberState, Rebuild, Site};

use super::SimError;
use super::catalog::{Catalog, TargetKind};
use super::faults::{Action, AgentFault, FaultError};
use super::report::{Battery, Content, DEFAULT_RUNTIME_MIN, Plant, View, agent_info};
use super::scenario::{Event, Scenario};

#[derive(Debug, Clone, Default)]
struct AgentState {
    version: u64,
    fault: Option<AgentFault>,
    /// What the last snapshot said; `None` after a fault bumped the version, so that bump
    /// is not followed by a second one for the same change.
    last: Option<Content>,
}

/// A simulated site behind the agent API.
#[derive(Debug)]
pub struct Sim {
    pub(super) site: Site,
    pub(super) live: LiveState,
    pub(super) catalog: Catalog,
    plant: Plant,
    agents: BTreeMap<String, AgentState>,
    /// Tokens, answered operations and the audit log of `POST .../v1/ops`.
    pub(super) desk: crate::desk::Desk,
    batteries: BTreeMap<String, Battery>,
    /// Which member carries each gateway group's and active-backup bond's work.
    pub(super) active: super::roles::Active,
    pending: VecDeque<Event>,
    start: Instant,
}

impl Sim {
    /// Start the simulation now. Every scenario event is checked against the site first
    /// and all bad ones are reported together.
    pub fn new(site: Site, live: LiveState, scenario: Option<Scenario>) -> Result<Sim, SimError> {
        let catalog = Catalog::new(&site);
        let mut events = scenario.map(|s| s.events).unwrap_or_default();
        let problems: Vec<String> = events
            .iter()
            .filter_map(|e| match catalog.check(&e.action) {
                Err(err) => Some(format!("at {} s: {err}", e.at_s)),
                Ok(_) if !e.at_s.is_finite() || e.at_s < 0.0 => Some(format!(
                    "at {} s: the time must be a number of seconds >= 0",
                    e.at_s
                )),
                Ok(_) => None,
            })
            .collect();
        if !problems.is_empty() {
            return Err(SimError::Scenario(problems));
        }
        // Stable: events at the same time keep their file order.
        events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        let start = Instant::now();
        let batteries = site
            .elements
            .iter()
            .filter(|e| e.kind == Kind::Ups && live.element_state(&e.id) == ElementState::OnBattery)
            .map(|e| {
                let full = live
                    .battery_runtime_min
                    .get(&e.id)
                    .copied()
                    .unwrap_or(DEFAULT_RUNTIME_MIN);
                let battery = Battery {
                    since: start,
                    charge0: 100.0,
                    full_runtime_min: full,
                    discharging: true,
                };
                (e.id.clone(), battery)
            })
            .collect();
        let agents = catalog
            .agents
            .keys()
            .map(|a| {
                (
                    a.clone(),
                    AgentState {
                        version: 1,
                        ..AgentState::default()
                    },
                )
            })
            .collect();
        Ok(Sim {
            plant: Plant::new(&site),
            active: super::roles::initial(&site),
            site,
            live,
            catalog,
            agents,
            batteries,
            pending: events.into(),
            start,
            desk: crate::desk::Desk::default(),
        })
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The live state as the simulation has it now.
    pub fn live(&self) -> &LiveState {
        &self.live
    }

    pub fn start(&self) -> Instant {
        self.start
    }

    /// Agent names, sorted.
    pub fn agent_names(&self) -> impl Iterator<Item = &str> {
        self.agents.keys().map(String::as_str)
    }

    pub fn has_agent(&self, agent: &str) -> bool {
        self.agents.contains_key(agent)
    }

    pub fn fault(&self, agent: &str) -> Option<AgentFault> {
        self.agents.get(agent).and_then(|a| a.fault)
    }

    /// The agent's content version (the number in its ETag).
    pub fn version(&self, agent: &str) -> Option<u64> {
        self.agents.get(agent).map(|a| a.version)
    }

    /// Scenario events not yet applied.
    pub fn pending_events(&self) -> impl Iterator<Item = &Event> {
        self.pending.iter()
    }

    /// Apply every scenario event whose time has come, in order. Called before answering
    /// any request, so the timeline needs no task of its own and follows paused time.
    pub fn tick(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.start);
        while let Some(event) = self.pending.front() {
            // A time too far out for a Duration never comes.
            let at = Duration::try_from_secs_f64(event.at_s).unwrap_or(Duration::MAX);
            if at > elapsed {
                break;
            }
            if let Some(event) = self.pending.pop_front() {
                // Checked in `new`; the site cannot change since, so this cannot fail.
                let _ = self.apply(&event.action, self.start + at);
            }
        }
    }

    /// Apply one action as of `at`; returns the agents whose answers changed (each got a
    /// new content version).
    pub fn apply(&mut self, action: &Action, at: Instant) -> Result<BTreeSet<String>, FaultError> {
        let agents = self.catalog.check(action)?;
        let element = match action {
            Action::Fail { target } => Some((target, ElementState::Failed, None)),
            Action::Repair { target } => Some((target, ElementState::Ok, None)),
            Action::Maintenance { target } => Some((target, ElementState::Maintenance, None)),
            Action::Bypass { target } => Some((target, ElementState::Bypass, None)),
            Action::Unknown { target } => Some((target, ElementState::Unknown, None)),
            Action::OnBattery {
                target,
                runtime_min,
            } => Some((target, ElementState::OnBattery, *runtime_min)),
            _ => None,
        };
        if let Some((target, state, runtime_min)) = element {
            self.set_state(target, state, runtime_min, at);
        }
        if let Action::Member { target, state } = action {
            self.set_member(target, *state);
        }
        let fault = match action {
            Action::Slow { agent, delay_ms } => Some((
                agent,
                Some(AgentFault::Slow {
                    delay_ms: *delay_ms,
                }),
            )),
            Action::Garbage { agent } => Some((agent, Some(AgentFault::Garbage))),
            Action::Truncated { agent } => Some((agent, Some(AgentFault::Truncated))),
            Action::Error { agent } => Some((agent, Some(AgentFault::Error))),
            Action::WrongSchema { agent } => Some((agent, Some(AgentFault::WrongSchema))),
            Action::Huge { agent, bytes } => {
                Some((agent, Some(AgentFault::Huge { bytes: *bytes })))
            }
            Action::Down { agent } => Some((agent, Some(AgentFault::Down))),
            Action::Clear { agent } => Some((agent, None)),
            _ => None,
        };
        if let Some((agent, mode)) = fault
            && let Some(a) = self.agents.get_mut(agent)
        {
            a.fault = mode;
        }
        for agent in &agents {
            if let Some(a) = self.agents.get_mut(agent) {
                a.version += 1;
                a.last = None;
            }
        }
        Ok(agents)
    }

    fn set_state(
        &mut self,
        target: &str,
        state: ElementState,
        runtime_min: Option<f64>,
        at: Instant,
    ) {
        if self.catalog.kind(target) == Some(TargetKind::Tank) {
            let fuel = self.site.fuel_tanks.iter().any(|t| t.id == target);
            let tanks = if fuel {
                &mut self.live.fuel_tanks
            } else {
                &mut self.live.makeup_water
            };
            tanks.entry(target.to_string()).or_default().state = state;
            return;
        }
        let before = self.live.element_state(target);
        if state == ElementState::Ok {
            self.live.elements.remove(target);
        } else {
            self.live.elements.insert(target.to_string(), state);
        }
        if self.catalog.kind(target) == Some(TargetKind::Element(Kind::Ups)) {
            self.battery_transition(target, before, state, runtime_min, at);
        }
    }

    /// Start draining the battery when a UPS goes on battery, recharging when it leaves.
    fn battery_transition(
        &mut self,
        ups: &str,
        before: ElementState,
        after: ElementState,
        runtime_min: Option<f64>,
        at: Instant,
    ) {
        let old = self.batteries.get(ups).copied();
        let charge = old.map_or(100.0, |b| b.charge(at));
        let full = old
            .map(|b| b.full_runtime_min)
            .or_else(|| self.live.battery_runtime_min.get(ups).copied())
            .unwrap_or(DEFAULT_RUNTIME_MIN);
        let battery = match (after, runtime_min) {
            // A stated runtime is the runtime left now: scale the full-charge runtime to it.
            (ElementState::OnBattery, Some(rt)) if charge > 0.0 => Battery {
                since: at,
                charge0: charge,
                full_runtime_min: rt * 100.0 / charge,
                discharging: true,
            },
            (ElementState::OnBattery, Some(rt)) => Battery {
                since: at,
                charge0: 100.0,
                full_runtime_min: rt,
                discharging: true,
            },
            (ElementState::OnBattery, None) if before == ElementState::OnBattery => return,
            (ElementState::OnBattery, None) => Battery {
                since: at,
                charge0: charge,
                full_runtime_min: full,
                discharging: true,
            },
            _ if before == ElementState::OnBattery => Battery {
                since: at,
                charge0: charge,
                full_runtime_min: full,
                discharging: false,
            },
            _ => return,
        };
        self.batteries.insert(ups.to_string(), battery);
    }

    fn set_member(&mut self, target: &str, state: MemberState) {
        if state == MemberState::Ok {
            self.live.members.remove(target);
        } else {
            self.live.members.insert(target.to_string(), state);
        }
        // A rebuild only has progress while it runs; a fresh one starts at zero.
        if state == MemberState::Rebuilding {
            self.live
                .rebuilds
                .entry(target.to_string())
                .or_insert(Rebuild {
                    progress: 0.0,
                    eta_min: None,
                });
        } else {
            self.live.rebuilds.remove(target);
        }
    }

    /// What `agent` reports at `now`, with its content version; a change since the last
    /// answer bumps the version, so ETags follow drifting metrics too.
    pub(crate) fn content(&mut self, agent: &str, now: Instant) -> Option<(u64, Content)> {
        let reports = self.catalog.agents.get(agent)?;
        let view = View {
            site: &self.site,
            live: &self.live,
            plant: &self.plant,
            batteries: &self.batteries,
            active: &self.active,
            now,
        };
        let content = view.content(reports);
        let state = self.agents.get_mut(agent)?;
        match &state.last {
            Some(last) if *last == content => {}
            Some(_) => {
                state.version += 1;
                state.last = Some(content.clone());
            }
            None => state.last = Some(content.clone()),
        }
        Some((state.version, content))
    }

    /// A change the snapshot does not show (which member of a group is active) still
    /// makes a new version, so a plan computed before it is stale.
    pub(super) fn touch(&mut self, agent: &str) {
        if let Some(a) = self.agents.get_mut(agent) {
            a.version += 1;
            a.last = None;
        }
    }

    pub fn health(&self, agent: &str, now: Instant) -> Health {
        Health {
            status: "ok".into(),
            agent: agent_info(agent),
            schema_version: api::SCHEMA_VERSION,
            uptime_s: now.saturating_duration_since(self.start).as_secs_f64(),
        }
    }
}

/// The shared handle the server, the console and tests hold.
#[derive(Debug, Clone)]
pub struct SimHandle {
    sim: Arc<Mutex<Sim>>,
    /// Bumped on every change made from outside (a fault, an operation): what a waiting
    /// snapshot request wakes on. Drift with time (a battery running down, a scenario's
    /// next event) is seen by the waiting request's own re-check.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
}

impl SimHandle {
    pub fn new(sim: Sim) -> SimHandle {
        SimHandle {
            sim: Arc::new(Mutex::new(sim)),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }

    /// Lock the simulation with the scenario brought up to `now`. Never held across an
    /// await. A panic elsewhere while locked leaves plain data behind, still usable, so a
    /// poisoned lock is taken over rather than spread.
    pub fn lock_at(&self, now: Instant) -> MutexGuard<'_, Sim> {
        let mut sim = self
            .sim
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sim.tick(now);
        sim
    }

    /// Something changed from outside: wake the waiting snapshot requests.
    pub fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// What a waiting snapshot request waits on.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Lock as of the current (possibly paused) tokio time.
    pub fn lock(&self) -> MutexGuard<'_, Sim> {
        self.lock_at(Instant::now())
    }

    /// Apply an action now, as `POST /v1/sim/faults` does.
    pub fn apply(&self, action: &Action) -> Result<BTreeSet<String>, FaultError> {
        let now = Instant::now();
        let applied = self.lock_at(now).apply(action, now);
        self.changed();
        applied
    }
}
