use std::collections::BTreeMap;

use proptest::prelude::*;

use super::eval::{Answers, evaluate};
use super::profile::{self, SHIPPED, parse_oid};
use super::wire::{Got, got};
use crate::agent::collectors::facility::Reading;
use crate::model::{ElementState, MemberState};

const LIEBERT: &str = include_str!("../../../../tests/fixtures/snmp/liebert-pex.snmprec");
const RPDU: &str = include_str!("../../../../tests/fixtures/snmp/apc-8641.snmprec");
const EATON: &str = include_str!("../../../../tests/fixtures/snmp/eaton-93e.snmprec");
const INROW: &str = include_str!("../../../../tests/fixtures/snmp/apc-inrow.snmprec");

/// A `.snmprec` recording (snmpsim's format) as the answers a device would give.
pub(crate) fn snmprec(text: &str) -> Answers {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '|');
        let (Some(oid), Some(tag), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(oid) = parse_oid(oid) else { continue };
        let reading = match tag {
            "4x" => {
                let bytes: Vec<u8> = value
                    .as_bytes()
                    .chunks(2)
                    .filter_map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
                    .collect();
                Reading::Text(String::from_utf8_lossy(&bytes).into_owned())
            }
            "4" | "6" => Reading::Text(value.to_string()),
            _ => match value.parse::<f64>() {
                Ok(n) => Reading::Number(n),
                Err(_) => Reading::Text(value.to_string()),
            },
        };
        out.insert(oid, reading);
    }
    out
}

