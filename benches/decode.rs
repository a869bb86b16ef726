//! Decoding one ~20 KB agent snapshot (90 UPS-like elements), the poller's per-answer cost
//! beyond HTTP. Figures: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use redcon::api::decode_snapshot;
use redcon::poll::History;

#[path = "support/snapshot.rs"]
mod support;

fn body() -> Vec<u8> {
    support::ups_snapshot("gw", 1_790_000_000.0, 1_790_000_000.0)
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
