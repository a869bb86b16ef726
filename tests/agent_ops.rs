//! `POST /v1/ops` on a real agent over loopback: every request is authenticated, checked
//! against the state version, answered once per idempotency key and audited — and the
//! agent serves HTTPS when its config names a certificate (made here with openssl).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use redcon::agent::{self, AgentError, parse_agent_config};
use redcon::api::{OpReply, OpRequest};
use redcon::ops::audit::{self, Outcome};
use redcon::ops::{Acknowledged, OpKind, Operation, Verdict};
use reqwest::header::{AUTHORIZATION, ETAG, IF_MATCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const OPERATE: &str = "agent-operate-0123456789";
const READ: &str = "agent-read-0123456789abcd";

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("redcon-agent-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::create_dir_all(&d);
    d
}

struct Running {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), AgentError>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(Duration::from_secs(2), self.task).await;
        match ended {
            Ok(Ok(Ok(()))) => {}
            other => panic!("agent did not stop cleanly: {other:?}"),
        }
    }
}

async fn start(dir: &Path, extra: &str) -> Running {
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("operate {OPERATE} ops-team\nread {READ} wall\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = format!(
        r#"(id: "gw-1", collect_every_s: 3600.0, collectors: [host()], tokens: {:?}, audit: {:?}{extra})"#,
        tokens.display().to_string(),
        dir.join("audit.jsonl").display().to_string(),
    );
    let config = parse_agent_config(&text, "agent.ron").unwrap_or_else(|e| panic!("{e}"));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(agent::run(config, listener, async {
        let _ = stopped.await;
    }));
    Running { addr, stop, task }
}

fn client(root: Option<&Path>) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5));
    if let Some(pem) = root {
        let bytes = std::fs::read(pem).unwrap_or_else(|e| panic!("{e}"));
        let cert = reqwest::Certificate::from_pem(&bytes).unwrap_or_else(|e| panic!("{e}"));
        b = b.add_root_certificate(cert);
    }
    b.build().unwrap_or_else(|e| panic!("{e}"))
}

fn body(key: &str) -> Vec<u8> {
    let req = OpRequest {
        operation: Operation {
            kind: OpKind::Failover {
                to: Some("R2".into()),
            },
            target: "vrid10".into(),
            reason: "upgrade R1".into(),
            operator: "claims-to-be-root".into(),
            idempotency_key: key.into(),
        },
        verdict: Verdict::Safe,
        acknowledged: Acknowledged::default(),
    };
    serde_json::to_vec(&req).unwrap_or_default()
}

