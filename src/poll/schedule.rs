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
    AgentSpec, AgentStatus, FetchError, Fetched, History, Jitter, PollView, backoff, fetch,
};
use crate::config::PollPolicy;

/// At most this many views a second reach the app, however many agents answer.
const PUBLISH_EVERY: Duration = Duration::from_millis(100);
/// How often freshness is re-aged when nothing else happens.
const REAGE_EVERY: Duration = Duration::from_millis(500);

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
}

type Report = (usize, Result<Fetched, FetchError>, Instant);

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
            tokio::spawn(async move {
                let _permit = sem.acquire_owned().await.ok();
                let r = fetch(&client, &name, &url, etag.as_deref(), timeout, max_body).await;
                let _ = report_tx.send((i, r, Instant::now()));
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
                for (i, result, at) in batch {
                    let slot = &mut slots[i];
                    if let Ok(Fetched::New { decoded, .. }) = &result
                        && let Ok(mut h) = history.lock()
                    {
                        h.record(&decoded.snapshot);
                    }
                    slot.status.record(result, at, &policy);
                    let wait = backoff(slot.spec.interval, slot.status.failures, policy.backoff_max(), jitter.unit());
                    due.push(Reverse((at + wait, i)));
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
