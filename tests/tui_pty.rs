//! The real binary in a pseudo-terminal: `redcon` with no arguments opens the console on
//! the embedded demo site (an in-process simulator polled over loopback HTTP), and these
//! tests drive it with keys and a resize and read the screen back through a vt100 parser,
//! as an operator's terminal would show it. They also check the way out: `q` and SIGTERM
//! must both leave the alternate screen and show the cursor again.
//!
//! Every wait polls the parsed screen against a deadline, so a slow machine only makes a
//! test slower, and a hung console fails it in seconds instead of hanging the suite.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Long enough for a debug build to start, poll the demo's agents and draw on a busy CI
/// machine; short enough that a broken console fails quickly.
const DEADLINE: Duration = Duration::from_secs(15);

/// Wait between looks at the screen.
const POLL: Duration = Duration::from_millis(20);

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// vt100 0.18 takes sizes as NonZeroU16; every size here is a literal above zero.
fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

/// One console in one pty. Dropping it kills the child by PID (SIGKILL: the console turns
/// SIGTERM and SIGHUP into a clean quit, which a wedged one might never reach), so a
/// failing assertion never leaves a process behind.
struct Console {
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set by the reader thread when the pty reports EOF: every byte the child wrote,
    /// including the restore on its way out, has been parsed.
    eof: Arc<AtomicBool>,
    /// Cursor-position queries (`ESC[6n`) seen. Nothing answers them in a bare pty, so
    /// crossterm would stall 2 s on each; the console must never send one.
    dsr: Arc<AtomicUsize>,
    home: PathBuf,
}

impl Console {
    fn start(test: &str, cols: u16, rows: u16) -> Console {
        Console::start_with(test, cols, rows, &[])
    }

    /// With files written under the config dir first (`redcon/config.ron`, ...).
    fn start_with(test: &str, cols: u16, rows: u16, files: &[(&str, String)]) -> Console {
        Console::start_args(test, cols, rows, files, &[])
    }

