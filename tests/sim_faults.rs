//! The simulator's agent-level fault modes on loopback: spoiled bodies, HTTP 500, slow
//! answers, dropped connections and huge bodies, each cleared again, while the rest of the
//! site keeps answering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod sim_support;

use std::time::Duration;

use redcon::api::{Health, decode_snapshot};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, ETAG};
use serde_json::json;

use sim_support::{json, start};

#[tokio::test]
async fn spoiled_bodies_fail_decoding_with_the_agent_named() {
    let d = start(None).await;
    for (mode, needle) in [
        ("garbage", "not JSON"),
        ("truncated", "not JSON"),
        ("wrong_schema", "schema version 99"),
    ] {
        d.ok_fault(json!({"action": mode, "agent": "ups-gw-b"}))
            .await;
        let r = d.get("ups-gw-b", "snapshot").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers().get(ETAG).is_none(),
            "{mode}: a spoiled body has no validator"
        );
        let e = decode_snapshot(&r.bytes().await.unwrap(), "ups-gw-b")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("ups-gw-b: ") && e.contains(needle),
            "{mode}: {e}"
        );
        // The rest of the site is unaffected.
        d.snapshot("ups-gw-a").await;
    }
    let health: Health = json(d.get("ups-gw-b", "health").await).await;
    assert_eq!(health.schema_version, 99);

    d.ok_fault(json!({"action": "error", "agent": "ups-gw-b"}))
        .await;
    assert_eq!(
        d.get("ups-gw-b", "snapshot").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        d.get("ups-gw-b", "health").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );

    d.ok_fault(json!({"action": "clear", "agent": "ups-gw-b"}))
        .await;
    assert_eq!(d.snapshot("ups-gw-b").await.elements.len(), 3);
}

#[tokio::test]
async fn a_slow_agent_answers_late_and_hits_a_client_timeout() {
    let d = start(None).await;
    d.ok_fault(json!({"action": "slow", "agent": "net-gw", "delay_ms": 300}))
        .await;
    let t = tokio::time::Instant::now();
    d.snapshot("net-gw").await;
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    let e = d
        .http
        .get(d.url("net-gw", "snapshot"))
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    let t = tokio::time::Instant::now();
    d.snapshot("pdu-gw").await;
    assert!(
        t.elapsed() < Duration::from_millis(300),
        "others are not slowed"
    );
    d.ok_fault(json!({"action": "clear", "agent": "net-gw"}))
        .await;
    let t = tokio::time::Instant::now();
    d.snapshot("net-gw").await;
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn a_down_agent_drops_the_connection() {
    let d = start(None).await;
    d.ok_fault(json!({"action": "down", "agent": "lb-1"})).await;
    // No response at all, not even a status line: hyper reports an incomplete message.
    for what in ["snapshot", "health"] {
        let e = d.http.get(d.url("lb-1", what)).send().await.unwrap_err();
        assert!(e.is_request() && !e.is_status(), "{what}: {e:?}");
    }
    d.snapshot("leaf-1a").await;
    d.ok_fault(json!({"action": "clear", "agent": "lb-1"}))
        .await;
    assert_eq!(
        d.snapshot("lb-1").await.members.len(),
        4,
        "lb-1, lb-2 and their LEAF-1A/B"
    );
}

#[tokio::test]
async fn a_huge_body_has_exactly_the_asked_size() {
    let d = start(None).await;
    let size: u64 = 50_000_000;
    d.ok_fault(json!({"action": "huge", "agent": "epms-gw", "bytes": size}))
        .await;
    let mut r = d.get("epms-gw", "snapshot").await;
    assert_eq!(r.headers()[CONTENT_LENGTH], size.to_string().as_str());
    let (mut total, mut first) = (0u64, None);
    while let Some(chunk) = r.chunk().await.unwrap() {
        first.get_or_insert_with(|| chunk.clone());
        total += chunk.len() as u64;
    }
    assert_eq!(total, size);
    assert!(first.unwrap().starts_with(b"{\"schema_version\":1"));
    d.ok_fault(json!({"action": "clear", "agent": "epms-gw"}))
        .await;
    assert!(d.body("epms-gw").await.len() < 100_000);
}
