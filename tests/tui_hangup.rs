//! A lost terminal ends the console. The console polls agents that answer every poll with
//! a metrics bomb (elements of 100,000 metric names), so its poller is as busy as agents
//! can make it; then the master side of its terminal is closed, as when an SSH session
//! drops. It must be gone within 2 s, without a thread left spinning on the dead tty.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod pty_support;

use std::path::Path;
use std::time::{Duration, Instant};

use pty_support::Pty;
use pty_support::bomb::Bomb;

fn config(bombs: &[(&str, &Bomb)]) -> String {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/site.ron");
    let agents: Vec<String> = bombs
        .iter()
        .map(|(name, b)| {
            format!(
                "(name: {name:?}, url: {:?}, interval_s: 0.1, timeout_s: 10)",
                b.url
            )
        })
        .collect();
    format!(
        "(sites: [(name: \"dc1\", site: {:?}, agents: [{}])])",
        site.display().to_string(),
        agents.join(", ")
    )
}

#[test]
fn closing_the_terminal_ends_a_busy_console_within_two_seconds() {
    let bombs: Vec<(&str, Bomb)> = ["ups-gw-a", "ups-gw-b", "epms-gw"]
        .into_iter()
        .map(|name| (name, Bomb::start(name, 4)))
        .collect();
    let named: Vec<(&str, &Bomb)> = bombs.iter().map(|(n, b)| (*n, b)).collect();
    let cfg = config(&named);
    let mut t = Pty::start(
        "hangup",
        &["--config", "console.ron"],
        &[("console.ron", cfg)],
    );
    // a configured site without an operate token: the console is up, read-only
    t.wait_for("READ-ONLY");
    // let the poller get into its stride
    std::thread::sleep(Duration::from_secs(2));
    assert!(t.exited_within(Duration::ZERO).is_none(), "exited early");
    let answered: usize = bombs.iter().map(|(_, b)| b.answered()).sum();
    assert!(
        answered >= 3,
        "the console is not polling the bombs: {answered} answers"
    );
    let closed = Instant::now();
    t.hang_up();
    let gone = t.exited_within(Duration::from_secs(2));
    assert!(
        gone.is_some(),
        "the console outlived its terminal by {:?}",
        closed.elapsed()
    );
    eprintln!("console gone {:?} after the hang-up", closed.elapsed());
}
