//! What the end-to-end console benchmarks share: a `redcon sim` process and the agents it
//! names, a fault sent to it, a console config for them, and the console in a pty whose
//! screen a vt100 parser keeps.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `redcon sim --listen 127.0.0.1:0 ARGS...`: the process, its address and its agents
/// (name, base URL), read from its log lines (`TIME INFO agent NAME: URL/v1/snapshot`).
pub fn sim(bin: &Path, args: &[&std::ffi::OsStr]) -> (Killed, String, Vec<(String, String)>) {
    let mut child = Command::new(bin)
        .args(["sim", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let (mut base, mut agents) = (None, Vec::new());
    for line in BufReader::new(err).lines().map_while(Result::ok) {
        if let Some((_, rest)) = line.split_once(" at http://") {
            base = Some(rest.trim().to_string());
        }
        if let Some((name, url)) = line
            .split_once("agent ")
            .and_then(|(_, l)| l.split_once(": "))
        {
            agents.push((
                name.to_string(),
                url.trim_end_matches("/v1/snapshot").to_string(),
            ));
        }
        if line.contains("faults: POST") {
            break;
        }
    }
    (Killed(child), base.unwrap(), agents)
}

/// `POST /v1/sim/faults` with `body`; anything but a 200 stops the benchmark.
pub fn fault(addr: &str, body: &str) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /v1/sim/faults HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
}

/// A console config in `dir` for `site` and `agents`, at default poll settings.
pub fn config(
    dir: &Path,
    name: &str,
    site: &Path,
    agents: &[(String, String)],
) -> std::path::PathBuf {
    let entries: Vec<String> = agents
        .iter()
        .map(|(n, u)| format!("(name: {n:?}, url: {u:?})"))
        .collect();
    let cfg = dir.join("config.ron");
    std::fs::write(
        &cfg,
        format!(
            "(sites: [(name: {name:?}, site: {site:?}, agents: [{}])])",
            entries.join(",\n")
        ),
    )
    .unwrap();
    cfg
}

/// The console on `cfg` in a 200x60 pty, its home in `dir`; the pty drained into a vt100
/// parser, so the console never blocks on a full buffer.
pub fn console(
    bin: &Path,
    cfg: &Path,
    dir: &Path,
) -> (
    Box<dyn portable_pty::Child + Send + Sync>,
    Arc<Mutex<vt100::Parser>>,
) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.args(["--config", cfg.to_str().unwrap()]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", dir);
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    let child = pty.slave.spawn_command(cmd).unwrap();
    let nz = |n| std::num::NonZeroU16::new(n).unwrap();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(60), nz(200), 0)));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let p = parser.clone();
    std::thread::spawn(move || {
        let _master = pty.master;
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    (child, parser)
}
