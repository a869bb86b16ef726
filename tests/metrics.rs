//! `/metrics` of a real `redcon agent` and a real `redcon sim` on loopback, scraped over
//! HTTP; the `promtool` tests check that text (and the hostile renderings) the way
//! Prometheus's own linter reads it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod metrics_support;
mod peers;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use metrics_support::*;
use peers::{TempDir, http_get, wait_for};

#[test]
fn a_real_agent_serves_openmetrics_with_its_collectors_health() {
    let dir = TempDir::new("metrics-agent");
    let (_agent, addr) = agent(&dir);
    let (head, text) = get_raw(&addr, "/metrics");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert_eq!(
        value(
            &text,
            "redcon_collector_up",
            &["collector=\"host\"", "slot=\"1\""]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            "redcon_collector_up",
            &["collector=\"mdraid\"", "slot=\"2\""]
        ),
        Some(0.0),
        "a collector whose source is missing is down:\n{text}"
    );
    assert!(value(&text, "redcon_collect_round_duration_seconds", &[]).is_some());
    assert_eq!(
        value(&text, "redcon_agent_info", &["agent=\"metrics-gw\""]),
        Some(1.0)
    );
    let mem = value(&text, "redcon_host_memory_total_bytes", &[]).unwrap();
    assert!(mem > 0.0, "{text}");
    let age = value(&text, "redcon_data_age_seconds", &["host=\"metrics-gw\""]).unwrap();
    assert!((0.0..60.0).contains(&age), "{age}");
}

