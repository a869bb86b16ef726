use strum::VariantArray;

use super::{AgentSeen, InPlace, render};
use crate::model::{ElementState, LiveState, Site, parse_live};
use crate::openmetrics::check::{samples, value};
use crate::verdict::{
    AgentHealth, CheckState, Freshness, Inputs, LiveSource, Verdict, build, new_spofs,
};

fn demo() -> Site {
    crate::demo::site().unwrap_or_else(|e| panic!("{e}"))
}

fn verdict(site: &Site, live: LiveState) -> Verdict {
    build(
        site,
        Inputs::of_live(LiveSource::File, live, 1_790_000_000.0),
    )
}

fn live(site: &Site, ron: &str) -> LiveState {
    parse_live(ron, "live.ron", site).unwrap_or_else(|e| panic!("{e}"))
}

fn site_labels(v: &Verdict) -> Vec<(&'static str, String)> {
    vec![("site", v.site.clone())]
}

fn get(text: &str, name: &str, v: &Verdict, more: &[(&str, &str)]) -> Option<f64> {
    let mut want: Vec<(&str, &str)> = vec![("site", v.site.as_str())];
    want.extend_from_slice(more);
    value(text, name, &want)
}

#[test]
fn the_demo_tiers_state_and_problems() {
    let site = demo();
    let v = verdict(
        &site,
        crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}")),
    );
    let text = render(&v, &[], &[]);
    assert!(!site_labels(&v)[0].1.is_empty());
    let design = f64::from(v.design_tier.0);
    assert_eq!(
        get(&text, "redcon_site_tier", &v, &[("basis", "design")]),
        Some(design)
    );
    assert_eq!(
        get(&text, "redcon_site_tier", &v, &[("basis", "live")]),
        Some(3.0)
    );
    assert_eq!(get(&text, "redcon_site_live_tier_min", &v, &[]), Some(3.0));
    assert_eq!(get(&text, "redcon_site_live_tier_max", &v, &[]), Some(3.0));
    for &s in CheckState::VARIANTS {
        let want = if s == CheckState::Warning { 1.0 } else { 0.0 };
        let state: &str = s.into();
        assert_eq!(
            get(&text, "redcon_site_state", &v, &[("state", state)]),
            Some(want)
        );
    }
    assert_eq!(
        get(
            &text,
            "redcon_subsystem_health",
            &v,
            &[("subsystem", "power"), ("state", "degraded")]
        ),
        Some(1.0),
        "{text}"
    );
    // every problem of the verdict, and nothing else, with stable labels
    let problems: Vec<_> = samples(&text)
        .into_iter()
        .filter(|(n, ..)| n == "redcon_problem")
        .collect();
    assert_eq!(problems.len(), v.problems.len(), "{text}");
    assert!(
        problems
            .iter()
            .any(|(_, l, _)| l.contains("item=\"UPS-A2\"")
                && l.contains("trouble=\"failed\"")
                && l.contains("severity=\"warning\"")),
        "{text}"
    );
}

#[test]
fn unknown_items_give_a_range_and_no_live_tier_series() {
    let site = demo();
    let mut l = crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
    for id in ["UPS-A1", "UPS-A3", "UPS-B1", "UPS-B2", "UPS-B3"] {
        l.elements.insert(id.into(), ElementState::Unknown);
    }
    let v = verdict(&site, l);
    assert!(v.live_tier.known().is_none());
    let text = render(&v, &[], &[]);
    assert_eq!(
        get(&text, "redcon_site_tier", &v, &[("basis", "live")]),
        None,
        "{text}"
    );
    let min = get(&text, "redcon_site_live_tier_min", &v, &[]).unwrap_or(f64::NAN);
    let max = get(&text, "redcon_site_live_tier_max", &v, &[]).unwrap_or(f64::NAN);
    assert_eq!((min, max), (f64::from(v.live_tier.low.0), 3.0));
    assert!(min < max, "{text}");
    assert_eq!(
        get(&text, "redcon_site_state", &v, &[("state", "CRITICAL")]),
        Some(0.0)
    );
    assert_eq!(
        get(
            &text,
            "redcon_unknown_item",
            &v,
            &[("item", "UPS-B2"), ("kind", "element")]
        ),
        Some(1.0),
        "{text}"
    );
}

