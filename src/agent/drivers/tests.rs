use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::agent::config::TrackFile;

type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Records what it was asked and answers `Done`.
struct Probe {
    collector: &'static str,
    seen: Seen,
}

impl Driver for Probe {
    fn collector(&self) -> &'static str {
        self.collector
    }
    fn group(&self, site_id: &str) -> Option<String> {
        (site_id == "GW").then(|| "VI_1".to_string())
    }
    fn act(&self, name: &str, _kind: &OpKind, to: Option<&str>) -> Act {
        let mut seen = self.seen.lock().unwrap();
        seen.push((name.to_string(), to.map(str::to_string)));
        Act::Done(name.to_string())
    }
}

fn op(kind: OpKind, target: &str) -> Operation {
    Operation {
        kind,
        target: target.into(),
        reason: "test".into(),
        operator: "alice".into(),
        idempotency_key: "k".into(),
    }
}

fn drivers() -> (Drivers, Seen) {
    let seen = Seen::default();
    let probe = Probe {
        collector: "keepalived",
        seen: Arc::clone(&seen),
    };
    let map = [("VI_1", "R1"), ("ups1", "UPS-A1")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into();
    (Drivers::new(vec![(0, Box::new(probe))], map), seen)
}

#[test]
fn targets_are_routed_by_source_name_to_the_collector_that_reports_them() {
    let (d, seen) = drivers();
    let owners: BTreeMap<String, Owner> = [
        ("VI_1", 0, "keepalived"),
        ("ups1", 1, "nut"),
        ("cpu", 2, "host"),
    ]
    .map(|(a, slot, kind)| (a.to_string(), Owner { slot, kind }))
    .into();
    assert_eq!(
        d.carry_out(&op(OpKind::Drain, "R1"), &owners),
        Act::Done("VI_1".into()),
        "the site id goes back to the source's name"
    );
    let to_r1 = OpKind::Failover {
        to: Some("R1".into()),
    };
    let to_r2 = OpKind::Failover {
        to: Some("R2".into()),
    };
    assert_eq!(
        d.carry_out(&op(to_r1, "GW"), &owners),
        Act::Done("VI_1".into())
    );
    assert_eq!(
        d.carry_out(&op(to_r2, "GW"), &owners),
        Act::Done("VI_1".into())
    );
    let partners: Vec<Option<String>> = seen.lock().unwrap().iter().map(|s| s.1.clone()).collect();
    assert_eq!(
        partners,
        [None, Some("VI_1".into()), Some("R2".into())],
        "a partner this agent reports goes by its source name, another keeps its id"
    );
    for (target, needle) in [
        ("UPS-A1", "nut collector, which has no driver"),
        ("cpu", "host collector"),
        ("nosuch", "no source of this agent reports it, so no driver"),
        ("VI_1", "no source"),
    ] {
        match d.carry_out(&op(OpKind::Drain, target), &owners) {
            Act::NotApplicable(m) => assert!(m.contains(needle), "{target}: {m}"),
            other => panic!("{target}: {other:?}"),
        }
    }
}

#[test]
fn keepalived_writes_the_track_file() {
    let dir = std::env::temp_dir().join(format!("redcon-drv-ka-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("drain");
    let k = keepalived::KeepalivedDriver {
        failover: [(
            "VI_1".to_string(),
            TrackFile {
                file: file.clone(),
                give_up: 2,
                group: Some("GW".into()),
            },
        )]
        .into(),
    };
    let read = || std::fs::read_to_string(&file).unwrap();
    assert_eq!(k.group("GW").as_deref(), Some("VI_1"));
    assert!(matches!(k.act("VI_1", &OpKind::Drain, None), Act::Done(_)));
    assert_eq!(read(), "2\n");
    let to = |m: &str| OpKind::Failover { to: Some(m.into()) };
    assert!(matches!(
        k.act("VI_1", &to("R1"), Some("VI_1")),
        Act::Done(_)
    ));
    assert_eq!(read(), "0\n", "failing over to this router takes it back");
    assert!(matches!(k.act("VI_1", &to("R2"), Some("R2")), Act::Done(_)));
    assert_eq!(read(), "2\n");
    assert!(matches!(
        k.act("VI_1", &OpKind::Undrain, None),
        Act::Done(_)
    ));
    assert_eq!(read(), "0\n");
    assert!(matches!(
        k.act("VI_2", &OpKind::Drain, None),
        Act::NotApplicable(m) if m.contains("no track file")
    ));
    assert!(matches!(
        k.act("VI_1", &OpKind::Standby, None),
        Act::NotApplicable(_)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let gone = keepalived::KeepalivedDriver {
        failover: [(
            "VI_1".to_string(),
            TrackFile {
                file: dir.join("no/such/dir/drain"),
                give_up: 1,
                group: None,
            },
        )]
        .into(),
    };
    assert!(matches!(
        gone.act("VI_1", &OpKind::Drain, None),
        Act::Failed(m) if m.contains("track file")
    ));
}

/// A upsd that answers each command line with the next scripted answer, and records
/// the lines it got.
fn scripted_upsd(answers: &[&str]) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let answers: Vec<String> = answers.iter().map(|a| a.to_string()).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((s, _)) = listener.accept() else {
            return;
        };
        let mut w = s.try_clone().unwrap();
        let mut r = BufReader::new(s);
        for a in answers {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let _ = tx.send(line.trim_end().to_string());
            let _ = w.write_all(a.as_bytes());
        }
    });
    (addr, rx)
}

fn nut(server: &str, password: Option<&std::path::Path>) -> nut::NutDriver {
    nut::NutDriver {
        server: server.to_string(),
        timeout: Duration::from_secs(2),
        username: password.map(|_| "admin".to_string()),
        password_file: password.map(std::path::Path::to_path_buf),
    }
}

#[test]
fn nut_sends_bypass_commands_as_the_configured_user() {
    let dir = std::env::temp_dir().join(format!("redcon-drv-nut-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let pw = dir.join("pw");
    std::fs::write(&pw, "s3cret\nignored\n").unwrap();
    let bypass = OpKind::Failover { to: None };

    let (server, lines) = scripted_upsd(&["OK\n", "OK\n", "OK\n"]);
    let act = nut(&server, Some(&pw)).act("ups1", &bypass, None);
    assert!(
        matches!(&act, Act::Done(m) if m.contains("bypass.start")),
        "{act:?}"
    );
    let sent: Vec<String> = lines.iter().collect();
    assert_eq!(
        sent,
        [
            "USERNAME \"admin\"",
            "PASSWORD \"s3cret\"",
            "INSTCMD ups1 bypass.start"
        ]
    );

    let (server, _) = scripted_upsd(&[
        "OK\n",
        "OK\n",
        "ERR CMD-NOT-SUPPORTED\n",
        "BEGIN LIST CMD ups1\nCMD ups1 load.off\nEND LIST CMD ups1\n",
    ]);
    let act = nut(&server, Some(&pw)).act("ups1", &bypass, None);
    assert!(
        matches!(&act, Act::NotApplicable(m) if m.contains("ERR CMD-NOT-SUPPORTED") && m.contains("load.off")),
        "{act:?}"
    );

    let (server, _) = scripted_upsd(&["OK\n", "OK\n", "ERR ACCESS-DENIED\n"]);
    let act = nut(&server, Some(&pw)).act("ups1", &bypass, None);
    assert!(
        matches!(&act, Act::Failed(m) if m.contains("ACCESS-DENIED") && m.contains(&server) && !m.contains("s3cret")),
        "{act:?}"
    );

    // Undrain stops a bypass only when the UPS is on one.
    let (server, lines) = scripted_upsd(&["OK\n", "OK\n", "VAR ups1 ups.status \"OL\"\n"]);
    let act = nut(&server, Some(&pw)).act("ups1", &OpKind::Undrain, None);
    assert!(
        matches!(&act, Act::NotApplicable(m) if m.contains("not on bypass")),
        "{act:?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("INSTCMD")));
    let (server, lines) = scripted_upsd(&[
        "OK\n",
        "OK\n",
        "VAR ups1 ups.status \"OL BYPASS\"\n",
        "OK\n",
    ]);
    let act = nut(&server, Some(&pw)).act("ups1", &OpKind::Undrain, None);
    assert!(matches!(&act, Act::Done(_)), "{act:?}");
    assert!(lines.iter().any(|l| l == "INSTCMD ups1 bypass.stop"));

    // No credentials, another verb, a missing password file: nothing is sent.
    let act = nut("127.0.0.1:9", None).act("ups1", &bypass, None);
    assert!(
        matches!(&act, Act::NotApplicable(m) if m.contains("username")),
        "{act:?}"
    );
    let act = nut("127.0.0.1:9", Some(&pw)).act("ups1", &OpKind::Drain, None);
    assert!(matches!(&act, Act::NotApplicable(_)), "{act:?}");
    let act = nut("127.0.0.1:9", Some(&dir.join("nope"))).act("ups1", &bypass, None);
    assert!(
        matches!(&act, Act::Failed(m) if m.contains("password_file")),
        "{act:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Says it took `eth0` out of its bond; records what it is asked.
struct Releaser(Seen);

impl Driver for Releaser {
    fn collector(&self) -> &'static str {
        "bonding"
    }
    fn released(&self, name: &str) -> bool {
        name == "eth0"
    }
    fn act(&self, name: &str, _kind: &OpKind, _to: Option<&str>) -> Act {
        self.0.lock().unwrap().push((name.to_string(), None));
        Act::Done(name.to_string())
    }
}

#[test]
fn a_member_no_source_reports_goes_to_the_driver_that_released_it() {
    let seen = Seen::default();
    let map = [("eth0", "NIC-A")].map(|(a, b)| (a.to_string(), b.to_string()));
    let d = Drivers::new(vec![(0, Box::new(Releaser(Arc::clone(&seen))))], map.into());
    let owners = BTreeMap::new();
    assert_eq!(
        d.carry_out(&op(OpKind::Undrain, "NIC-A"), &owners),
        Act::Done("eth0".into())
    );
    assert!(matches!(
        d.carry_out(&op(OpKind::Undrain, "eth1"), &owners),
        Act::NotApplicable(_)
    ));
}

#[test]
fn tools_and_sources_that_cannot_act_say_why() {
    let sh = |script: &str| -> Vec<String> {
        ["sh", "-c", script].iter().map(|s| s.to_string()).collect()
    };
    assert!(matches!(run_tool(&sh("true"), &[]), Act::Done(m) if m == "ran sh -c true"));
    assert!(matches!(
        run_tool(&sh("echo nope >&2; exit 2"), &[]),
        Act::Failed(m) if m.contains("exit status: 2: nope")
    ));
    assert!(matches!(
        run_tool(&["no-such-tool-here".to_string()], &[]),
        Act::Failed(m) if m.contains("not installed")
    ));

    let saved = pacemaker::PacemakerDriver::new(None, true, None);
    assert!(matches!(
        saved.act("node1", &OpKind::Standby, None),
        Act::NotApplicable(m) if m.contains("saved crm_mon output")
    ));
    let broken = pacemaker::PacemakerDriver::new(Some(&sh("echo down >&2; exit 102")), false, None);
    assert!(matches!(
        broken.act("node1", &OpKind::Standby, None),
        Act::Failed(m) if m.contains("down")
    ));

    let copy = bridge::BridgeDriver::new(Some(std::path::Path::new("/srv/capture")));
    assert!(matches!(
        copy.act("vb0", &OpKind::Drain, None),
        Act::NotApplicable(m) if m.contains("copy under /srv/capture")
    ));
    let live = bridge::BridgeDriver::new(None);
    assert!(matches!(
        live.act("no-such-port", &OpKind::Drain, None),
        Act::NotApplicable(m) if m.contains("not a bridge port")
    ));
    assert!(matches!(
        live.act("vb0", &OpKind::Standby, None),
        Act::NotApplicable(_)
    ));
}

#[test]
fn two_collectors_of_one_kind_each_act_on_their_own_ids() {
    let (a, b) = (Seen::default(), Seen::default());
    let probe = |seen: &Seen| -> Box<dyn Driver> {
        Box::new(Probe {
            collector: "nut",
            seen: Arc::clone(seen),
        })
    };
    let d = Drivers::new(vec![(0, probe(&a)), (2, probe(&b))], BTreeMap::new());
    let owners: BTreeMap<String, Owner> = [("ups1", 0), ("ups9", 2), ("cpu", 1)]
        .map(|(id, slot)| (id.to_string(), Owner { slot, kind: "nut" }))
        .into();
    assert_eq!(
        d.carry_out(&op(OpKind::Drain, "ups9"), &owners),
        Act::Done("ups9".into())
    );
    assert_eq!(
        d.carry_out(&op(OpKind::Drain, "ups1"), &owners),
        Act::Done("ups1".into())
    );
    assert_eq!(a.lock().unwrap().len(), 1);
    assert_eq!(b.lock().unwrap()[0].0, "ups9");
    assert!(matches!(
        d.carry_out(&op(OpKind::Drain, "cpu"), &owners),
        Act::NotApplicable(_)
    ));
}
