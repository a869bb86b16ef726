use strum::VariantArray;

use super::render;
use crate::agent::collectors::{CollectorRun, Owner};
use crate::api::{
    AgentInfo, ElementReport, HostReport, MemberReport, SCHEMA_VERSION, Snapshot, TankReport,
};
use crate::model::{ElementState, MemberState, Rebuild};
use crate::openmetrics::check::{samples, value};

const NOW: f64 = 1_790_000_100.0;

fn element(id: &str, state: ElementState, metrics: &[(&str, f64)]) -> ElementReport {
    ElementReport {
        id: id.into(),
        state,
        observed_at: NOW - 4.0,
        flags: Vec::new(),
        metrics: metrics.iter().map(|&(k, v)| (k, v)).collect(),
        position: None,
    }
}

fn snapshot(elements: Vec<ElementReport>) -> Snapshot {
    Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "ups-gw-a".into(),
            version: "0.1.0".into(),
            hostname: Some("gw1".into()),
        },
        generated_at: NOW - 1.5,
        elements,
        members: vec![MemberReport {
            id: "db1-sdc".into(),
            state: MemberState::Rebuilding,
            observed_at: NOW - 10.0,
            rebuild: Some(Rebuild {
                progress: 0.25,
                eta_min: None,
            }),
            flags: Vec::new(),
            metrics: [("speed_gbps", 10.0)].into(),
        }],
        tanks: vec![TankReport {
            id: "FUEL-1".into(),
            state: ElementState::Ok,
            hours: Some(48.0),
            observed_at: NOW - 60.0,
        }],
        host: None,
    }
}

fn runs() -> Vec<CollectorRun> {
    vec![
        CollectorRun {
            owner: Owner {
                slot: 0,
                kind: "nut",
            },
            ok: true,
            seconds: 0.25,
        },
        CollectorRun {
            owner: Owner {
                slot: 1,
                kind: "nut",
            },
            ok: false,
            seconds: 0.5,
        },
    ]
}

#[test]
fn every_state_is_a_series_and_exactly_the_current_one_is_1() {
    let s = snapshot(vec![
        element("UPS-A1", ElementState::OnBattery, &[]),
        element("UPS-A2", ElementState::Unknown, &[]),
    ]);
    let text = render(&s, &runs(), NOW);
    for (id, current) in [
        ("UPS-A1", ElementState::OnBattery),
        ("UPS-A2", ElementState::Unknown),
    ] {
        for &state in ElementState::VARIANTS {
            let v = value(
                &text,
                "redcon_element_state",
                &[("element", id), ("state", state.name())],
            );
            let want = if state == current { 1.0 } else { 0.0 };
            assert_eq!(v, Some(want), "{id} {state:?}\n{text}");
        }
    }
    for &state in MemberState::VARIANTS {
        let v = value(
            &text,
            "redcon_member_state",
            &[("member", "db1-sdc"), ("state", state.name())],
        );
        assert_eq!(
            v,
            Some(if state == MemberState::Rebuilding {
                1.0
            } else {
                0.0
            })
        );
    }
    assert_eq!(
        value(
            &text,
            "redcon_tank_state",
            &[("tank", "FUEL-1"), ("state", "ok")]
        ),
        Some(1.0)
    );
    // unknown is a state of its own, never folded into failed or ok
    assert_eq!(
        value(
            &text,
            "redcon_element_state",
            &[("element", "UPS-A2"), ("state", "failed")]
        ),
        Some(0.0)
    );
}

#[test]
fn documented_figures_are_gauges_in_base_units() {
    let s = snapshot(vec![element(
        "UPS-A1",
        ElementState::Ok,
        &[
            ("load_pct", 41.0),
            ("battery_charge_pct", 100.0),
            ("runtime_min", 38.0),
            ("capacity_kw", 120.0),
            ("supply_temp_c", 18.5),
        ],
    )]);
    let text = render(&s, &runs(), NOW);
    let el = [("element", "UPS-A1")];
    assert_eq!(value(&text, "redcon_load_ratio", &el), Some(0.41));
    assert_eq!(value(&text, "redcon_battery_charge_ratio", &el), Some(1.0));
    assert_eq!(
        value(&text, "redcon_battery_runtime_seconds", &el),
        Some(2280.0)
    );
    assert_eq!(value(&text, "redcon_capacity_watts", &el), Some(120_000.0));
    assert_eq!(
        value(&text, "redcon_supply_temperature_celsius", &el),
        Some(18.5)
    );
    assert!(
        text.contains("# UNIT redcon_battery_runtime_seconds seconds"),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            "redcon_link_speed_bytes_per_second",
            &[("member", "db1-sdc")]
        ),
        Some(1.25e9)
    );
    assert_eq!(
        value(
            &text,
            "redcon_rebuild_progress_ratio",
            &[("member", "db1-sdc")]
        ),
        Some(0.25)
    );
    assert_eq!(
        value(&text, "redcon_tank_runtime_seconds", &[("tank", "FUEL-1")]),
        Some(172_800.0)
    );
}

