//! One `snmp` collector round over 200 devices on one agent: Debian's snmpsimd serving
//! the Liebert PEX thermal unit's recording (the excerpt of snmpsim-data in
//! tests/fixtures/snmp) under 200 community names, one per device, on loopback, read with
//! the `liebert-gp-environmental` profile. Reports the round's wall time and the agent
//! side's CPU time per round (this process's user + system time, getrusage).
//!
//!     cargo bench --bench snmp_fleet -- [devices] [rounds]
//!
//! Needs the Debian package snmpsim. Figures: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

#[path = "../tests/peers/mod.rs"]
mod peers;

use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use peers::{Daemon, TempDir};
use redcon::agent::collectors::{Collected, build};
use redcon::agent::config::parse_agent_config;
use redcon::model::ElementState;

const SNMPSIMD: &str = "/usr/bin/snmpsimd";

/// This process's CPU time so far, user and system.
fn cpu() -> Duration {
    let u = getrusage(UsageWho::RUSAGE_SELF).unwrap();
    let d = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(u64::try_from(t.tv_sec()).unwrap())
            + Duration::from_micros(u64::try_from(t.tv_usec()).unwrap())
    };
    d(u.user_time()) + d(u.system_time())
}

fn free_udp_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap().port()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    if !std::path::Path::new(SNMPSIMD).exists() {
        return eprintln!("snmp_fleet: needs {SNMPSIMD} (Debian snmpsim)");
    }
    let dir = TempDir::new("snmp-fleet");
    let data = dir.path("data");
    std::fs::create_dir_all(&data).unwrap();
    let recording = include_str!("../tests/fixtures/snmp/liebert-pex.snmprec");
    let mut devices = String::new();
    for i in 0..n {
        std::fs::write(data.join(format!("dev{i:03}.snmprec")), recording).unwrap();
        let community = dir.write(&format!("dev{i:03}.community"), &format!("dev{i:03}\n"));
        devices.push_str(&format!(
            "(element: \"CRAH-{i:03}\", address: \"127.0.0.1:{{port}}\", profile: \"liebert-gp-environmental\", community_file: {:?}),\n",
            community.display().to_string()
        ));
    }
    // snmpsimd drops to nobody and keeps its index there.
    std::fs::create_dir_all(dir.path("cache")).unwrap();
    let _ = Command::new("chown")
        .args(["nobody:nogroup"])
        .arg(dir.path("cache"))
        .status();
    let port = free_udp_port();
    let mut cmd = Command::new(SNMPSIMD);
    cmd.arg(format!("--data-dir={}", data.display()))
        .arg(format!("--agent-udpv4-endpoint=127.0.0.1:{port}"))
        .args(["--process-user=nobody", "--process-group=nogroup"])
        .arg(format!("--cache-dir={}", dir.path("cache").display()));
    let _snmpsimd = Daemon::start_logged("snmpsimd", &mut cmd, Some(&dir.path("snmpsimd.log")));
    let config = format!(
        "(id: \"bench\", collectors: [snmp(timeout_s: 3.0, retries: 1, devices: [\n{}])])",
        devices.replace("{port}", &port.to_string())
    );
    let config = parse_agent_config(&config, "bench.ron").unwrap();
    let mut collectors = build(&config.collectors).unwrap();
    let c = &mut collectors[0];
    // snmpsimd indexes the recordings at its first requests: wait until all answer
    let t0 = Instant::now();
    loop {
        let mut out = Collected::default();
        let _ = c.collect(&mut out);
        let ok = out
            .elements
            .iter()
            .filter(|e| e.state != ElementState::Unknown)
            .count();
        if ok == n {
            break;
        }
        if t0.elapsed() > Duration::from_secs(120) {
            return eprintln!("snmp_fleet: only {ok} of {n} devices answered within 120 s");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let mut wall = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..rounds {
        let mut out = Collected::default();
        let (t, c0) = (Instant::now(), cpu());
        let r = c.collect(&mut out);
        cpus.push(cpu() - c0);
        wall.push(t.elapsed());
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(out.elements.len(), n);
    }
    wall.sort();
    cpus.sort();
    println!(
        "snmp_fleet: {n} devices (liebert-gp-environmental) on one snmpsimd: round median {:?} (min {:?}, max {:?}); agent CPU per round median {:?} (max {:?}), {rounds} rounds",
        wall[rounds / 2],
        wall[0],
        wall[rounds - 1],
        cpus[rounds / 2],
        cpus[rounds - 1],
    );
}
