//! A real NUT upsd on loopback with one dummy-ups driver per device, each device a `.dev`
//! file (the format of `upsc` output) the test may rewrite: dummy-ups re-reads it when it
//! changes. Shared by the NUT peer tests and the round benchmark.

#![allow(dead_code)]

use std::process::Command;

use super::{Daemon, TempDir};

pub const DRIVER: &str = "/lib/nut/dummy-ups";
pub const UPSD: &str = "/lib/nut/upsd";

pub struct Upsd {
    pub dir: TempDir,
    pub server: String,
    pub drivers: Vec<Daemon>,
    pub upsd: Daemon,
}

impl Upsd {
    /// Rewrite device `name`'s `.dev` file; its driver picks it up within a second or so.
    pub fn set(&self, name: &str, dev: &str) {
        self.dir.write(&format!("etc/{name}.dev"), dev);
    }
}

pub fn nut_env(cmd: &mut Command, dir: &TempDir) {
    cmd.env("NUT_CONFPATH", dir.path("etc"))
        .env("NUT_STATEPATH", dir.path("state"))
        .env("NUT_ALTPIDPATH", dir.path("state"));
}

/// upsd serving `devices` (name, `.dev` text), each behind its own dummy-ups.
pub fn start_upsd(test: &str, devices: &[(String, String)]) -> Upsd {
    let dir = TempDir::new(test);
    let port = super::free_port();
    dir.write("etc/nut.conf", "MODE=netserver\n");
    let mut conf = String::new();
    for (name, dev) in devices {
        conf.push_str(&format!(
            "[{name}]\n  driver = dummy-ups\n  port = {name}.dev\n  desc = \"{name}\"\n  pollinterval = 1\n"
        ));
        dir.write(&format!("etc/{name}.dev"), dev);
    }
    dir.write("etc/ups.conf", &conf);
    dir.write(
        "etc/upsd.conf",
        &format!("LISTEN 127.0.0.1 {port}\nMAXCONN 1024\n"),
    );
    dir.write("etc/upsd.users", "[admin]\n  password = testpass\n");
    std::fs::create_dir_all(dir.path("state")).unwrap_or_else(|e| panic!("state dir: {e}"));
    let drivers = devices
        .iter()
        .map(|(name, _)| {
            let mut cmd = Command::new(DRIVER);
            cmd.args(["-F", "-a", name, "-u", "root"]);
            nut_env(&mut cmd, &dir);
            Daemon::start("dummy-ups", &mut cmd)
        })
        .collect();
    let mut cmd = Command::new(UPSD);
    cmd.args(["-F", "-u", "root"]);
    nut_env(&mut cmd, &dir);
    let upsd = Daemon::start("upsd", &mut cmd);
    Upsd {
        dir,
        server: format!("127.0.0.1:{port}"),
        drivers,
        upsd,
    }
}
