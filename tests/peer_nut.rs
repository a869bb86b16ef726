//! The `nut` collector against a real NUT upsd with the dummy-ups driver on loopback:
//! a state change in the driver's .dev file shows in a later poll, a dead driver reads
//! as unknown, instant commands reach upsd (and its refusals come back by name), and a
//! real `redcon agent` process serves the UPS under the site's id.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod peers;

use std::process::Command;
use std::time::Duration;

use peers::{Console, Daemon, OPERATE, READ, TempDir, need, wait_for};
use redcon::agent::collectors::nut::{Accepted, NutClient, NutCollector};
use redcon::agent::collectors::{Collected, Collector};
use redcon::api::ElementReport;
use redcon::model::ElementState;
use redcon::ops::OpKind;
use redcon::ops::audit::Outcome;

const DRIVER: &str = "/lib/nut/dummy-ups";
const UPSD: &str = "/lib/nut/upsd";
const TIMEOUT: Duration = Duration::from_secs(2);

const DEV_OL: &str = "ups.status: OL CHRG\nbattery.charge: 100\nbattery.runtime: 1800\n\
ups.load: 41\ninput.voltage: 230.0\noutput.voltage: 229.5\n";

struct Nut {
    dir: TempDir,
    server: String,
    driver: Daemon,
    _upsd: Daemon,
}

fn nut_env(cmd: &mut Command, dir: &TempDir) {
    cmd.env("NUT_CONFPATH", dir.path("etc"))
        .env("NUT_STATEPATH", dir.path("state"))
        .env("NUT_ALTPIDPATH", dir.path("state"));
}

fn start_nut(name: &str) -> Nut {
    let dir = TempDir::new(name);
    let port = peers::free_port();
    dir.write("etc/nut.conf", "MODE=netserver\n");
    dir.write(
        "etc/ups.conf",
        "[ups1]\n  driver = dummy-ups\n  port = ups1.dev\n  desc = \"Dummy UPS A\"\n  pollinterval = 1\n",
    );
    dir.write("etc/upsd.conf", &format!("LISTEN 127.0.0.1 {port}\n"));
    dir.write(
        "etc/upsd.users",
        "[admin]\n  password = testpass\n  instcmds = ALL\n  actions = SET FSD\n",
    );
    dir.write("etc/ups1.dev", DEV_OL);
    std::fs::create_dir_all(dir.path("state")).unwrap();
    let mut cmd = Command::new(DRIVER);
    cmd.args(["-F", "-a", "ups1", "-u", "root"]);
    nut_env(&mut cmd, &dir);
    let driver = Daemon::start("dummy-ups", &mut cmd);
    let mut cmd = Command::new(UPSD);
    cmd.args(["-F", "-u", "root"]);
    nut_env(&mut cmd, &dir);
    let upsd = Daemon::start("upsd", &mut cmd);
    Nut {
        dir,
        server: format!("127.0.0.1:{port}"),
        driver,
        _upsd: upsd,
    }
}

fn ups1(c: &mut NutCollector) -> Result<ElementReport, String> {
    let mut out = Collected::default();
    c.collect(&mut out).map_err(|e| e.to_string())?;
    out.elements
        .into_iter()
        .find(|e| e.id == "ups1")
        .ok_or_else(|| "no ups1".to_string())
}

fn until_state(c: &mut NutCollector, want: ElementState, within: Duration) -> ElementReport {
    wait_for(&format!("ups1 {}", want.name()), within, || {
        let r = ups1(c)?;
        if r.state == want {
            Ok(r)
        } else {
            Err(format!("{:?} {:?}", r.state, r.flags))
        }
    })
}

