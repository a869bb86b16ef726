//! Drivers: carrying out an operation on the source that reports its target. The desk
//! (`ops.rs`) has already checked the token, the state version and the idempotency key;
//! here the target's site id is mapped back to the source's own name (through
//! `element_map`), routed to the collector that reported that name in the last round, and
//! that source's driver says whether it can do the verb and does it.
//!
//! Drivers block (sockets, files): the agent calls them on a blocking thread, under an
//! overall timeout, and every source's client has its own I/O timeouts.

pub mod bonding;
pub mod bridge;
pub mod checks;
pub mod haproxy;
pub mod keepalived;
pub mod mdraid;
pub mod nut;
pub mod pacemaker;

use std::collections::BTreeMap;

use super::collectors::Owner;
use super::config::{AgentConfig, CollectorSpec};
use crate::ops::{OpKind, Operation};

pub use crate::desk::Act;

/// What a driver saw when it checked its source before acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// This driver checks nothing for this operation.
    Nothing,
    /// The source allows it; what was checked.
    Passed(String),
    /// The source says it would break redundancy that is left: why.
    Failed(String),
}

/// One source's way of carrying out operations.
pub trait Driver: Send + Sync {
    /// The collector whose ids this driver acts on.
    fn collector(&self) -> &'static str;
    /// The source name to act on for a group this source serves without reporting it as
    /// an id (a VRRP gateway group).
    fn group(&self, _site_id: &str) -> Option<String> {
        None
    }
    /// Whether this driver took `name` (a source name) out of its parent, so the
    /// source no longer reports it and only this driver can put it back (a bond slave,
    /// an md member).
    fn released(&self, _name: &str) -> bool {
        false
    }
    /// Look at the source now and say whether `kind` on `name` leaves what it serves
    /// working (the agent's own judgement, whatever verdict the request claims).
    fn check(&self, _name: &str, _kind: &OpKind) -> Checked {
        Checked::Nothing
    }
    /// Carry out `kind` on `name` (the source's own name); `to` is the partner of a
    /// failover or move, as a source name when this agent maps it, else its site id.
    fn act(&self, name: &str, kind: &OpKind, to: Option<&str>) -> Act;
}

/// The drivers of one agent's configured sources, each with the slot of its collector in
/// the config's `collectors` list (an agent may read two upsd servers: each id goes to the
/// one that reported it).
pub struct Drivers {
    drivers: Vec<(usize, Box<dyn Driver>)>,
    /// Source name -> site id, as in the config.
    element_map: BTreeMap<String, String>,
}

impl Drivers {
    pub fn new(
        drivers: Vec<(usize, Box<dyn Driver>)>,
        element_map: BTreeMap<String, String>,
    ) -> Self {
        Drivers {
            drivers,
            element_map,
        }
    }

    /// A driver for every configured source that can act; building one does no I/O.
    pub fn from_config(config: &AgentConfig) -> Self {
        let drivers = config
            .collectors
            .iter()
            .enumerate()
            .filter_map(|(slot, spec)| -> Option<(usize, Box<dyn Driver>)> {
                let driver: Box<dyn Driver> = match spec {
                    CollectorSpec::Nut {
                        server,
                        timeout_s,
                        username,
                        password_file,
                        ..
                    } => Box::new(nut::NutDriver {
                        server: server.clone(),
                        timeout: seconds(*timeout_s),
                        username: username.clone(),
                        password_file: password_file.clone(),
                    }),
                    CollectorSpec::Haproxy {
                        socket, timeout_s, ..
                    } => Box::new(haproxy::HaproxyDriver::new(socket, seconds(*timeout_s))),
                    CollectorSpec::Keepalived { failover, .. } => {
                        Box::new(keepalived::KeepalivedDriver {
                            failover: failover.clone(),
                        })
                    }
                    CollectorSpec::Pacemaker {
                        command,
                        xml_file,
                        cib_file,
                        ..
                    } => Box::new(pacemaker::PacemakerDriver::new(
                        command.as_deref(),
                        xml_file.is_some(),
                        cib_file.as_deref(),
                    )),
                    CollectorSpec::Bonding { root } => {
                        Box::new(bonding::BondingDriver::new(root.as_deref()))
                    }
                    CollectorSpec::Mdraid { root, mdadm } => {
                        Box::new(mdraid::MdraidDriver::new(root.as_deref(), mdadm.as_deref()))
                    }
                    CollectorSpec::Bridge { root, .. } => {
                        Box::new(bridge::BridgeDriver::new(root.as_deref()))
                    }
                    // read-only sources
                    CollectorSpec::Host { .. }
                    | CollectorSpec::Redfish { .. }
                    | CollectorSpec::Snmp { .. }
                    | CollectorSpec::Modbus { .. } => return None,
                };
                Some((slot, driver))
            })
            .collect();
        Drivers::new(drivers, config.element_map.clone())
    }

