//! The long-running poller: one scheduler task owns every agent's state; fetches run as
//! tasks under one semaphore and report back over a channel; the app gets coalesced views.
#![allow(
    clippy::indexing_slicing,
    reason = "slot indices run over 0..slots.len(), and slots never changes length while the poller runs"
)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

use super::{
    AgentSpec, AgentStatus, Exchange, Fetched, History, Jitter, PollView, backoff, fetch_waiting,
};
use crate::config::PollPolicy;

/// At most this many views a second reach the app, however many agents answer.
const PUBLISH_EVERY: Duration = Duration::from_millis(100);
/// How often freshness is re-aged when nothing else happens.
const REAGE_EVERY: Duration = Duration::from_millis(500);
/// After a new snapshot from an agent that holds requests, the next request waits this
/// long: a burst of changes becomes a few answers, and a change within it is still
/// answered at once when the request arrives (its tag is already old).
const AFTER_NEW: Duration = Duration::from_millis(100);

pub struct PollHandle {
    task: JoinHandle<()>,
}

impl PollHandle {
    /// A handle on another reader's task (the Prometheus source's).
    pub(crate) fn from_task(task: JoinHandle<()>) -> PollHandle {
        PollHandle { task }
    }

    pub fn abort(&self) {
        self.task.abort();
    }
}

impl Drop for PollHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Slot {
    spec: AgentSpec,
    status: AgentStatus,
    /// The longest wait the agent grants (it said so on its last answer); None: it does not
    /// hold requests, and is polled every interval.
    grants: Option<Duration>,
}

/// One answer: the slot, what came back, when it arrived, and the wait it asked for and
/// when it was sent.
struct Report {
    slot: usize,
    exchange: Exchange,
    at: Instant,
    asked: Option<Duration>,
    sent: Instant,
}

/// The wait to ask of an agent that grants `grants`: half the staleness limit at most, so
/// a quiet agent answers (a 304 at the end of the wait) well before its data would be
/// called stale, and never more than it grants.
fn wait_for(grants: Duration, policy: &PollPolicy) -> Duration {
    (policy.stale_after() / 2)
        .min(grants)
        .max(Duration::from_millis(500))
}

/// How soon to ask again after `r` if the agent holds requests: `AFTER_NEW` after a change,
/// at once after a 304 that was held. A 304 back in under half the wait asked for was not
/// held: None then (the interval), so a server that claims to wait and does not is never
/// polled in a tight loop.
fn held_gap(r: &Report) -> Option<Duration> {
    match (&r.exchange.result, r.asked) {
        (Ok(Fetched::New { .. }), _) => Some(AFTER_NEW),
        (Ok(Fetched::NotModified), Some(asked)) if r.at - r.sent >= asked / 2 => {
            Some(Duration::ZERO)
        }
        _ => None,
    }
}

/// Start polling `specs` forever (until the handle is dropped or every receiver is gone).
pub fn spawn(
    client: reqwest::Client,
    specs: Vec<AgentSpec>,
    policy: PollPolicy,
) -> (watch::Receiver<Arc<PollView>>, PollHandle) {
    let history = Arc::new(Mutex::new(History::new(
        policy.history,
        policy.history_series,
    )));
    let slots: Vec<Slot> = specs
        .into_iter()
        .map(|spec| Slot {
            status: AgentStatus::new(&spec),
            grants: None,
            spec,
        })
        .collect();
    let first = Arc::new(PollView {
        agents: slots.iter().map(|s| s.status.clone()).collect(),
        history: history.clone(),
        source: crate::verdict::LiveSource::Agents,
    });
    let (tx, rx) = watch::channel(first);
    let task = tokio::spawn(run(client, slots, policy, history, tx));
    (rx, PollHandle { task })
}

