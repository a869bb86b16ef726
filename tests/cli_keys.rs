//! `redcon keys` against the `?` help: both come from the key table, so every key the help
//! lists must be printed, under the same context and with the same words.

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
