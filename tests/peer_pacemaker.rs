//! The `pacemaker` driver through a real `redcon agent`: the agent's collector runs
//! `crm_mon` and its driver `crm_standby` / `crm_resource` on a copy of a public
//! Pacemaker regression CIB through `CIB_file`, so the whole cluster is offline. A node
//! goes into standby and back, a resource is moved (the cluster's part, carrying the
//! move out, is `crm_simulate` on the same file), and a read token changes nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use peers::{Console, OPERATE, READ, TempDir, have, wait_for};
use redcon::api::MemberReport;
use redcon::model::MemberState;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

const TOOLS: [&str; 4] = [
    "/usr/sbin/crm_mon",
    "/usr/sbin/crm_standby",
    "/usr/sbin/crm_resource",
    "/usr/sbin/crm_simulate",
];
const WITHIN: Duration = Duration::from_secs(15);

/// The public fixtures (`REDCON_SHARED_FIXTURES`, else `../shared/fixtures`); under
/// `CI=true` their absence fails.
fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("REDCON_SHARED_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"));
    if dir.join("pacemaker/cib-crm_mon.xml").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "no pacemaker fixtures under {} (set REDCON_SHARED_FIXTURES)",
        dir.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("SKIPPED: {msg}");
    None
}

fn member(addr: &str, id: &str) -> Result<MemberReport, String> {
    peers::snapshot(addr)?
        .members
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| format!("no {id} in the snapshot"))
}

/// Waits until the agent's snapshot shows `id` with `flag` (or without it).
fn until_flag(addr: &str, id: &str, flag: &str, present: bool) -> MemberReport {
    wait_for(&format!("{id} flag {flag} {present}"), WITHIN, || {
        let m = member(addr, id)?;
        if m.flags.iter().any(|f| f == flag) == present {
            Ok(m)
        } else {
            Err(format!("{id}: {:?} {:?}", m.state, m.flags))
        }
    })
}

#[test]
fn standby_unstandby_and_move_through_the_agent() {
    if !have(&TOOLS, "pacemaker-cli-utils") {
        return;
    }
    let Some(fixtures) = fixtures() else { return };
    let dir = TempDir::new("pacemaker");
    let cib = dir.path("cib.xml");
    std::fs::copy(fixtures.join("pacemaker/cib-crm_mon.xml"), &cib)
        .unwrap_or_else(|e| panic!("copy CIB: {e}"));
    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"pm-1\", collect_every_s: 0.5, {},\n collectors: [pacemaker(cib_file: {:?}, cluster: \"cl-1\")])",
            peers::ops_fields(&dir),
            cib.display().to_string()
        ),
    );
    let (mut agent, addr) = peers::start_agent(&config);
    let n1 = wait_for("cluster01 online", WITHIN, || member(&addr, "cluster01"));
    assert_eq!(n1.state, MemberState::Ok, "{n1:?}");
    let console = Console::new(&addr);
    let cib_text = || std::fs::read_to_string(&cib).unwrap_or_default();

    // A read token is refused and the CIB stays as it was.
    let before = cib_text();
    let standby = console.cleared(OpKind::Standby, "cluster01", "n1-standby");
    let sent = console.send(READ, &standby);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(cib_text(), before, "a refused operation changed the CIB");

    let sent = console.send(OPERATE, &standby);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        sent.detail.contains("crm_standby --node cluster01 -v on"),
        "{sent:?}"
    );
    let n1 = until_flag(&addr, "cluster01", "standby", true);
    assert_eq!(n1.state, MemberState::Standby);

    // Drain would mean shutting the node down: the agent says what to do instead.
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Drain, "cluster02", "n2-drain"),
    );
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(sent.detail.contains("use standby"), "{sent:?}");

    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "cluster01", "n1-back"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    let n1 = until_flag(&addr, "cluster01", "standby", false);
    assert_eq!(n1.state, MemberState::Ok);

    // Fencing runs on cluster01; the move leaves a cli-prefer constraint in the CIB.
    until_flag(&addr, "Fencing", "on:cluster01", true);
    let to = OpKind::Move {
        to: "cluster02".into(),
    };
    let sent = console.send(OPERATE, &console.cleared(to, "Fencing", "fencing-move"));
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        cib_text().contains("cli-prefer-Fencing"),
        "no move constraint"
    );
    // A saved CIB has no cluster to act on it: crm_simulate plays the transition the
    // cluster would run, and the agent's next crm_mon sees where Fencing ended up.
    let sim = Command::new("crm_simulate")
        .arg("-x")
        .arg(&cib)
        .args(["-S", "-O"])
        .arg(&cib)
        .output()
        .unwrap_or_else(|e| panic!("crm_simulate: {e}"));
    assert!(
        sim.status.success(),
        "crm_simulate: {}",
        String::from_utf8_lossy(&sim.stderr)
    );
    until_flag(&addr, "Fencing", "on:cluster02", true);

    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "Fencing", "fencing-clear"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        !cib_text().contains("cli-prefer-Fencing"),
        "move not cleared"
    );
    agent.assert_running();

    let outcomes: Vec<Outcome> = peers::audit(&dir).iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Unauthorised,
            Outcome::Done,
            Outcome::Rejected,
            Outcome::Done,
            Outcome::Done,
            Outcome::Done
        ]
    );
}
