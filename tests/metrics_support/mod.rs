//! Shared by tests/metrics.rs: real `redcon sim`, `redcon agent` and `redcon exporter`
//! processes on loopback, and plain HTTP to them.
#![allow(dead_code)]

use super::peers;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use peers::{Daemon, TempDir, http_get, start_agent, wait_for};

/// The value of the one sample `name{...}` whose label text contains every `want`.
pub fn value(text: &str, name: &str, want: &[&str]) -> Option<f64> {
    let hits: Vec<f64> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| want.iter().all(|w| l.contains(w)))
        .map(|l| l.rsplit_once(' ').unwrap().1.parse().unwrap())
        .collect();
    assert!(hits.len() <= 1, "{name} {want:?}: {hits:?}");
    hits.first().copied()
}

/// The full answer to `GET path`: status line and headers, then the body.
pub fn get_raw(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}

pub fn post(addr: &str, path: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    raw
}

/// An agent with the host collector and an mdraid collector whose source is not there.
pub fn agent(dir: &TempDir) -> (Daemon, String) {
    let cfg = dir.write(
        "agent.ron",
        r#"(id: "metrics-gw", collect_every_s: 3600.0, collectors: [host(), mdraid(root: "/no/such/root")])"#,
    );
    let (daemon, addr) = start_agent(&cfg);
    wait_for("agent up", Duration::from_secs(20), || {
        http_get(&addr, "/v1/health").map(|_| ())
    });
    (daemon, addr)
}

/// `redcon sim` on an ephemeral loopback port; returns it and its address.
pub fn sim() -> (Daemon, String) {
    let (daemon, addr, _) = sim_with_agents();
    (daemon, addr)
}

/// `redcon sim`, its address and its agents (name, base URL).
pub fn sim_with_agents() -> (Daemon, String, Vec<(String, String)>) {
    sim_with(&[])
}

/// `redcon sim` with more arguments (`--tokens FILE`), its address and its agents.
pub fn sim_with(args: &[&std::ffi::OsStr]) -> (Daemon, String, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["sim", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let mut base = None;
    let mut agents = Vec::new();
    for line in BufReader::new(err).lines() {
        let line = line.unwrap();
        if let Some((_, rest)) = line.split_once(" at http://") {
            base = Some(rest.trim().to_string());
        }
        // `agent NAME: URL/v1/snapshot`
        if let Some((name, url)) = line
            .split_once("agent ")
            .and_then(|(_, l)| l.split_once(": "))
        {
            agents.push((
                name.to_string(),
                url.trim_end_matches("/v1/snapshot").to_string(),
            ));
        }
        if line.contains("faults: POST") {
            break;
        }
    }
    let daemon = Daemon {
        name: "redcon sim",
        child,
        graceful: false,
    };
    (daemon, base.expect("the sim says where it listens"), agents)
}

/// A console config for the demo site whose agents are at `agents`, polled twice a second.
pub fn config(dir: &TempDir, agents: &[(String, String)]) -> std::path::PathBuf {
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let entries: Vec<String> = agents
        .iter()
        .map(|(n, u)| format!("(name: {n:?}, url: {u:?}, interval_s: 0.5, timeout_s: 1.0)"))
        .collect();
    dir.write(
        "config.ron",
        &format!(
            "(sites: [(name: \"dc1\", site: {site:?}, agents: [{}])])",
            entries.join(",\n")
        ),
    )
}

/// `redcon exporter --config CONFIG` on a free loopback port, once it serves a verdict.
pub fn exporter(config: &std::path::Path, dir: &TempDir) -> (Daemon, String) {
    let port = peers::free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_redcon"));
    cmd.arg("exporter")
        .arg("--config")
        .arg(config)
        .args(["--listen", &addr, "--audit"])
        .arg(dir.path("audit.jsonl"))
        .env_remove("RUST_LOG");
    let daemon = Daemon::start_logged("redcon exporter", &mut cmd, Some(&dir.path("exporter.log")));
    wait_for("exporter's first verdict", Duration::from_secs(20), || {
        let (head, body) = try_get_raw(&addr, "/metrics")?;
        if head.starts_with("HTTP/1.1 200") {
            Ok(body)
        } else {
            Err(head)
        }
    });
    (daemon, addr)
}

pub fn try_get_raw(addr: &str, path: &str) -> Result<(String, String), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).map_err(|e| e.to_string())?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or("no header end")?;
    Ok((head.to_string(), body.to_string()))
}
