//! The bonding and md drivers through a real `redcon agent`, on sources this machine's
//! kernel does not have: a sysfs-shaped tree under the collector's `root` (the bonding
//! driver's writes land in its files and the next round reads them back) and a stand-in
//! `mdadm` that records its arguments.

mod peers;

use std::time::Duration;

use peers::{Console, OPERATE, READ, TempDir, wait_for};
use redcon::api::MemberReport;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

const WITHIN: Duration = Duration::from_secs(10);

fn member(addr: &str, id: &str) -> Result<MemberReport, String> {
    peers::snapshot(addr)?
        .members
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| format!("no {id} in the snapshot"))
}

fn until_flag(addr: &str, id: &str, flag: &str) -> MemberReport {
    wait_for(&format!("{id} {flag}"), WITHIN, || {
        let m = member(addr, id)?;
        if m.flags.iter().any(|f| f == flag) {
            Ok(m)
        } else {
            Err(format!("{id}: {:?} {:?}", m.state, m.flags))
        }
    })
}

fn agent(dir: &TempDir, collector: &str) -> (peers::Daemon, String) {
    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"host-1\", collect_every_s: 0.5, {},\n collectors: [{collector}])",
            peers::ops_fields(dir)
        ),
    );
    peers::start_agent(&config)
}

/// An active-backup bond `bond0` with slaves eth0 (active) and eth1, as sysfs shows it.
fn bond_tree(dir: &TempDir) {
    for (file, text) in [
        ("bonding_masters", "bond0"),
        ("bond0/operstate", "up"),
        ("bond0/bonding/mode", "active-backup 1"),
        ("bond0/bonding/mii_status", "up"),
        ("bond0/bonding/active_slave", "eth0"),
        ("bond0/bonding/slaves", "eth0 eth1"),
        ("eth0/bonding_slave/mii_status", "up"),
        ("eth0/speed", "10000"),
        ("eth1/bonding_slave/mii_status", "up"),
        ("eth1/speed", "10000"),
    ] {
        dir.write(&format!("root/sys/class/net/{file}"), &format!("{text}\n"));
    }
}

#[test]
fn bonding_failover_and_member_drain_write_sysfs() {
    let dir = TempDir::new("drv-bonding");
    bond_tree(&dir);
    let root = dir.path("root");
    let (mut agent, addr) = agent(
        &dir,
        &format!("bonding(root: {:?})", root.display().to_string()),
    );
    until_flag(&addr, "eth0", "active");
    until_flag(&addr, "eth1", "backup");
    let console = Console::new(&addr);
    let net = root.join("sys/class/net");
    let file = |rel: &str| std::fs::read_to_string(net.join(rel)).unwrap_or_default();

    let to_eth1 = console.cleared(
        OpKind::Failover {
            to: Some("eth1".into()),
        },
        "bond0",
        "to-eth1",
    );
    let sent = console.send(READ, &to_eth1);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(
        file("bond0/bonding/active_slave"),
        "eth0\n",
        "nothing written"
    );

    let sent = console.send(OPERATE, &to_eth1);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert_eq!(file("bond0/bonding/active_slave"), "eth1\n");
    until_flag(&addr, "eth1", "active");
    until_flag(&addr, "eth0", "backup");

    let elsewhere = OpKind::Failover {
        to: Some("eth7".into()),
    };
    let sent = console.send(OPERATE, &console.cleared(elsewhere, "bond0", "to-eth7"));
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(sent.detail.contains("not one of its slaves"), "{sent:?}");

    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Drain, "eth0", "drain-eth0"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert_eq!(file("bond0/bonding/slaves"), "-eth0\n");
    // A plain file is not the kernel: do what bonding does with "-eth0" (the slave
    // list loses it), and the agent stops reporting eth0.
    std::fs::write(net.join("bond0/bonding/slaves"), "eth1\n").unwrap();
    wait_for("eth0 gone", WITHIN, || match member(&addr, "eth0") {
        Ok(m) => Err(format!("still there: {m:?}")),
        Err(_) => Ok(()),
    });

    // No source reports eth0 now; the driver that took it out puts it back.
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "eth0", "back-eth0"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert_eq!(file("bond0/bonding/slaves"), "+eth0\n");
    agent.assert_running();
}
