//! The `keepalived` collector against two real keepalived instances in two network
//! namespaces this test makes, joined by a veth pair (addresses from TEST-NET-1, only
//! inside the namespaces). A track-file weight moves MASTER from A to B and back, and
//! the collectors reading each side's notify FIFO see it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::process::Command;
use std::time::Duration;

use peers::{Console, Daemon, Netns, OPERATE, READ, TempDir, need, need_root, wait_for};
use redcon::agent::collectors::keepalived::{KeepalivedCollector, set_track_file};
use redcon::agent::collectors::{Collected, Collector};
use redcon::model::MemberState;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

const KEEPALIVED: &str = "/usr/sbin/keepalived";
const IP: &str = "/usr/sbin/ip";
const WITHIN: Duration = Duration::from_secs(25);

/// keepalived's config for one side; its VRRP interface is `{dev}{side}`.
fn config(dir: &TempDir, dev: &str, side: &str, priority: u8) -> std::path::PathBuf {
    let fifo = dir.path(&format!("{side}.fifo"));
    let track = dir.write(&format!("{side}.drain"), "0\n");
    dir.write(
        &format!("{side}.conf"),
        &format!(
            "global_defs {{\n  notify_fifo {fifo}\n  router_id rc-{side}\n}}\n\
             vrrp_track_file drain {{\n  file {track}\n  weight -60\n}}\n\
             vrrp_instance VI_1 {{\n  state BACKUP\n  interface {dev}{side}\n  virtual_router_id 51\n\
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

/// Two namespaces `{prefix}-a-PID` and `{prefix}-b-PID` joined by veths `{dev}a` and
/// `{dev}b`, addresses from TEST-NET-1.
fn pair(prefix: &str, dev: &str) -> (Netns, Netns) {
    need_root();
    let id = std::process::id();
    let (da, db) = (format!("{dev}a"), format!("{dev}b"));
    let (Some(na), Some(nb)) = (
        Netns::add(format!("{prefix}-a-{id}")),
        Netns::add(format!("{prefix}-b-{id}")),
    ) else {
        panic!("cannot create network namespaces");
    };
    let out = Command::new(IP)
        .args([
            "link", "add", &da, "netns", &na.0, "type", "veth", "peer", "name", &db, "netns", &nb.0,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "veth: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (ns, dev, addr) in [(&na, &da, "192.0.2.11/24"), (&nb, &db, "192.0.2.12/24")] {
        ns.ip(&format!("addr add {addr} dev {dev}"));
        ns.ip(&format!("link set {dev} up"));
        ns.ip("link set lo up");
    }

    (na, nb)
}

#[test]
#[ignore = "needs root, keepalived and iproute2 (network namespaces)"]
fn track_file_failover_moves_master() {
    need(&[KEEPALIVED, IP], "keepalived iproute2");
    let (na, nb) = pair("rcka", "ka");
    let dir = TempDir::new("keepalived");
    let (conf_a, conf_b) = (config(&dir, "ka", "a", 150), config(&dir, "ka", "b", 100));
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

/// R1's state in the agent's snapshot (the agent reads side A's FIFO).
fn r1(addr: &str) -> Result<MemberState, String> {
    peers::snapshot(addr)?
        .members
        .into_iter()
        .find(|m| m.id == "R1")
        .map(|m| m.state)
        .ok_or_else(|| "no R1".to_string())
}

fn until(addr: &str, b: &mut KeepalivedCollector, want: (MemberState, MemberState), what: &str) {
    wait_for(what, WITHIN, || {
        let (ra, rb) = (r1(addr)?, vi1(b).0);
        if (ra, rb) == want {
            Ok(())
        } else {
            Err(format!("R1 {ra:?}, B {rb:?}"))
        }
    });
}

#[test]
#[ignore = "needs root, keepalived and iproute2 (network namespaces)"]
fn failover_through_the_agent() {
    need(&[KEEPALIVED, IP], "keepalived iproute2");
    let (na, nb) = pair("rcko", "ko");
    let dir = TempDir::new("keepalived-ops");
    let (conf_a, conf_b) = (config(&dir, "ko", "a", 150), config(&dir, "ko", "b", 100));
    let track = dir.path("a.drain");
    let agent_config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"gw-a\", collect_every_s: 0.5, {},\n collectors: [keepalived(fifo: {:?}, instances: [\"VI_1\"],\n failover: {{\"VI_1\": (file: {:?}, group: \"GW\")}})],\n element_map: {{\"VI_1\": \"R1\"}})",
            peers::ops_fields(&dir),
            dir.path("a.fifo").display().to_string(),
            track.display().to_string()
        ),
    );
    let (mut agent, addr) = peers::start_agent(&agent_config);
    let mut b = KeepalivedCollector::new(&dir.path("b.fifo"), &["VI_1".to_string()]).unwrap();
    let _ka = start(&na, &dir, "a", &conf_a);
    let _kb = start(&nb, &dir, "b", &conf_b);

    use MemberState::{Ok as Master, Standby as Backup};
    until(&addr, &mut b, (Master, Backup), "R1 master, B backup");
    let console = Console::new(&addr);
    let to = |m: &str| OpKind::Failover { to: Some(m.into()) };

    let away = console.cleared(to("R2"), "GW", "gw-to-r2");
    let sent = console.send(READ, &away);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(
        std::fs::read_to_string(&track).unwrap(),
        "0\n",
        "nothing written"
    );

    let sent = console.send(OPERATE, &away);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert_eq!(std::fs::read_to_string(&track).unwrap(), "1\n");
    until(
        &addr,
        &mut b,
        (Backup, Master),
        "B takes over, the agent sees R1 backup",
    );

    let written = std::fs::metadata(&track)
        .and_then(|m| m.modified())
        .unwrap();
    let again = console.send(OPERATE, &away);
    assert!(again.reply.unwrap().replayed);
    let after = std::fs::metadata(&track)
        .and_then(|m| m.modified())
        .unwrap();
    assert_eq!(
        written, after,
        "the retry did not write the track file again"
    );

    let sent = console.send(OPERATE, &console.cleared(to("R1"), "GW", "gw-to-r1"));
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    until(&addr, &mut b, (Master, Backup), "R1 takes back");
    agent.assert_running();

    // every answer is audited, the replay as a replay (it did not write again)
    let outcomes: Vec<(Outcome, bool)> = peers::audit(&dir)
        .iter()
        .map(|r| (r.outcome, r.replayed))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Outcome::Unauthorised, false),
            (Outcome::Done, false),
            (Outcome::Done, true),
            (Outcome::Done, false)
        ]
    );
}
