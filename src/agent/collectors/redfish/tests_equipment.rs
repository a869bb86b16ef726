//! Facility equipment: DMTF's public-pdu and public-cooling-unit mockups, edited,
//! truncated and garbled.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::equipment::{parse_equipment, parse_leak_detection, parse_part, parse_unit};
use super::tests::serve;
use super::thermal::{parse_sensor, parse_thermal_metrics, temperature_report};
use super::*;
use crate::agent::collectors::parse::{cut_points, fixtures};
use crate::api::{ElementReport, MemberReport};
use crate::model::{ElementState, MemberState};

pub(super) fn mockup(name: &str) -> std::path::PathBuf {
    fixtures().join("redfish").join(name)
}

pub(super) fn read(dir: &Path, id: &str) -> String {
    std::fs::read_to_string(mockup_path(dir, id)).unwrap()
}

pub(super) fn member<'a>(r: &'a [MemberReport], id: &str) -> &'a MemberReport {
    r.iter().find(|m| m.id == id).unwrap_or_else(|| {
        panic!(
            "no {id} in {:?}",
            r.iter().map(|m| &m.id).collect::<Vec<_>>()
        )
    })
}

fn element<'a>(r: &'a [ElementReport], id: &str) -> &'a ElementReport {
    r.iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no {id} in {r:?}"))
}

pub(super) fn round(url: &str) -> (Collected, Result<(), CollectorError>) {
    let mut c = RedfishCollector::new(url, None, None, false, 8).unwrap();
    let mut out = Collected::default();
    let r = c.collect(&mut out);
    (out, r)
}

