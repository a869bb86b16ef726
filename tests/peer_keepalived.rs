//! The `keepalived` collector against two real keepalived instances in two network
//! namespaces this test makes, joined by a veth pair (addresses from TEST-NET-1, only
//! inside the namespaces). A track-file weight moves MASTER from A to B and back, and
//! the collectors reading each side's notify FIFO see it.

mod peers;

use std::process::Command;
use std::time::Duration;

use peers::{Daemon, Netns, TempDir, have, is_root, wait_for};
use redcon::agent::collectors::keepalived::{KeepalivedCollector, set_track_file};
use redcon::agent::collectors::{Collected, Collector};
use redcon::model::MemberState;

const KEEPALIVED: &str = "/usr/sbin/keepalived";
const IP: &str = "/usr/sbin/ip";
const WITHIN: Duration = Duration::from_secs(25);

fn config(dir: &TempDir, side: &str, priority: u8) -> std::path::PathBuf {
    let fifo = dir.path(&format!("{side}.fifo"));
    let track = dir.write(&format!("{side}.drain"), "0\n");
    dir.write(
        &format!("{side}.conf"),
        &format!(
            "global_defs {{\n  notify_fifo {fifo}\n  router_id rc-{side}\n}}\n\
             vrrp_track_file drain {{\n  file {track}\n  weight -60\n}}\n\
             vrrp_instance VI_1 {{\n  state BACKUP\n  interface ka{side}\n  virtual_router_id 51\n\
             \x20 priority {priority}\n  advert_int 1\n\
             \x20 authentication {{\n    auth_type PASS\n    auth_pass redcon\n  }}\n\
             \x20 virtual_ipaddress {{\n    192.0.2.100/24\n  }}\n\
             \x20 track_file {{\n    drain\n  }}\n}}\n",
            fifo = fifo.display(),
            track = track.display(),
        ),
    )
}

fn start(ns: &Netns, dir: &TempDir, side: &str, conf: &std::path::Path) -> Daemon {
    let p = |f: &str| dir.path(&format!("{side}-{f}.pid"));
    let mut cmd = Command::new(IP);
    cmd.args(["netns", "exec", &ns.0, KEEPALIVED, "-n", "-l", "-D", "-f"])
        .arg(conf)
        .arg("-p")
        .arg(p("main"))
        .arg("-r")
        .arg(p("vrrp"))
        .arg("-c")
        .arg(p("chk"));
    let mut d = Daemon::start_logged(
        "keepalived",
        &mut cmd,
        Some(&dir.path(&format!("{side}.log"))),
    );
    d.graceful = true;
    d
}

fn vi1(c: &mut KeepalivedCollector) -> (MemberState, Vec<String>) {
    let mut out = Collected::default();
    let _ = c.collect(&mut out);
    out.members
        .iter()
        .find(|m| m.id == "VI_1")
        .map(|m| (m.state, m.flags.iter().map(ToString::to_string).collect()))
        .unwrap_or((MemberState::Unknown, Vec::new()))
}

fn until_roles(
    a: &mut KeepalivedCollector,
    b: &mut KeepalivedCollector,
    want: (MemberState, MemberState),
    what: &str,
    dir: &TempDir,
) {
    wait_for(what, WITHIN, || {
        let (sa, sb) = (vi1(a), vi1(b));
        if (sa.0, sb.0) == want {
            Ok(())
        } else {
            let log = std::fs::read_to_string(dir.path("a.log")).unwrap_or_default();
            let tail: String = log.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
            Err(format!("A {sa:?}, B {sb:?}; A's log ends: {tail}"))
        }
    });
}

#[test]
fn track_file_failover_moves_master() {
    if !have(&[KEEPALIVED, IP], "keepalived iproute2") {
        return;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !is_root() {
        assert!(!ci, "CI=true: this test needs root for network namespaces");
        eprintln!("SKIPPED: network namespaces need root");
        return;
    }
    let id = std::process::id();
    let (Some(na), Some(nb)) = (
        Netns::add(format!("rcka-a-{id}")),
        Netns::add(format!("rcka-b-{id}")),
    ) else {
        assert!(!ci, "CI=true: cannot create network namespaces");
        eprintln!("SKIPPED: cannot create network namespaces here");
        return;
    };
    let out = Command::new(IP)
        .args([
            "link", "add", "kaa", "netns", &na.0, "type", "veth", "peer", "name", "kab", "netns",
            &nb.0,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "veth: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (ns, dev, addr) in [(&na, "kaa", "192.0.2.11/24"), (&nb, "kab", "192.0.2.12/24")] {
        ns.ip(&format!("addr add {addr} dev {dev}"));
        ns.ip(&format!("link set {dev} up"));
        ns.ip("link set lo up");
    }

    let dir = TempDir::new("keepalived");
    let (conf_a, conf_b) = (config(&dir, "a", 150), config(&dir, "b", 100));
    let instances = ["VI_1".to_string()];
    let mut a = KeepalivedCollector::new(&dir.path("a.fifo"), &instances).unwrap();
    let mut b = KeepalivedCollector::new(&dir.path("b.fifo"), &instances).unwrap();
    let _ka = start(&na, &dir, "a", &conf_a);
    let _kb = start(&nb, &dir, "b", &conf_b);

    use MemberState::{Ok as Master, Standby as Backup};
    until_roles(&mut a, &mut b, (Master, Backup), "A master, B backup", &dir);
    assert_eq!(vi1(&mut a).1, ["MASTER"]);

    // Manual failover: A's priority 150 - 60 = 90 falls below B's 100.
    set_track_file(&dir.path("a.drain"), 1).unwrap();
    until_roles(&mut a, &mut b, (Backup, Master), "B takes over", &dir);

    // And back: A pre-empts again.
    set_track_file(&dir.path("a.drain"), 0).unwrap();
    until_roles(&mut a, &mut b, (Master, Backup), "A takes back", &dir);
}