async fn run(
    client: reqwest::Client,
    mut slots: Vec<Slot>,
    policy: PollPolicy,
    history: Arc<Mutex<History>>,
    tx: watch::Sender<Arc<PollView>>,
) {
    let sem = Arc::new(Semaphore::new(policy.concurrency.max(1)));
    let (report_tx, mut reports) = mpsc::unbounded_channel::<Report>();
    let mut due: BinaryHeap<Reverse<(Instant, usize)>> = BinaryHeap::new();
    let start = Instant::now();
    for i in 0..slots.len() {
        due.push(Reverse((start, i)));
    }
    let mut jitter = Jitter::seeded();
    let mut pending = false;
    let mut last_publish = start;
    let mut next_reage = start + REAGE_EVERY;
    loop {
        let now = Instant::now();
        while let Some(&Reverse((at, i))) = due.peek() {
            if at > now {
                break;
            }
            due.pop();
            let slot = &slots[i];
            let (client, sem, report_tx) = (client.clone(), sem.clone(), report_tx.clone());
            let (name, url, etag) = (
                slot.spec.name.clone(),
                slot.spec.url.clone(),
                slot.status.etag.clone(),
            );
            let (timeout, max_body) = (slot.spec.timeout, policy.max_body_bytes);
            let asked = slot
                .grants
                .filter(|_| etag.is_some() && slot.status.failures == 0)
                .map(|g| wait_for(g, &policy));
            tokio::spawn(async move {
                // a held request is an idle connection, not work: it takes no permit, or a
                // fleet of quiet agents would keep the busy ones waiting
                let _permit = match asked {
                    None => sem.acquire_owned().await.ok(),
                    Some(_) => None,
                };
                let sent = Instant::now();
                let exchange = fetch_waiting(
                    &client,
                    &name,
                    &url,
                    etag.as_deref(),
                    asked,
                    timeout,
                    max_body,
                )
                .await;
                let _ = report_tx.send(Report {
                    slot: i,
                    exchange,
                    at: Instant::now(),
                    asked,
                    sent,
                });
            });
        }
        let mut wake = next_reage;
        if let Some(&Reverse((at, _))) = due.peek() {
            wake = wake.min(at);
        }
        if pending {
            wake = wake.min(last_publish + PUBLISH_EVERY);
        }
        tokio::select! {
            biased;
            _ = tx.closed() => return,
            r = reports.recv() => {
                let Some(first) = r else { return };
                let mut batch = vec![first];
                while let Ok(more) = reports.try_recv() {
                    batch.push(more);
                }
                for r in batch {
                    let i = r.slot;
                    let slot = &mut slots[i];
                    if let Ok(Fetched::New { decoded, .. }) = &r.exchange.result
                        && let Ok(mut h) = history.lock()
                    {
                        h.record(&decoded.snapshot);
                    }
                    // an agent says on each answer whether it holds requests; an error
                    // says nothing, and what it said before stands
                    if r.exchange.result.is_ok() {
                        slot.grants = r.exchange.grants;
                    }
                    let gap = held_gap(&r);
                    slot.status.record(r.exchange.result, r.at, &policy);
                    // at once (or just after a change) from an agent that holds requests;
                    // the interval, or the backoff after failures, from one that does not
                    let next = match (gap, slot.grants, slot.status.failures) {
                        (Some(gap), Some(_), 0) => r.at + gap,
                        _ => {
                            let f = slot.status.failures;
                            r.at + backoff(slot.spec.interval, f, policy.backoff_max(), jitter.unit())
                        }
                    };
                    due.push(Reverse((next, i)));
                    pending = true;
                }
            }
            _ = sleep_until(wake) => {}
        }
        let now = Instant::now();
        if now >= next_reage {
            for s in &mut slots {
                pending |= s.status.refresh(now, &policy);
            }
            next_reage = now + REAGE_EVERY;
        }
        if pending && now >= last_publish + PUBLISH_EVERY {
            let view = PollView {
                agents: slots.iter().map(|s| s.status.clone()).collect(),
                history: history.clone(),
                source: crate::verdict::LiveSource::Agents,
            };
            if tx.send(Arc::new(view)).is_err() {
                return;
            }
            pending = false;
            last_publish = now;
        }
    }
}
