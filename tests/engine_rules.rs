//! The engine rules on `requires`, cross-subsystem SPOFs, zone events, protected supply,
//! transfer-switch positions and live service (docs/tier-rules.md), each on a site of
//! tests/sites/r*.ron written so that the rule's absence fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::classify::{Rule, Tier, classify};
use redcon::model::LiveState;

fn group<'a>(
    r: &'a redcon::classify::SubsystemReport,
    kind: &str,
) -> &'a redcon::classify::RedundancyGroup {
    r.groups
        .iter()
        .find(|g| g.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} group in {:?}", r.groups))
}

#[test]
fn a_crac_behind_an_unsupplied_panel_does_not_run() {
    let design = design("r01");
    let k = cooling(&design);
    assert_eq!(k.design_label, "N+2");
    assert_eq!(group(k, "crac").available, 4);

    // GSB-A in maintenance: MP-A is in service but has no supply, so CRAC-1/2 stop
    let live = with_live("r01", "r01-live-gsb-a");
    let k = cooling(&live);
    assert_eq!(k.live_label, "N", "two CRACs behind MP-A count for nothing");
    assert_eq!(group(k, "crac").available, 2);
    assert_eq!(
        spof_ids(&k.live.spofs),
        sorted(&["CRAC-3", "CRAC-4", "MP-B"]),
        "what is left hangs on MP-B"
    );
    assert!(k.live.tier < k.design.tier);
}

#[test]
fn cooling_on_a_utility_only_panel_counts_for_nothing() {
    let c = design("r02");
    let k = cooling(&c);
    assert_eq!(k.design.tier, Tier::ZERO, "utility is never counted");
    findings_of(&k.design.findings, Rule::Service, Tier::I);
    assert_eq!(group(k, "crac").available, 0);
    // but it runs now: serving now counts the utility
    assert!(c.serving_now);
    assert!(c.unserved_loads.is_empty());
}

#[test]
fn a_panel_carrying_every_crac_is_a_cooling_spof() {
    let c = design("r03");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(spof_ids(&k.design.spofs), ["MP-1"], "listed under cooling");
    assert!(
        !p.design.spofs.ids().contains(&"MP-1"),
        "power loses no load of its own with MP-1"
    );
    assert_eq!(k.design.tier, Tier::II);
    assert_eq!(
        finding_elements(&k.design.findings, Rule::ConcurrentMaintenance, Tier::III),
        set(&["MP-1"])
    );
}

#[test]
fn a_zone_event_triggers_takes_down() {
    let c = design("r04");
    let p = power(&c);
    assert_eq!(spof_ids(&p.design.spofs), ["UOB-A", "zone:ELEC-A"]);
    let zone = findings_of(&p.design.findings, Rule::Compartment, Tier::IV);
    assert!(
        zone[0].message.contains("FDR-B"),
        "the zone event names what it takes down: {}",
        zone[0].message
    );
}

#[test]
fn a_maintenance_bypass_never_makes_a_single_ups_n_plus_1() {
    let c = design("r05");
    let p = power(&c);
    assert_eq!(p.design.tier, Tier::I);
    assert_eq!(group(p, "ups").design_label, "N");
    assert_eq!(
        finding_elements(&p.design.findings, Rule::CapacityNPlus1, Tier::II),
        set(&["UPS-1"])
    );
    assert!(p.design.spofs.ids().contains(&"UPS-1"));
}

#[test]
fn a_load_on_the_maintenance_bypass_is_unprotected_not_unfed() {
    let c = with_live("r05", "r05-live-on-bypass");
    assert!(c.serving_now);
    assert_eq!(c.unprotected_loads, ["IT"]);
    let note = c
        .serving_notes
        .iter()
        .find(|n| n.message.contains("unprotected"))
        .unwrap_or_else(|| panic!("no unprotected note: {:?}", c.serving_notes));
    assert!(
        note.message.contains("UPS-1 maintenance"),
        "{}",
        note.message
    );
    assert!(note.message.contains("MBB closed"), "{}", note.message);
    for f in &power(&c).live.findings {
        assert!(
            !f.message.contains("supply") || !f.elements.is_empty(),
            "a served load is never said to lose supply now: {}",
            f.message
        );
    }
}

#[test]
fn an_ats_on_its_ups_input_survives_a_failure_behind_its_other_input() {
    let site = load_site("r06");
    let c = classify(&site, &LiveState::default());
    let p = power(&c);
    assert!(
        p.design.serves,
        "in position, ATS-1 carries the load without switching"
    );
    let spofs = p.design.spofs.ids();
    for raw_side in ["G-2", "RB-2"] {
        assert!(!spofs.contains(&raw_side), "{raw_side} in {spofs:?}");
    }
    assert!(spofs.contains(&"UPS-1"));

    // without a known position a slow ATS on the critical side cannot be counted at all
    let mut unknown = site.clone();
    for e in &mut unknown.elements {
        e.preferred = None;
    }
    let u = classify(&unknown, &LiveState::default());
    assert!(!power(&u).design.serves);
}

#[test]
fn an_ats_on_its_raw_input_leaves_the_load_unprotected() {
    let c = with_live("r06", "r06-live-raw");
    assert!(c.serving_now);
    assert_eq!(c.unprotected_loads, ["IT"]);
    assert!(
        c.serving_notes
            .iter()
            .any(|n| n.message.contains("ATS-1 on raw input RB-2")),
        "{:?}",
        c.serving_notes
    );
}

#[test]
fn a_load_without_supply_now_is_live_tier_0_and_named() {
    let c = with_live("r07", "r07-live");
    let p = power(&c);
    assert!(!c.serving_now);
    assert_eq!(c.unserved_loads, ["IT-2"]);
    assert_eq!(
        p.live.tier,
        Tier::ZERO,
        "an operator could close TIE-12, but IT-2 is down now"
    );
    assert_eq!(c.live_tier, Tier::ZERO);
    let f = findings_of(&p.live.findings, Rule::Service, Tier::I);
    assert_eq!(f[0].loads, ["IT-2"]);
    assert!(
        f[0].message.contains("without supply now"),
        "{}",
        f[0].message
    );
    // the live SPOFs are those of what is still served
    assert_eq!(
        spof_ids(&p.live.spofs),
        sorted(&["GSB", "PDU-1", "UOB-1", "UPS-1", "zone:ELEC", "zone:GEN"])
    );
    assert_eq!(p.live_label, "below N");
}

#[test]
fn the_demo_with_its_spare_rebuilt_is_back_to_two_drive_tolerance() {
    let site = redcon::demo::site().unwrap_or_else(|e| panic!("{e}"));
    // db1-sdg's rebuild complete: the spare holds what db1-sdc held
    let live = redcon::model::parse_live(
        r#"(members: {"db1-sdc": failed, "db1-sdg": rebuilding},
            rebuilds: {"db1-sdg": (progress: 1.0, eta_min: 0)})"#,
        "spare-rebuilt.ron",
        &site,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let c = classify(&site, &live);
    let md = c.group("db1-md0").unwrap_or_else(|| panic!("no db1-md0"));
    assert_eq!(md.live.tolerance, 2);
    assert_eq!(md.usable_tb, Some(32.0), "RAID6 of 6 × 8 TB");
}
