//! The merge's judgement of an agent's clock, through `AgentStatus::record` as the poller
//! folds answers in.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

use std::time::Duration;

use super::*;
use crate::api::{AgentInfo, SCHEMA_VERSION, decode_snapshot};
use crate::poll::{AgentSpec, Fetched};

const T0: f64 = 1_800_000_000.0;

/// The demo's UPS agent answering with a snapshot assembled at `generated_at`.
fn answer(generated_at: f64) -> Fetched {
    let snap = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "ups-gw-a".into(),
            version: "0".into(),
            hostname: None,
        },
        generated_at,
        elements: Vec::new(),
        members: Vec::new(),
        tanks: Vec::new(),
        host: None,
    };
    let body = serde_json::to_vec(&snap).unwrap();
    Fetched::New {
        decoded: Box::new(decode_snapshot(&body, "ups-gw-a").unwrap()),
        etag: Some("\"1\"".into()),
        bytes: body.len(),
    }
}

fn clock_lines(site: &Site, a: &AgentStatus, now: Instant, now_unix: f64) -> Vec<String> {
    merge(
        site,
        std::slice::from_ref(a),
        &PollPolicy::default(),
        now,
        now_unix,
    )
    .problems
    .into_iter()
    .filter(|p| p.contains("clock"))
    .collect()
}

fn agent() -> AgentStatus {
    AgentStatus::new(&AgentSpec {
        name: "ups-gw-a".into(),
        url: "http://127.0.0.1:1/".into(),
        interval: Duration::from_secs(5),
        timeout: Duration::from_secs(5),
    })
}

/// The demo site and its UPS agent, which has just answered with a snapshot assembled at
/// `generated_at`.
fn fresh(generated_at: f64) -> (Site, PollPolicy, Instant, AgentStatus) {
    let policy = PollPolicy::default();
    let start = Instant::now();
    let mut a = agent();
    a.record(Ok(answer(generated_at)), start, &policy);
    (crate::demo::site().unwrap(), policy, start, a)
}

/// A site where nothing changes: the agent answers 304 to every poll for minutes. Its
/// snapshot was made when it came; the 304s keep it current without re-dating it, and
/// that is no clock skew (it was shown as "clock 45 s behind" on every agent of a quiet
/// site, and turned a healthy site WARNING).
#[test]
fn a_snapshot_kept_current_by_304s_is_not_a_clock_behind() {
    let (site, policy, start, mut a) = fresh(T0);
    for s in (5..=300).step_by(5) {
        a.record(
            Ok(Fetched::NotModified),
            start + Duration::from_secs(s),
            &policy,
        );
    }
    let now = start + Duration::from_secs(300);
    assert_eq!(a.freshness, Freshness::Fresh);
    assert_eq!(
        clock_lines(&site, &a, now, T0 + 300.0),
        Vec::<String>::new()
    );
}

/// A snapshot that is already a minute old when it arrives is a clock behind, however
/// many 304s follow it.
#[test]
fn a_snapshot_dated_before_it_came_is_a_clock_behind() {
    let (site, policy, start, mut a) = fresh(T0 - 60.0);
    assert_eq!(
        clock_lines(&site, &a, start, T0),
        vec!["ups-gw-a: clock 60 s behind this console's".to_string()]
    );
    a.record(
        Ok(Fetched::NotModified),
        start + Duration::from_secs(20),
        &policy,
    );
    let later = clock_lines(&site, &a, start + Duration::from_secs(20), T0 + 20.0);
    assert_eq!(later.len(), 1, "{later:?}");
}
