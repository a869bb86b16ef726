use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::agent::collectors::parse::{cut_points, fixtures};

fn mdstat_fixture() -> String {
    std::fs::read_to_string(fixtures().join("mdraid/proc-mdstat")).unwrap()
}

fn array<'a>(arrays: &'a [MdArray], name: &str) -> &'a MdArray {
    arrays.iter().find(|a| a.name == name).unwrap()
}

fn member<'a>(a: &'a MdArray, name: &str) -> &'a MdMember {
    a.members.iter().find(|m| m.name == name).unwrap()
}

#[test]
fn mdstat_fixture_reads_every_array() {
    let text = mdstat_fixture();
    let p = parse_mdstat(&text, "proc-mdstat").unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.items.len(), 17);

    // failed member, recovery in progress onto the one spare
    let md6 = array(&p.items, "md6");
    assert_eq!(md6.level, "raid1");
    assert!(md6.running);
    assert_eq!((md6.raid_disks, md6.degraded), (Some(2), 1));
    assert_eq!(md6.slot_map.as_deref(), Some("U_"));
    assert_eq!(member(md6, "sdb2").role, MdRole::Faulty);
    assert_eq!(member(md6, "sdc").role, MdRole::Rebuilding);
    assert_eq!(member(md6, "sda2").role, MdRole::Active);
    let sync = md6.sync.as_ref().unwrap();
    assert_eq!(sync.action, "recover");
    assert_eq!((sync.done, sync.total), (Some(16775552), Some(195310144)));
    assert_eq!(sync.eta_min, Some(17.0));
    assert!((sync.fraction().unwrap() - 0.0859).abs() < 1e-3);

    // degraded raid6, no sync running: the failed member is not being replaced
    let md7 = array(&p.items, "md7");
    assert_eq!((md7.level.as_str(), md7.degraded), ("raid6", 1));
    assert_eq!(md7.slot_map.as_deref(), Some("U_UU"));
    assert_eq!(member(md7, "sdc1").role, MdRole::Faulty);
    assert!(md7.sync.is_none());

    // a resync with spares is not a rebuild of any member
    let md8 = array(&p.items, "md8");
    assert_eq!(md8.sync.as_ref().unwrap().action, "resync");
    assert_eq!(member(md8, "sde").role, MdRole::Spare);

    let md9 = array(&p.items, "md9");
    let sync = md9.sync.as_ref().unwrap();
    assert_eq!(
        (sync.action.as_str(), sync.waiting.as_deref()),
        ("resync", Some("DELAYED"))
    );
    assert_eq!(sync.fraction(), None);

    let md4 = array(&p.items, "md4");
    assert!(!md4.running);
    assert_eq!(md4.level, "raid1");
    let md219 = array(&p.items, "md219");
    assert!(!md219.running);
    assert_eq!(md219.level, "");
    assert_eq!(md219.members.len(), 3);
    assert!(array(&p.items, "md11").read_only);
    assert!(array(&p.items, "md101").read_only);
    assert_eq!(array(&p.items, "md120").level, "linear");
    assert_eq!(
        array(&p.items, "md10").raid_disks,
        None,
        "raid0 has no [n/m]"
    );
}

#[test]
fn mdstat_becomes_member_reports() {
    let text = mdstat_fixture();
    let p = parse_mdstat(&text, "proc-mdstat").unwrap();
    let reports = md_reports(&p.items, 5.0);
    let get = |id: &str| reports.iter().find(|r| r.id == id).unwrap();
    let md6 = get("md6");
    assert_eq!(md6.state, MemberState::Ok);
    assert_eq!(md6.flags, ["raid1", "degraded", "recover"]);
    assert_eq!(md6.metrics.get("degraded_count"), Some(1.0));
    assert_eq!(md6.metrics.get("sync_eta_min"), Some(17.0));
    let sdc = get("sdc");
    assert_eq!(sdc.state, MemberState::Rebuilding);
    let rb = sdc.rebuild.unwrap();
    assert!((rb.progress - 0.0859).abs() < 1e-3);
    assert_eq!(rb.eta_min, Some(17.0));
    let sdb2 = get("sdb2");
    assert_eq!(
        (sdb2.state, sdb2.flags.as_slice()),
        (MemberState::Failed, &["faulty".into()][..])
    );
    assert!(sdb2.rebuild.is_none());
    assert_eq!(get("md4").state, MemberState::Failed);
    assert_eq!(
        get("sdb3").state,
        MemberState::Unknown,
        "member of an inactive array"
    );
    let sdg = get("sdg");
    assert_eq!(
        (sdg.state, sdg.flags[0].as_str()),
        (MemberState::Ok, "spare")
    );
}

