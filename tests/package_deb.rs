//! The Debian package: `cargo deb` builds it from [package.metadata.deb] with the binary,
//! the agent's unit, man pages, completions and examples where Debian puts them; the unit
//! passes `systemd-analyze verify`. Nothing is installed on the machine: the package is
//! read with `dpkg-deb` and unpacked into a temporary directory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod peers;

use std::path::{Path, PathBuf};
use std::process::Command;

use peers::TempDir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs systemd"]
fn the_packaged_agent_unit_passes_systemd_analyze_verify() {
    peers::need(&["/usr/bin/systemd-analyze"], "systemd");
    let unit = std::fs::read_to_string(Path::new(ROOT).join("assets/debian/redcon-agent.service"))
        .unwrap();
    for must in [
        "ExecStart=/usr/bin/redcon agent --agent-config /etc/redcon/agent.ron",
        "LimitNOFILE=65536",
        "DynamicUser=yes",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "StateDirectory=redcon",
    ] {
        assert!(unit.contains(must), "{must}");
    }
    // verify checks that ExecStart is executable: point it at the binary under test
    let dir = TempDir::new("unit-verify");
    let local = unit.replace("/usr/bin/redcon", env!("CARGO_BIN_EXE_redcon"));
    let path = dir.write("redcon-agent.service", &local);
    let out = Command::new("/usr/bin/systemd-analyze")
        .arg("verify")
        // redcon-agent(1) is in the package, not installed here (cargo_deb_... checks it)
        .arg("--man=no")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    // warnings about the unit itself (unknown keys, bad values) do not fail verify
    assert!(!said.contains("redcon-agent.service"), "{said}");
}

/// `cargo deb` from $REDCON_CARGO_DEB, else target/tools/bin (where .ci/test puts it).
fn cargo_deb() -> PathBuf {
    let path = std::env::var_os("REDCON_CARGO_DEB").map_or_else(
        || Path::new(ROOT).join("target/tools/bin/cargo-deb"),
        PathBuf::from,
    );
    peers::needs(
        &[path.to_str().unwrap()],
        "cargo install --locked --root target/tools cargo-deb (.ci/test does)",
    );
    path
}

#[test]
#[ignore = "needs cargo-deb"]
fn cargo_deb_builds_a_package_with_everything_in_place() {
    let cargo_deb = cargo_deb();
    peers::need(&["/usr/bin/dpkg-deb"], "dpkg");
    let dir = TempDir::new("package-deb");
    let out = dir.path("out");
    run(Command::new(&cargo_deb)
        .arg("deb")
        .arg("--output")
        .arg(&out)
        .current_dir(ROOT));
    let deb = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .unwrap_or_else(|| panic!("no .deb in {}", out.display()));
    let fields = run(Command::new("dpkg-deb").arg("-f").arg(&deb));
    for field in ["Package: redcon", "Section: admin", "Depends: "] {
        assert!(fields.contains(field), "{field}:\n{fields}");
    }
    let listing = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    let has = |path: &str| listing.lines().any(|l| l.ends_with(path));
    for path in [
        "./usr/bin/redcon",
        "./lib/systemd/system/redcon-agent.service",
        "./usr/share/bash-completion/completions/redcon",
        "./usr/share/zsh/vendor-completions/_redcon",
        "./usr/share/fish/vendor_completions.d/redcon.fish",
        "./usr/share/doc/redcon/examples/agent.ron",
        "./usr/share/doc/redcon/examples/config.ron",
        "./usr/share/doc/redcon/examples/prometheus/redcon-rules.yml",
        "./usr/share/doc/redcon/docs/prometheus.md",
    ] {
        assert!(has(path), "{path}:\n{listing}");
    }
    // man pages, compressed or not
    for page in ["redcon", "redcon-agent", "redcon-exporter", "redcon-status"] {
        let p = format!("./usr/share/man/man1/{page}.1");
        assert!(has(&p) || has(&format!("{p}.gz")), "{p}:\n{listing}");
    }
    // what it installs runs: unpacked, not installed
    let root = dir.path("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let version = run(Command::new(root.join("usr/bin/redcon")).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("redcon {}", env!("CARGO_PKG_VERSION"))
    );
    let unit =
        std::fs::read_to_string(root.join("lib/systemd/system/redcon-agent.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/redcon agent"), "{unit}");
}
