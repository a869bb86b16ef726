use proptest::prelude::*;

use super::*;
use crate::agent::collectors::parse::SysTree;
use crate::agent::collectors::parse::{cut_points, fixtures};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("bonding").join(name)).unwrap()
}

/// An 802.3ad bond in the layout of the kernel's `bond_procfs.c`: swp1 healthy, swp2
/// churned against a partner that never answered (port state without sync).
const CHURNED: &str = "Ethernet Channel Bonding Driver: v5.10

Bonding Mode: IEEE 802.3ad Dynamic link aggregation
Transmit Hash Policy: layer3+4 (1)
MII Status: up
MII Polling Interval (ms): 100
Up Delay (ms): 0
Down Delay (ms): 0
Peer Notification Delay (ms): 0

802.3ad info
LACP rate: fast
Min links: 2
Aggregator selection policy (ad_select): stable
System priority: 65535
System MAC address: 44:38:39:be:ef:aa
Active Aggregator Info:
\tAggregator ID: 1
\tNumber of ports: 1
\tActor Key: 9
\tPartner Key: 9
\tPartner Mac Address: 44:38:39:00:00:12

Slave Interface: swp1
MII Status: up
Speed: 10000 Mbps
Duplex: full
Link Failure Count: 0
Permanent HW addr: 44:38:39:00:00:11
Slave queue ID: 0
Aggregator ID: 1
Actor Churn State: none
Partner Churn State: none
Actor Churned Count: 1
Partner Churned Count: 2
details actor lacp pdu:
    system priority: 65535
    system mac address: 44:38:39:be:ef:aa
    port key: 9
    port priority: 255
    port number: 1
    port state: 63
details partner lacp pdu:
    system priority: 65535
    system mac address: 44:38:39:00:00:12
    oper key: 9
    port priority: 255
    port number: 1
    port state: 63

Slave Interface: swp2
MII Status: up
Speed: 10000 Mbps
Duplex: full
Link Failure Count: 1
Permanent HW addr: 44:38:39:00:00:13
Slave queue ID: 0
Aggregator ID: 2
Actor Churn State: churned
Partner Churn State: churned
Actor Churned Count: 3
Partner Churned Count: 4
details actor lacp pdu:
    system priority: 65535
    system mac address: 44:38:39:be:ef:aa
    port key: 9
    port priority: 255
    port number: 2
    port state: 71
details partner lacp pdu:
    system priority: 65535
    system mac address: 00:00:00:00:00:00
    oper key: 1
    port priority: 255
    port number: 1
    port state: 1
";

fn report<'a>(r: &'a [MemberReport], id: &str) -> &'a MemberReport {
    r.iter().find(|m| m.id == id).unwrap()
}

#[test]
fn active_backup_with_a_down_slave() {
    let text = fixture("telegraf-active-backup");
    let b = parse_bond_proc("bond0", &text, "bond0").unwrap();
    assert_eq!(b.mode, "active-backup");
    assert_eq!(b.mii_up, Some(true));
    assert_eq!(b.active_slave.as_deref(), Some("eth2"));
    assert!(b.lacp.is_none());
    assert_eq!(b.slaves.len(), 2);
    let eth3 = &b.slaves[0];
    assert_eq!((eth3.name.as_str(), eth3.mii_up), ("eth3", false));
    assert_eq!((eth3.speed_mbps, eth3.link_failures), (Some(1000), Some(2)));
    let eth2 = &b.slaves[1];
    assert_eq!(
        (eth2.mii_up, eth2.speed_mbps, eth2.link_failures),
        (true, Some(100), Some(0))
    );

    let r = bond_reports(&[b], 1.0);
    let bond = report(&r, "bond0");
    assert_eq!(bond.state, MemberState::Ok, "one slave still carries it");
    assert_eq!(bond.flags, ["active-backup", "degraded"]);
    assert_eq!(bond.metrics.get("slaves_up"), Some(1.0));
    assert_eq!(bond.metrics.get("speed_gbps"), Some(0.1));
    let eth3 = report(&r, "eth3");
    assert_eq!(eth3.state, MemberState::Failed);
    assert_eq!(eth3.flags, ["mii_down", "backup"]);
    assert_eq!(eth3.metrics.get("link_failure_count"), Some(2.0));
    let eth2 = report(&r, "eth2");
    assert_eq!(
        (eth2.state, eth2.flags.as_slice()),
        (MemberState::Ok, &["active".into()][..])
    );
    assert_eq!(eth2.metrics.get("speed_gbps"), Some(0.1));
}