fn sysfs_array(name: &str) -> MdArray {
    let dir = fixtures().join("sysfs/block").join(name).join("md");
    let tree = SysTree::read(&dir, 1, &|_| true).unwrap();
    parse_md_sysfs(name, &tree, &dir.display().to_string()).unwrap()
}

#[test]
fn sysfs_fixture_degraded_and_recovering() {
    let md5 = sysfs_array("md5");
    assert_eq!(
        (md5.level.as_str(), md5.degraded, md5.raid_disks),
        ("raid5", 1, Some(3))
    );
    assert!(md5.sync.is_none());
    assert_eq!(member(&md5, "sdp").role, MdRole::Faulty);
    assert_eq!(member(&md5, "sdaa").role, MdRole::Spare);
    assert_eq!(member(&md5, "sdn").role, MdRole::Active);

    let md6 = sysfs_array("md6");
    assert_eq!((md6.level.as_str(), md6.degraded), ("raid6", 1));
    let sync = md6.sync.as_ref().unwrap();
    assert_eq!(sync.action, "recover");
    assert_eq!((sync.done, sync.total), (Some(1569888), Some(2093056)));
    assert_eq!(member(&md6, "sdt").role, MdRole::Rebuilding);
    assert_eq!(member(&md6, "sdq").role, MdRole::Active);
    let reports = md_reports(&[md6], 1.0);
    let sdt = reports.iter().find(|r| r.id == "sdt").unwrap();
    assert_eq!(sdt.state, MemberState::Rebuilding);
    assert!((sdt.rebuild.unwrap().progress - 0.75).abs() < 1e-3);

    let md1 = sysfs_array("md1");
    assert_eq!((md1.degraded, md1.members.len()), (0, 2));
    assert!(md1.members.iter().all(|m| m.role == MdRole::Active));
}

#[test]
fn sysfs_slot_links_and_speed_give_the_rebuilt_member_and_eta() {
    let mut tree = SysTree::default();
    for (k, v) in [
        ("array_state", "active"),
        ("level", "raid1"),
        ("raid_disks", "2"),
        ("degraded", "1"),
        ("sync_action", "recover"),
        ("sync_completed", "1000 / 4000"),
        ("sync_speed", "750"),
        ("dev-sda/state", "in_sync"),
        ("dev-sdb/state", "spare"),
        ("dev-sdc/state", "spare"),
        ("dev-sdd/state", "in_sync,writemostly"),
    ] {
        tree.files.insert(k.into(), v.into());
    }
    tree.links.insert("rd0".into(), "dev-sda".into());
    tree.links.insert("rd1".into(), "dev-sdb".into());
    let a = parse_md_sysfs("md9", &tree, "md9").unwrap();
    assert_eq!(member(&a, "sdb").role, MdRole::Rebuilding);
    assert_eq!(member(&a, "sdb").slot, Some(1));
    assert_eq!(member(&a, "sdc").role, MdRole::Spare, "not in a slot");
    assert_eq!(member(&a, "sdd").flags, ["write_mostly"]);
    // 3000 sectors = 1500 KiB at 750 KiB/s = 2 s
    let eta = a.sync.unwrap().eta_min.unwrap();
    assert!((eta - 2.0 / 60.0).abs() < 1e-9, "{eta}");
}

