//! Every rule the engine can emit (`Rule::VARIANTS`, docs/tier-rules.md §2.6) has a worked
//! example: `EXAMPLES` names, for each rule, a site of tests/sites/ (with a live overlay when
//! the finding is about now) and the test that walks through it. Each row is classified and
//! must emit its rule; a rule added to the engine without a row fails
//! `every_rule_has_a_worked_example_that_emits_it`.
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
use strum::VariantArray;

/// A worked example that emits `rule` as a finding blocking `blocks`: a site of
/// tests/sites/ (with a live overlay when the finding is about now) and the test that walks
/// through it, as `file::function`.
struct Example {
    rule: Rule,
    blocks: Tier,
    site: &'static str,
    live: Option<&'static str>,
    test: &'static str,
}

const fn design_example(
    rule: Rule,
    blocks: Tier,
    site: &'static str,
    test: &'static str,
) -> Example {
    Example {
        rule,
        blocks,
        site,
        live: None,
        test,
    }
}

const EXAMPLES: &[Example] = &[
    design_example(
        Rule::Service,
        Tier::I,
        "e06",
        "worked_examples::e06_no_generator_is_below_tier_i",
    ),
    design_example(
        Rule::Fuel,
        Tier::I,
        "e13",
        "worked_examples_rules::e13_eight_hours_of_fuel_is_below_tier_i",
    ),
    design_example(
        Rule::MakeupWater,
        Tier::III,
        "e15",
        "worked_examples_rules::e15_one_makeup_water_store_cannot_be_maintained",
    ),
    Example {
        live: Some("e15-live"),
        ..design_example(
            Rule::MakeupWater,
            Tier::I,
            "e15",
            "worked_examples_rules::e15_live_makeup_water_drawn_down_is_live_tier_0",
        )
    },
    design_example(
        Rule::CapacityNPlus1,
        Tier::II,
        "e07",
        "worked_examples::e07_site_is_its_weakest_subsystem",
    ),
    design_example(
        Rule::ConcurrentMaintenance,
        Tier::III,
        "e01",
        "worked_examples::e01_n_plus_1_ups_on_a_single_path",
    ),
    design_example(
        Rule::GeneratorRating,
        Tier::III,
        "e16",
        "worked_examples_rules::e16_a_standby_rated_generator_holds_power_at_tier_ii",
    ),
    design_example(
        Rule::CmFuel,
        Tier::III,
        "e14",
        "worked_examples_rules::e14_one_fuel_tank_cannot_be_maintained",
    ),
    design_example(
        Rule::FaultTolerance,
        Tier::IV,
        "e02",
        "worked_examples::e02_dual_path_with_one_passive_path",
    ),
    design_example(
        Rule::Compartment,
        Tier::IV,
        "r04",
        "engine_rules::a_zone_event_triggers_takes_down",
    ),
    design_example(
        Rule::ContinuousCooling,
        Tier::IV,
        "e01",
        "worked_examples::e01_n_plus_1_ups_on_a_single_path",
    ),
    design_example(
        Rule::ProviderPrerequisite,
        Tier::IV,
        "e17",
        "worked_examples_rules::e17_one_isp_carrier_caps_a_provider_site_at_tier_iii",
    ),
];

impl Example {
    /// Classify the example and find its rule among the findings; the test it names exists.
    fn check(&self) {
        let site = load_site(self.site);
        let live = self
            .live
            .map_or_else(LiveState::default, |l| load_live(l, &site));
        let c = classify(&site, &live);
        let findings = emitted(&c, self.live.is_some());
        assert!(
            findings
                .iter()
                .any(|f| f.rule == self.rule && f.blocks_tier == self.blocks),
            "{}{}: no {} finding blocking {}; findings: {:#?}",
            self.site,
            self.live.map(|l| format!(" + {l}")).unwrap_or_default(),
            self.rule.name(),
            self.blocks,
            findings
        );
        let (file, function) = self
            .test
            .split_once("::")
            .unwrap_or_else(|| panic!("{}: test is file::function", self.test));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(format!("{file}.rs"));
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            source.contains(&format!("fn {function}()")),
            "{}: no test {function} in {}",
            self.rule.name(),
            path.display()
        );
    }
}

#[test]
fn every_rule_has_a_worked_example_that_emits_it() {
    let missing: Vec<&str> = Rule::VARIANTS
        .iter()
        .filter(|r| !EXAMPLES.iter().any(|e| e.rule == **r))
        .map(|r| r.name())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a worked example: {missing:?}; add a site to tests/sites/ that emits \
         each, a test that walks through it, and a row to EXAMPLES"
    );
    for e in EXAMPLES {
        e.check();
    }
}

/// The rule's word is one spelling in findings, JSON and docs/tier-rules.md §2.6.
#[test]
fn every_rule_is_named_as_docs_tier_rules_names_it() {
    let spec = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tier-rules.md"),
    )
    .unwrap();
    for &r in Rule::VARIANTS {
        assert_eq!(
            serde_json::to_value(r).unwrap().as_str(),
            Some(r.name()),
            "{r:?}"
        );
        assert!(
            spec.contains(&format!("`{}`", r.name())),
            "{} not in docs/tier-rules.md",
            r.name()
        );
    }
}
