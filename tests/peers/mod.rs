//! Helpers for the tests against real peers (upsd, haproxy, keepalived): a guard that
//! stops a daemon by its PID however the test ends, a check that fails naming the Debian
//! packages when one is missing (these tests are `#[ignore = "needs ..."]`, so a local
//! `cargo test` reports them ignored and `.ci/test` runs them), and polling for a
//! condition with a deadline instead of fixed sleeps.

#![allow(dead_code)]

pub mod nut;
pub mod sushy;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A daemon started by a test: stopped and reaped by PID when dropped, also on panic.
pub struct Daemon {
    pub name: &'static str,
    pub child: Child,
    /// Stop with SIGTERM first (keepalived must stop its own children), SIGKILL after
    /// a few seconds.
    pub graceful: bool,
}

impl Daemon {
    pub fn start(name: &'static str, cmd: &mut Command) -> Daemon {
        Daemon::start_logged(name, cmd, None)
    }

    /// As `start`, with stdout and stderr going to `log` (read it when a test fails).
    pub fn start_logged(name: &'static str, cmd: &mut Command, log: Option<&Path>) -> Daemon {
        let out = |log: Option<&Path>| {
            log.and_then(|p| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .ok()
            })
            .map_or_else(Stdio::null, Stdio::from)
        };
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out(log))
            .stderr(out(log))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Daemon {
            name,
            child,
            graceful: false,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stop now (SIGKILL) and wait for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then SIGKILL if it has not exited within five seconds.
    pub fn terminate(&mut self) {
        // our own child, not reaped yet, so its PID cannot have been reused
        let pid = i32::try_from(self.child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        if let Some(pid) = pid {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
    }

    /// Panics when the daemon has already exited: its config was refused.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited early: {status}", self.name);
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.graceful {
            self.terminate();
        } else {
            self.kill();
        }
    }
}

/// A network namespace made by a test, deleted (with its links) when dropped.
pub struct Netns(pub String);

impl Netns {
    /// `None` when namespaces cannot be made here (not root, no `ip`).
    pub fn add(name: String) -> Option<Netns> {
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Netns(name))
    }

    /// `ip -n <ns> ARGS`, panicking with the command on failure.
    pub fn ip(&self, args: &str) {
        let mut full = vec!["-n", self.0.as_str()];
        full.extend(args.split_whitespace());
        let out = Command::new("ip")
            .args(&full)
            .output()
            .unwrap_or_else(|e| panic!("ip: {e}"));
        assert!(
            out.status.success(),
            "ip {}: {}",
            full.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Fails the test, naming the Debian packages, when a binary it needs is missing. Tests
/// that call it are `#[ignore = "needs ..."]`: a local `cargo test` reports them as
/// ignored, and CI (`.ci/test`, which installs the packages) runs them all.
pub fn need(binaries: &[&str], packages: &str) {
    needs(binaries, &format!("install the Debian packages {packages}"));
}

/// As `need`, with `how` saying how to get what is missing.
pub fn needs(binaries: &[&str], how: &str) {
    let missing: Vec<&str> = binaries
        .iter()
        .copied()
        .filter(|b| !Path::new(b).exists())
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}: {how}");
}

/// Fails the test unless it runs as root (daemons here run as root, namespaces need it).
pub fn need_root() {
    assert!(
        is_root(),
        "this test needs root (network namespaces, daemons)"
    );
}

/// Whether we are root (daemons here run as root, namespaces need it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Poll `check` until it returns `Some` or `within` passes; panics naming `what`, with
/// the last thing `check` saw.
pub fn wait_for<T>(
    what: &str,
    within: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let t0 = Instant::now();
    loop {
        let last = match check() {
            Ok(v) => return v,
            Err(e) => e,
        };
        assert!(
            t0.elapsed() < within,
            "{what}: not within {within:?}; last: {last}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A loopback port free right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// A fresh directory for one test's files, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("redcon-peer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        TempDir(d)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `redcon agent` as a process on a free loopback port; returns it and its base URL.
pub fn start_agent(config: &Path) -> (Daemon, String) {
    start_agent_logged(config, None)
}

/// As `start_agent`, with its stderr (where it logs collector errors) going to `log`.
pub fn start_agent_logged(config: &Path, log: Option<&Path>) -> (Daemon, String) {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_redcon"));
    cmd.args(["agent", "--agent-config"])
        .arg(config)
        .args(["--listen", &format!("127.0.0.1:{port}")]);
    if let Some(log) = log {
        let daemon = Daemon::start_logged("redcon agent", &mut cmd, Some(log));
        return (daemon, format!("127.0.0.1:{port}"));
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start redcon agent: {e}"));
    let daemon = Daemon {
        name: "redcon agent",
        child,
        graceful: false,
    };
    (daemon, format!("127.0.0.1:{port}"))
}

/// The body of `GET path` over plain HTTP/1.1; `Err` while the server is not up.
pub fn http_get(addr: &str, path: &str) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    Ok(raw.split_off(at + 4))
}

/// `GET /v1/snapshot`, decoded; `Err` while the agent is not up.
pub fn snapshot(addr: &str) -> Result<redcon::api::Snapshot, String> {
    let body = http_get(addr, "/v1/snapshot")?;
    let decoded = redcon::api::decode_snapshot(&body, "agent").map_err(|e| e.to_string())?;
    if !decoded.errors.is_empty() {
        return Err(format!("{:?}", decoded.errors));
    }
    Ok(decoded.snapshot)
}

/// Tokens of the agents started by the operation tests.
pub const OPERATE: &str = "peer-operate-0123456789abcdef";
pub const READ: &str = "peer-read-0123456789abcdef000";

/// A token file (an `operate` token for `ops-team`, a `read` one for `wall`) and an audit
/// path in `dir`, as agent config fields.
pub fn ops_fields(dir: &TempDir) -> String {
    let tokens = dir.write(
        "tokens",
        &format!("operate {OPERATE} ops-team\nread {READ} wall\n"),
    );
    format!(
        "tokens: {:?}, audit: {:?}",
        tokens.display().to_string(),
        dir.path("audit.jsonl").display().to_string()
    )
}

/// Sends operations to an agent the way the console does (`redcon::dispatch::send`),
/// from a synchronous test.
pub struct Console {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    base: String,
}

impl Console {
    pub fn new(addr: &str) -> Console {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"));
        Console {
            rt,
            client,
            base: format!("http://{addr}"),
        }
    }

    /// The ETag of the agent's snapshot now: what a plan would be computed on.
    pub fn etag(&self) -> String {
        self.rt.block_on(async {
            let r = self
                .client
                .get(format!("{}/v1/snapshot", self.base))
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET snapshot: {e}"));
            r.headers()
                .get(reqwest::header::ETAG)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("no ETag"))
                .to_string()
        })
    }

    /// A request on the current snapshot, as a console would send it (the tests choose
    /// safe operations; the agent judges each again from its own sources).
    pub fn cleared(&self, kind: redcon::ops::OpKind, target: &str, key: &str) -> Request {
        Request {
            body: redcon::api::OpRequest {
                operation: redcon::ops::Operation {
                    kind,
                    target: target.into(),
                    reason: "peer test".into(),
                    operator: "tester".into(),
                    idempotency_key: key.into(),
                },
                verdict: redcon::ops::Verdict::Safe,
                acknowledged: redcon::ops::Acknowledged::default(),
            },
            version: self.etag(),
        }
    }

    pub fn send(&self, token: &str, r: &Request) -> redcon::dispatch::Sent {
        self.rt.block_on(redcon::dispatch::send_request(
            &self.client,
            &self.base,
            Some(token),
            &r.body,
            &r.version,
            Duration::from_secs(45),
        ))
    }
}

/// An operation request and the state version it was made on.
pub struct Request {
    pub body: redcon::api::OpRequest,
    pub version: String,
}

/// The agent's audit log, each intent settled with its outcome.
pub fn audit(dir: &TempDir) -> Vec<redcon::ops::audit::Record> {
    let (records, errors) =
        redcon::ops::audit::read(&dir.path("audit.jsonl")).unwrap_or_else(|e| panic!("audit: {e}"));
    assert!(errors.is_empty(), "{errors:?}");
    redcon::ops::audit::settle(&records)
}