#[test]
fn ages_health_and_round_duration() {
    let text = render(
        &snapshot(vec![element("UPS-A1", ElementState::Ok, &[])]),
        &runs(),
        NOW,
    );
    assert_eq!(
        value(&text, "redcon_data_age_seconds", &[("element", "UPS-A1")]),
        Some(4.0)
    );
    assert_eq!(
        value(&text, "redcon_data_age_seconds", &[("member", "db1-sdc")]),
        Some(10.0)
    );
    assert_eq!(
        value(&text, "redcon_data_age_seconds", &[("tank", "FUEL-1")]),
        Some(60.0)
    );
    assert_eq!(value(&text, "redcon_snapshot_age_seconds", &[]), Some(1.5));
    let nut = |slot| [("collector", "nut"), ("slot", slot)];
    assert_eq!(value(&text, "redcon_collector_up", &nut("1")), Some(1.0));
    assert_eq!(value(&text, "redcon_collector_up", &nut("2")), Some(0.0));
    assert_eq!(
        value(&text, "redcon_collector_duration_seconds", &nut("2")),
        Some(0.5)
    );
    assert_eq!(
        value(&text, "redcon_collect_round_duration_seconds", &[]),
        Some(0.75)
    );
    assert_eq!(
        value(
            &text,
            "redcon_agent_info",
            &[("agent", "ups-gw-a"), ("version", "0.1.0")]
        ),
        Some(1.0)
    );
}

#[test]
fn the_host_collector_is_rendered() {
    let mut s = snapshot(Vec::new());
    s.host = Some(HostReport {
        observed_at: NOW - 2.0,
        cpu_pct: 12.5,
        memory_used_bytes: 1024,
        memory_total_bytes: 4096,
        uptime_s: 300,
        disks: vec![crate::api::DiskReport {
            mount: "/".into(),
            total_bytes: 10,
            available_bytes: 4,
        }],
        temperatures: Vec::new(),
    });
    let text = render(&s, &[], NOW);
    assert_eq!(value(&text, "redcon_host_cpu_ratio", &[]), Some(0.125));
    assert_eq!(
        value(&text, "redcon_host_disk_available_bytes", &[("mount", "/")]),
        Some(4.0)
    );
    assert_eq!(
        value(&text, "redcon_data_age_seconds", &[("host", "ups-gw-a")]),
        Some(2.0)
    );
}

/// Agent text lands only in label values, escaped; it never makes a name or a line.
#[test]
fn hostile_agent_text_is_escaped_and_never_a_name() {
    let evil_id = "A\"} 1\nredcon_fake 9\n# EOF\n\\x\r\t\u{1b}[2J\u{7}";
    let evil_metric = "load_pct\"} 7\n";
    let mut s = snapshot(vec![element(
        evil_id,
        ElementState::Failed,
        &[(evil_metric, 3.0)],
    )]);
    s.agent.id = "gw\"\n".into();
    s.agent.hostname = Some("\\".into());
    s.tanks[0].id = "t\n# TYPE x counter".into();
    let text = render(&s, &runs(), NOW);
    // one EOF, at the end; every other line a comment or a well-formed sample
    assert_eq!(text.lines().filter(|l| *l == "# EOF").count(), 1, "{text}");
    let all = samples(&text);
    assert!(!all.iter().any(|(n, ..)| n == "redcon_fake"), "{text}");
    let escaped = "A\\\"} 1\\nredcon_fake 9\\n# EOF\\n\\\\x\r\t\u{1b}[2J\u{7}";
    assert!(
        text.contains(&format!(
            "redcon_element_state{{element=\"{escaped}\",state=\"failed\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "redcon_item_metric{{element=\"{escaped}\",metric=\"load_pct\\\"}} 7\\n\"}} 3"
        )),
        "{text}"
    );
    assert!(text.contains("agent=\"gw\\\"\\n\""), "{text}");
    assert!(text.contains("hostname=\"\\\\\""), "{text}");
    // no TYPE line beyond those for redcon's own families
    for line in text.lines().filter(|l| l.starts_with("# TYPE")) {
        assert!(line.starts_with("# TYPE redcon_"), "{line}");
        assert!(
            line.ends_with(" gauge") || line.ends_with(" unknown"),
            "{line}"
        );
    }
}

#[test]
fn positions_rebuild_estimates_and_flags_are_series_a_reader_can_rebuild_from() {
    let mut ats = element("ATS-1", ElementState::Ok, &[]);
    ats.position = Some("UTIL-2".into());
    let mut ups = element("UPS-A1", ElementState::OnBattery, &[]);
    ups.flags = vec!["OB".into(), "LB".into()];
    let mut s = snapshot(vec![ats, ups]);
    s.members[0].rebuild = Some(Rebuild {
        progress: 0.5,
        eta_min: Some(12.5),
    });
    s.members[0].flags = vec!["BACKUP".into()];
    let text = render(&s, &runs(), NOW);
    let at = |name: &str, want: &[(&str, &str)]| value(&text, name, want);
    assert_eq!(
        at(
            "redcon_transfer_position",
            &[("element", "ATS-1"), ("input", "UTIL-2")]
        ),
        Some(1.0)
    );
    assert_eq!(
        at("redcon_transfer_position", &[("element", "UPS-A1")]),
        None,
        "no position: no series"
    );
    assert_eq!(
        at("redcon_rebuild_remaining_seconds", &[("member", "db1-sdc")]),
        Some(750.0)
    );
    for (key, id, flag) in [
        ("element", "UPS-A1", "OB"),
        ("element", "UPS-A1", "LB"),
        ("member", "db1-sdc", "BACKUP"),
    ] {
        assert_eq!(
            at("redcon_item_flag", &[(key, id), ("flag", flag)]),
            Some(1.0),
            "{id} {flag}"
        );
    }
}
