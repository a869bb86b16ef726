//! The event log on worked sequences: a blip is one line, a flap is one line, a real
//! change stays two.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::poll::Freshness;

fn at(s: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_341_600 + s)
}

const BMS: &[&str] = &[
    "CH-1", "CH-2", "CH-3", "P-1", "P-2", "P-3", "LOOP-A", "LOOP-B", "CRAH-1",
];

/// The demo, with `bms-gw` at `freshness` (its elements unknown unless fresh) and the
/// given elements in the given states.
fn obs(freshness: Freshness, states: &[(&str, ElementState)]) -> Observation {
    let site = crate::demo::site().unwrap_or_else(|e| panic!("{e}"));
    let mut live = crate::demo::live(&site).unwrap_or_else(|e| panic!("{e}"));
    if !matches!(freshness, Freshness::Fresh | Freshness::Stale) {
        for id in BMS {
            live.elements.insert((*id).into(), ElementState::Unknown);
        }
    }
    for (id, s) in states {
        live.elements.insert((*id).into(), *s);
    }
    let mut o = Observation::of_file(&site, &live, at(0));
    o.agent_freshness = vec![
        ("bms-gw".into(), freshness),
        ("ups-gw-b".into(), Freshness::Fresh),
    ];
    o
}

fn lines(log: &EventLog) -> Vec<String> {
    log.newest_first().map(|e| e.text.clone()).collect()
}

#[test]
fn a_sixty_second_agent_outage_is_one_line() {
    let mut log = EventLog::default();
    let steps = [
        (0, Freshness::Fresh),
        (10, Freshness::Stale),
        (20, Freshness::Dead),
        (40, Freshness::Dead),
        (70, Freshness::Fresh),
    ];
    let mut last: Option<Observation> = None;
    for (s, f) in steps {
        let o = obs(f, &[]);
        log.observe(last.as_ref(), &o, at(s));
        last = Some(o);
    }
    let l = lines(&log);
    let about: Vec<&String> = l.iter().filter(|t| !t.starts_with("first data")).collect();
    assert!(about.len() <= 3, "{l:#?}");
    assert!(
        l.iter()
            .any(|t| t.starts_with("agent bms-gw: dead") && t.ends_with("for 60 s, back")),
        "{l:#?}"
    );
    assert!(
        !l.iter().any(|t| t.starts_with("CH-1:")),
        "items are the agent's event: {l:#?}"
    );
}

#[test]
fn a_flap_is_one_line_and_a_real_change_two() {
    let mut log = EventLog::default();
    let ok = obs(Freshness::Fresh, &[]);
    let failed = obs(Freshness::Fresh, &[("UPS-B1", ElementState::Failed)]);
    log.observe(None, &ok, at(0));
    log.observe(Some(&ok), &failed, at(100));
    let first = log.newest_first().next().cloned();
    assert_eq!(first.as_ref().map(|e| e.level), Some(Level::Critical));
    assert_eq!(first.and_then(|e| e.subject), Some("UPS-B1".into()));
    log.observe(Some(&failed), &ok, at(112));
    assert_eq!(
        lines(&log)[0],
        "UPS-B1: failed for 12 s, back to ok",
        "{:#?}",
        lines(&log)
    );
    // failed again, and repaired after ten minutes: two lines
    log.observe(Some(&ok), &failed, at(200));
    log.observe(Some(&failed), &ok, at(800));
    let l = lines(&log);
    assert_eq!(l[0], "UPS-B1: failed -> ok", "{l:#?}");
    assert_eq!(l[1], "UPS-B1: ok -> failed", "{l:#?}");
    assert_eq!(log.about("UPS-B1").count(), 3);
}
