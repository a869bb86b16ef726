use super::*;

fn readings(list: &[(&str, Reading)]) -> BTreeMap<String, Reading> {
    list.iter()
        .map(|(n, r)| (n.to_string(), r.clone()))
        .collect()
}

fn meanings() -> BTreeMap<String, Meaning> {
    let ron = r#"{
        "system": (flags: {1: "on", 2: "off", 3: "standby"}),
        "supply": (metric: "supply_temp_c", scale: 0.1, unit: fahrenheit, range: (-20.0, 60.0)),
        "alarm": (),
    }"#;
    from_ron(ron).unwrap()
}

fn rules() -> Vec<Rule> {
    from_ron(
        r#"[
            (when: "system", is: [2], state: failed, flag: "system_off"),
            (when: "system", is: [3], flag: "standby"),
            (when: "alarm", is: [1], state: degraded, flag: "general_alarm"),
            (when: "supply", above: 27.0, state: degraded, flag: "supply_hot"),
            (when: "mode", text: ["Maintenance"], state: maintenance),
        ]"#,
    )
    .unwrap()
}

fn run(list: &[(&str, Reading)]) -> (ElementState, Judged) {
    let mut j = judge(
        "CRAH-1",
        &readings(list),
        &meanings(),
        &rules(),
        &["system".to_string()],
        &|n| format!("oid-of-{n}"),
    );
    (j.element_state(), j)
}

use Reading::{Number as N, Text as T};

#[test]
fn rules_give_the_worst_state_and_every_flag() {
    let (s, j) = run(&[("system", N(1.0)), ("supply", N(650.0)), ("alarm", N(0.0))]);
    assert_eq!(s, ElementState::Ok);
    assert_eq!(j.flags, ["on"]);
    assert_eq!(j.metrics.get("supply_temp_c"), Some(18.333333), "65.0 °F");
    let (s, j) = run(&[("system", N(2.0)), ("alarm", N(1.0))]);
    assert_eq!(s, ElementState::Failed, "off outranks an alarm");
    assert_eq!(j.flags, ["off", "system_off", "general_alarm"]);
    let (s, j) = run(&[("system", N(3.0)), ("alarm", N(1.0))]);
    assert_eq!(s, ElementState::Ok, "standby is available capacity");
    assert_eq!(j.flags, ["standby", "general_alarm", "degraded"]);
    let (s, _) = run(&[("system", N(1.0)), ("mode", T(" maintenance ".into()))]);
    assert_eq!(s, ElementState::Maintenance);
    let (_, j) = run(&[("system", N(1.0)), ("supply", N(900.0))]);
    assert!(j.flags.contains(&"supply_hot".into()), "{:?}", j.flags);
}

#[test]
fn without_the_required_reading_it_is_unknown() {
    let (s, j) = run(&[("supply", N(650.0)), ("alarm", N(1.0))]);
    assert_eq!(s, ElementState::Unknown);
    assert!(!j.flags.contains(&"degraded".into()));
    let (s, _) = run(&[("system", T("garbage".into()))]);
    assert_eq!(s, ElementState::Unknown, "a text where a number belongs");
}

#[test]
fn unbelievable_and_garbled_readings_are_named() {
    let (_, j) = run(&[("system", N(1.0)), ("supply", N(-4000.0))]);
    assert_eq!(j.metrics.get("supply_temp_c"), None);
    assert_eq!(
        j.problems,
        ["CRAH-1: supply (oid-of-supply) = -4000: outside -20..60"]
    );
    let (_, j) = run(&[("system", N(1.0)), ("supply", T("\u{0}\u{7}AAAA".into()))]);
    assert_eq!(
        j.problems,
        ["CRAH-1: supply (oid-of-supply) = \"\\0\\u{7}AAAA\": not a number"]
    );
    let (_, j) = run(&[("system", N(f64::NAN)), ("supply", N(f64::INFINITY))]);
    assert!(j.metrics.is_empty());
}

#[test]
fn a_transfer_switch_position_names_its_input() {
    let p: Position =
        from_ron(r#"(from: "source", inputs: {1: "source1", 2: "source2"})"#).unwrap();
    let r = readings(&[("source", N(2.0))]);
    assert_eq!(position("ATS-1", &p, &r).as_deref(), Some("ATS-1/source2"));
    for bad in [N(7.0), N(1.5), T("two".into())] {
        let r = readings(&[("source", bad)]);
        assert_eq!(position("ATS-1", &p, &r), None);
    }
}
