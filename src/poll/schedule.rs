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
/// The shortest hold worth asking for: a wait that would end sooner than this on the grid
/// (see `aligned_wait`) ends on the tick after instead.
const SHORTEST_HOLD: Duration = Duration::from_millis(500);

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

/// The wait to ask for at `since_start` (time since the poller started) when the wait is
/// `wait`: shortened so that it ends on the next multiple of `wait` since the start. Held
/// waits that end on one grid come back together, so a fleet of quiet agents costs the
/// poller one view per tick instead of one per answer; without it, agents that came back
/// from an outage at scattered times would stay scattered for good. A wait that would end
/// in under `SHORTEST_HOLD` runs to the tick after, when the agent grants that much.
fn aligned_wait(since_start: Duration, wait: Duration, grants: Duration) -> Duration {
    let period = wait.as_nanos();
    if period == 0 {
        return wait;
    }
    let into = since_start.as_nanos() % period;
    // `into` < `period`, which came from a Duration: it fits back in one
    let left = wait.saturating_sub(Duration::from_nanos(u64::try_from(into).unwrap_or(0)));
    if left >= SHORTEST_HOLD {
        return left;
    }
    let next = left + wait;
    if next <= grants {
        next
    } else {
        // at least a millisecond, so the request still asks to be held
        left.max(Duration::from_millis(1))
    }
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

/// Whether `result` would change nothing in `status` but when the agent last answered (and
/// its counters): a 304 from an agent that answered last time and has a snapshot to keep.
fn quiet_answer(status: &AgentStatus, result: &Result<Fetched, super::FetchError>) -> bool {
    matches!(result, Ok(Fetched::NotModified))
        && status.failures == 0
        && status.last_error.is_none()
        && status.snapshot.is_some()
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
    // a 304 that changed nothing but "last answered" is published too (the view's answer
    // times age the items), but not at once: answers that end on the same tick are
    // gathered into one view
    let mut quiet_since: Option<Instant> = None;
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
                .map(|g| {
                    aligned_wait(
                        now.saturating_duration_since(start),
                        wait_for(g, &policy),
                        g,
                    )
                });
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
        if let Some(q) = quiet_since {
            wake = wake.min((q + PUBLISH_EVERY).max(last_publish + PUBLISH_EVERY));
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
                    let was = slot.status.freshness;
                    let quiet = quiet_answer(&slot.status, &r.exchange.result);
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
                    if quiet && slot.status.freshness == was {
                        quiet_since.get_or_insert(r.at);
                    } else {
                        pending = true;
                    }
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
        let quiet_due = quiet_since.is_some_and(|q| now >= q + PUBLISH_EVERY);
        if (pending || quiet_due) && now >= last_publish + PUBLISH_EVERY {
            let view = PollView {
                agents: slots.iter().map(|s| s.status.clone()).collect(),
                history: history.clone(),
                source: crate::verdict::LiveSource::Agents,
            };
            if tx.send(Arc::new(view)).is_err() {
                return;
            }
            pending = false;
            quiet_since = None;
            last_publish = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_wait_ends_on_the_next_tick_of_its_own_length() {
        let (wait, grants) = (ms(7500), ms(20_000));
        // on a tick: the whole wait
        assert_eq!(aligned_wait(ms(0), wait, grants), wait);
        assert_eq!(aligned_wait(ms(15_000), wait, grants), wait);
        // between ticks: what is left to the next one
        assert_eq!(aligned_wait(ms(3_000), wait, grants), ms(4_500));
        assert_eq!(aligned_wait(ms(100_000), wait, grants), ms(5_000));
        // just after a tick (a 304 re-asked at once): nearly the whole wait
        assert_eq!(aligned_wait(ms(7_512), wait, grants), ms(7_488));
        // agents asked at scattered moments all end on the same instant
        for at in [61_000, 62_345, 64_999, 67_000] {
            assert_eq!(ms(at) + aligned_wait(ms(at), wait, grants), ms(67_500));
        }
    }

    #[test]
    fn a_wait_too_short_to_hold_runs_to_the_tick_after_if_granted() {
        let wait = ms(7500);
        // 200 ms before a tick: the tick after, 7.7 s away
        assert_eq!(aligned_wait(ms(7_300), wait, ms(20_000)), ms(7_700));
        assert_eq!(aligned_wait(ms(7_000), wait, ms(20_000)), ms(500));
        // an agent that grants no more than the wait is not asked beyond it
        assert_eq!(aligned_wait(ms(7_300), wait, wait), ms(200));
        assert_eq!(
            aligned_wait(Duration::from_nanos(7_499_999_999), wait, wait),
            ms(1)
        );
        // never more than the wait plus the shortest hold, never nothing
        for at in (0..40_000).step_by(37) {
            let w = aligned_wait(ms(at), wait, ms(20_000));
            assert!(
                w >= SHORTEST_HOLD && w <= wait + SHORTEST_HOLD,
                "{at}: {w:?}"
            );
        }
        assert_eq!(aligned_wait(ms(1234), Duration::ZERO, wait), Duration::ZERO);
    }

    #[test]
    fn only_a_304_over_a_good_answer_is_quiet() {
        let spec = AgentSpec {
            name: "a".into(),
            url: "http://127.0.0.1:1".into(),
            interval: ms(1000),
            timeout: ms(1000),
        };
        let mut s = AgentStatus::new(&spec);
        let not_modified = Ok(Fetched::NotModified);
        // nothing in hand: a 304 is a failure, not quiet
        assert!(!quiet_answer(&s, &not_modified));
        s.snapshot = Some(Arc::new(crate::api::Snapshot {
            schema_version: crate::api::SCHEMA_VERSION,
            agent: crate::api::AgentInfo {
                id: "a".into(),
                version: "0".into(),
                hostname: None,
            },
            generated_at: 1.0,
            elements: Vec::new(),
            members: Vec::new(),
            tanks: Vec::new(),
            host: None,
        }));
        assert!(quiet_answer(&s, &not_modified));
        let err = Err(super::super::FetchError::Transport {
            agent: "a".into(),
            detail: "refused".into(),
        });
        assert!(!quiet_answer(&s, &err));
        // the first 304 after a failure clears the error: news
        s.failures = 1;
        s.last_error = Some("refused".into());
        assert!(!quiet_answer(&s, &not_modified));
    }
}