fn edit(text: &str, oid: &str, value: &str) -> String {
    text.lines()
        .map(|l| match l.split_once('|') {
            Some((o, rest)) if o == oid => {
                let tag = rest.split('|').next().unwrap_or("2");
                format!("{o}|{tag}|{value}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect()
}

fn run(profile: &str, text: &str) -> super::eval::Evaluated {
    let p = profile::shipped(profile).unwrap();
    evaluate("DEV-1", "DEV-1 (127.0.0.1:161)", &p, &snmprec(text), 5.0)
}

const SYSTEM: &str = "1.3.6.1.4.1.476.1.42.3.4.3.1.0";
const ALARM: &str = "1.3.6.1.4.1.476.1.42.3.4.3.8.0";

#[test]
fn every_shipped_profile_parses() {
    for (name, _) in SHIPPED {
        let p = profile::shipped(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!p.mibs.is_empty(), "{name} cites its MIBs");
    }
    let e = profile::shipped("nosuch").unwrap_err().to_string();
    assert!(e.contains("apc-rpdu2"), "{e}");
}

#[test]
fn broken_profiles_are_refused_by_name() {
    for (text, needle) in [
        (
            "(description: \"x\", values: {\"a\": (oid: \"1.3.six\")})",
            "not a numeric OID",
        ),
        (
            "(description: \"x\", rules: [(when: \"nope\", is: [1])])",
            "no value named nope",
        ),
        (
            "(description: \"x\", require: [\"gone\"])",
            "no value named gone",
        ),
        (
            "(description: \"x\", tables: [(name: \"t\", columns: {\"a\": (oid: \"1.3.6\")}, label: Some(\"b\"))])",
            "no column b",
        ),
        ("(description: \"x\", colour: 1)", "colour"),
        ("(description: \"x\"", "profile.ron"),
    ] {
        let e = profile::parse(text, "profile.ron").unwrap_err().to_string();
        assert!(
            e.starts_with("profile.ron: ") && e.contains(needle),
            "{text}: {e}"
        );
    }
}

#[test]
fn a_liebert_thermal_unit_from_its_recording() {
    let r = run("liebert-gp-environmental", LIEBERT);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.flags, ["cooling_off", "on"]);
    let m = &r.element.metrics;
    assert_eq!(m.get("return_temp_c"), Some(23.0));
    assert_eq!(m.get("control_temp_c"), Some(23.0));
    assert_eq!(m.get("fan_capacity_pct"), Some(100.0));
    assert_eq!(m.get("active_conditions"), Some(0.0));
    assert!(r.problems.is_empty(), "{:?}", r.problems);

    let off = run("liebert-gp-environmental", &edit(LIEBERT, SYSTEM, "2"));
    assert_eq!(off.element.state, ElementState::Failed);
    assert!(off.element.flags.contains(&"system_off".into()));
    let alarm = run("liebert-gp-environmental", &edit(LIEBERT, ALARM, "1"));
    assert_eq!(alarm.element.state, ElementState::Failed);
    assert!(alarm.element.flags.contains(&"general_alarm".into()));
    let standby = run("liebert-gp-environmental", &edit(LIEBERT, SYSTEM, "3"));
    assert_eq!(
        standby.element.state,
        ElementState::Ok,
        "standby capacity is available"
    );
    assert_eq!(standby.element.flags, ["cooling_off", "standby"]);
    let conditions = edit(LIEBERT, "1.3.6.1.4.1.476.1.42.3.2.2.0", "3");
    let c = run("liebert-gp-environmental", &conditions);
    assert_eq!(c.element.state, ElementState::Ok);
    assert!(c.element.flags.contains(&"degraded".into()));
}

#[test]
fn an_apc_rack_pdu_from_its_recording() {
    let r = run("apc-rpdu2", RPDU);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.metrics.get("power_kw"), Some(1.21));
    assert_eq!(r.element.metrics.get("max_phase_current_a"), Some(6.5));
    let ids: Vec<&str> = r.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids[..4],
        [
            "DEV-1/phase.1",
            "DEV-1/bank.1",
            "DEV-1/bank.2",
            "DEV-1/outlet.1"
        ]
    );
    assert_eq!(ids.len(), 3 + 24);
    let outlet = &r.members[3];
    assert_eq!(outlet.state, MemberState::Ok);
    assert_eq!(outlet.flags, ["on", "desc:CP-CM-SAN-01"]);
    assert_eq!(r.members[1].metrics.get("current_a"), Some(3.8));

    let bank2 = "1.3.6.1.4.1.318.1.1.26.8.3.1.4.2";
    let over = run("apc-rpdu2", &edit(RPDU, bank2, "4"));
    assert_eq!(
        over.element.state,
        ElementState::Ok,
        "an overloaded bank still feeds"
    );
    assert_eq!(over.element.flags, ["bank_overload", "degraded"]);
    let bank = over
        .members
        .iter()
        .find(|m| m.id == "DEV-1/bank.2")
        .unwrap();
    assert_eq!(bank.flags, ["overload", "degraded"]);
    let off = run(
        "apc-rpdu2",
        &edit(RPDU, "1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.3", "1"),
    );
    let outlet = off
        .members
        .iter()
        .find(|m| m.id == "DEV-1/outlet.3")
        .unwrap();
    assert_eq!(outlet.state, MemberState::Failed);
}

#[test]
fn a_three_phase_ups_through_ups_mib() {
    let r = run("ups-mib", EATON);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.flags, ["OL"]);
    let m = &r.element.metrics;
    assert_eq!(m.get("load_pct"), Some(21.0), "the busiest of 21, 16, 12 %");
    assert_eq!(m.get("battery_charge_pct"), Some(100.0));
    assert_eq!(m.get("runtime_min"), Some(1092.0));
    assert_eq!(m.get("max_output_current_a"), Some(27.0));
    let source = "1.3.6.1.2.1.33.1.4.1.0";
    for (v, state) in [
        ("5", ElementState::OnBattery),
        ("4", ElementState::Bypass),
        ("2", ElementState::Failed),
    ] {
        assert_eq!(
            run("ups-mib", &edit(EATON, source, v)).element.state,
            state,
            "{v}"
        );
    }
    let low = run("ups-mib", &edit(EATON, "1.3.6.1.2.1.33.1.2.1.0", "3"));
    assert_eq!(low.element.flags, ["LB", "OL", "degraded"]);
}

