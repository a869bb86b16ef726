//! Every kind of mutating operation, on every kind of target of the demo site, is refused
//! without an `operate` token — by the simulator and by a real agent — and leaves the
//! state version where it was.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::time::Duration;

use redcon::agent::{self, parse_agent_config};
use redcon::api::OpRequest;
use redcon::config::PollPolicy;
use redcon::dispatch::send_request;
use redcon::ops::audit::Outcome;
use redcon::ops::tokens::Tokens;
use redcon::ops::{Acknowledged, OpKind, Operation, Verdict, owner};
use redcon::poll::{self, AgentSpec};
use redcon::sim::{DEFAULT_AGENT, agent_urls, spawn_local};
use tokio::net::TcpListener;

const OPERATE: &str = "ro-test-operate-0123456789";
const READ: &str = "ro-test-read-0123456789abc";

/// `every_operation`, after checking it has every kind there is (`OpKind::all`).
fn checked_operations() -> Vec<Operation> {
    let ops = every_operation();
    for kind in OpKind::all() {
        assert!(
            ops.iter().any(|o| o.kind.number() == kind.number()),
            "no {} in every_operation()",
            kind.verb()
        );
    }
    ops
}

/// One operation of every kind on every kind of target the demo site has.
fn every_operation() -> Vec<Operation> {
    let op = |kind: OpKind, target: &str| Operation {
        kind,
        target: target.into(),
        reason: "exhaustive read-only test".into(),
        operator: "mallory".into(),
        idempotency_key: format!("ro-{target}"),
    };
    let to = |m: &str| Some(m.to_string());
    vec![
        op(OpKind::Drain, "UPS-A1"),
        op(OpKind::Drain, "CRAH-1"),
        op(OpKind::Drain, "db1-sdb"),
        op(OpKind::Drain, "db1-ens1f0"),
        op(OpKind::Drain, "leaf1-up1"),
        op(OpKind::Drain, "lb-2"),
        op(OpKind::Drain, "db2"),
        op(OpKind::Standby, "db3"),
        op(OpKind::Undrain, "UPS-A2"),
        op(OpKind::Failover { to: None }, "UPS-B1"),
        op(OpKind::Failover { to: to("lb-2") }, "vrrp-51"),
        op(OpKind::Move { to: "db2".into() }, "pgsql"),
    ]
}

/// Built as a console would send it, with the verdict forged to `safe` and everything
/// acknowledged: the token alone must stop it.
fn forged(op: Operation) -> OpRequest {
    OpRequest {
        operation: op,
        verdict: Verdict::Safe,
        acknowledged: Acknowledged {
            degrade: true,
            force: true,
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_refuses_every_operation_without_an_operate_token() {
    let site = redcon::demo::site().unwrap_or_else(|e| panic!("{e}"));
    let live = redcon::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
    let (addr, sim, _task) = spawn_local(site.clone(), live, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tokens = Tokens::parse(&format!("operate {OPERATE} ops\nread {READ} wall\n"), "t");
    sim.lock()
        .set_tokens(tokens.unwrap_or_else(|e| panic!("{e}")));
    let urls = agent_urls(&site, &format!("http://{addr}"));
    let specs: Vec<AgentSpec> = urls
        .iter()
        .map(|(name, url)| AgentSpec {
            name: name.clone(),
            url: url.clone(),
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .collect();
    let client = poll::client().unwrap_or_else(|e| panic!("{e}"));
    let before = poll::poll_once(
        &client,
        &specs,
        &PollPolicy::default(),
        Duration::from_secs(3),
    )
    .await;
    let (live_before, _) = merged_live(&site, &before);
    let mut tried = 0;
    for op in checked_operations() {
        let agent = owner(&site, &op.target).unwrap_or_else(|| DEFAULT_AGENT.into());
        let status = before.iter().find(|a| a.name == agent);
        let status = status.unwrap_or_else(|| panic!("{}: no agent {agent}", op.target));
        let version = status.etag.clone().unwrap_or_default();
        for token in [None, Some(READ)] {
            let m = forged(op.clone());
            let sent = send_request(
                &client,
                &status.url,
                token,
                &m,
                &version,
                Duration::from_secs(3),
            )
            .await;
            assert_eq!(
                sent.outcome,
                Outcome::Unauthorised,
                "{} with {token:?}: {sent:?}",
                op.describe()
            );
            tried += 1;
        }
    }
    assert_eq!(tried, 24);
    let after = poll::poll_once(
        &client,
        &specs,
        &PollPolicy::default(),
        Duration::from_secs(3),
    )
    .await;
    let (live_after, _) = merged_live(&site, &after);
    assert_eq!(live_before, live_after, "nothing changed");
    let tags = |s: &[poll::AgentStatus]| s.iter().map(|a| a.etag.clone()).collect::<Vec<_>>();
    assert_eq!(tags(&before), tags(&after), "no agent's version moved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_agent_refuses_every_operation_without_an_operate_token() {
    let dir = std::env::temp_dir().join(format!("redcon-ro-agent-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("operate {OPERATE} ops\nread {READ} wall\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = format!(
        r#"(id: "db1", collect_every_s: 3600.0, collectors: [host()], tokens: {:?})"#,
        tokens.display().to_string()
    );
    let config = parse_agent_config(&text, "agent.ron").unwrap_or_else(|e| panic!("{e}"));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let task = tokio::spawn(agent::run(config, listener, std::future::pending()));
    let client = poll::client().unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{addr}");
    let etag = async || {
        let r = client.get(format!("{base}/v1/snapshot")).send().await;
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        r.headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let version = etag().await;
    for op in checked_operations() {
        for token in [None, Some(READ)] {
            let sent = send_request(
                &client,
                &base,
                token,
                &forged(op.clone()),
                &version,
                Duration::from_secs(3),
            )
            .await;
            assert_eq!(
                sent.outcome,
                Outcome::Unauthorised,
                "{} with {token:?}: {sent:?}",
                op.describe()
            );
        }
    }
    assert_eq!(etag().await, version);
    task.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The poller's merge now, with the default policy: the live state and its data problems.
fn merged_live(
    site: &redcon::model::Site,
    agents: &[redcon::poll::AgentStatus],
) -> (redcon::model::LiveState, Vec<String>) {
    let m = redcon::poll::merge(
        site,
        agents,
        &redcon::config::PollPolicy::default(),
        tokio::time::Instant::now(),
        redcon::api::unix_now(),
    );
    (m.live, m.problems)
}