#[test]
fn lacp_without_an_active_aggregator_carries_nothing() {
    let text = fixture("telegraf-802.3ad-no-aggregator");
    let b = parse_bond_proc("bond0", &text, "bond0").unwrap();
    assert_eq!(b.mode, "802.3ad");
    let lacp = b.lacp.as_ref().unwrap();
    assert_eq!(
        (lacp.rate.as_deref(), lacp.active_aggregator),
        (Some("fast"), None)
    );
    assert_eq!(
        b.slaves.iter().map(|s| s.aggregator_id).collect::<Vec<_>>(),
        [None, None]
    );
    assert_eq!(b.slaves[1].link_failures, Some(3));
    let r = bond_reports(&[b], 1.0);
    let bond = report(&r, "bond0");
    assert_eq!(bond.state, MemberState::Failed);
    assert_eq!(bond.flags, ["802.3ad", "degraded", "no_aggregator"]);
    for s in ["eth1", "eth2"] {
        let m = report(&r, s);
        assert_eq!(
            (m.state, m.flags[0].as_str()),
            (MemberState::Failed, "no_aggregator")
        );
    }
}

#[test]
fn churned_partner_fails_its_port_only() {
    let b = parse_bond_proc("bond1", CHURNED, "bond1").unwrap();
    assert_eq!(b.min_links, Some(2));
    let lacp = b.lacp.as_ref().unwrap();
    assert_eq!(lacp.active_aggregator, Some(1));
    assert_eq!(lacp.ports, Some(1));
    assert_eq!(lacp.partner_mac.as_deref(), Some("44:38:39:00:00:12"));
    let swp1 = &b.slaves[0];
    assert_eq!((swp1.aggregator_id, swp1.churn_count), (Some(1), 3));
    assert_eq!(
        (swp1.actor_port_state, swp1.partner_port_state),
        (Some(63), Some(63))
    );
    assert!(!swp1.actor_churned && !swp1.partner_churned);
    let swp2 = &b.slaves[1];
    assert_eq!((swp2.aggregator_id, swp2.churn_count), (Some(2), 7));
    assert!(swp2.actor_churned && swp2.partner_churned);
    assert_eq!(
        (swp2.actor_port_state, swp2.partner_port_state),
        (Some(71), Some(1))
    );

    let r = bond_reports(&[b], 1.0);
    let bond = report(&r, "bond1");
    assert_eq!(bond.state, MemberState::Failed, "1 port up, min_links 2");
    assert_eq!(bond.metrics.get("min_links"), Some(2.0));
    assert_eq!(bond.metrics.get("speed_gbps"), Some(10.0));
    assert_eq!(report(&r, "swp1").state, MemberState::Ok);
    let swp2 = report(&r, "swp2");
    assert_eq!(swp2.state, MemberState::Failed);
    assert_eq!(swp2.flags, ["other_aggregator", "defaulted"]);
    assert_eq!(swp2.metrics.get("churn_count"), Some(7.0));
    assert_eq!(swp2.metrics.get("partner_port_state"), Some(1.0));

    // same aggregator, churned: still not carrying traffic
    let same = CHURNED.replace("Aggregator ID: 2", "Aggregator ID: 1");
    let r = bond_reports(&[parse_bond_proc("bond1", &same, "bond1").unwrap()], 1.0);
    assert_eq!(report(&r, "swp2").flags[0], "churned");
    let unsynced = same.replace("Churn State: churned", "Churn State: none");
    let r = bond_reports(
        &[parse_bond_proc("bond1", &unsynced, "bond1").unwrap()],
        1.0,
    );
    assert_eq!(report(&r, "swp2").flags[0], "partner_out_of_sync");
}

