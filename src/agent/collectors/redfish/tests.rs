use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::resource::{parse_chassis, parse_collection, parse_component};
use super::*;
use crate::agent::collectors::parse::{cut_points, fixtures};
use crate::api::MemberReport;
use crate::model::MemberState;

fn mockup() -> std::path::PathBuf {
    fixtures().join("redfish/public-rackmount1")
}

fn read(dir: &Path, id: &str) -> String {
    std::fs::read_to_string(mockup_path(dir, id)).unwrap()
}

fn get<'a>(r: &'a [MemberReport], id: &str) -> &'a MemberReport {
    r.iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no {id} in {r:?}"))
}

#[test]
fn old_power_and_thermal_resources() {
    let dir = mockup();
    let power = parse_subsystem(&read(&dir, "/redfish/v1/Chassis/1U/Power"), "Power").unwrap();
    assert_eq!(power.components.len(), 1);
    let psu = &power.components[0];
    assert_eq!(
        (psu.path.as_str(), psu.health.as_deref(), psu.reading),
        ("PowerSupplies/0", Some("Warning"), Some(800.0))
    );
    let thermal =
        parse_subsystem(&read(&dir, "/redfish/v1/Chassis/1U/Thermal"), "Thermal").unwrap();
    assert_eq!(
        thermal
            .components
            .iter()
            .map(|c| c.path.as_str())
            .collect::<Vec<_>>(),
        ["Fans/0", "Fans/1"]
    );
    let g = &thermal.redundancy[0];
    assert_eq!(
        (g.mode.as_str(), g.min_needed, g.max_supported),
        ("N+m", Some(1), Some(2))
    );
    assert_eq!(g.members, ["Fans/0", "Fans/1"]);
    let r = subsystem_reports("1U", "FanRedundancy", &thermal, 1.0);
    let group = get(&r, "1U/FanRedundancy/0");
    assert_eq!(
        (group.state, group.flags.as_slice()),
        (MemberState::Ok, &["N+m".into()][..])
    );
    assert_eq!(group.metrics.get("spare_count"), Some(1.0));
    assert_eq!(get(&r, "1U/Fans/1").metrics.get("reading"), Some(2050.0));
}

/// The mockup's PowerSubsystem: Bay1 up with a warning, Bay2 absent, a Failover group
/// needing one: still carried, no redundancy left.
#[test]
fn power_subsystem_with_a_failed_supply() {
    let dir = mockup();
    let mut sub =
        parse_subsystem(&read(&dir, "/redfish/v1/Chassis/1U/PowerSubsystem"), "ps").unwrap();
    let coll = sub.collection.take().unwrap();
    assert_eq!(coll, "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies");
    for m in parse_collection(&read(&dir, &coll), "coll").unwrap() {
        sub.components
            .push(parse_component(&read(&dir, &m), "PowerSupplies", &m).unwrap());
    }
    let g = &sub.redundancy[0];
    assert_eq!(
        (g.mode.as_str(), g.min_needed, g.max_supported),
        ("Failover", Some(1), Some(2))
    );
    assert_eq!(g.state.as_deref(), Some("UnavailableOffline"));
    let r = subsystem_reports("1U", "PowerRedundancy", &sub, 1.0);
    let bay1 = get(&r, "1U/PowerSupplies/Bay1");
    assert_eq!(
        (bay1.state, bay1.flags.as_slice()),
        (MemberState::Ok, &["warning".into()][..])
    );
    assert_eq!(bay1.metrics.get("reading"), Some(400.0));
    let bay2 = get(&r, "1U/PowerSupplies/Bay2");
    assert_eq!(
        (bay2.state, bay2.flags.as_slice()),
        (MemberState::Maintenance, &["absent".into()][..]),
        "an empty bay is not a failed supply"
    );
    let group = get(&r, "1U/PowerRedundancy/0");
    assert_eq!(group.state, MemberState::Ok);
    assert_eq!(group.flags, ["Failover", "unavailableoffline", "degraded"]);
    assert_eq!(
        (
            group.metrics.get("members_ok"),
            group.metrics.get("spare_count")
        ),
        (Some(1.0), Some(0.0))
    );

    // the last supply goes critical too: below MinNeededInGroup
    sub.components[0].health = Some("Critical".into());
    let r = subsystem_reports("1U", "PowerRedundancy", &sub, 1.0);
    assert_eq!(get(&r, "1U/PowerRedundancy/0").state, MemberState::Failed);
    assert_eq!(get(&r, "1U/PowerSupplies/Bay1").state, MemberState::Failed);
}