#[test]
fn collector_prefers_sysfs_then_falls_back_to_mdstat() {
    let fixtures = fixtures();
    let root = std::env::temp_dir().join(format!("redcon-md-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("proc")).unwrap();
    std::fs::copy(
        fixtures.join("mdraid/proc-mdstat"),
        root.join("proc/mdstat"),
    )
    .unwrap();
    let mut out = Collected::default();
    MdraidCollector::new(Some(&root)).collect(&mut out).unwrap();
    assert!(out.members.iter().any(|m| m.id == "md219"), "from mdstat");

    std::os::unix::fs::symlink(fixtures.join("sysfs"), root.join("sys")).unwrap();
    let mut out = Collected::default();
    MdraidCollector::new(Some(&root)).collect(&mut out).unwrap();
    assert!(out.members.iter().any(|m| m.id == "sdt"), "from sysfs");
    assert!(!out.members.iter().any(|m| m.id == "md219"));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_missing_source_is_named() {
    let e = MdraidCollector::new(Some(Path::new("/nonexistent-root")))
        .collect(&mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("collector mdraid: /nonexistent-root/proc/mdstat: cannot read"),
        "{e}"
    );
}

#[test]
fn broken_arrays_cost_only_themselves() {
    let text = "Personalities : [raid1]\n\
        md0 : active raid1 sda1[0] sdb1[1]\n      100 blocks [2/2] [UU]\n\n\
        md1 : active raid1 sdc1[zero]\n      100 blocks [2/2] [UU]\n\n\
        md2 : active raid1 sdd1[0] sde1[1]\n      100 blocks [2/99999999999] [UU]\n\n\
        md3 : active raid1 sdf1[0](F) sdg1[1]\n      100 blocks [2/1] [_U]\n";
    let p = parse_mdstat(text, "/proc/mdstat").unwrap();
    let names: Vec<_> = p.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["md0", "md3"]);
    assert_eq!(p.errors.len(), 2);
    assert!(
        p.errors[0]
            .to_string()
            .starts_with("/proc/mdstat:5: unreadable device"),
        "{}",
        p.errors[0]
    );
    assert!(
        p.errors[1]
            .to_string()
            .starts_with("/proc/mdstat:9: bad working count"),
        "{}",
        p.errors[1]
    );
    let e = parse_mdstat("<html>hello</html>", "/proc/mdstat").unwrap_err();
    assert!(
        e.to_string().starts_with("/proc/mdstat: not /proc/mdstat"),
        "{e}"
    );
}

#[test]
fn truncations_of_the_real_file_never_panic() {
    let text = mdstat_fixture();
    for cut in cut_points(&text, 400) {
        match parse_mdstat(&text[..cut], "mdstat") {
            Ok(p) => assert!(p.items.len() <= 17),
            Err(e) => assert!(e.to_string().starts_with("mdstat: "), "{e}"),
        }
    }
}

proptest! {
    #[test]
    fn garbage_mdstat_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_mdstat(&text, "mdstat") {
            prop_assert!(e.to_string().starts_with("mdstat"));
        }
    }

    #[test]
    fn hostile_numbers_in_mdstat(n in any::<u64>(), m in any::<u64>(), d in any::<u64>(), t in any::<u64>(), eta in any::<f64>()) {
        let text = format!("Personalities : [raid1]\nmd0 : active raid1 sda[0] sdb[1](S)\n \
            1 blocks [{n}/{m}] [U_]\n [==>..]  recovery = 1.0% ({d}/{t}) finish={eta}min speed=1K/sec\n");
        let p = parse_mdstat(&text, "mdstat").unwrap();
        for a in &p.items {
            if let Some(f) = a.sync.as_ref().and_then(SyncProgress::fraction) {
                prop_assert!((0.0..=1.0).contains(&f));
            }
            if let Some(eta) = a.sync.as_ref().and_then(|s| s.eta_min) {
                prop_assert!(eta.is_finite() && eta >= 0.0);
            }
        }
        let reports = md_reports(&p.items, 0.0);
        for r in &reports {
            if let Some(rb) = r.rebuild {
                prop_assert!((0.0..=1.0).contains(&rb.progress));
            }
        }
    }

    #[test]
    fn garbage_sysfs_values_never_panic(state in ".{0,20}", done in ".{0,20}", dev in ".{0,30}") {
        let mut tree = SysTree::default();
        tree.files.insert("array_state".into(), state);
        tree.files.insert("sync_action".into(), "recover".into());
        tree.files.insert("sync_completed".into(), done);
        tree.files.insert("dev-x/state".into(), dev);
        if let Err(e) = parse_md_sysfs("md0", &tree, "md0/md") {
            prop_assert!(e.to_string().starts_with("md0/md: "));
        }
    }
}
