//! How the console's derived views grow with the site: each poll derives the dependents of
//! every element, the event log's changes, the Findings rows and the elements' parts, and a
//! site switch the Topology rows. Generated campuses of 10, 25, 50 and 100 halls (about
//! 2,000 to 20,000 elements) time each, and a least-squares fit of log(time) on log(size)
//! gives its exponent: 1 is linear, 2 quadratic. Figures: docs/performance.md.
//!
//!     cargo bench --bench derived -- [HALLS ...]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use redcon::api::{AgentInfo, MemberReport, Metrics, SCHEMA_VERSION, Snapshot};
use redcon::model::synth::{HallShape, campus, shared_yard};
use redcon::model::{ElementState, Kind, LiveState, MemberState, Site};
use redcon::poll::{AgentSpec, AgentStatus, Freshness, latest_parts};
use redcon::tui::Observation;
use redcon::tui::{items, log, observe, topology};

/// Agents a campus's halls are shared out to (hall `h` to agent `h % AGENTS`).
const AGENTS: usize = 10;

/// Median of `runs` timed calls (after one untimed): the middle is neither the lucky run
/// nor the one a neighbour on the machine disturbed.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// Least-squares slope of log(time) against log(size).
fn exponent(points: &[(usize, f64)]) -> f64 {
    let xs: Vec<f64> = points.iter().map(|(n, _)| (*n as f64).ln()).collect();
    let ys: Vec<f64> = points.iter().map(|(_, t)| t.max(1e-9).ln()).collect();
    let k = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / k, ys.iter().sum::<f64>() / k);
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    cov / var
}

fn hall_agent(id: &str) -> String {
    // ids are `H<hall>-...`
    let hall: usize = id
        .trim_start_matches('H')
        .split('-')
        .next()
        .and_then(|h| h.parse().ok())
        .unwrap_or(0);
    format!("gw-{}", hall % AGENTS)
}

/// Every element ok, and each owned by its hall's agent.
fn owned_campus(halls: usize) -> (Site, LiveState) {
    let mut site = campus(halls, HallShape::default());
    for e in &mut site.elements {
        e.agent = Some(hall_agent(&e.id));
    }
    let mut live = LiveState::default();
    for e in &site.elements {
        live.elements.insert(e.id.clone(), ElementState::Ok);
    }
    (site, live)
}

fn observation(site: &Site, live: &LiveState, dead: Option<&str>) -> Observation {
    let mut o = Observation::of_file(site, live, SystemTime::UNIX_EPOCH);
    o.agent_freshness = (0..AGENTS)
        .map(|a| {
            let name = format!("gw-{a}");
            let f = if dead == Some(name.as_str()) {
                Freshness::Dead
            } else {
                Freshness::Fresh
            };
            (name, f)
        })
        .collect();
    o
}

/// One agent answering for four outlets of every PDU.
fn pdu_agent(site: &Site) -> AgentStatus {
    let mut a = AgentStatus::new(&AgentSpec {
        name: "pdu-gw".into(),
        url: "http://127.0.0.1:1".into(),
        interval: std::time::Duration::from_secs(5),
        timeout: std::time::Duration::from_secs(5),
    });
    a.freshness = Freshness::Fresh;
    let members = site
        .elements
        .iter()
        .filter(|e| e.kind == Kind::Pdu)
        .flat_map(|e| (1..=4).map(move |k| format!("{}/outlet.{k}", e.id)))
        .map(|id| MemberReport {
            id: id.into(),
            state: MemberState::Ok,
            observed_at: 1.0,
            rebuild: None,
            flags: vec!["on".into()],
            metrics: Metrics::new(),
        })
        .collect();
    a.snapshot = Some(Arc::new(Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "pdu-gw".into(),
            version: "0".into(),
            hostname: None,
        },
        generated_at: 1.0,
        elements: Vec::new(),
        members,
        tanks: Vec::new(),
        host: None,
    }));
    a
}

