//! What a fleet of agents serves: C consoles each polling every agent directly, against
//! one real Prometheus scraping every agent's `/metrics` (what the consoles would then
//! read instead) plus one `redcon exporter`'s poller. The agents are one counting loopback
//! server with a path per agent, as `redcon sim` has; the consoles and the exporter are
//! `redcon::poll::spawn` with the console's default interval; Prometheus is the Debian
//! binary. Figures: docs/performance.md.
//!
//!     cargo bench --bench agent_load -- [agents] [consoles] [seconds] [scrape-seconds] [same|change]
//!
//! `same` (default): snapshots never change, so every console poll after the first is a
//! 304, the case most favourable to polling directly; `change`: every poll finds a new
//! snapshot. A scrape always carries the whole exposition. Bytes are bodies only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use redcon::api::{decode_snapshot, unix_now};
use redcon::config::{Config, PollPolicy};
use redcon::poll::{AgentSpec, client, spawn};

#[path = "support/snapshot.rs"]
mod support;

const PROMETHEUS: &str = "/usr/bin/prometheus";

/// Requests and bytes served on one route.
#[derive(Default)]
struct Count {
    requests: AtomicU64,
    bytes: AtomicU64,
}

impl Count {
    fn add(&self, bytes: usize) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    fn take(&self) -> (u64, u64) {
        (
            self.requests.swap(0, Ordering::Relaxed),
            self.bytes.swap(0, Ordering::Relaxed),
        )
    }
}

/// Every agent's snapshot and exposition, and what was asked of them.
struct Fleet {
    change: bool,
    version: AtomicU64,
    snapshots: HashMap<String, Vec<u8>>,
    metrics: HashMap<String, String>,
    snapshot: Count,
    not_modified: Count,
    scrape: Count,
}

