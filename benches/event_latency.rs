//! Event to screen: how long a fault injected in `redcon sim` takes to show on the real
//! console, at default settings (poll interval 5 s, push by held requests), in a pty.
//!
//! Each trial fails UPS-B1 (or repairs it, alternately), then reads the console's screen
//! every millisecond until the Overview's problem list says so. The time counts from just
//! before the fault request is sent. Prints each trial and p50/p90/p99/max.
//!
//! `cargo bench --bench event_latency` (20 trials), or `-- 40` for more.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sim() -> (Killed, String, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["sim", "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let (mut base, mut agents) = (None, Vec::new());
    for line in BufReader::new(err).lines() {
        let line = line.unwrap();
        if let Some((_, rest)) = line.split_once(" at http://") {
            base = Some(rest.trim().to_string());
        }
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
    (Killed(child), base.unwrap(), agents)
}

fn post(addr: &str, body: &str) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /v1/sim/faults HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let trials: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let (_sim, base, agents) = sim();
    let dir = std::env::temp_dir().join(format!("redcon-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    // default poll settings: no interval or timeout given
    let entries: Vec<String> = agents
        .iter()
        .map(|(n, u)| format!("(name: {n:?}, url: {u:?})"))
        .collect();
    let cfg = dir.join("config.ron");
    std::fs::write(
        &cfg,
        format!(
            "(sites: [(name: \"dc1\", site: {site:?}, agents: [{}])])",
            entries.join(",\n")
        ),
    )
    .unwrap();

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_redcon"));
    cmd.args(["--config", cfg.to_str().unwrap()]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", &dir);
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    let nz = |n| std::num::NonZeroU16::new(n).unwrap();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(60), nz(200), 0)));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let p = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let shows = |needle: &str| parser.lock().unwrap().screen().contents().contains(needle);
    let wait = |ok: &dyn Fn() -> bool, what: &str| {
        let t = Instant::now();
        while !ok() {
            assert!(t.elapsed() < Duration::from_secs(30), "never: {what}");
            std::thread::sleep(Duration::from_millis(1));
        }
        t.elapsed()
    };
    wait(&|| shows("UPS-A2"), "the first screen");
    // settle: every agent answered once and the poller holds its requests
    std::thread::sleep(Duration::from_secs(3));
    let failed = "UPS-B1 failed";
    let mut took = Vec::new();
    for i in 0..trials {
        let fail = i % 2 == 0;
        let body = format!(
            r#"{{"action": "{}", "target": "UPS-B1"}}"#,
            if fail { "fail" } else { "repair" }
        );
        let t = Instant::now();
        post(&base, &body);
        if fail {
            wait(&|| shows(failed), "UPS-B1 failed on screen");
        } else {
            wait(&|| !shows(failed), "UPS-B1 repaired on screen");
        }
        let d = t.elapsed();
        println!(
            "trial {i:>2} {:<6} {:>7.1} ms",
            if fail { "fail" } else { "repair" },
            d.as_secs_f64() * 1e3
        );
        took.push(d);
        // a quiet gap, so each trial starts from a console at rest
        std::thread::sleep(Duration::from_millis(700));
    }
    let _ = child.kill();
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "event to screen, {trials} trials: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&took, 0.5)),
        ms(percentile(&took, 0.9)),
        ms(percentile(&took, 0.99)),
        ms(took[took.len() - 1])
    );
    let _ = std::fs::remove_dir_all(&dir);
}