struct Case {
    name: &'static str,
    points: Vec<(usize, f64)>,
}

fn main() {
    let mut halls: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if halls.is_empty() {
        halls = vec![10, 25, 50, 100];
    }
    let mut cases: Vec<Case> = [
        "dependents, campus",
        "dependents, shared yard",
        "topology rows, campus",
        "topology rows, shared yard",
        "log changes, 3 items",
        "log changes, one agent of 10 out",
        "findings rows, 3 items",
        "findings rows, one agent of 10 out",
        "parts, 4 outlets per PDU",
    ]
    .into_iter()
    .map(|name| Case {
        name,
        points: Vec::new(),
    })
    .collect();
    for h in halls {
        let (site, live) = owned_campus(h);
        let yard = shared_yard(h, HallShape::default());
        let n = site.elements.len();
        let runs = if n > 8_000 { 3 } else { 5 };
        let m = yard.elements.len();
        let mut at = |i: usize, n: usize, t: f64| cases[i].points.push((n, t));

        at(0, n, median(runs, || drop(observe::dependents(&site))));
        at(1, m, median(runs, || drop(observe::dependents(&yard))));
        at(2, n, median(runs, || drop(topology::build(&site))));
        at(3, m, median(runs, || drop(topology::build(&yard))));

        // a UPS module fails in one hall, a CRAH goes into maintenance in another, one
        // PDU comes back from maintenance
        let old = {
            let mut l = live.clone();
            l.elements
                .insert("H2-PDU-A03".into(), ElementState::Maintenance);
            observation(&site, &l, None)
        };
        let mut few = live.clone();
        few.elements
            .insert("H1-UPS-A2".into(), ElementState::Failed);
        few.elements
            .insert(format!("H{h}-CRAH-03"), ElementState::Maintenance);
        let few = observation(&site, &few, None);
        assert!(log::changes(Some(&old), &few).len() >= 3);
        at(4, n, median(runs, || drop(log::changes(Some(&old), &few))));

        // gw-1 stops answering: a tenth of the elements go unknown, one line for the agent
        let mut out = live.clone();
        for e in &site.elements {
            if e.agent.as_deref() == Some("gw-1") {
                out.elements.insert(e.id.clone(), ElementState::Unknown);
            }
        }
        let out = observation(&site, &out, Some("gw-1"));
        at(5, n, median(runs, || drop(log::changes(Some(&old), &out))));

        let c = &few.verdict.classification;
        at(6, n, median(runs, || drop(items::items(c))));
        let c = &out.verdict.classification;
        at(7, n, median(runs, || drop(items::items(c))));

        // the elements of a plain campus name no agent, so the PDU agent speaks for them
        let plain = campus(h, HallShape::default());
        let agents = [pdu_agent(&plain)];
        let parts = latest_parts(&plain, &agents);
        assert!(parts.values().all(|p| p.len() == 4) && !parts.is_empty());
        at(8, n, median(runs, || drop(latest_parts(&plain, &agents))));

        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load = load.split(' ').next().unwrap_or("?");
        println!("{n:>6} elements ({h} halls, load {load}):");
        for c in &cases {
            if let Some((_, t)) = c.points.last() {
                println!("    {:<36} {:10.2} ms", c.name, t * 1e3);
            }
        }
    }
    println!();
    println!("| view | {} | fitted exponent |", {
        let sizes: Vec<String> = cases[0]
            .points
            .iter()
            .map(|(n, _)| format!("{n}"))
            .collect();
        sizes.join(" | ")
    });
    for c in &cases {
        let times: Vec<String> = c
            .points
            .iter()
            .map(|(_, t)| format!("{:.2} ms", t * 1e3))
            .collect();
        let k = if c.points.len() >= 2 {
            format!("{:.2}", exponent(&c.points))
        } else {
            "-".into()
        };
        println!("| {} | {} | **{k}** |", c.name, times.join(" | "));
    }
}