#[test]
fn chassis_prefers_the_subsystems() {
    let dir = mockup();
    let c = parse_chassis(&read(&dir, "/redfish/v1/Chassis/1U"), "1U").unwrap();
    assert_eq!(c.id, "1U");
    assert_eq!(
        c.power.as_deref(),
        Some("/redfish/v1/Chassis/1U/PowerSubsystem")
    );
    assert_eq!(
        c.thermal.as_deref(),
        Some("/redfish/v1/Chassis/1U/ThermalSubsystem")
    );
}

/// Serve a mockup directory read-only on loopback, as sushy-static would; `edit`
/// replaces resources by path.
pub(super) fn serve(dir: &Path, edit: BTreeMap<String, String>) -> String {
    use axum::extract::State;
    use axum::http::{StatusCode, Uri};
    use std::sync::Arc;
    let dir = dir.to_path_buf();
    let state = Arc::new((dir, edit));
    let app = axum::Router::new().fallback(
        |State(s): State<Arc<(std::path::PathBuf, BTreeMap<String, String>)>>, uri: Uri| async move {
            let path = uri.path().trim_end_matches('/').to_string();
            if let Some(body) = s.1.get(&path) {
                return (StatusCode::OK, body.clone());
            }
            match std::fs::read_to_string(mockup_path(&s.0, &path)) {
                Ok(body) => (StatusCode::OK, body),
                Err(_) => (StatusCode::NOT_FOUND, String::new()),
            }
        },
    ).with_state(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

#[test]
fn collector_walks_the_mockup_over_http() {
    let dir = mockup();
    let mut edit = BTreeMap::new();
    // one fan resource broken: it costs itself (reported unknown) and names its URL
    edit.insert(
        "/redfish/v1/Chassis/1U/ThermalSubsystem/Fans/CPU2".to_string(),
        "{oops".to_string(),
    );
    let url = serve(&dir, edit);
    let mut c = RedfishCollector::new(&url, None, None, false, 8).unwrap();
    let mut out = Collected::default();
    let e = c.collect(&mut out).unwrap_err().to_string();
    assert!(e.starts_with(&format!("collector redfish: {url}/redfish/v1/Chassis/1U/ThermalSubsystem/Fans/CPU2: not the expected JSON")), "{e}");
    let r = &out.members;
    assert_eq!(
        get(r, "1U/PowerSupplies/Bay2").state,
        MemberState::Maintenance
    );
    assert_eq!(get(r, "1U/Fans/Bay1").state, MemberState::Ok);
    assert_eq!(get(r, "1U/Fans/CPU2").state, MemberState::Unknown);
    assert_eq!(get(r, "1U/FanRedundancy/0").state, MemberState::Ok);
    assert!(
        !r.iter().any(|m| m.id == "1U/PowerSupplies/0"),
        "old Power not read twice"
    );
}

/// A service that stops answering: what it reported last is `unknown` with `no_answer`,
/// not gone, and the error names the URL; once it answers again the items are read.
#[test]
fn a_service_that_stops_answering_leaves_its_items_unknown() {
    let dir = mockup();
    let url = serve(&dir, BTreeMap::new());
    let mut c = RedfishCollector::new(&url, None, None, false, 8).unwrap();
    let mut first = Collected::default();
    c.collect(&mut first).unwrap();
    let ids: Vec<&str> = first.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), 13, "{ids:?}");

    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    c.fetch.base.clone_from(&dead);
    for _ in 0..2 {
        // and still so a round later: the carried ids are carried again
        let mut out = Collected::default();
        let e = c.collect(&mut out).unwrap_err().to_string();
        let want = format!("collector redfish: {dead}/redfish/v1/: no answer");
        assert!(e.starts_with(&want), "{e}");
        let now: Vec<&str> = out.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(now, ids);
        for m in &out.members {
            assert_eq!(
                (m.state, m.flags.as_slice()),
                (MemberState::Unknown, &[NO_ANSWER.into()][..])
            );
            assert!(m.metrics.is_empty());
        }
    }

    c.fetch.base = url;
    let mut out = Collected::default();
    c.collect(&mut out).unwrap();
    assert_eq!(out, first_but_timestamps(&first, &out));
}

