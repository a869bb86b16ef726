//! Input that can grow costs time linear in its size. Each case runs at three sizes, each
//! size doubling the last; the figures and the exponent of a least-squares fit of
//! log(time) on log(size) go into docs/performance.md. An exponent near 1 is linear; the
//! quadratic code these cases were written against fitted near 2.
//!
//!     cargo bench --bench linear
//!
//! Criterion is not used: one run of the largest case takes long enough to time on its
//! own, and what matters is the slope, not nanoseconds. Times are the thread's CPU time
//! (user and system), best of three, so other work on the machine does not bend the line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::fmt::Write;
use std::time::Duration;

use redcon::api::decode_snapshot;
use redcon::model::synth::{HallShape, campus};
use redcon::model::{Site, parse_live, parse_site};

/// CPU time of this thread (user and system): what the work costs, whatever else the
/// machine is running.
fn cpu() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_THREAD).map_or(Duration::ZERO, |u| {
        let t = |tv: nix::sys::time::TimeVal| {
            Duration::new(
                u64::try_from(tv.tv_sec()).unwrap_or(0),
                u32::try_from(tv.tv_usec()).unwrap_or(0) * 1_000,
            )
        };
        t(u.user_time()) + t(u.system_time())
    })
}

/// Best of a few runs: the slope is about the work, not about the neighbours' noise. A
/// run repeats `f` for at least 200 ms of CPU, since the kernel counts CPU time in ticks.
fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    (0..runs)
        .map(|_| {
            let t = cpu();
            let mut n = 0u32;
            while cpu().saturating_sub(t) < Duration::from_millis(200) {
                f();
                n += 1;
            }
            cpu().saturating_sub(t) / n.max(1)
        })
        .min()
        .unwrap_or_default()
}

/// Least-squares slope of log(t) against log(n).
fn exponent(points: &[(usize, Duration)]) -> f64 {
    let xs: Vec<f64> = points.iter().map(|(n, _)| (*n as f64).ln()).collect();
    let ys: Vec<f64> = points.iter().map(|(_, t)| t.as_secs_f64().ln()).collect();
    let k = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / k, ys.iter().sum::<f64>() / k);
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    cov / var
}

fn metrics_bomb(names: usize) -> Vec<u8> {
    let mut body = String::from(
        r#"{"schema_version": 1, "agent": {"id": "gw", "version": "1"}, "generated_at": 1, "elements": [{"id": "BOMB", "state": "ok", "observed_at": 1, "metrics": {"#,
    );
    for i in 0..names {
        let _ = write!(body, "\"metric_{i}\": {i},");
    }
    body.push_str("\"last\": 0}}]}");
    body.into_bytes()
}

fn site_text(elements: usize) -> String {
    // a hall is ~200 elements and 100 racks
    let halls = elements.div_ceil(200);
    let site = campus(halls, HallShape::default());
    ron::ser::to_string(&site).unwrap_or_default()
}

fn unknown_ids(ids: usize) -> String {
    let mut text = String::from("(elements: {\n");
    for i in 0..ids {
        let _ = writeln!(text, "\"NOT-IN-SITE-{i}\": failed,");
    }
    text.push_str("})");
    text
}

fn broken_site(errors: usize) -> String {
    let mut text = String::from("(name: \"broken\", loads: [], elements: [\n");
    for i in 0..errors {
        let _ = writeln!(text, "(id: \"U{i}\", kind: ups, capacity: -1),");
    }
    text.push_str("])");
    text
}

fn case(name: &str, unit: &str, sizes: [usize; 3], mut run: impl FnMut(usize) -> Duration) {
    let points: Vec<(usize, Duration)> = sizes.iter().map(|&n| (n, run(n))).collect();
    let figures: Vec<String> = points
        .iter()
        .map(|(n, t)| format!("{n} {unit}: {:.2} ms", t.as_secs_f64() * 1e3))
        .collect();
    println!(
        "| {name} | {} | **{:.2}** |",
        figures.join(", "),
        exponent(&points)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (a filter) is not used here
    let demo: Site = match redcon::demo::site() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    println!("| input | time at three sizes (best of 3) | fitted exponent |");
    println!("| --- | --- | --- |");
    case(
        "decode one element with n metric names",
        "names",
        [25_000, 50_000, 100_000],
        |n| {
            let body = metrics_bomb(n);
            time(3, || {
                let d = decode_snapshot(&body, "gw");
                assert!(d.is_ok_and(|d| d.errors.len() == 1));
            })
        },
    );
    case(
        "load a site of n elements",
        "elements",
        [12_500, 25_000, 50_000],
        |n| {
            let text = site_text(n);
            time(3, || {
                let s = parse_site(&text, "campus.ron");
                assert!(s.is_ok_and(|s| s.elements.len() >= n));
            })
        },
    );
    case(
        "live overlay with n unknown ids",
        "ids",
        [50_000, 100_000, 200_000],
        |n| {
            let text = unknown_ids(n);
            time(3, || {
                assert!(parse_live(&text, "live.ron", &demo).is_err());
            })
        },
    );
    case(
        "site with n content errors",
        "errors",
        [12_500, 25_000, 50_000],
        |n| {
            let text = broken_site(n);
            time(3, || {
                assert!(parse_site(&text, "broken.ron").is_err());
            })
        },
    );
}

// the same allocator as the redcon binary
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
