//! The operation dialog on the real console in a pseudo-terminal: at 80x24 and 60x15 a plan
//! whose lines wrap (a drain of MSWG-A names several new single points of failure) still
//! shows the verdict, the reason and both buttons with the focus visible.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

mod pty_support;

use pty_support::console::Console;

#[test]
fn a_wrapped_plan_never_hides_the_buttons() {
    for (cols, rows) in [(80, 24), (60, 15)] {
        let mut c = Console::start(&format!("dialog-{cols}"), cols, rows);
        c.wait_for("UPS-A2");
        c.keys(b":goto MSWG-A\r");
        c.wait_for("MSWG-A · Esc");
        c.keys(b"d");
        c.wait_for("reason:");
        c.keys(b"switchgear service\r");
        let screen = c.wait_until("the confirmation step", |s| {
            let t = s.contents();
            t.contains("> Cancel <") && t.contains("Confirm")
        });
        assert!(
            screen.contains("DEGRADES"),
            "the verdict stays pinned:\n{screen}"
        );
        assert!(
            screen.contains("switchgear service"),
            "the reason too:\n{screen}"
        );
        // Tab moves the focus, and the focus shows
        c.keys(b"\t");
        c.wait_until("Confirm focused", |s| s.contents().contains("> Confirm"));
    }
}
