//! The terminal's guard: one plain thread, independent of the async runtime's workers, that
//! watches signals and the terminal itself, so a console whose workers are busy still
//!
//! - ends when its terminal goes away (the SSH session dropped: SIGHUP, or the tty hangs
//!   up) and when it gets SIGTERM or SIGINT: first by asking the loop to quit, and if the
//!   process is still there [`GRACE`] later, by restoring the terminal and exiting;
//! - gives the terminal back on SIGQUIT before the default action ends the process;
//! - gives it back on SIGTSTP and stops, and on SIGCONT takes it again and redraws in full.
//!
//! It sleeps in `poll(2)` on the signals' self-pipes and the tty: no wakeups while idle.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, raise};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};

/// Raw mode, the alternate screen, the cursor hidden and (`mouse`) mouse capture: from
/// any state, so it also serves to take the terminal back after a stop, when the shell
/// may have changed its modes.
pub fn take(mouse: bool) -> io::Result<()> {
    // crossterm saves the modes to restore only when it is not in raw mode already
    let _ = disable_raw_mode();
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Leave raw mode, mouse capture and the alternate screen. Safe to call more than once,
/// and with the mouse never captured (the terminal ignores turning off what is off).
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// After a request to end, how long the loop has to end cleanly before the guard ends the
/// process itself.
pub const GRACE: Duration = Duration::from_millis(600);

/// What the guard and the screen share: the right to write to the terminal, and whether
/// the console holds it now.
#[derive(Default)]
pub struct Tty {
    writing: Mutex<()>,
    /// Stopped by SIGTSTP: the terminal is the shell's, frames are not drawn.
    suspended: AtomicBool,
    /// The terminal was given back and taken again: the next frame repaints everything.
    repaint: AtomicBool,
    mouse: AtomicBool,
    /// The console's screen is up: outside of it, stops and continues are the shell's.
    active: AtomicBool,
}

impl Tty {
    pub fn new(mouse: bool) -> Arc<Tty> {
        let t = Tty::default();
        t.mouse.store(mouse, Ordering::Relaxed);
        Arc::new(t)
    }

    /// Held while a frame is written, so the guard never restores in the middle of one.
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        self.writing.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn mouse(&self) -> bool {
        self.mouse.load(Ordering::Relaxed)
    }

    pub fn set_active(&self, on: bool) {
        self.active.store(on, Ordering::Release);
    }

    fn active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    pub fn suspended(&self) -> bool {
        self.suspended.load(Ordering::Acquire)
    }

    /// True once after the terminal was taken again: clear and draw everything.
    pub fn take_repaint(&self) -> bool {
        self.repaint.swap(false, Ordering::AcqRel)
    }

    /// The lock, if it comes within a moment: a writer stuck on a dead terminal must not
    /// keep the process from ending.
    fn lock_briefly(&self) -> Option<MutexGuard<'_, ()>> {
        let end = Instant::now() + Duration::from_millis(100);
        loop {
            match self.writing.try_lock() {
                Ok(g) => return Some(g),
                Err(std::sync::TryLockError::Poisoned(p)) => return Some(p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) if Instant::now() < end => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(std::sync::TryLockError::WouldBlock) => return None,
            }
        }
    }
}

/// What the guard asks of the console.
pub struct Hooks {
    /// Ask the loop to quit; false when the request could not be queued.
    pub quit: Box<dyn Fn() -> bool + Send>,
    /// Ask the loop to draw a frame.
    pub redraw: Box<dyn Fn() + Send>,
}

const WATCHED: [i32; 6] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT];

/// Start the guard for the terminal on `tty_fd` (the console's stdin or /dev/tty).
pub fn spawn(tty: Arc<Tty>, tty_fd: OwnedFd, hooks: Hooks) -> io::Result<()> {
    let mut pipes = Vec::new();
    for sig in WATCHED {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        signal_hook::low_level::pipe::register(sig, write)?;
        pipes.push((sig, read));
    }
    std::thread::Builder::new()
        .name("redcon-tty-guard".into())
        .spawn(move || watch(&tty, &tty_fd, &pipes, &hooks))?;
    Ok(())
}

