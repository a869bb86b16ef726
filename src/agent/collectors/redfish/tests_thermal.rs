//! Temperatures with their thresholds, and the bounded concurrency of a round.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::tests::serve;
use super::tests_equipment::{member, mockup, read, round};
use super::thermal::{Temperature, Thresholds, temperature_report};
use super::*;
use crate::api::MemberReport;
use crate::model::MemberState;

#[test]
fn temperatures_with_their_thresholds() {
    let (out, r) = round(&serve(&mockup("public-rackmount1"), BTreeMap::new()));
    assert!(r.is_ok(), "{r:?}");
    let cpu = member(&out.members, "1U/Temperatures/CPU1Temp");
    assert_eq!(cpu.state, MemberState::Ok);
    let want = [
        ("temp_c", 37.0),
        ("upper_warning_c", 42.0),
        ("upper_critical_c", 45.0),
        ("upper_fatal_c", 50.0),
    ];
    assert_eq!(
        cpu.metrics
            .iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Vec<_>>(),
        want.map(|(k, v)| (k.to_string(), v))
    );
    for s in ["IntakeTemp", "ExhaustTemp", "AmbientTemp"] {
        assert!(
            member(&out.members, &format!("1U/Temperatures/{s}"))
                .metrics
                .get("temp_c")
                .is_some(),
            "{s}"
        );
    }

    // the old Thermal resource: thresholds inline; a disabled sensor is unknown, not failed
    let dir = mockup("public-rackmount1");
    let old = parse_subsystem(&read(&dir, "/redfish/v1/Chassis/1U/Thermal"), "Thermal").unwrap();
    let r: Vec<MemberReport> = old
        .temperatures
        .iter()
        .map(|t| temperature_report("1U", t, 1.0))
        .collect();
    let cpu1 = member(&r, "1U/Temperatures/0");
    assert_eq!(
        (
            cpu1.state,
            cpu1.metrics.get("temp_c"),
            cpu1.metrics.get("upper_warning_c")
        ),
        (MemberState::Ok, Some(41.0), Some(42.0))
    );
    let cpu2 = member(&r, "1U/Temperatures/1");
    assert_eq!(
        (cpu2.state, cpu2.flags.as_slice()),
        (MemberState::Unknown, &["disabled".into()][..])
    );
    assert_eq!(
        member(&r, "1U/Temperatures/2")
            .metrics
            .get("lower_critical_c"),
        Some(5.0)
    );
}

#[test]
fn temperature_limits_decide() {
    let t = |c: f64| Temperature {
        path: "Temperatures/X".into(),
        state: Some("Enabled".into()),
        health: Some("OK".into()),
        celsius: Some(c),
        thresholds: Thresholds {
            upper_warning: Some(40.0),
            upper_critical: Some(45.0),
            lower_warning: Some(10.0),
            lower_critical: Some(5.0),
            ..Thresholds::default()
        },
    };
    let facts = |c| {
        let r = temperature_report("c", &t(c), 0.0);
        (
            r.state,
            r.flags.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
    };
    assert_eq!(facts(30.0), (MemberState::Ok, vec![]));
    assert_eq!(
        facts(41.0),
        (MemberState::Ok, vec!["above_warning".to_string()])
    );
    assert_eq!(
        facts(45.0),
        (MemberState::Failed, vec!["above_critical".to_string()])
    );
    assert_eq!(
        facts(9.0),
        (MemberState::Ok, vec!["below_warning".to_string()])
    );
    assert_eq!(
        facts(2.0),
        (MemberState::Failed, vec!["below_critical".to_string()])
    );
    let mut hot = t(30.0);
    hot.health = Some("Critical".into());
    assert_eq!(
        temperature_report("c", &hot, 0.0).state,
        MemberState::Failed
    );
}

/// Serve a mockup with every answer `delay` late, counting requests and the most in flight.
fn serve_slow(
    dir: &Path,
    delay: Duration,
) -> (String, Arc<(AtomicUsize, AtomicUsize, AtomicUsize)>) {
    use axum::extract::State;
    use axum::http::{StatusCode, Uri};
    type Shared = (
        std::path::PathBuf,
        Duration,
        Arc<(AtomicUsize, AtomicUsize, AtomicUsize)>,
    );
    let counts = Arc::new((
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ));
    let state: Arc<Shared> = Arc::new((dir.to_path_buf(), delay, counts.clone()));
    let app = axum::Router::new()
        .fallback(|State(s): State<Arc<Shared>>, uri: Uri| async move {
            let (total, now, most) = (&s.2.0, &s.2.1, &s.2.2);
            total.fetch_add(1, Ordering::SeqCst);
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(s.1).await;
            now.fetch_sub(1, Ordering::SeqCst);
            match std::fs::read_to_string(mockup_path(&s.0, uri.path())) {
                Ok(body) => (StatusCode::OK, body),
                Err(_) => (StatusCode::NOT_FOUND, String::new()),
            }
        })
        .with_state(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (format!("http://{}", rx.recv().unwrap()), counts)
}

/// Requests go out together up to the limit, never more: a round of the PDU mockup at
/// 50 ms a request takes a fraction of the requests one after another would.
#[test]
fn requests_in_flight_are_bounded() {
    for limit in [1, 4] {
        let (url, counts) = serve_slow(&mockup("public-pdu"), Duration::from_millis(50));
        let mut c = RedfishCollector::new(&url, None, None, false, limit).unwrap();
        let started = Instant::now();
        c.collect(&mut Collected::default()).unwrap();
        let took = started.elapsed();
        let (total, most) = (
            counts.0.load(Ordering::SeqCst),
            counts.2.load(Ordering::SeqCst),
        );
        assert!(total > 40, "{total} requests");
        assert_eq!(most, limit, "limit {limit}: {most} in flight");
        let one_by_one = Duration::from_millis(50) * u32::try_from(total).unwrap();
        if limit == 4 {
            assert!(took < one_by_one / 2, "{took:?} for {total} requests");
        } else {
            assert!(took >= one_by_one, "{took:?} for {total} requests");
        }
    }
}
