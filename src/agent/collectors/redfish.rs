//! The `redfish` collector: a BMC's power supplies and fans and their redundancy groups
//! (N+m, `MinNumNeeded`), read-only over HTTP(S). Parsing is pure (`resource`); the
//! collector walks Chassis -> Power(Subsystem) / Thermal(Subsystem) -> members.
//!
//! Collectors are synchronous and run on a blocking thread, while reqwest is async: the
//! collector owns a current-thread runtime (`io::Io`, which is safe to drop when the
//! agent stops) and blocks on it. That keeps the one HTTP stack the poller already uses
//! (no `blocking` feature, which would start a runtime thread per client behind our
//! back) and costs no thread of its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use smol_str::SmolStr;

use super::io::Io;
use super::parse::{ParseError, finish, read_text};
use super::{Collected, Collector, CollectorError};
use crate::api;

pub mod report;
pub mod resource;
#[cfg(test)]
mod tests;

pub use report::{NO_ANSWER, carry_unanswered, component_state, dedupe, subsystem_reports};
pub use resource::{Component, Redundancy, Subsystem, parse_subsystem};

const NAME: &str = "redfish";

pub struct RedfishCollector {
    base: String,
    runtime: Io,
    client: reqwest::Client,
    auth: Option<(String, String)>,
    /// The member ids reported last round: unknown, not gone, while the service does
    /// not answer for them.
    last_seen: Vec<SmolStr>,
}

impl RedfishCollector {
    /// `url` is the service's origin (`https://bmc1.example`); `password_file` holds the
    /// password on its first line, so it stays out of the config file.
    pub fn new(
        url: &str,
        username: Option<&str>,
        password_file: Option<&Path>,
        accept_invalid_certs: bool,
    ) -> Result<Self, CollectorError> {
        let fail = |m: String| ParseError::new(url, m).into_collector(NAME);
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(fail("url must start with http:// or https://".into()));
        }
        let auth = match (username, password_file) {
            (Some(u), Some(f)) => {
                let p = read_text(f).map_err(|e| e.into_collector(NAME))?;
                Some((u.to_string(), p.lines().next().unwrap_or("").to_string()))
            }
            (None, None) => None,
            _ => {
                return Err(fail(
                    "give both username and password_file, or neither".into(),
                ));
            }
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            // BMCs ship self-signed certificates; accepting them is the operator's call.
            .tls_danger_accept_invalid_certs(accept_invalid_certs)
            .build()
            .map_err(|e| fail(format!("cannot build the HTTP client: {e}")))?;
        let runtime = Io::new().map_err(fail)?;
        Ok(RedfishCollector {
            base: url.trim_end_matches('/').to_string(),
            runtime,
            client,
            auth,
            last_seen: Vec::new(),
        })
    }

    async fn get(&self, path: &str) -> Result<(String, String), ParseError> {
        let url = format!("{}{}", self.base, path.split('#').next().unwrap_or(path));
        let fail = |m: String| ParseError::new(&url, m);
        let mut req = self.client.get(&url).header("Accept", "application/json");
        if let Some((u, p)) = &self.auth {
            req = req.basic_auth(u, Some(p));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| fail(format!("no answer: {e}")))?;
        if !resp.status().is_success() {
            return Err(fail(format!("HTTP {}", resp.status())));
        }
        let text = resp
            .text()
            .await
            .map_err(|e| fail(format!("cannot read the body: {e}")))?;
        Ok((url, text))
    }

