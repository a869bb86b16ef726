//! The bonding and md drivers through a real `redcon agent`, on sources this machine's
//! kernel does not have: a sysfs-shaped tree under the collector's `root` (the bonding
//! driver's writes land in its files and the next round reads them back) and a stand-in
//! `mdadm` that records its arguments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

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

const MDSTAT: &str = "Personalities : [raid1]\n\
md0 : active raid1 sdc1[1] sdb1[0]\n      1046528 blocks super 1.2 [2/2] [UU]\n\n\
md1 : active raid1 sdc2[1] sdb2[0]\n      1046528 blocks super 1.2 [2/2] [UU]\n\n\
unused devices: <none>\n";

/// A stand-in for mdadm (this kernel has no md): it records each call's argv, one
/// `[arg]` per argument, and refuses anything naming sdc2 the way mdadm does.
fn fake_mdadm(dir: &TempDir) -> std::path::PathBuf {
    let log = dir.path("mdadm.log");
    let script = dir.write(
        "mdadm",
        &format!(
            "#!/bin/sh\nprintf '[%s]' \"$@\" >> {log:?}\necho >> {log:?}\n\
             case \"$*\" in *sdc2*) echo 'mdadm: set device faulty failed for /dev/sdc2:  Device or resource busy' >&2; exit 1;; esac\n",
            log = log.display().to_string()
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn mdraid_drain_and_add_back_run_mdadm() {
    let dir = TempDir::new("drv-mdraid");
    let mdstat = dir.write("root/proc/mdstat", MDSTAT);
    let mdadm = fake_mdadm(&dir);
    let (mut agent, addr) = agent(
        &dir,
        &format!(
            "mdraid(root: {:?}, mdadm: {:?})",
            dir.path("root").display().to_string(),
            mdadm.display().to_string()
        ),
    );
    wait_for("sdb1 reported", WITHIN, || member(&addr, "sdb1"));
    let console = Console::new(&addr);
    let calls = || std::fs::read_to_string(dir.path("mdadm.log")).unwrap_or_default();

    let drain = console.cleared(OpKind::Drain, "sdb1", "drain-sdb1");
    let sent = console.send(READ, &drain);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(calls(), "", "mdadm ran for a read token");

    let sent = console.send(OPERATE, &drain);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert_eq!(
        calls(),
        "[/dev/md0][--fail][/dev/sdb1][--remove][/dev/sdb1]\n"
    );

    // What the kernel would show after the removal: md0 runs degraded on sdc1.
    std::fs::write(
        &mdstat,
        MDSTAT.replace(
            "sdc1[1] sdb1[0]\n      1046528 blocks super 1.2 [2/2] [UU]",
            "sdc1[1]\n      1046528 blocks super 1.2 [2/1] [_U]",
        ),
    )
    .unwrap();
    until_flag(&addr, "md0", "degraded");

    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "sdb1", "add-sdb1"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        calls().ends_with("\n[/dev/md0][--add][/dev/sdb1]\n"),
        "{}",
        calls()
    );

    // mdadm refuses: its words come back and nothing is remembered as removed.
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Drain, "sdc2", "drain-sdc2"),
    );
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    let reply = sent.reply.as_ref().unwrap();
    assert_eq!(reply.outcome, "driver_failed", "{reply:?}");
    assert!(
        reply.detail.contains("Device or resource busy"),
        "{reply:?}"
    );
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "sdb2", "add-sdb2"),
    );
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(sent.detail.contains("still in md1"), "{sent:?}");
    agent.assert_running();
}
