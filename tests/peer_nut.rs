//! The `nut` collector against a real NUT upsd with the dummy-ups driver on loopback:
//! a state change in the driver's .dev file shows in a later poll, a dead driver reads
//! as unknown, instant commands reach upsd (and its refusals come back by name), and a
//! real `redcon agent` process serves the UPS under the site's id.

mod peers;

use std::process::Command;
use std::time::Duration;

use peers::{Daemon, TempDir, have, wait_for};
use redcon::agent::collectors::nut::{Accepted, NutClient, NutCollector};
use redcon::agent::collectors::{Collected, Collector};
use redcon::api::ElementReport;
use redcon::model::ElementState;

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

fn start_nut() -> Nut {
    let dir = TempDir::new("nut");
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
fn upsd_with_dummy_ups() {
    if !have(&[DRIVER, UPSD], "nut-server nut-client") {
        return;
    }
    let mut nut = start_nut();
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
