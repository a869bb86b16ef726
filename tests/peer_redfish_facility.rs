//! Facility equipment over Redfish against a real service: two `sushy-static` servers
//! (PyPI sushy-tools, see tests/peers/sushy.rs) serving copies of DMTF's `public-pdu`
//! (rack and floor PDU, transfer switch) and `public-cooling-unit` (a CDU) mockups on
//! loopback, read by one `redcon agent` with a `redfish` collector for each (the CDU's
//! ids under a `prefix`, as a gateway with several units of one model needs). Editing the
//! served JSON (the switch moves to its other mains, an outlet is switched off, the CDU
//! goes critical) shows in the next snapshots; stopping the agent leaves no panic in
//! its log.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::time::Duration;

use peers::sushy::edit;
use peers::{TempDir, wait_for};
use redcon::api::{ElementReport, Snapshot};
use redcon::model::{ElementState, MemberState};

const WITHIN: Duration = Duration::from_secs(20);

fn element<'a>(s: &'a Snapshot, id: &str) -> &'a ElementReport {
    s.elements
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no element {id} in {:?}", s.elements))
}

/// The agent's snapshot once `check` holds for it.
fn until(addr: &str, what: &str, check: impl Fn(&Snapshot) -> Result<(), String>) -> Snapshot {
    wait_for(what, WITHIN, || {
        let s = peers::snapshot(addr)?;
        check(&s).map(|()| s)
    })
}

#[test]
#[ignore = "needs sushy-static (PyPI sushy-tools, installed by .ci/test)"]
fn pdus_transfer_switch_and_cdu_from_dmtf_mockups() {
    let dir = TempDir::new("redfish-facility");
    let (mut pdu_server, pdu, pdu_mockup) = peers::sushy::serve(&dir, "public-pdu");
    let (mut cdu_server, cdu, cdu_mockup) = peers::sushy::serve(&dir, "public-cooling-unit");
    // Site ids for the switch and its mains, as a gateway's config would name them.
    let config = dir.write(
        "agent.ron",
        &format!(
            r#"(id: "facility-gw", collect_every_s: 0.5,
                collectors: [redfish(url: "http://{pdu}"), redfish(url: "http://{cdu}", concurrency: 2, prefix: "cdu-1")],
                element_map: {{"TransferSwitches/1": "ATS-1", "TransferSwitches/1/Mains/AC1": "FEED-A",
                               "TransferSwitches/1/Mains/AC2": "FEED-B"}})"#
        ),
    );
    let log = dir.path("agent.log");
    let (mut agent, addr) = peers::start_agent_logged(&config, Some(&log));
    let addr = addr.as_str();

    let s = until(addr, "both services read", |s| {
        if s.elements.len() == 4 {
            Ok(())
        } else {
            Err(format!("{:?}", s.elements))
        }
    });
    let mut ids: Vec<&str> = s.elements.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["ATS-1", "FloorPDUs/Row1", "RackPDUs/1", "cdu-1/CDUs/1"]
    );
    let ats = element(&s, "ATS-1");
    assert_eq!(
        (ats.state, ats.position.as_deref()),
        (ElementState::Ok, Some("FEED-A"))
    );
    let rack = element(&s, "RackPDUs/1");
    assert_eq!(rack.state, ElementState::Ok);
    assert_eq!(rack.metrics.get("realpower_w"), Some(6438.0));
    let cdu_unit = element(&s, "cdu-1/CDUs/1");
    assert_eq!(
        (
            cdu_unit.state,
            cdu_unit
                .flags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
        (
            ElementState::Ok,
            vec![
                "warning".into(),
                "rollup_critical".into(),
                "part_failed".into(),
                "degraded".into()
            ]
        )
    );
    let pump = s
        .members
        .iter()
        .find(|m| m.id == "cdu-1/CDUs/1/Pumps/2")
        .unwrap();
    assert_eq!(pump.state, MemberState::Failed);
    assert_eq!(
        s.members
            .iter()
            .filter(|m| m.id.starts_with("RackPDUs/1/Outlets/"))
            .count(),
        11
    );

    // The switch moves to its second mains; an outlet is switched off; the CDU goes critical.
    edit(&pdu_mockup, "PowerEquipment/TransferSwitches/1", |v| {
        v["TransferConfiguration"]["ActiveMainsId"] = "AC2".into();
    });
    edit(&pdu_mockup, "PowerEquipment/RackPDUs/1/Outlets/A1", |v| {
        v["PowerState"] = "Off".into();
    });
    edit(&cdu_mockup, "ThermalEquipment/CDUs/1", |v| {
        v["Status"]["Health"] = "Critical".into();
    });
    let s = until(addr, "the changes show", |s| {
        let moved = s
            .elements
            .iter()
            .any(|e| e.id == "ATS-1" && e.position.as_deref() == Some("FEED-B"));
        let off = s
            .members
            .iter()
            .any(|m| m.id == "RackPDUs/1/Outlets/A1" && m.state == MemberState::Failed);
        let failed = s
            .elements
            .iter()
            .any(|e| e.id == "cdu-1/CDUs/1" && e.state == ElementState::Failed);
        if moved && off && failed {
            Ok(())
        } else {
            Err(format!("moved {moved}, off {off}, CDU failed {failed}"))
        }
    });
    assert_eq!(element(&s, "ATS-1").flags, ["not_preferred"]);
    let a1 = s
        .members
        .iter()
        .find(|m| m.id == "RackPDUs/1/Outlets/A1")
        .unwrap();
    assert_eq!(a1.flags, ["off"]);
    assert_eq!(element(&s, "RackPDUs/1").flags, ["part_failed", "degraded"]);

    pdu_server.assert_running();
    cdu_server.assert_running();
    agent.assert_running();
    agent.terminate();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!text.contains("panicked"), "stopping the agent: {text}");
    assert!(
        !text.contains("collector redfish"),
        "no round failed: {text}"
    );
}
