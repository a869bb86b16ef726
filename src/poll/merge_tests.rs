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
use crate::api::{AgentInfo, ElementReport, Metrics, SCHEMA_VERSION, decode_snapshot};
use crate::poll::{AgentSpec, Fetched};

const T0: f64 = 1_800_000_000.0;

/// The demo's UPS agent answering with a snapshot assembled at `generated_at`.
fn answer(generated_at: f64) -> Fetched {
    answer_with(generated_at, Vec::new())
}

/// The same, reporting `elements`.
fn answer_with(generated_at: f64, elements: Vec<ElementReport>) -> Fetched {
    let snap = Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "ups-gw-a".into(),
            version: "0".into(),
            hostname: None,
        },
        generated_at,
        elements,
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

/// The UPS agent's answer at `at`, reporting UPS-A1 in `state` (its other units ok).
fn ups_a1(at: f64, state: ElementState) -> Fetched {
    let report = |id: &str, state| ElementReport {
        id: id.into(),
        state,
        observed_at: at,
        flags: Vec::new(),
        metrics: Metrics::default(),
        position: None,
    };
    answer_with(
        at,
        vec![
            report("UPS-A1", state),
            report("UPS-A2", ElementState::Ok),
            report("UPS-A3", ElementState::Ok),
        ],
    )
}

/// An agent that answers but reports a unit `unknown` (it cannot read the UPS) makes the
/// unit unknown, not failed: the optimistic bound keeps what the agent last read (it was
/// failed: failed there; it was ok: ok there), and the unit is listed with that state and
/// when it was read. The bound once took the reported `unknown` as unavailable, and a
/// generator reported unknown turned a Tier III site CRITICAL at Tier I.
#[test]
fn a_unit_reported_unknown_keeps_its_last_known_state_in_the_optimistic_bound() {
    let site = crate::demo::site().unwrap();
    let policy = PollPolicy::default();
    let start = Instant::now();
    for (before, optimistic) in [
        (ElementState::Failed, Some(&ElementState::Failed)),
        (ElementState::Ok, None),
    ] {
        let mut a = agent();
        a.record(Ok(ups_a1(T0, before)), start, &policy);
        let later = start + Duration::from_secs(5);
        a.record(Ok(ups_a1(T0 + 5.0, ElementState::Unknown)), later, &policy);
        let m = merge(&site, std::slice::from_ref(&a), &policy, later, T0 + 5.0);
        assert_eq!(m.live.elements.get("UPS-A1"), Some(&ElementState::Unknown));
        assert_eq!(m.optimistic.elements.get("UPS-A1"), optimistic, "{before}");
        let item = m.unknown.iter().find(|u| u.id == "UPS-A1").unwrap();
        assert_eq!(item.last_state, Some(ItemState::Element(before)));
        assert_eq!(item.last_seen, Some(T0));
        assert_eq!(item.agent.as_deref(), Some("ups-gw-a"));
    }
}

/// Reported unknown from the first answer on: never known, so as designed in the
/// optimistic bound and listed as never seen; the next answer that reads it ends that.
#[test]
fn a_unit_never_read_is_designed_in_the_optimistic_bound_until_it_is_read() {
    let site = crate::demo::site().unwrap();
    let policy = PollPolicy::default();
    let start = Instant::now();
    let mut a = agent();
    a.record(Ok(ups_a1(T0, ElementState::Unknown)), start, &policy);
    let m = merge(&site, std::slice::from_ref(&a), &policy, start, T0);
    assert_eq!(m.live.elements.get("UPS-A1"), Some(&ElementState::Unknown));
    assert_eq!(m.optimistic.elements.get("UPS-A1"), None);
    let item = m.unknown.iter().find(|u| u.id == "UPS-A1").unwrap();
    assert_eq!((item.last_state, item.last_seen), (None, None));

    let later = start + Duration::from_secs(5);
    a.record(Ok(ups_a1(T0 + 5.0, ElementState::Bypass)), later, &policy);
    let m = merge(&site, std::slice::from_ref(&a), &policy, later, T0 + 5.0);
    assert_eq!(m.live.elements.get("UPS-A1"), Some(&ElementState::Bypass));
    assert!(m.unknown.iter().all(|u| u.id != "UPS-A1"));
}
