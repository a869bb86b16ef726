//! Agent text that tries to break out: an element id or flag with a newline, a `|`, an
//! escape sequence or a bell. The decoder refuses what cannot be shown (naming it escaped),
//! the plugin line stays one line with its perfdata intact, and no raw escape from an
//! agent reaches the operator's terminal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod pty_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use pty_support::Pty;
use pty_support::bomb::Bomb;

/// ups-gw-a's snapshot, with hostile ids and flags beside an honest UPS-A1.
fn hostile_body() -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    serde_json::json!({
        "schema_version": 1,
        "agent": {"id": "ups-gw-a", "version": "hostile"},
        "generated_at": now,
        "elements": [
            {"id": "UPS-A1", "state": "ok", "observed_at": now},
            {"id": "UPS-A2\n|evil=1;;;0;4", "state": "failed", "observed_at": now},
            {"id": "\u{1b}]0;pwned\u{7}", "state": "ok", "observed_at": now},
            {"id": "PIPE|injected=9;;;0;4", "state": "failed", "observed_at": now},
            {"id": "UPS-A3", "state": "ok", "observed_at": now, "flags": ["\u{1b}[2J"]},
        ]
    })
    .to_string()
    .into_bytes()
}

fn config(test: &str, url: &str) -> (PathBuf, String) {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/site.ron");
    let text = format!(
        "(sites: [(name: \"dc1\", site: {:?}, agents: [(name: \"ups-gw-a\", url: {url:?}, timeout_s: 3)])])",
        site.display().to_string()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-text-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("console.ron");
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

#[test]
fn the_plugin_line_stays_one_line_with_its_perfdata() {
    let agent = Bomb::serve(hostile_body());
    let (cfg, _) = config("status", &agent.url);
    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["status", "--timeout", "3", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line:\n{stdout}");
    assert_eq!(
        stdout.matches('|').count(),
        1,
        "one perfdata separator:\n{stdout}"
    );
    let (_, perf) = stdout.split_once(" | ").unwrap();
    assert!(perf.starts_with("design_tier=3;;;0;4 "), "{perf}");
    assert!(
        !perf.contains("evil") && !perf.contains("injected"),
        "{perf}"
    );
    for c in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!stdout.contains(c), "{c:?} in:\n{stdout}");
    }
    // the refused items are named, escaped, and the agent with them
    assert!(stdout.contains("ups-gw-a"), "{stdout}");

    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["status", "--format", "json", "--timeout", "3", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v["agents"][0]["item_errors"].to_string();
    assert!(items.contains("UPS-A2"), "{items}");
}

#[test]
fn the_console_shows_no_raw_escape_from_an_agent() {
    let agent = Bomb::serve(hostile_body());
    let (_, text) = config("console", &agent.url);
    let pty = Pty::start(
        "hostile-text",
        &["--config", "console.ron"],
        &[("console.ron", text)],
    );
    pty.wait_for("dc1");
    pty.wait_until("the agent polled", |s| {
        s.contents().contains("agents 1 fresh")
    });
    pty.settle();
    let raw = pty.raw();
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"\x1b]"), "an OSC sequence reached the terminal");
    assert!(!has(b"\x07"), "a bell reached the terminal");
    assert!(!has(b"|evil"), "the id with a newline was drawn");
}
