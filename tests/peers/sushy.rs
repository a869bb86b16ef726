//! sushy-static (PyPI sushy-tools, put in a venv by .ci/test, which exports
//! `REDCON_SUSHY_STATIC`) serving a copy of a vendored DMTF Redfish mockup on loopback.
//! It reads a resource's file at every request, so a test changes the service by
//! editing the copy's JSON.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{Daemon, TempDir, free_port, http_get, needs, wait_for};

/// Where sushy-static is: `REDCON_SUSHY_STATIC`, else the venv .ci/test makes.
pub fn sushy_static() -> PathBuf {
    let path = std::env::var_os("REDCON_SUSHY_STATIC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peer-venv/bin/sushy-static")
        });
    let how = "run .ci/test (it installs sushy-tools==2.2.0 into target/peer-venv), \
               or set REDCON_SUSHY_STATIC to a sushy-static";
    needs(&[&path.display().to_string()], how);
    path
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        }
    }
}

/// Change one served resource (`PowerEquipment/RackPDUs/1`). Written aside and renamed,
/// so the server never reads half a file.
pub fn edit(mockup: &Path, resource: &str, change: impl FnOnce(&mut serde_json::Value)) {
    let file = mockup.join(resource).join("index.json");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    change(&mut json);
    let aside = file.with_extension("json.new");
    std::fs::write(&aside, json.to_string()).unwrap_or_else(|e| panic!("{}: {e}", aside.display()));
    std::fs::rename(&aside, &file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
}

/// Serve a copy of `tests/fixtures/redfish/<name>` from `dir/<name>`: the server, its
/// `host:port`, and the copy to edit.
pub fn serve(dir: &TempDir, name: &str) -> (Daemon, String, PathBuf) {
    let sushy = sushy_static();
    let mockup = dir.path(name);
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redfish");
    copy_dir(&vendored.join(name), &mockup);
    let port = free_port();
    let mut cmd = Command::new(&sushy);
    cmd.args(["-i", "127.0.0.1", "-p", &port.to_string(), "-m"])
        .arg(&mockup);
    let log = dir.path(&format!("sushy-{name}.log"));
    let mut server = Daemon::start_logged("sushy-static", &mut cmd, Some(&log));
    let service = format!("127.0.0.1:{port}");
    wait_for("sushy-static answers", Duration::from_secs(20), || {
        server.assert_running();
        http_get(&service, "/redfish/v1/").map(|_| ())
    });
    (server, service, mockup)
}
