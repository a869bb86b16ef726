//! The `pacemaker` driver through a real `redcon agent`: the agent's collector runs
//! `crm_mon` and its driver `crm_standby` / `crm_resource` on a copy of one of
//! redcon's test CIBs (`tests/cib/`) through `CIB_file`, so the whole cluster is offline. A node
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

use peers::{Console, OPERATE, READ, TempDir, need, wait_for};
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

/// A CIB of ours with every resource started (`tests/cib/make.sh`).
fn healthy_cib() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cib/healthy.xml")
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
#[ignore = "needs crm_mon, crm_standby, crm_resource, crm_simulate (pacemaker-cli-utils)"]
fn standby_unstandby_and_move_through_the_agent() {
    need(&TOOLS, "pacemaker-cli-utils");
    let dir = TempDir::new("pacemaker");
    let cib = dir.path("cib.xml");
    std::fs::copy(healthy_cib(), &cib).unwrap_or_else(|e| panic!("copy CIB: {e}"));
    let config = dir.write(
        "agent.ron",
        &format!(
            "(id: \"pm-1\", collect_every_s: 0.5, {},\n collectors: [pacemaker(cib_file: {:?}, cluster: \"cl-1\")])",
            peers::ops_fields(&dir),
            cib.display().to_string()
        ),
    );
    let (mut agent, addr) = peers::start_agent(&config);
    let n1 = wait_for("db1 online", WITHIN, || member(&addr, "db1"));
    assert_eq!(n1.state, MemberState::Ok, "{n1:?}");
    let console = Console::new(&addr);
    let cib_text = || std::fs::read_to_string(&cib).unwrap_or_default();

    // A read token is refused and the CIB stays as it was.
    let before = cib_text();
    let standby = console.cleared(OpKind::Standby, "db1", "n1-standby");
    let sent = console.send(READ, &standby);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");
    assert_eq!(cib_text(), before, "a refused operation changed the CIB");

    let sent = console.send(OPERATE, &standby);
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        sent.detail.contains("crm_standby --node db1 -v on"),
        "{sent:?}"
    );
    let n1 = until_flag(&addr, "db1", "standby", true);
    assert_eq!(n1.state, MemberState::Standby);

    // Drain would mean shutting the node down: the agent says what to do instead.
    let sent = console.send(OPERATE, &console.cleared(OpKind::Drain, "db2", "n2-drain"));
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    assert!(sent.detail.contains("use standby"), "{sent:?}");

    let sent = console.send(OPERATE, &console.cleared(OpKind::Undrain, "db1", "n1-back"));
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    let n1 = until_flag(&addr, "db1", "standby", false);
    assert_eq!(n1.state, MemberState::Ok);

    // fence-ipmi runs on db1; the move leaves a cli-prefer constraint in the CIB.
    until_flag(&addr, "fence-ipmi", "on:db1", true);
    let to = OpKind::Move { to: "db2".into() };
    let sent = console.send(OPERATE, &console.cleared(to, "fence-ipmi", "fence-move"));
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        cib_text().contains("cli-prefer-fence-ipmi"),
        "no move constraint"
    );
    // A saved CIB has no cluster to act on it: crm_simulate plays the transition the
    // cluster would run, and the agent's next crm_mon sees where fence-ipmi ended up.
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
    until_flag(&addr, "fence-ipmi", "on:db2", true);

    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "fence-ipmi", "fence-clear"),
    );
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    assert!(
        !cib_text().contains("cli-prefer-fence-ipmi"),
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