#[test]
#[ignore = "needs upsd and dummy-ups (nut-server)"]
fn upsd_with_dummy_ups() {
    need(&[DRIVER, UPSD], "nut-server nut-client");
    let mut nut = start_nut("nut");
    let mut c = NutCollector::new(&nut.server, &[], TIMEOUT.as_secs_f64()).unwrap();

    let r = until_state(&mut c, ElementState::Ok, Duration::from_secs(15));
    assert_eq!(r.flags, ["OL", "CHRG"]);
    assert_eq!(r.metrics.get("battery_charge_pct"), Some(100.0));
    assert_eq!(r.metrics.get("runtime_min"), Some(30.0));
    assert_eq!(r.metrics.get("load_pct"), Some(41.0));
    assert_eq!(r.metrics.get("input_voltage"), Some(230.0));
    assert_eq!(r.metrics.get("output_voltage"), Some(229.5));

    // The same UPS through a real agent process, renamed to the site's id.
    let config = nut.dir.write(
        "agent.ron",
        &format!(
            "(id: \"ups-gw\", collect_every_s: 0.5, collectors: [nut(server: \"{}\")],\n element_map: {{\"ups1\": \"UPS-A1\"}})",
            nut.server
        ),
    );
    let (mut agent, addr) = peers::start_agent(&config);
    let addr = addr.as_str();
    let element = |want: ElementState| {
        move || -> Result<ElementReport, String> {
            let s = peers::snapshot(addr)?;
            let e = s
                .elements
                .into_iter()
                .find(|e| e.id == "UPS-A1")
                .ok_or("no UPS-A1")?;
            if e.state == want {
                Ok(e)
            } else {
                Err(format!("{:?}", e.state))
            }
        }
    };
    let e = wait_for(
        "agent serves UPS-A1",
        Duration::from_secs(10),
        element(ElementState::Ok),
    );
    assert_eq!(e.metrics.get("load_pct"), Some(41.0));
    agent.assert_running();

    // Mains fails: the driver re-reads its file, the next polls see it.
    nut.dir
        .write("etc/ups1.dev", &DEV_OL.replace("OL CHRG", "OB DISCHRG"));
    let r = until_state(&mut c, ElementState::OnBattery, Duration::from_secs(10));
    assert_eq!(r.flags, ["OB", "DISCHRG"]);
    wait_for(
        "agent sees on_battery",
        Duration::from_secs(10),
        element(ElementState::OnBattery),
    );
    drop(agent);

    instant_commands(&nut.server);

    // The driver dies: upsd has no data, and the UPS is unknown, never healthy.
    nut.driver.kill();
    let r = until_state(&mut c, ElementState::Unknown, Duration::from_secs(15));
    assert!(
        r.flags == ["DRIVER-NOT-CONNECTED"] || r.flags == ["DATA-STALE"],
        "{:?}",
        r.flags
    );
    assert!(r.metrics.is_empty());
}

fn instant_commands(server: &str) {
    // Without a login upsd refuses, by name.
    let mut anon = NutClient::connect(server, TIMEOUT).unwrap();
    let e = anon.instcmd("ups1", "load.off").unwrap_err();
    assert_eq!(e.code(), Some("USERNAME-REQUIRED"), "{e}");

    // A wrong password is only found out at the command.
    let mut wrong = NutClient::connect(server, TIMEOUT).unwrap();
    wrong.login("admin", "nope").unwrap();
    let e = wrong.instcmd("ups1", "load.off").unwrap_err();
    assert_eq!(e.code(), Some("ACCESS-DENIED"), "{e}");
    assert!(e.to_string().contains(server), "{e}");

    let mut admin = NutClient::connect(server, TIMEOUT).unwrap();
    admin.login("admin", "testpass").unwrap();
    let commands = admin.list_commands("ups1").unwrap();
    assert!(commands.iter().any(|c| c == "load.off"), "{commands:?}");
    let bypass = admin.instcmd("ups1", "bypass.start");
    if commands.iter().any(|c| c == "bypass.start") {
        assert_eq!(bypass.unwrap(), Accepted::Ok);
    } else {
        // dummy-ups offers no bypass: upsd says so, by name.
        let e = bypass.unwrap_err();
        assert_eq!(e.code(), Some("CMD-NOT-SUPPORTED"), "{e}");
    }
    assert_eq!(admin.instcmd("ups1", "load.off").unwrap(), Accepted::Ok);
    admin.set_tracking(true).unwrap();
    match admin.instcmd("ups1", "load.off").unwrap() {
        Accepted::Tracking(id) => {
            // dummy-ups does not act on commands: the tracked result is pending or an
            // error, and either comes back as an answer, not a broken connection.
            match admin.tracking(&id) {
                Ok(_) => {}
                Err(e) => assert!(e.code().is_some(), "{e}"),
            }
        }
        Accepted::Ok => panic!("SET TRACKING ON did not give a tracking id"),
    }
    assert_eq!(admin.get_var("ups1", "ups.status").unwrap(), "OB DISCHRG");
    let e = admin.get_var("nosuch", "ups.status").unwrap_err();
    assert_eq!(e.code(), Some("UNKNOWN-UPS"), "{e}");
}

