//! The example files shipped under assets/examples load as they are documented.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::path::Path;

fn example(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_example_agent_config_loads() {
    let cfg = redcon::agent::parse_agent_config(&example("agent.ron"), "agent.ron")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.id, "ups-gw-a");
    assert_eq!(cfg.listen.to_string(), "127.0.0.1:9470");
    assert_eq!(
        cfg.element_map.get("ups1").map(String::as_str),
        Some("UPS-A1")
    );
    assert!(cfg.tokens.is_some() && cfg.audit.is_some());
    assert!(cfg.tls.is_some_and(|t| t.cert.ends_with("agent.crt")));
    let names: Vec<_> = cfg.collectors.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "host",
            "mdraid",
            "bonding",
            "bridge",
            "pacemaker",
            "redfish",
            "nut",
            "haproxy",
            "keepalived"
        ]
    );
    assert!(
        cfg.collectors
            .contains(&redcon::agent::CollectorSpec::Bridge {
                root: None,
                bridges: vec!["br0".into()],
                mstpctl: None,
            })
    );
}

#[test]
fn the_example_console_config_parses() {
    let cfg = redcon::config::Config::parse(&example("config.ron"), "config.ron")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.sites[0].agents.len(), 2);
    assert_eq!(cfg.sites[0].agents[1].interval_s, 5.0, "defaults apply");
    assert_eq!(cfg.poll.dead_after_s, 60.0);
}

#[test]
fn the_systemd_unit_runs_the_agent_with_its_config() {
    let unit = example("redcon-agent.service");
    assert!(
        unit.contains("ExecStart=/usr/local/bin/redcon agent --agent-config /etc/redcon/agent.ron")
    );
    assert!(unit.contains("[Install]"));
}
