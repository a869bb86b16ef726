//! Properties of the engine over generated sites (issue: live <= design, a spare never hurts,
//! removing an element never helps, no panic on anything).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use proptest::prelude::*;
use redcon::classify::{Tier, classify};
use redcon::model::{
    Activation, Element, ElementState, Kind, LiveState, Load, Rating, Site, Subsystem, Tank,
};

fn el(id: &str, kind: Kind, capacity: Option<f64>, zone: &str, inputs: &[String]) -> Element {
    redcon::model::synth::element(id.to_string(), kind, capacity, zone, inputs.to_vec())
}

fn empty_site(elements: Vec<Element>, loads: Vec<Load>, tanks: Vec<Tank>, cc: bool) -> Site {
    let mut site = Site::new("generated", elements, loads);
    site.fuel_tanks = tanks;
    site.continuous_cooling = cc;
    site
}

const ZONES: [&str; 4] = ["GEN", "ELEC-A", "ELEC-B", "YARD"];
const KW: [f64; 4] = [100.0, 200.0, 300.0, 500.0];

#[derive(Debug, Clone)]
struct Shape {
    gens: Vec<(usize, usize, bool, bool)>, // kw index, zone index, auto, standby
    paths: Vec<(Vec<usize>, usize, bool)>, // UPS kw indices, zone index, manual tie
    loads: Vec<(usize, Vec<usize>)>,       // kw index, paths fed
    cracs: Vec<usize>,
    tanks: Vec<u8>,
    utility: bool,
    continuous_cooling: bool,
    /// CRACs need a mechanical panel fed from one path's switchgear (`requires`).
    mech: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        prop::collection::vec((0..4usize, 0..4usize, any::<bool>(), any::<bool>()), 0..4),
        prop::collection::vec(
            (
                prop::collection::vec(0..4usize, 0..4),
                0..4usize,
                any::<bool>(),
            ),
            1..4,
        ),
        prop::collection::vec((0..3usize, prop::collection::vec(0..3usize, 1..3)), 1..4),
        prop::collection::vec(0..4usize, 0..5),
        prop::collection::vec(prop::sample::select(vec![6u8, 12, 24]), 0..3),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(gens, paths, loads, cracs, tanks, utility, continuous_cooling, mech)| Shape {
                gens,
                paths,
                loads,
                cracs,
                tanks,
                utility,
                continuous_cooling,
                mech,
            },
        )
}

/// generators (+ utility) -> per path: switchgear -> UPS modules -> board (-> manual tie) -> PDU
fn build(s: &Shape) -> Site {
    let mut els = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for (i, &(kw, zone, auto, standby)) in s.gens.iter().enumerate() {
        let mut g = el(
            &format!("G{i}"),
            Kind::Generator,
            Some(KW[kw]),
            ZONES[zone],
            &[],
        );
        g.activation = if auto {
            Activation::Auto
        } else {
            Activation::Active
        };
        g.rating = Some(if standby {
            Rating::Standby
        } else {
            Rating::Prime
        });
        sources.push(g.id.clone());
        els.push(g);
    }
    if s.utility {
        els.push(el("UTIL", Kind::Utility, None, "YARD", &[]));
        sources.push("UTIL".into());
    }
    let mut pdus = Vec::new();
    for (p, (ups, zone, tie)) in s.paths.iter().enumerate() {
        let z = ZONES[*zone];
        let swg = format!("SWG{p}");
        els.push(el(&swg, Kind::Switchgear, None, z, &sources));
        let mut units = Vec::new();
        for (u, &kw) in ups.iter().enumerate() {
            let id = format!("UPS{p}-{u}");
            els.push(el(
                &id,
                Kind::Ups,
                Some(KW[kw]),
                z,
                std::slice::from_ref(&swg),
            ));
            units.push(id);
        }
        let board = format!("UOB{p}");
        els.push(el(&board, Kind::Switchboard, None, z, &units));
        let mut feed = board;
        if *tie {
            let mut b = el(&format!("TIE{p}"), Kind::Breaker, None, z, &[feed]);
            b.activation = Activation::Manual;
            feed = b.id.clone();
            els.push(b);
        }
        let pdu = format!("PDU{p}");
        els.push(el(&pdu, Kind::Pdu, None, "HALL", &[feed]));
        pdus.push(pdu);
    }
    let mut loads = Vec::new();
    let mut heat = 0.0;
    for (i, (kw, fed)) in s.loads.iter().enumerate() {
        let mut inputs: Vec<String> = fed.iter().map(|&p| pdus[p % pdus.len()].clone()).collect();
        inputs.dedup();
        heat += KW[*kw];
        loads.push(Load {
            id: format!("IT{i}"),
            subsystem: Subsystem::Power,
            demand: KW[*kw],
            inputs,
            zone: Some("HALL".into()),
            description: None,
        });
    }
    let cracs: Vec<String> = s
        .cracs
        .iter()
        .enumerate()
        .map(|(i, _)| format!("C{i}"))
        .collect();
    if s.mech {
        for p in 0..s.paths.len() {
            els.push(el(
                &format!("MP{p}"),
                Kind::Panel,
                None,
                "MECH",
                &[format!("SWG{p}")],
            ));
        }
    }
    for (i, (id, &kw)) in cracs.iter().zip(&s.cracs).enumerate() {
        let mut c = el(id, Kind::Crac, Some(KW[kw]), "HALL", &[]);
        if s.mech {
            c.requires = vec![vec![format!("MP{}", i % s.paths.len())]];
        }
        els.push(c);
    }
    if !cracs.is_empty() {
        loads.push(Load {
            id: "HEAT".into(),
            subsystem: Subsystem::Cooling,
            demand: heat,
            inputs: cracs,
            zone: Some("HALL".into()),
            description: None,
        });
    }
    let tanks = s
        .tanks
        .iter()
        .enumerate()
        .map(|(i, &h)| Tank {
            id: format!("T{i}"),
            hours_at_n: h as f64,
            zone: None,
            agent: None,
            source: None,
        })
        .collect();
    empty_site(els, loads, tanks, s.continuous_cooling)
}

