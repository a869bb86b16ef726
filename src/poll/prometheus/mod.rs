//! Live state from a Prometheus (or any server with its HTTP query API: VictoriaMetrics,
//! Thanos Query) instead of from the agents: instant queries of the series Prometheus
//! scraped from the agents' `/metrics`, rebuilt into the snapshots they served, so the
//! merge and the verdict are the ones a direct poll gets. Many consoles then cost each
//! agent one scrape, and range queries give a console started in the morning the night's
//! figures for its sparklines.

pub mod answer;
mod query;
mod rebuild;
pub mod since;
mod snapshot;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

pub use answer::{AnswerError, Range, Sample};
pub use query::{instant, range};
pub use rebuild::{Origin, Reading, statuses};

use super::{AgentStatus, History, PollHandle, PollView};
use crate::config::PollPolicy;
use crate::openmetrics::figures::{KNOWN, exposed};
use crate::verdict::LiveSource;

/// How far back a target's `redcon_agent_info` names it once its series are gone, so a
/// down agent is reported by its target rather than as never seen.
const LOOKBACK: &str = "1h";

/// How far back "since when" looks by default: a night and then some.
pub const HISTORY: Duration = Duration::from_secs(12 * 3600);
/// Steps of that look at most: a change is dated to within history / 1000 (43 s of 12 h).
const HISTORY_STEPS: f64 = 1000.0;

