//! Hostile peers on loopback. An agent answering every poll with a metrics bomb must not
//! keep `redcon status` past its timeout; clients holding every connection slot of an
//! agent must not take its health endpoint off the air.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod pty_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pty_support::bomb::Bomb;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_redcon"))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn status_against_a_metrics_bomb_answers_within_its_timeout_and_names_the_agent() {
    let bomb = Bomb::start("ups-gw-a", 1);
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/site.ron");
    let dir = temp_dir("bomb");
    let cfg = dir.join("console.ron");
    let text = format!(
        "(sites: [(name: \"dc1\", site: {:?}, agents: [(name: \"ups-gw-a\", url: {:?}, timeout_s: 3)])])",
        site.display().to_string(),
        bomb.url
    );
    std::fs::write(&cfg, text).unwrap();
    let started = Instant::now();
    let out = Command::new(bin())
        .args(["status", "--timeout", "3", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        took < Duration::from_millis(3500),
        "took {took:?}:\n{stdout}"
    );
    assert!(!out.status.success(), "a bomb is never OK:\n{stdout}");
    assert!(stdout.contains("ups-gw-a"), "the agent is named:\n{stdout}");
}

/// A child process killed however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `redcon agent` with a cap of 32 connections (4 of them the reserve); its address.
fn agent(dir: &Path) -> (Running, String) {
    let cfg = dir.join("agent.ron");
    std::fs::write(
        &cfg,
        "(id: \"flooded\", collect_every_s: 3600, collectors: [host()], max_connections: 32)",
    )
    .unwrap();
    let mut child = Command::new(bin())
        .args(["agent", "--listen", "127.0.0.1:0", "--agent-config"])
        .arg(&cfg)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let running = Running(child);
    let line = BufReader::new(err)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("serving http://"))
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    (running, addr)
}

/// Send a request and read the status code of the answer, within `within`.
fn get(addr: &str, path: &str, within: Duration) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(within)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split(' ').nth(1)?.parse().ok()
}

/// A client that sends half a request and then nothing: it holds a connection.
fn slow(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /v1/snapshot HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    s
}

#[test]
fn more_slow_clients_than_the_cap_leave_health_answering() {
    let dir = temp_dir("flood");
    let (_agent, addr) = agent(&dir);
    assert_eq!(get(&addr, "/v1/health", Duration::from_secs(5)), Some(200));
    // 40 trickling clients: the 28 ordinary slots, the 4 of the reserve, and 8 more
    // 40 trickling clients: the 28 ordinary slots, the 4 of the reserve, and 8 more; then
    // more until the agent has taken enough in that every ordinary slot is held. Then a
    // snapshot lands on the reserve, which is for health and operations only, and is
    // turned away at once.
    let mut hogs: Vec<TcpStream> = (0..40).map(|_| slow(&addr)).collect();
    loop {
        match get(&addr, "/v1/snapshot", Duration::from_secs(2)) {
            Some(503) => break,
            other => assert!(hogs.len() < 400, "never refused: {other:?}"),
        }
        hogs.extend((0..4).map(|_| slow(&addr)));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(hogs.len() > 32, "more clients than the cap");
    for round in 0..5 {
        let t = Instant::now();
        let code = get(&addr, "/v1/health", Duration::from_secs(2));
        assert_eq!(code, Some(200), "round {round}: health is off the air");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "round {round}: {:?}",
            t.elapsed()
        );
    }
    // a client that sends nothing is closed by the agent: after 2 s on the reserve, where
    // it lands now, and never later than the 15 s of an ordinary slot (a loaded machine
    // may have freed one meanwhile)
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 16];
    let closed = match idle.read(&mut buf) {
        Ok(n) => n == 0,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(
        closed,
        "an idle client kept its connection for {:?}",
        t.elapsed()
    );
    assert!(t.elapsed() < Duration::from_secs(17), "{:?}", t.elapsed());
    drop(hogs);
    // the slots come back: snapshots are served again
    let back = Instant::now() + Duration::from_secs(5);
    while get(&addr, "/v1/snapshot", Duration::from_secs(2)) != Some(200) {
        assert!(Instant::now() < back, "the slots did not come back");
        std::thread::sleep(Duration::from_millis(50));
    }
}