    /// One subsystem with its components (fetching the collection when it is linked).
    async fn subsystem(
        &self,
        link: &str,
        kind: &str,
        errors: &mut Vec<ParseError>,
    ) -> Option<Subsystem> {
        let mut sub = match self
            .get(link)
            .await
            .and_then(|(u, t)| parse_subsystem(&t, &u))
        {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                return None;
            }
        };
        if let Some(coll) = sub.collection.take() {
            let members = self
                .get(&coll)
                .await
                .and_then(|(u, t)| resource::parse_collection(&t, &u));
            for m in members.unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            }) {
                match self
                    .get(&m)
                    .await
                    .and_then(|(u, t)| resource::parse_component(&t, kind, &u))
                {
                    Ok(c) => sub.components.push(c),
                    Err(e) => {
                        errors.push(e);
                        // known to exist, state unknown: never counted as healthy
                        sub.components.push(unreadable(&m));
                    }
                }
            }
        }
        Some(sub)
    }

    /// The drives and volumes of every storage subsystem of one computer system.
    async fn storage(&self, system: &str, errors: &mut Vec<ParseError>) -> Subsystem {
        let mut sub = Subsystem::default();
        let storages = match self
            .get(system)
            .await
            .and_then(|(u, t)| resource::parse_system(&t, &u))
        {
            Ok(Some(link)) => self
                .get(&link)
                .await
                .and_then(|(u, t)| resource::parse_collection(&t, &u)),
            Ok(None) => Ok(Vec::new()), // no Storage: nothing to say, not an error
            Err(e) => Err(e),
        };
        for storage in storages.unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        }) {
            let links = match self
                .get(&storage)
                .await
                .and_then(|(u, t)| resource::parse_storage(&t, &u))
            {
                Ok(l) => l,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let mut members: Vec<(String, &str)> =
                links.drives.into_iter().map(|d| (d, "Drives")).collect();
            if let Some(v) = links.volumes {
                match self
                    .get(&v)
                    .await
                    .and_then(|(u, t)| resource::parse_collection(&t, &u))
                {
                    Ok(vols) => members.extend(vols.into_iter().map(|v| (v, "Volumes"))),
                    Err(e) => errors.push(e),
                }
            }
            for (m, kind) in members {
                match self
                    .get(&m)
                    .await
                    .and_then(|(u, t)| resource::parse_component(&t, kind, &u))
                {
                    Ok(c) => sub.components.push(c),
                    Err(e) => {
                        errors.push(e);
                        sub.components.push(unreadable(&m));
                    }
                }
            }
        }
        sub
    }

    async fn walk(&self, out: &mut Collected) -> Vec<ParseError> {
        let mut errors = Vec::new();
        // Follow the service root's links: a PDU or cooling unit has no Systems, and
        // some services keep their collections elsewhere.
        let root = match self
            .get("/redfish/v1/")
            .await
            .and_then(|(u, t)| resource::parse_service_root(&t, &u))
        {
            Ok(r) => r,
            Err(e) => return vec![e],
        };
        let chassis = match &root.chassis {
            Some(link) => match self
                .get(link)
                .await
                .and_then(|(u, t)| resource::parse_collection(&t, &u))
            {
                Ok(c) => c,
                Err(e) => return vec![e],
            },
            None => Vec::new(),
        };
        for link in chassis {
            let links = match self
                .get(&link)
                .await
                .and_then(|(u, t)| resource::parse_chassis(&t, &u))
            {
                Ok(l) => l,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let now = api::unix_now();
            for (sub_link, kind, group) in [
                (&links.power, "PowerSupplies", "PowerRedundancy"),
                (&links.thermal, "Fans", "FanRedundancy"),
            ] {
                let Some(sub_link) = sub_link else { continue };
                if let Some(sub) = self.subsystem(sub_link, kind, &mut errors).await {
                    out.members
                        .extend(subsystem_reports(&links.id, group, &sub, now));
                }
            }
        }
        // Storage hangs off the systems, not the chassis.
        let systems = match &root.systems {
            Some(link) => self
                .get(link)
                .await
                .and_then(|(u, t)| resource::parse_collection(&t, &u)),
            None => Ok(Vec::new()),
        };
        for system in systems.unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        }) {
            let sub = self.storage(&system, &mut errors).await;
            let id = resource::member_path(&system);
            let id = id.rsplit('/').next().unwrap_or(&id);
            out.members.extend(subsystem_reports(
                id,
                "StorageRedundancy",
                &sub,
                api::unix_now(),
            ));
        }
        errors
    }
}

/// A member known to exist whose state could not be read: never counted as healthy.
fn unreadable(odata_id: &str) -> Component {
    Component {
        path: resource::member_path(odata_id),
        name: String::new(),
        state: None,
        health: None,
        reading: None,
        raid_type: None,
    }
}

impl Collector for RedfishCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let mut mine = Collected::default();
        let mut errors = self
            .runtime
            .block_on(self.walk(&mut mine))
            .unwrap_or_else(|| vec![ParseError::new(&self.base, "the HTTP runtime has stopped")]);
        for id in dedupe(&mut mine.members) {
            errors.push(ParseError::new(
                &self.base,
                format!("two different resources report as {id}; the first is kept"),
            ));
        }
        if !errors.is_empty() {
            carry_unanswered(&self.last_seen, &mut mine.members, api::unix_now());
        }
        self.last_seen = mine.members.iter().map(|m| m.id.clone()).collect();
        out.members.append(&mut mine.members);
        finish(NAME, errors)
    }
}

/// For tests and tools: a subsystem read from a saved mockup directory, where the
/// resource at `/redfish/v1/X` is `X/index.json`.
pub fn mockup_path(dir: &Path, odata_id: &str) -> PathBuf {
    let rel = odata_id
        .split('#')
        .next()
        .unwrap_or("")
        .trim_start_matches("/redfish/v1")
        .trim_matches('/');
    dir.join(rel).join("index.json")
}
