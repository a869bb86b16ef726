//! The simulator on loopback: the demo site served by its agents, conditional requests,
//! state faults and the fault API's errors, a scenario under paused time, and graceful
//! shutdown, all through real HTTP with the client stack the poller uses. The agent-level
//! fault modes are in sim_faults.rs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod sim_support;

use std::collections::BTreeMap;
use std::time::Duration;

use redcon::api::{Health, Snapshot, decode_snapshot};
use redcon::model::{ElementState, MemberState};
use redcon::sim::{self, SimHandle, parse_scenario};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

use sim_support::{client, demo, json, start, state_of};

#[tokio::test]
async fn the_demo_site_is_served_by_its_agents() {
    let d = start(None).await;
    let listed: Value = json(
        d.http
            .get(format!("{}/v1/sim/agents", d.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let urls = sim::agent_urls(&d.site, &d.base);
    assert_eq!(listed["agents"].as_array().unwrap().len(), urls.len());
    assert_eq!(listed["agents"][0]["base_path"], "/agents/bms-gw");

    let (mut elements, mut members, mut tanks) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (agent, url) in &urls {
        let body = d
            .http
            .get(format!("{url}/v1/snapshot"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let decoded = decode_snapshot(&body, agent).unwrap_or_else(|e| panic!("{e}"));
        assert!(decoded.errors.is_empty(), "{agent}: {:?}", decoded.errors);
        assert_eq!(&decoded.snapshot.agent.id, agent);
        for e in decoded.snapshot.elements {
            assert!(elements.insert(e.id.clone(), e).is_none(), "reported twice");
        }
        members.extend(
            decoded
                .snapshot
                .members
                .into_iter()
                .map(|m| (m.id.clone(), m)),
        );
        tanks.extend(
            decoded
                .snapshot
                .tanks
                .into_iter()
                .map(|t| (t.id.clone(), t)),
        );
    }
    assert_eq!(elements.len(), d.site.elements.len(), "every element, once");
    for (id, e) in &elements {
        let expected = if id == "UPS-A2" {
            ElementState::Failed
        } else {
            ElementState::Ok
        };
        assert_eq!(e.state, expected, "{id}");
    }
    // The A side carries its 300 kW on two UPSs now, the B side on three.
    assert_eq!(
        elements["UPS-A1"]
            .metrics
            .get("load_pct")
            .unwrap_or(f64::NAN),
        50.0
    );
    assert_eq!(
        elements["UPS-B1"]
            .metrics
            .get("load_pct")
            .unwrap_or(f64::NAN),
        33.3
    );
    assert_eq!(elements["UPS-A1"].flags, ["OL"]);
    assert_eq!(
        elements["UPS-A2"]
            .metrics
            .get("load_pct")
            .unwrap_or(f64::NAN),
        0.0
    );
    assert_eq!(
        elements["CRAH-1"]
            .metrics
            .get("capacity_kw")
            .unwrap_or(f64::NAN),
        250.0
    );
    assert!(
        elements["CRAH-1"]
            .metrics
            .get("return_temp_c")
            .unwrap_or(f64::NAN)
            > elements["CRAH-1"]
                .metrics
                .get("supply_temp_c")
                .unwrap_or(f64::NAN)
    );
    assert_eq!(members["db1-sdc"].state, MemberState::Failed);
    assert_eq!(members["db1-sdg"].state, MemberState::Rebuilding);
    assert_eq!(members["db1-sdg"].rebuild.map(|r| r.progress), Some(0.42));
    assert_eq!(members["db3"].state, MemberState::Standby);
    assert_eq!(members["db1"].state, MemberState::Ok);
    assert_eq!(tanks["TK-1"].hours, Some(20.5));
    assert_eq!(tanks["TK-2"].hours, Some(24.0));

    let health: Health = json(d.get("gen-gw", "health").await).await;
    assert_eq!(
        (health.status.as_str(), health.agent.id.as_str()),
        ("ok", "gen-gw")
    );
    let schema: Value = json(d.get("gen-gw", "schema").await).await;
    assert_eq!(schema["title"], "Snapshot");
}

#[tokio::test]
async fn unchanged_gives_304_and_a_fault_gives_a_new_etag() {
    let d = start(None).await;
    let first = d.get("ups-gw-a", "snapshot").await;
    let tag = first.headers()[ETAG].clone();
    let again = d
        .http
        .get(d.url("ups-gw-a", "snapshot"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let gen_tag = d.get("gen-gw", "snapshot").await.headers()[ETAG].clone();

    d.ok_fault(json!({"action": "fail", "target": "UPS-A1"}))
        .await;
    let after = d
        .http
        .get(d.url("ups-gw-a", "snapshot"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()[ETAG], tag);
    let snap = decode_snapshot(&after.bytes().await.unwrap(), "ups-gw-a")
        .unwrap()
        .snapshot;
    assert_eq!(state_of(&snap, "UPS-A1"), ElementState::Failed);
    // The last A-side UPS now carries the whole 300 kW.
    assert_eq!(
        snap.elements[2].metrics.get("load_pct").unwrap_or(f64::NAN),
        100.0
    );
    // Other agents are untouched.
    let other = d
        .http
        .get(d.url("gen-gw", "snapshot"))
        .header(IF_NONE_MATCH, &gen_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn state_faults_change_what_agents_report() {
    let d = start(None).await;
    d.ok_fault(json!({"action": "repair", "target": "UPS-A2"}))
        .await;
    d.ok_fault(json!({"action": "bypass", "target": "UPS-A3"}))
        .await;
    d.ok_fault(json!({"action": "maintenance", "target": "TK-2"}))
        .await;
    d.ok_fault(json!({"action": "member", "target": "db3", "state": "ok"}))
        .await;
    d.ok_fault(json!({"action": "member", "target": "db1-sdg", "state": "ok"}))
        .await;
    d.ok_fault(json!({"action": "unknown", "target": "CH-1"}))
        .await;
    let ups = d.snapshot("ups-gw-a").await;
    assert_eq!(state_of(&ups, "UPS-A2"), ElementState::Ok);
    assert_eq!(state_of(&ups, "UPS-A3"), ElementState::Bypass);
    assert_eq!(ups.elements[2].flags, ["OL", "BYPASS"]);
    let gen_gw = d.snapshot("gen-gw").await;
    assert_eq!(gen_gw.tanks[1].state, ElementState::Maintenance);
    let db1 = d.snapshot("db1").await;
    let member = |id: &str| db1.members.iter().find(|m| m.id == id).unwrap().clone();
    assert_eq!(member("db3").state, MemberState::Ok);
    assert_eq!(
        (member("db1-sdg").state, member("db1-sdg").rebuild),
        (MemberState::Ok, None)
    );
    let bms = d.snapshot("bms-gw").await;
    assert_eq!(state_of(&bms, "CH-1"), ElementState::Unknown);
    assert!(bms.elements[0].metrics.is_empty());
}

/// The PDUs' outlets are members `<pdu>/outlet.N`, as the `apc-rpdu2` profile reports
/// them, one per row or switch the PDU feeds; a failed PDU's outlets are off.
#[tokio::test]
async fn pdu_outlets_are_reported_with_their_pdu() {
    let d = start(None).await;
    let facts = |s: &redcon::api::Snapshot, id: &str| {
        let m = s
            .members
            .iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("no {id}"));
        (
            m.state,
            m.flags.iter().map(ToString::to_string).collect::<Vec<_>>(),
            m.metrics.get("realpower_w"),
        )
    };
    let pdu = d.snapshot("pdu-gw").await;
    let outlets: Vec<&str> = pdu
        .members
        .iter()
        .map(|m| m.id.as_str())
        .filter(|id| id.starts_with("PDU-A2/"))
        .collect();
    assert_eq!(
        outlets,
        ["PDU-A2/outlet.1", "PDU-A2/outlet.2", "PDU-A2/outlet.3"]
    );
    assert_eq!(
        facts(&pdu, "PDU-A1/outlet.1"),
        (
            MemberState::Ok,
            vec!["on".into(), "desc:ROW-1".into()],
            Some(75_000.0)
        )
    );
    assert_eq!(
        facts(&pdu, "PDU-A2/outlet.3"),
        (
            MemberState::Ok,
            vec!["on".into(), "desc:RATS-R4".into()],
            None
        )
    );
    d.ok_fault(json!({"action": "fail", "target": "PDU-A1"}))
        .await;
    let pdu = d.snapshot("pdu-gw").await;
    assert_eq!(
        facts(&pdu, "PDU-A1/outlet.2"),
        (
            MemberState::Failed,
            vec!["off".into(), "desc:ROW-2".into()],
            None
        )
    );
    assert_eq!(facts(&pdu, "PDU-B1/outlet.2").0, MemberState::Ok);
}

#[tokio::test]
async fn the_fault_api_refuses_unknown_targets_and_bad_bodies() {
    let d = start(None).await;
    let (status, answer) = d.fault(json!({"action": "fail", "target": "G-9"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer["target"], "G-9");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("\"G-9\" is not in site dc1"),
        "{answer}"
    );
    let (status, answer) = d.fault(json!({"action": "down", "agent": "nobody"})).await;
    assert_eq!(
        (status, &answer["target"]),
        (StatusCode::NOT_FOUND, &json!("nobody"))
    );
    for (body, needle) in [
        (json!({"target": "G-1"}), "missing \"action\""),
        (
            json!({"action": "explode", "target": "G-1"}),
            "unknown variant `explode`",
        ),
        (json!({"action": "slow", "agent": "gen-gw"}), "delay_ms"),
        (
            json!({"action": "on_battery", "target": "G-1"}),
            "applies only to UPSs",
        ),
        (
            json!({"action": "fail", "target": "db3"}),
            "IT-group member",
        ),
    ] {
        let (status, answer) = d.fault(body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer["error"].as_str().unwrap().contains(needle),
            "{answer} should say {needle}"
        );
    }
    let r = d
        .http
        .post(format!("{}/v1/sim/faults", d.base))
        .body("fail G-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not JSON"));
    assert_eq!(
        d.get("nobody", "snapshot").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.http
            .get(format!("{}/v1/snapshot", d.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(start_paused = true)]
async fn a_scenario_changes_a_ups_at_exactly_its_time() {
    let (site, _) = demo();
    let text = r#"(events: [
        (at_s: 30.0, action: on_battery(target: "UPS-B2", runtime_min: 12.0)),
        (at_s: 90.0, action: fail(target: "G-1")),
        (at_s: 120.0, action: slow(agent: "ups-gw-a", delay_ms: 3000)),
    ])"#;
    let scenario = parse_scenario(text, "test.ron", &site).unwrap();
    let d = start(Some(scenario)).await;
    let step = |s: f64| tokio::time::advance(Duration::from_secs_f64(s));
    let b2 = |s: &Snapshot| {
        s.elements
            .iter()
            .find(|e| e.id == "UPS-B2")
            .unwrap()
            .clone()
    };

    step(29.999).await;
    let before = d.snapshot("ups-gw-b").await;
    assert_eq!(b2(&before).state, ElementState::Ok);
    step(0.001).await;
    let after = d.snapshot("ups-gw-b").await;
    assert_eq!(b2(&after).state, ElementState::OnBattery);
    assert_eq!(b2(&after).flags, ["OB", "DISCHRG"]);
    assert_eq!(
        b2(&after).metrics.get("runtime_min").unwrap_or(f64::NAN),
        12.0
    );
    assert_eq!(
        b2(&after)
            .metrics
            .get("battery_charge_pct")
            .unwrap_or(f64::NAN),
        100.0
    );

    // Six minutes on battery: half the runtime and half the charge are gone.
    step(360.0).await;
    let later = d.snapshot("ups-gw-b").await;
    assert_eq!(
        b2(&later).metrics.get("runtime_min").unwrap_or(f64::NAN),
        6.0
    );
    assert_eq!(
        b2(&later)
            .metrics
            .get("battery_charge_pct")
            .unwrap_or(f64::NAN),
        50.0
    );
    assert_eq!(
        state_of(&d.snapshot("gen-gw").await, "G-1"),
        ElementState::Failed
    );
    assert_eq!(d.sim.lock().pending_events().count(), 0);
    step(240.0).await;
    assert_eq!(b2(&d.snapshot("ups-gw-b").await).flags, ["OB", "LB"]);
}

#[tokio::test]
async fn run_stops_gracefully() {
    let (site, live) = demo();
    let handle = SimHandle::new(sim::Sim::new(site, live, None).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(sim::run(handle, listener, async {
        let _ = stopped.await;
    }));
    let r = client()
        .get(format!("http://{addr}/agents/sim/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "every demo element has an agent"
    );
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
