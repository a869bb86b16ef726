//! The packaged agent's paths, as systemd starts it: no `--agent-config`, and the unit's
//! `ConfigurationDirectory=` and `StateDirectory=` in `$CONFIGURATION_DIRECTORY` and
//! `$STATE_DIRECTORY`. The agent must read its config and token file from those, audit
//! there, and create nothing when there is no token file (docs/packaging.md).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod peers;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use peers::{Daemon, TempDir, free_port, http_get, wait_for};
use redcon::api::{OpReply, OpRequest};
use redcon::ops::audit;
use redcon::ops::{Acknowledged, OpKind, Operation, Verdict};

const OPERATE: &str = "service-operate-0123456789";

/// `redcon agent` with only systemd's directory variables to go on.
fn service(dir: &TempDir) -> (Daemon, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["agent", "--listen", &addr])
        .env_clear()
        .env("CONFIGURATION_DIRECTORY", dir.path("etc"))
        .env("STATE_DIRECTORY", dir.path("state"))
        .env("HOME", dir.path("home"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let daemon = Daemon {
        name: "redcon agent",
        child,
        graceful: false,
    };
    (daemon, addr)
}

/// An operation with the operate token and no `If-Match`: the agent answers 428 once it
/// knows the token, 401 when it has none.
fn operate(addr: &str) -> (u16, OpReply) {
    let req = OpRequest {
        operation: Operation {
            kind: OpKind::Failover { to: None },
            target: "vrid10".into(),
            reason: "paths test".into(),
            operator: "someone".into(),
            idempotency_key: "k1".into(),
        },
        verdict: Verdict::Safe,
        acknowledged: Acknowledged::default(),
    };
    let body = serde_json::to_string(&req).unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "POST /v1/ops HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {OPERATE}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    // the body may be chunked: the JSON object is what lies between its braces
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    (code, serde_json::from_str(json).unwrap())
}

fn health_says(addr: &str, id: &str) {
    wait_for("the agent's health", Duration::from_secs(20), || {
        let body = http_get(addr, "/v1/health")?;
        let text = String::from_utf8_lossy(&body).to_string();
        if text.contains(&format!("\"id\":\"{id}\"")) {
            Ok(())
        } else {
            Err(text)
        }
    });
}

fn setup(dir: &TempDir, tokens: bool) {
    for d in ["etc", "state", "home"] {
        std::fs::create_dir_all(dir.path(d)).unwrap();
    }
    dir.write(
        "etc/agent.ron",
        r#"(id: "svc-gw", collect_every_s: 3600.0, collectors: [host()])"#,
    );
    if tokens {
        dir.write("state/tokens", &format!("operate {OPERATE} ops-team\n"));
    }
}

#[test]
fn the_service_reads_agent_ron_and_tokens_from_its_directories_and_audits_beside_them() {
    let dir = TempDir::new("agent-paths");
    setup(&dir, true);
    let (_agent, addr) = service(&dir);
    health_says(&addr, "svc-gw");
    let (code, reply) = operate(&addr);
    assert_eq!(
        (code, reply.by.as_deref()),
        (428, Some("ops-team")),
        "the token from the state directory is known: {reply:?}"
    );
    let log = dir.path("state/agent-audit.jsonl");
    let (records, errors) = audit::read(&log).unwrap_or_else(|e| panic!("{e}"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].operation.operator, "ops-team");
    assert!(!dir.path("home/.local").exists(), "nothing under HOME");
}

#[test]
fn without_a_token_file_the_service_refuses_and_writes_nothing() {
    let dir = TempDir::new("agent-paths-no-tokens");
    setup(&dir, false);
    let (_agent, addr) = service(&dir);
    health_says(&addr, "svc-gw");
    let (code, reply) = operate(&addr);
    assert_eq!(code, 401, "{reply:?}");
    let state: Vec<_> = std::fs::read_dir(dir.path("state")).unwrap().collect();
    assert!(state.is_empty(), "{state:?}");
    assert!(!Path::new(&dir.path("home/.local")).exists());
}
