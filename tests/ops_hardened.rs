//! The operations path attacked as a hostile client or a hostile "agent" would, over real
//! HTTP on loopback: a redirect is an error, not done; token-less floods cost the audit a
//! few lines; a forged newline or escape cannot make a second line of `redcon audit`; a
//! used idempotency key cannot carry another operation; a lying `verdict` does not get a
//! real agent past its own look at its source.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use redcon::agent::{self, AgentError, parse_agent_config};
use redcon::api::{OpReply, OpRequest};
use redcon::dispatch::send_audited;
use redcon::ops::audit::{self, AuditLog, Outcome};
use redcon::ops::{Acknowledged, Mutation, OpKind, Operation, Verdict};
use reqwest::header::{AUTHORIZATION, ETAG, IF_MATCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const OPERATE: &str = "hardened-operate-0123456789";

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("redcon-hardened-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Running {
    base: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), AgentError>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(Duration::from_secs(5), self.task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    }
}

/// A real agent in this process with `collectors`, tokens and an audit log in `dir`.
async fn start(dir: &Path, collectors: &str) -> Running {
    let tokens = dir.join("tokens");
    std::fs::write(&tokens, format!("operate {OPERATE} ops-team\n")).unwrap();
    let text = format!(
        r#"(id: "host-1", collect_every_s: 3600.0, collectors: [{collectors}], tokens: {:?}, audit: {:?})"#,
        tokens.display().to_string(),
        dir.join("audit.jsonl").display().to_string(),
    );
    let config = parse_agent_config(&text, "agent.ron").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(agent::run(config, listener, async {
        let _ = stopped.await;
    }));
    Running { base, stop, task }
}

fn client() -> reqwest::Client {
    redcon::poll::client().unwrap()
}

async fn etag(c: &reqwest::Client, base: &str) -> String {
    let r = c.get(format!("{base}/v1/snapshot")).send().await.unwrap();
    r.headers()[ETAG].to_str().unwrap().to_string()
}

fn request(kind: OpKind, target: &str, key: &str, verdict: Verdict) -> OpRequest {
    OpRequest {
        operation: Operation {
            kind,
            target: target.into(),
            reason: "disk swap".into(),
            operator: "mallory".into(),
            idempotency_key: key.into(),
        },
        verdict,
        acknowledged: Acknowledged::default(),
    }
}