/// `first` with the observation times of `later`, to compare two rounds' content.
fn first_but_timestamps(first: &Collected, later: &Collected) -> Collected {
    let mut c = first.clone();
    for (m, l) in c.members.iter_mut().zip(&later.members) {
        m.observed_at = l.observed_at;
    }
    c
}

/// After a clean round an id no longer listed is gone, not unknown; after a round with
/// errors, what was reported is never doubled.
#[test]
fn only_unanswered_ids_are_carried() {
    let dir = mockup();
    let url = serve(&dir, BTreeMap::new());
    let mut c = RedfishCollector::new(&url, None, None, false, 8).unwrap();
    c.last_seen = vec!["1U/Fans/Removed".into()];
    let mut out = Collected::default();
    c.collect(&mut out).unwrap();
    assert!(!out.members.iter().any(|m| m.id == "1U/Fans/Removed"));
    assert!(!c.last_seen.iter().any(|id| id == "1U/Fans/Removed"));

    let mut reported = subsystem_reports(
        "1U",
        "FanRedundancy",
        &parse_subsystem(&read(&dir, "/redfish/v1/Chassis/1U/Thermal"), "Thermal").unwrap(),
        1.0,
    );
    let before = reported.clone();
    carry_unanswered(
        &["1U/Fans/0".into(), "1U/PowerSupplies/Bay1".into()],
        &mut reported,
        2.0,
    );
    assert_eq!(reported[..before.len()], before[..]);
    let added = &reported[before.len()..];
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(
        (added[0].id.as_str(), added[0].state, added[0].observed_at),
        ("1U/PowerSupplies/Bay1", MemberState::Unknown, 2.0)
    );
}

/// The rackmount mockup has no Storage; add one as DMTF's Storage schema describes it:
/// a RAID1 volume degraded by a failed drive.
#[test]
fn storage_volumes_and_drives() {
    let dir = mockup();
    let sys = "/redfish/v1/Systems/437XR1138R2";
    let mut system: serde_json::Value = serde_json::from_str(&read(&dir, sys)).unwrap();
    system["Storage"] = serde_json::json!({"@odata.id": format!("{sys}/Storage")});
    let st = format!("{sys}/Storage/1");
    let mut edit = BTreeMap::new();
    let mut put = |path: String, v: serde_json::Value| edit.insert(path, v.to_string());
    put(sys.to_string(), system);
    put(
        format!("{sys}/Storage"),
        serde_json::json!({"Members": [{"@odata.id": st}]}),
    );
    put(
        st.clone(),
        serde_json::json!({"Id": "1", "Drives": [{"@odata.id": format!("{st}/Drives/0")}, {"@odata.id": format!("{st}/Drives/1")}],
        "Volumes": {"@odata.id": format!("{st}/Volumes")}}),
    );
    put(
        format!("{st}/Drives/0"),
        serde_json::json!({"@odata.id": format!("{st}/Drives/0"), "Id": "0", "Status": {"State": "Enabled", "Health": "OK"}}),
    );
    put(
        format!("{st}/Drives/1"),
        serde_json::json!({"@odata.id": format!("{st}/Drives/1"), "Id": "1", "Status": {"State": "Enabled", "Health": "Critical"}}),
    );
    put(
        format!("{st}/Volumes"),
        serde_json::json!({"Members": [{"@odata.id": format!("{st}/Volumes/1")}]}),
    );
    put(
        format!("{st}/Volumes/1"),
        serde_json::json!({"@odata.id": format!("{st}/Volumes/1"), "Id": "1", "RAIDType": "RAID1",
        "Status": {"State": "Enabled", "Health": "Warning"}}),
    );
    let url = serve(&dir, edit);
    let mut out = Collected::default();
    let result = RedfishCollector::new(&url, None, None, false, 8)
        .unwrap()
        .collect(&mut out);
    assert!(result.is_ok(), "{result:?}");
    let r = &out.members;
    assert_eq!(get(r, "437XR1138R2/Drives/0").state, MemberState::Ok);
    let d1 = get(r, "437XR1138R2/Drives/1");
    assert_eq!(
        (d1.state, d1.flags.as_slice()),
        (MemberState::Failed, &["critical".into()][..])
    );
    let v = get(r, "437XR1138R2/Volumes/1");
    assert_eq!(
        (v.state, v.flags.as_slice()),
        (MemberState::Ok, &["raid1".into(), "warning".into()][..])
    );
}

