//! `redcon agent`: collects local state on a timer and serves it over the v1 agent API
//! (docs/agent-api.md). Collection and serving are decoupled: requests only read the
//! latest published snapshot, so a slow source never slows an answer.

mod change;
mod collect;
pub mod collectors;
pub mod config;
pub mod drivers;
pub mod http;
pub mod openmetrics;
mod ops;
mod serve;
mod tls;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use crate::api::{self, AgentInfo, Health, SCHEMA_VERSION, Snapshot};
use collectors::{Collected, CollectorError};

pub use config::{AgentConfig, CollectorSpec, ConfigError, load_agent_config, parse_agent_config};
pub use serve::{run, shutdown_signal};

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Collector(#[from] CollectorError),
    #[error("collector thread failed: {0}")]
    CollectorThread(#[source] tokio::task::JoinError),
    #[error("serving HTTP: {0}")]
    Serve(#[source] std::io::Error),
    #[error(transparent)]
    Desk(#[from] ops::DeskError),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
}

/// The agent's published state. Shared between the collection task and the handlers.
pub struct Agent {
    info: AgentInfo,
    element_map: BTreeMap<String, String>,
    started: Instant,
    published: RwLock<Published>,
    /// Operations: tokens, stored answers, audit log (`POST /v1/ops`).
    desk: Mutex<crate::desk::Desk>,
    drivers: drivers::Drivers,
    /// Asks the collection task for a round now; it answers on the given channel once
    /// that round is published.
    refresh: Mutex<Option<collect::Refresh>>,
    /// The content version, sent on every change: what a waiting snapshot request waits on.
    changes: tokio::sync::watch::Sender<u64>,
}

struct Published {
    snapshot: Snapshot,
    key: Snapshot,
    /// Serialised once per round rather than once per request.
    body: Arc<Vec<u8>>,
    version: u64,
    errors: Vec<String>,
    /// Source name -> the collector that reported it in this round.
    owners: BTreeMap<String, collectors::Owner>,
    /// How each collector fared in this round (`/metrics`).
    runs: Vec<collectors::CollectorRun>,
}

impl Agent {
    /// An agent with nothing collected yet (version 0, no items).
    pub fn new(config: &AgentConfig) -> Self {
        let info = AgentInfo {
            id: config.id.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            hostname: sysinfo::System::host_name().ok(),
        };
        let snapshot = Snapshot {
            schema_version: SCHEMA_VERSION,
            agent: info.clone(),
            generated_at: api::unix_now(),
            elements: Vec::new(),
            members: Vec::new(),
            tanks: Vec::new(),
            host: None,
        };
        let published = Published {
            key: change::content_key(&snapshot),
            body: Arc::new(encode(&snapshot)),
            snapshot,
            version: 0,
            errors: Vec::new(),
            owners: BTreeMap::new(),
            runs: Vec::new(),
        };
        Agent {
            info,
            element_map: config.element_map.clone(),
            started: Instant::now(),
            published: RwLock::new(published),
            desk: Mutex::new(crate::desk::Desk::default()),
            drivers: drivers::Drivers::from_config(config),
            refresh: Mutex::new(None),
            changes: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Publish one round of collection. The content version moves only when the content
    /// does (see `change`); the snapshot itself is always replaced, so a 200 carries the
    /// newest timestamps. Returns whether the version moved.
    pub fn publish(&self, mut collected: Collected, errors: &[CollectorError]) -> bool {
        let owners = std::mem::take(&mut collected.owners);
        let runs = std::mem::take(&mut collected.runs);
        let snapshot = self.assemble(collected);
        let key = change::content_key(&snapshot);
        let body = Arc::new(encode(&snapshot));
        let mut p = self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let changed = key != p.key;
        if changed {
            p.version += 1;
            p.key = key;
        }
        p.snapshot = snapshot;
        p.body = body;
        p.errors = errors.iter().map(ToString::to_string).collect();
        p.owners = owners;
        p.runs = runs;
        let version = p.version;
        drop(p);
        if changed {
            self.changes.send_replace(version);
        }
        changed
    }

    pub fn snapshot(&self) -> Snapshot {
        self.read().snapshot.clone()
    }

    /// The content version, as it appears in the ETag.
    pub fn version(&self) -> u64 {
        self.read().version
    }

    /// `status` is `ok`, or `degraded` when the last round had collector errors (they
    /// are logged; the snapshot then lacks what those collectors report).
    pub fn health(&self) -> Health {
        let status = if self.read().errors.is_empty() {
            "ok"
        } else {
            "degraded"
        };
        Health {
            status: status.to_string(),
            agent: self.info.clone(),
            schema_version: SCHEMA_VERSION,
            uptime_s: self.started.elapsed().as_secs_f64(),
        }
    }

    /// The published snapshot and round as OpenMetrics text, ages as of `now`.
    pub fn metrics_text(&self, now: f64) -> String {
        let p = self.read();
        openmetrics::render(&p.snapshot, &p.runs, now)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Published> {
        // A panic elsewhere while publishing leaves a whole, older snapshot: still servable.
        self.published
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn assemble(&self, c: Collected) -> Snapshot {
        let mut s = Snapshot {
            schema_version: SCHEMA_VERSION,
            agent: self.info.clone(),
            generated_at: api::unix_now(),
            elements: c.elements,
            members: c.members,
            tanks: c.tanks,
            host: c.host,
        };
        let rename = |id: &mut smol_str::SmolStr| {
            if let Some(site_id) = self.element_map.get(id.as_str()) {
                *id = site_id.into();
            }
        };
        for e in &mut s.elements {
            rename(&mut e.id);
            if let Some(input) = &mut e.position {
                rename(input);
            }
            // JSON has no NaN: serde_json would write null and cost the console the
            // whole element, when only one number is unknown.
            e.metrics.retain(|_, v| v.is_finite());
        }
        for m in &mut s.members {
            if self.element_map.contains_key(m.id.as_str()) {
                rename(&mut m.id);
            } else if let Some(part) = rename_part(&self.element_map, &m.id) {
                m.id = part;
            }
            m.metrics.retain(|_, v| v.is_finite());
        }
        for t in &mut s.tanks {
            if let Some(site_id) = self.element_map.get(t.id.as_str()) {
                t.id.clone_from(site_id);
            }
        }
        s
    }
}

/// A part of a renamed unit keeps its place under the unit's new name: with
/// `{"RackPDUs/1": "PDU-A1"}`, `RackPDUs/1/Outlets/A1` is `PDU-A1/Outlets/A1`, so the
/// console finds the outlets of the site's PDU-A1. The longest mapped prefix wins.
fn rename_part(map: &BTreeMap<String, String>, id: &str) -> Option<smol_str::SmolStr> {
    let mut cut = id.len();
    while let Some(slash) = id.get(..cut).and_then(|head| head.rfind('/')) {
        let (unit, rest) = id.split_at(slash);
        if let Some(site_id) = map.get(unit) {
            return Some(format!("{site_id}{rest}").into());
        }
        cut = slash;
    }
    None
}

fn encode(snapshot: &Snapshot) -> Vec<u8> {
    // Cannot fail for these types (string keys only); an empty body would at worst be
    // reported by the console as "not JSON", naming this agent.
    serde_json::to_vec(snapshot).unwrap_or_else(|e| {
        tracing::error!("cannot encode snapshot: {e}");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ElementReport;
    use crate::model::ElementState;

    fn ups(id: &str, load: f64) -> ElementReport {
        ElementReport {
            id: id.into(),
            position: None,
            state: ElementState::Ok,
            observed_at: api::unix_now(),
            flags: vec!["OL".into()],
            metrics: [("load_pct", load)].into(),
        }
    }

    fn with(elements: Vec<ElementReport>) -> Collected {
        Collected {
            elements,
            ..Collected::default()
        }
    }

    #[test]
    fn version_moves_only_with_content() {
        let agent = Agent::new(&AgentConfig::new("gw"));
        assert_eq!(agent.version(), 0);
        assert!(agent.publish(with(vec![ups("U1", 40.0)]), &[]));
        assert_eq!(agent.version(), 1);
        assert!(!agent.publish(with(vec![ups("U1", 40.0)]), &[]));
        assert_eq!(agent.version(), 1);
        assert!(agent.publish(with(vec![ups("U1", 41.0)]), &[]));
        assert_eq!(agent.version(), 2);
    }

    #[test]
    fn element_map_renames_and_nan_metrics_are_dropped() {
        let mut config = AgentConfig::new("gw");
        config
            .element_map
            .insert("ups@localhost".into(), "UPS-A1".into());
        let agent = Agent::new(&config);
        agent.publish(
            with(vec![ups("ups@localhost", f64::NAN), ups("other", 1.0)]),
            &[],
        );
        let s = agent.snapshot();
        assert_eq!(s.elements[0].id, "UPS-A1");
        assert!(s.elements[0].metrics.is_empty());
        assert_eq!(s.elements[1].id, "other");
        let body = agent.read().body.to_vec();
        let d = api::decode_snapshot(&body, "gw").unwrap();
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn element_map_renames_a_transfer_switch_position() {
        let mut config = AgentConfig::new("gw");
        config
            .element_map
            .insert("ats1/input.2".into(), "GEN-A".into());
        let agent = Agent::new(&config);
        let mut ats = ups("ats1", 1.0);
        ats.position = Some("ats1/input.2".into());
        let mut other = ups("ats2", 1.0);
        other.position = Some("ats2/input.1".into());
        agent.publish(with(vec![ats, other]), &[]);
        let s = agent.snapshot();
        assert_eq!(s.elements[0].position.as_deref(), Some("GEN-A"));
        assert_eq!(s.elements[1].position.as_deref(), Some("ats2/input.1"));
        let body = String::from_utf8(agent.read().body.to_vec()).unwrap();
        assert!(body.contains(r#""position":"GEN-A""#), "{body}");
    }

    #[test]
    fn element_map_renames_the_parts_of_a_unit() {
        let mut config = AgentConfig::new("gw");
        for (from, to) in [
            ("RackPDUs/1", "PDU-A1"),
            ("RackPDUs/1/Outlets/A2", "SRV-7-PSU1"),
            ("ups1", "PDU-B1"),
        ] {
            config.element_map.insert(from.into(), to.into());
        }
        let agent = Agent::new(&config);
        let member = |id: &str| crate::api::MemberReport {
            id: id.into(),
            state: crate::model::MemberState::Ok,
            observed_at: 1.0,
            rebuild: None,
            flags: Vec::new(),
            metrics: crate::api::Metrics::new(),
        };
        let mut c = with(Vec::new());
        c.members = [
            "RackPDUs/1/Outlets/A1",
            "RackPDUs/1/Outlets/A2",
            "ups1/outlet.3",
            "RackPDUs/10/Outlets/A1",
            "ups1",
        ]
        .into_iter()
        .map(member)
        .collect();
        agent.publish(c, &[]);
        let ids: Vec<String> = agent
            .snapshot()
            .members
            .iter()
            .map(|m| m.id.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "PDU-A1/Outlets/A1",
                "SRV-7-PSU1",
                "PDU-B1/outlet.3",
                "RackPDUs/10/Outlets/A1",
                "PDU-B1"
            ]
        );
    }

    #[test]
    fn collector_errors_degrade_health() {
        let agent = Agent::new(&AgentConfig::new("gw"));
        assert_eq!(agent.health().status, "ok");
        let e = CollectorError {
            collector: "host",
            message: "boom".into(),
        };
        agent.publish(Collected::default(), &[e]);
        assert_eq!(agent.health().status, "degraded");
        agent.publish(Collected::default(), &[]);
        assert_eq!(agent.health().status, "ok");
    }
}
