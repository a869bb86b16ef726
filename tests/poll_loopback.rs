//! The poller against real agents on loopback: the in-process simulator and its fault API.
//! Every server binds 127.0.0.1:0; every test ends by itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::net::SocketAddr;
use std::time::Duration;

use redcon::classify::{Tier, classify};
use redcon::config::PollPolicy;
use redcon::model::{ElementState, LiveState, Site};
use redcon::poll::{self, AgentSpec, AgentStatus, Freshness};
use redcon::sim::{self, Action, Event, Scenario, SimHandle, spawn_local};
use redcon::status::{self, State};

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // no idle-pool timer: under paused time it would let tokio jump the clock
    match reqwest::Client::builder()
        .no_proxy()
        .pool_idle_timeout(None)
        .build()
    {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

fn demo() -> (Site, LiveState) {
    let site = redcon::demo::site().unwrap_or_else(|e| panic!("{e}"));
    let live = redcon::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
    (site, live)
}

struct Running {
    addr: SocketAddr,
    site: Site,
    sim: SimHandle,
    task: tokio::task::JoinHandle<Result<(), sim::SimError>>,
}

async fn start(scenario: Option<Scenario>) -> Running {
    let (site, live) = demo();
    let (addr, sim, task) = spawn_local(site.clone(), live, scenario)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Running {
        addr,
        site,
        sim,
        task,
    }
}

fn specs(r: &Running, interval: Duration, timeout: Duration) -> Vec<AgentSpec> {
    sim::agent_urls(&r.site, &format!("http://{}", r.addr))
        .into_iter()
        .map(|(name, url)| AgentSpec {
            name,
            url,
            interval,
            timeout,
        })
        .collect()
}

fn fault(r: &Running, action: Action) {
    if let Err(e) = r.sim.apply(&action) {
        panic!("fault refused: {e}");
    }
}

/// The verdict the console and `status` would give: (the worst-case classification, the
/// verdict).
fn verdict(
    site: &Site,
    statuses: &[AgentStatus],
) -> (redcon::classify::Classification, status::Verdict) {
    let inputs = redcon::status::source::inputs_from_agents(
        site,
        statuses,
        &PollPolicy::default(),
        tokio::time::Instant::now(),
        redcon::api::unix_now(),
    );
    let v = redcon::verdict::build(site, inputs);
    let worst = v
        .worst_case
        .clone()
        .unwrap_or_else(|| v.classification.clone());
    (worst, v)
}

#[tokio::test]
async fn a_healthy_site_over_http_classifies_as_from_the_file() {
    let r = start(None).await;
    let statuses = poll::poll_once(
        &client(),
        &specs(&r, Duration::from_secs(1), Duration::from_secs(2)),
        &PollPolicy::default(),
        Duration::from_secs(3),
    )
    .await;
    assert_eq!(statuses.len(), 10);
    assert!(
        statuses.iter().all(|s| s.freshness == Freshness::Fresh),
        "{statuses:?}"
    );
    let (live, problems) = merged_live(&r.site, &statuses);
    assert!(problems.is_empty(), "{problems:?}");
    let (_, file_live) = demo();
    assert_eq!(live.element_state("UPS-A2"), ElementState::Failed);
    let over_http = classify(&r.site, &live);
    let from_file = classify(&r.site, &file_live);
    assert_eq!(
        (over_http.design_tier, over_http.live_tier),
        (from_file.design_tier, from_file.live_tier)
    );
    for (a, b) in over_http.subsystems.iter().zip(&from_file.subsystems) {
        assert_eq!(a.live.spofs, b.live.spofs, "{:?}", a.subsystem);
        assert_eq!(a.live_label, b.live_label);
    }
    let (_, v) = verdict(&r.site, &statuses);
    assert_eq!(v.state, State::Warning);
    assert!(v.stale_agents.is_empty());
    r.task.abort();
}

#[tokio::test]
async fn a_slow_agent_times_out_without_delaying_the_others() {
    let r = start(None).await;
    fault(
        &r,
        Action::Slow {
            agent: "gen-gw".into(),
            delay_ms: 5_000,
        },
    );
    let t0 = std::time::Instant::now();
    let statuses = poll::poll_once(
        &client(),
        &specs(&r, Duration::from_secs(1), Duration::from_millis(300)),
        &PollPolicy::default(),
        Duration::from_secs(3),
    )
    .await;
    let took = t0.elapsed();
    assert!(
        took < Duration::from_millis(1_500),
        "poll_once took {took:?}"
    );
    for s in &statuses {
        if s.name == "gen-gw" {
            assert_eq!(s.freshness, Freshness::Never);
            let e = s.last_error_detail.clone().unwrap_or_default();
            assert!(e.starts_with("gen-gw: no answer within"), "{e}");
            let short = s.last_error.clone().unwrap_or_default();
            assert!(short.starts_with("no answer within"), "{short}");
        } else {
            assert_eq!(
                s.freshness,
                Freshness::Fresh,
                "{}: {:?}",
                s.name,
                s.last_error
            );
        }
    }
    // its generators are unknown, never healthy; the rest still classifies
    let (c, v) = verdict(&r.site, &statuses);
    let (live, _) = merged_live(&r.site, &statuses);
    assert_eq!(live.element_state("G-1"), ElementState::Unknown);
    // unknown is not failed: a range and a WARNING, the agent and its items named
    assert_eq!(v.state, State::Warning, "{:?}", v.reasons);
    assert!(v.live_tier.known().is_none(), "{}", v.live_tier);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.text.contains("of gen-gw (no data, no answer") && r.text.contains("G-1")),
        "{:?}",
        v.reasons
    );
    assert_eq!(v.stale_agents, ["gen-gw"]);
    assert!(c.live_tier < c.design_tier);
    r.task.abort();
}

