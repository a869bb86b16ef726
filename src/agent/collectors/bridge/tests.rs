use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;

/// br1 of two bridges joined by two veth pairs (values as the kernel gave them): vb1
/// closes the loop and blocks, vb0 is the root port.
fn looped_br1() -> SysTree {
    let mut t = SysTree::default();
    for (k, v) in [
        ("bridge/stp_state", "1"),
        ("bridge/bridge_id", "8000.128d8723cff6"),
        ("bridge/root_id", "1000.726b934bbadc"),
        ("bridge/root_port", "1"),
        ("bridge/root_path_cost", "2"),
        ("bridge/topology_change", "1"),
        ("bridge/forward_delay", "400"),
        ("brif/vb0/state", "3"),
        ("brif/vb0/port_no", "0x1"),
        ("brif/vb0/path_cost", "2"),
        ("brif/vb1/state", "4"),
        ("brif/vb1/port_no", "0x2"),
        ("brif/vb1/path_cost", "2"),
    ] {
        t.files.insert(k.into(), v.into());
    }
    t
}

#[test]
fn blocking_port_and_root_port_field_by_field() {
    let b = parse_bridge_sysfs("br1", &looped_br1(), "br1").unwrap();
    assert_eq!(b.stp_state, 1);
    assert_eq!(b.root_id, "1000.726b934bbadc");
    assert!(!b.is_root());
    assert_eq!(
        (b.root_port, b.root_path_cost, b.topology_change),
        (1, Some(2), true)
    );
    assert_eq!(
        b.ports[0],
        BridgePort {
            name: "vb0".into(),
            port_no: Some(1),
            state: PortState::Forwarding,
            path_cost: Some(2),
            rstp: None,
        }
    );
    assert_eq!(b.ports[1].state, PortState::Blocking);

    let r = bridge_reports(&[b], 1.0);
    assert_eq!(r[0].id, "br1");
    assert_eq!(r[0].state, MemberState::Ok);
    assert_eq!(r[0].flags, ["stp", "topology_change"]);
    assert_eq!(r[0].metrics.get("ports_blocking"), Some(1.0));
    assert_eq!(
        (r[1].state, r[1].flags.as_slice()),
        (
            MemberState::Ok,
            &["forwarding".into(), "root_port".into()][..]
        )
    );
    assert_eq!(
        (r[2].state, r[2].flags.as_slice()),
        (MemberState::Ok, &["blocking".into()][..])
    );
    assert_eq!(r[2].metrics.get("stp_state"), Some(4.0));
}

#[test]
fn converging_and_disabled_ports() {
    let mut t = looped_br1();
    t.files.insert("brif/vb0/state".into(), "0".into());
    t.files.insert("brif/vb1/state".into(), "2".into());
    let r = bridge_reports(&[parse_bridge_sysfs("br1", &t, "br1").unwrap()], 1.0);
    assert_eq!(r[0].state, MemberState::Failed, "nothing forwards");
    assert_eq!(r[1].state, MemberState::Failed);
    assert_eq!(r[2].state, MemberState::Rebuilding);
    assert_eq!(r[2].flags[0], "learning");
}

#[test]
fn broken_values_name_the_bridge() {
    for (k, v, needle) in [
        ("bridge/stp_state", "7", "bridge/stp_state: \"7\""),
        ("brif/vb1/state", "9", "brif/vb1/state: \"9\""),
        ("bridge/root_port", "x", "bridge/root_port"),
    ] {
        let mut t = looped_br1();
        t.files.insert(k.into(), v.into());
        let e = parse_bridge_sysfs("br1", &t, "/sys/class/net/br1")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/sys/class/net/br1: ") && e.contains(needle),
            "{e}"
        );
    }
    let mut t = looped_br1();
    t.files.remove("bridge/root_id");
    assert!(
        parse_bridge_sysfs("br1", &t, "br1")
            .unwrap_err()
            .to_string()
            .contains("not a bridge")
    );
}

