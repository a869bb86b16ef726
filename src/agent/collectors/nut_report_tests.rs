use super::*;
use proptest::prelude::*;

/// A dummy-ups `.dev` file (the format of `upsc` output) as upsd's variables.
fn dev(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn with(text: &str, var: &str, value: &str) -> Vec<(String, String)> {
    let mut vars = dev(text);
    vars.retain(|(n, _)| n != var);
    vars.push((var.to_string(), value.to_string()));
    vars
}

const PDU: &str = include_str!("../../../tests/fixtures/nut/pdu.dev");
const ATS: &str = include_str!("../../../tests/fixtures/nut/ats.dev");
const UPS3: &str = include_str!("../../../tests/fixtures/nut/ups3ph.dev");
/// 2024-06-01 00:00 UTC.
const NOW: f64 = 1_717_200_000.0;

#[test]
fn a_pdu_reports_itself_and_its_outlets() {
    let r = device_report("pdu1", &dev(PDU), NOW);
    assert_eq!(r.element.state, ElementState::Ok, "no ups.status: on");
    assert_eq!(r.element.metrics.get("input_current_a"), Some(6.6));
    assert_eq!(r.element.metrics.get("input_realpower_w"), Some(1230.0));
    let outlets: Vec<_> = r
        .members
        .iter()
        .map(|m| (m.id.as_str(), m.state, m.flags.clone()))
        .collect();
    assert_eq!(outlets.len(), 4);
    assert_eq!(
        outlets[1],
        (
            "pdu1/outlet.2",
            MemberState::Ok,
            vec!["on".into(), "desc:ESX Server 1 PS 2".into()]
        )
    );
    assert_eq!(
        outlets[3].1,
        MemberState::Failed,
        "an outlet off feeds nothing"
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let overloaded = device_report(
        "pdu1",
        &with(PDU, "input.current.status", "critical-high"),
        NOW,
    );
    assert!(overloaded.element.flags.contains(&"overload".into()));
    assert!(overloaded.element.flags.contains(&DEGRADED.into()));
}

#[test]
fn a_transfer_switch_says_which_input_it_uses() {
    let r = device_report("ats1", &dev(ATS), NOW);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.position.as_deref(), Some("ats1/input.1"));
    assert_eq!(r.element.flags, ["input.1"]);
    assert_eq!(r.element.metrics.get("input2_voltage"), Some(229.0));
    let moved = device_report("ats1", &with(ATS, "input.source", "2"), NOW);
    assert_eq!(moved.element.position.as_deref(), Some("ats1/input.2"));
    assert_eq!(moved.element.flags, ["input.2", "not_preferred"]);
    for broken in ["", "three", "0", "-1", "1e9"] {
        let r = device_report("ats1", &with(ATS, "input.source", broken), NOW);
        assert_eq!(r.element.state, ElementState::Unknown, "{broken:?}");
        assert_eq!(r.element.position, None);
    }
    let r = device_report("ats1", &with(ATS, "input.source", "banana"), NOW);
    assert_eq!(
        r.problems,
        ["ats1: input.source = \"banana\": not a number"]
    );
}

#[test]
fn a_three_phase_ups_is_as_loaded_as_its_busiest_phase() {
    let r = device_report("ups3", &dev(UPS3), NOW);
    let m = &r.element.metrics;
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(m.get("load_pct"), Some(41.0));
    assert_eq!(m.get("load_l3_pct"), Some(28.0));
    assert_eq!(m.get("input_voltage_l2"), Some(230.0));
    assert_eq!(m.get("output_current_l2_a"), Some(45.0));
    assert_eq!(m.get("realpower_w"), Some(21000.0));
    assert_eq!(m.get("battery_temp_c"), Some(24.0));
    assert_eq!(m.get("ambient_temp_c"), Some(22.5));
    assert_eq!(m.get("runtime_min"), Some(32.0));
    // 2021-03-15 to 2024-06-01
    assert_eq!(m.get("battery_age_days"), Some(1174.0));
    assert_eq!(
        r.element.flags,
        ["OL", "transfer:input voltage out of range"],
        "a passed test says nothing"
    );
}

#[test]
fn alarms_low_battery_and_failed_tests_degrade() {
    let r = device_report("u", &with(UPS3, "ups.alarm", "Replace battery!"), NOW);
    assert_eq!(r.element.state, ElementState::Ok);
    assert!(r.element.flags.contains(&"ALARM".into()));
    assert!(r.element.flags.contains(&"alarm:Replace battery!".into()));
    assert!(r.element.flags.contains(&DEGRADED.into()));
    let lb = device_report("u", &with(UPS3, "ups.status", "OB LB DISCHRG"), NOW);
    assert_eq!(lb.element.state, ElementState::OnBattery);
    assert!(lb.element.flags.contains(&DEGRADED.into()));
    assert_eq!(lb.element.metrics.get("runtime_min"), Some(32.0));
    let t = device_report("u", &with(UPS3, "ups.test.result", "Done and error"), NOW);
    assert!(t.element.flags.contains(&"test_failed".into()));
    assert!(t.element.flags.contains(&DEGRADED.into()));
    let gone = device_report("u", &with(UPS3, "ups.status", "WAIT"), NOW);
    assert_eq!(gone.element.state, ElementState::Unknown);
    assert!(
        !gone.element.flags.contains(&DEGRADED.into()),
        "unknown is not dressed up"
    );
}

#[test]
fn impossible_values_are_dropped_and_named() {
    for (var, value, metric) in [
        ("battery.charge", "140", "battery_charge_pct"),
        ("battery.charge", "-3", "battery_charge_pct"),
        ("battery.runtime", "-60", "runtime_min"),
        ("ups.load", "250000", "load_pct"),
        ("output.L2.power.percent", "-5", "load_l2_pct"),
        ("battery.temperature", "inf", "battery_temp_c"),
    ] {
        let r = device_report("ups9", &with(UPS3, var, value), NOW);
        let got = r.element.metrics.get(metric);
        assert!(got.is_none() || got != value.parse().ok(), "{var}={value}");
        assert_eq!(r.problems.len(), 1, "{var}={value}: {:?}", r.problems);
        assert!(
            r.problems[0].starts_with(&format!("ups9: {var} = \"{value}\"")),
            "{:?}",
            r.problems
        );
    }
}

#[test]
fn battery_dates_in_the_forms_drivers_write() {
    assert_eq!(battery_age_days("2024/05/31", NOW), Some(1.0));
    assert_eq!(battery_age_days("2024-05-01", NOW), Some(31.0));
    assert_eq!(battery_age_days("05/31/2024", NOW), Some(1.0));
    for bad in ["", "soon", "2024/13/01", "31/31/2024", "2030/01/01", "1/2"] {
        assert_eq!(battery_age_days(bad, NOW), None, "{bad:?}");
    }
}

proptest! {
    #[test]
    fn any_variables_give_a_report_without_panic(
        vars in proptest::collection::vec(
            (prop_oneof![
                Just("device.type".to_string()), Just("input.source".to_string()),
                Just("outlet.1.status".to_string()), Just("outlet.99999999999.desc".to_string()),
                Just("battery.date".to_string()), Just("ups.alarm".to_string()),
                "\\PC{0,20}",
            ], "\\PC{0,30}"),
            0..12,
        )
    ) {
        let r = device_report("u", &vars, NOW);
        prop_assert_eq!(r.element.id.as_str(), "u");
        for m in &r.members {
            prop_assert!(m.id.starts_with("u/outlet."));
        }
    }
}