    /// The source names that stand for site id `id`: those mapped to it, and `id` itself
    /// when no source name is renamed to something else under it.
    fn source_names(&self, id: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .element_map
            .iter()
            .filter(|(_, site)| *site == id)
            .map(|(source, _)| source.clone())
            .collect();
        if !self.element_map.contains_key(id) {
            names.push(id.to_string());
        }
        names
    }

    /// The source name and driver `op` goes to (`owners`: source name -> collector, from
    /// the last round), or why there is none.
    fn route(
        &self,
        op: &Operation,
        owners: &BTreeMap<String, Owner>,
    ) -> Result<(String, &dyn Driver), Act> {
        let verb = op.kind.verb();
        let owned = self
            .source_names(&op.target)
            .into_iter()
            .find_map(|n| owners.get(&n).map(|c| (n, *c)));
        let routed = match owned {
            Some((name, owner)) => match self.drivers.iter().find(|(s, _)| *s == owner.slot) {
                Some((_, d)) => Some((name, d)),
                None => {
                    return Err(Act::NotApplicable(format!(
                        "{}: reported by the {} collector, which has no driver that can {verb} it",
                        op.target, owner.kind
                    )));
                }
            },
            None => self
                .drivers
                .iter()
                .find_map(|(_, d)| d.group(&op.target).map(|n| (n, d)))
                .or_else(|| {
                    self.source_names(&op.target).into_iter().find_map(|n| {
                        self.drivers
                            .iter()
                            .find(|(_, d)| d.released(&n))
                            .map(|(_, d)| (n, d))
                    })
                }),
        };
        routed.map(|(name, d)| (name, d.as_ref())).ok_or_else(|| {
            Act::NotApplicable(format!(
                "{}: no source of this agent reports it, so no driver can {verb} it",
                op.target
            ))
        })
    }

    /// The check of the driver `op` goes to (nothing when none does: carrying it out
    /// then answers why).
    pub fn check(&self, op: &Operation, owners: &BTreeMap<String, Owner>) -> Checked {
        match self.route(op, owners) {
            Ok((name, driver)) => driver.check(&name, &op.kind),
            Err(_) => Checked::Nothing,
        }
    }

    /// Route `op` to the source that reported its target and carry it out.
    pub fn carry_out(&self, op: &Operation, owners: &BTreeMap<String, Owner>) -> Act {
        let (name, driver) = match self.route(op, owners) {
            Ok(r) => r,
            Err(act) => return act,
        };
        let to = match &op.kind {
            OpKind::Failover { to: Some(to) } | OpKind::Move { to } => {
                let names = self.source_names(to);
                // Prefer the name this agent's sources use; a partner elsewhere keeps its id.
                let local = names.iter().find(|n| owners.contains_key(*n));
                Some(
                    local
                        .or(names.first())
                        .cloned()
                        .unwrap_or_else(|| to.clone()),
                )
            }
            _ => None,
        };
        driver.act(&name, &op.kind, to.as_deref())
    }
}

/// Members a driver took out of their parent (member -> parent), remembered so an
/// undrain can find the parent after the source has stopped reporting the member. Kept
/// in memory: after a restart the member is put back by hand.
#[derive(Default)]
pub struct Released(std::sync::Mutex<BTreeMap<String, String>>);

impl Released {
    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        // A panic elsewhere while holding the lock leaves a plain map: still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    pub fn insert(&self, member: &str, parent: &str) {
        self.map().insert(member.to_string(), parent.to_string());
    }
    pub fn parent(&self, member: &str) -> Option<String> {
        self.map().get(member).cloned()
    }
    pub fn remove(&self, member: &str) {
        self.map().remove(member);
    }
}

/// Run a source's command-line tool (`crm_standby`, `mdadm`, `ip`) with the collectors'
/// time limit: `Done` saying what ran, `Failed` with the tool's own words when it exits
/// non-zero or cannot start, `Unknown` when it was started but did not finish in time.
pub fn run_tool(argv: &[String], env: &[(&str, &std::path::Path)]) -> Act {
    match crate::agent::collectors::command::run(argv, env) {
        Ok(out) if out.success => Act::Done(format!("ran {}", out.source)),
        Ok(out) => Act::Failed(format!("{}: {}", out.source, out.why)),
        // The tool was killed at the limit: it may have done its work before that.
        Err(e) if e.message.starts_with("no answer within") => Act::Unknown(e.to_string()),
        Err(e) => Act::Failed(e.to_string()),
    }
}

/// A configured timeout; the config loader keeps it positive, a config built in code
/// might not.
fn seconds(s: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .unwrap_or(std::time::Duration::from_secs(3))
}

#[cfg(test)]
mod tests;
