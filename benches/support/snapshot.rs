//! The ~18 KB snapshot the poller benchmarks use: 90 UPS-like elements with two flags and
//! five metrics each, as one gateway in front of a UPS room would report.

use redcon::api::{AgentInfo, ElementReport, SCHEMA_VERSION, Snapshot};
use redcon::model::ElementState;

pub fn ups_snapshot(agent: &str, observed_at: f64, generated_at: f64) -> Vec<u8> {
    let elements = (0..90)
        .map(|i| ElementReport {
            id: format!("{agent}-UPS-{i:03}").into(),
            state: ElementState::Ok,
            observed_at,
            flags: vec!["OL".into(), "CHRG".into()],
            metrics: [
                ("load_pct", 41.5),
                ("battery_charge_pct", 100.0),
                ("runtime_min", 23.0),
                ("input_voltage", 229.8),
                ("output_voltage", 230.1),
            ]
            .into_iter()
            .collect(),
            position: None,
        })
        .collect();
    let s = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: agent.into(),
            version: "bench".into(),
            hostname: None,
        },
        generated_at,
        elements,
        members: vec![],
        tanks: vec![],
        host: None,
    };
    serde_json::to_vec(&s).unwrap_or_default()
}
