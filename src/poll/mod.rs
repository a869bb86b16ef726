//! The polling engine: per-agent interval and timeout, one concurrency cap for all agents,
//! exponential backoff with jitter for failing agents, freshness by age, a bounded history
//! per metric, and a view of it all published to the app over a `watch` channel.
mod fetch;
mod history;
mod latest;
mod merge;
mod parts;
pub mod prometheus;
mod schedule;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::api::Snapshot;
use crate::config::{AgentEntry, PollPolicy, secs};

pub use fetch::{
    ClientError, Exchange, FetchError, Fetched, client, client_for, fetch, fetch_waiting,
    snapshot_url,
};
pub use history::{Fnv, History, Sample, Series};
pub use latest::{latest_figures, latest_roles};
pub use merge::{Merged, merge};
pub use parts::{Part, latest_parts, unit_of};
pub use schedule::{PollHandle, spawn};

/// One agent to poll.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    pub name: String,
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
}

impl From<&AgentEntry> for AgentSpec {
    fn from(a: &AgentEntry) -> Self {
        AgentSpec {
            name: a.name.clone(),
            url: a.url.clone(),
            interval: secs(a.interval_s),
            timeout: secs(a.timeout_s),
        }
    }
}

pub use crate::verdict::Freshness;

/// How much the last good answer of an agent can still be trusted, by its age.
impl Freshness {
    pub fn of(age: Option<Duration>, policy: &PollPolicy) -> Freshness {
        match age {
            None => Freshness::Never,
            Some(a) if a <= policy.stale_after() => Freshness::Fresh,
            Some(a) if a <= policy.dead_after() => Freshness::Stale,
            Some(_) => Freshness::Dead,
        }
    }
}

/// Everything known about one agent.
#[derive(Debug, Clone)]
pub struct AgentStatus {
    pub name: String,
    pub url: String,
    pub freshness: Freshness,
    pub last_ok: Option<Instant>,
    /// The last error in a few words ("Connection refused (os error 111)").
    pub last_error: Option<String>,
    /// The same with its whole cause chain.
    pub last_error_detail: Option<String>,
    /// Failures since the last good answer; drives the backoff.
    pub failures: u32,
    /// Items of the last snapshot that could not be read.
    pub item_errors: Vec<String>,
    pub snapshot: Option<Arc<Snapshot>>,
    /// When the snapshot in hand arrived. A 304 says it is still current, which renews
    /// `last_ok` but not the snapshot's own `generated_at`: the agent's clock is judged
    /// against the moment the snapshot came, not against the last 304.
    pub received: Option<Instant>,
    pub etag: Option<String>,
    pub polls: u64,
    pub not_modified: u64,
    /// Since when (unix seconds) items have been in the state they are in, where the source
    /// keeps their history and it shows the change (Prometheus); empty from a direct poll.
    pub since: std::collections::BTreeMap<String, f64>,
    /// Each item of the snapshot in hand with its last state that was not `unknown` and
    /// when that was read: an item its agent now reports unknown (it cannot read its
    /// source) keeps that state in the optimistic bound. Only items of the current snapshot,
    /// so an agent cannot grow it beyond one answer.
    pub last_known: std::collections::BTreeMap<String, (crate::verdict::ItemState, f64)>,
}

impl AgentStatus {
    pub fn new(spec: &AgentSpec) -> Self {
        AgentStatus {
            name: spec.name.clone(),
            url: spec.url.clone(),
            freshness: Freshness::Never,
            last_ok: None,
            last_error: None,
            last_error_detail: None,
            failures: 0,
            item_errors: Vec::new(),
            snapshot: None,
            received: None,
            etag: None,
            polls: 0,
            not_modified: 0,
            since: std::collections::BTreeMap::new(),
            last_known: std::collections::BTreeMap::new(),
        }
    }

    /// Fold one poll result in. `now` is when it arrived.
    pub fn record(
        &mut self,
        result: Result<Fetched, FetchError>,
        now: Instant,
        policy: &PollPolicy,
    ) {
        self.polls += 1;
        match result {
            // a 304 means "what you have is current": with nothing in hand it is no answer
            Ok(Fetched::NotModified) if self.snapshot.is_none() => {
                self.failures = self.failures.saturating_add(1);
                let why = "answered 304 Not Modified with no snapshot to keep";
                self.last_error = Some(why.to_string());
                self.last_error_detail = Some(format!("{}: {why}", self.name));
                self.etag = None;
            }
            Ok(Fetched::NotModified) => {
                self.not_modified += 1;
                self.ok(now);
            }
            Ok(Fetched::New { decoded, etag, .. }) => {
                self.item_errors = decoded.errors.iter().map(ToString::to_string).collect();
                self.last_known = merge::last_known(&self.last_known, &decoded.snapshot);
                self.snapshot = Some(Arc::new(decoded.snapshot));
                self.received = Some(now);
                self.etag = etag;
                self.ok(now);
            }
            Err(e) => {
                self.failures = self.failures.saturating_add(1);
                self.last_error = Some(e.short());
                self.last_error_detail = Some(e.to_string());
                // a changed agent must not be answered from a stale tag
                if matches!(e, FetchError::Decode(_)) {
                    self.etag = None;
                }
            }
        }
        self.refresh(now, policy);
    }