/// A resource of a mockup with some fields replaced, as text to serve in its place.
fn edited(dir: &Path, id: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (String, String) {
    let mut v: serde_json::Value = serde_json::from_str(&read(dir, id)).unwrap();
    edit(&mut v);
    (id.to_string(), v.to_string())
}

#[test]
fn rack_pdu_floor_pdu_and_transfer_switch() {
    let (out, r) = round(&serve(&mockup("public-pdu"), BTreeMap::new()));
    assert!(r.is_ok(), "{r:?}");
    let e = &out.elements;
    let ids: Vec<&str> = e.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["RackPDUs/1", "FloorPDUs/Row1", "TransferSwitches/1"]);
    let pdu = element(e, "RackPDUs/1");
    assert_eq!(
        (pdu.state, pdu.flags.as_slice()),
        (ElementState::Ok, &[][..])
    );
    for (k, v) in [
        ("realpower_w", 6438.0),
        ("energy_kwh", 56438.0),
        ("temp_c", 31.0),
        ("capacity_va", 20000.0),
    ] {
        assert_eq!(pdu.metrics.get(k), Some(v), "{k}");
    }
    let ats = element(e, "TransferSwitches/1");
    assert_eq!(
        ats.position.as_deref(),
        Some("TransferSwitches/1/Mains/AC1")
    );
    assert_eq!(ats.state, ElementState::Ok);

    let m = &out.members;
    // 3 branches, 11 outlets and 1 mains on the rack PDU; 2 branches, 6 outlets, 2 mains
    // on the transfer switch
    assert_eq!(
        m.len(),
        15 + 10,
        "{:?}",
        m.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    let a1 = member(m, "RackPDUs/1/Outlets/A1");
    assert_eq!(a1.state, MemberState::Ok);
    assert_eq!(
        (
            a1.metrics.get("current_a"),
            a1.metrics.get("realpower_w"),
            a1.metrics.get("voltage")
        ),
        (Some(1.68), Some(197.4), Some(117.5))
    );
    // the mains give only their Health; three phases, line to line and to neutral
    let mains = member(m, "RackPDUs/1/Mains/AC1");
    assert_eq!(mains.state, MemberState::Ok);
    for (k, v) in [
        ("current_l1_a", 8.02),
        ("current_n_a", 2.74),
        ("voltage_l1_l2", 202.8),
        ("voltage_l3_n", 118.5),
        ("realpower_l2_n_w", 231.5),
        ("frequency_hz", 60.1),
    ] {
        assert_eq!(mains.metrics.get(k), Some(v), "{k}");
    }
    let standby = member(m, "TransferSwitches/1/Mains/AC2");
    assert_eq!(
        (standby.state, standby.flags.as_slice()),
        (MemberState::Ok, &["qualified".into()][..])
    );
    assert_eq!(
        member(m, "RackPDUs/1/Branches/A").metrics.get("current_a"),
        Some(5.19)
    );
}

/// What operators need to see: the switch on its other input, a tripped branch, an outlet
/// switched off, a PDU gone critical.
#[test]
fn pdu_faults_show() {
    let dir = mockup("public-pdu");
    let edits: BTreeMap<String, String> = [
        edited(&dir, "/redfish/v1/PowerEquipment/TransferSwitches/1", |v| {
            v["TransferConfiguration"]["ActiveMainsId"] = "AC2".into();
            v["TransferConfiguration"]["TransferInhibit"] = true.into();
        }),
        edited(
            &dir,
            "/redfish/v1/PowerEquipment/RackPDUs/1/Branches/B",
            |v| v["BreakerState"] = "Tripped".into(),
        ),
        edited(
            &dir,
            "/redfish/v1/PowerEquipment/RackPDUs/1/Outlets/A2",
            |v| v["PowerState"] = "Off".into(),
        ),
        edited(&dir, "/redfish/v1/PowerEquipment/FloorPDUs/Row1", |v| {
            v["Status"]["Health"] = "Critical".into()
        }),
    ]
    .into_iter()
    .collect();
    let (out, r) = round(&serve(&dir, edits));
    assert!(r.is_ok(), "{r:?}");
    let ats = element(&out.elements, "TransferSwitches/1");
    assert_eq!(
        ats.position.as_deref(),
        Some("TransferSwitches/1/Mains/AC2")
    );
    assert_eq!(ats.flags, ["not_preferred", "transfer_inhibited"]);
    assert_eq!(
        element(&out.elements, "FloorPDUs/Row1").state,
        ElementState::Failed
    );
    let b = member(&out.members, "RackPDUs/1/Branches/B");
    assert_eq!(
        (b.state, b.flags.as_slice()),
        (MemberState::Failed, &["tripped".into()][..])
    );
    let a2 = member(&out.members, "RackPDUs/1/Outlets/A2");
    assert_eq!(
        (a2.state, a2.flags.as_slice()),
        (MemberState::Failed, &["off".into()][..])
    );
    let pdu = element(&out.elements, "RackPDUs/1");
    assert_eq!(
        (pdu.state, pdu.flags.as_slice()),
        (
            ElementState::Ok,
            &["part_failed".into(), "degraded".into()][..]
        )
    );
}

/// The CDU as DMTF's mockup has it: pump 2 failed, so the unit serves with a warning and
/// its rollup says critical; supply and return are the secondary (IT) side.
#[test]
fn cooling_distribution_unit() {
    let (out, r) = round(&serve(&mockup("public-cooling-unit"), BTreeMap::new()));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(out.elements.len(), 1);
    let cdu = element(&out.elements, "CDUs/1");
    assert_eq!(cdu.state, ElementState::Ok);
    assert_eq!(
        cdu.flags,
        ["warning", "rollup_critical", "part_failed", "degraded"]
    );
    for (k, v) in [
        ("primary_supply_temp_c", 30.0),
        ("primary_return_temp_c", 40.0),
        ("primary_flow_lpm", 42.0),
        ("temp_c", 24.0),
        ("humidity_pct", 26.0),
    ] {
        assert_eq!(cdu.metrics.get(k), Some(v), "{k}");
    }
    assert!(
        cdu.metrics.get("supply_temp_c").is_some()
            && cdu.metrics.get("cooling_output_kw").is_some(),
        "{:?}",
        cdu.metrics
    );
    let m = &out.members;
    let p2 = member(m, "CDUs/1/Pumps/2");
    assert_eq!(
        (p2.state, p2.flags.as_slice()),
        (
            MemberState::Failed,
            &["critical".into(), "unavailableoffline".into()][..]
        )
    );
    assert_eq!(
        member(m, "CDUs/1/Pumps/1").metrics.get("speed_pct"),
        Some(38.5)
    );
    // the mockup has a reservoir, but the unit does not link it
    for id in [
        "CDUs/1/Filters/1",
        "CDUs/1/PrimaryCoolantConnectors/1",
        "CDUs/1/SecondaryCoolantConnectors/1",
    ] {
        assert_eq!(member(m, id).state, MemberState::Ok, "{id}");
    }
}

#[test]
fn a_leak_degrades_the_unit() {
    let dir = mockup("public-cooling-unit");
    let edits = [edited(
        &dir,
        "/redfish/v1/ThermalEquipment/CDUs/1/LeakDetection",
        |v| {
            v["LeakDetectorGroups"][0]["Detectors"][1]["DetectorState"] = "Critical".into();
        },
    )]
    .into_iter()
    .collect();
    let (out, _) = round(&serve(&dir, edits));
    let cdu = element(&out.elements, "CDUs/1");
    assert!(
        cdu.flags.contains(&"leak".into())
            && cdu.flags.contains(&"leak:Fluid Level Overflow".into()),
        "{:?}",
        cdu.flags
    );
}

/// A unit that stops answering is unknown, not gone; one broken outlet costs itself.
#[test]
fn unanswered_units_are_unknown_and_a_broken_part_costs_itself() {
    let dir = mockup("public-pdu");
    let url = serve(&dir, BTreeMap::new());
    let mut c = RedfishCollector::new(&url, None, None, false, 8).unwrap();
    c.collect(&mut Collected::default()).unwrap();
    let edits = [
        (
            "/redfish/v1/PowerEquipment/RackPDUs/1/Outlets/B3".to_string(),
            "{\"Status\": [".to_string(),
        ),
        (
            "/redfish/v1/PowerEquipment/TransferSwitches/1".to_string(),
            "<html>".to_string(),
        ),
    ]
    .into_iter()
    .collect();
    c.fetch.base = serve(&dir, edits);
    let mut out = Collected::default();
    let e = c.collect(&mut out).unwrap_err().to_string();
    assert!(
        e.contains("/redfish/v1/PowerEquipment/RackPDUs/1/Outlets/B3: not the expected JSON"),
        "{e}"
    );
    assert!(
        e.contains("/redfish/v1/PowerEquipment/TransferSwitches/1: not the expected JSON"),
        "{e}"
    );
    let b3 = member(&out.members, "RackPDUs/1/Outlets/B3");
    assert_eq!(
        (b3.state, b3.flags.as_slice()),
        (MemberState::Unknown, &["unreadable".into()][..])
    );
    assert_eq!(
        member(&out.members, "RackPDUs/1/Outlets/B2").state,
        MemberState::Ok
    );
    let ats = element(&out.elements, "TransferSwitches/1");
    assert_eq!(
        (ats.state, ats.flags.as_slice()),
        (ElementState::Unknown, &[NO_ANSWER.into()][..])
    );
    assert_eq!(
        member(&out.members, "TransferSwitches/1/Outlets/A1").state,
        MemberState::Unknown
    );
}

/// Two PDUs of one model both call themselves `RackPDUs/1`: a prefix per service keeps
/// them apart, positions and parts included.
#[test]
fn a_prefix_tells_services_of_one_model_apart() {
    let url = serve(&mockup("public-pdu"), BTreeMap::new());
    let mut c = RedfishCollector::new(&url, None, None, false, 8)
        .unwrap()
        .with_prefix(Some("pdu-7/"));
    let mut out = Collected::default();
    c.collect(&mut out).unwrap();
    let ats = element(&out.elements, "pdu-7/TransferSwitches/1");
    assert_eq!(
        ats.position.as_deref(),
        Some("pdu-7/TransferSwitches/1/Mains/AC1")
    );
    assert_eq!(
        member(&out.members, "pdu-7/RackPDUs/1/Outlets/A1").state,
        MemberState::Ok
    );
    assert!(out.members.iter().all(|m| m.id.starts_with("pdu-7/")));
}

#[test]
fn links_off_the_service_are_not_followed() {
    let dir = mockup("public-pdu");
    let edits = [edited(&dir, "/redfish/v1/PowerEquipment/RackPDUs", |v| {
        v["Members"][0]["@odata.id"] =
            "http://203.0.113.9/redfish/v1/PowerEquipment/RackPDUs/1".into();
    })]
    .into_iter()
    .collect();
    let url = serve(&dir, edits);
    let (out, r) = round(&url);
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("a link that is not a path on this service"),
        "{e}"
    );
    assert!(!out.elements.iter().any(|e| e.id.contains("RackPDUs")));
    assert!(
        out.elements.iter().any(|e| e.id == "TransferSwitches/1"),
        "the rest still reports"
    );
}

