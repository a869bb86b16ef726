//! A console in a pty for the tests that drive it with keys and read its screens: the
//! child killed by PID on drop, the pty always drained into a vt100 parser, every wait a
//! poll against a deadline.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{DEADLINE, POLL, nz};

pub fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// One console in one pty. Dropping it kills the child by PID (SIGKILL: the console turns
/// SIGTERM and SIGHUP into a clean quit, which a wedged one might never reach), so a
/// failing assertion never leaves a process behind.
pub struct Console {
    pub child: Box<dyn Child + Send + Sync>,
    pub pid: u32,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Set by the reader thread when the pty reports EOF: every byte the child wrote,
    /// including the restore on its way out, has been parsed.
    eof: Arc<AtomicBool>,
    /// Cursor-position queries (`ESC[6n`) seen. Nothing answers them in a bare pty, so
    /// crossterm would stall 2 s on each; the console must never send one.
    dsr: Arc<AtomicUsize>,
    pub home: PathBuf,
}

impl Console {
    pub fn start(test: &str, cols: u16, rows: u16) -> Console {
        Console::start_with(test, cols, rows, &[])
    }

    /// With files written under the config dir first (`redcon/config.ron`, ...).
    pub fn start_with(test: &str, cols: u16, rows: u16, files: &[(&str, String)]) -> Console {
        Console::start_args(test, cols, rows, files, &[])
    }

    pub fn start_args(
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
        Console::spawn(home, cols, rows, args)
    }

    /// Another console on the HOME an earlier one left (its state files, its audit log).
    pub fn start_in(home: &std::path::Path, cols: u16, rows: u16) -> Console {
        Console::spawn(home.to_path_buf(), cols, rows, &[])
    }

    fn spawn(home: PathBuf, cols: u16, rows: u16, args: &[&str]) -> Console {
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

    pub fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait until `ok` holds on a settled screen (`super::settled`, the one rule).
    pub fn wait_until(&self, what: &str, ok: impl Fn(&vt100::Screen) -> bool) -> String {
        super::settled(&self.parser, what, ok)
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |s| s.contents().contains(needle))
    }

    /// The console is up with data: the demo is a Tier III hall.
    pub fn wait_for_tier(&self) -> String {
        let screen = self.wait_for("live Tier III");
        assert_eq!(
            self.dsr.load(Ordering::Relaxed),
            0,
            "cursor position queried"
        );
        screen
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        // the parser first: the redraw that SIGWINCH triggers must land on a screen that size
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master.resize(size(cols, rows)).unwrap();
    }

    /// Wait for the child to exit and for its last bytes to be parsed.
    pub fn exit(&mut self) -> portable_pty::ExitStatus {
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
    pub fn assert_restored(&self) {
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
