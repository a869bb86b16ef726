//! docs/tier-rules.md §4, the examples E13–E17 of the rules that read tanks, generator ratings
//! and a provider's prerequisites rather than the flow: each site is classified, the one
//! finding it draws is checked (rule, tier it blocks, what it names, the sentence), then the
//! one change that removes its cause is made and the finding is checked gone.
//!
//! tests/rule_examples.rs holds the table of every rule's worked example.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::classify::{Classification, Finding, Rule, Tier, classify};
use redcon::model::{LiveState, Rating, Site, Subsystem, Tank};

/// The only finding of a list: each example is built to fail one check.
fn the_finding(findings: &[Finding]) -> &Finding {
    assert_eq!(
        findings.len(),
        1,
        "expected exactly one finding, got {findings:#?}"
    );
    &findings[0]
}

fn rules_emitted(c: &Classification, live: bool) -> Vec<Rule> {
    emitted(c, live).iter().map(|f| f.rule).collect()
}

fn tank(id: &str, hours_at_n: f64) -> Tank {
    Tank {
        id: id.into(),
        hours_at_n,
        zone: None,
        agent: None,
        source: None,
    }
}

fn changed(site: &Site, change: impl FnOnce(&mut Site)) -> Classification {
    let mut s = site.clone();
    change(&mut s);
    classify(&s, &LiveState::default())
}

#[test]
fn e13_eight_hours_of_fuel_is_below_tier_i() {
    let site = load_site("e13");
    let c = classify(&site, &LiveState::default());
    assert_eq!(c.design_tier, Tier::ZERO);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::ZERO, "2N paths, but 8 h of fuel");
    assert_eq!(k.design.tier, Tier::IV);
    let f = the_finding(&p.design.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::Fuel, Tier::I, Subsystem::Power)
    );
    assert!(f.elements.is_empty() && f.loads.is_empty(), "{f:#?}");
    assert_eq!(
        f.message,
        "Not Tier I: on-site fuel is 8 h at N, below the 12 h required"
    );
    assert!(
        p.design.spofs.items.is_empty(),
        "a tank is never a SPOF: {:?}",
        p.design.spofs.ids()
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);

    // the day tanks topped up to 6 h each: 12 h in all meets Tier I, and the tests go on to
    // the next fuel rule: with one tank out, 6 h remain (E14)
    let topped_up = changed(&site, |s| {
        s.fuel_tanks = vec![tank("DT-A", 6.0), tank("DT-B", 6.0)];
    });
    assert_eq!(power(&topped_up).design.tier, Tier::II);
    assert_eq!(rules_emitted(&topped_up, false), [Rule::CmFuel]);
    // 12 h in each tank
    let fixed = changed(&site, |s| {
        s.fuel_tanks = vec![tank("DT-A", 12.0), tank("DT-B", 12.0)];
    });
    assert_eq!(power(&fixed).design.tier, Tier::IV);
    assert_eq!(fixed.design_tier, Tier::IV);
    assert_eq!(rules_emitted(&fixed, false), []);
}

#[test]
fn e14_one_fuel_tank_cannot_be_maintained() {
    let site = load_site("e14");
    let c = classify(&site, &LiveState::default());
    assert_eq!(c.design_tier, Tier::II);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II, "24 h passes Tier I, not Tier III");
    assert_eq!(k.design.tier, Tier::IV);
    let f = the_finding(&p.design.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::CmFuel, Tier::III, Subsystem::Power)
    );
    assert!(f.elements.is_empty() && f.loads.is_empty(), "{f:#?}");
    assert_eq!(
        f.message,
        "Not Tier III: with the largest fuel tank out of service 0 h at N remain, below the 12 h required"
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);

    // the same 24 h in two 12 h tanks
    let fixed = changed(&site, |s| {
        s.fuel_tanks = vec![tank("BT-1", 12.0), tank("BT-2", 12.0)];
    });
    assert_eq!(power(&fixed).design.tier, Tier::IV);
    assert_eq!(fixed.design_tier, Tier::IV);
    assert_eq!(rules_emitted(&fixed, false), []);
}