#[test]
fn config_mistakes_are_refused() {
    assert!(
        RedfishCollector::new("bmc1", None, None, false, 8)
            .err()
            .unwrap()
            .to_string()
            .contains("http://")
    );
    let e = RedfishCollector::new("https://bmc1", Some("root"), None, false, 8)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("both username and password_file"), "{e}");
}

#[test]
fn truncated_resources_never_panic() {
    let dir = mockup();
    let text = read(&dir, "/redfish/v1/Chassis/1U/Power");
    for cut in cut_points(&text, 300) {
        if let Err(e) = parse_subsystem(&text[..cut], "Power") {
            assert!(e.to_string().starts_with("Power: "), "{e}");
        }
    }
}

proptest! {
    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        for r in [parse_subsystem(&text, "src").map(|_| ()), parse_collection(&text, "src").map(|_| ()),
                  parse_component(&text, "Fans", "src").map(|_| ()), parse_chassis(&text, "src").map(|_| ())] {
            if let Err(e) = r { prop_assert!(e.to_string().starts_with("src: ")); }
        }
    }

    #[test]
    fn hostile_numbers(min in any::<i64>(), reading in any::<f64>(), id in "[a-zA-Z0-9/#]{0,12}") {
        let text = format!(r#"{{"Fans": [{{"@odata.id": "{id}", "Reading": {reading:?}, "Status": {{"State": "Enabled"}}}}],
            "Redundancy": [{{"MinNumNeeded": {min}, "RedundancySet": [{{"@odata.id": "{id}"}}]}}]}}"#);
        if let Ok(sub) = parse_subsystem(&text, "src") {
            for m in subsystem_reports("c", "g", &sub, 0.0) {
                for (_, v) in m.metrics.iter() { prop_assert!(v.is_finite()); }
            }
        }
    }
}

#[test]
fn one_report_per_id() {
    let m = |id: &str, state| crate::api::MemberReport {
        id: id.into(),
        state,
        observed_at: 1.0,
        rebuild: None,
        flags: Vec::new(),
        metrics: crate::api::Metrics::new(),
    };
    // a volume listed by two controllers, and two different drives under one name
    let mut r = vec![
        m("S/Volumes/1", MemberState::Ok),
        m("S/Drives/1", MemberState::Ok),
        m("S/Volumes/1", MemberState::Ok),
        m("S/Drives/1", MemberState::Failed),
    ];
    let clashes = dedupe(&mut r);
    let ids: Vec<&str> = r.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["S/Volumes/1", "S/Drives/1"]);
    assert_eq!(clashes, ["S/Drives/1"]);
}

#[test]
fn the_service_root_says_where_to_look() {
    let root = resource::parse_service_root(
        r#"{"@odata.id": "/redfish/v1/", "Chassis": {"@odata.id": "/redfish/v1/Chassis"},
            "PowerEquipment": {"@odata.id": "/redfish/v1/PowerEquipment"}}"#,
        "pdu",
    )
    .unwrap();
    assert_eq!(root.chassis.as_deref(), Some("/redfish/v1/Chassis"));
    assert_eq!(root.systems, None, "a PDU has no Systems, and that is fine");
    for bad in [
        "",
        "\"text\"",
        "{\"Chassis\": 5}",
        "{\"Systems\": {\"@odata.id\": null}}",
    ] {
        let e = match resource::parse_service_root(bad, "http://bmc/redfish/v1/") {
            Err(e) => e,
            Ok(r) => panic!("{bad:?} read as {r:?}"),
        };
        assert!(
            e.to_string().starts_with("http://bmc/redfish/v1/: "),
            "{bad}: {e}"
        );
    }
}