/// In the layout of mstpd's `ctl_main.c`: swp1 an edge port, swp2 on a shared link.
const SHOWPORT: &str = "\
 E swp1  8.001 forw F.000.00:14:01:01:01:00 F.000.00:14:01:01:01:00 8.001 Desg
*  swp2  8.002 disc F.000.00:14:01:01:01:00 8.000.00:14:01:01:01:09 8.003 Altn
   swp3  8.003 forw F.000.00:14:01:01:01:00 8.000.00:14:01:01:01:09 8.001 Root
";

#[test]
fn mstpctl_roles_field_by_field() {
    let ports = parse_mstpctl_showport(SHOWPORT, "mstpctl showport br2").unwrap();
    assert_eq!(
        ports[1],
        RstpPort {
            name: "swp2".into(),
            state: "discarding".into(),
            role: "alternate".into(),
            edge: false,
            point_to_point: false,
        }
    );
    assert!(ports[0].edge && ports[0].point_to_point);
    assert_eq!(
        (ports[2].role.as_str(), ports[2].state.as_str()),
        ("root", "forwarding")
    );
    let e = parse_mstpctl_showport(" E swp1 8.001 forw x y 8.001 Boss\n", "m").unwrap_err();
    assert_eq!(
        e.to_string(),
        "m:1: unknown role in \" E swp1 8.001 forw x y 8.001 Boss\""
    );
}