    fn ok(&mut self, now: Instant) {
        self.last_ok = Some(now);
        self.failures = 0;
        self.last_error = None;
        self.last_error_detail = None;
    }

    /// Re-age the data; returns whether the freshness changed.
    pub fn refresh(&mut self, now: Instant, policy: &PollPolicy) -> bool {
        let f = Freshness::of(
            self.last_ok.map(|t| now.saturating_duration_since(t)),
            policy,
        );
        let changed = f != self.freshness;
        self.freshness = f;
        changed
    }
}

/// When to try a failing agent again: exponential, capped, with equal jitter so a fleet
/// that failed together does not retry together. `unit` is a random number in [0, 1).
pub fn backoff(interval: Duration, failures: u32, max: Duration, unit: f64) -> Duration {
    if failures == 0 {
        return interval;
    }
    let exp = interval.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    let capped = exp.min(max.max(interval));
    let half = capped / 2;
    (half + half.mul_f64(unit.clamp(0.0, 1.0))).max(interval.min(capped))
}

/// Small, fast, good enough for jitter; no need for a cryptographic generator here.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn seeded() -> Jitter {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64);
        Jitter(nanos | 1)
    }

    pub fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the app sees.
#[derive(Debug, Clone)]
pub struct PollView {
    pub agents: Vec<AgentStatus>,
    pub history: Arc<Mutex<History>>,
    /// How the agents' answers were had: polled directly, or read from Prometheus.
    pub source: crate::verdict::LiveSource,
}

/// Poll every agent once, all at once under the concurrency cap, each within its own
/// timeout and the overall `deadline`. For `redcon status`.
pub async fn poll_once(
    client: &reqwest::Client,
    specs: &[AgentSpec],
    policy: &PollPolicy,
    deadline: Duration,
) -> Vec<AgentStatus> {
    let sem = Arc::new(Semaphore::new(policy.concurrency.max(1)));
    let tasks: Vec<_> = specs
        .iter()
        .map(|spec| {
            let (client, spec, sem) = (client.clone(), spec.clone(), sem.clone());
            let max_body = policy.max_body_bytes;
            let start = Instant::now();
            tokio::spawn(async move {
                let _permit = sem.acquire_owned().await.ok();
                let left = deadline.saturating_sub(start.elapsed());
                let timeout = spec.timeout.min(left);
                let r = fetch(&client, &spec.name, &spec.url, None, timeout, max_body).await;
                (r, Instant::now())
            })
        })
        .collect();
    let mut out = Vec::with_capacity(specs.len());
    for (spec, task) in specs.iter().zip(tasks) {
        let mut status = AgentStatus::new(spec);
        let result = match task.await {
            Ok((r, at)) => (r, at),
            Err(e) => (
                Err(FetchError::Transport {
                    agent: spec.name.clone(),
                    detail: format!("poll task failed: {e}"),
                }),
                Instant::now(),
            ),
        };
        status.record(result.0, result.1, policy);
        out.push(status);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_by_age() {
        let p = PollPolicy {
            stale_after_s: 10.0,
            dead_after_s: 30.0,
            ..PollPolicy::default()
        };
        assert_eq!(Freshness::of(None, &p), Freshness::Never);
        assert_eq!(
            Freshness::of(Some(Duration::from_secs(10)), &p),
            Freshness::Fresh
        );
        assert_eq!(
            Freshness::of(Some(Duration::from_secs(11)), &p),
            Freshness::Stale
        );
        assert_eq!(
            Freshness::of(Some(Duration::from_secs(31)), &p),
            Freshness::Dead
        );
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let i = Duration::from_secs(1);
        let max = Duration::from_secs(60);
        assert_eq!(backoff(i, 0, max, 0.7), i);
        assert_eq!(backoff(i, 3, max, 1.0), Duration::from_secs(4));
        assert_eq!(backoff(i, 3, max, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(i, 30, max, 1.0), max);
        assert!(backoff(i, 30, max, 0.0) >= Duration::from_secs(30));
        let mut j = Jitter::seeded();
        for _ in 0..1000 {
            let u = j.unit();
            assert!((0.0..1.0).contains(&u));
            let d = backoff(i, 5, max, u);
            assert!(
                d >= Duration::from_secs(8) && d <= Duration::from_secs(16),
                "{d:?}"
            );
        }
    }
}
