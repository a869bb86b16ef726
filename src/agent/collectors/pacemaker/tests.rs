use std::process::Command;

use proptest::prelude::*;

use super::*;
use crate::agent::collectors::parse::{cut_points, shared_fixtures};
use crate::api::MemberReport;
use crate::model::MemberState;

/// One XML output of crm_mon's own regression file (`Begin test: <name>` blocks).
pub fn regression_block(name: &str) -> Option<String> {
    let text = std::fs::read_to_string(shared_fixtures()?.join("pacemaker/regression.crm_mon.exp"))
        .unwrap();
    let start = format!("=#=#=#= Begin test: {name} =#=#=#=\n");
    let at = text
        .find(&start)
        .unwrap_or_else(|| panic!("no test {name}"))
        + start.len();
    let len = text[at..].find("=#=#=#= End test").unwrap();
    // stderr lines of crm_mon come first in some blocks
    let block = &text[at..at + len];
    Some(block[block.find("<pacemaker-result").unwrap()..].to_string())
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
fn basic_output_nodes_resources_and_a_ban() {
    let Some(xml) = regression_block("Basic output (XML)") else {
        return;
    };
    let c = parse_crm_mon(&xml, "crm_mon").unwrap();
    assert!(c.skipped.is_empty());
    assert_eq!(
        (c.dc.as_deref(), c.with_quorum),
        (Some("cluster02"), Some(true))
    );
    assert_eq!((c.maintenance_mode, c.stonith_enabled), (false, Some(true)));
    assert_eq!(c.nodes.len(), 5);
    let b2 = &c.nodes[4];
    assert_eq!(
        (b2.name.as_str(), b2.kind.as_str(), b2.online),
        ("httpd-bundle-2", "remote", false)
    );
    assert_eq!(
        c.bans,
        [Ban {
            id: "not-on-cluster1".into(),
            resource: "dummy".into(),
            node: "cluster01".into()
        }]
    );
    assert!(c.failures.is_empty());

    let r = cluster_reports(&c, "pcmk", 1.0);
    let cluster = get(&r, "pcmk");
    assert_eq!(
        (cluster.state, cluster.flags.as_slice()),
        (MemberState::Ok, &["bans".into()][..])
    );
    assert_eq!(cluster.metrics.get("nodes_online"), Some(4.0));
    let dc = get(&r, "cluster02");
    assert_eq!(
        (dc.state, dc.flags.as_slice()),
        (MemberState::Ok, &["dc".into()][..])
    );
    assert_eq!(dc.metrics.get("resources_running"), Some(9.0));
    let b2 = get(&r, "httpd-bundle-2");
    assert_eq!(b2.state, MemberState::Failed);
    assert_eq!(b2.flags, ["remote", "offline"]);
    let dummy = get(&r, "dummy");
    assert_eq!(dummy.state, MemberState::Ok);
    assert_eq!(dummy.flags, ["started", "on:cluster02", "ban:cluster01"]);
    let promotable = get(&r, "promotable-rsc");
    assert_eq!(
        promotable.flags,
        [
            "promoted",
            "unpromoted",
            "stopped",
            "on:cluster02",
            "on:cluster01"
        ]
    );
    assert_eq!(promotable.metrics.get("instances_running"), Some(2.0));
    let disabled = get(&r, "inactive-dhcpd");
    assert_eq!(
        (disabled.state, disabled.flags[0].as_str()),
        (MemberState::Maintenance, "stopped")
    );
    // the remote connection resource `httpd-bundle-0` is the node's report, once
    assert_eq!(r.iter().filter(|m| m.id == "httpd-bundle-0").count(), 1);
}

#[test]
fn a_failed_operation_fails_its_resource() {
    let Some(xml) = regression_block("Output of partially active resources (XML)") else {
        return;
    };
    let c = parse_crm_mon(&xml, "crm_mon").unwrap();
    let f = &c.failures[0];
    assert_eq!(
        (f.op_key.as_str(), f.node.as_str(), f.resource()),
        ("dummy-2_monitor_0", "cluster02", "dummy-2")
    );
    assert_eq!(f.exitstatus, "Unimplemented");
    let r = cluster_reports(&c, "pcmk", 1.0);
    let d2 = get(&r, "dummy-2");
    assert_eq!(d2.state, MemberState::Failed);
    assert!(has(d2, "failed"));
    assert_eq!(d2.metrics.get("failures"), Some(1.0));
    assert_eq!(get(&r, "cluster02").metrics.get("failures"), Some(1.0));
    assert!(has(get(&r, "pcmk"), "failures"));
}

#[test]
fn node_maintenance_and_unmanaged_resources() {
    let Some(xml) =
        regression_block("Output of all resources with maintenance enabled for a node (XML)")
    else {
        return;
    };
    let r = cluster_reports(&parse_crm_mon(&xml, "crm_mon").unwrap(), "pcmk", 1.0);
    let n = get(&r, "cluster02");
    assert_eq!(n.state, MemberState::Maintenance);
    assert_eq!(n.flags, ["dc", "maintenance"]);

    let xml =
        regression_block("Output of active unmanaged resource on offline node (XML)").unwrap();
    let r = cluster_reports(&parse_crm_mon(&xml, "crm_mon").unwrap(), "pcmk", 1.0);
    assert_eq!(get(&r, "cluster02").state, MemberState::Failed);
    assert_eq!(get(&r, "cluster02").flags, ["dc", "offline"]);
    let rsc2 = get(&r, "rsc2");
    assert_eq!(rsc2.flags, ["started", "unmanaged", "on:cluster02"]);
}

fn crm_mon_available() -> bool {
    let found = Command::new("crm_mon")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let msg = "crm_mon not installed (Debian: pacemaker-cli-utils): skipping";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("{msg}");
    }
    found
}

/// The real crm_mon on a saved CIB, edited offline as an operator would: a node put in
/// standby, a resource banned, and the partition without quorum.
#[test]
fn real_crm_mon_standby_ban_and_lost_quorum() {
    let Some(dir) = shared_fixtures() else { return };
    if !crm_mon_available() {
        return;
    }
    let cib = std::env::temp_dir().join(format!("redcon-cib-{}.xml", std::process::id()));
    let original = std::fs::read_to_string(dir.join("pacemaker/cib-crm_mon.xml")).unwrap();
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
            .unwrap();
        assert!(
            ok.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    tool(&["crm_standby", "-N", "cluster01", "-v", "on"]);
    tool(&[
        "crm_resource",
        "--resource",
        "Email",
        "--ban",
        "--node",
        "cluster02",
    ]);

    let mut c = PacemakerCollector::new(None, None, Some(&cib), Some("cl-1")).unwrap();
    let mut out = Collected::default();
    c.collect(&mut out).unwrap();
    std::fs::remove_file(&cib).unwrap();
    let r = &out.members;
    let cluster = get(r, "cl-1");
    assert_eq!(cluster.state, MemberState::Failed);
    assert_eq!(cluster.flags, ["no_quorum", "bans"]);
    assert_eq!(cluster.metrics.get("bans"), Some(2.0));
    let n1 = get(r, "cluster01");
    assert_eq!(
        (n1.state, n1.flags.as_slice()),
        (MemberState::Standby, &["standby".into()][..])
    );
    assert!(has(get(r, "Email"), "ban:cluster02"));
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
    let Some(xml) = regression_block("Basic output (XML)") else {
        return;
    };
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