    fn start_args(
        test: &str,
        cols: u16,
        rows: u16,
        files: &[(&str, String)],
        args: &[&str],
    ) -> Console {
        // an empty HOME and config dir: a developer's own console config must not change
        // what the demo shows
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tui_pty-{test}"));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(home.join("config")).unwrap();
        for (name, text) in files {
            let path = home.join("config").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        let pair = native_pty_system().openpty(size(cols, rows)).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_redcon"));
        cmd.args(args);
        cmd.env_clear();
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(&home);
        let child = pair.slave.spawn_command(cmd).unwrap();
        // only the child may hold the slave: then its exit gives the reader EOF
        drop(pair.slave);
        let pid = child.process_id().unwrap();

        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let eof = Arc::new(AtomicBool::new(false));
        let dsr = Arc::new(AtomicUsize::new(0));
        let (p, e, d) = (parser.clone(), eof.clone(), dsr.clone());
        // always drain: a child writing to a full pty blocks, and the test would hang
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            // the last bytes of the previous read, so a query split across reads is seen
            let mut tail: Vec<u8> = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                d.fetch_add(
                    tail.windows(4).filter(|w| w == b"\x1b[6n").count(),
                    Ordering::Relaxed,
                );
                tail.drain(..tail.len().saturating_sub(3));
                p.lock().unwrap().process(&buf[..n]);
            }
            e.store(true, Ordering::Release);
        });
        Console {
            child,
            pid,
            master: pair.master,
            writer,
            parser,
            eof,
            dsr,
            home,
        }
    }

    fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Poll the parsed screen until `ok` holds and the screen has held still for one poll
    /// (vt100 does not honour synchronized updates, so a look can land in the middle of a
    /// frame); panic with the screen at the deadline.
    fn wait_until(&self, what: &str, ok: impl Fn(&vt100::Screen) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        let mut seen: Option<String> = None;
        loop {
            {
                let parser = self.parser.lock().unwrap();
                if ok(parser.screen()) {
                    let now = parser.screen().contents();
                    if seen.as_ref() == Some(&now) {
                        return now;
                    }
                    seen = Some(now);
                } else {
                    seen = None;
                }
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(POLL);
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |s| s.contents().contains(needle))
    }

    /// The console is up with data: the demo is a Tier III hall.
    fn wait_for_tier(&self) -> String {
        let screen = self.wait_for("live Tier III");
        assert_eq!(
            self.dsr.load(Ordering::Relaxed),
            0,
            "cursor position queried"
        );
        screen
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        // the parser first: the redraw that SIGWINCH triggers must land on a screen that size
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master.resize(size(cols, rows)).unwrap();
    }

    /// Wait for the child to exit and for its last bytes to be parsed.
    fn exit(&mut self) -> portable_pty::ExitStatus {
        let end = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < end,
                "the console did not exit; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(POLL);
        };
        while !self.eof.load(Ordering::Acquire) {
            assert!(Instant::now() < end, "no EOF from the pty after exit");
            std::thread::sleep(POLL);
        }
        status
    }

    /// The terminal is as the shell left it: main screen, cursor shown.
    fn assert_restored(&self) {
        let parser = self.parser.lock().unwrap();
        let s = parser.screen();
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert!(!s.hide_cursor(), "cursor still hidden");
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// Start, see the tier, switch view, filter, read the help, resize, quit, restored.
#[test]
fn an_operator_session_on_the_demo_site() {
    let mut c = Console::start("session", 80, 24);
    let screen = c.wait_for_tier();
    assert!(screen.contains("OPERATOR"), "{screen}");
    assert!(c.parser.lock().unwrap().screen().alternate_screen());
    // the first screen leads with what is wrong now
    let screen = c.wait_for("db1-sdc failed");
    assert!(screen.contains("UPS-A2 failed"), "{screen}");

    c.keys(b"6");
    let screen = c.wait_for("[6 Findings & SPOFs]");
    assert!(screen.contains("11 of 11"), "{screen}");

    // typed, the filter narrows the list as it goes; Enter keeps it
    c.keys(b"/loop-b");
    let screen = c.wait_for("3 of 11");
    assert!(screen.contains("filter /loop-b"), "{screen}");
    assert!(!screen.contains("GEN-YARD"), "{screen}");
    c.keys(b"\r");
    c.wait_for("filter: loop-b");

    // the selected row in full, in the box under the list; j moves the selection
    let screen = c.wait_for("selected");
    assert!(
        screen.contains("shortfall 100 kW (500/600 kW) at CRAH-1"),
        "{screen}"
    );
    c.keys(b"jj");
    c.wait_until("the SPOF row selected", |s| {
        s.contents()
            .lines()
            .any(|l| l.contains("> SPOF") && l.contains("LOOP-B"))
    });

    c.keys(b"?");
    let screen = c.wait_for("keys (? closes)");
    for key in ["Ctrl-C", "Shift-Tab", "Backspace", "filter the list"] {
        assert!(screen.contains(key), "{key} not in the help:\n{screen}");
    }
    c.keys(b"?");
    c.wait_until("the help closed", |s| {
        !s.contents().contains("keys (? closes)")
    });

    // SIGWINCH: the whole layout follows the new size, borders at the new right edge and
    // the footer on the new last row
    c.resize(120, 40);
    c.wait_until("a 120x40 layout", |s| {
        s.cell(3, 119).is_some_and(|x| x.contents() == "┐")
            && s.contents()
                .lines()
                .nth(39)
                .is_some_and(|l| l.contains("q quit"))
    });

    c.keys(b"q");
    let status = c.exit();
    assert!(status.success(), "exit status {status:?}");
    c.assert_restored();
}

/// SIGTERM (a service manager stopping it, `kill` from another shell) is a clean quit.
#[test]
fn sigterm_restores_the_terminal_and_exits() {
    let mut c = Console::start("sigterm", 80, 24);
    c.wait_for_tier();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &c.pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = c.exit();
    assert!(status.success(), "exit status {status:?}");
    c.assert_restored();
}

/// `:site NAME` with a console config of two sites (found in the default config dir):
/// the console leaves the first site, polls the second and says so.
#[test]
fn the_palette_switches_between_configured_sites() {
    let sites = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    let config = format!(
        "(sites: [(name: \"hall-1\", site: {:?}), (name: \"hall-2\", site: {:?})])",
        sites.join("e01.ron"),
        sites.join("e03.ron"),
    );
    let mut c = Console::start_with("site-switch", 100, 30, &[("redcon/config.ron", config)]);
    c.wait_for("e01 · live Tier");
    c.keys(b":site hall-9\r");
    c.wait_for("no site \"hall-9\"; configured: hall-1, hall-2");
    c.keys(b":site hall-2\r");
    c.wait_for("e03 · live Tier");
    c.keys(b"4");
    c.wait_for("switched to site hall-2");
    c.keys(b":q\r");
    let status = c.exit();
    assert!(status.success(), "exit status {status:?}");
    c.assert_restored();
}

/// A copy of the operator layout in the config dir is what the real console draws: here
/// with the footer moved to the top row.
#[test]
fn a_user_layout_in_the_config_dir_moves_the_footer_to_the_top() {
    let layout = r#"(split: vertical, parts: [
        (size: Length(1), panel: "footer"),
        (size: Length(2), panel: "header"),
        (size: Length(1), panel: "tabs"),
        (size: Min(1), panel: "body"),
    ])"#;
    let mut c = Console::start_with(
        "layout",
        80,
        24,
        &[("redcon/layouts/operator.ron", layout.to_string())],
    );
    c.wait_for_tier();
    c.wait_until("the footer on the top row", |s| {
        s.contents()
            .lines()
            .next()
            .is_some_and(|l| l.contains("q quit"))
    });
    c.keys(b"q");
    assert!(c.exit().success());
}

