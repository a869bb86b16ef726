use super::*;
use proptest::prelude::*;

/// Recorded from HAProxy 2.6 (Debian 12): web1 up, web2 a backup that is down.
const STAT: &str = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,
be_app,web1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,1,1,1,1,,1,2,1,,0,,2,0,,0,L4OK,,0,,,,,,,,,,,0,0,,,,,-1,,,0,0,0,0,,,,Layer4 check passed,,2,3,4,,,,127.0.0.1:18081,,tcp,,
be_app,web2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,0,1,1,1,2,2,,1,2,2,,0,,2,0,,0,L4CON,,0,,,,,,,,,,,0,0,,,,,-1,Connection refused,,0,0,0,0,,,,\"Layer4 connection problem, refused\",,2,3,0,,,,127.0.0.1:18082,,tcp,,
be_app,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,1,1,0,,1,1,1,,1,2,0,,0,,1,0,,0,,,,,,,,,,,,,,0,0,0,0,0,0,-1,,,0,0,0,0,,,,,,,,,,,,,,tcp,roundrobin,
fe,FRONTEND,,,0,0,9985,0,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,3,0,,,,0,0,0,0,,,,,,,,,,,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,tcp,,

";

#[test]
fn a_recorded_show_stat() {
    let (rows, errors) = parse_stat(STAT).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        rows.len(),
        2,
        "frontends and backend totals are not servers"
    );
    let r = server_report(&rows[0], 1.0);
    assert_eq!(r.id, "be_app/web1");
    assert_eq!(r.state, MemberState::Ok);
    assert_eq!(r.flags, ["UP", "L4OK"]);
    assert_eq!(r.metrics.get("weight"), Some(1.0));
    let r = server_report(&rows[1], 1.0);
    assert_eq!(r.id, "be_app/web2");
    assert_eq!(r.state, MemberState::Failed);
    assert_eq!(r.flags, ["DOWN", "L4CON", "backup"]);
    assert_eq!(r.metrics.get("check_failures"), Some(1.0));
}

#[test]
fn statuses_map_to_member_states() {
    for (status, backup, want) in [
        ("UP", false, MemberState::Ok),
        ("UP 1/3", false, MemberState::Ok),
        ("UP", true, MemberState::Standby),
        ("DOWN", false, MemberState::Failed),
        ("DOWN 1/2", true, MemberState::Failed),
        ("DRAIN", false, MemberState::Maintenance),
        ("DRAIN (agent)", false, MemberState::Maintenance),
        ("NOLB", false, MemberState::Maintenance),
        ("MAINT", false, MemberState::Maintenance),
        ("MAINT(via)", false, MemberState::Maintenance),
        ("MAINT (resolution)", false, MemberState::Maintenance),
        ("no check", false, MemberState::Unknown),
        ("", false, MemberState::Unknown),
    ] {
        assert_eq!(server_state(status, backup), want, "{status:?}");
    }
}

#[test]
fn a_bad_row_costs_only_itself() {
    let text = STAT.replacen("be_app,web2,0,0", "be_app,web2", 1);
    let cut: String = text
        .lines()
        .map(|l| {
            if l.starts_with("be_app,web2") {
                &l[..30]
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (rows, errors) = parse_stat(&cut).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].server, "web1");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("row 2: only"), "{errors:?}");
}

#[test]
fn foreign_answers_are_refused() {
    for (text, needle) in [
        ("", "header"),
        ("Unknown command.\n", "header"),
        ("# pxname,svname\nbe,s\n", "status"),
    ] {
        let e = parse_stat(text).unwrap_err();
        assert!(e.to_string().contains(needle), "{text:?} -> {e}");
    }
}

#[test]
fn a_missing_socket_is_named() {
    let mut c = HaproxyCollector::new(Path::new("/nonexistent/haproxy.sock"), &[], 1.0).unwrap();
    let e = c
        .collect(&mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("collector haproxy: haproxy socket /nonexistent/haproxy.sock: "),
        "{e}"
    );
    let client = HaproxyClient::new(Path::new("/nonexistent"), Duration::from_secs(1));
    for name in ["a;shutdown", "a b", "", "x\ny", "be/srv"] {
        let e = client
            .set_server_state(name, "s", AdminState::Drain)
            .unwrap_err();
        assert!(e.to_string().contains("refusing"), "{e}");
    }
}

proptest! {
    #[test]
    fn truncated_answers_never_panic(cut in 0usize..2000) {
        let cut = (0..=cut.min(STAT.len())).rev().find(|&i| STAT.is_char_boundary(i)).unwrap_or(0);
        if let Ok((rows, _)) = parse_stat(&STAT[..cut]) {
            prop_assert!(rows.len() <= 2);
        }
    }

    #[test]
    fn garbled_answers_never_panic(s in "\\PC{0,400}", noise in "[,\"#\n a-z0-9]{0,300}") {
        let _ = parse_stat(&s);
        let _ = parse_stat(&format!("# pxname,svname,status,weight,bck,check_status,chkfail\n{noise}"));
        let text = STAT.replace("UP", &noise);
        if let Ok((rows, _)) = parse_stat(&text) {
            for r in &rows {
                let _ = server_report(r, 0.0);
            }
        }
    }
}