#[test]
fn an_apc_cooling_unit_from_its_self_describing_rows() {
    let r = run("apc-cooling-unit", INROW);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.flags, ["on"]);
    let m = &r.element.metrics;
    assert_eq!(m.get("supply_temp_c"), Some(18.0), "64.4 °F");
    assert_eq!(m.get("return_temp_c"), Some(27.6));
    assert_eq!(m.get("cooling_output_kw"), Some(18.2));
    assert_eq!(m.get("fan_speed_pct"), Some(55.0));
    let mode = "1.3.6.1.4.1.318.1.1.27.1.4.2.2.1.4.1.1";
    let m = run("apc-cooling-unit", &edit(INROW, mode, "3"));
    assert_eq!(m.element.state, ElementState::Maintenance);
    let s = run("apc-cooling-unit", &edit(INROW, mode, "0"));
    assert_eq!(
        (s.element.state, s.element.flags.clone()),
        (ElementState::Ok, vec!["standby".into()])
    );
}

#[test]
fn hostile_answers_are_named_and_never_healthy() {
    // The state OID answers text: the unit cannot be vouched for, and the OID is named.
    let r = run(
        "liebert-gp-environmental",
        &edit(LIEBERT, SYSTEM, "\u{1b}[2J"),
    );
    assert_eq!(r.element.state, ElementState::Unknown);
    // A temperature of 900 °C and a capacity as text: dropped and named.
    let t = edit(LIEBERT, "1.3.6.1.4.1.476.1.42.3.4.1.3.3.1.3.3", "900");
    let t = edit(&t, "1.3.6.1.4.1.476.1.42.3.4.3.16.0", "lots");
    let r = run("liebert-gp-environmental", &t);
    assert_eq!(r.element.state, ElementState::Ok);
    assert_eq!(r.element.metrics.get("return_temp_c"), None);
    assert_eq!(
        r.problems,
        [
            "DEV-1 (127.0.0.1:161): fan_capacity (1.3.6.1.4.1.476.1.42.3.4.3.16.0) = \"lots\": not a number",
            "DEV-1 (127.0.0.1:161): return_temp (keyed table) = 900: outside -40..100",
        ]
    );
    // A scale of zero divides nothing.
    let r = run(
        "apc-cooling-unit",
        &edit(INROW, "1.3.6.1.4.1.318.1.1.27.1.4.1.2.1.5.1.1", "0"),
    );
    assert_eq!(r.element.metrics.get("supply_temp_c"), None);
    // Nothing at all: unknown, no flags.
    for (name, _) in SHIPPED {
        let r = run(name, "");
        assert_eq!(r.element.state, ElementState::Unknown, "{name}");
        assert!(r.element.flags.is_empty() && r.members.is_empty(), "{name}");
    }
}

#[test]
fn values_off_the_wire() {
    use snmp2::Value;
    assert_eq!(
        got(&Value::Integer(-3)),
        Ok(Got::Value(Reading::Number(-3.0)))
    );
    assert_eq!(
        got(&Value::Counter64(7)),
        Ok(Got::Value(Reading::Number(7.0)))
    );
    assert_eq!(
        got(&Value::OctetString(b"PDU \xff")),
        Ok(Got::Value(Reading::Text("PDU \u{fffd}".into())))
    );
    assert_eq!(got(&Value::NoSuchInstance), Ok(Got::Nothing));
    assert_eq!(got(&Value::EndOfMibView), Ok(Got::EndOfMibView));
}

proptest! {
    /// A recording cut anywhere (a device half-configured, a walk that stopped early)
    /// never panics, and what it reports is either judged or unknown.
    #[test]
    fn truncated_recordings_never_panic(cut in 0usize..2000, which in 0usize..4) {
        let (name, text) = [
            ("liebert-gp-environmental", LIEBERT),
            ("apc-rpdu2", RPDU),
            ("ups-mib", EATON),
            ("apc-cooling-unit", INROW),
        ][which];
        let cut = cut.min(text.len());
        let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let r = run(name, &text[..cut]);
        prop_assert_eq!(r.element.id.as_str(), "DEV-1");
    }

    #[test]
    fn garbled_values_never_panic(value in "\\PC{0,12}", line in 0usize..80) {
        let lines: Vec<&str> = RPDU.lines().collect();
        let oid = lines[line % lines.len()].split('|').next().unwrap_or("");
        let r = run("apc-rpdu2", &edit(RPDU, oid, &value));
        for p in &r.problems {
            prop_assert!(p.starts_with("DEV-1"));
        }
    }
}
