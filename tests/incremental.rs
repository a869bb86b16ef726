//! Incremental re-classification gives the answer of a full run: on every worked-example
//! site, the demo and two generated campuses, random sequences of state changes (failures,
//! maintenance, recoveries, batteries, bypass, closed ties, transfer-switch positions) are
//! classified with one memo carried through the sequence and from zero, and must agree.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use proptest::prelude::*;
use redcon::classify::{Memo, classify, classify_with};
use redcon::model::synth::{HallShape, campus, shared_yard};
use redcon::model::{ElementState, LiveState, Site, load_site_file};

const STATES: [ElementState; 6] = [
    ElementState::Ok,
    ElementState::Failed,
    ElementState::Maintenance,
    ElementState::Bypass,
    ElementState::OnBattery,
    ElementState::Unknown,
];

fn sites() -> Vec<Site> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    let mut out: Vec<Site> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "ron")
                && p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().contains("live"))
        })
        .filter_map(|p| load_site_file(&p).ok())
        .collect();
    assert!(out.len() >= 15, "worked examples missing: {}", out.len());
    out.push(redcon::demo::site().unwrap());
    let small = HallShape {
        pdu_pairs: 3,
        racks: 7,
        rack_kw: 10.0,
        crahs: 3,
    };
    out.push(campus(2, small));
    out.push(shared_yard(3, small));
    out
}

/// One change: element (by position, wrapped), what happens to it.
#[derive(Debug, Clone)]
enum Change {
    State(usize, usize),
    Tie(usize),
    Position(usize, usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        6 => (any::<usize>(), 0..STATES.len()).prop_map(|(e, s)| Change::State(e, s)),
        1 => any::<usize>().prop_map(Change::Tie),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(e, i)| Change::Position(e, i)),
    ]
}

fn apply(site: &Site, live: &mut LiveState, c: &Change) {
    let n = site.elements.len();
    if n == 0 {
        return;
    }
    match *c {
        Change::State(e, s) => {
            let id = site.elements[e % n].id.clone();
            live.elements.insert(id, STATES[s]);
        }
        Change::Tie(e) => {
            let id = site.elements[e % n].id.clone();
            if let Some(i) = live.engaged.iter().position(|x| *x == id) {
                live.engaged.remove(i);
            } else {
                live.engaged.push(id);
            }
        }
        Change::Position(e, i) => {
            let el = &site.elements[e % n];
            if !el.inputs.is_empty() {
                let input = el.inputs[i % el.inputs.len()].clone();
                live.positions.insert(el.id.clone(), input);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_carried_memo_gives_the_answer_of_a_full_run(
        steps in prop::collection::vec(prop::collection::vec(change(), 1..4), 1..6),
    ) {
        for site in sites() {
            let mut memo = Memo::default();
            let mut live = LiveState::default();
            // the first classification fills the memo; every later one goes through it
            prop_assert_eq!(classify_with(&site, &live, &mut memo), classify(&site, &live));
            for step in &steps {
                for c in step {
                    apply(&site, &mut live, c);
                }
                let carried = classify_with(&site, &live, &mut memo);
                let full = classify(&site, &live);
                prop_assert_eq!(carried, full, "{} after {:?}", site.name, step);
            }
        }
    }
}

/// A memo made for one site is not used for another.
#[test]
fn a_memo_of_another_site_is_dropped() {
    let all = sites();
    let live = LiveState::default();
    let mut memo = Memo::default();
    for site in &all {
        assert_eq!(classify_with(site, &live, &mut memo), classify(site, &live));
    }
}

/// Every element of a shared-yard campus fails and comes back in turn, on top of a hall
/// already short of one UPS, with one memo carried through: a loss only lowers capacity and
/// a return only raises it, and the answers the memo keeps on that ground must be the
/// answers of a full run each time.
#[test]
fn each_element_failing_and_returning_on_a_shared_yard_matches_a_full_run() {
    let small = HallShape {
        pdu_pairs: 3,
        racks: 7,
        rack_kw: 10.0,
        crahs: 3,
    };
    let site = shared_yard(3, small);
    let mut live = LiveState::default();
    live.elements
        .insert("H1-UPS-A2".into(), ElementState::Failed);
    let mut memo = Memo::default();
    let start = classify_with(&site, &live, &mut memo);
    assert_eq!(start, classify(&site, &live));
    let spofs = |c: &redcon::classify::Classification| {
        c.subsystems
            .iter()
            .map(|s| s.live.spofs.clone())
            .collect::<Vec<_>>()
    };
    let (mut new_spofs, mut same) = (0, 0);
    for e in &site.elements {
        let before = live.elements.get(&e.id).copied();
        for state in [ElementState::Failed, ElementState::Maintenance] {
            live.elements.insert(e.id.clone(), state);
            let carried = classify_with(&site, &live, &mut memo);
            let full = classify(&site, &live);
            if spofs(&full) == spofs(&start) {
                same += 1;
            } else {
                new_spofs += 1;
            }
            assert_eq!(carried, full, "{} {state:?}", e.id);
            match before {
                Some(s) => live.elements.insert(e.id.clone(), s),
                None => live.elements.remove(&e.id),
            };
            let carried = classify_with(&site, &live, &mut memo);
            assert_eq!(carried, classify(&site, &live), "{} back", e.id);
        }
    }
    // both kinds were carried: losses that leave new single points of failure, and
    // losses that the redundancy absorbs
    assert!(
        new_spofs > 0 && same > 0,
        "new SPOFs {new_spofs}, same {same}"
    );
}
