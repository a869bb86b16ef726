//! The `modbus` collector against a real Modbus TCP server: pymodbus (pinned, in the venv
//! .ci/test makes) serving a CRAH, a generator controller and a transfer switch in the
//! shipped maps' layouts, read by a real `redcon agent`. The test changes registers over
//! Modbus as an operator's tool would; the next snapshots show the new states. A device
//! whose map asks for registers the server lacks gets the exception named, alone.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use peers::{Daemon, TempDir, wait_for};
use redcon::api::{ElementReport, Snapshot};
use redcon::model::ElementState;
use tokio_modbus::client::Writer;

const WITHIN: Duration = Duration::from_secs(20);

/// The venv's python with pymodbus (`REDCON_PEER_PYTHON`, else the one .ci/test makes).
fn python() -> PathBuf {
    let path = std::env::var_os("REDCON_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peer-venv/bin/python")
        });
    let how = "run .ci/test (it installs pymodbus==3.16.1 into target/peer-venv), \
               or set REDCON_PEER_PYTHON to a python with pymodbus";
    peers::needs(&[&path.display().to_string()], how);
    let has = Command::new(&path)
        .args(["-c", "import pymodbus"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(has, "{} has no pymodbus: {how}", path.display());
    path
}

fn element(s: &Snapshot, id: &str) -> Result<ElementReport, String> {
    s.elements
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(|| format!("no {id}"))
}

/// Write holding registers of one unit, as a BMS or a technician's tool would.
fn write(port: u16, unit: u8, address: u16, words: &[u16]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut ctx = tokio_modbus::client::tcp::connect_slave(addr, tokio_modbus::Slave(unit))
            .await
            .unwrap();
        ctx.write_multiple_registers(address, words)
            .await
            .unwrap()
            .unwrap();
    });
}

#[test]
#[ignore = "needs pymodbus 3.16.1 (.ci/test installs it into target/peer-venv)"]
fn pymodbus_devices_through_an_agent() {
    let python = python();
    let dir = TempDir::new("modbus");
    // unit 1: CRAH (holding 0-9); unit 2: generator (holding 0-6, coil 0, 250 kW as a
    // low-word-first float); unit 3: transfer switch (holding 0-3, discrete 0-2).
    dir.write(
        "registers.json",
        r#"{
            "1": {"holding": [182, 265, 180, 1, 1, 0, 1, 0, 0, 1205]},
            "2": {"holding": [2, 0, 80, 62, 0, 17274, 2], "coils": [1]},
            "3": {"holding": [1, 1, 2301, 2298], "discrete": [1, 1, 0]}
        }"#,
    );
    let port = peers::free_port();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/modbus_server.py");
    let mut cmd = Command::new(&python);
    cmd.arg(&script)
        .arg(port.to_string())
        .arg(dir.path("registers.json"));
    let mut server = Daemon::start_logged("pymodbus", &mut cmd, Some(&dir.path("server.log")));
    wait_for("pymodbus listens", WITHIN, || {
        std::net::TcpStream::connect(("127.0.0.1", port))
            .map(drop)
            .map_err(|e| e.to_string())
    });
    // A map of the site's own that reads past what unit 1 has: an exception, for it alone.
    let wrong = dir.write(
        "wrong.ron",
        r#"(description: "wrong", registers: {"x": (function: holding, address: 40)}, require: ["x"])"#,
    );
    let config = dir.write(
        "agent.ron",
        &format!(
            r#"(id: "modbus-gw", collect_every_s: 0.5, collectors: [modbus(timeout_s: 2.0, devices: [
                (element: "CRAH-3", address: "127.0.0.1:{port}", map: "crah"),
                (element: "GEN-A", address: "127.0.0.1:{port}", map: "generator", unit: 2),
                (element: "ATS-1", address: "127.0.0.1:{port}", map: "transfer-switch", unit: 3),
                (element: "ODD-1", address: "127.0.0.1:{port}", map_file: {wrong:?}),
            ])], element_map: {{"ATS-1/source1": "UTIL-A", "ATS-1/source2": "GEN-A"}})"#,
            wrong = wrong.display().to_string()
        ),
    );
    let log = dir.path("agent.log");
    let (mut agent, addr) = peers::start_agent_logged(&config, Some(&log));
    let addr = addr.as_str();
    let until = |what: &str, check: &dyn Fn(&Snapshot) -> Result<(), String>| {
        wait_for(what, WITHIN, || {
            let s = peers::snapshot(addr)?;
            check(&s).map(|()| s)
        })
    };
    let s = until("devices read", &|s| {
        let st: Vec<_> = ["CRAH-3", "GEN-A", "ATS-1"]
            .iter()
            .map(|id| element(s, id).map(|e| e.state))
            .collect::<Result<_, _>>()?;
        if st.iter().all(|x| *x == ElementState::Ok) {
            Ok(())
        } else {
            Err(format!("{st:?}"))
        }
    });
    server.assert_running();
    let crah = element(&s, "CRAH-3").unwrap();
    assert_eq!(crah.metrics.get("supply_temp_c"), Some(18.2));
    assert_eq!(crah.metrics.get("cooling_output_kw"), Some(120.5));
    let generator = element(&s, "GEN-A").unwrap();
    assert_eq!(generator.flags, ["breaker_closed", "running", "auto"]);
    assert_eq!(generator.metrics.get("power_kw"), Some(250.0));
    let ats = element(&s, "ATS-1").unwrap();
    assert_eq!(
        ats.position.as_deref(),
        Some("UTIL-A"),
        "mapped to the site's input"
    );
    let odd = element(&s, "ODD-1").unwrap();
    assert_eq!(odd.state, ElementState::Unknown);

    // The CRAH goes to standby, the generator shuts down, the switch moves to source 2.
    write(port, 1, 6, &[2]);
    write(port, 2, 0, &[4]);
    write(port, 3, 0, &[2]);
    until("the new states", &|s| {
        let seen = (
            element(s, "CRAH-3")?.flags.contains(&"standby".into()),
            element(s, "GEN-A")?.state,
            element(s, "ATS-1")?.position,
        );
        if seen == (true, ElementState::Failed, Some("GEN-A".into())) {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    });
    agent.terminate();
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains(&format!(
            "ODD-1 (127.0.0.1:{port}): holding registers 40-40: exception"
        )),
        "{logged}"
    );
    assert!(
        !logged.contains("CRAH-3 ("),
        "only the odd device is named: {logged}"
    );
    assert!(!logged.contains("panicked"), "{logged}");
}
