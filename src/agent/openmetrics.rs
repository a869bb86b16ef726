//! An agent's `/metrics`: its snapshot and its last collection round as OpenMetrics text.

use super::collectors::CollectorRun;
use crate::api::{Metrics, Snapshot};
use crate::model::{ElementState, MemberState};
use crate::openmetrics::figures::KNOWN;
use crate::openmetrics::{Base, Gauges, Labels, Sheet, flag, one_hot, set};

/// The agent's `/metrics` text: `snapshot` as it is published, `runs` the collectors of
/// the round that made it, ages as of `now` (unix seconds).
pub fn render(snapshot: &Snapshot, runs: &[CollectorRun], now: f64) -> String {
    let mut sheet = Sheet::default();
    let info = sheet.gauges(
        "redcon_agent_info",
        "The agent that answers: its id and redcon version",
        None,
    );
    let a = &snapshot.agent;
    set(
        &info,
        vec![
            ("agent", a.id.clone()),
            ("version", a.version.clone()),
            ("hostname", a.hostname.clone().unwrap_or_default()),
        ],
        1.0,
    );
    let age = sheet.gauges(
        "redcon_snapshot_age",
        "Age of the published snapshot",
        Some(Base::Seconds),
    );
    set(&age, Vec::new(), now - snapshot.generated_at);
    collectors(&mut sheet, runs);

    let element_state = sheet.gauges(
        "redcon_element_state",
        "Facility element state, one series per state: the one it is in is 1",
        None,
    );
    let member_state = sheet.gauges(
        "redcon_member_state",
        "IT-group member state, one series per state: the one it is in is 1",
        None,
    );
    let tank_state = sheet.gauges(
        "redcon_tank_state",
        "Fuel or makeup-water store state, one series per state: the one it is in is 1",
        None,
    );
    let data_age = sheet.gauges(
        "redcon_data_age",
        "Time since the source last confirmed this item",
        Some(Base::Seconds),
    );
    let tank_runtime = sheet.gauges(
        "redcon_tank_runtime",
        "Operation at N the store has left, when its level is measured",
        Some(Base::Seconds),
    );
    let rebuild = sheet.gauges(
        "redcon_rebuild_progress",
        "Progress of a member being rebuilt",
        Some(Base::Ratio),
    );
    let remaining = sheet.gauges(
        "redcon_rebuild_remaining",
        "Time a member's rebuild still needs, when its source estimates it",
        Some(Base::Seconds),
    );
    let position = sheet.gauges(
        "redcon_transfer_position",
        "The input a transfer switch or valve carries the load from now: 1 on that input",
        None,
    );
    let flags = sheet.gauges(
        "redcon_item_flag",
        "A source status word the item carries now (NUT's OB, keepalived's BACKUP), as sent: 1",
        None,
    );
    let known: Vec<Gauges> = KNOWN
        .iter()
        .map(|&(_, name, unit, _, help)| sheet.gauges(name, help, Some(unit)))
        .collect();
    let other = sheet.gauges(
        "redcon_item_metric",
        "A figure the agent reports under a name with no documented meaning (label metric), as sent",
        None,
    );
    let numbers = |key: &'static str, id: &str, m: &Metrics| {
        for (name, v) in m.iter() {
            let labels = vec![(key, id.to_string())];
            match KNOWN.iter().position(|(wire, ..)| *wire == name.as_str()) {
                Some(i) => {
                    if let (Some(g), Some(k)) = (known.get(i), KNOWN.get(i)) {
                        set(g, labels, k.3.apply(v));
                    }
                }
                None => {
                    let mut labels = labels;
                    labels.push(("metric", name.to_string()));
                    set(&other, labels, v);
                }
            }
        }
    };
    for e in &snapshot.elements {
        let labels = vec![("element", e.id.to_string())];
        one_hot::<ElementState>(&element_state, &labels, e.state);
        set(&data_age, labels, now - e.observed_at);
        if let Some(p) = &e.position {
            set(
                &position,
                vec![("element", e.id.to_string()), ("input", p.to_string())],
                1.0,
            );
        }
        for f in &e.flags {
            set(
                &flags,
                vec![("element", e.id.to_string()), ("flag", f.to_string())],
                1.0,
            );
        }
        numbers("element", &e.id, &e.metrics);
    }
    for m in &snapshot.members {
        let labels = vec![("member", m.id.to_string())];
        one_hot::<MemberState>(&member_state, &labels, m.state);
        set(&data_age, labels.clone(), now - m.observed_at);
        if let Some(r) = &m.rebuild {
            set(&rebuild, labels.clone(), r.progress);
            if let Some(eta) = r.eta_min.filter(|e| e.is_finite()) {
                set(&remaining, labels, eta * 60.0);
            }
        }
        for f in &m.flags {
            set(
                &flags,
                vec![("member", m.id.to_string()), ("flag", f.to_string())],
                1.0,
            );
        }
        numbers("member", &m.id, &m.metrics);
    }
    for t in &snapshot.tanks {
        let labels = vec![("tank", t.id.clone())];
        one_hot::<ElementState>(&tank_state, &labels, t.state);
        set(&data_age, labels.clone(), now - t.observed_at);
        if let Some(h) = t.hours.filter(|h| h.is_finite()) {
            set(&tank_runtime, labels, h * 3600.0);
        }
    }
    host(&mut sheet, snapshot, &data_age, now);
    sheet.text()
}

