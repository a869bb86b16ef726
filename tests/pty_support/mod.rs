//! The real binary in a pseudo-terminal, for the tests that need to do to the terminal what
//! an operator's session does to it: stop it (SIGTSTP), continue it, quit it (SIGQUIT) and
//! hang it up (the SSH connection drops: the master side closes). The approach is
//! `tests/tui_pty.rs`'s (a thread always draining the pty into a vt100 parser, screens
//! polled against deadlines, every child killed by PID on drop); the reader here can be
//! stopped, so a test can close every descriptor of the master side.

#![allow(dead_code)]

pub mod bomb;
pub mod console;

use std::io::Write;
use std::num::NonZeroU16;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::termios::{LocalFlags, tcgetattr};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Long enough for a debug build to start and draw on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(15);
pub const POLL: Duration = Duration::from_millis(20);

pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    pub pid: u32,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    home: PathBuf,
    /// Every byte the program wrote to the terminal, escape sequences included.
    raw: Arc<Mutex<Vec<u8>>>,
}

/// The one rule for "the screen shows it", shared by every pty harness: poll the parsed
/// screen until `ok` holds and the screen has held still for one poll (vt100 does not
/// honour synchronized updates, so a look can land in the middle of a frame); panic with
/// the screen at the deadline. Returns the settled screen.
pub fn settled(
    parser: &Mutex<vt100::Parser>,
    what: &str,
    ok: impl Fn(&vt100::Screen) -> bool,
) -> String {
    let end = Instant::now() + DEADLINE;
    let mut seen: Option<String> = None;
    loop {
        let now = {
            let parser = parser.lock().unwrap();
            ok(parser.screen()).then(|| parser.screen().contents())
        };
        match now {
            Some(now) if seen.as_ref() == Some(&now) => return now,
            now => seen = now,
        }
        assert!(
            Instant::now() < end,
            "timed out waiting for {what}; the screen:\n{}",
            parser.lock().unwrap().screen().contents()
        );
        std::thread::sleep(POLL);
    }
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

impl Pty {
    /// `redcon ARGS` in an 80x24 pty, with an empty HOME and config dir plus `files`.
    pub fn start(test: &str, args: &[&str], files: &[(&str, String)]) -> Pty {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("pty-{test}"));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(home.join("config")).unwrap();
        for (name, text) in files {
            std::fs::write(home.join(name), text).unwrap();
        }
        let (cols, rows) = (80, 24);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_redcon"));
        cmd.args(args);
        cmd.env_clear();
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(&home);
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let pid = child.process_id().unwrap();
        // a descriptor of the master the reader owns and closes when it stops, so a test
        // can close every one of them (nix 0.28 still takes raw descriptors, no unsafe)
        let fd = nix028::unistd::dup(pair.master.as_raw_fd().unwrap()).unwrap();
        let flags = nix028::fcntl::fcntl(fd, nix028::fcntl::FcntlArg::F_GETFL).unwrap();
        let flags =
            nix028::fcntl::OFlag::from_bits_truncate(flags) | nix028::fcntl::OFlag::O_NONBLOCK;
        nix028::fcntl::fcntl(fd, nix028::fcntl::FcntlArg::F_SETFL(flags)).unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let stop = Arc::new(AtomicBool::new(false));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, s, r) = (parser.clone(), stop.clone(), raw.clone());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while !s.load(Ordering::Acquire) {
                match nix028::unistd::read(fd, &mut buf) {
                    Err(nix028::errno::Errno::EAGAIN) => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
            let _ = nix028::unistd::close(fd);
        });
        Pty {
            child,
            pid,
            master: Some(pair.master),
            writer: Some(writer),
            parser,
            raw,
            stop,
            reader: Some(reader),
            home,
        }
    }

    pub fn home(&self) -> &std::path::Path {
        &self.home
    }

    pub fn keys(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().unwrap();
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// Every byte written to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait until `ok` holds on a settled screen (`settled`).
    pub fn wait_until(&self, what: &str, ok: impl Fn(&vt100::Screen) -> bool) {
        settled(&self.parser, what, ok);
    }

    pub fn wait_for(&self, needle: &str) {
        self.wait_until(needle, |s| s.contents().contains(needle));
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.pid).unwrap());
        nix::sys::signal::kill(pid, sig).unwrap();
    }

    /// The process state letter from /proc: `T` when stopped.
    pub fn state(&self) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        // the command name is in parentheses and may hold spaces: the state follows it
        stat.rsplit(')')
            .next()
            .and_then(|rest| rest.trim_start().chars().next())
            .unwrap_or('?')
    }

    pub fn wait_state(&self, want: char) {
        let end = Instant::now() + DEADLINE;
        while self.state() != want {
            assert!(Instant::now() < end, "process never in state {want}");
            std::thread::sleep(POLL);
        }
    }

    /// Canonical mode and echo: what a shell's line editing and `stty sane` give.
    pub fn cooked(&self) -> bool {
        // the slave side has the same modes, and opening it by name needs no unsafe
        let name = self.master.as_ref().unwrap().tty_name().unwrap();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(name)
            .unwrap();
        let t = tcgetattr(&slave).unwrap();
        t.local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG)
    }

    /// The terminal as the shell left it: main screen, cursor shown, mouse not reported,
    /// cooked mode.
    pub fn assert_restored(&self) {
        {
            let parser = self.parser.lock().unwrap();
            let s = parser.screen();
            assert!(!s.alternate_screen(), "still on the alternate screen");
            assert!(!s.hide_cursor(), "cursor still hidden");
            assert_eq!(
                s.mouse_protocol_mode(),
                vt100::MouseProtocolMode::None,
                "mouse still reported"
            );
        }
        assert!(self.cooked(), "the terminal is still in raw mode");
    }

    /// The console owns the terminal: alternate screen, raw mode.
    pub fn assert_taken(&self) {
        assert!(self.parser.lock().unwrap().screen().alternate_screen());
        assert!(!self.cooked(), "not in raw mode");
    }

    /// Wait up to `within` for the child to exit.
    pub fn exited_within(&mut self, within: Duration) -> Option<portable_pty::ExitStatus> {
        let end = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            if Instant::now() >= end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Let the reader parse the last bytes the child wrote.
    pub fn settle(&self) {
        std::thread::sleep(Duration::from_millis(200));
    }

    /// Close every descriptor of the master side, as a terminal emulator or sshd does when
    /// the session goes away.
    pub fn hang_up(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.writer = None;
        self.master = None;
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal(nix::sys::signal::Signal::SIGKILL);
            let _ = self.child.wait();
        }
        self.stop.store(true, Ordering::Release);
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