async fn snapshot(
    State(fleet): State<Arc<Fleet>>,
    Path(agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(body) = fleet.snapshots.get(&agent) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let version = if fleet.change {
        fleet.version.fetch_add(1, Ordering::Relaxed)
    } else {
        0
    };
    let tag = format!("W/\"{agent}-{version}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(tag.as_str())
    {
        fleet.not_modified.add(0);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    fleet.snapshot.add(body.len());
    ([(header::ETAG, tag)], body.clone()).into_response()
}

async fn metrics(State(fleet): State<Arc<Fleet>>, Path(agent): Path<String>) -> Response {
    let Some(text) = fleet.metrics.get(&agent) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    fleet.scrape.add(text.len());
    redcon::openmetrics::response(text.clone())
}

/// The console's default poll interval, read from the config parser itself.
fn console_interval() -> f64 {
    let text =
        r#"(sites: [(name: "dc1", site: "dc1.ron", agents: [(name: "a", url: "http://a")])])"#;
    Config::parse(text, "bench").unwrap().sites[0].agents[0].interval_s
}

/// A console's (or the exporter's) poller over every agent, with its view (a poller
/// whose views are all gone stops); stops when dropped.
fn console(port: u16, agents: usize, interval: f64) -> impl Sized {
    let specs: Vec<AgentSpec> = (0..agents)
        .map(|i| AgentSpec {
            name: format!("a{i}"),
            url: format!("http://127.0.0.1:{port}/agents/a{i}"),
            interval: Duration::from_secs_f64(interval),
            timeout: Duration::from_secs(2),
        })
        .collect();
    spawn(client().unwrap(), specs, PollPolicy::default())
}

struct Prometheus {
    child: Child,
    dir: std::path::PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn prometheus(port: u16, agents: usize, scrape_s: f64) -> Prometheus {
    assert!(
        std::path::Path::new(PROMETHEUS).exists(),
        "{PROMETHEUS} missing: install the Debian package prometheus"
    );
    let dir = std::env::temp_dir().join(format!("redcon-agent-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let groups: String = (0..agents)
        .map(|i| {
            format!(
                "      - targets: [\"127.0.0.1:{port}\"]\n        labels: \
                 {{__metrics_path__: /agents/a{i}/metrics, instance: a{i}}}\n"
            )
        })
        .collect();
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: {scrape_s}s\n  scrape_timeout: {}s\n\
             scrape_configs:\n  - job_name: redcon-agents\n    static_configs:\n{groups}",
            scrape_s.min(10.0)
        ),
    )
    .unwrap();
    let listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = listen.local_addr().unwrap();
    drop(listen);
    let child = Command::new(PROMETHEUS)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address={web}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Prometheus { child, dir }
}

/// Counts over `seconds` after a warm-up of one interval, as (route, requests/s, bytes/s).
async fn measure(fleet: &Fleet, warm_up: f64, seconds: u64) -> Vec<(&'static str, f64, f64)> {
    tokio::time::sleep(Duration::from_secs_f64(warm_up)).await;
    for c in [&fleet.snapshot, &fleet.not_modified, &fleet.scrape] {
        c.take();
    }
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let wall = t0.elapsed().as_secs_f64();
    [
        ("snapshot 200", &fleet.snapshot),
        ("snapshot 304", &fleet.not_modified),
        ("/metrics", &fleet.scrape),
    ]
    .into_iter()
    .map(|(name, c)| {
        let (r, b) = c.take();
        (name, r as f64 / wall, b as f64 / wall)
    })
    .collect()
}

fn report(what: &str, agents: usize, rows: &[(&str, f64, f64)]) {
    let (r, b) = rows
        .iter()
        .fold((0.0, 0.0), |(r, b), (_, rr, bb)| (r + rr, b + bb));
    println!(
        "{what}: {r:.1} requests/s ({:.1} per agent per minute), {:.1} KB/s",
        r * 60.0 / agents as f64,
        b / 1000.0
    );
    for (name, r, b) in rows {
        println!("  {name:>12}: {r:8.1}/s {:10.1} KB/s", b / 1000.0);
    }
}

fn main() {
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let change = words.iter().any(|w| w == "change");
    let args: Vec<f64> = words.iter().filter_map(|a| a.parse().ok()).collect();
    let arg = |i: usize, d: f64| args.get(i).copied().unwrap_or(d);
    let agents = arg(0, 100.0) as usize;
    let consoles = arg(1, 10.0) as usize;
    let seconds = arg(2, 60.0) as u64;
    let interval = console_interval();
    let scrape_s = arg(3, interval);
    let now = unix_now();
    let mut snapshots = HashMap::new();
    let mut expositions = HashMap::new();
    for i in 0..agents {
        let name = format!("a{i}");
        let body = support::ups_snapshot(&name, now, now);
        let decoded = decode_snapshot(&body, &name).unwrap().snapshot;
        expositions.insert(
            name.clone(),
            redcon::agent::openmetrics::render(&decoded, &[], now),
        );
        snapshots.insert(name, body);
    }
    let fleet = Arc::new(Fleet {
        change,
        version: AtomicU64::new(0),
        snapshots,
        metrics: expositions,
        snapshot: Count::default(),
        not_modified: Count::default(),
        scrape: Count::default(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let app = Router::new()
            .route("/agents/{agent}/v1/snapshot", get(snapshot))
            .route("/agents/{agent}/metrics", get(metrics))
            .with_state(Arc::clone(&fleet));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let sizes = (
            fleet.snapshots.values().next().map_or(0, Vec::len),
            fleet.metrics.values().next().map_or(0, String::len),
        );
        println!(
            "{agents} agents (snapshot {} B, /metrics {} B each), console interval {interval} s, \
             scrape interval {scrape_s} s, {seconds} s per measurement, snapshots {}",
            sizes.0,
            sizes.1,
            if change {
                "changing"
            } else {
                "unchanged (304s)"
            }
        );

        let pollers: Vec<_> = (0..consoles)
            .map(|_| console(port, agents, interval))
            .collect();
        let rows = measure(&fleet, interval + 1.0, seconds).await;
        report(
            &format!("{consoles} consoles polling directly"),
            agents,
            &rows,
        );
        drop(pollers);

        let exporter = console(port, agents, interval);
        let prom = prometheus(port, agents, scrape_s);
        let rows = measure(&fleet, scrape_s + 2.0, seconds).await;
        report(
            &format!("one Prometheus + one exporter ({consoles} consoles read Prometheus)"),
            agents,
            &rows,
        );
        drop((exporter, prom));
    });
}