#[test]
fn sysfs_fixture_bonds() {
    let dir = fixtures();
    let net = dir.join("sysfs/class/net");
    let read = |name: &str| {
        let tree = read_bond_tree(&net, name).unwrap();
        parse_bond_sysfs(name, &tree, name).unwrap()
    };
    let int = read("int");
    assert_eq!(int.mii_up, Some(true), "from operstate");
    assert_eq!(
        int.slaves
            .iter()
            .map(|s| (s.name.as_str(), s.mii_up))
            .collect::<Vec<_>>(),
        [("eth5", true), ("eth1", false)]
    );
    let dmz = read("dmz");
    assert!(dmz.slaves.iter().all(|s| s.mii_up));
    let bond0 = read("bond0");
    assert!(bond0.slaves.is_empty());

    let r = bond_reports(&[int, dmz, bond0], 1.0);
    assert_eq!(report(&r, "eth1").state, MemberState::Failed);
    assert_eq!(report(&r, "int").flags, ["degraded"]);
    assert_eq!(report(&r, "int").state, MemberState::Ok);
    assert_eq!(report(&r, "dmz").flags.len(), 0);
    assert_eq!(
        report(&r, "bond0").state,
        MemberState::Failed,
        "no slaves: no carrier"
    );

    let root = std::env::temp_dir().join(format!("redcon-bond-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::os::unix::fs::symlink(dir.join("sysfs"), root.join("sys")).unwrap();
    let mut out = Collected::default();
    BondingCollector::new(Some(&root))
        .collect(&mut out)
        .unwrap();
    assert_eq!(out.members.len(), 3 + 4);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn bad_bond_files_are_named_and_others_still_read() {
    let root = std::env::temp_dir().join(format!("redcon-bondp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("proc/net/bonding");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bond1"), CHURNED).unwrap();
    std::fs::write(dir.join("bond2"), "garbage\n").unwrap();
    std::fs::write(
        dir.join("bond3"),
        CHURNED.replace("port state: 71", "port state: 999"),
    )
    .unwrap();
    let mut out = Collected::default();
    let e = BondingCollector::new(Some(&root))
        .collect(&mut out)
        .unwrap_err()
        .to_string();
    assert!(out.members.iter().any(|m| m.id == "swp2"));
    assert!(e.contains("bond2: not a bonding status file"), "{e}");
    assert!(e.contains("bond3:69: bad port state"), "{e}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn truncations_never_panic() {
    for cut in cut_points(CHURNED, 500) {
        match parse_bond_proc("b", &CHURNED[..cut], "b") {
            Ok(b) => assert!(b.slaves.len() <= 2),
            Err(e) => assert!(e.to_string().starts_with("b"), "{e}"),
        }
    }
}

proptest! {
    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_bond_proc("b", &text, "src") {
            prop_assert!(e.to_string().starts_with("src"));
        }
    }

    #[test]
    fn hostile_numbers(n in ".{0,24}", m in ".{0,24}") {
        let text = CHURNED.replace("Speed: 10000", &format!("Speed: {n}")).replace("port state: 1\n", &format!("port state: {m}\n"));
        let _ = parse_bond_proc("b", &text, "b").map(|b| bond_reports(&[b], 0.0));
        let mut tree = SysTree::default();
        tree.files.insert("bonding/slaves".into(), "a".into());
        tree.files.insert("bonding/mode".into(), "802.3ad 4".into());
        tree.files.insert("bonding/ad_aggregator".into(), n);
        tree.files.insert("slave/a/ad_partner_oper_port_state".into(), m);
        if let Err(e) = parse_bond_sysfs("b", &tree, "sys") {
            prop_assert!(e.to_string().starts_with("sys: "));
        }
    }
}
