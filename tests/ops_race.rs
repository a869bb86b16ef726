//! Two operators drain the last redundant pair at the same moment: exactly one of them
//! succeeds, 50 times out of 50 — on one simulated agent (the state version guards it),
//! across two simulated agents (each agent judges the whole site again under one lock), and
//! on a real agent whose bond has two slaves (one operation at a time; the second is
//! checked against the state the first left).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use std::time::Duration;

use redcon::agent::{self, parse_agent_config};
use redcon::config::PollPolicy;
use redcon::dispatch::{Sent, send, send_request};
use redcon::model::{LiveState, Site};
use redcon::ops::audit::Outcome;
use redcon::ops::tokens::Tokens;
use redcon::ops::{Acknowledged, Authority, Mutation, OpKind, Operation, Verdict, preflight};
use redcon::poll::{self, AgentSpec};
use redcon::sim::{agent_urls, spawn_local};
use tokio::net::TcpListener;

const OPERATE: &str = "race-operate-0123456789";
const RUNS: usize = 50;
const T: Duration = Duration::from_secs(5);

fn drain(target: &str, key: &str) -> Operation {
    Operation {
        kind: OpKind::Drain,
        target: target.into(),
        reason: "race".into(),
        operator: "whoever".into(),
        idempotency_key: key.into(),
    }
}

/// One run on a fresh simulator: drain `a` and `b` at once, each through its own agent,
/// each cleared as a degrading plan by its operator. The two answers.
async fn sim_run(site: &Site, a: &str, b: &str, run: usize) -> (Sent, Sent) {
    let (addr, sim, _task) = spawn_local(site.clone(), LiveState::default(), None)
        .await
        .unwrap();
    sim.lock()
        .set_tokens(Tokens::single_operator(OPERATE, "alice"));
    let urls = agent_urls(site, &format!("http://{addr}"));
    let specs: Vec<AgentSpec> = urls
        .iter()
        .map(|(name, url)| AgentSpec {
            name: name.clone(),
            url: url.clone(),
            interval: T,
            timeout: T,
        })
        .collect();
    let client = poll::client().unwrap();
    let policy = PollPolicy::default();
    let statuses = poll::poll_once(&client, &specs, &policy, T).await;
    let m = poll::merge(
        site,
        &statuses,
        &policy,
        tokio::time::Instant::now(),
        redcon::api::unix_now(),
    );
    let cleared = |target: &str| {
        let op = drain(target, &format!("{target}-{run}"));
        let plan = preflight(site, &m.live, &op, None, 0.0).unwrap();
        assert_eq!(plan.verdict, Verdict::Degrades, "{target} alone degrades");
        // an element no agent is named for is the simulator's default agent's
        let agent =
            redcon::ops::owner(site, target).unwrap_or_else(|| redcon::sim::DEFAULT_AGENT.into());
        let status = statuses.iter().find(|s| s.name == agent).unwrap();
        let ack = Acknowledged {
            degrade: true,
            force: false,
        };
        let etag = status.etag.clone().unwrap();
        let m = Mutation::clear(&Authority::operator("alice"), op, &plan, ack, etag).unwrap();
        (m, status.url.clone())
    };
    let ((ma, ua), (mb, ub)) = (cleared(a), cleared(b));
    tokio::join!(
        send(&client, &ua, Some(OPERATE), &ma, T),
        send(&client, &ub, Some(OPERATE), &mb, T)
    )
}

