//! The `haproxy` collector against a real HAProxy on loopback: two backend servers in
//! front of listeners this test opens, a backup pointing at a closed port; one server
//! drained through the runtime API client and seen as DRAIN on the next read.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use peers::{Console, Daemon, OPERATE, READ, TempDir, need, wait_for};
use redcon::agent::collectors::haproxy::{AdminState, HaproxyClient};
use redcon::agent::collectors::{self, Collected, Collector};
use redcon::agent::parse_agent_config;
use redcon::api::MemberReport;
use redcon::model::MemberState;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

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

/// HAProxy with backend `be_app`: web1 and web2 on listeners of this test, a backup
/// `spare` on a closed port.
fn start_haproxy(name: &str) -> (TempDir, std::path::PathBuf, Daemon) {
    let dir = TempDir::new(name);
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
    let haproxy = Daemon::start(
        "haproxy",
        Command::new(HAPROXY).arg("-f").arg(&cfg).arg("-db"),
    );
    (dir, socket, haproxy)
}

#[test]
#[ignore = "needs haproxy"]
fn haproxy_pool_drain_and_ready() {
    need(&[HAPROXY], "haproxy");
    let (_dir, socket, mut haproxy) = start_haproxy("haproxy");
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

/// web2's status word as HAProxy reports it now.
fn web2_status(client: &HaproxyClient) -> String {
    let (rows, _) = client.show_stat().unwrap();
    rows.iter()
        .find(|r| r.server == "web2")
        .map(|r| r.status.clone())
        .unwrap_or_default()
}

#[test]
#[ignore = "needs haproxy"]
fn drain_through_the_agent() {
    need(&[HAPROXY], "haproxy");
    let (dir, socket, mut haproxy) = start_haproxy("haproxy-ops");
    let client = HaproxyClient::new(&socket, Duration::from_secs(2));
    wait_for("web2 up", Duration::from_secs(15), || {
        haproxy.assert_running();
        match client.show_stat().map(|_| web2_status(&client)) {
            Ok(s) if s == "UP" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    // A long interval: what the agent shows after the operation comes from the fresh
    // round the operation itself asks for.
    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"lb\", collect_every_s: 3600.0, {},\n collectors: [haproxy(socket: {:?})],\n element_map: {{\"be_app/web2\": \"WEB-2\"}})",
            peers::ops_fields(&dir),
            socket.display().to_string()
        ),
    );
    let (mut agent, addr) = peers::start_agent(&config);
    wait_for("agent up", Duration::from_secs(10), || {
        peers::snapshot(&addr)
    });
    let console = Console::new(&addr);
    let before = console.etag();

    // A read token changes nothing.
    let drain = console.cleared(OpKind::Drain, "WEB-2", "drain-web2");
    let sent = console.send(READ, &drain);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(
        sent.reply.as_ref().map(|r| r.outcome.as_str()),
        Some("read_only")
    );
    assert_eq!(web2_status(&client), "UP");

    let sent = console.send(OPERATE, &drain);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    let reply = sent.reply.unwrap();
    assert_eq!(reply.by.as_deref(), Some("ops-team"));
    assert!(
        reply.detail.contains("set server be_app/web2 state drain"),
        "{reply:?}"
    );
    assert_eq!(web2_status(&client), "DRAIN", "HAProxy really drained it");
    let version = reply.version.unwrap();
    assert_ne!(
        version, before,
        "the answer carries the version after the change"
    );
    assert_eq!(console.etag(), version);
    let web2 = peers::snapshot(&addr)
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.id == "WEB-2")
        .unwrap();
    assert_eq!(
        (web2.state, web2.flags[0].as_str()),
        (MemberState::Maintenance, "DRAIN")
    );

    // Someone readies it by hand; a retry of the drain must not drain it again.
    client
        .set_server_state("be_app", "web2", AdminState::Ready)
        .unwrap();
    let again = console.send(OPERATE, &drain);
    assert_eq!(again.outcome, Outcome::Done);
    assert!(again.reply.unwrap().replayed);
    assert_ne!(web2_status(&client), "DRAIN", "the retry did not act again");

    // Back in service through the agent; a target no source reports is not applicable.
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "WEB-2", "ready-web2"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Drain, "WEB-9", "drain-web9"),
    );
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(sent.detail.contains("no source"), "{}", sent.detail);
    agent.assert_running();

    // every answer is audited, the replay as a replay (it did not act again)
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
            (Outcome::Done, false),
            (Outcome::Rejected, false)
        ]
    );
}
