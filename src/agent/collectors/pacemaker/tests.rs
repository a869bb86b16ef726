use std::process::Command;

use proptest::prelude::*;

use super::*;
use crate::agent::collectors::parse::{cut_points, fixtures};
use crate::api::MemberReport;
use crate::model::MemberState;

/// crm_mon's XML for one of the CIBs in `tests/cib/`, rendered by `tests/cib/make.sh`.
fn rendered(name: &str) -> String {
    let file = fixtures().join(format!("pacemaker/{name}.crm_mon.xml"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn reports(name: &str) -> Vec<MemberReport> {
    cluster_reports(
        &parse_crm_mon(&rendered(name), "crm_mon").unwrap(),
        "pcmk",
        1.0,
    )
}

fn get<'a>(r: &'a [MemberReport], id: &str) -> &'a MemberReport {
    r.iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no {id} in {r:?}"))
}

fn has(m: &MemberReport, f: &str) -> bool {
    m.flags.iter().any(|x| x == f)
}

#[test]
fn a_healthy_cluster_its_nodes_and_where_resources_run() {
    let c = parse_crm_mon(&rendered("healthy"), "crm_mon").unwrap();
    assert!(c.skipped.is_empty(), "{:?}", c.skipped);
    assert_eq!((c.dc.as_deref(), c.with_quorum), (Some("db2"), Some(true)));
    assert_eq!((c.maintenance_mode, c.stonith_enabled), (false, Some(true)));
    assert_eq!(c.nodes.len(), 3);
    assert!(c.nodes.iter().all(|n| n.online && n.kind == "member"));
    assert!(c.bans.is_empty() && c.failures.is_empty());

    let r = cluster_reports(&c, "pcmk", 1.0);
    let cluster = get(&r, "pcmk");
    assert_eq!((cluster.state, cluster.flags.len()), (MemberState::Ok, 0));
    assert_eq!(cluster.metrics.get("nodes_online"), Some(3.0));
    let dc = get(&r, "db2");
    assert_eq!(
        (dc.state, dc.flags.as_slice()),
        (MemberState::Ok, &["dc".into()][..])
    );
    let vip = get(&r, "vip");
    assert_eq!(
        (vip.state, vip.flags.as_slice()),
        (MemberState::Ok, &["started".into(), "on:db2".into()][..])
    );
    // a clone is reported once, by its resource, with every node it runs on
    let web = get(&r, "web");
    assert_eq!(web.flags, ["started", "on:db1", "on:db2", "on:db3"]);
    assert_eq!(web.metrics.get("instances_running"), Some(3.0));
    // stopped on purpose (target-role Stopped): not a failure
    let report = get(&r, "report");
    assert_eq!(
        (report.state, report.flags[0].as_str()),
        (MemberState::Maintenance, "stopped")
    );
}

#[test]
fn standby_a_ban_and_a_failed_monitor() {
    let c = parse_crm_mon(&rendered("degraded"), "crm_mon").unwrap();
    assert_eq!(c.bans.len(), 1);
    assert_eq!(
        (c.bans[0].resource.as_str(), c.bans[0].node.as_str()),
        ("pgsql", "db1")
    );
    let f = &c.failures[0];
    assert_eq!(
        (f.op_key.as_str(), f.node.as_str(), f.resource()),
        ("web_monitor_10000", "db1", "web")
    );
    let r = cluster_reports(&c, "pcmk", 1.0);
    let db3 = get(&r, "db3");
    assert_eq!(
        (db3.state, db3.flags.as_slice()),
        (MemberState::Standby, &["standby".into()][..])
    );
    assert!(has(get(&r, "pgsql"), "ban:db1"));
    let cluster = get(&r, "pcmk");
    assert!(
        has(cluster, "bans") && has(cluster, "failures"),
        "{cluster:?}"
    );
    assert_eq!(get(&r, "db1").metrics.get("failures"), Some(1.0));
}

#[test]
fn node_maintenance_and_unmanaged_resources() {
    let r = reports("maintenance");
    let n = get(&r, "db2");
    assert_eq!(n.state, MemberState::Maintenance);
    assert_eq!(n.flags, ["dc", "maintenance"]);
    let vip = get(&r, "vip");
    assert!(has(vip, "unmanaged"), "{vip:?}");
}

#[test]
fn a_partition_without_quorum_and_offline_nodes() {
    let r = reports("lost-quorum");
    let cluster = get(&r, "pcmk");
    assert_eq!(cluster.state, MemberState::Failed);
    assert!(has(cluster, "no_quorum"), "{cluster:?}");
    for gone in ["db1", "db3"] {
        let n = get(&r, gone);
        assert_eq!(
            (n.state, n.flags.as_slice()),
            (MemberState::Failed, &["offline".into()][..])
        );
    }
    assert_eq!(get(&r, "db2").state, MemberState::Ok);
}

/// The real crm_mon on a CIB of ours, edited offline as an operator would: a node put in
/// standby, a resource banned, and the partition without quorum.
#[test]
#[ignore = "needs crm_mon, crm_standby and crm_resource (Debian pacemaker-cli-utils)"]
fn real_crm_mon_standby_ban_and_lost_quorum() {
    let cib = std::env::temp_dir().join(format!("redcon-cib-{}.xml", std::process::id()));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cib");
    let original = std::fs::read_to_string(dir.join("healthy.xml")).unwrap();
    std::fs::write(
        &cib,
        original.replacen("have-quorum=\"1\"", "have-quorum=\"0\"", 1),
    )
    .unwrap();
    let tool = |args: &[&str]| {
        let ok = Command::new(args[0])
            .args(&args[1..])
            .env("CIB_file", &cib)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", args[0]));
        assert!(
            ok.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    tool(&["crm_standby", "-N", "db1", "-v", "on"]);
    tool(&[
        "crm_resource",
        "--resource",
        "pgsql",
        "--ban",
        "--node",
        "db3",
    ]);

    let mut c = PacemakerCollector::new(None, None, Some(&cib), Some("cl-1")).unwrap();
    let mut out = Collected::default();
    c.collect(&mut out).unwrap();
    std::fs::remove_file(&cib).unwrap();
    let r = &out.members;
    let cluster = get(r, "cl-1");
    assert_eq!(cluster.state, MemberState::Failed);
    assert_eq!(cluster.flags, ["no_quorum", "bans"]);
    let n1 = get(r, "db1");
    assert_eq!(
        (n1.state, n1.flags.as_slice()),
        (MemberState::Standby, &["standby".into()][..])
    );
    assert!(has(get(r, "pgsql"), "ban:db3"));
}

/// The renders under tests/fixtures are what today's crm_mon makes of the CIBs.
#[test]
#[ignore = "needs crm_mon (Debian pacemaker-cli-utils)"]
fn the_renders_match_the_real_crm_mon() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cib");
    for name in ["healthy", "degraded", "maintenance", "lost-quorum"] {
        let out = Command::new("crm_mon")
            .args(["-1", "--output-as=xml"])
            .env("CIB_file", dir.join(format!("{name}.xml")))
            .output()
            .unwrap_or_else(|e| panic!("crm_mon: {e}"));
        let now = String::from_utf8_lossy(&out.stdout);
        let live = cluster_reports(&parse_crm_mon(&now, "crm_mon").unwrap(), "pcmk", 1.0);
        assert_eq!(live, reports(name), "{name}: run tests/cib/make.sh again");
    }
}

#[test]
fn a_failing_command_is_named() {
    let argv = [
        "sh".to_string(),
        "-c".to_string(),
        "echo boom >&2; exit 3".to_string(),
    ];
    let e = PacemakerCollector::new(Some(&argv), None, None, None)
        .unwrap()
        .collect(&mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "collector pacemaker: sh -c echo boom >&2; exit 3: exited with exit status: 3: boom"
        ),
        "{e}"
    );
    let e = PacemakerCollector::new(Some(&argv), Some(Path::new("x.xml")), None, None)
        .err()
        .unwrap();
    assert!(e.to_string().contains("either command or xml_file"), "{e}");
}

#[test]
fn wrong_documents_are_refused_by_name() {
    for (xml, needle) in [
        ("", "not XML"),
        ("<cib/>", "root element is <cib>"),
        (
            "<pacemaker-result><status code=\"102\" message=\"Not connected\"/></pacemaker-result>",
            "code 102 (Not connected)",
        ),
        ("<pacemaker-result/>", "no <summary>"),
    ] {
        let e = parse_crm_mon(xml, "crm_mon -1").unwrap_err().to_string();
        assert!(
            e.starts_with("crm_mon -1: ") && e.contains(needle),
            "{xml:?} -> {e}"
        );
    }
    let c = parse_crm_mon("<pacemaker-result><summary/><nodes><node id=\"1\"/><node name=\"a\" online=\"true\"/></nodes></pacemaker-result>", "x").unwrap();
    assert_eq!((c.nodes.len(), c.skipped.len()), (1, 1));
    assert_eq!(c.with_quorum, None);
    assert_eq!(
        cluster_reports(&c, "c", 0.0)[0].state,
        MemberState::Unknown,
        "no DC: nobody vouches for quorum"
    );
}

#[test]
fn truncations_of_real_output_never_panic() {
    let xml = rendered("degraded");
    for cut in cut_points(&xml, 400) {
        match parse_crm_mon(&xml[..cut], "crm_mon") {
            Ok(c) => {
                cluster_reports(&c, "c", 0.0);
            }
            Err(e) => assert!(e.to_string().starts_with("crm_mon: "), "{e}"),
        }
    }
}

proptest! {
    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_crm_mon(&text, "src") {
            prop_assert!(e.to_string().starts_with("src: "));
        }
    }

    #[test]
    fn hostile_attributes(v in "[-a-zA-Z0-9 .:_+!#$%()*,/;=?@]{0,20}", w in "[-a-zA-Z0-9 .:_+!#$%()*,/;=?@]{0,20}") {
        let xml = format!("<pacemaker-result><summary><current_dc present=\"true\" with_quorum=\"{v}\"/></summary>\
            <nodes><node name=\"{w}\" online=\"{v}\" resources_running=\"{v}\"/></nodes>\
            <resources><resource id=\"{w}\" active=\"{v}\"><node name=\"{v}\"/></resource></resources>\
            <failures><failure op_key=\"{v}\" node=\"{w}\"/></failures></pacemaker-result>");
        let c = parse_crm_mon(&xml, "src").unwrap();
        let r = cluster_reports(&c, "c", 0.0);
        prop_assert!(!r.is_empty());
    }
}
