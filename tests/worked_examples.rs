//! docs/tier-rules.md §4, the facility examples E1–E7 and E11: each site file in tests/sites/ is
//! classified as designed and, where the example gives one, under its live overlay, and the
//! tiers, SPOF lists and findings are checked against the answers docs/tier-rules.md states.
//! The IT-level examples (E8, E9, E10, E12) are in worked_examples_it.rs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::classify::{Rule, Tier};

#[test]
fn e01_n_plus_1_ups_on_a_single_path() {
    let c = design("e01");
    assert_eq!(c.design_tier, Tier::II);
    assert_eq!(c.live_tier, Tier::II, "live: all ok");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II);
    assert_eq!(k.design.tier, Tier::III);
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["GSWG-1", "PDU-1", "UOB-1", "zone:ELEC", "zone:GEN"])
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    // Why not III: the single path cannot be maintained.
    assert_eq!(
        finding_elements(&p.design.findings, Rule::ConcurrentMaintenance, Tier::III),
        set(&["GSWG-1", "UOB-1", "PDU-1"])
    );
    assert_eq!(
        rules(&p.design.findings),
        [Rule::ConcurrentMaintenance].into()
    );
    // Cooling not IV: no continuous cooling.
    findings_of(&k.design.findings, Rule::ContinuousCooling, Tier::IV);
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e02_dual_path_with_one_passive_path() {
    let c = design("e02");
    assert_eq!(c.design_tier, Tier::III);
    assert_eq!(c.live_tier, Tier::III, "live: all ok");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::III);
    assert_eq!(k.design.tier, Tier::IV);
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["G-A", "GSB-A", "PDU-A", "UPS-A", "zone:ELEC-A"])
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    // Why not IV: B is passive, so an unplanned loss of any A element drops the load.
    assert_eq!(
        finding_elements(&p.design.findings, Rule::FaultTolerance, Tier::IV),
        set(&["G-A", "GSB-A", "UPS-A", "PDU-A"])
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e02_with_xfer_b_normally_closed_is_tier_iv() {
    let c = design("e02-closed");
    assert_eq!(c.design_tier, Tier::IV);
    assert_eq!(c.live_tier, Tier::IV);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::IV);
    assert_eq!(k.design.tier, Tier::IV);
    assert!(
        p.design.spofs.items.is_empty(),
        "power SPOFs: {:?}",
        p.design.spofs.ids()
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e03_2n_ups_behind_one_shared_switchgear() {
    let c = design("e03");
    assert_eq!(c.design_tier, Tier::II);
    assert_eq!(c.live_tier, Tier::II, "live: all ok");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II);
    assert_eq!(k.design.tier, Tier::IV);
    assert_eq!(spof_ids(&p.design.spofs), sorted(&["GSWG-1", "zone:GEN"]));
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    // Not only "not IV": the shared lineup fails the Tier III test.
    assert_eq!(
        finding_elements(&p.design.findings, Rule::ConcurrentMaintenance, Tier::III),
        set(&["GSWG-1"])
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e04_single_corded_load_on_a_2n_site() {
    let c = design("e04");
    assert_eq!(c.design_tier, Tier::I);
    assert_eq!(c.live_tier, Tier::I, "live: all ok");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::I);
    assert_eq!(k.design.tier, Tier::IV);
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["G-A", "GSB-A", "PDU-A", "UPS-A", "zone:ELEC-A"])
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    // Why not II: removing capacity component G-A or UPS-A drops IT-SINGLE (40 kW).
    let why = findings_of(&p.design.findings, Rule::CapacityNPlus1, Tier::II);
    assert_eq!(
        finding_elements(&p.design.findings, Rule::CapacityNPlus1, Tier::II),
        set(&["G-A", "UPS-A"])
    );
    for f in why {
        assert_eq!(f.loads, vec!["IT-SINGLE".to_string()], "{}", f.message);
    }
    // Per-load explanation: the site would compute to IV without the single-corded load.
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("IV") && n.contains("40 kW")),
        "power notes: {:?}",
        p.notes
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e05_n_plus_1_ups_as_designed() {
    let c = design("e05");
    assert_eq!(c.design_tier, Tier::II);
    assert_eq!(c.live_tier, Tier::II, "nothing reported: live = design");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II);
    assert_eq!(k.design.tier, Tier::III);
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["GSWG-1", "PDU-1", "UOB-1", "zone:ELEC", "zone:GEN"])
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e05_live_ups_module_failed() {
    let c = with_live("e05", "e05-live");
    assert_eq!(c.design_tier, Tier::II);
    assert_eq!(c.live_tier, Tier::I);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II);
    assert_eq!(p.live.tier, Tier::I);
    assert_eq!(k.live.tier, Tier::III);
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["GSWG-1", "PDU-1", "UOB-1", "zone:ELEC", "zone:GEN"])
    );
    assert_eq!(
        spof_ids(&p.live.spofs),
        sorted(&[
            "GSWG-1",
            "PDU-1",
            "U1",
            "U3",
            "UOB-1",
            "zone:ELEC",
            "zone:GEN"
        ])
    );
    assert!(
        k.live.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.live.spofs.ids()
    );
    // Why live not II: the UPS group is exactly N; losing U1 or U3 leaves 100 < 200 kW.
    assert_eq!(
        finding_elements(&p.live.findings, Rule::CapacityNPlus1, Tier::II),
        set(&["U1", "U3"])
    );
    assert!(c.serving_now);
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e06_no_generator_is_below_tier_i() {
    let c = design("e06");
    assert_eq!(c.design_tier, Tier::ZERO);
    assert_eq!(c.live_tier, Tier::ZERO);
    assert!(c.serving_now, "on utility, the site serves now");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::ZERO);
    assert_eq!(p.live.tier, Tier::ZERO);
    assert_eq!(k.design.tier, Tier::III);
    // No on-site source: the list is computed with the utility counted and says so.
    assert!(p.design.spofs.utility_dependent);
    // Deliberate: docs/tier-rules.md §4 E6 lists UTIL-1, MSB-1, UOB-1, PDU-1, but its own rule in §2.7
    // (every zone not containing load with >= 2 elements whose joint loss fails the unplanned
    // test is a common-mode SPOF) also gives zone:ELEC here: MSB-1, U1, U2 and UOB-1 all stand
    // in ELEC. We assert the rule's answer; E1, E5 and E11 list their ELEC zones the same way.
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["MSB-1", "PDU-1", "UOB-1", "UTIL-1", "zone:ELEC"])
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    // Does not meet Tier I: no on-site power production.
    findings_of(&p.design.findings, Rule::Service, Tier::I);
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e07_site_is_its_weakest_subsystem() {
    let c = design("e07");
    assert_eq!(c.design_tier, Tier::I);
    assert_eq!(c.live_tier, Tier::I, "live: all ok");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::IV);
    assert_eq!(k.design.tier, Tier::I);
    assert!(
        p.design.spofs.items.is_empty(),
        "power SPOFs: {:?}",
        p.design.spofs.ids()
    );
    assert_eq!(spof_ids(&k.design.spofs), sorted(&["C1", "C2", "C3"]));
    // Why not II: losing any one CRAC leaves 300 < 400 kW.
    assert_eq!(
        finding_elements(&k.design.findings, Rule::CapacityNPlus1, Tier::II),
        set(&["C1", "C2", "C3"])
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e11_2n_plus_1_is_fault_tolerant() {
    let c = design("e11");
    assert_eq!(c.design_tier, Tier::IV);
    assert_eq!(c.live_tier, Tier::IV, "live: nothing reported");
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::IV);
    assert_eq!(k.design.tier, Tier::IV);
    assert!(
        p.design.spofs.items.is_empty(),
        "power SPOFs: {:?}",
        p.design.spofs.ids()
    );
    assert!(
        k.design.spofs.items.is_empty(),
        "cooling SPOFs: {:?}",
        k.design.spofs.ids()
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e11_live_s1_one_ups_module_failed_stays_iv() {
    let c = with_live("e11", "e11-live-s1");
    assert_eq!(c.design_tier, Tier::IV);
    assert_eq!(c.live_tier, Tier::IV);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.live.tier, Tier::IV);
    assert_eq!(k.live.tier, Tier::IV);
    assert!(
        p.live.spofs.items.is_empty(),
        "power SPOFs: {:?}",
        p.live.spofs.ids()
    );
    assert!(c.serving_now);
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}

#[test]
fn e11_live_s2_b_system_on_bypass_drops_to_i() {
    let c = with_live("e11", "e11-live-s2");
    assert_eq!(c.design_tier, Tier::IV);
    assert_eq!(c.live_tier, Tier::I);
    assert!(
        c.serving_now,
        "bypass passes raw power: the load is served now"
    );
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::IV);
    assert_eq!(p.live.tier, Tier::I);
    assert_eq!(k.live.tier, Tier::IV);
    assert_eq!(
        spof_ids(&p.live.spofs),
        sorted(&[
            "GSB-A",
            "PDU-A",
            "UOB-A",
            "UPS-A1",
            "UPS-A3",
            "zone:ELEC-A",
            "zone:GEN-A",
        ])
    );
    // Only side A protects and it is at N: losing UPS-A1 or UPS-A3 leaves 200 < 400 kW.
    assert_eq!(
        finding_elements(&p.live.findings, Rule::CapacityNPlus1, Tier::II),
        set(&["UPS-A1", "UPS-A3"])
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
}
