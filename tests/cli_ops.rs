//! `redcon drain|failover ...` as a user runs them: dry runs on site files with the
//! documented exit codes, and real operations against a `redcon sim` process with a token
//! file, ending in `redcon status` warning about the maintenance left in place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use redcon::ops::audit::Outcome;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_redcon"))
}

fn site(name: &str) -> String {
    format!("{}/tests/sites/{name}.ron", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env_remove("REDCON_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("redcon-cli-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::create_dir_all(&d);
    d
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn dry_runs_print_the_plan_and_exit_by_verdict() {
    let (code, out, _) = run(&[
        "drain",
        "U1",
        "--reason",
        "fans",
        "--dry-run",
        "--site",
        &site("e01"),
    ]);
    assert_eq!(code, 1, "degrades: {out}");
    assert!(out.starts_with("DEGRADES  drain U1"), "{out}");
    assert!(out.contains("power    Tier"), "{out}");

    let dir = temp_dir("dry");
    let live = dir.join("live.ron");
    std::fs::write(&live, "(elements: {\"U2\": maintenance})").unwrap_or_else(|e| panic!("{e}"));
    let live = live.display().to_string();
    let (code, out, _) = run(&[
        "drain",
        "U1",
        "--reason",
        "fans",
        "--dry-run",
        "--site",
        &site("e01"),
        "--live",
        &live,
    ]);
    assert_eq!(code, 2, "refused: {out}");
    assert!(out.contains("refused: IT would lose supply"), "{out}");
    assert!(out.contains("loads losing supply: IT"), "{out}");

    let (code, out, _) = run(&[
        "failover",
        "vrid10",
        "--to",
        "R2",
        "--reason",
        "upgrade R1",
        "--dry-run",
        "--site",
        &site("e10-two-routers"),
    ]);
    assert_eq!(code, 0, "safe: {out}");
    assert!(out.starts_with("SAFE  failover vrid10 to R2"), "{out}");

    let (code, _, err) = run(&[
        "drain",
        "NOPE",
        "--reason",
        "x",
        "--dry-run",
        "--site",
        &site("e01"),
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("NOPE"), "{err}");
    // without --dry-run a site file has no agent to send to
    let (code, _, err) = run(&[
        "drain",
        "U1",
        "--reason",
        "x",
        "--yes",
        "--site",
        &site("e01"),
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("operations need live agents"), "{err}");
}

#[test]
fn a_drain_through_a_real_simulator_is_done_audited_and_then_warned_about() {
    let dir = temp_dir("sim");
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        "operate operate-secret-0123456789 alice\nread read-secret-0123456789abc wall\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let agent_audit = dir.join("agent-audit.jsonl");
    let mut child = Command::new(bin())
        .args(["sim", "--listen", "127.0.0.1:0", "--site", &site("e01")])
        .arg("--tokens")
        .arg(&tokens)
        .arg("--audit")
        .arg(&agent_audit)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut url = None;
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if let Some((_, rest)) = line.split_once("agent sim: ") {
                url = Some(rest.trim_end_matches("/v1/snapshot").to_string());
            }
            if line.contains("faults: POST") {
                break;
            }
        }
    }
    let _sim = Running(child);
    let url = url.unwrap_or_else(|| panic!("the simulator printed no agent url"));
    let cfg = dir.join("config.ron");
    std::fs::write(
        &cfg,
        format!(
            "(sites: [(name: \"e01\", site: {:?}, agents: [(name: \"sim\", url: {url:?})])])",
            site("e01")
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let cfg = cfg.display().to_string();
    let audit = dir.join("console-audit.jsonl").display().to_string();
    let read_file = dir.join("read-token");
    std::fs::write(&read_file, "read-secret-0123456789abc\n").unwrap_or_else(|e| panic!("{e}"));
    let op_file = dir.join("operate-token");
    std::fs::write(&op_file, "operate-secret-0123456789\n").unwrap_or_else(|e| panic!("{e}"));
    let base = [
        "drain",
        "U1",
        "--reason",
        "replace capacitor",
        "--yes",
        "--config",
        &cfg,
        "--audit",
        &audit,
    ];

    // degrading and not acknowledged: nothing is sent
    let (code, _, err) = run(&base);
    assert_eq!(code, 1, "{err}");
    // no token, then a read token: not authorised
    let (code, out, _) = run(&[&base[..], &["--accept-degrade"]].concat());
    assert_eq!(code, 5, "{out}");
    let read = read_file.display().to_string();
    let (code, out, _) = run(&[&base[..], &["--accept-degrade", "--token-file", &read]].concat());
    assert_eq!(code, 5, "{out}");
    assert!(out.contains("read-only"), "{out}");
    // the operate token: done, and the next status sees it
    let op = op_file.display().to_string();
    let (code, out, err) = run(&[&base[..], &["--accept-degrade", "--token-file", &op]].concat());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("done: HTTP 200"), "{out}");
    // and the agent's "done" is checked against its own state
    assert!(out.contains("done, seen at "), "{out}");

    let status = |age: &str| {
        let (code, out, _) = run(&[
            "status",
            "--config",
            &cfg,
            "--audit",
            &audit,
            "--maintenance-age",
            age,
            "--format",
            "json",
        ]);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let reasons: Vec<String> = v["reasons"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| r["text"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        (code, reasons)
    };
    // U1 out leaves U2 and U3 as single points of failure: CRITICAL, by the site's state
    let (code, reasons) = status("0");
    assert_eq!(code, 2, "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.starts_with("U1 maintenance")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("maintenance left in place: drain U1 by ")
                && r.ends_with("(replace capacitor)")),
        "the audit names who left it and why: {reasons:?}"
    );
    let (_, reasons) = status("24");
    assert!(
        !reasons
            .iter()
            .any(|r| r.starts_with("maintenance left in place")),
        "younger than the limit: {reasons:?}"
    );

    let (code, out, _) = run(&["audit", "--audit", &audit]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("not cleared"), "{out}");
    assert!(
        lines[1].contains("not authorised") && lines[2].contains("not authorised"),
        "{out}"
    );
    assert!(lines[3].contains("done"), "{out}");

    let agent_side = std::fs::read_to_string(&agent_audit).unwrap_or_default();
    assert_eq!(
        agent_side.lines().count(),
        4,
        "two refusals, then the intent and the done: {agent_side}"
    );
    let (raw, _) = redcon::ops::audit::read(std::path::Path::new(&agent_audit)).unwrap();
    let seen: Vec<(&str, Outcome)> = raw
        .iter()
        .map(|r| (r.operation.operator.as_str(), r.outcome))
        .collect();
    assert_eq!(
        seen,
        [
            ("unauthenticated", Outcome::Unauthorised),
            ("wall", Outcome::Unauthorised),
            ("alice", Outcome::Pending),
            ("alice", Outcome::Done)
        ]
    );
    assert!(
        raw[3].acknowledged.degrade,
        "the acknowledgement given is recorded"
    );
}
