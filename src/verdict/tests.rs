//! The verdict on the demo and on worked live states: state, health, range, reasons.

use super::*;
use crate::model::{ElementState, parse_live};

fn demo() -> Site {
    crate::demo::site().unwrap_or_else(|e| panic!("{e}"))
}

fn demo_live() -> LiveState {
    let site = demo();
    crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}"))
}

fn verdict(site: &Site, live: LiveState) -> Verdict {
    build(
        site,
        Inputs::of_live(LiveSource::File, live, 1_790_000_000.0),
    )
}

#[test]
fn the_demo_is_warning_with_ups_a2_and_the_raid_named() {
    let site = demo();
    let v = verdict(&site, demo_live());
    assert_eq!(v.state, CheckState::Warning);
    assert_eq!(v.live_tier.known(), Some(Tier::III));
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_eq!(power.health, Health::Degraded, "ups 2(N+1) -> 2N");
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("UPS-A2 failed (ups 2(N+1) -> 2N)")),
        "{texts:#?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("db1-sdc failed")),
        "{texts:#?}"
    );
}

#[test]
fn unknown_items_give_a_range_and_warning_never_failure() {
    let site = demo();
    let mut live = demo_live();
    for id in ["UPS-A1", "UPS-A3", "UPS-B1", "UPS-B2", "UPS-B3"] {
        live.elements.insert(id.into(), ElementState::Unknown);
    }
    let v = verdict(&site, live);
    assert_eq!(v.state, CheckState::Warning, "{:#?}", v.reasons);
    assert!(v.live_tier.known().is_none(), "{}", v.live_tier);
    assert_eq!(v.live_tier.high, Tier::III);
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_ne!(power.health, Health::Critical);
    for r in &v.reasons {
        assert!(!r.text.contains("loses supply"), "{}", r.text);
        assert!(!r.text.contains("does not reach"), "{}", r.text);
    }
    assert!(v.reasons.iter().any(|r| r.text.contains("unknown")));
}

#[test]
fn a_load_without_supply_now_is_critical_and_named() {
    let site = demo();
    let live = parse_live(
        r#"(elements: {"PDU-A2": failed, "PDU-B2": failed})"#,
        "live.ron",
        &site,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = verdict(&site, live);
    assert_eq!(v.state, CheckState::Critical);
    let power = v
        .subsystem(Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    assert_eq!(power.health, Health::Critical);
    assert_eq!(power.live_tier.known(), Some(Tier::ZERO));
    assert!(
        v.reasons[0].text.contains("ROW-3") && v.reasons[0].text.contains("without supply now"),
        "{:#?}",
        v.reasons
    );
}