async fn post(
    c: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    key: &str,
) -> (u16, OpReply) {
    let mut r = c.post(format!("{base}/v1/ops")).body(body(key));
    if let Some(t) = token {
        r = r.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(v) = if_match {
        r = r.header(IF_MATCH, v);
    }
    let resp = r.send().await.unwrap_or_else(|e| panic!("{e}"));
    let code = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap_or_default();
    let reply: OpReply = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    (code, reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_are_authenticated_versioned_replayable_and_audited() {
    let dir = temp_dir("plain");
    let agent = start(&dir, "").await;
    let c = client(None);
    let base = format!("http://{}", agent.addr);
    let snap = c
        .get(format!("{base}/v1/snapshot"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let etag = snap.headers()[ETAG]
        .to_str()
        .unwrap_or_default()
        .to_string();

    let (code, r) = post(&c, &base, None, Some(&etag), "k1").await;
    assert_eq!((code, r.outcome.as_str()), (401, "unauthorised"));
    let (code, r) = post(&c, &base, Some("wrong-token-000000000"), Some(&etag), "k2").await;
    assert_eq!((code, r.outcome.as_str()), (401, "unauthorised"));
    let (code, r) = post(&c, &base, Some(READ), Some(&etag), "k3").await;
    assert_eq!((code, r.outcome.as_str()), (403, "read_only"));
    let (code, r) = post(&c, &base, Some(OPERATE), None, "k4").await;
    assert_eq!((code, r.outcome.as_str()), (428, "bad_request"));
    let (code, r) = post(&c, &base, Some(OPERATE), Some("W/\"gw-1-999\""), "k5").await;
    assert_eq!((code, r.outcome.as_str()), (412, "stale_state"));
    let (code, r) = post(&c, &base, Some(OPERATE), Some(&etag), "k6").await;
    assert_eq!((code, r.outcome.as_str()), (422, "not_applicable"), "{r:?}");
    assert!(r.detail.contains("no driver"), "{}", r.detail);
    assert_eq!(r.by.as_deref(), Some("ops-team"), "the token names who");
    let (code, again) = post(&c, &base, Some(OPERATE), Some(&etag), "k6").await;
    assert_eq!(code, 422);
    assert!(again.replayed, "{again:?}");

    let (records, errors) = audit::read(&dir.join("audit.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert!(errors.is_empty(), "{errors:?}");
    let records = audit::settle(&records);
    let outcomes: Vec<Outcome> = records.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Unauthorised,
            Outcome::Unauthorised,
            Outcome::Unauthorised,
            Outcome::Rejected,
            Outcome::Stale,
            Outcome::Rejected,
            Outcome::Rejected
        ],
        "every request is audited, the replay too"
    );
    assert_eq!(records[0].operation.operator, "unauthenticated");
    assert_eq!(
        records[2].operation.operator, "wall",
        "a read token names who"
    );
    assert_eq!(records[5].operation.operator, "ops-team");
    assert!(records[6].replayed && !records[5].replayed);
    agent.stop().await;
}

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs openssl (the command) to make a throwaway CA"]
async fn the_agent_serves_https_with_the_configured_certificate() {
    let dir = temp_dir("tls");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let made = openssl(
        &dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=redcon test CA",
            ],
        ]
        .concat(),
    ) && openssl(
        &dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "key.pem",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    ) && std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .is_ok()
        && openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-extfile",
                "ext.cnf",
            ],
        );
    assert!(made, "openssl could not make a test certificate");
    let tls = format!(
        r#", tls: (cert: {:?}, key: {:?})"#,
        dir.join("cert.pem").display().to_string(),
        dir.join("key.pem").display().to_string()
    );
    let agent = start(&dir, &tls).await;
    let https = client(Some(&dir.join("ca.pem")));
    let r = https
        .get(format!("https://{}/v1/snapshot", agent.addr))
        .send()
        .await
        .unwrap_or_else(|e| panic!("https: {e}"));
    assert_eq!(r.status().as_u16(), 200);
    let etag = r.headers()[ETAG].to_str().unwrap_or_default().to_string();
    let (code, r) = post(
        &https,
        &format!("https://{}", agent.addr),
        Some(OPERATE),
        Some(&etag),
        "tls-1",
    )
    .await;
    assert_eq!((code, r.outcome.as_str()), (422, "not_applicable"));
    // plain HTTP to the TLS port gets no answer, and a client that does not trust the CA
    // does not get through either
    let plain = client(None);
    assert!(
        plain
            .get(format!("http://{}/v1/snapshot", agent.addr))
            .send()
            .await
            .is_err()
    );
    assert!(
        plain
            .get(format!("https://{}/v1/snapshot", agent.addr))
            .send()
            .await
            .is_err()
    );
    agent.stop().await;
}

#[test]
fn a_bad_certificate_path_is_a_clear_error() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let rt = rt.unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let text = r#"(id: "gw-1", collectors: [host()], tls: (cert: "/nonexistent/cert.pem", key: "/nonexistent/key.pem"))"#;
        let config = parse_agent_config(text, "agent.ron").unwrap_or_else(|e| panic!("{e}"));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let r = agent::run(config, listener, std::future::pending()).await;
        let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("tls cert /nonexistent/cert.pem"), "{msg}");
    });
}
