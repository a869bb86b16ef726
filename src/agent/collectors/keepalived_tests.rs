use super::*;
use proptest::prelude::*;
use std::io::Write;
use std::time::Instant;

#[test]
fn notices_as_keepalived_writes_them() {
    assert_eq!(
        parse_notice(r#"INSTANCE "VI_1" MASTER 150"#).unwrap(),
        Some(Notice {
            instance: "VI_1".into(),
            state: VrrpState::Master,
            priority: Some(150)
        })
    );
    let n = parse_notice("INSTANCE VI_2 BACKUP").unwrap().unwrap();
    assert_eq!((n.state, n.priority), (VrrpState::Backup, None));
    assert_eq!(parse_notice(r#"GROUP "G1" MASTER"#).unwrap(), None);
    for (line, needle) in [
        (r#"INSTANCE "VI_1" SLEEPING 150"#, "unknown VRRP state"),
        (r#"INSTANCE "VI_1" MASTER 300"#, "priority"),
        (r#"INSTANCE "VI_1"#, "unterminated"),
        ("INSTANCE", "without name"),
        ("hello world", "not a keepalived notice"),
        (r#"INSTANCE "VI_1" MASTER 100 extra"#, "not INSTANCE"),
    ] {
        let e = parse_notice(line).unwrap_err();
        assert!(e.to_string().contains(needle), "{line:?} -> {e}");
    }
}

#[test]
fn states_map_to_members() {
    use MemberState::*;
    for (s, want) in [
        (VrrpState::Master, Ok),
        (VrrpState::Backup, Standby),
        (VrrpState::Fault, Failed),
        (VrrpState::Stop, Maintenance),
        (VrrpState::Deleted, Maintenance),
    ] {
        assert_eq!(s.member_state(), want, "{s:?}");
    }
}

fn mkfifo(path: &Path) {
    use rustix::fs::{CWD, Mode, mkfifoat};
    mkfifoat(CWD, path, Mode::from_raw_mode(0o600)).unwrap();
}

fn until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let t0 = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Each member as (id, state, flags), and the round's error.
type Round = (Vec<(String, MemberState, Vec<SmolStr>)>, Option<String>);

fn round(c: &mut KeepalivedCollector) -> Round {
    let mut out = Collected::default();
    let e = c.collect(&mut out).err().map(|e| e.to_string());
    let m = out
        .members
        .into_iter()
        .map(|m| (m.id.to_string(), m.state, m.flags))
        .collect();
    (m, e)
}

#[test]
fn a_real_fifo_is_followed_across_writers() {
    let dir = std::env::temp_dir().join(format!("redcon-ka-unit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("notify.fifo");
    mkfifo(&fifo);
    let mut c = KeepalivedCollector::new(&fifo, &["VI_1".into()]).unwrap();
    let (m, e) = round(&mut c);
    assert_eq!(
        m,
        [("VI_1".into(), MemberState::Unknown, vec![])],
        "nothing heard yet"
    );
    assert!(e.is_none());

    let mut w = OpenOptions::new().write(true).open(&fifo).unwrap();
    w.write_all(b"INSTANCE \"VI_1\" MASTER 150\ngarbage line\nINSTANCE \"VI_9\" BACKUP 100\n")
        .unwrap();
    let (m, e) = until("both instances heard", || {
        let (m, e) = round(&mut c);
        (m.len() == 2).then_some((m, e))
    });
    assert_eq!(
        m[0],
        ("VI_1".into(), MemberState::Ok, vec!["MASTER".into()])
    );
    assert_eq!(
        m[1],
        ("VI_9".into(), MemberState::Standby, vec!["BACKUP".into()])
    );
    let e = e.unwrap_or_default();
    assert!(
        e.contains("notify.fifo") && e.contains("garbage line"),
        "{e}"
    );

    // keepalived goes away: nobody vouches for the last state.
    drop(w);
    let m = until("orphaned", || {
        let (m, _) = round(&mut c);
        (m[0].1 == MemberState::Unknown).then_some(m)
    });
    assert_eq!(m[0].2, ["MASTER", "NO-WRITER"]);

    // ... and comes back: the reader opened the FIFO again.
    let mut w = OpenOptions::new().write(true).open(&fifo).unwrap();
    w.write_all(b"INSTANCE \"VI_1\" FAULT 150\n").unwrap();
    until("heard again after reopening", || {
        let (m, _) = round(&mut c);
        (m[0].1 == MemberState::Failed).then_some(())
    });
    drop(w);
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_track_file_is_written_or_named() {
    let dir = std::env::temp_dir().join(format!("redcon-ka-track-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("drain");
    set_track_file(&f, 1).unwrap();
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "1\n");
    let e = set_track_file(&dir.join("no/such/file"), 0)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("track file ") && e.contains("no/such/file"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #[test]
    fn any_line_parses_or_errs_without_panic(s in "\\PC{0,120}") {
        if let Ok(Some(n)) = parse_notice(&s) {
            prop_assert!(!n.instance.is_empty());
        }
    }

    #[test]
    fn truncated_notices_are_never_misread(cut in 0usize..26) {
        let line = r#"INSTANCE "VI_1" MASTER 150"#;
        match parse_notice(&line[..cut]) {
            Ok(Some(n)) => prop_assert_eq!(n.instance, "VI_1"),
            Ok(None) => prop_assert!(false, "a cut line is not another kind"),
            Err(_) => {}
        }
    }
}
