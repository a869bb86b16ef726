//! Helpers shared by the worked-example tests: load a site (and a live overlay) from
//! tests/sites/, classify it, and compare SPOF lists and findings the way docs/tier-rules.md states them.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use redcon::classify::{
    Assessment, Classification, Finding, Rule, SpofList, SubsystemReport, Tier, classify,
};
use redcon::model::{LiveState, Site, Subsystem, load_live_file, load_site_file};

pub fn site_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sites")
        .join(format!("{name}.ron"))
}

pub fn load_site(name: &str) -> Site {
    load_site_file(&site_path(name)).unwrap_or_else(|e| panic!("{name}.ron does not load:\n{e}"))
}

pub fn load_live(name: &str, site: &Site) -> LiveState {
    load_live_file(&site_path(name), site)
        .unwrap_or_else(|e| panic!("{name}.ron does not load:\n{e}"))
}

/// The site as designed, with nothing reported live (every element `ok`).
pub fn design(site: &str) -> Classification {
    classify(&load_site(site), &LiveState::default())
}

/// The site with the live overlay `live` laid over it.
pub fn with_live(site: &str, live: &str) -> Classification {
    let s = load_site(site);
    let l = load_live(live, &s);
    classify(&s, &l)
}

pub fn report(c: &Classification, s: Subsystem) -> &SubsystemReport {
    c.subsystem(s)
        .unwrap_or_else(|| panic!("site {}: no {} report", c.site, s.name()))
}

pub fn power(c: &Classification) -> &SubsystemReport {
    report(c, Subsystem::Power)
}

pub fn cooling(c: &Classification) -> &SubsystemReport {
    report(c, Subsystem::Cooling)
}

/// SPOF ids sorted with a plain string sort (element ids, then `zone:` entries, as they sort).
pub fn spof_ids(list: &SpofList) -> Vec<&str> {
    let mut v = list.ids();
    v.sort_unstable();
    v
}

pub fn sorted<'a>(expected: &[&'a str]) -> Vec<&'a str> {
    let mut v = expected.to_vec();
    v.sort_unstable();
    v
}

pub fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_string()).collect()
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "  {} blocks {:?}: {:?} ({})",
                f.rule.name(),
                f.blocks_tier,
                f.elements,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The findings of `rule` that block `tier`; at least one must exist.
pub fn findings_of(findings: &[Finding], rule: Rule, tier: Tier) -> Vec<&Finding> {
    let found: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == rule && f.blocks_tier == tier)
        .collect();
    assert!(
        !found.is_empty(),
        "no {} finding blocking {tier}; findings were:\n{}",
        rule.name(),
        describe(findings)
    );
    found
}

/// Every element named by the findings of `rule` blocking `tier`, as a set: an engine may
/// report elements with the same effect in one finding or in several.
pub fn finding_elements(findings: &[Finding], rule: Rule, tier: Tier) -> BTreeSet<String> {
    findings_of(findings, rule, tier)
        .iter()
        .flat_map(|f| f.elements.iter().cloned())
        .collect()
}

pub fn rules(findings: &[Finding]) -> BTreeSet<Rule> {
    findings.iter().map(|f| f.rule).collect()
}

/// docs/tier-rules.md §2.6: findings explain why a subsystem is not at the next tier, so every finding
/// blocks exactly tier + 1 and a Tier IV subsystem has none.
pub fn assert_findings_explain_next_tier(r: &SubsystemReport) {
    for (what, a) in [("design", &r.design), ("live", &r.live)] {
        check_assessment(r.subsystem, what, a);
    }
}

fn check_assessment(s: Subsystem, what: &str, a: &Assessment) {
    if a.tier == Tier::IV {
        assert!(
            a.findings.is_empty(),
            "{} {what} is Tier IV but has findings:\n{}",
            s.name(),
            describe(&a.findings)
        );
        return;
    }
    assert!(
        !a.findings.is_empty(),
        "{} {what} is only {}, but no finding says why",
        s.name(),
        a.tier
    );
    let next = Tier(a.tier.0 + 1);
    for f in &a.findings {
        assert_eq!(
            f.blocks_tier,
            next,
            "{} {what} at {}: finding {} blocks {}",
            s.name(),
            a.tier,
            f.rule.name(),
            f.blocks_tier
        );
        assert_eq!(
            f.subsystem,
            s,
            "{} {what}: finding {} is filed under {}",
            s.name(),
            f.rule.name(),
            f.subsystem.name()
        );
    }
}

/// Every finding of the classification: the site's own, and each subsystem's design or live
/// findings.
pub fn emitted(c: &Classification, live: bool) -> Vec<&Finding> {
    let per_subsystem = c.subsystems.iter().flat_map(|r| {
        if live {
            &r.live.findings
        } else {
            &r.design.findings
        }
    });
    c.findings.iter().chain(per_subsystem).collect()
}
