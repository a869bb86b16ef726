//! The embedded demo site (assets/demo/) says what it is in its comments: Tier III as
//! designed and live, power kept from IV by one generator yard, cooling by CRAH-3 and CRAH-4
//! sharing chilled-water loop B; degraded now (UPS-A2 failed, a RAID member rebuilding, a
//! cluster node in standby) but serving. This holds it to that.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use std::path::Path;

use common::*;
use redcon::classify::{Classification, Rule, Tier, classify};
use redcon::model::{load_live_file, load_site_file};

fn demo() -> Classification {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let site = load_site_file(&dir.join("site.ron")).unwrap_or_else(|e| panic!("{e}"));
    let live = load_live_file(&dir.join("live.ron"), &site).unwrap_or_else(|e| panic!("{e}"));
    classify(&site, &live)
}

#[test]
fn demo_is_tier_iii_designed_and_live_and_serving() {
    let c = demo();
    assert_eq!(c.site, "dc1");
    assert_eq!(c.design_tier, Tier::III);
    assert_eq!(c.live_tier, Tier::III);
    assert!(c.serving_now);
    for r in [power(&c), cooling(&c)] {
        assert_eq!(r.design.tier, Tier::III, "{}", r.subsystem.name());
        assert_eq!(r.live.tier, Tier::III, "{}", r.subsystem.name());
        assert_findings_explain_next_tier(r);
    }
}

#[test]
fn demo_power_is_kept_from_iv_by_the_generator_yard() {
    let c = demo();
    let p = power(&c);
    assert_eq!(
        finding_elements(&p.design.findings, Rule::Compartment, Tier::IV),
        set(&["zone:GEN-YARD"])
    );
    assert_eq!(
        spof_ids(&p.design.spofs),
        sorted(&["RATS-R4", "zone:GEN-YARD"])
    );
    let rats = p.design.spofs.items.iter().find(|s| s.id == "RATS-R4");
    assert!(
        rats.is_some_and(|s| s.accepted),
        "the rack ATS is a point-of-use concession"
    );
}

#[test]
fn demo_cooling_is_kept_from_iv_by_loop_b() {
    let c = demo();
    let k = cooling(&c);
    let why = findings_of(&k.design.findings, Rule::FaultTolerance, Tier::IV);
    assert!(why.iter().any(|f| f.elements.iter().any(|e| e == "LOOP-B")));
    assert!(
        why.iter()
            .any(|f| f.message.contains("CRAH-3") && f.message.contains("CRAH-4")),
        "the finding names the CRAHs that share loop B: {:?}",
        why.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    findings_of(&k.design.findings, Rule::ContinuousCooling, Tier::IV);
    assert_eq!(
        spof_ids(&k.design.spofs),
        sorted(&["LOOP-B", "zone:PLANT", "zone:ROOF"])
    );
}

#[test]
fn demo_it_groups_show_the_degradation() {
    let c = demo();
    let raid = c.group("db1-md0").expect("RAID group");
    assert_eq!(raid.design.tolerance, 2);
    assert_eq!(
        raid.live.tolerance, 1,
        "one member failed, the spare still rebuilding"
    );
    let cluster = c.group("pg-cluster").expect("cluster group");
    assert_eq!(cluster.live.tolerance, 1, "a standby node keeps its vote");
    assert_eq!(cluster.live.grade, Tier::III);
    for id in ["db1-bond0", "leaf1-uplinks", "vrrp-51"] {
        let g = c.group(id).unwrap_or_else(|| panic!("group {id}"));
        assert_eq!(g.design.tolerance, 1, "{id}");
    }
}
