use super::*;
use proptest::prelude::*;
use smol_str::SmolStr;

fn flags(s: &str) -> Vec<SmolStr> {
    s.split_whitespace().map(SmolStr::new).collect()
}

#[test]
fn status_words_map_to_states() {
    for (status, want) in [
        ("OL CHRG", ElementState::Ok),
        ("OL RB OVER", ElementState::Ok),
        ("OB DISCHRG", ElementState::OnBattery),
        ("OB LB DISCHRG", ElementState::OnBattery),
        ("OL BYPASS", ElementState::Bypass),
        ("OB BYPASS", ElementState::Bypass),
        ("OFF", ElementState::Failed),
        ("FSD OL CHRG", ElementState::Failed),
        ("", ElementState::Unknown),
        ("CHRG", ElementState::Unknown),
        ("WAIT", ElementState::Unknown),
    ] {
        assert_eq!(ups_state(&flags(status)), want, "{status:?}");
    }
}

#[test]
fn variables_become_a_report() {
    let vars: Vec<(String, String)> = [
        ("ups.status", "OB LB DISCHRG"),
        ("battery.charge", "42"),
        ("battery.runtime", "690"),
        ("ups.load", " 37.5 "),
        ("input.voltage", "NaN"),
        ("output.voltage", "not a number"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let r = ups_report("ups1", &vars, 5.0);
    assert_eq!(r.id, "ups1");
    assert_eq!(r.state, ElementState::OnBattery);
    assert_eq!(r.flags, ["OB", "LB", "DISCHRG", "degraded"]);
    assert_eq!(r.metrics.get("battery_charge_pct"), Some(42.0));
    assert_eq!(r.metrics.get("runtime_min"), Some(11.5));
    assert_eq!(r.metrics.get("load_pct"), Some(37.5));
    assert_eq!(r.metrics.get("input_voltage"), None);
    assert_eq!(r.metrics.get("output_voltage"), None);
    let none = ups_report("ups2", &[], 5.0);
    assert_eq!(none.state, ElementState::Unknown, "no status is no data");
}

#[test]
fn an_unreachable_upsd_is_named_and_its_ups_unknown() {
    // A port nobody listens on: bind, note, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let server = format!("127.0.0.1:{port}");
    let mut c = NutCollector::new(&server, &["ups1".into()], 1.0).unwrap();
    let mut out = Collected::default();
    let e = c.collect(&mut out).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("collector nut: upsd {server}:")),
        "{e}"
    );
    assert_eq!(out.elements.len(), 1);
    assert_eq!(out.elements[0].state, ElementState::Unknown);
    assert!(NutCollector::new(&server, &[], 0.0).is_err());
}

/// A fake upsd on loopback that answers its first connection with `answer`, then
/// closes. Returns its address.
pub(crate) fn fake_upsd(answer: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let _ = s.write_all(&answer);
        }
    });
    addr
}

#[test]
fn stale_data_is_unknown_and_the_round_goes_on() {
    for code in ["DATA-STALE", "DRIVER-NOT-CONNECTED"] {
        let server = fake_upsd(format!("ERR {code}\n").into_bytes());
        let mut c = NutCollector::new(&server, &["ups1".into()], 1.0).unwrap();
        let mut out = Collected::default();
        c.collect(&mut out).unwrap();
        let e = &out.elements[0];
        assert_eq!((e.id.as_str(), e.state), ("ups1", ElementState::Unknown));
        assert_eq!(e.flags, [code]);
    }
}

#[test]
fn a_garbled_answer_is_an_error_naming_upsd_and_the_ups_is_unknown() {
    let server = fake_upsd(b"BEGIN LIST VAR ups1\nVAR ups1 ups.status \"OL\nEND".to_vec());
    let mut c = NutCollector::new(&server, &["ups1".into()], 1.0).unwrap();
    let mut out = Collected::default();
    let e = c.collect(&mut out).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("collector nut: upsd {server}: ")),
        "{e}"
    );
    assert_eq!(out.elements.len(), 1);
    assert_eq!(out.elements[0].state, ElementState::Unknown);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn hostile_upsd_answers_never_panic_nor_read_as_healthy(
        answer in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let server = fake_upsd(answer);
        let mut c = NutCollector::new(&server, &["ups1".into()], 0.5).unwrap();
        let mut out = Collected::default();
        if let Err(e) = c.collect(&mut out) {
            prop_assert!(e.to_string().contains(&server), "{}", e);
        }
        prop_assert_eq!(out.elements.len(), 1);
        prop_assert_ne!(out.elements[0].state, ElementState::Ok);
    }
}

proptest! {
    #[test]
    fn any_variables_give_a_report_without_panic(
        status in "\\PC{0,40}", charge in "\\PC{0,12}", runtime in "\\PC{0,12}",
    ) {
        let vars = vec![
            ("ups.status".to_string(), status),
            ("battery.charge".to_string(), charge),
            ("battery.runtime".to_string(), runtime),
        ];
        let r = ups_report("u", &vars, 0.0);
        prop_assert!(r.metrics.iter().all(|(_, v)| v.is_finite()));
        if !r.flags.iter().any(|f| f == "OL" || f == "OB") {
            prop_assert_eq!(r.state == ElementState::Ok, false);
        }
    }
}
