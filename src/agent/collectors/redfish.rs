//! The `redfish` collector: a BMC's power supplies and fans and their redundancy groups
//! (N+m, `MinNumNeeded`), its temperatures, and the facility equipment a service
//! describes (PDUs, transfer switches, CDUs), read-only over HTTP(S). Parsing is pure
//! (`resource`, `thermal`, `equipment`); the walk (`walk`) follows the service root's
//! links, with a bounded number of requests in flight.
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

pub mod equipment;
pub mod equipment_report;
pub mod report;
pub mod resource;
mod storage;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_equipment;
#[cfg(test)]
mod tests_thermal;
pub mod thermal;
mod walk;

pub use report::{
    NO_ANSWER, carry_unanswered, carry_unanswered_elements, component_state, dedupe,
    subsystem_reports,
};
pub use resource::{Component, Redundancy, Subsystem, parse_subsystem};

const NAME: &str = "redfish";

/// Requests in flight per service by default: enough that a BMC 100 ms away answers a
/// ~90-request tree within a 5 s interval, few enough that a small BMC's web server
/// (often 4-8 worker threads) is not swamped.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The largest resource read: a BMC's answers are a few kB; more is not Redfish.
const MAX_BODY: usize = 4 << 20;

pub struct RedfishCollector {
    fetch: Fetcher,
    runtime: Io,
    /// The member ids reported last round: unknown, not gone, while the service does
    /// not answer for them.
    last_seen: Vec<SmolStr>,
    /// The element ids reported last round, likewise.
    last_elements: Vec<SmolStr>,
    /// Put before every id reported (`pdu-7/`), when configured.
    prefix: Option<String>,
}

/// One service's HTTP side: every GET takes a permit, so at most `concurrency` requests
/// are in flight however wide the walk fans out.
pub struct Fetcher {
    base: String,
    client: reqwest::Client,
    auth: Option<(String, String)>,
    permits: tokio::sync::Semaphore,
}

impl RedfishCollector {
    /// `url` is the service's origin (`https://bmc1.example`); `password_file` holds the
    /// password on its first line, so it stays out of the config file.
    pub fn new(
        url: &str,
        username: Option<&str>,
        password_file: Option<&Path>,
        accept_invalid_certs: bool,
        concurrency: usize,
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
        let concurrency = concurrency.clamp(1, 64);
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            // keep one connection per request in flight between rounds: a new one costs
            // a round trip (and a TLS handshake) to a BMC far away
            .pool_max_idle_per_host(concurrency)
            // BMCs ship self-signed certificates; accepting them is the operator's call.
            .tls_danger_accept_invalid_certs(accept_invalid_certs)
            .build()
            .map_err(|e| fail(format!("cannot build the HTTP client: {e}")))?;
        let runtime = Io::new().map_err(|e| fail(e.to_string()))?;
        Ok(RedfishCollector {
            fetch: Fetcher {
                base: url.trim_end_matches('/').to_string(),
                client,
                auth,
                permits: tokio::sync::Semaphore::new(concurrency),
            },
            runtime,
            last_seen: Vec::new(),
            last_elements: Vec::new(),
            prefix: None,
        })
    }

    /// Report every id as `<prefix>/<id>`: services of one model name their resources
    /// alike (`RackPDUs/1`), and two collectors reporting one id would clash.
    pub fn with_prefix(mut self, prefix: Option<&str>) -> Self {
        self.prefix = prefix
            .map(|p| p.trim_end_matches('/').to_string())
            .filter(|p| !p.is_empty());
        self
    }
}

impl Fetcher {
    /// GET one resource by its `@odata.id`: the URL it came from and its text.
    pub async fn get(&self, path: &str) -> Result<(String, String), ParseError> {
        let path = path.split('#').next().unwrap_or(path);
        let url = format!("{}{}", self.base, path);
        let fail = |m: String| ParseError::new(&url, m);
        // a link to another host, or not a path at all, is not followed
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(fail("a link that is not a path on this service".into()));
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| fail("the request limiter is closed".into()))?;
        let mut req = self.client.get(&url).header("Accept", "application/json");
        if let Some((u, p)) = &self.auth {
            req = req.basic_auth(u, Some(p));
        }
        let mut resp = req
            .send()
            .await
            .map_err(|e| fail(format!("no answer: {e}")))?;
        if !resp.status().is_success() {
            return Err(fail(format!("HTTP {}", resp.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| fail(format!("cannot read the body: {e}")))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(fail(format!(
                    "more than {MAX_BODY} bytes: not a Redfish resource"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(body).map_err(|_| fail("not UTF-8 text".into()))?;
        Ok((url, text))
    }
}

impl Collector for RedfishCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let base = self.fetch.base.clone();
        let mut found = self
            .runtime
            .block_on(walk::walk(&self.fetch))
            .unwrap_or_else(|| {
                walk::Found::failed(ParseError::new(&base, "the HTTP runtime has stopped"))
            });
        let mut errors = std::mem::take(&mut found.errors);
        for id in dedupe(&mut found.members) {
            errors.push(ParseError::new(
                &base,
                format!("two different resources report as {id}; the first is kept"),
            ));
        }
        if !errors.is_empty() {
            let now = api::unix_now();
            carry_unanswered(&self.last_seen, &mut found.members, now);
            carry_unanswered_elements(&self.last_elements, &mut found.elements, now);
        }
        self.last_seen = found.members.iter().map(|m| m.id.clone()).collect();
        self.last_elements = found.elements.iter().map(|e| e.id.clone()).collect();
        if let Some(p) = &self.prefix {
            let put = |id: &mut SmolStr| *id = SmolStr::new(format!("{p}/{id}"));
            found.members.iter_mut().for_each(|m| put(&mut m.id));
            for e in &mut found.elements {
                put(&mut e.id);
                if let Some(pos) = &mut e.position {
                    put(pos);
                }
            }
        }
        out.members.append(&mut found.members);
        out.elements.append(&mut found.elements);
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