async fn raw_post(
    c: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    if_match: &str,
    body: Vec<u8>,
) -> (u16, Option<OpReply>) {
    let mut r = c
        .post(format!("{base}/v1/ops"))
        .header(IF_MATCH, if_match)
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        r = r.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = r.send().await.unwrap();
    let code = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap_or_default();
    (code, serde_json::from_slice::<OpReply>(&bytes).ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_that_redirects_gets_an_error_and_the_third_party_nothing() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&hits);
    let third = Router::new().route(
        "/v1/ops",
        post(move |_: HeaderMap| {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({"outcome": "done", "operation": "drain U1"}))
            }
        }),
    );
    let third_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let third_url = format!("http://{}/v1/ops", third_listener.local_addr().unwrap());
    let third_task = tokio::spawn(async move { axum::serve(third_listener, third).await });
    let to = third_url.clone();
    let hostile = Router::new().route(
        "/v1/ops",
        post(move || {
            let to = to.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", to)]).into_response() }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let agent_url = format!("http://{}", listener.local_addr().unwrap());
    let hostile_task = tokio::spawn(async move { axum::serve(listener, hostile).await });

    let dir = temp_dir("redirect");
    let mut log = AuditLog::open(&dir.join("console.jsonl")).unwrap();
    // cleared as the console clears one: an authority, a plan, forced past its verdict
    let site = redcon::demo::site().unwrap();
    let live = redcon::demo::live(&site).unwrap();
    let op = request(OpKind::Drain, "UPS-A1", "redirect-1", Verdict::Safe).operation;
    let plan = redcon::ops::preflight(&site, &live, &op, None, 0.0).unwrap();
    let force = Acknowledged {
        degrade: true,
        force: true,
    };
    let authority = redcon::ops::Authority::operator("mallory");
    let m = Mutation::clear(&authority, op, &plan, force, "W/\"sim-1\"").unwrap();
    let sent = send_audited(
        &mut log,
        &client(),
        &agent_url,
        Some(OPERATE),
        &m,
        &[],
        Duration::from_secs(3),
    )
    .await
    .unwrap();
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(
        sent.detail.contains(&agent_url),
        "names the agent: {sent:?}"
    );
    assert!(
        sent.detail.contains("307") && sent.detail.contains("not followed"),
        "{sent:?}"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the token went nowhere else"
    );
    let (records, _) = audit::read(&dir.join("console.jsonl")).unwrap();
    assert!(
        records.iter().all(|r| r.outcome != Outcome::Done),
        "{records:?}"
    );
    hostile_task.abort();
    third_task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_unauthenticated_two_megabyte_requests_cost_the_audit_little() {
    let dir = temp_dir("flood");
    let agent = start(&dir, "host()").await;
    let c = client();
    let tag = etag(&c, &agent.base).await;
    let path = dir.join("audit.jsonl");
    let before = std::fs::metadata(&path).map_or(0, |m| m.len());
    let mut req = request(OpKind::Drain, "UPS-A1", "flood", Verdict::Safe);
    req.operation.reason = "x".repeat(2_000_000);
    let body = serde_json::to_vec(&req).unwrap();
    assert!(body.len() >= 2_000_000);
    for i in 0..50 {
        let token = (i % 2 == 0).then_some("not-a-token-0123456789");
        let (code, _) = raw_post(&c, &agent.base, token, &tag, body.clone()).await;
        assert_eq!(code, 401);
    }
    let grown = std::fs::metadata(&path).map_or(0, |m| m.len()) - before;
    assert!(grown < 50 * 1024, "the audit grew {grown} bytes");
    let (records, _) = audit::read(&path).unwrap();
    assert!(!records.is_empty(), "the refusals are on record");
    assert!(
        records
            .iter()
            .all(|r| r.operation.operator == "unauthenticated")
    );
    agent.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_line_in_a_refused_request_stays_on_its_own_line_in_redcon_audit() {
    let dir = temp_dir("forged");
    let agent = start(&dir, "host()").await;
    let c = client();
    let tag = etag(&c, &agent.base).await;
    let forged = "UPS-A1\n2026-11-22 03:04:05Z  alice        undrain UPS-A1   safe      done           console  \"ok\"\u{1b}]0;owned\u{7}\r\u{2028}";
    let mut req = request(OpKind::Undrain, forged, "forged", Verdict::Safe);
    req.operation.operator = "alice".into();
    let (code, _) = raw_post(
        &c,
        &agent.base,
        None,
        &tag,
        serde_json::to_vec(&req).unwrap(),
    )
    .await;
    assert_eq!(code, 401);
    agent.stop().await;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["audit", "--audit"])
        .arg(dir.join("audit.jsonl"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one record, one line:\n{text}");
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\r', '\u{2028}']),
        "{text:?}"
    );
    assert!(text.contains("unauthenticated"), "{text}");
    let columns: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        columns[2], "unauthenticated",
        "the claimed name is not the recorded operator: {text}"
    );
    assert!(
        text.contains("\\u{a}2026-11-22"),
        "the forgery is shown as data: {text}"
    );
}

const MDSTAT: &str = "Personalities : [raid1]\n\
md0 : active raid1 sdc1[1]\n      1046528 blocks super 1.2 [2/1] [_U]\n\n\
md1 : active raid1 sdc2[1] sdb2[0]\n      1046528 blocks super 1.2 [2/2] [UU]\n\n\
unused devices: <none>\n";

/// md0 runs degraded on sdc1 alone; md1 is whole. A stand-in mdadm records its calls.
fn md_source(dir: &Path) -> String {
    std::fs::create_dir_all(dir.join("root/proc")).unwrap();
    std::fs::write(dir.join("root/proc/mdstat"), MDSTAT).unwrap();
    let log = dir.join("mdadm.log");
    let script = dir.join("mdadm");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '[%s]' \"$@\" >> {:?}\necho >> {:?}\n",
            log.display().to_string(),
            log.display().to_string()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "mdraid(root: {:?}, mdadm: {:?})",
        dir.join("root").display().to_string(),
        script.display().to_string()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_verdict_does_not_get_a_real_agent_past_its_own_check() {
    let dir = temp_dir("lying");
    let agent = start(&dir, &md_source(&dir)).await;
    let c = client();
    let tag = etag(&c, &agent.base).await;
    let calls = || std::fs::read_to_string(dir.join("mdadm.log")).unwrap_or_default();

    // the last working member of a degraded array, claimed safe
    let lie = request(OpKind::Drain, "sdc1", "lie-1", Verdict::Safe);
    let (code, r) = raw_post(
        &c,
        &agent.base,
        Some(OPERATE),
        &tag,
        serde_json::to_vec(&lie).unwrap(),
    )
    .await;
    let r = r.unwrap();
    assert_eq!((code, r.outcome.as_str()), (409, "refused"), "{r:?}");
    assert!(r.detail.contains("md0 is already degraded"), "{r:?}");
    assert_eq!(calls(), "", "mdadm never ran");

    // a member of the whole array passes the same check and is carried out
    let fine = request(OpKind::Drain, "sdb2", "fine-1", Verdict::Safe);
    let (code, r) = raw_post(
        &c,
        &agent.base,
        Some(OPERATE),
        &tag,
        serde_json::to_vec(&fine).unwrap(),
    )
    .await;
    assert_eq!(code, 200, "{r:?}");
    assert_eq!(
        calls(),
        "[/dev/md1][--fail][/dev/sdb2][--remove][/dev/sdb2]\n"
    );

    // the same key for another operation is refused, not replayed
    let tag = etag(&c, &agent.base).await;
    let other = request(OpKind::Drain, "sdc2", "fine-1", Verdict::Safe);
    let (code, r) = raw_post(
        &c,
        &agent.base,
        Some(OPERATE),
        &tag,
        serde_json::to_vec(&other).unwrap(),
    )
    .await;
    let r = r.unwrap();
    assert_eq!(
        (code, r.outcome.as_str(), r.replayed),
        (409, "refused", false),
        "{r:?}"
    );
    assert!(r.detail.contains("used for another operation"), "{r:?}");
    assert_eq!(
        calls().lines().count(),
        1,
        "nothing ran under the reused key"
    );
    agent.stop().await;

    let (records, _) = audit::read(&dir.join("audit.jsonl")).unwrap();
    let refused = &records[0];
    assert_eq!(refused.outcome, Outcome::Rejected);
    assert_eq!(
        refused.operation.operator, "ops-team",
        "the token names who"
    );
    assert!(refused.detail.contains("already degraded"), "{refused:?}");
}