#[test]
fn loads_without_supply_and_new_spofs_are_named() {
    let site = demo();
    let v = verdict(
        &site,
        live(&site, r#"(elements: {"PDU-A2": failed, "PDU-B2": failed})"#),
    );
    let text = render(&v, &[], &[]);
    assert_eq!(
        get(&text, "redcon_site_state", &v, &[("state", "CRITICAL")]),
        Some(1.0)
    );
    assert_eq!(
        get(&text, "redcon_unserved_load", &v, &[("load", "ROW-3")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        get(
            &text,
            "redcon_subsystem_tier",
            &v,
            &[("subsystem", "power"), ("basis", "live")]
        ),
        Some(0.0)
    );
    // one side of the power path gone: what the other side runs through is a SPOF now
    let v = verdict(&site, live(&site, r#"(elements: {"PDU-A2": failed})"#));
    let text = render(&v, &[], &[]);
    let spofs: Vec<_> = samples(&text)
        .into_iter()
        .filter(|(n, ..)| n == "redcon_spof")
        .collect();
    let power = v
        .classification
        .subsystem(crate::model::Subsystem::Power)
        .unwrap_or_else(|| panic!("power"));
    let new = new_spofs(power);
    assert!(!new.is_empty(), "the failed PDU leaves a new SPOF");
    for id in &new {
        assert!(
            spofs.iter().any(|(_, l, v)| *v == 1.0
                && l.contains(&format!("element=\"{id}\""))
                && l.contains("designed=\"false\"")),
            "{id}:\n{text}"
        );
    }
}

#[test]
fn a_ups_on_bypass_leaves_its_loads_unprotected() {
    let site = demo();
    let v = verdict(
        &site,
        live(
            &site,
            r#"(elements: {"UPS-A1": bypass, "UPS-A2": bypass, "UPS-A3": bypass, "UPS-B1": bypass, "UPS-B2": bypass, "UPS-B3": bypass})"#,
        ),
    );
    assert!(!v.classification.unprotected_loads.is_empty());
    let text = render(&v, &[], &[]);
    for load in &v.classification.unprotected_loads {
        assert_eq!(
            get(&text, "redcon_unprotected_load", &v, &[("load", load)]),
            Some(1.0),
            "{text}"
        );
    }
}

#[test]
fn agents_freshness_and_maintenance_in_place() {
    let site = demo();
    let mut inputs = Inputs::of_live(LiveSource::Agents, LiveState::default(), 1_790_000_000.0);
    inputs.agents = Some(vec![
        AgentHealth {
            name: "ups-gw-a".into(),
            freshness: Freshness::Fresh,
            error: None,
            detail: None,
            item_errors: Vec::new(),
        },
        AgentHealth {
            name: "net-gw".into(),
            freshness: Freshness::Dead,
            error: Some("connection refused".into()),
            detail: None,
            item_errors: Vec::new(),
        },
    ]);
    let v = build(&site, inputs);
    let seen = [
        AgentSeen {
            name: "ups-gw-a".into(),
            up: true,
            age_s: Some(1.5),
        },
        AgentSeen {
            name: "net-gw".into(),
            up: false,
            age_s: Some(400.0),
        },
        AgentSeen {
            name: "epms-gw".into(),
            up: false,
            age_s: None,
        },
    ];
    let in_place = [InPlace {
        target: "UPS-A2".into(),
        age_s: 7200.0,
    }];
    let text = render(&v, &seen, &in_place);
    let a = |name: &'static str| [("agent", name)];
    assert_eq!(get(&text, "redcon_agent_up", &v, &a("ups-gw-a")), Some(1.0));
    assert_eq!(get(&text, "redcon_agent_up", &v, &a("net-gw")), Some(0.0));
    assert_eq!(
        get(&text, "redcon_agent_data_age_seconds", &v, &a("net-gw")),
        Some(400.0)
    );
    assert_eq!(
        get(&text, "redcon_agent_data_age_seconds", &v, &a("epms-gw")),
        None
    );
    let fresh = |agent, state| {
        get(
            &text,
            "redcon_agent_freshness",
            &v,
            &[("agent", agent), ("state", state)],
        )
    };
    assert_eq!(fresh("net-gw", "dead"), Some(1.0));
    assert_eq!(fresh("net-gw", "fresh"), Some(0.0));
    assert_eq!(
        fresh("epms-gw", "never"),
        Some(1.0),
        "an agent the verdict has not heard of"
    );
    assert_eq!(
        get(
            &text,
            "redcon_maintenance_in_place_seconds",
            &v,
            &[("target", "UPS-A2")]
        ),
        Some(7200.0)
    );
}

#[test]
fn hostile_names_and_reasons_stay_inside_label_values() {
    let site = demo();
    let mut v = verdict(
        &site,
        crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}")),
    );
    v.site = "dc\"1\"}\nredcon_fake 1\n\\".into();
    if let Some(p) = v.problems.first_mut() {
        p.item = "x\n# EOF\n\u{1b}[31m\"".into();
    }
    let text = render(&v, &[], &[]);
    assert_eq!(text.lines().filter(|l| *l == "# EOF").count(), 1, "{text}");
    assert!(!samples(&text).iter().any(|(n, ..)| n == "redcon_fake"));
    assert!(
        text.contains("site=\"dc\\\"1\\\"}\\nredcon_fake 1\\n\\\\\""),
        "{text}"
    );
    assert!(
        text.contains("item=\"x\\n# EOF\\n\u{1b}[31m\\\"\""),
        "{text}"
    );
}