#[test]
#[ignore = "needs upsd and dummy-ups (nut-server)"]
fn bypass_through_the_agent() {
    need(&[DRIVER, UPSD], "nut-server nut-client");
    let nut = start_nut("nut-ops");
    let password = nut.dir.write("upsd.password", "testpass\n");
    let config = nut.dir.write(
        "agent.ron",
        &format!(
            "(id: \"ups-gw\", collect_every_s: 0.5, {},\n collectors: [nut(server: \"{}\", username: \"admin\", password_file: {:?})],\n element_map: {{\"ups1\": \"UPS-A1\"}})",
            peers::ops_fields(&nut.dir),
            nut.server,
            password.display().to_string()
        ),
    );
    let (mut agent, addr) = peers::start_agent(&config);
    let ups_a1 = |addr: &str| -> Result<ElementReport, String> {
        peers::snapshot(addr)?
            .elements
            .into_iter()
            .find(|e| e.id == "UPS-A1")
            .ok_or_else(|| "no UPS-A1".to_string())
    };
    wait_for(
        "agent serves UPS-A1 online",
        Duration::from_secs(15),
        || {
            let e = ups_a1(&addr)?;
            if e.state == ElementState::Ok {
                Ok(())
            } else {
                Err(format!("{e:?}"))
            }
        },
    );
    let mut admin = NutClient::connect(&nut.server, TIMEOUT).unwrap();
    admin.login("admin", "testpass").unwrap();
    let offered = admin.list_commands("ups1").unwrap();
    let console = Console::new(&addr);

    let bypass = console.cleared(OpKind::Failover { to: None }, "UPS-A1", "bypass-a1");
    let sent = console.send(READ, &bypass);
    assert_eq!(sent.outcome, Outcome::Unauthorised, "{sent:?}");

    // bypass.start goes to upsd as the configured user; dummy-ups offers no bypass, so
    // upsd refuses it by name and the answer lists what the UPS does offer.
    let sent = console.send(OPERATE, &bypass);
    let reply = sent.reply.clone().unwrap();
    if offered.iter().any(|c| c == "bypass.start") {
        assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    } else {
        assert_eq!(
            (sent.outcome, reply.outcome.as_str()),
            (Outcome::Rejected, "not_applicable")
        );
        assert!(reply.detail.contains("ERR CMD-NOT-SUPPORTED"), "{reply:?}");
        assert!(reply.detail.contains("bypass.start"), "{reply:?}");
        for c in &offered {
            assert!(
                reply.detail.contains(c.as_str()),
                "{c} not named: {reply:?}"
            );
        }
    }
    assert!(!reply.detail.contains("testpass"), "{reply:?}");
    let again = console.send(OPERATE, &bypass);
    assert!(
        again.reply.unwrap().replayed,
        "a retry gets the stored answer"
    );

    // Undrain stops a bypass only when upsd says the UPS is on one.
    let undrain = console.cleared(OpKind::Undrain, "UPS-A1", "undrain-a1");
    let sent = console.send(OPERATE, &undrain);
    assert!(sent.detail.contains("not on bypass"), "{sent:?}");
    nut.dir
        .write("etc/ups1.dev", &DEV_OL.replace("OL CHRG", "OL BYPASS"));
    wait_for("agent sees the bypass", Duration::from_secs(15), || {
        let e = ups_a1(&addr)?;
        if e.state == ElementState::Bypass {
            Ok(())
        } else {
            Err(format!("{e:?}"))
        }
    });
    let sent = console.send(
        OPERATE,
        &console.cleared(OpKind::Undrain, "UPS-A1", "undrain-a1-2"),
    );
    assert!(sent.detail.contains("bypass.stop"), "{sent:?}");

    // The password file is read at each operation: gone, the driver fails naming it
    // (upsd checks the command before the user, so a wrong password would only show
    // with a command the UPS offers), the console records it as rejected, and the same
    // key may try again.
    let password_moved = nut.dir.path("upsd.password.moved");
    std::fs::rename(&password, &password_moved).unwrap();
    let denied = console.cleared(OpKind::Failover { to: None }, "UPS-A1", "bypass-a1-2");
    let sent = console.send(OPERATE, &denied);
    let reply = sent.reply.clone().unwrap();
    assert_eq!(
        (sent.outcome, reply.outcome.as_str()),
        (Outcome::Rejected, "driver_failed")
    );
    assert!(reply.detail.contains("password_file"), "{reply:?}");
    std::fs::rename(&password_moved, &password).unwrap();
    let sent = console.send(OPERATE, &denied);
    assert!(!sent.reply.unwrap().replayed, "a refusal is not replayed");
    agent.assert_running();

    let records = peers::audit(&nut.dir);
    let lines: Vec<(Outcome, &str)> = records
        .iter()
        .map(|r| (r.outcome, r.detail.as_str()))
        .collect();
    // every answer is audited, the replay too (and says so)
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert_eq!(lines[0].0, Outcome::Unauthorised);
    assert!(
        lines[1].1.contains("bypass.start"),
        "audited with upsd's answer: {lines:?}"
    );
    assert!(records[2].replayed, "{lines:?}");
    assert!(lines[4].1.contains("bypass.stop"), "{lines:?}");
    assert!(lines[5].1.contains("password_file"), "{lines:?}");
    assert!(records.iter().all(|r| r.by == "agent ups-gw"));
}