/// One site's agents, read from a Prometheus.
#[derive(Debug, Clone, PartialEq)]
pub struct PromSpec {
    /// Base URL of the query API (`http://prometheus:9090`).
    pub url: String,
    /// The scrape job the site's agents are in.
    pub job: String,
    pub interval: Duration,
    pub timeout: Duration,
    /// The site's agents: name, and the base URL operations go to (empty when the config
    /// gives none: then the console cannot operate through that agent).
    pub agents: Vec<(String, String)>,
    /// How far back a change of state is looked for, to say since when (`HISTORY`).
    pub history: Duration,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PromError {
    #[error("prometheus {server}: no answer within {} s", crate::classify::fmt_num(.after.as_secs_f64()))]
    Timeout { server: String, after: Duration },
    #[error("prometheus {server}: {detail}")]
    Transport { server: String, detail: String },
    #[error("prometheus {server}: HTTP {code} to {query}")]
    Status {
        server: String,
        code: u16,
        query: String,
    },
    #[error("prometheus {server}: answer to {query} larger than {limit} bytes, not read")]
    TooLarge {
        server: String,
        query: String,
        limit: usize,
    },
    #[error("prometheus {server}: {query}: {source}")]
    Answer {
        server: String,
        query: String,
        #[source]
        source: AnswerError,
    },
}

/// The queries of one reading, each restricted to `job`.
pub fn queries(job: &str) -> [String; 4] {
    let job = answer::quoted(job);
    [
        format!("{{job={job},__name__=~\"redcon_.+\"}}"),
        format!("timestamp(redcon_snapshot_age_seconds{{job={job}}})"),
        format!("up{{job={job}}}"),
        format!("last_over_time(redcon_agent_info{{job={job}}}[{LOOKBACK}])"),
    ]
}

/// The four instant queries of one reading, all at `at`, within the spec's timeout.
pub async fn read(
    client: &reqwest::Client,
    spec: &PromSpec,
    at: f64,
    max_body: usize,
) -> Result<Reading, PromError> {
    let [q_series, q_scraped, q_up, q_known] = queries(&spec.job);
    let server = spec.url.as_str();
    let all = async {
        let (series, scraped, up, known) = tokio::join!(
            instant(client, server, &q_series, at, max_body),
            instant(client, server, &q_scraped, at, max_body),
            instant(client, server, &q_up, at, max_body),
            instant(client, server, &q_known, at, max_body),
        );
        Ok(Reading {
            series: series?,
            scraped: scraped?,
            up: up?,
            known: known?,
            changes: Default::default(),
        })
    };
    tokio::time::timeout(spec.timeout, all)
        .await
        .unwrap_or_else(|_| {
            Err(PromError::Timeout {
                server: server.to_string(),
                after: spec.timeout,
            })
        })
}

/// Every agent as one reading finds it; when Prometheus itself cannot be read, every agent
/// carries that error and nothing it owns is known.
pub async fn poll_once(
    client: &reqwest::Client,
    spec: &PromSpec,
    policy: &PollPolicy,
) -> Vec<AgentStatus> {
    let now_unix = crate::api::unix_now();
    let reading = read_dated(client, spec, now_unix, policy.max_body_bytes).await;
    let now = Instant::now();
    let mut out = unread(spec);
    fold(&mut out, reading, spec, policy, now, now_unix);
    out
}

/// A reading with the changes of state the history shows (for "since when"). The history
/// is worth having, not worth failing for: without it items are simply not dated.
async fn read_dated(
    client: &reqwest::Client,
    spec: &PromSpec,
    at: f64,
    max_body: usize,
) -> Result<Reading, PromError> {
    let window = spec.history.as_secs_f64();
    let step = spec.interval.as_secs_f64().max(window / HISTORY_STEPS);
    let start = at - window;
    let history = async {
        let q = since::query(&spec.job);
        let r = range(client, &spec.url, &q, (start, at, step), max_body);
        tokio::time::timeout(spec.timeout, r).await
    };
    let (reading, history) = tokio::join!(read(client, spec, at, max_body), history);
    let mut reading = reading?;
    if let Ok(Ok(ranges)) = history {
        reading.changes = since::changes(&ranges, start, step);
    }
    Ok(reading)
}

/// The agents before the first reading.
fn unread(spec: &PromSpec) -> Vec<AgentStatus> {
    spec.agents
        .iter()
        .map(|(name, url)| {
            AgentStatus::new(&super::AgentSpec {
                name: name.clone(),
                url: url.clone(),
                interval: spec.interval,
                timeout: spec.timeout,
            })
        })
        .collect()
}

/// Fold one reading (or the error that took its place) into the agents' statuses. A
/// failed reading keeps what was known, to age like a direct poll's last answer.
fn fold(
    agents: &mut Vec<AgentStatus>,
    reading: Result<Reading, PromError>,
    spec: &PromSpec,
    policy: &PollPolicy,
    now: Instant,
    now_unix: f64,
) {
    match reading {
        Ok(r) => {
            let origin = Origin {
                server: &spec.url,
                job: &spec.job,
            };
            let before = std::mem::take(agents);
            *agents = statuses(&r, &spec.agents, &origin, policy, now, now_unix);
            for (a, old) in agents.iter_mut().zip(&before) {
                a.polls += old.polls;
                keep_since(a, old);
            }
        }
        Err(e) => {
            for a in agents.iter_mut() {
                a.polls += 1;
                a.failures = a.failures.saturating_add(1);
                a.last_error = Some(e.to_string());
                a.last_error_detail = Some(format!("{}: {e}", a.name));
                a.refresh(now, policy);
            }
        }
    }
}

/// An item still in the state it was dated in keeps its date; one that changed since is
/// left to the face, which sees the change happen.
fn keep_since(now: &mut AgentStatus, before: &AgentStatus) {
    let (Some(new), Some(old)) = (now.snapshot.as_deref(), before.snapshot.as_deref()) else {
        return;
    };
    let (new, old) = (rebuild::states(new), rebuild::states(old));
    for (id, t) in &before.since {
        let same = old
            .get(id.as_str())
            .is_some_and(|w| new.get(id.as_str()) == Some(w));
        if same && !now.since.contains_key(id) {
            now.since.insert(id.clone(), *t);
        }
    }
}

/// The figures' series of the job over the last `samples` steps, into `history`: the
/// sparklines start with what Prometheus kept, not empty.
async fn backfill(
    client: &reqwest::Client,
    spec: &PromSpec,
    policy: &PollPolicy,
    history: &Mutex<History>,
) -> Result<(), PromError> {
    let names: Vec<String> = KNOWN
        .iter()
        .map(|(_, n, unit, ..)| exposed(n, Some(*unit)))
        .chain(["redcon_item_metric".to_string()])
        .collect();
    let query = format!(
        "{{job={},__name__=~\"{}\"}}",
        answer::quoted(&spec.job),
        names.join("|")
    );
    let step = spec.interval.as_secs_f64().max(1.0);
    let end = crate::api::unix_now();
    let start = end - step * policy.history as f64;
    let ranges = range(
        client,
        &spec.url,
        &query,
        (start, end, step),
        policy.max_body_bytes,
    )
    .await?;
    let mut h = history.lock().unwrap_or_else(|p| p.into_inner());
    for r in ranges {
        let Some(element) = r.labels.get("element") else {
            continue;
        };
        let name = r.labels.get("__name__").map(String::as_str);
        let figure = match name {
            Some("redcon_item_metric") => r.labels.get("metric").map(|m| (m.as_str(), None)),
            Some(n) => KNOWN
                .iter()
                .find(|(_, k, unit, ..)| exposed(k, Some(*unit)) == n)
                .map(|&(wire, _, _, scale, _)| (wire, Some(scale))),
            None => None,
        };
        let Some((wire, scale)) = figure else {
            continue;
        };
        for (at, v) in r.samples {
            let v = scale.map_or(v, |s| s.undo(v));
            h.push(element, wire, at, v);
        }
    }
    Ok(())
}

/// Read `spec` every `spec.interval` until the handle is dropped, publishing a view after
/// each reading, as the direct poller does.
pub fn spawn(
    client: reqwest::Client,
    spec: PromSpec,
    policy: PollPolicy,
) -> (watch::Receiver<Arc<PollView>>, PollHandle) {
    let history = Arc::new(Mutex::new(History::new(
        policy.history,
        policy.history_series,
    )));
    let mut agents = unread(&spec);
    let (tx, rx) = watch::channel(Arc::new(PollView {
        agents: agents.clone(),
        history: history.clone(),
        source: LiveSource::Prometheus,
    }));
    let task = tokio::spawn(async move {
        // the sparklines' past is worth having, not worth failing for: a Prometheus that
        // cannot answer it says so in the first reading
        let _ = backfill(&client, &spec, &policy, &history).await;
        let mut every = tokio::time::interval(spec.interval.max(Duration::from_millis(100)));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now_unix = crate::api::unix_now();
            // the first reading is dated from the history; later ones keep those dates
            let reading = if agents.iter().all(|a| a.snapshot.is_none()) {
                read_dated(&client, &spec, now_unix, policy.max_body_bytes).await
            } else {
                read(&client, &spec, now_unix, policy.max_body_bytes).await
            };
            let now = Instant::now();
            fold(&mut agents, reading, &spec, &policy, now, now_unix);
            if let Ok(mut h) = history.lock() {
                for s in agents.iter().filter_map(|a| a.snapshot.as_deref()) {
                    h.record(s);
                }
            }
            let view = PollView {
                agents: agents.clone(),
                history: history.clone(),
                source: LiveSource::Prometheus,
            };
            if tx.send(Arc::new(view)).is_err() {
                return;
            }
        }
    });
    (rx, PollHandle::from_task(task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_to_the_job_and_a_hostile_job_cannot_escape_its_quotes() {
        let [series, scraped, up, known] = queries("redcon-agents");
        assert_eq!(series, r#"{job="redcon-agents",__name__=~"redcon_.+"}"#);
        assert_eq!(
            scraped,
            r#"timestamp(redcon_snapshot_age_seconds{job="redcon-agents"})"#
        );
        assert_eq!(up, r#"up{job="redcon-agents"}"#);
        assert!(known.starts_with("last_over_time(redcon_agent_info{job=\"redcon-agents\"}[1h])"));
        let [evil, ..] = queries("x\"} or vector(1) or {a=\"");
        assert_eq!(
            evil,
            r#"{job="x\"} or vector(1) or {a=\"",__name__=~"redcon_.+"}"#
        );
        assert_eq!(query::encode("a b{\"}"), "a%20b%7B%22%7D");
    }
}
