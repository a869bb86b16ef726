//! A real `redcon agent` on loopback with the file-based collectors over fixture roots:
//! the members and their states arrive through `/v1/snapshot`, and one broken source
//! costs only its own part.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use redcon::agent::{self, collectors, parse_agent_config};
use redcon::model::MemberState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// `tests/fixtures`: real data of other projects, vendored with their licences.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A root with proc/mdstat, proc/net/bonding/bond0 and a saved crm_mon output, all
/// from the vendored fixtures; `mdstat` replaces the mdstat text when given.
fn fixture_root(shared: &Path, name: &str, mdstat: Option<&str>) -> PathBuf {
    let root = std::env::temp_dir().join(format!("redcon-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("proc/net/bonding")).unwrap();
    let text = match mdstat {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(shared.join("mdraid/proc-mdstat")).unwrap(),
    };
    std::fs::write(root.join("proc/mdstat"), text).unwrap();
    std::fs::copy(
        shared.join("bonding/telegraf-active-backup"),
        root.join("proc/net/bonding/bond0"),
    )
    .unwrap();
    std::fs::copy(
        shared.join("pacemaker/lost-quorum.crm_mon.xml"),
        root.join("crm_mon.xml"),
    )
    .unwrap();
    root
}

fn config(root: &Path) -> agent::AgentConfig {
    let r = root.display();
    parse_agent_config(
        &format!(
            r#"(id: "fx", collect_every_s: 3600.0, collectors: [
                mdraid(root: "{r}"), bonding(root: "{r}"), pacemaker(xml_file: "{r}/crm_mon.xml", cluster: "pcmk"),
            ], element_map: {{"sdc": "DISK-C"}})"#
        ),
        "test-agent.ron",
    )
    .unwrap()
}

async fn snapshot_and_health(config: agent::AgentConfig) -> (redcon::api::Snapshot, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(agent::run(config, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut body = None;
    // the agent answers once its first round is done
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("{base}/v1/snapshot")).send().await {
            body = Some(r.bytes().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let d = redcon::api::decode_snapshot(&body.expect("agent never answered"), "fx").unwrap();
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let health = client
        .get(format!("{base}/v1/health"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let health: serde_json::Value = serde_json::from_slice(&health).unwrap();
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    (d.snapshot, health["status"].as_str().unwrap().to_string())
}

fn state(s: &redcon::api::Snapshot, id: &str) -> MemberState {
    s.members
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no member {id}"))
        .state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_sources_arrive_through_the_snapshot() {
    let shared = fixtures();
    let root = fixture_root(&shared, "collectors-ok", None);
    let (s, health) = snapshot_and_health(config(&root)).await;
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(health, "ok");
    // md: a failed member, a rebuilding one renamed by element_map, the array itself
    assert_eq!(state(&s, "sdb2"), MemberState::Failed);
    let disk = s.members.iter().find(|m| m.id == "DISK-C").unwrap();
    assert_eq!(disk.state, MemberState::Rebuilding);
    assert!((disk.rebuild.unwrap().progress - 0.0859).abs() < 1e-3);
    assert_eq!(disk.rebuild.unwrap().eta_min, Some(17.0));
    assert!(
        !s.members.iter().any(|m| m.id == "sdc"),
        "renamed, not duplicated"
    );
    assert_eq!(state(&s, "md6"), MemberState::Ok);
    // bonding: the down slave and the active one
    assert_eq!(state(&s, "eth3"), MemberState::Failed);
    assert_eq!(state(&s, "eth2"), MemberState::Ok);
    // pacemaker: a partition without quorum, its offline nodes and the one left
    assert_eq!(state(&s, "pcmk"), MemberState::Failed);
    assert_eq!(state(&s, "db1"), MemberState::Failed);
    assert_eq!(state(&s, "db2"), MemberState::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbled_mdstat_costs_only_mdraid() {
    let shared = fixtures();
    let root = fixture_root(
        &shared,
        "collectors-bad",
        Some("\u{0}\u{1}garbage that is not mdstat\n"),
    );
    let cfg = config(&root);

    let mut built = collectors::build(&cfg.collectors).unwrap();
    let (collected, errors) = collectors::collect_all(&mut built);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0].to_string();
    assert!(
        e.starts_with("collector mdraid: ") && e.contains("proc/mdstat: not /proc/mdstat"),
        "{e}"
    );
    assert!(collected.members.iter().any(|m| m.id == "eth3"));

    let (s, health) = snapshot_and_health(cfg).await;
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(health, "degraded");
    assert!(
        !s.members.iter().any(|m| m.id.starts_with("md")),
        "no md reports"
    );
    assert_eq!(state(&s, "eth3"), MemberState::Failed);
    assert_eq!(state(&s, "db2"), MemberState::Ok, "pacemaker still reports");
}
