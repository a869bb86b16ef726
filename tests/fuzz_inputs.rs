//! Mutation fuzzing of the three parsers that read what others wrote: the site loader, the
//! live-overlay loader and the snapshot decoder. The corpus is every site and live file
//! under tests/sites and tests/bad_sites, the demo's, and real snapshots served by the
//! demo's simulated agents; proptest mutates them (cut, splice, repeat, flip, insert
//! hostile tokens) and each parser must answer with a value or a located error: never a
//! panic, never an unbounded error list, never a raw control character in a message.
//!
//! Bounded for CI: `REDCON_FUZZ_CASES` cases per parser (default 2,000, about a second each).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use redcon::api::decode_snapshot;
use redcon::model::text::is_unprintable;
use redcon::model::{MAX_ISSUES, Site, SiteIssue, parse_live, parse_site};

fn cases() -> u32 {
    std::env::var("REDCON_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Site files, and live overlays.
type Corpus = (Vec<Vec<u8>>, Vec<Vec<u8>>);

fn ron_files() -> &'static Corpus {
    static FILES: OnceLock<Corpus> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut sites, mut lives) = (Vec::new(), Vec::new());
        for dir in ["tests/sites", "tests/bad_sites", "assets/demo"] {
            let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                .collect();
            entries.sort();
            for p in entries {
                let bytes = std::fs::read(&p).unwrap();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if name.contains("live") {
                    lives.push(bytes);
                } else {
                    sites.push(bytes);
                }
            }
        }
        (sites, lives)
    })
}

/// One snapshot from each of the demo simulator's agents, as they go over the wire.
fn snapshots() -> &'static Vec<Vec<u8>> {
    static BODIES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    BODIES.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let site = redcon::demo::site().unwrap();
            let live = redcon::demo::live(&site).unwrap();
            let (addr, _sim, _task) = redcon::sim::spawn_local(site.clone(), live, None)
                .await
                .unwrap();
            let client = redcon::poll::client().unwrap();
            let mut bodies = Vec::new();
            for (_, url) in redcon::sim::agent_urls(&site, &format!("http://{addr}")) {
                let r = client
                    .get(format!("{url}/v1/snapshot"))
                    .send()
                    .await
                    .unwrap();
                bodies.push(r.bytes().await.unwrap().to_vec());
            }
            bodies
        })
    })
}

fn demo() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| redcon::demo::site().unwrap())
}

/// Bytes that mean something to one of the parsers.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b":",
    b",",
    b"\\",
    b"\\u{1b}",
    b"\x1b[2J",
    b"\x07",
    b"NaN",
    b"inf",
    b"-1e308",
    b"1e999",
    b"null",
    b"/*",
    b"*/",
    b"//",
    b"r#\"",
    b"\"UPS-A2\": failed,",
    b"\"metrics\": {\"a\": 1, \"a\": 2}",
    b"\xff\xfe",
    b"id: \"",
    b"\"schema_version\": 1",
    b"\"observed_at\": -1e18",
];

#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize, usize),
    Repeat(usize, usize, u8),
    Flip(usize, u8),
    Insert(usize, usize),
    Splice(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..64usize).prop_map(|(a, n)| Mutation::Cut(a, n)),
        (any::<usize>(), 1..256usize, 1..16u8).prop_map(|(a, n, k)| Mutation::Repeat(a, n, k)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Splice(a, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |a: usize, len: usize| if len == 0 { 0 } else { a % (len + 1) };
        match *m {
            Mutation::Cut(a, n) => {
                let s = at(a, bytes.len());
                let e = (s + n).min(bytes.len());
                bytes.drain(s..e);
            }
            Mutation::Repeat(a, n, k) => {
                let s = at(a, bytes.len());
                let e = (s + n).min(bytes.len());
                let piece = bytes[s..e].to_vec();
                for _ in 0..k {
                    bytes.splice(e..e, piece.iter().copied());
                }
            }
            Mutation::Flip(a, b) if !bytes.is_empty() => {
                let i = a % bytes.len();
                bytes[i] ^= b;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(a, t) => {
                let s = at(a, bytes.len());
                bytes.splice(s..s, TOKENS[t].iter().copied());
            }
            Mutation::Splice(a, b) => {
                // a piece of the input moved elsewhere: structure out of place
                let s = at(a, bytes.len());
                let e = (s + 200).min(bytes.len());
                let piece = bytes[s..e].to_vec();
                let to = at(b, bytes.len());
                bytes.splice(to..to, piece);
            }
        }
    }
    bytes
}

fn input(corpus: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    (0..corpus.len(), prop::collection::vec(mutation(), 1..6))
        .prop_map(move |(i, ms)| apply(corpus[i].clone(), &ms))
}

fn check_issues(issues: &[SiteIssue]) {
    assert!(issues.len() <= MAX_ISSUES + 1, "{} issues", issues.len());
    for i in issues {
        assert!(
            !i.message.chars().any(is_unprintable),
            "raw control in {i:?}"
        );
        assert!(
            i.message.len() < 2_000,
            "a {} byte message",
            i.message.len()
        );
    }
}

fn run(name: &str, strategy: impl Strategy<Value = Vec<u8>>, test: impl Fn(&[u8])) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |bytes| {
        test(&bytes);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn the_site_loader_survives_mutated_sites() {
    run("site loader", input(&ron_files().0), |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Err(e) = parse_site(&text, "fuzz.ron") {
            check_issues(&e.issues());
        }
    });
}

#[test]
fn the_live_loader_survives_mutated_overlays() {
    run("live loader", input(&ron_files().1), |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Err(e) = parse_live(&text, "fuzz.ron", demo()) {
            check_issues(&e.issues());
        }
    });
}

#[test]
fn the_snapshot_decoder_survives_mutated_snapshots() {
    run(
        "snapshot decoder",
        input(snapshots()),
        |bytes| match decode_snapshot(bytes, "fuzz-agent") {
            Ok(d) => {
                for e in &d.snapshot.elements {
                    assert!(!e.id.chars().any(is_unprintable), "{:?}", e.id);
                }
                for e in &d.errors {
                    let shown = e.to_string();
                    assert!(
                        !shown.chars().any(is_unprintable),
                        "raw control in {shown:?}"
                    );
                    assert!(shown.starts_with(e.kind), "{shown}");
                }
            }
            Err(e) => {
                let shown = e.to_string();
                assert!(shown.starts_with("fuzz-agent: "), "{shown}");
                assert!(
                    !shown.chars().any(is_unprintable),
                    "raw control in {shown:?}"
                );
            }
        },
    );
}
