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

mod pty_support;

use std::path::PathBuf;

use pty_support::console::Console;

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
