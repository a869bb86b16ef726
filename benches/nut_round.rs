//! One `nut` collector round against a real upsd serving N UPSs (dummy-ups, as in
//! tests/peer_nut_devices.rs): pipelined `LIST VAR` (what the collector does) against one
//! request at a time (what it did before), on loopback.
//!
//!     cargo bench --bench nut_round -- [ups] [rounds]
//!
//! Needs the Debian packages nut-server and nut-client. Figures: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

#[path = "../tests/peers/mod.rs"]
mod peers;

use std::time::{Duration, Instant};

use peers::nut::{DRIVER, UPSD, start_upsd};
use redcon::agent::collectors::nut::{NutClient, NutCollector};
use redcon::agent::collectors::{Collected, Collector};
use redcon::model::ElementState;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    if !std::path::Path::new(DRIVER).exists() || !std::path::Path::new(UPSD).exists() {
        eprintln!("nut_round: needs {DRIVER} and {UPSD} (Debian nut-server, nut-client)");
        return;
    }
    let devices: Vec<(String, String)> = (0..n)
        .map(|i| {
            let dev = include_str!("../tests/fixtures/nut/ups3ph.dev").replace(
                "output.L2.power.percent: 41",
                &format!("output.L2.power.percent: {}", i % 90),
            );
            (format!("ups{i:03}"), dev)
        })
        .collect();
    let nut = start_upsd("nut-bench", &devices);
    let mut c = match NutCollector::new(&nut.server, &[], 3.0) {
        Ok(c) => c,
        Err(e) => return eprintln!("nut_round: {e}"),
    };
    let t0 = Instant::now();
    loop {
        let mut out = Collected::default();
        let ok = c.collect(&mut out).is_ok()
            && out
                .elements
                .iter()
                .filter(|e| e.state == ElementState::Ok)
                .count()
                == n;
        if ok {
            break;
        }
        if t0.elapsed() > Duration::from_secs(60) {
            return eprintln!("nut_round: upsd did not serve {n} UPSs within 60 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut pipelined = Vec::new();
    for _ in 0..rounds {
        let mut out = Collected::default();
        let t = Instant::now();
        let _ = c.collect(&mut out);
        pipelined.push(t.elapsed());
    }
    let names: Vec<String> = devices.iter().map(|(n, _)| n.clone()).collect();
    let mut one_by_one = Vec::new();
    for _ in 0..rounds.min(3) {
        let t = Instant::now();
        if let Ok(mut client) = NutClient::connect(&nut.server, Duration::from_secs(3)) {
            for ups in &names {
                let _ = client.list_vars(ups);
            }
        }
        one_by_one.push(t.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "nut_round: {n} UPSs on one upsd, {} variables each: pipelined round median {:?} (min {:?}, {rounds} rounds); one request at a time {:?}",
        devices[0].1.lines().count(),
        median(&mut pipelined),
        pipelined[0],
        median(&mut one_by_one),
    );
}
