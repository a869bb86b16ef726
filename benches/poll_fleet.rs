//! Load benchmark of the poller: N simulated agents behind one loopback server (a separate
//! process, so the CPU figure is the poller's alone), each polled once a second.
//!
//!     cargo bench --bench poll_fleet -- [agents] [seconds] [change|same] [threads]
//!
//! `change`: every answer is a new ~20 KB snapshot (200 path); `same`: the ETag never
//! changes, so every answer after the first is a 304. Figures: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use redcon::api::unix_now;
use redcon::config::PollPolicy;
use redcon::poll::{AgentSpec, client, spawn};

#[path = "support/snapshot.rs"]
mod support;

fn snapshot_body(agent: &str) -> Vec<u8> {
    // generated_at 0.5 is the marker the `change` mode rewrites into a fresh body
    support::ups_snapshot(agent, unix_now(), 0.5)
}

struct Server {
    change: bool,
    counter: AtomicU64,
    body: Vec<u8>,
}

async fn snapshot(
    State(srv): State<Arc<Server>>,
    Path(agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let version = if srv.change {
        srv.counter.fetch_add(1, Ordering::Relaxed)
    } else {
        0
    };
    let tag = format!("W/\"{agent}-{version}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(tag.as_str())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    // a really new body each time (not just a new tag): the poller must decode it all
    let body = if srv.change {
        let text = String::from_utf8_lossy(&srv.body).replacen(
            "\"generated_at\":0.5",
            &format!("\"generated_at\":{version}.5"),
            1,
        );
        text.into_bytes()
    } else {
        srv.body.clone()
    };
    let mut r = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

fn serve(change: bool) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    rt.block_on(async move {
        let srv = Arc::new(Server {
            change,
            counter: AtomicU64::new(0),
            body: snapshot_body("agent"),
        });
        let app = Router::new()
            .route("/agents/{agent}/v1/snapshot", get(snapshot))
            .with_state(srv);
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => panic!("bind: {e}"),
        };
        println!("{}", listener.local_addr().map(|a| a.port()).unwrap_or(0));
        let _ = axum::serve(listener, app).await;
    });
}

/// utime + stime of this process, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let Ok(mode) = std::env::var("REDCON_BENCH_SERVER") {
        serve(mode == "change");
        return;
    }
    let agents: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let mode = args.get(2).cloned().unwrap_or_else(|| "change".into());
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    let mut child = match Command::new(exe)
        .env("REDCON_BENCH_SERVER", &mode)
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("server: {e}"),
    };
    let mut port = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut port);
    }
    let port = port.trim().to_string();
    let specs: Vec<AgentSpec> = (0..agents)
        .map(|i| AgentSpec {
            name: format!("a{i}"),
            url: format!("http://127.0.0.1:{port}/agents/a{i}"),
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .collect();
    // one thread: polling is IO-bound; cross-thread wake-ups cost more than they give
    let threads: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut builder = if threads > 1 {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let rt = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    let (polls, not_modified, failed, cpu, wall) = rt.block_on(async move {
        let policy = PollPolicy {
            concurrency: 512,
            ..PollPolicy::default()
        };
        let client = match client() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let (mut rx, handle) = spawn(client, specs, policy);
        // warm up: connections, first full snapshots
        tokio::time::sleep(Duration::from_secs(2)).await;
        let count = |v: &redcon::poll::PollView| {
            v.agents.iter().fold((0u64, 0u64, 0u64), |(p, n, f), a| {
                (
                    p + a.polls,
                    n + a.not_modified,
                    f + u64::from(a.last_error.is_some()),
                )
            })
        };
        let (p0, n0, _) = count(&rx.borrow_and_update());
        let (c0, t0) = (cpu_seconds(), Instant::now());
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        let _ = rx.changed().await;
        let (p1, n1, f1) = count(&rx.borrow_and_update());
        let (cpu, wall) = (cpu_seconds() - c0, t0.elapsed().as_secs_f64());
        handle.abort();
        (p1 - p0, n1 - n0, f1, cpu, wall)
    });
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "agents={agents} mode={mode} threads={threads} wall={wall:.1}s polls={polls} ({:.0}/s, expected {agents}/s) 304s={not_modified} failing_now={failed} poller_cpu={:.1}% of one core ({:.1} us/poll)",
        polls as f64 / wall,
        100.0 * cpu / wall,
        1e6 * cpu / polls.max(1) as f64
    );
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