fn collectors(sheet: &mut Sheet, runs: &[CollectorRun]) {
    let up = sheet.gauges(
        "redcon_collector_up",
        "1 when the collector reported in the last round, 0 when it failed (its items are then missing)",
        None,
    );
    let took = sheet.gauges(
        "redcon_collector_duration",
        "Time the collector took in the last round",
        Some(Base::Seconds),
    );
    let round = sheet.gauges(
        "redcon_collect_round_duration",
        "Time the last collection round took, all collectors",
        Some(Base::Seconds),
    );
    for r in runs {
        // the slot as the agent's errors count it: the collector's place in the config
        let labels: Labels = vec![
            ("collector", r.owner.kind.to_string()),
            ("slot", (r.owner.slot + 1).to_string()),
        ];
        set(&up, labels.clone(), flag(r.ok));
        set(&took, labels, r.seconds);
    }
    set(&round, Vec::new(), runs.iter().map(|r| r.seconds).sum());
}

fn host(sheet: &mut Sheet, snapshot: &Snapshot, data_age: &Gauges, now: f64) {
    let Some(h) = &snapshot.host else { return };
    let g = |sheet: &mut Sheet, name, help, unit| sheet.gauges(name, help, unit);
    let cpu = g(
        sheet,
        "redcon_host_cpu",
        "Whole-machine CPU use",
        Some(Base::Ratio),
    );
    let used = g(
        sheet,
        "redcon_host_memory_used",
        "Memory in use",
        Some(Base::Bytes),
    );
    let total = g(
        sheet,
        "redcon_host_memory_total",
        "Memory installed",
        Some(Base::Bytes),
    );
    let uptime = g(
        sheet,
        "redcon_host_uptime",
        "Time since boot",
        Some(Base::Seconds),
    );
    let disk_total = g(
        sheet,
        "redcon_host_disk_total",
        "Size of the mounted file system",
        Some(Base::Bytes),
    );
    let disk_free = g(
        sheet,
        "redcon_host_disk_available",
        "Space left on the mounted file system",
        Some(Base::Bytes),
    );
    let temp = g(
        sheet,
        "redcon_host_temperature",
        "Temperature sensor reading",
        Some(Base::Celsius),
    );
    set(&cpu, Vec::new(), h.cpu_pct / 100.0);
    set(&used, Vec::new(), h.memory_used_bytes as f64);
    set(&total, Vec::new(), h.memory_total_bytes as f64);
    set(&uptime, Vec::new(), h.uptime_s as f64);
    for d in &h.disks {
        set(
            &disk_total,
            vec![("mount", d.mount.clone())],
            d.total_bytes as f64,
        );
        set(
            &disk_free,
            vec![("mount", d.mount.clone())],
            d.available_bytes as f64,
        );
    }
    for t in &h.temperatures {
        set(&temp, vec![("sensor", t.label.clone())], t.celsius);
    }
    set(
        data_age,
        vec![("host", snapshot.agent.id.clone())],
        now - h.observed_at,
    );
}

#[cfg(test)]
#[path = "openmetrics_tests.rs"]
mod tests;
