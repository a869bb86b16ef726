//! The real wallboard in a pseudo-terminal, fed by a real `redcon sim` process over
//! loopback: every action key the console knows must leave the wall as it was (only its
//! own page keys turn a page), and killing the simulator must bring up `STALE DATA`, then
//! `NO DATA`, with the wallboard still running and quitting cleanly afterwards.
//!
//! The approach is `tests/tui_pty.rs`'s: a reader thread always draining the pty into a
//! vt100 parser, screen polling against deadlines, and every child killed by PID on drop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// Long enough for a debug build to start and for agents to age out (dead after 3 s plus
/// the 1 s wall clock tick); short enough that the whole test stays well under 20 s.
const DEADLINE: Duration = Duration::from_secs(8);

/// Wait between looks at the screen.
const POLL: Duration = Duration::from_millis(20);

/// Between two keys: crossterm reads a lone ESC followed at once by more bytes as Alt+key
/// or an escape sequence, so each key gets its own read.
const KEY_GAP: Duration = Duration::from_millis(40);

const COLS: u16 = 100;
const ROWS: u16 = 30;

fn kill(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

/// The simulator process, killed by PID however the test ends.
struct Sim {
    child: std::process::Child,
}

impl Sim {
    /// Start `redcon sim` on an ephemeral loopback port; return it and its agents' base URLs.
    fn start() -> (Sim, Vec<(String, String)>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redcon"))
            .args(["sim", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        // owned before reading, so a panic below still kills it
        let sim = Sim { child };
        let mut agents = Vec::new();
        let mut lines = BufReader::new(err).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            // after the log line's time and level: `agent NAME: URL/v1/snapshot`
            if let Some((name, url)) = line
                .split_once("agent ")
                .and_then(|(_, l)| l.split_once(": "))
            {
                let base = url.trim_end_matches("/v1/snapshot").to_string();
                agents.push((name.to_string(), base));
            }
            if line.contains("faults: POST") {
                break;
            }
        }
        // keep draining: a sim whose stderr pipe fills would block while serving
        std::thread::spawn(move || for _ in lines {});
        assert_eq!(agents.len(), 10, "agents from the sim: {agents:?}");
        for (_, url) in &agents {
            assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        }
        (sim, agents)
    }

    fn kill(&mut self) {
        kill(self.child.id());
        let _ = self.child.wait();
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// A console config for the demo site on the sim's agents, aging out fast: stale after 1 s
/// and dead after 3 s without an answer, polled every 0.3 s.
fn write_config(dir: &Path, agents: &[(String, String)]) -> PathBuf {
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let entries: Vec<String> = agents
        .iter()
        .map(|(n, u)| format!("(name: {n:?}, url: {u:?}, interval_s: 0.3, timeout_s: 0.5)"))
        .collect();
    let text = format!(
        "(sites: [(name: \"dc1\", site: {site:?}, agents: [{}])],\n \
         poll: (stale_after_s: 1.0, dead_after_s: 3.0))",
        entries.join(",\n")
    );
    let cfg = dir.join("wall.ron");
    std::fs::write(&cfg, text).unwrap();
    cfg
}

/// The wallboard in a pty, killed by PID on drop.
struct Wall {
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    eof: Arc<AtomicBool>,
    // held so the pty stays open for the whole test
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Wall {
    fn start(home: &Path, cfg: &Path) -> Wall {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_redcon"));
        // an empty HOME and config dir: only the config given here may be read
        cmd.env_clear();
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(home);
        cmd.args(["wallboard", "--config"]);
        cmd.arg(cfg);
        cmd.args(["--rotate", "0"]);
        let child = pair.slave.spawn_command(cmd).unwrap();
        // only the child may hold the slave: then its exit gives the reader EOF
        drop(pair.slave);
        let pid = child.process_id().unwrap();

        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).unwrap(),
            NonZeroU16::new(COLS).unwrap(),
            0,
        )));
        let eof = Arc::new(AtomicBool::new(false));
        let (p, e) = (parser.clone(), eof.clone());
        // always drain: a child writing to a full pty blocks, and the test would hang
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
            e.store(true, Ordering::Release);
        });
        Wall {
            child,
            pid,
            writer,
            parser,
            eof,
            _master: pair.master,
        }
    }

    fn key(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(KEY_GAP);
    }

    fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The background colour of the first cell inside the first `word` on screen.
    fn verdict_colour(&self, word: &str) -> Option<vt100::Color> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let (rows, cols) = (u16::from(rows), u16::from(cols));
        for row in 0..rows {
            let line: String = (0..cols)
                .map(|c| {
                    let text = screen.cell(row, c).map_or("", |x| x.contents());
                    if text.is_empty() { " " } else { text }.to_string()
                })
                .collect();
            if let Some(i) = line.find(word) {
                let col = line[..i].chars().count() as u16 + 1;
                return screen.cell(row, col).map(|c| c.bgcolor());
            }
        }
        None
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let screen = self.contents();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// The screen once it has stopped changing for a while: vt100 does not honour
    /// synchronized updates, so a look can land between the header and the body of one
    /// frame.
    fn settled(&self) -> String {
        let end = Instant::now() + DEADLINE;
        let mut last = self.contents();
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = self.contents();
            if now == last {
                return now;
            }
            assert!(Instant::now() < end, "the screen never settled:\n{now}");
            last = now;
        }
    }

    /// Back on page 1 with the body exactly as `first` showed it. Waiting (rather than
    /// looking once) rides out a frame parsed in halves; a real change fails at the deadline.
    fn wait_for_first_page(&self, first: &str, why: &str) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let screen = self.contents();
            if screen.contains("page 1/3 Overview") && body(&screen) == body(first) {
                return screen;
            }
            assert!(
                Instant::now() < end,
                "{why}; before:\n{first}\nafter:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }

    fn exit(&mut self) -> portable_pty::ExitStatus {
        let end = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < end,
                "the wallboard did not exit; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(POLL);
        };
        // the restore is the child's last output: wait until it has all been parsed
        while !self.eof.load(Ordering::Acquire) {
            assert!(Instant::now() < end, "no EOF from the pty after exit");
            std::thread::sleep(POLL);
        }
        status
    }
}

