//! The operators' stack, for real: Debian's `prometheus` scrapes a `redcon sim` fleet's
//! agents and a `redcon exporter`, evaluates the shipped rules and sends to Debian's
//! `prometheus-alertmanager`; faults injected in the simulator must arrive in
//! Alertmanager as the right alerts, and a dead exporter must page instead of letting
//! its alerts resolve.
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

use std::process::Command;
use std::time::Duration;

use metrics_support::{config, exporter, post, sim_with_agents};
use peers::{Daemon, TempDir, free_port, wait_for};
use prometheus_support::{
    Labels, PROMETHEUS, Peer, WITHIN, agents_job, encode, get_json, query, ready, start_prometheus,
};

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

#[test]
#[ignore = "needs prometheus and prometheus-alertmanager"]
fn faults_in_the_sim_reach_alertmanager_and_a_dead_exporter_pages() {
    peers::need(
        &[PROMETHEUS, ALERTMANAGER],
        "prometheus prometheus-alertmanager",
    );
    let dir = TempDir::new("prometheus-e2e");
    let (_sim, sim, agents) = sim_with_agents();
    let (mut exporter, exporter_addr) = exporter(&config(&dir, &agents), &dir);
    let am = alertmanager(&dir);
    let prom = prometheus(&dir, &am.addr, &exporter_addr, &sim, &agents);

    // Prometheus has the demo as it is: live Tier III as designed, UPS-B1 on mains
    wait_for("the first scrapes", WITHIN, || {
        let tier = query(&prom.addr, r#"redcon_site_tier{basis="live"}"#)?;
        let ups = query(
            &prom.addr,
            r#"redcon_element_state{element="UPS-B1",state="ok",instance="ups-gw-b"}"#,
        )?;
        match (tier.as_slice(), ups.as_slice()) {
            ([(_, 3.0)], [(_, 1.0)]) => Ok(()),
            _ => Err(format!("tier {tier:?}, UPS-B1 ok {ups:?}")),
        }
    });
    // two evaluations on that data: nothing of what follows is firing yet
    std::thread::sleep(Duration::from_millis(2500));
    let before = alert_names(&am.addr).unwrap();
    for name in [
        "RedconUpsOnBattery",
        "RedconTierBelowDesign",
        "RedconExporterDown",
        "RedconSiteTierAbsent",
    ] {
        assert!(!before.contains(&name.to_string()), "{name}: {before:?}");
    }

    // mains lost on the B side's UPS-B1: the agent's state set pages
    fault(
        &sim,
        r#"{"action": "on_battery", "target": "UPS-B1", "runtime_min": 9}"#,
    );
    let on_battery = wait_for("RedconUpsOnBattery in Alertmanager", WITHIN, || {
        let found = alerts(&am.addr, "RedconUpsOnBattery")?;
        if found.is_empty() {
            Err(format!("{:?}", alert_names(&am.addr)))
        } else {
            Ok(found)
        }
    });
    assert_eq!(
        on_battery.len(),
        1,
        "only UPS-B1 is on battery: {on_battery:?}"
    );
    let labels = &on_battery[0];
    for (k, v) in [
        ("element", "UPS-B1"),
        ("instance", "ups-gw-b"),
        ("job", "redcon-agents"),
        ("severity", "page"),
        ("state", "on_battery"),
    ] {
        assert_eq!(labels.get(k).map(String::as_str), Some(v), "{labels:?}");
    }

    // UPS-A1 fails with UPS-A2 already failed: the A side cannot be maintained, live
    // Tier II against a Tier III design (redcon status says the same)
    fault(&sim, r#"{"action": "fail", "target": "UPS-A1"}"#);
    let tier = wait_for("RedconTierBelowDesign in Alertmanager", WITHIN, || {
        let found = alerts(&am.addr, "RedconTierBelowDesign")?;
        found
            .into_iter()
            .next()
            .ok_or_else(|| format!("{:?}", alert_names(&am.addr)))
    });
    assert_eq!(
        tier.get("site").map(String::as_str),
        Some("dc1"),
        "{tier:?}"
    );
    assert_eq!(tier.get("severity").map(String::as_str), Some("page"));
    let max = query(&prom.addr, "redcon_site_live_tier_max").unwrap();
    assert!(matches!(max.as_slice(), [(_, 2.0)]), "{max:?}");
    let spofs = alerts(&am.addr, "RedconNewSpof").unwrap();
    assert!(
        spofs
            .iter()
            .any(|a| a.get("element").map(String::as_str) == Some("MSWG-B")),
        "{spofs:?}"
    );

    // the exporter dies: its series go stale and the tier alert resolves by itself; the
    // companions must page in its place
    exporter.kill();
    let names = wait_for(
        "RedconExporterDown and RedconSiteTierAbsent",
        WITHIN,
        || {
            let names = alert_names(&am.addr)?;
            let has = |n: &str| names.iter().any(|a| a == n);
            if has("RedconExporterDown") && has("RedconSiteTierAbsent") {
                Ok(names)
            } else {
                Err(format!("{names:?}"))
            }
        },
    );
    let down = alerts(&am.addr, "RedconExporterDown").unwrap();
    assert_eq!(
        down[0].get("instance").map(String::as_str),
        Some(exporter_addr.as_str()),
        "{down:?}"
    );
    // what it replaces: the tier alert is gone from Prometheus, though nothing was repaired
    wait_for("the tier alert resolved", WITHIN, || {
        let firing = query(&prom.addr, r#"ALERTS{alertname="RedconTierBelowDesign"}"#)?;
        let sent = alerts(&am.addr, "RedconTierBelowDesign")?;
        if firing.is_empty() && sent.is_empty() {
            Ok(())
        } else {
            Err(format!("Prometheus {firing:?}, Alertmanager {sent:?}"))
        }
    });
    // the agents are still scraped: UPS-B1 still pages on its own
    assert!(names.iter().any(|n| n == "RedconUpsOnBattery"), "{names:?}");
}

fn alertmanager(dir: &TempDir) -> Peer {
    // every alert goes to a receiver that sends nothing: the test reads the API
    let config = dir.write(
        "alertmanager.yml",
        "route:\n  receiver: nowhere\n  group_wait: 1s\n  group_interval: 1s\n  \
         repeat_interval: 1h\nreceivers:\n  - name: nowhere\n",
    );
    let addr = format!("127.0.0.1:{}", free_port());
    let mut cmd = Command::new(ALERTMANAGER);
    cmd.arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", dir.path("am-data").display()))
        .arg(format!("--web.listen-address={addr}"))
        // no gossip port on 0.0.0.0: a single instance
        .arg("--cluster.listen-address=");
    let daemon = Daemon::start_logged(
        "prometheus-alertmanager",
        &mut cmd,
        Some(&dir.path("alertmanager.log")),
    );
    ready(&addr, "alertmanager", dir, "alertmanager.log");
    Peer { daemon, addr }
}

fn prometheus(
    dir: &TempDir,
    am: &str,
    exporter: &str,
    sim: &str,
    agents: &[(String, String)],
) -> Peer {
    dir.write("redcon-rules.yml", &fast_rules());
    // one job for every agent, as the rules expect; each agent of the simulator is its
    // own target under its own path, named by its agent
    let agents = agents_job("redcon-agents", sim, agents, str::to_string);
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files: [redcon-rules.yml]\n\
         alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"{am}\"]\n\
         scrape_configs:\n  - job_name: redcon-exporter\n    static_configs:\n      \
         - targets: [\"{exporter}\"]\n{agents}"
    );
    // a firing alert is sent again each second, not each minute
    start_prometheus(dir, &config, &["--rules.alert.resend-delay=1s"])
}

/// The shipped rules with every `for:` in seconds instead of minutes (2m becomes 2s),
/// so the test sees in seconds what an operator sees in minutes; expressions unchanged.
fn fast_rules() -> String {
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/prometheus/redcon-rules.yml"
    ))
    .unwrap();
    let mut changed = 0;
    let fast: Vec<String> = shipped
        .lines()
        .map(|line| match line.trim_start().strip_prefix("for: ") {
            Some(d) if d.ends_with('m') => {
                changed += 1;
                format!(
                    "{}for: {}s",
                    &line[..line.len() - line.trim_start().len()],
                    &d[..d.len() - 1]
                )
            }
            _ => line.to_string(),
        })
        .collect();
    assert!(
        changed >= 10,
        "the rules have their `for:` in minutes: {changed}"
    );
    fast.join("\n") + "\n"
}

fn fault(sim: &str, body: &str) {
    let answer = post(sim, "/v1/sim/faults", body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{body}: {answer}");
}

/// The active alerts in Alertmanager named `name`, by their labels.
fn alerts(am: &str, name: &str) -> Result<Vec<Labels>, String> {
    let path = format!(
        "/api/v2/alerts?active=true&filter={}",
        encode(&format!("alertname=\"{name}\""))
    );
    let list = get_json(am, &path)?;
    let list = list
        .as_array()
        .ok_or_else(|| format!("not a list: {list}"))?;
    Ok(list
        .iter()
        .map(|a| serde_json::from_value(a["labels"].clone()).unwrap())
        .collect())
}

/// The names of the active alerts in Alertmanager, sorted.
fn alert_names(am: &str) -> Result<Vec<String>, String> {
    let list = get_json(am, "/api/v2/alerts?active=true")?;
    let mut names: Vec<String> = list
        .as_array()
        .ok_or_else(|| format!("not a list: {list}"))?
        .iter()
        .filter_map(|a| a["labels"]["alertname"].as_str().map(String::from))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}
