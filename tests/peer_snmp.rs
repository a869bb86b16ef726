//! The `snmp` collector against a real SNMP agent: Debian's snmpsimd serving real device
//! recordings from the PyPI package `snmpsim-data` (a Liebert thermal unit, an APC rack
//! PDU, an Eaton three-phase UPS), over v2c and v3 (SHA + AES), read by a real `redcon
//! agent`. snmpsimd reads its recordings as they are, so a state changes by editing one
//! line: system off, general alarm, bank overload, UPS on battery.
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
use redcon::api::Snapshot;
use redcon::model::ElementState;

const SNMPSIMD: &str = "/usr/bin/snmpsimd";
const WITHIN: Duration = Duration::from_secs(20);

/// The recordings of `snmpsim-data` (`REDCON_SNMPSIM_DATA`, else the venv .ci/test makes).
fn recordings() -> PathBuf {
    let dir = std::env::var_os("REDCON_SNMPSIM_DATA")
        .map(PathBuf::from)
        .or_else(|| {
            let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peer-venv/lib");
            std::fs::read_dir(lib).ok()?.flatten().find_map(|e| {
                let d = e.path().join("site-packages/snmpsim_data/data");
                d.is_dir().then_some(d)
            })
        })
        .unwrap_or_default();
    let ups = dir.join("UPS/apc-8641.snmprec");
    let how = "run .ci/test (it installs snmpsim-data==1.0.1 into target/peer-venv), \
               or set REDCON_SNMPSIM_DATA to its data directory";
    peers::need(&[SNMPSIMD], "snmpsim");
    peers::needs(&[&ups.display().to_string()], how);
    dir
}