fn state() -> impl Strategy<Value = ElementState> {
    prop::sample::select(vec![
        ElementState::Ok,
        ElementState::Ok,
        ElementState::Ok,
        ElementState::Failed,
        ElementState::Maintenance,
        ElementState::Bypass,
        ElementState::OnBattery,
        ElementState::Unknown,
    ])
}

fn tiers(site: &Site) -> Vec<(Subsystem, Tier)> {
    let c = classify(site, &LiveState::default());
    c.subsystems
        .iter()
        .map(|s| (s.subsystem, s.design.tier))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn live_tier_never_exceeds_design(s in shape(), states in prop::collection::vec(state(), 0..40)) {
        let site = build(&s);
        let mut live = LiveState::default();
        for (e, st) in site.elements.iter().zip(states) {
            live.elements.insert(e.id.clone(), st);
        }
        let c = classify(&site, &live);
        prop_assert!(c.live_tier <= c.design_tier);
        for sub in &c.subsystems {
            prop_assert!(sub.live.tier <= sub.design.tier, "{:?}", sub.subsystem);
        }
        // no engaged ties, no over-reported fuel: the engine must not have had to clamp
        prop_assert!(!c.warnings.iter().any(|w| w.contains("above the design")), "{:?}", c.warnings);
    }

    #[test]
    fn adding_a_spare_unit_never_lowers_a_tier(s in shape(), pick in any::<prop::sample::Index>()) {
        let site = build(&s);
        let units: Vec<usize> = (0..site.elements.len())
            .filter(|&i| site.elements[i].kind.is_capacity_component())
            .collect();
        prop_assume!(!units.is_empty());
        let original = &site.elements[units[pick.index(units.len())]];
        let mut spare = original.clone();
        spare.id = format!("{}-spare", original.id);
        let mut bigger = site.clone();
        for e in &mut bigger.elements {
            if e.inputs.contains(&original.id) {
                e.inputs.push(spare.id.clone());
            }
        }
        for l in &mut bigger.loads {
            if l.inputs.contains(&original.id) {
                l.inputs.push(spare.id.clone());
            }
        }
        bigger.elements.push(spare);
        let before = tiers(&site);
        let after = tiers(&bigger);
        for ((sub, b), (_, a)) in before.iter().zip(&after) {
            prop_assert!(a >= b, "{sub:?}: {b:?} -> {a:?}");
        }
    }

    /// Holds for every rule that is a flow test; a standby-rated generator is excluded
    /// because removing one is exactly how a site clears the generator-rating rule.
    #[test]
    fn removing_an_element_never_raises_a_tier(s in shape(), pick in any::<prop::sample::Index>()) {
        let site = build(&s);
        let candidates: Vec<usize> = (0..site.elements.len())
            .filter(|&i| site.elements[i].rating != Some(Rating::Standby))
            .collect();
        prop_assume!(!candidates.is_empty());
        let gone = site.elements[candidates[pick.index(candidates.len())]].id.clone();
        let mut smaller = site.clone();
        smaller.elements.retain(|e| e.id != gone);
        for e in &mut smaller.elements {
            e.inputs.retain(|i| *i != gone);
        }
        for l in &mut smaller.loads {
            l.inputs.retain(|i| *i != gone);
        }
        let before = tiers(&site);
        let after = tiers(&smaller);
        for (sub, b) in &before {
            let a = after.iter().find(|(s2, _)| s2 == sub).map_or(Tier::ZERO, |x| x.1);
            prop_assert!(a <= *b, "{sub:?}: {b:?} -> {a:?} after removing {gone}");
        }
    }

    /// `requires` means in service and supplied: a further powered panel a CRAC may draw on
    /// never lowers a tier.
    #[test]
    fn a_powered_alternative_never_lowers_a_tier(s in shape(), crac in any::<prop::sample::Index>(), path in any::<prop::sample::Index>()) {
        prop_assume!(!s.cracs.is_empty());
        let s = Shape { mech: true, ..s };
        let site = build(&s);
        let mut wider = site.clone();
        let alt = "MP-ALT".to_string();
        let swg = format!("SWG{}", path.index(s.paths.len()));
        wider.elements.push(el(&alt, Kind::Panel, None, "MECH-ALT", &[swg]));
        let target = format!("C{}", crac.index(s.cracs.len()));
        for e in &mut wider.elements {
            if e.id == target {
                for clause in &mut e.requires {
                    clause.push(alt.clone());
                }
            }
        }
        let before = tiers(&site);
        let after = tiers(&wider);
        for ((sub, b), (_, a)) in before.iter().zip(&after) {
            prop_assert!(a >= b, "{sub:?}: {b:?} -> {a:?}");
        }
    }

    /// ... and taking a panel's supply away never raises one.
    #[test]
    fn removing_a_panels_supply_never_raises_a_tier(s in shape(), path in any::<prop::sample::Index>()) {
        prop_assume!(!s.cracs.is_empty());
        let s = Shape { mech: true, ..s };
        let site = build(&s);
        let panel = format!("MP{}", path.index(s.paths.len()));
        let mut cut = site.clone();
        for e in &mut cut.elements {
            if e.id == panel {
                e.inputs.clear();
            }
        }
        let before = tiers(&site);
        let after = tiers(&cut);
        for ((sub, b), (_, a)) in before.iter().zip(&after) {
            prop_assert!(a <= b, "{sub:?}: {b:?} -> {a:?}");
        }
        // the live view agrees: the panel's switchgear failed
        let mut live = LiveState::default();
        live.elements.insert(format!("SWG{}", path.index(s.paths.len())), ElementState::Failed);
        let c = classify(&site, &live);
        prop_assert!(c.live_tier <= c.design_tier);
    }

    /// Anything at all: unknown references, cycles, negative and NaN capacities.
    #[test]
    fn never_panics_on_any_site(
        kinds in prop::collection::vec(prop::sample::select(vec![
            Kind::Generator, Kind::Utility, Kind::Ups, Kind::Ats, Kind::Sts, Kind::Pdu,
            Kind::Chiller, Kind::Crah, Kind::Loop, Kind::ThreeWayValve, Kind::Switch, Kind::Isp,
        ]), 0..14),
        caps in prop::collection::vec(prop::sample::select(vec![
            None, Some(-5.0), Some(0.0), Some(f64::NAN), Some(f64::INFINITY), Some(150.0), Some(1e300),
        ]), 14),
        edges in prop::collection::vec((0..16usize, 0..16usize), 0..30),
        loads in prop::collection::vec((prop::sample::select(vec![-1.0, 0.0, 50.0, f64::NAN]), prop::collection::vec(0..16usize, 0..3)), 0..4),
        states in prop::collection::vec(state(), 14),
        activations in prop::collection::vec(prop::sample::select(vec![Activation::Active, Activation::Auto, Activation::Manual]), 14),
    ) {
        let mut els: Vec<Element> = kinds
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                let mut e = el(&format!("E{i}"), k, caps[i], ZONES[i % 4], &[]);
                e.activation = activations[i];
                e.takes_down = vec![format!("E{}", (i + 1) % 16)];
                e.requires = vec![vec![format!("E{}", (i + 3) % 16)]];
                e
            })
            .collect();
        for (from, to) in edges {
            if let Some(e) = els.get_mut(to) {
                e.inputs.push(format!("E{from}"));
            }
        }
        let loads = loads
            .into_iter()
            .enumerate()
            .map(|(i, (demand, ins))| Load {
                id: format!("L{i}"),
                subsystem: if i % 2 == 0 { Subsystem::Power } else { Subsystem::Cooling },
                demand,
                inputs: ins.into_iter().map(|x| format!("E{x}")).collect(),
                zone: Some("HALL".into()),
                description: None,
            })
            .collect();
        let site = empty_site(els, loads, vec![], false);
        let mut live = LiveState::default();
        for (e, st) in site.elements.iter().zip(states) {
            live.elements.insert(e.id.clone(), st);
        }
        let c = classify(&site, &live);
        prop_assert!(c.design_tier <= Tier::IV);
    }
}
