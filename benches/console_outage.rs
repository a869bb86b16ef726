//! The console's CPU around an outage: a 2,010-element campus over 100 simulated agents
//! (a real `redcon sim` process), the release console in a pty at 200x60 polling them at
//! default settings. CPU (user + system, from /proc) of the console and of the simulator in
//! 10 s windows: a minute at rest (its last 20 s in 1 s windows), then every agent down for
//! 12 s, then four minutes after, the first 20 s of them in 1 s windows to see when the
//! return's work ends. The console should be back at its resting level within one poll
//! interval of the agents' return.
//!
//!     cargo build --release && cargo bench --bench console_outage [-- REST_S AFTER_S]
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

use redcon::model::synth::{HallShape, campus};
use support::{config, console, fault, sim};

const WINDOW: Duration = Duration::from_secs(10);

/// The windows right after the agents return: one clock tick (10 ms) is 1 % of a core.
const FINE: Duration = Duration::from_secs(1);

/// How many fine windows follow the return before the 10 s windows go on.
const FINE_WINDOWS: u64 = 20;

/// CPU seconds (user + system) a process has used, from /proc/PID/stat.
fn cpu_s(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // the command name is in parentheses and may hold spaces: count from the last ')'
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rest = Duration::from_secs(args.first().copied().unwrap_or(60));
    let after = Duration::from_secs(args.get(1).copied().unwrap_or(240));
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/redcon");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = std::env::temp_dir().join(format!("redcon-outage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let agents = 100;
    let mut site = campus(10, HallShape::default());
    for (i, e) in site.elements.iter_mut().enumerate() {
        e.agent = Some(format!("gw-{:03}", i % agents));
    }
    let site_path = dir.join("campus.ron");
    std::fs::write(
        &site_path,
        ron::ser::to_string_pretty(&site, ron::ser::PrettyConfig::default()).unwrap(),
    )
    .unwrap();
    let (sim, base, agents_named) = sim(&bin, &["--site".as_ref(), site_path.as_os_str()]);
    assert!(
        agents_named.len() >= agents,
        "the simulator names its agents: {agents_named:?}"
    );
    let names: Vec<String> = agents_named.iter().map(|(n, _)| n.clone()).collect();
    let cfg = config(&dir, "campus", &site_path, &agents_named);
    let (mut console, _screen) = console(&bin, &cfg, &dir);
    let pid = console.process_id().unwrap();
    std::thread::sleep(Duration::from_secs(10));
    println!(
        "{} agents, {} elements; console pid {pid}; windows of {} s, CPU in % of one core",
        names.len(),
        site.elements.len(),
        WINDOW.as_secs()
    );
    let start = Instant::now();
    let window = |label: &str, span: Duration| {
        let (c0, s0) = (cpu_s(pid), cpu_s(sim.0.id()));
        std::thread::sleep(span);
        let (c1, s1) = (cpu_s(pid), cpu_s(sim.0.id()));
        let pct = |a: f64, b: f64| (b - a) / span.as_secs_f64() * 100.0;
        println!(
            "t={:>5.1} s {label:<8} console {:>5.1} %  sim {:>5.1} %",
            start.elapsed().as_secs_f64(),
            pct(c0, c1),
            pct(s0, s1)
        );
        pct(c0, c1)
    };
    let mut resting = Vec::new();
    let fine_span = FINE.as_secs() * FINE_WINDOWS;
    for _ in 0..rest.as_secs().saturating_sub(fine_span) / WINDOW.as_secs() {
        resting.push(window("rest", WINDOW));
    }
    // the same fine windows at rest: what a quiet second looks like, beats and all
    let rest_fine: Vec<f64> = (0..FINE_WINDOWS).map(|_| window("rest", FINE)).collect();
    for n in &names {
        fault(&base, &format!(r#"{{"action": "down", "agent": "{n}"}}"#));
    }
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(12).saturating_sub(t.elapsed()));
    for n in &names {
        fault(&base, &format!(r#"{{"action": "clear", "agent": "{n}"}}"#));
    }
    println!(
        "t={:>4.0} s every agent down for 12 s, then back",
        start.elapsed().as_secs_f64()
    );
    let back = Instant::now();
    let fine: Vec<f64> = (0..FINE_WINDOWS).map(|_| window("return", FINE)).collect();
    let mut after_pcts = Vec::new();
    let left = after.saturating_sub(back.elapsed());
    for _ in 0..left.as_secs() / WINDOW.as_secs() {
        after_pcts.push(window("after", WINDOW));
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let rest_mean = mean(&resting);
    // Settled: from this second on, no 1 s window is above the busiest 1 s window at rest
    // (a lone clock tick is 1 % in a 1 s window).
    let bar = rest_fine.iter().copied().fold(1.0, f64::max);
    let settled = fine.iter().rposition(|&p| p > bar).map_or(0, |i| i + 1);
    let busy = fine.iter().position(|&p| p > bar).map_or(0, |i| i + 1);
    println!(
        "console at rest {rest_mean:.1} %; after the return: first 5 s {:.1} %, seconds 5-20 \
         {:.1} %, the 10 s windows after {:.1} % mean",
        mean(fine.get(..5).unwrap_or(&[])),
        mean(fine.get(5..).unwrap_or(&[])),
        mean(&after_pcts)
    );
    println!(
        "busiest second at rest {bar:.1} %; after the return, busy from second {busy} to \
         second {settled}: back at rest {settled} s after the agents returned"
    );
    let _ = console.kill();
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
}
