//! `redcon status` / `explain` as scripts and Nagios meet them: the real binary, its line,
//! its JSON and its exit code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use assert_cmd::Command;
use serde_json::Value;

fn redcon() -> Command {
    match Command::cargo_bin("redcon") {
        Ok(c) => c,
        Err(e) => panic!("redcon binary not built: {e}"),
    }
}

fn site(name: &str) -> String {
    format!("{}/tests/sites/{name}.ron", env!("CARGO_MANIFEST_DIR"))
}

fn bad(name: &str) -> String {
    format!("{}/tests/bad_sites/{name}.ron", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String) {
    let out = redcon()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run redcon: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn demo_site_is_tier_iii_and_degraded() {
    let (code, out) = run(&["status"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("REDCON WARNING - site dc1 Tier III (design III): UPS-A2 failed"),
        "{out}"
    );
    assert!(
        out.contains(" | design_tier=3;;;0;4 live_tier=3;;;0;4"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "plugin output is one line: {out}");
}

#[test]
fn healthy_site_is_ok_with_exit_0() {
    let (code, out) = run(&["status", "--site", &site("e01")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("REDCON OK - site e01 Tier II (design II), design only, no live data | "),
        "{out}"
    );
}

#[test]
fn a_new_spof_is_critical() {
    let (code, out) = run(&[
        "status",
        "--site",
        &site("e05"),
        "--live",
        &site("e05-live"),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.starts_with("REDCON CRITICAL - site e05 Tier I (design II)"),
        "{out}"
    );
    assert!(out.contains("new SPOF U1, U3"), "{out}");
}

#[test]
fn require_tier_turns_a_low_tier_critical() {
    let (code, out) = run(&["status", "--site", &site("e01"), "--require-tier", "3"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("below the required Tier III"), "{out}");
    let (code, _) = run(&["status", "--site", &site("e01"), "--require-tier", "2"]);
    assert_eq!(code, 0);
    // usage errors are UNKNOWN to a monitor (monitoring-plugins guidelines)
    let (code, _) = run(&["status", "--require-tier", "7"]);
    assert_eq!(code, 3, "an impossible tier is a usage error");
    let (code, _) = run(&["status", "--format", "xml"]);
    assert_eq!(code, 3, "an unknown format is a usage error");
    let (code, _) = run(&["status", "--no-such-flag"]);
    assert_eq!(code, 3, "an unknown flag is a usage error");
}

#[test]
fn json_is_one_documented_object() {
    let (code, out) = run(&[
        "status",
        "--format",
        "json",
        "--site",
        &site("e11"),
        "--live",
        &site("e11-live-s2"),
    ]);
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
    assert_eq!(v["schema"], 2);
    assert_eq!(v["site"], "e11");
    assert_eq!(v["state"], "CRITICAL");
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["design_tier"], 4);
    assert_eq!(v["live_tier"], 1);
    assert_eq!(v["serving_now"], true);
    assert!(v["stale_agents"].as_array().is_some_and(|a| a.is_empty()));
    // the problems of the moment, worst first, as the console's Overview lists them
    let problems: Vec<(String, String, String)> = v["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let w = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (w("item"), w("trouble"), w("severity"))
        })
        .collect();
    let want = |i: &str, t: &str, s: &str| (i.to_string(), t.to_string(), s.to_string());
    assert_eq!(
        problems,
        [
            want("UPS-A2", "failed", "critical"),
            want("UPS-B1", "bypass", "warning"),
            want("UPS-B2", "bypass", "warning"),
            want("UPS-B3", "bypass", "warning"),
        ]
    );
    let power = &v["subsystems"][0];
    assert_eq!(power["name"], "power");
    assert_eq!(power["design_redundancy"], "2(N+1)");
    assert_eq!(power["redundancy"], "N");
    assert_eq!(power["state"], "critical");
    let spofs: Vec<&str> = v["spofs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(
        spofs,
        [
            "GSB-A",
            "PDU-A",
            "UOB-A",
            "UPS-A1",
            "UPS-A3",
            "zone:ELEC-A",
            "zone:GEN-A"
        ]
    );
    let finding = &v["findings"][0];
    assert_eq!(finding["rule"], "capacity_n_plus_1");
    assert_eq!(finding["blocks_tier"], 2);
    assert!(
        finding["elements"].as_array().is_some_and(|e| e.len() == 2),
        "{finding}"
    );
}

#[test]
fn explain_prints_every_subsystem_with_findings_and_spofs() {
    let (code, out) = run(&["explain", "--site", &site("e01")]);
    assert_eq!(code, 0);
    assert!(
        out.contains("power    design II   live II   N+1 -> N+1"),
        "{out}"
    );
    assert!(
        out.contains("Not Tier III: GSWG-1 cannot be removed for maintenance: IT (400 kW) would lose supply; same for PDU-1, UOB-1"),
        "{out}"
    );
    assert!(
        out.contains("SPOF design: GSWG-1, PDU-1, UOB-1, zone:ELEC, zone:GEN"),
        "{out}"
    );
    assert!(
        out.contains("Not Tier IV: cooling is not continuous through a power transfer"),
        "{out}"
    );
    let (_, verbose) = run(&["status", "--verbose", "--site", &site("e01")]);
    assert_eq!(out, verbose, "status --verbose and explain say the same");
}

#[test]
fn bad_site_files_are_unknown_with_file_line_and_column() {
    for (name, needle) in [
        ("syntax", "syntax.ron:"),
        ("unknown-reference", "unknown"),
        ("duplicate-id", "duplicate id"),
        ("negative-capacity", "capacity must be a positive number"),
        ("load-no-inputs", "has no inputs"),
    ] {
        let path = bad(name);
        let (code, out) = run(&["status", "--site", &path]);
        assert_eq!(code, 3, "{name}: {out}");
        assert!(
            out.starts_with("REDCON UNKNOWN - cannot load site: "),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!("{name}.ron:")),
            "{name}: names the file: {out}"
        );
        assert!(out.contains(needle), "{name}: {out}");
        let located = out
            .split(&format!("{name}.ron:"))
            .nth(1)
            .unwrap_or_default();
        let mut parts = located.split(':');
        let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let col: usize = parts
            .next()
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(0);
        assert!(line >= 1 && col >= 1, "{name}: line and column: {out}");
        let (code, json) = run(&["status", "--format", "json", "--site", &path]);
        assert_eq!(code, 3);
        let v: Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {json}"));
        assert_eq!(v["state"], "UNKNOWN");
        assert!(
            v["errors"].as_array().is_some_and(|e| !e.is_empty()),
            "{json}"
        );
    }
}

#[test]
fn every_semantic_problem_is_reported_in_one_run() {
    let out = redcon()
        .args(["status", "--site", &bad("all-semantic")])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    let problems = err
        .lines()
        .filter(|l| l.contains("all-semantic.ron:"))
        .count();
    assert!(problems >= 5, "all problems on stderr at once: {err}");
}

#[test]
fn a_missing_site_file_is_unknown() {
    let (code, out) = run(&["status", "--site", "no-such-site.ron"]);
    assert_eq!(code, 3);
    assert!(
        out.starts_with("REDCON UNKNOWN - cannot load site: no-such-site.ron"),
        "{out}"
    );
}

#[test]
fn bare_redcon_explains_the_demo_site_and_exits_cleanly() {
    let (code, out) = run(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("site dc1: design Tier III, live Tier III, serving now: yes"),
        "{out}"
    );
    assert!(
        out.contains("an unplanned failure of LOOP-B: cuts off CRAH-3, CRAH-4"),
        "{out}"
    );
}

/// A reader that closes the pipe after one line (`| head -1`) gets its line; redcon ends
/// quietly with its exit code, never with a panic.
#[test]
fn a_closed_pipe_is_no_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["explain", "--site", &site("e11")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