#[test]
fn the_exporter_serves_the_verdict_and_follows_a_fault() {
    let dir = TempDir::new("metrics-exporter");
    let (_sim, sim_addr, agents) = sim_with_agents();
    assert_eq!(agents.len(), 10, "{agents:?}");
    let (_exporter, addr) = exporter(&config(&dir, &agents), &dir);
    let (head, text) = get_raw(&addr, "/metrics");
    assert!(
        head.to_ascii_lowercase()
            .contains("application/openmetrics-text"),
        "{head}"
    );
    let site = "site=\"dc1\"";
    // the demo as `redcon status` sees it: WARNING, live Tier III as designed
    assert_eq!(
        value(&text, "redcon_site_state", &[site, "state=\"WARNING\""]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&text, "redcon_site_tier", &[site, "basis=\"live\""]),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        value(&text, "redcon_site_tier", &[site, "basis=\"design\""]),
        Some(3.0)
    );
    assert_eq!(
        value(&text, "redcon_agent_up", &[site, "agent=\"ups-gw-a\""]),
        Some(1.0)
    );
    assert_eq!(
        value(
            &text,
            "redcon_agent_freshness",
            &["agent=\"ups-gw-a\"", "state=\"fresh\""]
        ),
        Some(1.0)
    );
    // both PDUs of a row fail: the row loses supply, the power tier drops to 0
    for target in ["PDU-A2", "PDU-B2"] {
        let answer = post(
            &sim_addr,
            "/v1/sim/faults",
            &format!(r#"{{"action": "fail", "target": "{target}"}}"#),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let text = wait_for(
        "the exporter sees the failed PDUs",
        Duration::from_secs(15),
        || {
            // both faults, not only the first: agents push each change as it happens
            let (_, text) = try_get_raw(&addr, "/metrics")?;
            let critical = value(&text, "redcon_site_state", &[site, "state=\"CRITICAL\""]);
            let unserved = value(&text, "redcon_unserved_load", &[site, "load=\"ROW-3\""]);
            match (critical, unserved) {
                (Some(1.0), Some(1.0)) => Ok(text),
                _ => Err(text),
            }
        },
    );
    assert_eq!(
        value(&text, "redcon_unserved_load", &[site, "load=\"ROW-3\""]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            "redcon_subsystem_tier",
            &["subsystem=\"power\"", "basis=\"live\""]
        ),
        Some(0.0),
        "{text}"
    );
    assert!(value(&text, "redcon_site_live_tier_max", &[site]).unwrap() < 3.0);
    // an agent that stops answering is down at once, and its items unknown once dead
    let answer = post(
        &sim_addr,
        "/v1/sim/faults",
        r#"{"action": "down", "agent": "ups-gw-a"}"#,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    wait_for("ups-gw-a down", Duration::from_secs(15), || {
        let (_, text) = try_get_raw(&addr, "/metrics")?;
        match value(&text, "redcon_agent_up", &[site, "agent=\"ups-gw-a\""]) {
            Some(0.0) => Ok(()),
            _ => Err(text),
        }
    });
}

#[test]
fn a_sim_agent_shows_a_ups_on_battery_as_its_one_state() {
    let (_sim, addr) = sim();
    let path = "/agents/ups-gw-a/metrics";
    let state = |text: &str, s: &str| {
        value(
            text,
            "redcon_element_state",
            &["element=\"UPS-A1\"", &format!("state=\"{s}\"")],
        )
    };
    let text = http_get(&addr, path)
        .map(|b| String::from_utf8(b).unwrap())
        .unwrap();
    assert_eq!(state(&text, "ok"), Some(1.0), "{text}");
    assert_eq!(state(&text, "on_battery"), Some(0.0), "{text}");
    let answer = post(
        &addr,
        "/v1/sim/faults",
        r#"{"action": "on_battery", "target": "UPS-A1", "runtime_min": 9}"#,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let text = http_get(&addr, path)
        .map(|b| String::from_utf8(b).unwrap())
        .unwrap();
    assert_eq!(state(&text, "on_battery"), Some(1.0), "{text}");
    assert_eq!(state(&text, "ok"), Some(0.0), "{text}");
    let ones = text
        .lines()
        .filter(|l| l.starts_with("redcon_element_state{element=\"UPS-A1\""))
        .filter(|l| {
            l.rsplit_once(' ')
                .is_some_and(|(_, v)| v.parse() == Ok(1.0))
        })
        .count();
    assert_eq!(ones, 1, "exactly one state is 1:\n{text}");
    assert_eq!(
        value(
            &text,
            "redcon_battery_runtime_seconds",
            &["element=\"UPS-A1\""]
        ),
        Some(540.0),
        "{text}"
    );
    // an agent the site does not have is a 404, not an empty exposition
    let (head, _) = get_raw(&addr, "/agents/no-such-gw/metrics");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
}

/// `promtool check metrics` on `text`: its findings, empty when it is clean.
pub fn promtool_check(text: &str) -> String {
    peers::need(&["/usr/bin/promtool"], "prometheus");
    let mut child = Command::new("/usr/bin/promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        String::new()
    } else {
        said
    }
}

#[test]
#[ignore = "needs promtool"]
fn promtool_passes_the_agents_and_the_sims_metrics() {
    let dir = TempDir::new("metrics-promtool");
    let (_agent, addr) = agent(&dir);
    let text = String::from_utf8(http_get(&addr, "/metrics").unwrap()).unwrap();
    assert_eq!(promtool_check(&text), "", "agent:\n{text}");
    let (_sim, addr, agents) = sim_with_agents();
    for agent in ["ups-gw-a", "epms-gw", "net-gw"] {
        let text = String::from_utf8(http_get(&addr, &format!("/agents/{agent}/metrics")).unwrap())
            .unwrap();
        assert!(text.contains("redcon_element_state{"), "{text}");
        assert_eq!(promtool_check(&text), "", "{agent}:\n{text}");
    }
    let (_exporter, addr) = exporter(&config(&dir, &agents), &dir);
    let (_, text) = get_raw(&addr, "/metrics");
    assert!(text.contains("redcon_site_tier{"), "{text}");
    assert_eq!(promtool_check(&text), "", "exporter:\n{text}");
}

/// Hostile agent text, rendered and read back by Prometheus's own parser.
#[test]
#[ignore = "needs promtool"]
fn promtool_reads_hostile_agent_text_as_label_values() {
    use redcon::api::{AgentInfo, ElementReport, SCHEMA_VERSION, Snapshot};
    use redcon::model::ElementState;
    let evil = "A\"} 1\nredcon_fake 9\n# EOF\n\\x\r\t\u{1b}[2J\u{7}";
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: evil.into(),
            version: "0\n".into(),
            hostname: Some("\\\"".into()),
        },
        generated_at: 1.0,
        elements: vec![ElementReport {
            id: evil.into(),
            state: ElementState::Failed,
            observed_at: 1.0,
            flags: Vec::new(),
            metrics: [(evil, 1.0), ("load_pct", 50.0)].into(),
            position: None,
        }],
        members: Vec::new(),
        tanks: Vec::new(),
        host: None,
    };
    let text = redcon::agent::openmetrics::render(&snapshot, &[], 2.0);
    assert_eq!(promtool_check(&text), "", "{text}");
    // and the parser saw the fake sample as part of a label, not as a metric
    assert!(
        !text.lines().any(|l| l.starts_with("redcon_fake")),
        "{text}"
    );
}

fn promtool(args: &[&str]) -> (bool, String) {
    peers::need(&["/usr/bin/promtool"], "prometheus");
    let out = Command::new("/usr/bin/promtool")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// The shipped rules and scrape config are valid, and each alert fires on the series
/// redcon writes (tests/prometheus/rules.test.yml), companions included.
#[test]
#[ignore = "needs promtool"]
fn promtool_passes_the_shipped_rules_and_their_unit_tests() {
    let (ok, said) = promtool(&["check", "rules", "assets/prometheus/redcon-rules.yml"]);
    assert!(ok && said.contains("15 rules found"), "{said}");
    let (ok, said) = promtool(&["check", "config", "assets/prometheus/prometheus.yml"]);
    assert!(ok, "{said}");
    let (ok, said) = promtool(&["test", "rules", "tests/prometheus/rules.test.yml"]);
    assert!(ok && said.contains("SUCCESS"), "{said}");
}
