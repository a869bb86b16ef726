//! The `redfish` collector against a real Redfish service: `sushy-static` (PyPI
//! sushy-tools, put in a venv by .ci/test, which exports `REDCON_SUSHY_STATIC`) serving a
//! copy of the DMTF `public-rackmount1` mockup on loopback, read by a real `redcon agent`
//! process. sushy-static reads a resource's file at every request, so a supply fails by
//! editing its JSON; killed, it makes the collector's items unknown, the round's error
//! names the URL, and the host collector still reports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::path::Path;
use std::time::Duration;

use peers::{TempDir, wait_for};
use redcon::api::{MemberReport, Snapshot};
use redcon::model::MemberState;

const WITHIN: Duration = Duration::from_secs(20);
const SUPPLIES: &str = "Chassis/1U/PowerSubsystem/PowerSupplies";

/// Rewrite a served resource's `Status`. Written aside and renamed, so the server never
/// reads half a file.
fn set_status(mockup: &Path, resource: &str, status: serde_json::Value) {
    let file = mockup.join(resource).join("index.json");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["Status"] = status;
    let aside = file.with_extension("json.new");
    std::fs::write(&aside, json.to_string()).unwrap();
    std::fs::rename(&aside, &file).unwrap();
}

/// The supply redundancy group's `Status` (the first of `PowerSupplyRedundancy`).
fn set_group_status(mockup: &Path, status: serde_json::Value) {
    let file = mockup.join("Chassis/1U/PowerSubsystem/index.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["PowerSupplyRedundancy"][0]["Status"] = status;
    let aside = file.with_extension("json.new");
    std::fs::write(&aside, json.to_string()).unwrap();
    std::fs::rename(&aside, &file).unwrap();
}

fn member<'a>(s: &'a Snapshot, id: &str) -> &'a MemberReport {
    s.members
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no member {id} in {:?}", s.members))
}

/// State, flags and the named metrics of one member, to compare in one go.
fn facts(s: &Snapshot, id: &str, metrics: &[&str]) -> (MemberState, Vec<String>, Vec<Option<f64>>) {
    let m = member(s, id);
    (
        m.state,
        m.flags.iter().map(ToString::to_string).collect(),
        metrics.iter().map(|k| m.metrics.get(k)).collect(),
    )
}

const GROUP: [&str; 5] = [
    "members",
    "members_ok",
    "min_needed",
    "max_supported",
    "spare_count",
];

/// Every id the collector reports for this mockup (it has no Storage).
const IDS: [&str; 13] = [
    "1U/FanRedundancy/0",
    "1U/FanRedundancy/1",
    "1U/Fans/Bay1",
    "1U/Fans/Bay2",
    "1U/Fans/CPU1",
    "1U/Fans/CPU2",
    "1U/PowerRedundancy/0",
    "1U/PowerSupplies/Bay1",
    "1U/PowerSupplies/Bay2",
    "1U/Temperatures/AmbientTemp",
    "1U/Temperatures/CPU1Temp",
    "1U/Temperatures/ExhaustTemp",
    "1U/Temperatures/IntakeTemp",
];

/// The agent's snapshot once `id` is in state `want`.
fn until(addr: &str, id: &str, want: MemberState) -> Snapshot {
    wait_for(&format!("{id} {want:?}"), WITHIN, || {
        let s = peers::snapshot(addr)?;
        match s.members.iter().find(|m| m.id == id) {
            Some(m) if m.state == want => Ok(s),
            Some(m) => Err(format!("{:?} {:?}", m.state, m.flags)),
            None => Err(format!("no {id}")),
        }
    })
}

fn health(addr: &str) -> Result<String, String> {
    let body = peers::http_get(addr, "/v1/health")?;
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    Ok(v["status"].as_str().unwrap_or_default().to_string())
}

