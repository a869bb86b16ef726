//! Design + live classification with the full SPOF scan: (a) the embedded demo site,
//! (b) a generated campus of 2,000 elements and 1,000 dual-corded racks.
//! Figures and the machine they were taken on: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use redcon::classify::classify;
use redcon::model::synth::{HallShape, campus};
use redcon::model::{ElementState, LiveState};

fn demo(c: &mut Criterion) {
    let (site, live) =
        match redcon::demo::site().and_then(|s| redcon::demo::live(&s).map(|l| (s, l))) {
            Ok(x) => x,
            Err(e) => panic!("embedded demo site does not load: {e}"),
        };
    c.bench_function("classify demo site (design + live + SPOF)", |b| {
        b.iter(|| std::hint::black_box(classify(&site, &live)))
    });
}

fn large(c: &mut Criterion) {
    let site = campus(10, HallShape::default());
    // a degraded hour: a UPS module failed in two halls, a CRAH in maintenance in one
    let mut live = LiveState::default();
    live.elements
        .insert("H1-UPS-A2".into(), ElementState::Failed);
    live.elements
        .insert("H4-UPS-B1".into(), ElementState::Failed);
    live.elements
        .insert("H7-CRAH-03".into(), ElementState::Maintenance);
    let mut group = c.benchmark_group("large");
    group.sample_size(20);
    group.bench_function("classify 2,000 elements / 1,000 dual-corded loads", |b| {
        b.iter(|| std::hint::black_box(classify(&site, &live)))
    });
    // the same campus with one generator yard for all halls: one power component of
    // ~1,800 elements, so the per-component decomposition no longer helps power
    let mut shared = site.clone();
    let yard: Vec<String> = (1..=3).map(|i| format!("H1-G{i}")).collect();
    let total: f64 = shared
        .loads
        .iter()
        .filter(|l| l.id.contains("RACK"))
        .map(|l| l.demand)
        .sum();
    for e in &mut shared.elements {
        if yard.contains(&e.id) {
            e.capacity = Some(total / 2.0);
        } else if e.kind == redcon::model::Kind::Switchgear {
            e.inputs = yard.clone();
        }
    }
    shared
        .elements
        .retain(|e| e.kind != redcon::model::Kind::Generator || yard.contains(&e.id));
    group.bench_function("classify 2,000 elements, one shared generator yard", |b| {
        b.iter(|| std::hint::black_box(classify(&shared, &live)))
    });
    group.finish();
}

criterion_group!(benches, demo, large);
criterion_main!(benches);
