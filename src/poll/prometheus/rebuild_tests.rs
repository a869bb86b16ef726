use tokio::time::Instant;

use super::*;
use crate::agent::openmetrics::render;
use crate::api::HostReport;
use crate::api::{AgentInfo, ElementReport, MemberReport, SCHEMA_VERSION, TankReport};
use crate::model::{ElementState, MemberState, Rebuild};
use crate::openmetrics::check::samples;

const NOW: f64 = 1_790_000_100.0;
const SCRAPED: f64 = NOW - 2.0;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn sample(pairs: &[(&str, &str)], value: f64) -> Sample {
    Sample {
        labels: labels(pairs),
        at: NOW,
        value,
    }
}

/// `k="v",k2="v2"` into pairs (the test's values hold no escapes).
fn parse_labels(text: &str) -> Vec<(String, String)> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split("\",")
        .map(|kv| {
            let (k, v) = kv.split_once("=\"").unwrap();
            (k.to_string(), v.trim_end_matches('"').to_string())
        })
        .collect()
}

/// What Prometheus holds after scraping `text` from target `instance` of job `j`.
fn scraped(text: &str, instance: &str) -> Vec<Sample> {
    samples(text)
        .into_iter()
        .map(|(name, l, value)| {
            let mut labels = labels(&[("__name__", &name), ("instance", instance), ("job", "j")]);
            labels.extend(parse_labels(&l));
            Sample {
                labels,
                at: NOW,
                value,
            }
        })
        .collect()
}

fn reading(series: Vec<Sample>, instance: &str) -> Reading {
    Reading {
        series,
        scraped: vec![sample(&[("instance", instance), ("job", "j")], SCRAPED)],
        up: vec![sample(&[("instance", instance), ("job", "j")], 1.0)],
        ..Reading::default()
    }
}

fn read(r: &Reading, agents: &[&str]) -> Vec<AgentStatus> {
    let agents: Vec<(String, String)> = agents
        .iter()
        .map(|a| (a.to_string(), format!("http://{a}:9470")))
        .collect();
    let origin = Origin {
        server: "http://127.0.0.1:9090",
        job: "j",
    };
    statuses(
        r,
        &agents,
        &origin,
        &PollPolicy::default(),
        Instant::now(),
        NOW,
    )
}

