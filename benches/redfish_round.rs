//! One `redfish` collector round against a Redfish service 100 ms away: DMTF's
//! `public-pdu` mockup (tests/fixtures/redfish) served from memory by a loopback HTTP
//! server that holds every answer back by the round-trip time, with the rack PDU widened
//! to 57 outlets so a round is 90 requests (the tree). Requests in flight at
//! once (the collector's `concurrency`, default 8) against one at a time (what it did
//! before).
//!
//!     cargo bench --bench redfish_round -- [rtt_ms] [rounds] [outlets]
//!
//! Figures: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use redcon::agent::collectors::redfish::{DEFAULT_CONCURRENCY, RedfishCollector};
use redcon::agent::collectors::{Collected, Collector};

/// Every `index.json` below `dir`, by the path it is served at.
fn load(dir: &Path, at: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            load(&path, &format!("{at}/{name}"), out);
        } else if name == "index.json" {
            out.insert(at.to_string(), std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The rack PDU with `n` outlets: copies of outlet A1 under new ids.
fn widen(tree: &mut BTreeMap<String, String>, n: usize) {
    let base = "/redfish/v1/PowerEquipment/RackPDUs/1/Outlets";
    let a1 = tree[&format!("{base}/A1")].clone();
    tree.retain(|k, _| !k.starts_with(&format!("{base}/")));
    let mut members = Vec::new();
    for i in 1..=n {
        let id = format!("{base}/O{i}");
        tree.insert(id.clone(), a1.replace(&format!("{base}/A1"), &id));
        members.push(serde_json::json!({ "@odata.id": id }));
    }
    let mut coll: serde_json::Value = serde_json::from_str(&tree[base]).unwrap();
    coll["Members"] = members.into();
    tree.insert(base.to_string(), coll.to_string());
}

/// The resources by path, the delay, and the count of requests.
type Served = (BTreeMap<String, String>, Duration, Arc<AtomicUsize>);

/// Serve `tree`, every answer `rtt` late; counts the requests.
fn serve(tree: BTreeMap<String, String>, rtt: Duration) -> (String, Arc<AtomicUsize>) {
    use axum::extract::State;
    use axum::http::{StatusCode, Uri};
    let count = Arc::new(AtomicUsize::new(0));
    let state = Arc::new((tree, rtt, count.clone()));
    let app = axum::Router::new()
        .fallback(|State(s): State<Arc<Served>>, uri: Uri| async move {
            s.2.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(s.1).await;
            match s.0.get(uri.path().trim_end_matches('/')) {
                Some(body) => (StatusCode::OK, body.clone()),
                None => (StatusCode::NOT_FOUND, String::new()),
            }
        })
        .with_state(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (format!("http://{}", rx.recv().unwrap()), count)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let rtt_ms: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let outlets: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(57);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redfish/public-pdu");
    let mut tree = BTreeMap::new();
    load(&dir, "/redfish/v1", &mut tree);
    widen(&mut tree, outlets);
    let (url, count) = serve(tree, Duration::from_millis(rtt_ms));

    let mut report = Vec::new();
    for (concurrency, rounds) in [(DEFAULT_CONCURRENCY, rounds), (16, rounds), (1, 1)] {
        let mut c = RedfishCollector::new(&url, None, None, false, concurrency).unwrap();
        // the first round opens the connections; the agent keeps them between rounds
        let mut out = Collected::default();
        if let Err(e) = c.collect(&mut out) {
            panic!("redfish_round: {e}");
        }
        let (elements, members) = (out.elements.len(), out.members.len());
        let mut times = Vec::new();
        let before = count.load(Ordering::SeqCst);
        for _ in 0..rounds {
            let t = Instant::now();
            c.collect(&mut Collected::default()).unwrap();
            times.push(t.elapsed());
        }
        let requests = (count.load(Ordering::SeqCst) - before) / rounds;
        times.sort();
        report.push(format!(
            "concurrency {concurrency}: {requests} requests, {elements} elements + {members} members, round median {:?} (min {:?}, {rounds} rounds)",
            times[times.len() / 2],
            times[0]
        ));
    }
    println!("redfish_round: every answer {rtt_ms} ms late");
    for line in report {
        println!("  {line}");
    }
}
