//! Event to screen: how long a fault injected in `redcon sim` takes to show on the real
//! console, at default settings (poll interval 5 s, push by held requests), in a pty.
//!
//! Each trial fails UPS-B1 (or repairs it, alternately), then reads the console's screen
//! every millisecond until the Overview's problem list says so. The time counts from just
//! before the fault request is sent. Prints each trial and p50/p90/p99/max.
//!
//! `cargo bench --bench event_latency` (20 trials), or `-- 40` for more.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark that cannot go on should stop loudly"
)]

use std::time::{Duration, Instant};

#[path = "support/console.rs"]
mod support;

use support::{config, console, fault, sim};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let trials: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_redcon"));
    let (_sim, base, agents) = sim(bin, &[]);
    let dir = std::env::temp_dir().join(format!("redcon-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/site.ron");
    let cfg = config(&dir, "dc1", &site, &agents);
    let (mut child, parser) = console(bin, &cfg, &dir);
    let shows = |needle: &str| parser.lock().unwrap().screen().contents().contains(needle);
    let wait = |ok: &dyn Fn() -> bool, what: &str| {
        let t = Instant::now();
        while !ok() {
            assert!(t.elapsed() < Duration::from_secs(30), "never: {what}");
            std::thread::sleep(Duration::from_millis(1));
        }
        t.elapsed()
    };
    wait(&|| shows("UPS-A2"), "the first screen");
    // settle: every agent answered once and the poller holds its requests
    std::thread::sleep(Duration::from_secs(3));
    let failed = "UPS-B1 failed";
    let mut took = Vec::new();
    for i in 0..trials {
        let fail = i % 2 == 0;
        let body = format!(
            r#"{{"action": "{}", "target": "UPS-B1"}}"#,
            if fail { "fail" } else { "repair" }
        );
        let t = Instant::now();
        fault(&base, &body);
        if fail {
            wait(&|| shows(failed), "UPS-B1 failed on screen");
        } else {
            wait(&|| !shows(failed), "UPS-B1 repaired on screen");
        }
        let d = t.elapsed();
        println!(
            "trial {i:>2} {:<6} {:>7.1} ms",
            if fail { "fail" } else { "repair" },
            d.as_secs_f64() * 1e3
        );
        took.push(d);
        // a quiet gap, so each trial starts from a console at rest
        std::thread::sleep(Duration::from_millis(700));
    }
    let _ = child.kill();
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "event to screen, {trials} trials: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&took, 0.5)),
        ms(percentile(&took, 0.9)),
        ms(percentile(&took, 0.99)),
        ms(took[took.len() - 1])
    );
    let _ = std::fs::remove_dir_all(&dir);
}