#[tokio::test]
async fn broken_answers_are_named_and_the_rest_still_counts() {
    let r = start(None).await;
    fault(
        &r,
        Action::Garbage {
            agent: "net-gw".into(),
        },
    );
    fault(
        &r,
        Action::Truncated {
            agent: "pdu-gw".into(),
        },
    );
    fault(
        &r,
        Action::Error {
            agent: "db1".into(),
        },
    );
    fault(
        &r,
        Action::WrongSchema {
            agent: "lb-1".into(),
        },
    );
    fault(
        &r,
        Action::Huge {
            agent: "leaf-1a".into(),
            bytes: 50_000_000,
        },
    );
    let policy = PollPolicy::default();
    let statuses = poll::poll_once(
        &client(),
        &specs(&r, Duration::from_secs(1), Duration::from_secs(5)),
        &policy,
        Duration::from_secs(8),
    )
    .await;
    let error = |name: &str| {
        statuses
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.last_error_detail.clone())
            .unwrap_or_default()
    };
    assert!(
        error("net-gw").starts_with("net-gw: body is not JSON"),
        "{}",
        error("net-gw")
    );
    assert!(
        error("pdu-gw").starts_with("pdu-gw: body is not JSON"),
        "{}",
        error("pdu-gw")
    );
    assert_eq!(error("db1"), "db1: HTTP 500");
    assert!(
        error("lb-1").contains("schema version 99"),
        "{}",
        error("lb-1")
    );
    assert_eq!(
        error("leaf-1a"),
        format!(
            "leaf-1a: body larger than {} bytes, not read",
            policy.max_body_bytes
        )
    );
    for good in ["ups-gw-a", "ups-gw-b", "bms-gw", "epms-gw", "gen-gw"] {
        let s = statuses.iter().find(|s| s.name == good);
        assert!(
            s.is_some_and(|s| s.freshness == Freshness::Fresh),
            "{good}: {s:?}"
        );
    }
    let (c, v) = verdict(&r.site, &statuses);
    assert_eq!(v.stale_agents.len(), 5, "{:?}", v.stale_agents);
    assert!(
        v.reasons
            .iter()
            .any(|x| x.text.contains("of db1 (no data, HTTP 500)")),
        "{:?}",
        v.reasons
    );
    // power and cooling agents answered: the facility is still classified from real data
    assert_eq!(
        c.subsystem(redcon::model::Subsystem::Power)
            .map(|s| s.design.tier),
        Some(Tier::III)
    );
    r.task.abort();
}

