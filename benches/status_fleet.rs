//! Whole-process `redcon status --config` against 100 loopback agents: a generated
//! 2,010-element campus whose elements are spread over 100 agents, served by a real
//! `redcon sim` process. Median of repeated runs; figures in docs/performance.md.
//!
//!     cargo build --release && cargo bench --bench status_fleet -- [agents] [runs]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use redcon::model::synth::{HallShape, campus};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let agents: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/redcon");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = std::env::temp_dir().join(format!("redcon-status-fleet-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut site = campus(10, HallShape::default());
    for (i, e) in site.elements.iter_mut().enumerate() {
        e.agent = Some(format!("gw-{:03}", i % agents));
    }
    let site_path = dir.join("campus.ron");
    let text =
        ron::ser::to_string_pretty(&site, ron::ser::PrettyConfig::default()).unwrap_or_default();
    std::fs::write(&site_path, text).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Command::new(&bin)
        .args(["sim", "--listen", "127.0.0.1:0", "--site"])
        .arg(&site_path)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut entries = Vec::new();
    if let Some(err) = sim.stderr.take() {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            // the daemon logs through tracing: `TIME  INFO agent NAME: URL`
            if let Some((name, url)) = line
                .split_once("agent ")
                .and_then(|(_, l)| l.split_once(": "))
            {
                entries.push(format!(
                    "(name: {name:?}, url: {:?})",
                    url.trim_end_matches("/v1/snapshot")
                ));
            }
            if line.contains("faults: POST") {
                break;
            }
        }
    }
    let cfg = dir.join("config.ron");
    let cfg_text = format!(
        "(sites: [(name: \"campus\", site: {site_path:?}, agents: [{}])])",
        entries.join(",\n")
    );
    std::fs::write(&cfg, cfg_text).unwrap_or_else(|e| panic!("{e}"));
    let mut times = Vec::new();
    let mut code = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let out = Command::new(&bin)
            .args(["status", "--config"])
            .arg(&cfg)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        code = out.status.code();
        if times.len() == 1 {
            println!(
                "{}",
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(160)
                    .collect::<String>()
            );
        }
    }
    let _ = sim.kill();
    let _ = sim.wait();
    times.sort_by(f64::total_cmp);
    println!(
        "agents={} elements={} runs={runs} exit={code:?} median={:.1} ms min={:.1} ms max={:.1} ms",
        entries.len(),
        site.elements.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