/// A bridge run by mstpd (stp_state 2): roles come from `mstpctl`, here a stand-in
/// script printing what mstpctl prints.
#[test]
fn user_space_stp_gets_roles_from_mstpctl() {
    let root = std::env::temp_dir().join(format!("redcon-rstp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let br = root.join("sys/class/net/br2");
    for (k, v) in [
        ("bridge/stp_state", "2"),
        ("bridge/bridge_id", "8000.001401010109"),
        ("bridge/root_id", "f000.001401010100"),
        ("bridge/root_port", "3"),
        ("brif/swp1/state", "3"),
        ("brif/swp1/port_no", "0x1"),
        ("brif/swp2/state", "4"),
        ("brif/swp2/port_no", "0x2"),
        ("brif/swp3/state", "3"),
        ("brif/swp3/port_no", "0x3"),
    ] {
        let path = br.join(k);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{v}\n")).unwrap();
    }
    let script = root.join("mstpctl");
    std::fs::write(&script, format!("#!/bin/sh\ncat <<'EOF'\n{SHOWPORT}EOF\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut out = Collected::default();
    let script_path = script.display().to_string();
    BridgeCollector::new(Some(&root), &[], Some(&script_path))
        .collect(&mut out)
        .unwrap();
    let swp2 = out.members.iter().find(|m| m.id == "swp2").unwrap();
    assert_eq!(swp2.state, MemberState::Ok);
    assert_eq!(swp2.flags, ["blocking", "alternate", "shared"]);
    let swp3 = out.members.iter().find(|m| m.id == "swp3").unwrap();
    assert_eq!(swp3.flags, ["forwarding", "root_port", "root"]);
    assert_eq!(out.members[0].flags, ["user_stp"]);

    // without mstpctl the kernel's states still stand; a failing one is named
    let mut out = Collected::default();
    BridgeCollector::new(Some(&root), &[], Some("/nonexistent/mstpctl"))
        .collect(&mut out)
        .unwrap();
    assert_eq!(
        out.members.iter().find(|m| m.id == "swp2").unwrap().flags,
        ["blocking"]
    );
    std::fs::write(
        &script,
        "#!/bin/sh\necho 'br2 is not an mstpd bridge' >&2\nexit 1\n",
    )
    .unwrap();
    let e = BridgeCollector::new(Some(&root), &[], Some(&script_path))
        .collect(&mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("showport br2: exited with exit status: 1: br2 is not an mstpd bridge"),
        "{e}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

proptest! {
    #[test]
    fn garbage_showport_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_mstpctl_showport(&text, "src") {
            prop_assert!(e.to_string().starts_with("src:"));
        }
    }

    #[test]
    fn garbage_values_never_panic(vals in proptest::collection::vec(".{0,12}", 13)) {
        let mut t = looped_br1();
        let keys: Vec<String> = t.files.keys().cloned().collect();
        for (k, v) in keys.into_iter().zip(vals) {
            t.files.insert(k, v);
        }
        match parse_bridge_sysfs("br1", &t, "src") {
            Ok(b) => { bridge_reports(&[b], 0.0); }
            Err(e) => prop_assert!(e.to_string().starts_with("src: ")),
        }
    }
}

/// Removes the namespace however the test ends.
struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn ip_in(ns: &str, args: &str) {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, "ip"])
        .args(args.split_whitespace());
    let status = cmd.status().unwrap();
    assert!(status.success(), "ip {args} failed");
}

/// The kernel's own STP in a namespace: two bridges, two parallel links, so one port
/// must block.
#[test]
#[ignore = "needs root and iproute2 (a network namespace)"]
fn live_kernel_stp_blocks_one_port() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    assert!(root, "a network namespace needs root");
    let ns = Netns(format!("rc-stp-{}", std::process::id()));
    assert!(
        Command::new("ip")
            .args(["netns", "add", &ns.0])
            .status()
            .unwrap()
            .success()
    );
    ip_in(
        &ns.0,
        "link add br0 type bridge stp_state 1 forward_delay 200 hello_time 100 priority 4096",
    );
    ip_in(
        &ns.0,
        "link add br1 type bridge stp_state 1 forward_delay 200 hello_time 100 priority 32768",
    );
    ip_in(&ns.0, "link add va0 type veth peer name vb0");
    ip_in(&ns.0, "link add va1 type veth peer name vb1");
    for (port, br) in [
        ("va0", "br0"),
        ("va1", "br0"),
        ("vb0", "br1"),
        ("vb1", "br1"),
    ] {
        ip_in(&ns.0, &format!("link set {port} master {br}"));
    }
    for dev in ["br0", "br1", "va0", "va1", "vb0", "vb1", "lo"] {
        ip_in(&ns.0, &format!("link set {dev} up"));
    }
    // sysfs shows the namespace of whoever mounted it: copy br1's files from inside.
    let copy = std::env::temp_dir().join(format!("{}-sys", ns.0));
    let net = copy.join("sys/class/net");
    let deadline = Instant::now() + Duration::from_secs(20);
    let bridges = loop {
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir_all(net.join("br1")).unwrap();
        let script = format!(
            "cp -rL /sys/class/net/br1/bridge /sys/class/net/br1/brif {}/ 2>/dev/null; true",
            net.join("br1").display()
        );
        Command::new("ip")
            .args(["netns", "exec", &ns.0, "sh", "-c", &script])
            .status()
            .unwrap();
        let mut out = Collected::default();
        BridgeCollector::new(Some(&copy), &["br1".to_string()], None)
            .collect(&mut out)
            .unwrap();
        let converged = out
            .members
            .iter()
            .any(|m| m.flags.first().is_some_and(|f| f == "blocking"))
            && out
                .members
                .iter()
                .any(|m| m.flags.iter().any(|f| f == "root_port"));
        if converged || Instant::now() > deadline {
            break out.members;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let _ = std::fs::remove_dir_all(&copy);
    let br1 = &bridges[0];
    assert_eq!(br1.id, "br1");
    assert!(
        !br1.flags.iter().any(|f| f == "root"),
        "br0 has the lower priority: {:?}",
        br1.flags
    );
    let blocking: Vec<_> = bridges
        .iter()
        .filter(|m| m.flags.first().is_some_and(|f| f == "blocking"))
        .collect();
    assert_eq!(blocking.len(), 1, "{bridges:?}");
    assert_eq!(blocking[0].state, MemberState::Ok);
    assert_eq!(blocking[0].metrics.get("stp_state"), Some(4.0));
}