#[test]
#[ignore = "needs sushy-static (PyPI sushy-tools, installed by .ci/test)"]
fn sushy_static_serving_the_dmtf_mockup() {
    let dir = TempDir::new("redfish");
    let (mut server, service, mockup) = peers::sushy::serve(&dir, "public-rackmount1");

    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"bmc-gw\", collect_every_s: 0.5,\n collectors: [host(), redfish(url: \"http://{service}\")])"
        ),
    );
    let log = dir.path("agent.log");
    let (mut agent, addr) = peers::start_agent_logged(&config, Some(&log));
    let addr = addr.as_str();

    // As served: Bay1 carries the load with a warning, Bay2 is absent; the Failover group
    // needs one, so it holds with no spare left, and says so.
    let s = until(addr, "1U/PowerRedundancy/0", MemberState::Ok);
    let mut ids: Vec<&str> = s.members.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, IDS);
    assert_eq!(
        facts(&s, "1U/PowerSupplies/Bay1", &["reading"]),
        (MemberState::Ok, vec!["warning".into()], vec![Some(400.0)])
    );
    assert_eq!(
        facts(&s, "1U/PowerSupplies/Bay2", &["reading"]),
        (MemberState::Maintenance, vec!["absent".into()], vec![None])
    );
    let flags = |words: &[&str]| words.iter().map(ToString::to_string).collect::<Vec<_>>();
    let group = |members_ok: f64| {
        let f = [2.0, members_ok, 1.0, 2.0, members_ok - 1.0];
        f.map(Some).to_vec()
    };
    assert_eq!(
        facts(&s, "1U/PowerRedundancy/0", &GROUP),
        (
            MemberState::Ok,
            flags(&["Failover", "unavailableoffline", "degraded"]),
            group(1.0)
        )
    );
    for fan in ["Bay1", "Bay2", "CPU1", "CPU2"] {
        assert_eq!(
            facts(&s, &format!("1U/Fans/{fan}"), &["reading"]),
            (MemberState::Ok, vec![], vec![Some(45.0)]),
            "{fan}"
        );
    }
    assert_eq!(
        facts(&s, "1U/FanRedundancy/0", &GROUP),
        (MemberState::Ok, flags(&["NPlusM"]), group(2.0))
    );
    assert_eq!(
        facts(&s, "1U/FanRedundancy/1", &GROUP),
        (MemberState::Ok, flags(&["NPlusM", "disabled"]), group(2.0))
    );
    assert_eq!(health(addr).as_deref(), Ok("ok"));

    // Bay2 fitted and healthy, as the BMC would then say: full redundancy.
    let ok = serde_json::json!({"State": "Enabled", "Health": "OK"});
    set_status(&mockup, &format!("{SUPPLIES}/Bay2"), ok.clone());
    set_group_status(&mockup, ok);
    let s = until(addr, "1U/PowerSupplies/Bay2", MemberState::Ok);
    assert_eq!(
        facts(&s, "1U/PowerRedundancy/0", &GROUP),
        (MemberState::Ok, flags(&["Failover"]), group(2.0))
    );

    // Bay2 fails. The group's own Status is left OK: the collector counts the members
    // itself rather than take the BMC's word for the group.
    set_status(
        &mockup,
        &format!("{SUPPLIES}/Bay2"),
        serde_json::json!({"State": "UnavailableOffline", "Health": "Critical"}),
    );
    let s = until(addr, "1U/PowerSupplies/Bay2", MemberState::Failed);
    assert_eq!(
        member(&s, "1U/PowerSupplies/Bay2").flags,
        ["critical", "unavailableoffline"]
    );
    assert_eq!(
        facts(&s, "1U/PowerRedundancy/0", &GROUP),
        (
            MemberState::Ok,
            flags(&["Failover", "degraded"]),
            group(1.0)
        )
    );

    // Bay1 fails too: below MinNeededInGroup, the group is lost.
    set_status(
        &mockup,
        &format!("{SUPPLIES}/Bay1"),
        serde_json::json!({"State": "Enabled", "Health": "Critical"}),
    );
    let s = until(addr, "1U/PowerRedundancy/0", MemberState::Failed);
    assert_eq!(
        facts(&s, "1U/PowerSupplies/Bay1", &["reading"]),
        (
            MemberState::Failed,
            vec!["critical".into()],
            vec![Some(400.0)]
        )
    );
    assert_eq!(
        facts(&s, "1U/PowerRedundancy/0", &GROUP),
        (
            MemberState::Failed,
            flags(&["Failover", "degraded"]),
            group(0.0)
        )
    );
    assert_eq!(health(addr).as_deref(), Ok("ok"));
    agent.assert_running();

    // The service dies: what it reported is unknown, not gone; the round's error names
    // the URL; the host collector goes on.
    server.kill();
    let s = wait_for("redfish items unknown", WITHIN, || {
        let s = peers::snapshot(addr)?;
        let known: Vec<&str> = (s.members.iter())
            .filter(|m| m.state != MemberState::Unknown)
            .map(|m| m.id.as_str())
            .collect();
        if known.is_empty() && !s.members.is_empty() {
            Ok(s)
        } else {
            Err(format!(
                "{} members, still known: {known:?}",
                s.members.len()
            ))
        }
    });
    let mut ids: Vec<&str> = s.members.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, IDS);
    for m in &s.members {
        assert_eq!(m.flags, ["no_answer"], "{}", m.id);
        assert!(m.metrics.is_empty(), "{}: {:?}", m.id, m.metrics);
    }
    // A round after this one: the host collector still reports, and redfish stays unknown.
    let seen = redcon::api::unix_now();
    wait_for("host reports after the kill", WITHIN, || {
        let s = peers::snapshot(addr)?;
        let host = s.host.ok_or("no host report")?;
        let unknown = s.members.iter().all(|m| m.state == MemberState::Unknown);
        if host.observed_at > seen && unknown && s.members.len() == IDS.len() {
            Ok(())
        } else {
            Err(format!("host at {}, {:?}", host.observed_at, s.members))
        }
    });
    assert_eq!(health(addr).as_deref(), Ok("degraded"));
    let want = format!("collector redfish: http://{service}/redfish/v1/: no answer");
    wait_for("the agent logs the error", WITHIN, || {
        let text = std::fs::read_to_string(&log).map_err(|e| e.to_string())?;
        if text.contains(&want) {
            Ok(())
        } else {
            Err(text)
        }
    });
    agent.assert_running();
    agent.terminate();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!text.contains("panicked"), "stopping the agent: {text}");
}

