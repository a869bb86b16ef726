//! The `nut` collector against a real upsd with dummy-ups serving a PDU, a transfer
//! switch and a three-phase UPS (`.dev` files shaped like NUT dumps of such devices, in
//! tests/fixtures/nut), and one upsd serving many UPSs read in one pipelined round.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::time::{Duration, Instant};

use peers::nut::{DRIVER, UPSD, start_upsd};
use peers::{need, wait_for};
use redcon::agent::collectors::nut::NutCollector;
use redcon::agent::collectors::{Collected, Collector};
use redcon::model::{ElementState, MemberState};

const PDU: &str = include_str!("fixtures/nut/pdu.dev");
const ATS: &str = include_str!("fixtures/nut/ats.dev");
const UPS3: &str = include_str!("fixtures/nut/ups3ph.dev");

fn round(c: &mut NutCollector) -> (Collected, Option<String>) {
    let mut out = Collected::default();
    let e = c.collect(&mut out).err().map(|e| e.to_string());
    (out, e)
}

#[test]
#[ignore = "needs upsd and dummy-ups (nut-server)"]
fn pdu_ats_and_three_phase_ups() {
    need(&[DRIVER, UPSD], "nut-server nut-client");
    let devices =
        [("pdu1", PDU), ("ats1", ATS), ("ups3", UPS3)].map(|(n, d)| (n.to_string(), d.to_string()));
    let nut = start_upsd("nut-devices", &devices);
    let mut c = NutCollector::new(&nut.server, &[], 2.0).unwrap();
    let out = wait_for("three devices", Duration::from_secs(15), || {
        let (out, e) = round(&mut c);
        let ready = out.elements.len() == 3
            && out
                .elements
                .iter()
                .all(|e| e.state != ElementState::Unknown);
        if ready && e.is_none() {
            Ok(out)
        } else {
            Err(format!("{e:?} {:?}", out.elements))
        }
    });
    let el = |id: &str| out.elements.iter().find(|e| e.id == id).unwrap().clone();
    let pdu = el("pdu1");
    assert_eq!(pdu.state, ElementState::Ok);
    assert_eq!(pdu.metrics.get("input_current_a"), Some(6.6));
    let outlets: Vec<_> = out
        .members
        .iter()
        .map(|m| (m.id.as_str(), m.state))
        .collect();
    assert_eq!(
        outlets,
        [
            ("pdu1/outlet.1", MemberState::Ok),
            ("pdu1/outlet.2", MemberState::Ok),
            ("pdu1/outlet.3", MemberState::Ok),
            ("pdu1/outlet.4", MemberState::Failed),
        ]
    );
    assert!(out.members[2].flags.contains(&"desc:Core switch A".into()));
    let ats = el("ats1");
    assert_eq!(
        (ats.state, ats.position.as_deref()),
        (ElementState::Ok, Some("ats1/input.1"))
    );
    let ups = el("ups3");
    assert_eq!(ups.state, ElementState::Ok);
    assert_eq!(ups.metrics.get("load_pct"), Some(41.0));
    assert_eq!(ups.metrics.get("load_l1_pct"), Some(32.0));

    // The switch transfers to its second input, an outlet is switched off, the UPS
    // reports an alarm and an impossible charge: each shows in a later round.
    nut.set("ats1", &ATS.replace("input.source: 1", "input.source: 2"));
    nut.set(
        "pdu1",
        &PDU.replace("outlet.2.status: on", "outlet.2.status: off"),
    );
    nut.set(
        "ups3",
        &format!("{UPS3}ups.alarm: Replace battery!\n")
            .replace("battery.charge: 100", "battery.charge: 140"),
    );
    let (out, e) = wait_for("the changes", Duration::from_secs(15), || {
        let (out, e) = round(&mut c);
        let ats = out.elements.iter().find(|e| e.id == "ats1");
        let moved = ats.and_then(|a| a.position.as_deref()) == Some("ats1/input.2");
        let off = out
            .members
            .iter()
            .any(|m| m.id == "pdu1/outlet.2" && m.state == MemberState::Failed);
        let alarm = out
            .elements
            .iter()
            .any(|e| e.id == "ups3" && e.flags.contains(&"ALARM".into()));
        if moved && off && alarm {
            Ok((out, e))
        } else {
            Err(format!("{moved} {off} {alarm}"))
        }
    });
    let ats = out.elements.iter().find(|e| e.id == "ats1").unwrap();
    assert!(
        ats.flags.contains(&"not_preferred".into()),
        "{:?}",
        ats.flags
    );
    let ups = out.elements.iter().find(|e| e.id == "ups3").unwrap();
    assert!(ups.flags.contains(&"degraded".into()));
    assert!(ups.flags.contains(&"alarm:Replace battery!".into()));
    assert_eq!(ups.metrics.get("battery_charge_pct"), None);
    let e = e.expect("an impossible charge is a data problem");
    assert!(
        e.contains("ups3: battery.charge = \"140\""),
        "names the UPS and the variable: {e}"
    );
}

#[test]
#[ignore = "needs upsd and dummy-ups (nut-server)"]
fn many_ups_on_one_upsd_in_one_round() {
    need(&[DRIVER, UPSD], "nut-server nut-client");
    const N: usize = 40;
    let devices: Vec<(String, String)> = (0..N)
        .map(|i| {
            let dev = format!("ups.status: OL\nups.load: {i}\nbattery.charge: 100\n");
            (format!("ups{i:03}"), dev)
        })
        .collect();
    let nut = start_upsd("nut-many", &devices);
    let mut c = NutCollector::new(&nut.server, &[], 2.0).unwrap();
    let out = wait_for("all answer", Duration::from_secs(30), || {
        let (out, e) = round(&mut c);
        let ok = out
            .elements
            .iter()
            .filter(|e| e.state == ElementState::Ok)
            .count();
        if ok == N && e.is_none() {
            Ok(out)
        } else {
            Err(format!("{ok} ok, {e:?}"))
        }
    });
    // Answers are matched to the right UPS although they were asked for in batches.
    for (i, e) in out.elements.iter().enumerate() {
        assert_eq!(e.id, format!("ups{i:03}"));
        assert_eq!(e.metrics.get("load_pct"), Some(i as f64));
    }
    // A name upsd does not serve costs only itself, in the middle of a batch.
    let mut names: Vec<String> = (0..N).map(|i| format!("ups{i:03}")).collect();
    names.insert(5, "nosuch".into());
    let mut c = NutCollector::new(&nut.server, &names, 2.0).unwrap();
    let t0 = Instant::now();
    let (out, _) = round(&mut c);
    let took = t0.elapsed();
    let unknown: Vec<_> = out
        .elements
        .iter()
        .filter(|e| e.state != ElementState::Ok)
        .map(|e| (e.id.as_str(), e.flags.clone()))
        .collect();
    assert_eq!(unknown, [("nosuch", vec!["UNKNOWN-UPS".into()])]);
    assert_eq!(out.elements[6].metrics.get("load_pct"), Some(5.0));
    eprintln!("{} UPSs in one round: {took:?}", N + 1);
}
