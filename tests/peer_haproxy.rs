//! The `haproxy` collector against a real HAProxy on loopback: two backend servers in
//! front of listeners this test opens, a backup pointing at a closed port; one server
//! drained through the runtime API client and seen as DRAIN on the next read.

mod peers;

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use peers::{Daemon, TempDir, have, wait_for};
use redcon::agent::collectors::haproxy::{AdminState, HaproxyClient};
use redcon::agent::collectors::{self, Collected, Collector};
use redcon::agent::parse_agent_config;
use redcon::api::MemberReport;
use redcon::model::MemberState;

const HAPROXY: &str = "/usr/sbin/haproxy";

/// A TCP listener that accepts and drops connections, enough for a layer-4 check. The
/// thread ends with the test process.
fn listener() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            drop(conn);
        }
    });
    port
}

fn members(c: &mut dyn Collector) -> Result<Vec<MemberReport>, String> {
    let mut out = Collected::default();
    c.collect(&mut out).map_err(|e| e.to_string())?;
    Ok(out.members)
}

fn member<'a>(ms: &'a [MemberReport], id: &str) -> Result<&'a MemberReport, String> {
    ms.iter()
        .find(|m| m.id == id)
        .ok_or_else(|| format!("no {id} in {ms:?}"))
}

#[test]
fn haproxy_pool_drain_and_ready() {
    if !have(&[HAPROXY], "haproxy") {
        return;
    }
    let dir = TempDir::new("haproxy");
    let socket = dir.path("admin.sock");
    let (web1, web2, closed, front) = (
        listener(),
        listener(),
        peers::free_port(),
        peers::free_port(),
    );
    let cfg = dir.write(
        "haproxy.cfg",
        &format!(
            "global\n  stats socket {} level admin\n\
             defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n\
             backend be_app\n\
             \x20 server web1 127.0.0.1:{web1} check inter 200ms rise 1\n\
             \x20 server web2 127.0.0.1:{web2} check inter 200ms rise 1\n\
             \x20 server spare 127.0.0.1:{closed} check inter 200ms fall 1 backup\n\
             frontend fe\n  bind 127.0.0.1:{front}\n  default_backend be_app\n",
            socket.display()
        ),
    );
    let mut haproxy = Daemon::start(
        "haproxy",
        Command::new(HAPROXY).arg("-f").arg(&cfg).arg("-db"),
    );

    let config = parse_agent_config(
        &format!(
            "(id: \"lb\", collectors: [haproxy(socket: \"{}\", backends: [\"be_app\"])])",
            socket.display()
        ),
        "agent.ron",
    )
    .unwrap();
    let mut built = collectors::build(&config.collectors).unwrap();
    let c = built[0].as_mut();

    let ms = wait_for(
        "both servers up, the spare down",
        Duration::from_secs(15),
        || {
            haproxy.assert_running();
            let ms = members(c)?;
            let states: Vec<_> = ms.iter().map(|m| (m.id.to_string(), m.state)).collect();
            if states
                == [
                    ("be_app/web1".to_string(), MemberState::Ok),
                    ("be_app/web2".to_string(), MemberState::Ok),
                    ("be_app/spare".to_string(), MemberState::Failed),
                ]
            {
                Ok(ms)
            } else {
                Err(format!("{states:?}"))
            }
        },
    );
    assert_eq!(member(&ms, "be_app/web1").unwrap().flags, ["UP", "L4OK"]);
    assert_eq!(
        member(&ms, "be_app/spare").unwrap().flags,
        ["DOWN", "L4CON", "backup"]
    );

    let client = HaproxyClient::new(&socket, Duration::from_secs(2));
    client
        .set_server_state("be_app", "web2", AdminState::Drain)
        .unwrap();
    // Applied before the answer: the very next read shows it.
    let ms = members(c).unwrap();
    let web2 = member(&ms, "be_app/web2").unwrap();
    assert_eq!(web2.state, MemberState::Maintenance);
    assert_eq!(web2.flags[0], "DRAIN");
    assert_eq!(member(&ms, "be_app/web1").unwrap().state, MemberState::Ok);

    client
        .set_server_state("be_app", "web1", AdminState::Maint)
        .unwrap();
    let ms = members(c).unwrap();
    assert_eq!(member(&ms, "be_app/web1").unwrap().flags[0], "MAINT");

    for srv in ["web1", "web2"] {
        client
            .set_server_state("be_app", srv, AdminState::Ready)
            .unwrap();
    }
    wait_for("both ready again", Duration::from_secs(10), || {
        let ms = members(c)?;
        let up = ["be_app/web1", "be_app/web2"]
            .iter()
            .all(|id| member(&ms, id).is_ok_and(|m| m.state == MemberState::Ok));
        if up { Ok(()) } else { Err(format!("{ms:?}")) }
    });

    // HAProxy's refusal comes back in its own words.
    let e = client
        .set_server_state("be_app", "nosuch", AdminState::Drain)
        .unwrap_err()
        .to_string();
    assert!(e.contains("No such server"), "{e}");
    assert!(e.contains(&socket.display().to_string()), "{e}");
}
