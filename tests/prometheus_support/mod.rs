//! Shared by the Prometheus tests: Debian's `prometheus` on a loopback port with a
//! temporary data dir, and plain HTTP to its API.
#![allow(dead_code)]

use super::peers;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use peers::{Daemon, TempDir, free_port};

pub const PROMETHEUS: &str = "/usr/bin/prometheus";

/// A series' or an alert's labels.
pub type Labels = BTreeMap<String, String>;

/// Long enough for a scrape, an evaluation and a notification, several times over.
pub const WITHIN: Duration = Duration::from_secs(30);

/// A process on a loopback port; stopped when dropped.
pub struct Peer {
    pub daemon: Daemon,
    pub addr: String,
}

/// Prometheus with `config` (its `prometheus.yml`, rule files beside it in `dir`).
/// `extra` are more command-line flags.
pub fn start_prometheus(dir: &TempDir, config: &str, extra: &[&str]) -> Peer {
    let config = dir.write("prometheus.yml", config);
    let addr = format!("127.0.0.1:{}", free_port());
    let mut cmd = Command::new(PROMETHEUS);
    cmd.arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path("tsdb").display()
        ))
        .arg(format!("--web.listen-address={addr}"))
        .args(extra);
    let daemon = Daemon::start_logged("prometheus", &mut cmd, Some(&dir.path("prometheus.log")));
    ready(&addr, "prometheus", dir, "prometheus.log");
    Peer { daemon, addr }
}

/// One scrape job of every agent of a `redcon sim`: each agent its own target under its
/// own path, `instance` as `instance(name)` says.
pub fn agents_job(
    job: &str,
    sim: &str,
    agents: &[(String, String)],
    instance: impl Fn(&str) -> String,
) -> String {
    let targets: String = agents
        .iter()
        .map(|(name, _)| {
            format!(
                "      - targets: [\"{sim}\"]\n        labels: {{__metrics_path__: \
                 \"/agents/{name}/metrics\", instance: \"{}\"}}\n",
                instance(name)
            )
        })
        .collect();
    format!("  - job_name: {job}\n    static_configs:\n{targets}")
}

/// Waits for `/-/ready`; panics with the peer's log when it does not come up.
pub fn ready(addr: &str, name: &str, dir: &TempDir, log: &str) {
    let t0 = std::time::Instant::now();
    while t0.elapsed() < WITHIN {
        if get(addr, "/-/ready").is_ok_and(|(status, _)| status == 200) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let said = std::fs::read_to_string(dir.path(log)).unwrap_or_default();
    panic!("{name} not ready at {addr}:\n{said}");
}

/// Status and body of `GET path`, in HTTP/1.0 so the body is never chunked.
pub fn get(addr: &str, path: &str) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).map_err(|e| e.to_string())?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or("no header end")?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status: {head}"))?;
    Ok((status, body.to_string()))
}

pub fn get_json(addr: &str, path: &str) -> Result<serde_json::Value, String> {
    match get(addr, path)? {
        (200, body) => serde_json::from_str(&body).map_err(|e| format!("{e}: {body}")),
        (status, body) => Err(format!("{status}: {body}")),
    }
}

/// An instant query: each series' labels and value.
pub fn query(prom: &str, q: &str) -> Result<Vec<(Labels, f64)>, String> {
    let answer = get_json(prom, &format!("/api/v1/query?query={}", encode(q)))?;
    let result = answer["data"]["result"]
        .as_array()
        .ok_or_else(|| format!("no result: {answer}"))?;
    Ok(result
        .iter()
        .map(|r| {
            let labels = serde_json::from_value(r["metric"].clone()).unwrap();
            let value = r["value"][1].as_str().unwrap().parse().unwrap();
            (labels, value)
        })
        .collect())
}

/// Percent-encoding for a query string value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