#[test]
fn e15_one_makeup_water_store_cannot_be_maintained() {
    let site = load_site("e15");
    let c = classify(&site, &LiveState::default());
    assert!(c.subsystem(Subsystem::Power).is_none(), "no power modelled");
    assert_eq!(c.design_tier, Tier::II);
    let k = cooling(&c);
    assert_eq!(k.design.tier, Tier::II);
    assert_eq!(k.design_label, "N+1", "three towers for two");
    let f = the_finding(&k.design.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::MakeupWater, Tier::III, Subsystem::Cooling)
    );
    assert!(f.elements.is_empty() && f.loads.is_empty(), "{f:#?}");
    assert_eq!(
        f.message,
        "Not Tier III: makeup water with the largest tank out of service is 0 h at N, below the 12 h required"
    );
    assert_findings_explain_next_tier(k);

    // the same 24 h in two 12 h stores
    let fixed = changed(&site, |s| {
        s.makeup_water = vec![tank("MW-1", 12.0), tank("MW-2", 12.0)];
    });
    assert_eq!(cooling(&fixed).design.tier, Tier::IV);
    assert_eq!(fixed.design_tier, Tier::IV);
    assert_eq!(rules_emitted(&fixed, false), []);
}

#[test]
fn e15_live_makeup_water_drawn_down_is_live_tier_0() {
    let site = load_site("e15");
    let mut live = load_live("e15-live", &site);
    let c = classify(&site, &live);
    assert!(
        c.serving_now,
        "every unit runs: water is a store, not a path"
    );
    assert_eq!((c.design_tier, c.live_tier), (Tier::II, Tier::ZERO));
    let k = cooling(&c);
    assert_eq!(k.live.tier, Tier::ZERO);
    let f = the_finding(&k.live.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::MakeupWater, Tier::I, Subsystem::Cooling)
    );
    assert_eq!(
        f.message,
        "Not Tier I: makeup water storage is 6 h at N, below the 12 h required"
    );
    assert_findings_explain_next_tier(k);

    // refilled to 12 h: Tier I is met again, and the live tier is back to the design's
    live.makeup_water.get_mut("MW-1").unwrap().hours = Some(12.0);
    let refilled = classify(&site, &live);
    assert_eq!(refilled.live_tier, Tier::II);
    let f = the_finding(&cooling(&refilled).live.findings);
    assert_eq!(
        (f.rule, f.blocks_tier),
        (Rule::MakeupWater, Tier::III),
        "still one store: {}",
        f.message
    );
}

#[test]
fn e16_a_standby_rated_generator_holds_power_at_tier_ii() {
    let site = load_site("e16");
    let c = classify(&site, &LiveState::default());
    assert_eq!(c.design_tier, Tier::II);
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(p.design.tier, Tier::II);
    assert_eq!(k.design.tier, Tier::IV);
    assert!(
        p.design.spofs.items.is_empty(),
        "G-B still carries the B side: {:?}",
        p.design.spofs.ids()
    );
    let f = the_finding(&p.design.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::GeneratorRating, Tier::III, Subsystem::Power)
    );
    assert_eq!(f.elements, ["G-B"]);
    assert!(f.loads.is_empty(), "a rating drops no load: {f:#?}");
    assert_eq!(
        f.message,
        "Not Tier III: G-B standby-rated (runtime-limited); Tiers III and IV need prime or continuous ratings"
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);

    // G-B rated prime
    let fixed = changed(&site, |s| {
        for e in s.elements.iter_mut().filter(|e| e.id == "G-B") {
            e.rating = Some(Rating::Prime);
        }
    });
    assert_eq!(power(&fixed).design.tier, Tier::IV);
    assert_eq!(fixed.design_tier, Tier::IV);
    assert_eq!(rules_emitted(&fixed, false), []);
}

#[test]
fn e17_one_isp_carrier_caps_a_provider_site_at_tier_iii() {
    let site = load_site("e17");
    let c = classify(&site, &LiveState::default());
    assert_eq!((c.design_tier, c.live_tier), (Tier::III, Tier::III));
    let (p, k) = (power(&c), cooling(&c));
    assert_eq!(
        (p.design.tier, k.design.tier),
        (Tier::IV, Tier::IV),
        "the cap is the site's, not a subsystem's"
    );
    assert_findings_explain_next_tier(p);
    assert_findings_explain_next_tier(k);
    let f = the_finding(&c.findings);
    assert_eq!(
        (f.rule, f.blocks_tier, f.subsystem),
        (Rule::ProviderPrerequisite, Tier::IV, Subsystem::Network)
    );
    assert!(f.elements.is_empty() && f.loads.is_empty(), "{f:#?}");
    assert_eq!(f.effect, "1 of 2 ISP carriers");
    assert_eq!(
        f.message,
        "Not Tier IV (provider profile): needs at least 2 ISP carriers, has 1"
    );

    // a second carrier signed
    let fixed = changed(&site, |s| s.prerequisites.isp_carriers = 2);
    assert_eq!((fixed.design_tier, fixed.live_tier), (Tier::IV, Tier::IV));
    assert_eq!(rules_emitted(&fixed, false), []);
}