impl Drop for Wall {
    fn drop(&mut self) {
        if self.running() {
            kill(self.pid);
            let _ = self.child.wait();
        }
    }
}

/// Everything below the header line: the header carries the clock and the page number,
/// the rest (banner, tier badge, verdict, tiles, findings) must not move on a key.
fn body(screen: &str) -> String {
    screen.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// Every key the console acts on (its key table, bar q and Ctrl-C), plus a few more keys
/// such consoles commonly bind, as a terminal sends them. None may do anything on the wall.
const CONSOLE_KEYS: &[(&str, &[u8])] = &[
    ("Tab", b"\t"),
    ("Shift-Tab", b"\x1b[Z"),
    ("1", b"1"),
    ("2", b"2"),
    ("3", b"3"),
    ("Up", b"\x1b[A"),
    ("k", b"k"),
    ("Down", b"\x1b[B"),
    ("j", b"j"),
    ("/", b"/"),
    // typed after `/`: a filter would take them, the wall must not
    ("x", b"x"),
    ("Backspace", b"\x7f"),
    ("Enter", b"\r"),
    ("?", b"?"),
    ("Esc", b"\x1b"),
    ("Home", b"\x1b[H"),
    ("End", b"\x1b[F"),
    ("PageDown", b"\x1b[6~"),
    (":", b":"),
    ("s", b"s"),
];

#[test]
fn the_wallboard_ignores_action_keys_and_shows_data_aging_out() {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tui_wall_pty");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("config")).unwrap();

    let (mut sim, agents) = Sim::start();
    let cfg = write_config(&home, &agents);
    let mut wall = Wall::start(&home, &cfg);

    wall.wait_for("live Tier III");
    let first = wall.settled();
    // every page carries the verdict word in its colour (the demo is WARNING: yellow)
    for page in 1..=3 {
        wall.wait_for(&format!("page {page}/3"));
        wall.settled();
        assert_eq!(
            wall.verdict_colour(" WARNING "),
            Some(vt100::Color::Idx(3)),
            "page {page}:\n{}",
            wall.contents()
        );
        wall.key(b"n");
    }
    assert!(first.contains("page 1/3 Overview"), "{first}");
    assert!(!first.contains("STALE DATA"), "{first}");
    assert!(wall.parser.lock().unwrap().screen().alternate_screen());

    for (name, bytes) in CONSOLE_KEYS {
        wall.key(bytes);
        assert!(wall.running(), "the wallboard exited on {name}");
    }
    // keys are read in order: once `n` has turned the page, every key above was handled
    wall.key(b"n");
    wall.wait_for("page 2/3 Now");
    wall.key(b"p");
    let after = wall.wait_for_first_page(&first, "a console key changed the wallboard");
    assert!(wall.running());
    for absent in ["filter", "keys (? closes)", "OPERATOR"] {
        assert!(
            !body(&after).contains(absent),
            "{absent:?} on the wall:\n{after}"
        );
    }
    // the arrows are the wall's page keys too, and only that
    wall.key(b"\x1b[C");
    wall.wait_for("page 2/3");
    wall.key(b"\x1b[D");
    wall.wait_for_first_page(&first, "an arrow changed more than the page");

    // the agents go silent: stale after 1 s, dead (and so no data) after 3 s
    sim.kill();
    // one whole frame: the banner and the tier under it (a look can land mid-frame)
    wall.wait_until("the stale banner over the last known tier", |s| {
        s.contains("STALE DATA") && s.contains("live Tier")
    });
    wall.wait_for("NO DATA");
    assert!(wall.running(), "the wallboard exited when its agents died");

    wall.key(b"q");
    let status = wall.exit();
    assert!(status.success(), "exit status {status:?}");
    let parser = wall.parser.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!parser.screen().hide_cursor(), "cursor still hidden");
    drop(parser);
    let _ = std::fs::remove_dir_all(&home);
}
