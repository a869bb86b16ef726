//! Push instead of waiting for the next poll: a snapshot request with a current
//! `If-None-Match` and `?wait=SECONDS` is held until the content changes (then 200) or the
//! wait ends (then 304), by the simulator and by a real agent alike; the poller asks for it
//! of agents that say they grant it, so a change reaches the view long before the next
//! interval. All on loopback; the time bounds are wide (a held request is measured against
//! waits of seconds, not milliseconds).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

mod sim_support;

use std::time::{Duration, Instant};

use redcon::agent::{self, parse_agent_config};
use redcon::api::WAIT_HEADER;
use redcon::config::PollPolicy;
use redcon::model::ElementState;
use redcon::poll::{self, AgentSpec};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::json;
use tokio::net::TcpListener;

use sim_support::start;

async fn held(
    http: &reqwest::Client,
    url: &str,
    tag: &reqwest::header::HeaderValue,
    wait: &str,
) -> (reqwest::Response, Duration) {
    let t = Instant::now();
    let r = http
        .get(format!("{url}?wait={wait}"))
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap();
    (r, t.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_holds_a_request_until_a_fault_changes_the_agent() {
    let d = start(None).await;
    let first = d.get("ups-gw-a", "snapshot").await;
    assert_eq!(first.headers()[WAIT_HEADER], "20", "says it holds requests");
    let tag = first.headers()[ETAG].clone();
    let url = d.url("ups-gw-a", "snapshot");

    // nothing happens: a 304 when the wait ends, not before
    let (r, took) = held(&d.http, &url, &tag, "1").await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(took >= Duration::from_millis(900), "held: {took:?}");

    // a fault while it is held: answered then, with the change
    let http = d.http.clone();
    let (u, t) = (url.clone(), tag.clone());
    let waiting = tokio::spawn(async move { held(&http, &u, &t, "15").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    d.ok_fault(json!({"action": "fail", "target": "UPS-A1"}))
        .await;
    let (r, took) = waiting.await.unwrap();
    assert!(
        took < Duration::from_secs(5),
        "answered at the change: {took:?}"
    );
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()[ETAG], tag);
    let snap = redcon::api::decode_snapshot(&r.bytes().await.unwrap(), "ups-gw-a")
        .unwrap()
        .snapshot;
    assert_eq!(sim_support::state_of(&snap, "UPS-A1"), ElementState::Failed);

    // an old tag is answered at once, wait or not: the change is already there
    let (r, took) = held(&d.http, &url, &tag, "15").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_that_is_not_a_number_of_seconds_is_no_wait() {
    let d = start(None).await;
    let tag = d.get("gen-gw", "snapshot").await.headers()[ETAG].clone();
    let url = d.url("gen-gw", "snapshot");
    for wait in ["abc", "-3", "NaN", "inf", "", "0", "1e999999"] {
        let (r, took) = held(&d.http, &url, &tag, wait).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "wait={wait}");
        assert!(took < Duration::from_millis(800), "wait={wait}: {took:?}");
    }
}

fn bond_tree(root: &std::path::Path, eth1: &str) {
    for (file, text) in [
        ("bonding_masters", "bond0"),
        ("bond0/operstate", "up"),
        ("bond0/bonding/mode", "active-backup 1"),
        ("bond0/bonding/slaves", "eth0 eth1"),
        ("bond0/bonding/active_slave", "eth0"),
        ("bond0/bonding/mii_status", "up"),
        ("eth0/bonding_slave/mii_status", "up"),
        ("eth1/bonding_slave/mii_status", eth1),
    ] {
        let path = root.join("sys/class/net").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{text}\n")).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_agent_answers_a_held_request_when_its_source_changes_and_stops_at_once() {
    let dir = std::env::temp_dir().join(format!("redcon-held-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("root");
    bond_tree(&root, "up");
    let text = format!(
        r#"(id: "host-1", collect_every_s: 0.5, collectors: [bonding(root: {:?})])"#,
        root.display().to_string()
    );
    let config = parse_agent_config(&text, "agent.ron").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(agent::run(config, listener, async {
        let _ = stopped.await;
    }));
    let http = poll::client().unwrap();
    let url = format!("{base}/v1/snapshot");
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.headers()[WAIT_HEADER], "20");
    assert_eq!(
        first.headers()[ETAG],
        "W/\"host-1-1\"",
        "the first round is published"
    );
    let tag = first.headers()[ETAG].clone();

    let (h, u, t) = (http.clone(), url.clone(), tag.clone());
    let waiting = tokio::spawn(async move { held(&h, &u, &t, "15").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    bond_tree(&root, "down");
    let (r, took) = waiting.await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the slave's link went down");
    assert!(
        took < Duration::from_secs(5),
        "answered at the next round: {took:?}"
    );
    let tag = r.headers()[ETAG].clone();
    let body = r.bytes().await.unwrap();
    let snap = redcon::api::decode_snapshot(&body, "host-1")
        .unwrap()
        .snapshot;
    let eth1 = snap.members.iter().find(|m| m.id == "eth1").unwrap();
    assert_eq!(eth1.state, redcon::model::MemberState::Failed);

    // a request held while the agent stops does not hold the stop up
    let (h, u, t) = (http.clone(), url.clone(), tag.clone());
    let waiting = tokio::spawn(async move { held(&h, &u, &t, "15").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let _ = stop.send(());
    let ended = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let (r, _) = waiting.await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_sees_a_change_long_before_its_interval() {
    let d = start(None).await;
    let spec = AgentSpec {
        name: "ups-gw-a".into(),
        url: format!("{}{}", d.base, redcon::sim::agent_path("ups-gw-a")),
        // without a held request the fault could not be seen for a minute
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(2),
    };
    let (mut views, _handle) = poll::spawn(d.http.clone(), vec![spec], PollPolicy::default());
    let state = |v: &poll::PollView| {
        v.agents[0]
            .snapshot
            .as_ref()
            .and_then(|s| s.elements.iter().find(|e| e.id == "UPS-A1"))
            .map(|e| e.state)
    };
    tokio::time::timeout(Duration::from_secs(5), async {
        while state(&views.borrow_and_update()) != Some(ElementState::Ok) {
            views.changed().await.unwrap();
        }
    })
    .await
    .expect("a first snapshot");
    // let the poller settle into a held request
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = Instant::now();
    d.ok_fault(json!({"action": "fail", "target": "UPS-A1"}))
        .await;
    tokio::time::timeout(Duration::from_secs(5), async {
        while state(&views.borrow_and_update()) != Some(ElementState::Failed) {
            views.changed().await.unwrap();
        }
    })
    .await
    .expect("the fault reaches the view within seconds, not the 60 s interval");
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// A change to one agent is not an answer for another: the simulator once ended every held
/// request on any change, each with a 304, which the poller takes from a server that does
/// not really hold; it then asked that agent again only after its interval. A fault on the
/// agent itself (taken down) still ends the wait at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_outlasts_a_change_to_another_agent() {
    let d = start(None).await;
    let tag = d.get("gen-gw", "snapshot").await.headers()[ETAG].clone();
    let url = d.url("gen-gw", "snapshot");
    let hold = |wait: &'static str| {
        let (http, u, t) = (d.http.clone(), url.clone(), tag.clone());
        tokio::spawn(async move { held(&http, &u, &t, wait).await })
    };

    let waiting = hold("2");
    tokio::time::sleep(Duration::from_millis(300)).await;
    d.ok_fault(json!({"action": "fail", "target": "UPS-A1"}))
        .await;
    let (r, took) = waiting.await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(took >= Duration::from_millis(1800), "held on: {took:?}");

    let waiting = hold("15");
    tokio::time::sleep(Duration::from_millis(300)).await;
    d.ok_fault(json!({"action": "down", "agent": "gen-gw"}))
        .await;
    let (_, took) = waiting.await.unwrap();
    assert!(
        took < Duration::from_secs(3),
        "ended by its own fault: {took:?}"
    );
}

/// Two faults on two agents a tenth of a second apart: both reach the poller's view within
/// seconds, though its interval is a minute. The second took up to an interval before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_faults_on_two_agents_back_to_back_both_arrive_at_once() {
    let d = start(None).await;
    let spec = |name: &str| AgentSpec {
        name: name.into(),
        url: format!("{}{}", d.base, redcon::sim::agent_path(name)),
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(2),
    };
    let specs = vec![spec("ups-gw-a"), spec("gen-gw")];
    let (mut views, _handle) = poll::spawn(d.http.clone(), specs, PollPolicy::default());
    let state = |v: &poll::PollView, agent: usize, id: &str| {
        v.agents[agent]
            .snapshot
            .as_ref()
            .and_then(|s| s.elements.iter().find(|e| e.id == id))
            .map(|e| e.state)
    };
    let both = |v: &poll::PollView, want: ElementState| {
        state(v, 0, "UPS-A1") == Some(want) && state(v, 1, "G-2") == Some(want)
    };
    tokio::time::timeout(Duration::from_secs(5), async {
        while !both(&views.borrow_and_update(), ElementState::Ok) {
            views.changed().await.unwrap();
        }
    })
    .await
    .expect("first snapshots");
    // let the poller settle into held requests
    tokio::time::sleep(Duration::from_millis(500)).await;
    d.ok_fault(json!({"action": "fail", "target": "UPS-A1"}))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    d.ok_fault(json!({"action": "fail", "target": "G-2"})).await;
    tokio::time::timeout(Duration::from_secs(5), async {
        while !both(&views.borrow_and_update(), ElementState::Failed) {
            views.changed().await.unwrap();
        }
    })
    .await
    .expect("both faults within seconds, not the 60 s interval");
}
