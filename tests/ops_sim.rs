//! Operations against the simulator over real HTTP on loopback: carried out and seen by the
//! next poll; refused without an operate token (and audited); replays harmless; two
//! concurrent drains of the last redundant units cannot both succeed; an agent that stops
//! answering mid-operation leaves an `unknown` outcome, never a silent success.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::load_site;
use redcon::config::PollPolicy;
use redcon::dispatch::{plan_lines, send, send_audited};
use redcon::model::{ElementState, LiveState, Site};
use redcon::ops::audit::{self, AuditLog, Outcome};
use redcon::ops::tokens::Tokens;
use redcon::ops::{Acknowledged, Authority, Mutation, OpKind, Operation, Verdict, preflight};
use redcon::poll::{self, AgentSpec, AgentStatus};
use redcon::sim::{Action, SimHandle, agent_urls, spawn_local};

const OPERATE: &str = "operate-token-0123456789";
const READ: &str = "read-token-0123456789abc";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("redcon-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    dir
}

struct Fixture {
    site: Site,
    sim: SimHandle,
    url: String,
    specs: Vec<AgentSpec>,
    client: reqwest::Client,
    _task: tokio::task::JoinHandle<Result<(), redcon::sim::SimError>>,
}

async fn start(dir: &std::path::Path) -> Fixture {
    let site = load_site("e01");
    let (addr, sim, task) = spawn_local(site.clone(), LiveState::default(), None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tokens = Tokens::parse(
        &format!("operate {OPERATE} alice\nread {READ} wall\n"),
        "test tokens",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    {
        let mut s = sim.lock();
        s.set_tokens(tokens);
        s.set_audit(
            AuditLog::open(&dir.join("agent-audit.jsonl")).unwrap_or_else(|e| panic!("{e}")),
        );
    }
    let urls = agent_urls(&site, &format!("http://{addr}"));
    let url = urls
        .iter()
        .find(|(name, _)| name == "sim")
        .map(|(_, u)| u.clone())
        .unwrap_or_else(|| panic!("no default agent in {urls:?}"));
    let specs = urls
        .into_iter()
        .map(|(name, url)| AgentSpec {
            name,
            url,
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .collect();
    let client = poll::client().unwrap_or_else(|e| panic!("{e}"));
    Fixture {
        site,
        sim,
        url,
        specs,
        client,
        _task: task,
    }
}

impl Fixture {
    /// Poll once: the live state and the default agent's ETag.
    async fn poll(&self) -> (LiveState, String) {
        let statuses: Vec<AgentStatus> = poll::poll_once(
            &self.client,
            &self.specs,
            &PollPolicy::default(),
            Duration::from_secs(3),
        )
        .await;
        let m = poll::merge(
            &self.site,
            &statuses,
            &PollPolicy::default(),
            tokio::time::Instant::now(),
            redcon::api::unix_now(),
        );
        let (live, problems) = (m.live, m.problems);
        assert!(problems.is_empty(), "{problems:?}");
        let etag = statuses
            .iter()
            .find(|a| a.name == "sim")
            .and_then(|a| a.etag.clone())
            .unwrap_or_else(|| panic!("no etag: {statuses:?}"));
        (live, etag)
    }

    /// Preflight `drain target` on the polled state and clear it with `ack`.
    fn cleared(
        &self,
        live: &LiveState,
        etag: &str,
        target: &str,
        key: &str,
    ) -> (Mutation, redcon::ops::Plan) {
        let op = Operation {
            kind: OpKind::Drain,
            target: target.into(),
            reason: "replace fans".into(),
            operator: "whoever".into(),
            idempotency_key: key.into(),
        };
        let plan = preflight(&self.site, live, &op, None, 0.0).unwrap_or_else(|e| panic!("{e}"));
        let ack = Acknowledged {
            degrade: true,
            force: false,
        };
        let m = Mutation::clear(&Authority::operator("alice"), op, &plan, ack, etag)
            .unwrap_or_else(|e| panic!("{e}"));
        (m, plan)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_is_carried_out_seen_by_the_next_poll_and_audited_twice() {
    let dir = temp_dir("done");
    let fx = start(&dir).await;
    let (live, etag) = fx.poll().await;
    let (m, plan) = fx.cleared(&live, &etag, "U1", "drain-u1-1");
    assert_eq!(plan.verdict, Verdict::Degrades);
    let mut log = AuditLog::open(&dir.join("console.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let sent = send_audited(
        &mut log,
        &fx.client,
        &fx.url,
        Some(OPERATE),
        &m,
        &plan_lines(&plan),
        Duration::from_secs(3),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent.outcome, Outcome::Done, "{sent:?}");
    let reply = sent.reply.unwrap_or_else(|| panic!("no reply"));
    assert_eq!(reply.by.as_deref(), Some("alice"));
    assert_ne!(
        reply.version.as_deref(),
        Some(etag.as_str()),
        "a new version"
    );

    let (after, etag2) = fx.poll().await;
    assert_eq!(after.element_state("U1"), ElementState::Maintenance);
    assert_eq!(reply.version.as_deref(), Some(etag2.as_str()));

    let (records, errors) =
        audit::read(&dir.join("console.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert!(errors.is_empty(), "{errors:?}");
    let outcomes: Vec<Outcome> = records.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Pending, Outcome::Done],
        "intent first, then outcome"
    );
    assert!(
        records[1].plan.iter().any(|l| l.starts_with("DEGRADES")),
        "{:?}",
        records[1].plan
    );
    let open = audit::open_maintenance(&audit::settle(&records));
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].target.as_str(), open[0].operator.as_str()),
        ("U1", "alice")
    );

    let (agent_side, _) =
        audit::read(&dir.join("agent-audit.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<Outcome> = agent_side.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Pending, Outcome::Done],
        "intent, then outcome"
    );
    assert_eq!(
        agent_side[1].operation.operator, "alice",
        "the token names who acted"
    );
    assert_eq!(
        agent_side[1].acknowledged, records[1].acknowledged,
        "the simulator records the acknowledgements the operator gave"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_missing_and_wrong_tokens_are_refused_and_audited() {
    let dir = temp_dir("auth");
    let fx = start(&dir).await;
    let (live, etag) = fx.poll().await;
    for (i, token) in [Some(READ), None, Some("not-a-token-at-all-000")]
        .into_iter()
        .enumerate()
    {
        let (m, _) = fx.cleared(&live, &etag, "U1", &format!("auth-{i}"));
        let sent = send(&fx.client, &fx.url, token, &m, Duration::from_secs(3)).await;
        assert_eq!(sent.outcome, Outcome::Unauthorised, "{token:?}: {sent:?}");
        let want = if token == Some(READ) {
            "read_only"
        } else {
            "unauthorised"
        };
        assert_eq!(sent.reply.map(|r| r.outcome), Some(want.to_string()));
    }
    let (live_after, etag_after) = fx.poll().await;
    assert_eq!(
        live_after.element_state("U1"),
        ElementState::Ok,
        "nothing happened"
    );
    assert_eq!(etag_after, etag);
    let (records, _) =
        audit::read(&dir.join("agent-audit.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records.len(), 3, "{records:?}");
    assert!(records.iter().all(|r| r.outcome == Outcome::Unauthorised));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_with_the_same_key_does_nothing_twice() {
    let dir = temp_dir("replay");
    let fx = start(&dir).await;
    let (live, etag) = fx.poll().await;
    let (m, _) = fx.cleared(&live, &etag, "U1", "same-key");
    let first = send(
        &fx.client,
        &fx.url,
        Some(OPERATE),
        &m,
        Duration::from_secs(3),
    )
    .await;
    assert_eq!(first.outcome, Outcome::Done);
    let (_, etag1) = fx.poll().await;
    // the retry carries the old version: were it judged again it would be stale
    let again = send(
        &fx.client,
        &fx.url,
        Some(OPERATE),
        &m,
        Duration::from_secs(3),
    )
    .await;
    assert_eq!(again.outcome, Outcome::Done, "{again:?}");
    let reply = again.reply.unwrap_or_else(|| panic!("no reply"));
    assert!(reply.replayed);
    let (_, etag2) = fx.poll().await;
    assert_eq!(etag1, etag2, "the replay changed nothing");
    let (records, _) =
        audit::read(&dir.join("agent-audit.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let done = |replayed: bool| {
        records
            .iter()
            .filter(|r| r.outcome == Outcome::Done && r.replayed == replayed)
            .count()
    };
    assert_eq!(
        (done(false), done(true)),
        (1, 1),
        "the replay is audited as one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_drains_of_the_last_redundant_units_one_succeeds() {
    let dir = temp_dir("race");
    let fx = start(&dir).await;
    let (live, etag) = fx.poll().await;
    // U1 and U2 of an N+1 group: each alone degrades, both together would drop IT
    let (a, _) = fx.cleared(&live, &etag, "U1", "race-a");
    let (b, _) = fx.cleared(&live, &etag, "U2", "race-b");
    let t = Duration::from_secs(3);
    let (ra, rb) = tokio::join!(
        send(&fx.client, &fx.url, Some(OPERATE), &a, t),
        send(&fx.client, &fx.url, Some(OPERATE), &b, t)
    );
    let done = [&ra, &rb]
        .iter()
        .filter(|s| s.outcome == Outcome::Done)
        .count();
    assert_eq!(done, 1, "{ra:?}\n{rb:?}");
    let loser = if ra.outcome == Outcome::Done {
        &rb
    } else {
        &ra
    };
    assert_eq!(loser.outcome, Outcome::Stale, "{loser:?}");

    // retried on fresh state, the agent's own preflight refuses what the console's
    // acknowledgement (degrade, not force) does not cover
    let (live, etag) = fx.poll().await;
    let target = if ra.outcome == Outcome::Done {
        "U2"
    } else {
        "U1"
    };
    let op = Operation {
        kind: OpKind::Drain,
        target: target.into(),
        reason: "race".into(),
        operator: "x".into(),
        idempotency_key: "race-retry".into(),
    };
    let plan = preflight(&fx.site, &live, &op, None, 0.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.verdict, Verdict::Refused);
    let forced = Acknowledged {
        degrade: false,
        force: true,
    };
    let m = Mutation::clear(
        &Authority::operator("alice"),
        op,
        &plan,
        forced,
        etag.clone(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // a console that lied about its acknowledgement is still refused by the agent
    let lying = redcon::api::OpRequest {
        operation: m.operation().clone(),
        verdict: m.verdict(),
        acknowledged: Acknowledged {
            degrade: true,
            force: false,
        },
    };
    let sent =
        redcon::dispatch::send_request(&fx.client, &fx.url, Some(OPERATE), &lying, &etag, t).await;
    assert_eq!(sent.outcome, Outcome::Rejected, "{sent:?}");
    let reply = sent.reply.unwrap_or_else(|| panic!("no reply"));
    assert_eq!(reply.outcome, "refused");
    assert!(reply.detail.contains("IT"), "{}", reply.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_that_stops_answering_leaves_an_unknown_outcome() {
    let dir = temp_dir("unknown");
    let fx = start(&dir).await;
    let (live, etag) = fx.poll().await;
    let (m, plan) = fx.cleared(&live, &etag, "U1", "slow-1");
    fx.sim
        .apply(&Action::Slow {
            agent: "sim".into(),
            delay_ms: 1500,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let mut log = AuditLog::open(&dir.join("console.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let sent = send_audited(
        &mut log,
        &fx.client,
        &fx.url,
        Some(OPERATE),
        &m,
        &plan_lines(&plan),
        Duration::from_millis(300),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent.outcome, Outcome::Unknown, "{sent:?}");
    let (records, _) = audit::read(&dir.join("console.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records.last().map(|r| r.outcome), Some(Outcome::Unknown));

    // a console that died right after writing its intent: the log still says unknown
    let mut crashed = records[0].clone();
    crashed.operation.idempotency_key = "crashed".into();
    let settled = audit::settle(&[crashed]);
    assert_eq!(settled[0].outcome, Outcome::Unknown);
}
