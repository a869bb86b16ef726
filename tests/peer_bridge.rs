//! The `bridge` driver against the kernel's own STP: two bridges joined by two links in
//! a network namespace this test makes, so one of br1's ports blocks. A real `redcon
//! agent` runs inside the namespace (`ip netns exec`, which gives it the namespace's
//! sysfs); the test talks to it on the namespace's loopback from a thread that joined
//! the namespace. Draining br1's root port (its link to the root bridge) through the
//! agent makes the blocked port forward, undraining brings the first tree back, and the
//! agent's snapshot shows each step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::collections::BTreeMap;
use std::os::fd::AsFd;
use std::process::Command;
use std::time::Duration;

use peers::{Console, Daemon, Netns, OPERATE, READ, TempDir, need, need_root, wait_for};
use redcon::model::MemberState;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

const IP: &str = "/usr/sbin/ip";
/// forward_delay is 2 s: a port listens and learns for 4 s before it forwards.
const WITHIN: Duration = Duration::from_secs(30);

/// br1's ports as the agent reports them: name -> (state, flags).
type Ports = BTreeMap<String, (MemberState, Vec<String>)>;

fn ports(addr: &str) -> Result<Ports, String> {
    let snap = peers::snapshot(addr)?;
    Ok(snap
        .members
        .into_iter()
        .filter(|m| m.id.starts_with("vb"))
        .map(|m| {
            let flags = m.flags.iter().map(ToString::to_string).collect();
            (m.id.to_string(), (m.state, flags))
        })
        .collect())
}

fn has(p: &Ports, port: &str, flag: &str) -> bool {
    p.get(port)
        .is_some_and(|(_, f)| f.iter().any(|x| x == flag))
}

/// Polls until `want` holds, keeping every distinct view of the ports seen on the way.
fn until(addr: &str, what: &str, seen: &mut Vec<Ports>, want: impl Fn(&Ports) -> bool) {
    wait_for(what, WITHIN, || {
        let p = ports(addr)?;
        if seen.last() != Some(&p) {
            seen.push(p.clone());
        }
        if want(&p) {
            Ok(())
        } else {
            Err(format!("{p:?}"))
        }
    });
}

/// Runs `f` on a thread inside namespace `ns`: its sockets live there.
fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/run/netns/{ns}");
    let handle = std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // moves only this thread, which the test owns and ends
        use rustix::thread::{LinkNameSpaceType, move_into_link_name_space};
        move_into_link_name_space(file.as_fd(), Some(LinkNameSpaceType::Network))
            .unwrap_or_else(|e| panic!("setns {path}: {e}"));
        f()
    });
    handle
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

#[test]
#[ignore = "needs root and iproute2 (network namespaces)"]
fn draining_the_root_link_fails_stp_over_to_the_blocked_port() {
    need(&[IP], "iproute2");
    need_root();
    let ns = Netns::add(format!("rcbr-{}", std::process::id()))
        .unwrap_or_else(|| panic!("cannot create a network namespace"));
    // br0 (priority 4096) is the root; br1 reaches it over vb0 and vb1.
    ns.ip("link add br0 type bridge stp_state 1 forward_delay 200 hello_time 100 priority 4096");
    ns.ip("link add br1 type bridge stp_state 1 forward_delay 200 hello_time 100 priority 32768");
    ns.ip("link add va0 type veth peer name vb0");
    ns.ip("link add va1 type veth peer name vb1");
    for (port, br) in [
        ("va0", "br0"),
        ("va1", "br0"),
        ("vb0", "br1"),
        ("vb1", "br1"),
    ] {
        ns.ip(&format!("link set {port} master {br}"));
    }
    for dev in ["br0", "br1", "va0", "va1", "vb0", "vb1", "lo"] {
        ns.ip(&format!("link set {dev} up"));
    }

    let dir = TempDir::new("bridge");
    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"sw-1\", collect_every_s: 0.5, {},\n collectors: [bridge(bridges: [\"br1\"])])",
            peers::ops_fields(&dir)
        ),
    );
    let addr = "127.0.0.1:7411".to_string();
    let mut cmd = Command::new(IP);
    cmd.args([
        "netns",
        "exec",
        &ns.0,
        env!("CARGO_BIN_EXE_redcon"),
        "agent",
    ])
    .arg("--agent-config")
    .arg(&config)
    .args(["--listen", &addr]);
    let mut agent = Daemon::start_logged("redcon agent", &mut cmd, Some(&dir.path("agent.log")));

    let link_up = {
        let ns = ns.0.clone();
        move |dev: &str| {
            let out = Command::new(IP)
                .args(["-n", &ns, "-o", "link", "show", "dev", dev])
                .output()
                .unwrap_or_else(|e| panic!("ip link show: {e}"));
            String::from_utf8_lossy(&out.stdout).contains(",UP")
        }
    };
    let seen = in_netns(&ns.0.clone(), move || {
        let mut seen = Vec::new();
        until(
            &addr,
            "br1 converged: vb0 root port, vb1 blocking",
            &mut seen,
            |p| {
                has(p, "vb0", "root_port")
                    && has(p, "vb0", "forwarding")
                    && has(p, "vb1", "blocking")
            },
        );
        let console = Console::new(&addr);
        let drain = console.cleared(OpKind::Drain, "vb0", "drain-vb0");
        let sent = console.send(READ, &drain);
        assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
        assert!(link_up("vb0"), "a read token took the link down");

        let mut failover = Vec::new();
        let sent = console.send(OPERATE, &drain);
        assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
        assert!(sent.detail.contains("ip link set dev vb0 down"), "{sent:?}");
        assert!(!link_up("vb0"));
        until(&addr, "vb1 takes over as root port", &mut failover, |p| {
            has(p, "vb0", "disabled") && has(p, "vb1", "root_port") && has(p, "vb1", "forwarding")
        });
        // The blocked port did not jump to forwarding: it listened and learned first,
        // and the agent reported it converging (rebuilding) on the way.
        assert!(
            failover.iter().any(|p| {
                (has(p, "vb1", "listening") || has(p, "vb1", "learning"))
                    && p.get("vb1").is_some_and(|s| s.0 == MemberState::Rebuilding)
            }),
            "{failover:#?}"
        );
        assert!(
            failover
                .iter()
                .all(|p| p.get("vb0").is_some_and(|s| s.0 == MemberState::Failed)),
            "vb0 reported disabled throughout: {failover:#?}"
        );

        let sent = console.send(
            OPERATE,
            &console.cleared(OpKind::Undrain, "vb0", "undrain-vb0"),
        );
        assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
        assert!(link_up("vb0"));
        let mut back = Vec::new();
        until(&addr, "vb0 root port again, vb1 blocking", &mut back, |p| {
            has(p, "vb0", "root_port") && has(p, "vb0", "forwarding") && has(p, "vb1", "blocking")
        });
        [seen, failover, back]
    });
    for (phase, views) in ["converging", "after the drain", "after the undrain"]
        .iter()
        .zip(&seen)
    {
        for p in views {
            let line: Vec<String> = p
                .iter()
                .map(|(port, (state, flags))| format!("{port} {state:?} {}", flags.join(",")))
                .collect();
            eprintln!("{phase}: {}", line.join(" | "));
        }
    }
    agent.assert_running();
    let outcomes: Vec<Outcome> = peers::audit(&dir).iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Unauthorised, Outcome::Done, Outcome::Done]
    );
}