/// Copy a recording, unpacking `.bz2` ones (snmpsimd 0.4 reads plain files).
fn install(from: &Path, to: &Path) {
    if from.extension().is_some_and(|e| e == "bz2") {
        let ok = Command::new("python3")
            .args([
                "-c",
                "import bz2,shutil,sys; shutil.copyfileobj(bz2.open(sys.argv[1]), open(sys.argv[2],'wb'))",
            ])
            .arg(from)
            .arg(to)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot unpack {}", from.display());
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

/// Rewrite OIDs' lines of a served recording in one go (aside and renamed: never half a
/// file). snmpsimd indexes a recording by its modification time in whole seconds, so the
/// edited file is stamped seconds later than the one it replaces.
fn set(dir: &TempDir, file: &str, edits: &[(&str, &str)]) {
    let path = dir.path(&format!("data/{file}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut found = 0;
    let text: String = text
        .lines()
        .map(|l| {
            for (oid, value) in edits {
                if let Some(rest) = l.strip_prefix(&format!("{oid}|")) {
                    found += 1;
                    let tag = rest.split('|').next().unwrap_or("2");
                    return format!("{oid}|{tag}|{value}\n");
                }
            }
            format!("{l}\n")
        })
        .collect();
    assert_eq!(found, edits.len(), "{file} lacks one of {edits:?}");
    let aside = path.with_extension("new");
    std::fs::write(&aside, text).unwrap();
    // a later whole second than the served copy, whenever the edit comes: snmpsimd would
    // otherwise keep its index of the old text
    let before = std::fs::metadata(&path).and_then(|m| m.modified()).unwrap();
    let later = before.max(std::time::SystemTime::now()) + std::time::Duration::from_secs(2);
    std::fs::File::options()
        .write(true)
        .open(&aside)
        .and_then(|f| f.set_modified(later))
        .unwrap();
    std::fs::rename(&aside, &path).unwrap();
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free UDP port: {e}"))
}

fn element(s: &Snapshot, id: &str) -> Result<redcon::api::ElementReport, String> {
    s.elements
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(|| {
            format!(
                "no {id} in {:?}",
                s.elements.iter().map(|e| &e.id).collect::<Vec<_>>()
            )
        })
}

#[test]
#[ignore = "needs snmpsimd (snmpsim) and the snmpsim-data recordings (.ci/test installs both)"]
fn real_recordings_through_snmpsimd_and_an_agent() {
    let data = recordings();
    let dir = TempDir::new("snmp");
    std::fs::create_dir_all(dir.path("data")).unwrap();
    install(
        &data.join("UPS/vertiv-power.snmprec.bz2"),
        &dir.path("data/liebertpex.snmprec"),
    );
    install(
        &data.join("UPS/apc-8641.snmprec"),
        &dir.path("data/apc8641.snmprec"),
    );
    install(
        &data.join("UPS/eaton-93e-80.snmprec.bz2"),
        &dir.path("data/eaton93e.snmprec"),
    );
    // snmpsimd drops to nobody and keeps its index there.
    std::fs::create_dir_all(dir.path("cache")).unwrap();
    let chown = Command::new("chown")
        .args(["nobody:nogroup"])
        .arg(dir.path("cache"))
        .status();
    assert!(chown.is_ok_and(|s| s.success()), "chown the cache dir");
    let port = free_udp_port();
    let mut cmd = Command::new(SNMPSIMD);
    cmd.arg(format!("--data-dir={}", dir.path("data").display()))
        .arg(format!("--agent-udpv4-endpoint=127.0.0.1:{port}"))
        .args(["--process-user=nobody", "--process-group=nogroup"])
        .arg(format!("--cache-dir={}", dir.path("cache").display()))
        .args([
            "--v3-user=redcon",
            "--v3-auth-key=auth-phrase-1",
            "--v3-auth-proto=SHA",
        ])
        .args(["--v3-priv-key=priv-phrase-1", "--v3-priv-proto=AES"]);
    let log = dir.path("snmpsimd.log");
    let mut snmpsimd = Daemon::start_logged("snmpsimd", &mut cmd, Some(&log));

    let secret = |name: &str, text: &str| dir.write(name, text).display().to_string();
    let (pex, pdu) = (
        secret("pex.community", "liebertpex\n"),
        secret("pdu.community", "apc8641\n"),
    );
    let (auth, privacy) = (
        secret("auth.pass", "auth-phrase-1\n"),
        secret("priv.pass", "priv-phrase-1\n"),
    );
    let unused = free_udp_port();
    let config = dir.write(
        "agent.ron",
        &format!(
            r#"(id: "facility-gw", collect_every_s: 0.5, collectors: [snmp(timeout_s: 1.0, devices: [
                (element: "CRAH-1", address: "127.0.0.1:{port}", profile: "liebert-gp-environmental", community_file: {pex:?}),
                (element: "PDU-1", address: "127.0.0.1:{port}", profile: "apc-rpdu2", community_file: {pdu:?}),
                (element: "UPS-3", address: "127.0.0.1:{port}", profile: "ups-mib",
                 v3: (user: "redcon", context: "eaton93e", auth: sha1, auth_password_file: {auth:?},
                      privacy: aes128, privacy_password_file: {privacy:?})),
                (element: "CRAH-9", address: "127.0.0.1:{unused}", profile: "liebert-gp-environmental", community_file: {pex:?}),
            ])])"#
        ),
    );
    let agent_log = dir.path("agent.log");
    let (mut agent, addr) = peers::start_agent_logged(&config, Some(&agent_log));
    let addr = addr.as_str();
    let until = |what: &str, check: &dyn Fn(&Snapshot) -> Result<(), String>| {
        wait_for(what, WITHIN, || {
            let s = peers::snapshot(addr).map_err(|e| {
                let log = std::fs::read_to_string(&agent_log).unwrap_or_default();
                format!("{e}; agent log: {log}")
            })?;
            check(&s).map(|()| s)
        })
    };
    let s = until("all devices read", &|s| {
        let states: Vec<_> = ["CRAH-1", "PDU-1", "UPS-3"]
            .iter()
            .map(|id| element(s, id).map(|e| e.state))
            .collect::<Result<_, _>>()?;
        if states.iter().all(|s| *s == ElementState::Ok) {
            Ok(())
        } else {
            Err(format!("{states:?}"))
        }
    });
    snmpsimd.assert_running();
    agent.assert_running();
    let crah = element(&s, "CRAH-1").unwrap();
    assert_eq!(crah.flags, ["cooling_off", "on"]);
    assert_eq!(crah.metrics.get("return_temp_c"), Some(23.0));
    let pdu = element(&s, "PDU-1").unwrap();
    assert_eq!(pdu.metrics.get("power_kw"), Some(1.21));
    let outlets = s
        .members
        .iter()
        .filter(|m| m.id.starts_with("PDU-1/outlet."))
        .count();
    assert_eq!(outlets, 24);
    let ups = element(&s, "UPS-3").unwrap();
    assert_eq!(
        (ups.flags.clone(), ups.metrics.get("load_pct")),
        (vec!["OL".into()], Some(21.0))
    );
    // The device nobody answers for is unknown, and only it.
    let gone = element(&s, "CRAH-9").unwrap();
    assert_eq!(
        (gone.state, gone.flags),
        (ElementState::Unknown, vec!["NO-ANSWER".into()])
    );

    // One line of each recording changes; the next snapshots say so.
    set(
        &dir,
        "liebertpex.snmprec",
        &[("1.3.6.1.4.1.476.1.42.3.4.3.1.0", "2")],
    );
    set(
        &dir,
        "apc8641.snmprec",
        &[("1.3.6.1.4.1.318.1.1.26.8.3.1.4.2", "4")],
    );
    set(&dir, "eaton93e.snmprec", &[("1.3.6.1.2.1.33.1.4.1.0", "5")]);
    until("the edits show", &|s| {
        let crah = element(s, "CRAH-1")?;
        let pdu = element(s, "PDU-1")?;
        let ups = element(s, "UPS-3")?;
        let seen = (
            crah.state,
            pdu.flags.contains(&"bank_overload".into()),
            ups.state,
        );
        if seen == (ElementState::Failed, true, ElementState::OnBattery) {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    });
    std::thread::sleep(Duration::from_millis(1100));
    let alarm = [
        ("1.3.6.1.4.1.476.1.42.3.4.3.1.0", "1"),
        ("1.3.6.1.4.1.476.1.42.3.4.3.8.0", "1"),
    ];
    set(&dir, "liebertpex.snmprec", &alarm);
    until("the general alarm", &|s| {
        let crah = element(s, "CRAH-1")?;
        if crah.state == ElementState::Failed && crah.flags.contains(&"general_alarm".into()) {
            Ok(())
        } else {
            Err(format!("{:?} {:?}", crah.state, crah.flags))
        }
    });
    let health = String::from_utf8(peers::http_get(addr, "/v1/health").unwrap()).unwrap();
    assert!(health.contains("degraded"), "{health}");
    agent.terminate();
    let logged = std::fs::read_to_string(&agent_log).unwrap_or_default();
    assert!(
        logged.contains(&format!("CRAH-9 (127.0.0.1:{unused}): GET")),
        "the silent device is named: {logged}"
    );
    assert!(!logged.contains("panicked"), "{logged}");
}