#[test]
fn odd_lines_and_figures_are_left_out() {
    let p = parse_part(
        r#"{"@odata.id": "/x/Outlets/1", "Status": {"State": "Enabled"},
            "CurrentAmps": {"Reading": 1e300}, "Voltage": {"Reading": "230"}, "PowerWatts": {"Reading": 12.5},
            "PolyPhaseVoltage": {"Line9": {"Reading": 1}, "Line1ToLine2\n": {"Reading": 2}, "Line2ToNeutral": {"Reading": 3}, "Line1": 4}}"#,
        "src",
    )
    .unwrap();
    assert_eq!(
        p.metrics,
        [
            ("realpower_w".to_string(), 12.5),
            ("voltage_l2_n".to_string(), 3.0)
        ]
    );
}

#[test]
fn truncated_equipment_never_panics() {
    let pdu = mockup("public-pdu");
    let cdu = mockup("public-cooling-unit");
    let rack = mockup("public-rackmount1");
    type Parse = fn(&str, &str) -> Result<(), ParseError>;
    let cases: [(&Path, &str, Parse); 7] = [
        (&pdu, "/redfish/v1/PowerEquipment", |t, s| {
            parse_equipment(t, s).map(drop)
        }),
        (
            &pdu,
            "/redfish/v1/PowerEquipment/TransferSwitches/1",
            |t, s| parse_unit(t, s).map(drop),
        ),
        (
            &pdu,
            "/redfish/v1/PowerEquipment/RackPDUs/1/Mains/AC1",
            |t, s| parse_part(t, s).map(drop),
        ),
        (&cdu, "/redfish/v1/ThermalEquipment/CDUs/1", |t, s| {
            parse_unit(t, s).map(drop)
        }),
        (
            &cdu,
            "/redfish/v1/ThermalEquipment/CDUs/1/LeakDetection",
            |t, s| parse_leak_detection(t, s).map(drop),
        ),
        (
            &rack,
            "/redfish/v1/Chassis/1U/ThermalSubsystem/ThermalMetrics",
            |t, s| parse_thermal_metrics(t, s).map(drop),
        ),
        (&rack, "/redfish/v1/Chassis/1U/Sensors/CPU1Temp", |t, s| {
            parse_sensor(t, s).map(drop)
        }),
    ];
    for (dir, id, parse) in cases {
        let text = read(dir, id);
        parse(&text, "http://bmc/x").unwrap_or_else(|e| panic!("{id}: {e}"));
        for cut in cut_points(&text, 200)
            .into_iter()
            .filter(|&c| c < text.trim_end().len())
        {
            let e = parse(&text[..cut], "http://bmc/x").expect_err(id);
            assert!(e.to_string().starts_with("http://bmc/x: "), "{id}: {e}");
        }
    }
}

proptest! {
    #[test]
    fn garbage_equipment_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        for r in [parse_equipment(&text, "src").map(drop), parse_unit(&text, "src").map(drop),
                  parse_part(&text, "src").map(drop), parse_leak_detection(&text, "src").map(drop),
                  parse_sensor(&text, "src").map(drop), parse_thermal_metrics(&text, "src").map(drop)] {
            if let Err(e) = r { prop_assert!(e.to_string().starts_with("src: ")); }
        }
    }

    #[test]
    fn hostile_sensor_numbers(reading in any::<f64>(), limit in any::<f64>(), state in "[A-Za-z]{0,12}") {
        let text = format!(r#"{{"ReadingType": "Temperature", "Reading": {reading:?}, "Status": {{"State": "{state}"}},
            "Thresholds": {{"UpperCritical": {{"Reading": {limit:?}}}}}}}"#);
        if let Ok(Some(t)) = parse_sensor(&text, "src") {
            let r = temperature_report("c", &t, 0.0);
            for (_, v) in r.metrics.iter() { prop_assert!(v.is_finite()); }
        }
    }
}
