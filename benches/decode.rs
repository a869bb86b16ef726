//! Decoding one ~20 KB agent snapshot (90 UPS-like elements), the poller's per-answer cost
//! beyond HTTP. Figures: docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use redcon::api::{AgentInfo, ElementReport, SCHEMA_VERSION, Snapshot, decode_snapshot};
use redcon::model::ElementState;
use redcon::poll::History;

fn body() -> Vec<u8> {
    let elements = (0..90)
        .map(|i| ElementReport {
            id: format!("UPS-{i:03}"),
            state: ElementState::Ok,
            observed_at: 1_790_000_000.0 + f64::from(i),
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
        })
        .collect();
    let s = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "gw".into(),
            version: "bench".into(),
            hostname: None,
        },
        generated_at: 1_790_000_000.0,
        elements,
        members: vec![],
        tanks: vec![],
        host: None,
    };
    serde_json::to_vec(&s).unwrap_or_default()
}

fn decode(c: &mut Criterion) {
    let b = body();
    c.bench_function(&format!("decode {} byte snapshot", b.len()), |bench| {
        bench.iter(|| std::hint::black_box(decode_snapshot(&b, "gw")))
    });
    let snap = match decode_snapshot(&b, "gw") {
        Ok(d) => d.snapshot,
        Err(e) => panic!("{e}"),
    };
    let mut h = History::new(120, 50_000);
    let mut t = 0.0;
    c.bench_function("history: record one snapshot (450 series)", |bench| {
        bench.iter(|| {
            t += 1.0;
            let mut s = snap.clone();
            s.elements.iter_mut().for_each(|e| e.observed_at += t);
            h.record(&s);
        })
    });
}

criterion_group!(benches, decode);
criterion_main!(benches);

// the same allocator as the redcon binary
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