/// The mouse is the terminal's (copy and paste) unless `--mouse` asks for it; with it, a
/// click on a tab switches to it, and the terminal gets its mouse back on the way out.
#[test]
fn the_mouse_is_captured_only_with_dash_dash_mouse() {
    use vt100::MouseProtocolMode;
    let mut plain = Console::start("no-mouse", 80, 24);
    plain.wait_for_tier();
    let mode = plain.parser.lock().unwrap().screen().mouse_protocol_mode();
    assert_eq!(mode, MouseProtocolMode::None, "mouse captured by default");
    plain.keys(b"q");
    assert!(plain.exit().success());

    let mut c = Console::start_args("mouse", 80, 24, &[], &["--mouse"]);
    let screen = c.wait_for_tier();
    assert_ne!(
        c.parser.lock().unwrap().screen().mouse_protocol_mode(),
        MouseProtocolMode::None
    );
    let row = screen
        .lines()
        .position(|l| l.contains("5 Topology"))
        .unwrap();
    let col = screen.lines().nth(row).unwrap().find("5 Topology").unwrap();
    // SGR mouse report, 1-based: left button down, then up
    c.keys(
        format!(
            "\x1b[<0;{};{}M\x1b[<0;{};{}m",
            col + 2,
            row + 1,
            col + 2,
            row + 1
        )
        .as_bytes(),
    );
    c.wait_for("[5 Topology]");
    c.keys(b"q");
    assert!(c.exit().success());
    c.assert_restored();
    assert_eq!(
        c.parser.lock().unwrap().screen().mouse_protocol_mode(),
        MouseProtocolMode::None,
        "mouse left captured after exit"
    );
}

/// Drain a UPS module of the demo through the console: the plan, the reason, the typed id,
/// two confirmations; the live tier changes on the next poll and the audit log has it.
#[test]
fn a_drain_through_the_console_changes_the_live_tier_and_is_audited() {
    let mut c = Console::start("drain", 100, 32);
    c.wait_for_tier();
    // the distribution table, filtered down to one PDU, its detail (PDU-A1 cannot be
    // drained on the demo: with UPS-A2 failed, UPS-A3 would carry more than its rating)
    c.keys(b"3]]]");
    c.wait_for("PDU-A1");
    c.keys(b"/PDU-A1\r\r");
    c.wait_for("not a live SPOF of power");
    c.keys(b"d");
    // a frame may be parsed half-way: wait for the whole dialog, not its first line
    c.wait_until("the plan and the reason field", |s| {
        let t = s.contents();
        t.contains("DEGRADES  drain PDU-A1") && t.contains("reason:")
    });
    c.keys(b"replace capacitors\r");
    c.wait_until("the confirmation with Cancel focused", |s| {
        let t = s.contents();
        t.contains("type PDU-A1 to confirm") && t.contains("> Cancel <")
    });
    c.keys(b"PDU-A1\t\r");
    c.wait_for("Confirm again");
    c.keys(b"\t\r");
    c.wait_for("drain PDU-A1: done");
    c.wait_until("the live tier fall to II", |s| {
        let t = s.contents();
        t.contains("live Tier II") && !t.contains("live Tier III")
    });
    let audit = c.home.join(".local/state/redcon/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "intent and outcome: {text}");
    assert!(lines[0].contains("\"outcome\":\"pending\""), "{text}");
    assert!(lines[1].contains("\"outcome\":\"done\""), "{text}");
    assert!(lines[1].contains("replace capacitors"), "{text}");
    c.keys(b"4");
    c.wait_for("drain PDU-A1 sent by");
    c.keys(b"q");
    let status = c.exit();
    assert!(status.success(), "exit status {status:?}");
    c.assert_restored();
}
