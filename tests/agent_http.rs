//! The real agent on loopback: snapshot, conditional requests, health, schema, 404, and
//! graceful shutdown, through real HTTP with the same client stack the poller uses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::net::SocketAddr;
use std::time::Duration;

use redcon::agent::{self, AgentConfig, AgentError, parse_agent_config};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy() // a proxy from the environment must not see loopback tests
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

struct Running {
    base: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), AgentError>>,
}

async fn start(config: AgentConfig) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(agent::run(config, listener, async {
        let _ = stopped.await;
    }));
    Running {
        base: format!("http://{addr}"),
        stop,
        task,
    }
}

impl Running {
    /// Ask for shutdown and require `run` to return, cleanly, within a second.
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(Duration::from_secs(1), self.task).await;
        let result = ended.expect("run did not end within a second of shutdown");
        result.expect("run panicked").expect("run failed");
    }
}

fn test_config() -> AgentConfig {
    // An hour between rounds: nothing changes during the test, so the ETag holds.
    parse_agent_config(
        r#"(id: "test-host", collect_every_s: 3600.0, collectors: [host()])"#,
        "test-agent.ron",
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_then_304_then_shutdown() {
    let agent = start(test_config()).await;
    let client = client();
    let url = format!("{}/v1/snapshot", agent.base);

    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let etag = r.headers()[ETAG].clone();
    assert!(
        etag.to_str().unwrap().starts_with("W/\"test-host-"),
        "{etag:?}"
    );
    let body = r.bytes().await.unwrap();
    let decoded = redcon::api::decode_snapshot(&body, "test-host").unwrap();
    assert!(decoded.errors.is_empty(), "{:?}", decoded.errors);
    let snap = decoded.snapshot;
    assert_eq!(snap.agent.id, "test-host");
    assert_eq!(snap.schema_version, redcon::api::SCHEMA_VERSION);
    let host = snap.host.expect("the host collector reports");
    assert!(host.memory_total_bytes > 0);
    assert!(host.memory_used_bytes <= host.memory_total_bytes);
    assert!((0.0..=100.0).contains(&host.cpu_pct));

    let r = client
        .get(&url)
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[ETAG], etag);
    assert!(r.bytes().await.unwrap().is_empty());

    let r = client
        .get(&url)
        .header(IF_NONE_MATCH, "W/\"test-host-999999\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // The client still holds an idle keep-alive connection: shutdown must not wait on it.
    agent.stop().await;
    assert!(
        client.get(&url).send().await.is_err(),
        "still answering after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_schema_and_unknown_paths() {
    let agent = start(test_config()).await;
    let client = client();

    let r = client
        .get(format!("{}/v1/health", agent.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let health: redcon::api::Health = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.agent.id, "test-host");
    assert_eq!(health.schema_version, redcon::api::SCHEMA_VERSION);
    assert!(health.uptime_s >= 0.0);

    let r = client
        .get(format!("{}/v1/schema", agent.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let schema: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(schema["title"], "Snapshot");
    assert!(schema["properties"]["host"].is_object(), "{schema}");

    for path in [
        "/",
        "/v1",
        "/v2/snapshot",
        "/v1/snapshot/extra",
        "/v1/sim/faults",
    ] {
        let r = client
            .get(format!("{}{path}", agent.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = client
        .post(format!("{}/v1/snapshot", agent.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);

    agent.stop().await;
}

#[tokio::test]
async fn a_collector_that_cannot_start_fails_run_by_name() {
    let config = parse_agent_config(
        r#"(id: "x", collectors: [host(root: "/no/such/fixture")])"#,
        "test-agent.ron",
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let run = agent::run(config, listener, std::future::pending());
    let e = tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .expect("run should fail at once")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("collector host") && e.contains("/no/such/fixture"),
        "{e}"
    );
}

/// The first fenced block of `lang` after `heading` in docs/agent-api.md.
fn doc_block(heading: &str, lang: &str) -> String {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/agent-api.md")).unwrap();
    let after = &doc[doc.find(heading).unwrap_or_else(|| panic!("no {heading}"))..];
    let fence = format!("```{lang}\n");
    let start = after.find(&fence).unwrap() + fence.len();
    let len = after[start..].find("```").unwrap();
    after[start..start + len].to_string()
}

#[test]
fn the_documented_examples_are_valid() {
    let body = doc_block("## Example snapshot", "json");
    let d = redcon::api::decode_snapshot(body.as_bytes(), "docs").unwrap();
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(
        (
            d.snapshot.elements.len(),
            d.snapshot.members.len(),
            d.snapshot.tanks.len()
        ),
        (3, 1, 1)
    );
    assert!(d.snapshot.host.is_some());

    let health = doc_block("## Health", "json");
    serde_json::from_str::<redcon::api::Health>(&health).unwrap();

    let config = doc_block("## `redcon agent` configuration", "ron");
    let c = parse_agent_config(&config, "docs/agent-api.md").unwrap();
    assert_eq!(c.id, "host-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_resolves_shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    // Our own listener first: from here on SIGHUP can no longer kill the test process,
    // whenever `shutdown_signal` gets round to listening.
    let _guard = signal(SignalKind::hangup()).unwrap();
    let waiting = tokio::spawn(agent::shutdown_signal());
    let pid = std::process::id().to_string();
    let resolved = tokio::time::timeout(Duration::from_secs(5), async {
        // Repeat: a signal sent before `shutdown_signal` listens is not seen by it.
        while !waiting.is_finished() {
            let sent = std::process::Command::new("kill")
                .args(["-HUP", &pid])
                .status();
            assert!(sent.unwrap().success());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(resolved.is_ok(), "shutdown_signal ignored SIGHUP");
}
