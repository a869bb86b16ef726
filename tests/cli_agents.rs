//! The real binaries talking over loopback: `redcon sim` and `redcon agent` as processes,
//! `redcon status --config` polling them. Every child is killed by PID when a test ends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_redcon"))
}

/// A child process that is killed however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `redcon ARGS`, returning it and its stderr lines up to one containing `until`.
fn start(args: &[&str], until: &str) -> (Running, Vec<String>) {
    start_with(args, until, &[])
}

/// `start` with these environment variables; the log settings are otherwise cleared.
fn start_with(args: &[&str], until: &str, env: &[(&str, &str)]) -> (Running, Vec<String>) {
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("JOURNAL_STREAM")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start redcon: {e}"));
    let mut lines = Vec::new();
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            let done = line.contains(until);
            lines.push(line);
            if done {
                break;
            }
        }
    }
    (Running(child), lines)
}

fn status(args: &[&str]) -> (i32, String, Duration) {
    let t0 = Instant::now();
    let out = Command::new(bin())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        t0.elapsed(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("redcon-test-{name}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

/// The demo site served by a real `redcon sim`, and a console config pointing at it.
fn sim_and_config(name: &str, replace: Option<(&str, &str)>) -> (Running, PathBuf) {
    let (sim, lines) = start(&["sim", "--listen", "127.0.0.1:0"], "faults: POST");
    let agents: Vec<(String, String)> = lines
        .iter()
        // after the log line's time and level: `agent NAME: URL/v1/snapshot`
        .filter_map(|l| l.split_once("agent "))
        .filter_map(|(_, l)| l.split_once(": "))
        .map(|(n, u)| {
            (
                n.to_string(),
                u.trim_end_matches("/v1/snapshot").to_string(),
            )
        })
        .collect();
    assert_eq!(agents.len(), 10, "{lines:?}");
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let entries: Vec<String> = agents
        .iter()
        .map(|(n, u)| {
            let url = match replace {
                Some((who, to)) if who == n => to.to_string(),
                _ => u.clone(),
            };
            format!("(name: {n:?}, url: {url:?}, timeout_s: 1.0)")
        })
        .collect();
    let dir = temp_dir(name);
    let cfg = dir.join("config.ron");
    let text = format!(
        "(sites: [(name: \"dc1\", site: {site:?}, agents: [{}])])",
        entries.join(",\n")
    );
    std::fs::write(&cfg, text).unwrap_or_else(|e| panic!("{e}"));
    (sim, cfg)
}

#[test]
fn status_config_polls_a_real_simulator() {
    let (_sim, cfg) = sim_and_config("healthy", None);
    let cfg = cfg.display().to_string();
    let (code, out, _) = status(&["status", "--config", &cfg]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("REDCON WARNING - site dc1 Tier III (design III): UPS-A2 failed"),
        "{out}"
    );
    let (code, json, _) = status(&["status", "--config", &cfg, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(v["stale_agents"], serde_json::json!([]));
    assert_eq!(v["agents"].as_array().map(Vec::len), Some(10));
}

#[test]
fn an_agent_that_does_not_answer_is_named_and_its_items_are_unknown() {
    // gen-gw points at a port nothing listens on
    let (_sim, cfg) = sim_and_config("one-dead", Some(("gen-gw", "http://127.0.0.1:9")));
    let (code, out, _) = status(&["status", "--config", &cfg.display().to_string()]);
    // unknown generators are not failed ones: a range, a WARNING, the agent named
    assert_eq!(code, 1, "generators unknown, not failed: {out}");
    assert!(out.contains("Tier 0–III (design III)"), "{out}");
    assert!(out.contains("of gen-gw (no data, "), "{out}");
    assert!(out.contains("live_tier=U"), "{out}");
    for claim in ["loses supply", "does not reach", "new SPOF"] {
        assert!(!out.contains(claim), "{claim}: {out}");
    }
}

#[test]
fn no_agent_answering_is_unknown() {
    let (sim, cfg) = sim_and_config("none", None);
    drop(sim);
    let (code, out, took) = status(&[
        "status",
        "--config",
        &cfg.display().to_string(),
        "--timeout",
        "2",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.starts_with("REDCON UNKNOWN - site dc1"), "{out}");
    assert!(out.contains("no agent answered"), "{out}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // nothing is known: the figures say so, and nothing claims a load lost its supply
    assert!(out.contains("live_tier=U;"), "{out}");
    assert!(out.contains("serving_now=U;"), "{out}");
    let (code, json, _) = status(&[
        "status",
        "--config",
        &cfg.display().to_string(),
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 3);
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(v["state"], "UNKNOWN");
    assert_eq!(v["live_tier"], serde_json::Value::Null);
    assert_eq!(v["serving_now"], serde_json::Value::Null);
    assert_eq!(
        (v["live_tier_low"].as_u64(), v["live_tier_high"].as_u64()),
        (Some(0), Some(3))
    );
    for claim in [
        "loses supply",
        ") lose supply",
        "does not reach",
        "without supply",
    ] {
        assert!(!v["reasons"].to_string().contains(claim), "{claim}: {json}");
        assert!(
            !v["findings"].to_string().contains(claim),
            "{claim}: {json}"
        );
    }
    for s in v["subsystems"].as_array().unwrap() {
        assert_ne!(s["state"], "critical", "{s}");
    }
}

#[test]
fn a_bad_config_is_unknown_with_its_place() {
    let dir = temp_dir("badcfg");
    let cfg = dir.join("config.ron");
    std::fs::write(
        &cfg,
        "(sites: [(name: \"x\", site: \"x.ron\", agents: [(name: \"a\", url: \"ftp://a\")])])",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = status(&["status", "--config", &cfg.display().to_string()]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("config.ron:1:"), "{out}");
    assert!(out.contains("url must start with http://"), "{out}");
}

#[test]
fn the_agent_binary_serves_its_host_and_stops_on_sigterm() {
    let (mut agent, lines) = start(&["agent", "--listen", "127.0.0.1:0"], "serving http://");
    let last = lines.last().unwrap_or_else(|| panic!("no output"));
    // `2026-01-02T03:04:05.678901Z  INFO redcon agent HOST serving URL`
    let (stamp, rest) = last.split_once(' ').unwrap_or_else(|| panic!("{last}"));
    assert!(
        stamp.len() >= 20
            && stamp.as_bytes()[4] == b'-'
            && stamp.contains('T')
            && stamp.ends_with('Z'),
        "a timestamp first: {last}"
    );
    assert!(
        rest.trim_start().starts_with("INFO "),
        "then the level: {last}"
    );
    let url = last
        .split("serving ")
        .nth(1)
        .map(String::from)
        .unwrap_or_else(|| panic!("{lines:?}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let body = rt.block_on(async {
        let client = redcon::poll::client().unwrap_or_else(|e| panic!("{e}"));
        let r = client
            .get(&url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap_or_else(|e| panic!("{e}"))
    });
    let d = redcon::api::decode_snapshot(&body, "agent").unwrap_or_else(|e| panic!("{e}"));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.snapshot.host.is_some_and(|h| h.memory_total_bytes > 0));
    let pid = agent.0.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let t0 = Instant::now();
    loop {
        if let Ok(Some(s)) = agent.0.try_wait() {
            assert!(s.success(), "graceful shutdown exits 0: {s:?}");
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(3),
            "agent did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn under_journald_the_agent_logs_the_syslog_priority_instead_of_the_time() {
    let (_agent, lines) = start_with(
        &["agent", "--listen", "127.0.0.1:0"],
        "serving http://",
        &[("JOURNAL_STREAM", "8:1234")],
    );
    let last = lines.last().unwrap_or_else(|| panic!("no output"));
    assert!(last.starts_with("<6>INFO redcon agent "), "{last}");
}

#[test]
fn an_agent_that_cannot_start_says_why_with_every_cause() {
    let dir = temp_dir("agent-bad-tls");
    let cfg = dir.join("agent.ron");
    std::fs::write(
        &cfg,
        r#"(id: "gw-1", collectors: [host()], tls: (cert: "/nonexistent/cert.pem", key: "/nonexistent/key.pem"))"#,
    )
    .unwrap();
    let out = Command::new(bin())
        .args(["agent", "--listen", "127.0.0.1:0", "--agent-config"])
        .arg(&cfg)
        .env_remove("RUST_LOG")
        .env_remove("JOURNAL_STREAM")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("ERROR"))
        .unwrap_or_else(|| panic!("{err}"));
    // the agent, then what failed, then why: one line, each cause once
    assert!(
        line.contains("redcon agent: tls cert /nonexistent/cert.pem: "),
        "{line}"
    );
    assert!(line.to_lowercase().contains("no such file"), "{line}");
    assert_eq!(line.matches("No such file").count(), 1, "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}