fn exactly_one(ra: &Sent, rb: &Sent, run: usize) {
    let done = [ra, rb]
        .iter()
        .filter(|s| s.outcome == Outcome::Done)
        .count();
    assert_eq!(done, 1, "run {run}:\n{ra:?}\n{rb:?}");
    let loser = if ra.outcome == Outcome::Done { rb } else { ra };
    assert!(
        matches!(loser.outcome, Outcome::Stale | Outcome::Rejected),
        "run {run}: {loser:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_one_simulated_agent_exactly_one_of_two_drains_succeeds_every_time() {
    let site = common::load_site("e01");
    assert_eq!(
        redcon::ops::owner(&site, "U1"),
        redcon::ops::owner(&site, "U2")
    );
    for run in 0..RUNS {
        let (ra, rb) = sim_run(&site, "U1", "U2", run).await;
        exactly_one(&ra, &rb, run);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn across_two_simulated_agents_exactly_one_of_two_drains_succeeds_every_time() {
    let text = std::fs::read_to_string(common::site_path("e01")).unwrap();
    let text = text
        .replace(
            r#"(id: "U1", kind: ups, capacity: 200,"#,
            r#"(id: "U1", kind: ups, capacity: 200, agent: "ups-a","#,
        )
        .replace(
            r#"(id: "U2", kind: ups, capacity: 200,"#,
            r#"(id: "U2", kind: ups, capacity: 200, agent: "ups-b","#,
        );
    let site = redcon::model::parse_site(&text, "e01-two-agents.ron").unwrap();
    assert_eq!(redcon::ops::owner(&site, "U1").as_deref(), Some("ups-a"));
    assert_eq!(redcon::ops::owner(&site, "U2").as_deref(), Some("ups-b"));
    for run in 0..RUNS {
        let (ra, rb) = sim_run(&site, "U1", "U2", run).await;
        exactly_one(&ra, &rb, run);
    }
}

/// An active-backup bond0 with two slaves that both have link, as sysfs shows it.
fn bond_tree(root: &std::path::Path) {
    for (file, text) in [
        ("bonding_masters", "bond0"),
        ("bond0/operstate", "up"),
        ("bond0/bonding/mode", "active-backup 1"),
        ("bond0/bonding/mii_status", "up"),
        ("bond0/bonding/active_slave", "eth0"),
        ("bond0/bonding/slaves", "eth0 eth1"),
        ("eth0/bonding_slave/mii_status", "up"),
        ("eth1/bonding_slave/mii_status", "up"),
    ] {
        let path = root.join("sys/class/net").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{text}\n")).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_agent_exactly_one_of_two_slave_drains_succeeds_every_time() {
    let dir = std::env::temp_dir().join(format!("redcon-race-bond-{}", std::process::id()));
    let client = poll::client().unwrap();
    for run in 0..RUNS {
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("root");
        bond_tree(&root);
        let tokens = dir.join("tokens");
        std::fs::write(&tokens, format!("operate {OPERATE} alice\n")).unwrap();
        let text = format!(
            r#"(id: "host-1", collect_every_s: 3600.0, collectors: [bonding(root: {:?})], tokens: {:?})"#,
            root.display().to_string(),
            tokens.display().to_string(),
        );
        let config = parse_agent_config(&text, "agent.ron").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(agent::run(config, listener, async {
            let _ = stopped.await;
        }));
        let spec = AgentSpec {
            name: "host-1".into(),
            url: base.clone(),
            interval: T,
            timeout: T,
        };
        let status = poll::poll_once(&client, &[spec], &PollPolicy::default(), T).await;
        let etag = status[0]
            .etag
            .clone()
            .unwrap_or_else(|| panic!("{status:?}"));
        // each operator's console judged its own drain safe on the same snapshot
        let request = |target: &str| redcon::api::OpRequest {
            operation: drain(target, &format!("{target}-{run}")),
            verdict: Verdict::Safe,
            acknowledged: Acknowledged::default(),
        };
        let (ma, mb) = (request("eth0"), request("eth1"));
        let (ra, rb) = tokio::join!(
            send_request(&client, &base, Some(OPERATE), &ma, &etag, T),
            send_request(&client, &base, Some(OPERATE), &mb, &etag, T)
        );
        exactly_one(&ra, &rb, run);
        let slaves = std::fs::read_to_string(root.join("sys/class/net/bond0/bonding/slaves"));
        let slaves = slaves.unwrap();
        assert!(
            slaves == "-eth0\n" || slaves == "-eth1\n",
            "run {run}: one write: {slaves:?}"
        );
        let _ = stop.send(());
        let ended = tokio::time::timeout(T, task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "run {run}: {ended:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
