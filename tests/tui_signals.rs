//! The terminal always comes back. In a pseudo-terminal, for the console, the read-only
//! console and the wallboard: SIGTSTP gives the terminal back (cooked mode, main screen,
//! cursor shown, mouse off) and stops; SIGCONT takes it again and redraws, and the face
//! answers keys afterwards; SIGQUIT gives it back before the process ends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod pty_support;

use std::time::Duration;

use nix::sys::signal::Signal;
use pty_support::{DEADLINE, Pty};

/// Each face, with the key that shows it is listening and what that key brings up.
const FACES: [(&str, &[&str], &[u8], &str); 3] = [
    ("console", &["--mouse"], b"?", "keys (? closes)"),
    ("read-only", &["--read-only"], b"?", "keys (? closes)"),
    ("wallboard", &["wallboard"], b"n", "page 2/3"),
];

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    for (face, args, key, answer) in FACES {
        let mut t = Pty::start(&format!("tstp-{face}"), args, &[]);
        t.wait_for("live Tier III");
        t.assert_taken();

        t.signal(Signal::SIGTSTP);
        t.wait_state('T');
        t.settle();
        t.assert_restored();

        t.signal(Signal::SIGCONT);
        t.wait_until("the console back on its screen", |s| {
            s.alternate_screen() && s.hide_cursor() && s.contents().contains("live Tier III")
        });
        assert!(!t.cooked(), "{face}: not in raw mode after SIGCONT");
        if face == "console" {
            assert_ne!(
                t.parser.lock().unwrap().screen().mouse_protocol_mode(),
                vt100::MouseProtocolMode::None,
                "--mouse: capture is back on"
            );
        }
        // usable: it reads keys again
        t.keys(key);
        t.wait_for(answer);
        t.keys(b"q");
        let status = t.exited_within(DEADLINE).expect("the console quits");
        assert!(status.success(), "{face}: {status:?}");
        t.settle();
        t.assert_restored();
    }
}

#[test]
fn sigquit_restores_the_terminal_before_the_process_ends() {
    for (face, args, _, _) in FACES {
        let mut t = Pty::start(&format!("quit-{face}"), args, &[]);
        t.wait_for("live Tier III");
        t.assert_taken();
        t.signal(Signal::SIGQUIT);
        let status = t
            .exited_within(Duration::from_secs(5))
            .expect("SIGQUIT ends the process");
        assert!(!status.success(), "{face}: {status:?}");
        t.settle();
        t.assert_restored();
    }
}