fn served() -> Snapshot {
    let element = |id: &str, state, metrics: &[(&str, f64)]| ElementReport {
        id: id.into(),
        state,
        observed_at: SCRAPED - 3.0,
        flags: Vec::new(),
        metrics: metrics.iter().map(|&(k, v)| (k, v)).collect(),
        position: None,
    };
    let mut ats = element("ATS-1", ElementState::Ok, &[]);
    ats.position = Some("UTIL-2".into());
    let mut ups = element(
        "UPS-A1",
        ElementState::OnBattery,
        &[
            ("load_pct", 41.0),
            ("runtime_min", 9.5),
            ("vendor_thing", 3.25),
        ],
    );
    ups.flags = vec!["OB".into(), "LB".into()];
    Snapshot {
        schema_version: SCHEMA_VERSION,
        agent: AgentInfo {
            id: "ups-gw-a".into(),
            version: "0.1.0".into(),
            hostname: Some("gw1".into()),
        },
        generated_at: SCRAPED - 1.0,
        elements: vec![
            ats,
            ups,
            element("CRAC-1", ElementState::Failed, &[("supply_temp_c", 18.5)]),
        ],
        members: vec![MemberReport {
            id: "db1-sdc".into(),
            state: MemberState::Rebuilding,
            observed_at: SCRAPED - 10.0,
            rebuild: Some(Rebuild {
                progress: 0.25,
                eta_min: Some(42.0),
            }),
            flags: vec!["BACKUP".into()],
            metrics: [("speed_gbps", 10.0)].into(),
        }],
        tanks: vec![TankReport {
            id: "FUEL-1".into(),
            state: ElementState::Ok,
            hours: Some(48.0),
            observed_at: SCRAPED - 60.0,
        }],
        host: Some(HostReport {
            observed_at: SCRAPED,
            cpu_pct: 3.0,
            memory_used_bytes: 1,
            memory_total_bytes: 2,
            uptime_s: 3,
            disks: Vec::new(),
            temperatures: Vec::new(),
        }),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(1.0)
}

#[test]
fn what_an_agent_served_comes_back_from_its_series() {
    let snap = served();
    let text = render(&snap, &[], SCRAPED);
    let st = read(
        &reading(scraped(&text, "10.0.0.1:9470"), "10.0.0.1:9470"),
        &["ups-gw-a"],
    );
    let [a] = st.as_slice() else { panic!("{st:?}") };
    assert_eq!(
        (a.last_error.as_deref(), a.freshness),
        (None, Freshness::Fresh),
        "{a:?}"
    );
    assert!(a.item_errors.is_empty(), "{:?}", a.item_errors);
    assert_eq!(
        a.url, "http://ups-gw-a:9470",
        "operations still go to the agent"
    );
    let back = a.snapshot.as_deref().unwrap();
    assert_eq!(back.agent, snap.agent);
    assert!(close(back.generated_at, snap.generated_at));
    let mut want = snap.elements.clone();
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(back.elements.len(), want.len());
    for (b, w) in back.elements.iter().zip(&want) {
        let mut flags = w.flags.clone();
        flags.sort();
        assert_eq!(
            (&b.id, b.state, &b.position, &b.flags),
            (&w.id, w.state, &w.position, &flags)
        );
        assert!(close(b.observed_at, w.observed_at), "{}", b.id);
        for (name, v) in w.metrics.iter() {
            let got = b.metrics.get(name);
            assert!(
                got.is_some_and(|g| close(g, v)),
                "{} {name}: {got:?} for {v}",
                b.id
            );
        }
        assert_eq!(
            b.metrics.iter().count(),
            w.metrics.iter().count(),
            "{}",
            b.id
        );
    }
    let (m, w) = (&back.members[0], &snap.members[0]);
    assert_eq!((&m.id, m.state, &m.flags), (&w.id, w.state, &w.flags));
    let r = m.rebuild.unwrap();
    assert!(
        close(r.progress, 0.25) && r.eta_min.is_some_and(|e| close(e, 42.0)),
        "{r:?}"
    );
    assert!(m.metrics.get("speed_gbps").is_some_and(|g| close(g, 10.0)));
    let t = &back.tanks[0];
    assert_eq!((t.id.as_str(), t.state), ("FUEL-1", ElementState::Ok));
    assert!(t.hours.is_some_and(|h| close(h, 48.0)) && close(t.observed_at, SCRAPED - 60.0));
}

#[test]
fn the_scrape_time_dates_the_answer() {
    let text = render(&served(), &[], SCRAPED);
    let mut r = reading(scraped(&text, "gw"), "gw");
    r.scraped[0].value = NOW - 20.0;
    let st = read(&r, &["ups-gw-a"]);
    assert_eq!(
        st[0].freshness,
        Freshness::Stale,
        "20 s old with stale_after 15 s"
    );
    r.scraped[0].value = NOW - 600.0;
    assert_eq!(read(&r, &["ups-gw-a"])[0].freshness, Freshness::Dead);
    // a Prometheus clock ahead of the console's is not data from the future
    r.scraped[0].value = NOW + 30.0;
    assert_eq!(read(&r, &["ups-gw-a"])[0].freshness, Freshness::Fresh);
    r.scraped.clear();
    let st = read(&r, &["ups-gw-a"]);
    assert!(st[0].snapshot.is_none() && st[0].freshness == Freshness::Dead);
    assert!(
        st[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("no redcon_snapshot_age_seconds")
    );
}

#[test]
fn an_agent_without_current_series_is_down_stale_or_never_seen_and_has_no_snapshot() {
    let info = |i: &str, a: &str| {
        sample(
            &[
                ("__name__", "redcon_agent_info"),
                ("instance", i),
                ("agent", a),
            ],
            1.0,
        )
    };
    let r = Reading {
        series: Vec::new(),
        scraped: Vec::new(),
        up: vec![
            sample(&[("instance", "gw-a:9470")], 0.0),
            sample(&[("instance", "gw-b:9470")], 1.0),
        ],
        known: vec![info("gw-a:9470", "ups-gw-a"), info("gw-b:9470", "ups-gw-b")],
        ..Reading::default()
    };
    let st = read(&r, &["ups-gw-a", "ups-gw-b", "epms-gw"]);
    let said: Vec<(Freshness, &str)> = st
        .iter()
        .map(|a| {
            assert!(a.snapshot.is_none(), "{}", a.name);
            (a.freshness, a.last_error.as_deref().unwrap())
        })
        .collect();
    assert_eq!(
        said,
        vec![
            (Freshness::Dead, "target gw-a:9470 is down (up == 0)"),
            (
                Freshness::Dead,
                "target gw-b:9470 has no current series (stale in Prometheus)"
            ),
            (Freshness::Never, "no target answers as this agent"),
        ]
    );
    let detail = st[0].last_error_detail.as_deref().unwrap();
    assert!(
        detail.contains("prometheus http://127.0.0.1:9090 (job j)"),
        "{detail}"
    );
}

#[test]
fn a_down_target_is_down_even_while_its_series_linger() {
    let text = render(&served(), &[], SCRAPED);
    let mut r = reading(scraped(&text, "gw"), "gw");
    r.up[0].value = 0.0;
    let st = read(&r, &["ups-gw-a"]);
    assert!(st[0].snapshot.is_none() && st[0].freshness == Freshness::Dead);
}

#[test]
fn two_targets_answering_as_one_agent_are_both_refused() {
    let text = render(&served(), &[], SCRAPED);
    let mut series = scraped(&text, "gw1");
    series.extend(scraped(&text, "gw2"));
    let st = read(&reading(series, "gw1"), &["ups-gw-a"]);
    assert!(st[0].snapshot.is_none());
    assert!(
        st[0].last_error.as_deref().unwrap().contains("gw1, gw2"),
        "{st:?}"
    );
}

#[test]
fn through_the_merge_a_vanished_agent_owns_only_unknown_items() {
    let site = crate::demo::site().unwrap();
    let r = Reading::default();
    let names: Vec<String> = crate::model::owners::items(&site)
        .iter()
        .filter_map(|o| o.agent.map(String::from))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let st = read(&r, &refs);
    let m = crate::poll::merge(&site, &st, &PollPolicy::default(), Instant::now(), NOW);
    let owned = crate::model::owners::items(&site)
        .into_iter()
        .filter(|o| o.agent.is_some())
        .count();
    assert!(owned > 10);
    assert_eq!(m.unknown.len(), owned, "every owned item unknown");
    assert!(
        m.live
            .elements
            .values()
            .all(|s| *s == ElementState::Unknown),
        "{:?}",
        m.live.elements
    );
}

#[test]
fn an_item_is_dated_only_in_the_state_the_history_dates() {
    let text = render(&served(), &[], SCRAPED);
    let mut r = reading(scraped(&text, "gw"), "gw");
    let key = |id: &str| ("gw".to_string(), id.to_string());
    r.changes
        .insert(key("UPS-A1"), ("on_battery".into(), NOW - 3600.0));
    // the history saw CRAC-1 come back to ok; it has failed again since
    r.changes.insert(key("CRAC-1"), ("ok".into(), NOW - 60.0));
    r.changes
        .insert(("other".into(), "ATS-1".into()), ("ok".into(), NOW - 5.0));
    let st = read(&r, &["ups-gw-a"]);
    let since: Vec<(&str, f64)> = st[0].since.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(since, vec![("UPS-A1", NOW - 3600.0)]);
}