/// Every way of stopping an agent that runs async collectors (Redfish, SNMP, Modbus)
/// stops it cleanly: their runtimes are dropped inside the agent's, which must not panic
/// ("Cannot drop a runtime in a context where blocking is not allowed").
#[test]
fn an_agent_with_async_collectors_stops_without_a_panic() {
    let dir = TempDir::new("redfish-stop");
    let closed = peers::free_port();
    let community = dir.write("community", "public\n").display().to_string();
    let config = dir.write(
        "agent.ron",
        &format!(
            r#"(id: "stopper", collect_every_s: 0.5, collectors: [
                redfish(url: "http://127.0.0.1:{closed}"),
                snmp(timeout_s: 0.2, retries: 0, devices: [(element: "C", address: "127.0.0.1:{closed}",
                     profile: "ups-mib", community_file: {community:?})]),
                modbus(timeout_s: 0.2, devices: [(element: "G", address: "127.0.0.1:{closed}", map: "generator")]),
            ])"#
        ),
    );
    for (name, signal) in [
        ("TERM", rustix::process::Signal::TERM),
        ("INT", rustix::process::Signal::INT),
        ("HUP", rustix::process::Signal::HUP),
    ] {
        let log = dir.path(&format!("agent-{name}.log"));
        let (mut agent, addr) = peers::start_agent_logged(&config, Some(&log));
        wait_for("the agent serves", WITHIN, || {
            peers::snapshot(&addr).map(drop)
        });
        // a few rounds, so the collectors have run and hold their runtimes
        std::thread::sleep(Duration::from_millis(1200));
        let pid = i32::try_from(agent.pid())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
            .unwrap();
        // our own child, not reaped yet
        rustix::process::kill_process(pid, signal).unwrap();
        let status = wait_for("the agent exits", WITHIN, || {
            agent
                .child
                .try_wait()
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "running".to_string())
        });
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(!text.contains("panicked"), "SIG{name}: {text}");
        assert!(status.success(), "SIG{name}: {status}: {text}");
    }
}
