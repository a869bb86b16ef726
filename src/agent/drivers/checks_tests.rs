use super::*;
use crate::agent::collectors::bonding::BondSlave;
use crate::agent::collectors::mdraid::MdMember;
use crate::agent::collectors::pacemaker::NodeStatus;

fn md(members: &[(&str, MdRole)], degraded: u32) -> Vec<MdArray> {
    vec![MdArray {
        name: "md0".into(),
        running: true,
        raid_disks: Some(2),
        degraded,
        members: members
            .iter()
            .map(|(n, role)| MdMember {
                name: (*n).into(),
                slot: None,
                role: *role,
                flags: Vec::new(),
            })
            .collect(),
        ..MdArray::default()
    }]
}

fn failed(c: &Checked, words: &str) -> bool {
    matches!(c, Checked::Failed(why) if why.contains(words))
}

#[test]
fn an_md_member_is_not_removed_from_an_array_already_degraded() {
    use MdRole::{Active, Faulty, Rebuilding, Spare};
    let whole = md(&[("sdb1", Active), ("sdc1", Active)], 0);
    assert!(matches!(md_drain(&whole, "sdb1"), Checked::Passed(_)));
    let one_left = md(&[("sdc1", Active)], 1);
    let c = md_drain(&one_left, "sdc1");
    assert!(
        failed(&c, "md0 is already degraded (1 slot(s) of 2"),
        "{c:?}"
    );
    let rebuilding = md(&[("sdb1", Rebuilding), ("sdc1", Active)], 1);
    let c = md_drain(&rebuilding, "sdc1");
    assert!(failed(&c, "sdb1 rebuilding"), "{c:?}");
    let c = md_drain(&rebuilding, "sdb1");
    assert!(failed(&c, "itself is rebuilding"), "{c:?}");
    // replacing the failed disk is what a degraded array needs
    let with_faulty = md(&[("sdb1", Faulty), ("sdc1", Active), ("sdd1", Spare)], 1);
    assert!(matches!(md_drain(&with_faulty, "sdb1"), Checked::Passed(_)));
    assert!(matches!(md_drain(&with_faulty, "sdd1"), Checked::Passed(_)));
    assert!(failed(&md_drain(&with_faulty, "sdc1"), "sdb1 failed"));
    assert_eq!(md_drain(&whole, "sdz9"), Checked::Nothing);
}

fn bond(slaves: &[(&str, bool)], min_links: Option<u32>) -> Vec<BondState> {
    vec![BondState {
        name: "bond0".into(),
        mode: "active-backup".into(),
        min_links,
        slaves: slaves
            .iter()
            .map(|(n, up)| BondSlave {
                name: (*n).into(),
                mii_up: *up,
                ..BondSlave::default()
            })
            .collect(),
        ..BondState::default()
    }]
}

#[test]
fn the_last_bond_slave_with_link_is_not_drained() {
    let both = bond(&[("eth0", true), ("eth1", true)], None);
    assert!(matches!(bond_drain(&both, "eth0"), Checked::Passed(_)));
    let one_up = bond(&[("eth0", true), ("eth1", false)], None);
    assert!(failed(&bond_drain(&one_up, "eth0"), "last slave of bond0"));
    assert!(matches!(bond_drain(&one_up, "eth1"), Checked::Passed(_)));
    let three = bond(&[("e0", true), ("e1", true), ("e2", true)], Some(3));
    assert!(failed(&bond_drain(&three, "e0"), "below its min_links 3"));
    assert_eq!(bond_drain(&both, "eth9"), Checked::Nothing);
}

fn node(name: &str, online: bool, standby: bool) -> NodeStatus {
    NodeStatus {
        name: name.into(),
        online,
        standby,
        ..NodeStatus::default()
    }
}

#[test]
fn no_standby_without_quorum_or_without_another_host() {
    let mut c = ClusterStatus {
        with_quorum: Some(true),
        nodes: vec![node("db1", true, false), node("db2", true, false)],
        ..ClusterStatus::default()
    };
    assert!(matches!(standby(&c, "db1"), Checked::Passed(_)));
    c.nodes[1].standby = true;
    assert!(failed(&standby(&c, "db1"), "last online node"));
    c.nodes[1] = node("db2", false, false);
    assert!(failed(&standby(&c, "db1"), "last online node"));
    c.nodes[1] = node("db2", true, false);
    c.with_quorum = Some(false);
    assert!(failed(&standby(&c, "db1"), "no quorum"));
    c.with_quorum = None;
    assert!(failed(&standby(&c, "db1"), "cannot be told"));
}
