//! The first screen at 3 a.m.: the real console in a pseudo-terminal against a real
//! `redcon sim` with faults injected, at 80x24 and 200x60. It must say the site is on
//! generators with fuel hours, name the UPS on battery with its minutes, and show the new
//! VRRP master after a failover carried out through the simulator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

mod metrics_support;
mod peers;
mod pty_support;

use std::ffi::OsStr;
use std::process::Command;

use metrics_support::{config, post, sim_with};
use peers::TempDir;
use pty_support::console::Console;

#[test]
fn a_utility_outage_leads_the_first_screen_and_a_failover_shows_the_new_master() {
    let dir = TempDir::new("now-pty");
    let tokens = dir.write("tokens", "operate operate-secret-0123456789 carol\n");
    let (_sim, base, agents) = sim_with(&[OsStr::new("--tokens"), tokens.as_os_str()]);
    for fault in [
        r#"{"action":"fail","target":"UTIL-1"}"#,
        r#"{"action":"on_battery","target":"UPS-B1","runtime_min":9}"#,
    ] {
        let reply = post(&base, "/v1/sim/faults", fault);
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    }
    let cfg = config(&dir, &agents);
    let text = std::fs::read_to_string(&cfg).unwrap();
    for (cols, rows) in [(80, 24), (200, 60)] {
        let mut c = Console::start_args(
            &format!("now-{cols}"),
            cols,
            rows,
            &[("redcon/config.ron", text.clone())],
            &[],
        );
        let screen = c.wait_until("the outage on the first screen", |s| {
            let t = s.contents();
            t.contains("on generators G-1 G-2 G-3, fuel 20.5 h") && t.contains("UPS-B1 on battery")
        });
        // no operate token in the environment: the console says it can only look
        assert!(screen.contains("READ-ONLY"), "{screen}");
        let line = screen
            .lines()
            .find(|l| l.contains("UPS-B1 on battery"))
            .unwrap();
        assert!(line.contains("min left"), "{line}");
        assert!(line.contains('✗'), "a UPS on battery is critical: {line}");
        assert!(
            screen.contains("CRITICAL") || screen.contains("WARNING"),
            "{screen}"
        );
        if rows >= 60 {
            c.wait_for("master lb-1");
            let op = dir.write("op-token", "operate-secret-0123456789\n");
            let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
                .args([
                    "failover", "vrrp-51", "--to", "lb-2", "--reason", "test", "--yes",
                ])
                .arg("--config")
                .arg(&cfg)
                .arg("--token-file")
                .arg(&op)
                .arg("--audit")
                .arg(dir.path("audit.jsonl"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let after = c.wait_for("master lb-2");
            assert!(!after.contains("master lb-1"), "{after}");
        }
        c.keys(b"q");
        assert!(c.exit().success());
    }
}

#[test]
fn an_acknowledgement_survives_a_restart_and_is_in_the_audit_log() {
    let mut c = Console::start("ack", 100, 30);
    c.wait_for("UPS-A2 failed");
    // the first problem is selected: acknowledge it with a note
    c.keys(b"a");
    c.wait_for(":ack UPS-A2");
    c.keys(b"vendor called\r");
    c.wait_for("ack ");
    let screen = c.wait_for("vendor called");
    assert!(screen.contains("1 acknowledged"), "{screen}");
    c.keys(b"q");
    assert!(c.exit().success());
    let home = c.home.clone();
    let state = std::fs::read_to_string(home.join(".local/state/redcon/acks.json")).unwrap();
    assert!(
        state.contains("\"UPS-A2\"") && state.contains("vendor called"),
        "{state}"
    );
    let audit = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .arg("audit")
        .env("HOME", &home)
        .env_remove("XDG_STATE_HOME")
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&audit.stdout);
    assert!(
        listed.contains("ack UPS-A2 failed") && listed.contains("vendor called"),
        "{listed}"
    );
    // a new console on the same state: the acknowledgement is still there
    // (the first console's drop would remove the HOME: it goes first)
    std::mem::forget(c);
    let c2 = Console::start_in(&home, 100, 30);
    let screen = c2.wait_for("vendor called");
    assert!(screen.contains("UPS-A2 failed"), "{screen}");
}

#[test]
fn members_are_reached_from_the_console_standby_a_drive_and_a_slave() {
    // one console each: `:goto`, the verb, and the plan it opens
    for (n, id, key, expect) in [
        (1, "db1", b"t", "pgsql moves from db1 to db2"),
        (2, "db1-sdb", b"d", "drain db1-sdb"),
        (3, "db1-ens1f1", b"d", "drain db1-ens1f1"),
    ] {
        let mut c = Console::start(&format!("members-{n}"), 80, 24);
        c.wait_for("UPS-A2 failed");
        c.keys(format!(":goto {id}\r").as_bytes());
        c.wait_for(&format!(" {id} · Esc closes"));
        c.keys(key);
        let plan = c.wait_for(expect);
        assert!(plan.contains("reason:"), "{plan}");
    }
}
