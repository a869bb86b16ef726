//! `redcon keys` against the `?` help: both come from the key table, so every key the help
//! lists must be printed, under the same context and with the same words.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use assert_cmd::Command;

use redcon::tui::{keys, wall};

/// The printed table as (section heading, line) pairs.
fn keys_output() -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .arg("keys")
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut section = String::new();
    let mut rows = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("  ") {
            Some(row) => rows.push((section.clone(), row.to_string())),
            None => section = line.to_string(),
        }
    }
    rows
}

/// One printed line: the key, then its description.
fn has(rows: &[(String, String)], section: &str, key: &str, help: &str) -> bool {
    rows.iter().any(|(s, row)| {
        s == section
            && row
                .split_once(' ')
                .is_some_and(|(k, h)| k == key && h.trim_start() == help)
    })
}

#[test]
fn every_key_in_the_help_is_printed() {
    let rows = keys_output();
    let mut seen = 0;
    for (ctx, labels, help) in keys::help_lines() {
        for key in labels.split(", ") {
            assert!(
                has(&rows, &format!("console, {ctx}:"), key, help),
                "{key} ({help}, {ctx}) missing from `redcon keys`: {rows:#?}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, keys::KEYS.len(), "the help lists every binding once");
    for k in wall::KEYS {
        assert!(
            has(&rows, "wallboard:", k.label, k.help),
            "wallboard {} missing: {rows:#?}",
            k.label
        );
    }
    // one line a binding, nothing printed that is not in a table
    assert_eq!(rows.len(), keys::KEYS.len() + wall::KEYS.len(), "{rows:#?}");
}

/// A config dir holding `keymap.ron` with `text` (None: no file), private to one test.
fn config_dir(test: &str, text: Option<&str>) -> std::path::PathBuf {
    let dir =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_keys-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("redcon")).unwrap();
    if let Some(t) = text {
        std::fs::write(dir.join("redcon/keymap.ron"), t).unwrap();
    }
    dir
}

fn keys_with(dir: &std::path::Path, format: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["keys", "--format", format])
        .env_clear()
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .unwrap()
}

#[test]
fn the_printed_ron_keymap_saved_as_keymap_ron_changes_nothing() {
    let dir = config_dir("roundtrip", None);
    let plain = keys_with(&dir, "text");
    let ron = keys_with(&dir, "ron");
    assert!(ron.status.success(), "{ron:?}");
    std::fs::write(dir.join("redcon/keymap.ron"), &ron.stdout).unwrap();
    let again = keys_with(&dir, "text");
    assert!(
        again.status.success() && again.stderr.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.stdout, plain.stdout);
}

#[test]
fn a_user_keymap_shows_in_redcon_keys() {
    let dir = config_dir("rebind", Some(r#"{ "down": ["n", "Ctrl-N"] }"#));
    let out = keys_with(&dir, "text");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  n          select next row"), "{text}");
    assert!(text.contains("  Ctrl-N     select next row"), "{text}");
    assert!(!text.contains("  j          select next row"), "{text}");
}

#[test]
fn a_bad_keymap_is_reported_with_its_place_and_the_built_in_keys_printed() {
    let dir = config_dir(
        "bad",
        Some("{\n  \"down\": [\"n\"],\n  \"dwon\": [\"m\"],\n}"),
    );
    let out = keys_with(&dir, "text");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("keymap.ron:3:3: unknown action \"dwon\""),
        "{err}"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        redcon::tui::keys_text(&keys::Keymap::default()),
        "the built-in keys, not half the file"
    );
}