fn watch(tty: &Tty, tty_fd: &OwnedFd, pipes: &[(i32, UnixStream)], hooks: &Hooks) {
    // set when the console was asked to end: the moment it must be gone by
    let mut ending: Option<Instant> = None;
    let mut tty_alive = true;
    // whether the quit request reached the loop's queue
    let mut asked = false;
    loop {
        let timeout = match ending {
            Some(_) if !asked => PollTimeout::from(20u8),
            Some(by) => {
                let left = by.saturating_duration_since(Instant::now());
                PollTimeout::try_from(left).unwrap_or(PollTimeout::ZERO)
            }
            None => PollTimeout::NONE,
        };
        let mut fds: Vec<PollFd> = pipes
            .iter()
            .map(|(_, p)| PollFd::new(p.as_fd(), PollFlags::POLLIN))
            .collect();
        if tty_alive {
            // no events asked for: poll still reports a hang-up or an error
            fds.push(PollFd::new(tty_fd.as_fd(), PollFlags::empty()));
        }
        match poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            // poll itself failing leaves nothing to watch with: stop watching quietly
            Err(_) => return,
        }
        let mut fired: Vec<i32> = Vec::new();
        for (i, fd) in fds.iter().enumerate() {
            let revents = fd.revents().unwrap_or(PollFlags::empty());
            if revents.is_empty() {
                continue;
            }
            match pipes.get(i) {
                Some((sig, pipe)) => {
                    drain(pipe);
                    fired.push(*sig);
                }
                None => {
                    // the terminal hung up: nobody will read a restore sequence, and each
                    // poll would report it again
                    tty_alive = false;
                    fired.push(SIGHUP);
                }
            }
        }
        for sig in fired {
            match sig {
                SIGTSTP => suspend(tty),
                SIGCONT => resume(tty, hooks),
                SIGQUIT => {
                    restore_now(tty);
                    let _ = signal_hook::low_level::emulate_default_handler(SIGQUIT);
                }
                _ if ending.is_none() => {
                    ending = Some(Instant::now() + GRACE);
                    asked = (hooks.quit)();
                }
                // asked twice (a hang-up also raises SIGHUP): the operator means it
                SIGHUP => {}
                _ => finish(tty, tty_alive),
            }
        }
        if ending.is_some() && !asked {
            // the loop's queue was full: it may still drain in time
            asked = (hooks.quit)();
        }
        if ending.is_some_and(|by| Instant::now() >= by) {
            finish(tty, tty_alive);
        }
    }
}

fn drain(pipe: &UnixStream) {
    use std::io::Read;
    let mut buf = [0u8; 64];
    let mut r = pipe;
    while matches!(r.read(&mut buf), Ok(n) if n > 0) {}
}

/// The console did not end in time: give the terminal back and end the process.
fn finish(tty: &Tty, tty_alive: bool) -> ! {
    if tty_alive {
        restore_now(tty);
    }
    std::process::exit(1);
}

fn restore_now(tty: &Tty) {
    let _held = tty.lock_briefly();
    if tty.active() {
        restore();
    }
}

fn suspend(tty: &Tty) {
    {
        let _held = tty.lock();
        if tty.active() {
            tty.suspended.store(true, Ordering::Release);
            restore();
        }
    }
    // stop for real; SIGCONT wakes the process and its pipe wakes this thread
    let _ = raise(Signal::SIGSTOP);
}

fn resume(tty: &Tty, hooks: &Hooks) {
    {
        let _held = tty.lock();
        if !tty.active() {
            return;
        }
        // the shell may have set its own modes while we were stopped (or someone sent a
        // bare SIGSTOP): take the terminal afresh either way
        let _ = take(tty.mouse());
        tty.suspended.store(false, Ordering::Release);
        tty.repaint.store(true, Ordering::Release);
    }
    (hooks.redraw)();
}

/// The terminal the console reads: stdin when it is one, else the controlling terminal.
pub fn tty_fd() -> io::Result<OwnedFd> {
    use std::io::IsTerminal;
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return stdin.as_fd().try_clone_to_owned();
    }
    Ok(OwnedFd::from(std::fs::File::open("/dev/tty")?))
}