#[tokio::test]
async fn a_killed_agent_goes_stale_then_dead_and_comes_back() {
    let r = start(None).await;
    r.task.abort();
    // serve it ourselves so we can stop it the way a dying process stops: listener and
    // every connection closed
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sim::run(r.sim.clone(), listener, async move {
        let _ = stopped.await;
    }));
    let r = Running { addr, ..r };
    let policy = PollPolicy {
        stale_after_s: 0.4,
        dead_after_s: 0.9,
        backoff_max_s: 0.2,
        ..PollPolicy::default()
    };
    let every = Duration::from_millis(100);
    let (mut rx, _handle) = poll::spawn(
        client(),
        specs(&r, every, Duration::from_millis(200)),
        policy,
    );
    let wait_for =
        |want: Freshness, rx: &mut tokio::sync::watch::Receiver<std::sync::Arc<poll::PollView>>| {
            let mut rx = rx.clone();
            async move {
                let t0 = std::time::Instant::now();
                loop {
                    let all: Vec<Freshness> = rx
                        .borrow_and_update()
                        .agents
                        .iter()
                        .map(|a| a.freshness)
                        .collect();
                    if all.iter().all(|f| *f == want) {
                        return t0.elapsed();
                    }
                    match tokio::time::timeout(Duration::from_secs(5), rx.changed()).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => panic!("the poller stopped publishing"),
                        Err(_) => panic!("never became {want:?}: {all:?}"),
                    }
                }
            }
        };
    wait_for(Freshness::Fresh, &mut rx).await;
    let _ = stop.send(());
    let _ = server.await;
    let to_stale = wait_for(Freshness::Stale, &mut rx).await;
    let to_dead = wait_for(Freshness::Dead, &mut rx).await;
    assert!(
        to_stale <= Duration::from_millis(1_000),
        "stale after {to_stale:?}"
    );
    assert!(
        to_dead <= Duration::from_millis(1_500),
        "dead after {to_dead:?}"
    );
    {
        let view = rx.borrow();
        let a = &view.agents[0];
        assert!(a.failures > 0 && a.last_error.is_some(), "{a:?}");
        let (live, _) = merged_live(&r.site, &view.agents);
        assert_eq!(live.element_state("UPS-A1"), ElementState::Unknown);
        assert_eq!(classify(&r.site, &live).live_tier, Tier::ZERO);
    }
    // the same address answers again: the poller notices by itself
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| panic!("rebind {addr}: {e}"));
    let again = r.sim.clone();
    let server = tokio::spawn(sim::run(again, listener, std::future::pending()));
    wait_for(Freshness::Fresh, &mut rx).await;
    server.abort();
}

/// The scenario's clock is tokio's: under paused time the live tier changes exactly when
/// the timeline says, with no sleeping.
#[tokio::test(start_paused = true)]
async fn a_scenario_changes_the_live_tier_on_time() {
    let scenario = Scenario {
        description: None,
        events: vec![
            Event {
                at_s: 30.0,
                action: Action::Maintenance {
                    target: "CRAH-1".into(),
                },
            },
            Event {
                at_s: 90.0,
                action: Action::Repair {
                    target: "CRAH-1".into(),
                },
            },
        ],
    };
    let r = start(Some(scenario)).await;
    let client = client();
    let specs = specs(&r, Duration::from_secs(1), Duration::from_secs(2));
    let policy = PollPolicy::default();
    let mut tiers = Vec::new();
    for at in [29.9, 30.1, 89.9, 90.1] {
        let now = r.sim.lock().start().elapsed().as_secs_f64();
        tokio::time::advance(Duration::from_secs_f64(at - now)).await;
        let statuses = poll::poll_once(&client, &specs, &policy, Duration::from_secs(2)).await;
        let (live, _) = merged_live(&r.site, &statuses);
        tiers.push((
            at,
            live.element_state("CRAH-1"),
            classify(&r.site, &live).live_tier,
        ));
    }
    assert_eq!(tiers[0].1, ElementState::Ok);
    assert_eq!(tiers[1].1, ElementState::Maintenance);
    assert_eq!(tiers[2].1, ElementState::Maintenance);
    assert_eq!(tiers[3].1, ElementState::Ok);
    assert_eq!(tiers[0].2, Tier::III, "{tiers:?}");
    assert!(tiers[1].2 < Tier::III, "{tiers:?}");
    assert_eq!(tiers[3].2, Tier::III, "{tiers:?}");
    r.task.abort();
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
