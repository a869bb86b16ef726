//! Prometheus as the console's live source, for real: Debian's `prometheus` scrapes a
//! `redcon sim` fleet's agents, and `redcon status` with a config that names that
//! Prometheus must give the verdict `redcon status` gives polling the agents directly, for
//! the demo and two faulted states; when the series vanish (a job nobody scrapes, the
//! fleet stopped) the verdict is unknown, never healthy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod metrics_support;
mod peers;
mod prometheus_support;
mod pty_support;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use metrics_support::{config, post, sim_with_agents};
use peers::{TempDir, wait_for};
use prometheus_support::{PROMETHEUS, WITHIN, agents_job, query, start_prometheus};

/// `redcon status --format json --config CONFIG`: the verdict as JSON.
fn status(config: &std::path::Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["status", "--format", "json", "--timeout", "5", "--config"])
        .arg(config)
        .env_remove("RUST_LOG")
        .env("XDG_STATE_HOME", config.with_file_name("state"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(
        out.status.code(),
        v["exit_code"].as_i64().map(|c| c as i32),
        "exit code and JSON agree"
    );
    v
}

/// The verdict without what says how it was had: `source`, and since when a problem has
/// been there, which only a source with history can say (Prometheus dates a change it has
/// seen; a direct poll cannot).
fn verdict(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("source");
    for p in o["problems"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("since");
    }
    v
}

/// Waits until the Prometheus source gives the direct poll's verdict, and returns both.
fn agree(direct: &std::path::Path, through: &std::path::Path, what: &str) -> (Value, Value) {
    let mut last = (Value::Null, Value::Null);
    let t0 = std::time::Instant::now();
    while t0.elapsed() < WITHIN {
        let d = status(direct);
        let p = status(through);
        assert_eq!(d["source"], "agents");
        assert_eq!(p["source"], "prometheus", "{p:#}");
        if verdict(d.clone()) == verdict(p.clone()) {
            return (d, p);
        }
        last = (d, p);
        std::thread::sleep(Duration::from_millis(500));
    }
    let (d, p) = last;
    assert_eq!(
        verdict(p),
        verdict(d),
        "{what}: the Prometheus verdict (left) is not the direct poll's (right)"
    );
    unreachable!()
}

fn fault(sim: &str, body: &str) {
    let answer = post(sim, "/v1/sim/faults", body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{body}: {answer}");
}

/// A console config for the demo site read from the Prometheus at `prom`, job `job`.
fn prometheus_config(dir: &TempDir, file: &str, prom: &str, job: &str) -> std::path::PathBuf {
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    dir.write(
        file,
        &format!(
            "(sites: [(name: \"dc1\", site: {site:?}, prometheus: (url: \"http://{prom}\", \
             job: {job:?}, timeout_s: 3.0))])"
        ),
    )
}

#[test]
#[ignore = "needs prometheus"]
fn the_prometheus_source_gives_the_direct_verdict_and_unknown_when_the_series_vanish() {
    peers::need(&[PROMETHEUS], "prometheus");
    let dir = TempDir::new("prometheus-source");
    let (mut sim_daemon, sim, agents) = sim_with_agents();
    assert!(agents.len() >= 3, "{agents:?}");
    // targets named by their address and path, not by agent: the source must find each
    // agent by its redcon_agent_info, as with any scrape config
    let job = agents_job("redcon-agents", &sim, &agents, |name| {
        format!("{sim}/agents/{name}")
    });
    let prom = start_prometheus(
        &dir,
        &format!("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{job}"),
        &[],
    );
    let direct = config(&dir, &agents);
    let through = prometheus_config(&dir, "through.ron", &prom.addr, "redcon-agents");
    wait_for("every agent scraped", WITHIN, || {
        let up = query(&prom.addr, r#"up{job="redcon-agents"} == 1"#)?;
        let info = query(&prom.addr, "redcon_agent_info")?;
        if up.len() == agents.len() && info.len() == agents.len() {
            Ok(())
        } else {
            Err(format!(
                "up {} info {} of {}",
                up.len(),
                info.len(),
                agents.len()
            ))
        }
    });

    // the demo as it stands
    let (demo, _) = agree(&direct, &through, "the demo");
    assert_eq!(demo["state"], "WARNING", "{demo:#}");
    assert!(
        demo["unknown_items"].as_array().unwrap().is_empty(),
        "{demo:#}"
    );
    let agents_seen = demo["agents"].as_array().unwrap();
    assert_eq!(agents_seen.len(), agents.len());

    // mains lost on UPS-B1, then UPS-A1 failed as well: each verdict differs from the one
    // before, and the Prometheus source follows
    fault(
        &sim,
        r#"{"action": "on_battery", "target": "UPS-B1", "runtime_min": 9}"#,
    );
    let (battery, _) = agree(&direct, &through, "UPS-B1 on battery");
    assert_ne!(verdict(battery.clone()), verdict(demo.clone()));
    assert!(
        battery["summary"]
            .as_str()
            .unwrap()
            .contains("on battery: UPS-B1 (9 min left)"),
        "{battery:#}"
    );
    fault(&sim, r#"{"action": "fail", "target": "UPS-A1"}"#);
    let (failed, _) = agree(&direct, &through, "UPS-A1 failed too");
    assert_ne!(verdict(failed.clone()), verdict(battery));
    assert_eq!(
        (demo["live_tier"].as_u64(), failed["live_tier"].as_u64()),
        (Some(3), Some(2)),
        "the live tier drops from III to II"
    );

    // a job nobody scrapes: no series at all, every agent never seen, nothing healthy
    let nowhere = prometheus_config(&dir, "nowhere.ron", &prom.addr, "no-such-job");
    let v = status(&nowhere);
    assert_unknown(&v, "no target answers as this agent");

    // the fleet stops: the scrapes fail, Prometheus marks the series stale and `up` 0
    sim_daemon.kill();
    let v = wait_for("the series to vanish", WITHIN, || {
        let v = status(&through);
        if v["state"] == "UNKNOWN" {
            Ok(v)
        } else {
            Err(format!("{}", v["summary"]))
        }
    });
    assert_unknown(&v, "is down (up == 0)");
}

/// Nothing of the site is known, and nothing says it is healthy.
fn assert_unknown(v: &Value, why: &str) {
    assert_eq!(v["state"], "UNKNOWN", "{v:#}");
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["live_tier"], Value::Null, "{v:#}");
    assert_eq!(v["serving_now"], Value::Null, "{v:#}");
    let unknown = v["unknown_items"].as_array().unwrap();
    assert!(unknown.len() > 10, "{v:#}");
    for s in v["subsystems"].as_array().unwrap() {
        assert_ne!(s["state"], "ok", "{s:#}");
    }
    let agents = v["agents"].as_array().unwrap();
    assert!(!agents.is_empty());
    for a in agents {
        assert_ne!(a["freshness"], "fresh", "{a:#}");
        let error = a["error"].as_str().unwrap_or_default();
        assert!(error.contains(why), "{a:#}");
    }
}

#[test]
#[ignore = "needs prometheus"]
fn a_long_running_reader_starts_its_sparklines_with_what_prometheus_kept() {
    use redcon::poll::prometheus::{PromSpec, spawn};
    peers::need(&[PROMETHEUS], "prometheus");
    let dir = TempDir::new("prometheus-history");
    let (_sim_daemon, sim, agents) = sim_with_agents();
    let job = agents_job("redcon-agents", &sim, &agents, str::to_string);
    let prom = start_prometheus(
        &dir,
        &format!("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{job}"),
        &[],
    );
    // UPS-B1 goes on battery after a few scrapes in which it was not
    wait_for("three scrapes of UPS-B1 on mains", WITHIN, || {
        let n = query(
            &prom.addr,
            r#"count_over_time(redcon_element_state{element="UPS-B1",state="ok"}[1m])"#,
        )?;
        match n.as_slice() {
            [(_, c)] if *c >= 3.0 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    let fault_at = redcon::api::unix_now();
    fault(
        &sim,
        r#"{"action": "on_battery", "target": "UPS-B1", "runtime_min": 9}"#,
    );
    // a few scrapes for the range query to find
    wait_for("five scrapes of UPS-A1's load", WITHIN, || {
        let n = query(
            &prom.addr,
            r#"count_over_time(redcon_load_ratio{element="UPS-A1"}[1m])"#,
        )?;
        match n.as_slice() {
            [(_, c)] if *c >= 5.0 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let spec = PromSpec {
            url: format!("http://{}", prom.addr),
            job: "redcon-agents".into(),
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(3),
            agents: agents.iter().map(|(n, u)| (n.clone(), u.clone())).collect(),
            // a short look back: one-second steps, as scraped
            history: Duration::from_secs(120),
        };
        let client = redcon::poll::client().unwrap();
        let (mut views, _handle) = spawn(client, spec, redcon::config::PollPolicy::default());
        let view = tokio::time::timeout(WITHIN, async {
            loop {
                views.changed().await.unwrap();
                let v = views.borrow_and_update().clone();
                if v.agents.iter().all(|a| a.polls > 0) {
                    return v;
                }
            }
        })
        .await
        .expect("a first reading");
        assert_eq!(view.source, redcon::verdict::LiveSource::Prometheus);
        for a in &view.agents {
            assert_eq!(a.freshness, redcon::poll::Freshness::Fresh, "{a:?}");
            assert_eq!(
                a.url,
                agents.iter().find(|(n, _)| *n == a.name).unwrap().1,
                "operations still go to the agent"
            );
        }
        // since when UPS-B1 is on battery, from the history: within a scrape of the fault;
        // UPS-A2, failed since before Prometheus started, is not dated
        let since = |id: &str| view.agents.iter().find_map(|a| a.since.get(id).copied());
        let on_battery = since("UPS-B1").expect("UPS-B1 dated");
        assert!(
            (fault_at - 1.0..=fault_at + 3.0).contains(&on_battery),
            "on battery since {on_battery}, fault at {fault_at}"
        );
        assert_eq!(since("UPS-A2"), None);
        let history = view.history.lock().unwrap();
        let load = history
            .get("UPS-A1", "load_pct")
            .expect("UPS-A1 load history");
        // one reading adds one sample: the rest is the past Prometheus kept
        assert!(load.samples.len() >= 4, "{:?}", load.samples);
        let sim_load = view
            .agents
            .iter()
            .filter_map(|a| a.snapshot.as_deref())
            .flat_map(|s| &s.elements)
            .find(|e| e.id == "UPS-A1")
            .and_then(|e| e.metrics.get("load_pct"))
            .unwrap();
        let last = load.samples.back().unwrap().1;
        assert!(
            (f64::from(last) - sim_load).abs() < 0.01,
            "in percent, as the agent sent it: {last} vs {sim_load}"
        );
    });
}

#[test]
#[ignore = "needs prometheus"]
fn the_console_reads_its_site_from_prometheus() {
    peers::need(&[PROMETHEUS], "prometheus");
    let dir = TempDir::new("prometheus-console");
    let (_sim_daemon, sim, agents) = sim_with_agents();
    let job = agents_job("redcon-agents", &sim, &agents, str::to_string);
    let prom = start_prometheus(
        &dir,
        &format!("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{job}"),
        &[],
    );
    fault(
        &sim,
        r#"{"action": "on_battery", "target": "UPS-B1", "runtime_min": 9}"#,
    );
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let config = format!(
        "(sites: [(name: \"dc1\", site: {site:?}, prometheus: (url: \"http://{}\", \
         interval_s: 1.0, timeout_s: 2.0))])",
        prom.addr
    );
    let c = pty_support::console::Console::start_args(
        "prometheus-console",
        120,
        40,
        &[("redcon/config.ron", config)],
        &[],
    );
    let screen = c.wait_until("the UPS on battery, every agent fresh", |s| {
        let t = s.contents();
        t.contains("UPS-B1 on battery") && t.contains(&format!("{} fresh", agents.len()))
    });
    let line = screen
        .lines()
        .find(|l| l.contains("UPS-B1 on battery"))
        .unwrap();
    assert!(
        line.contains("min left"),
        "the runtime, read back from seconds: {line}"
    );
    assert!(screen.contains("UPS-A2 failed"), "{screen}");
}
