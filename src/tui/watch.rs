//! Poll views into observations: each view the poller publishes becomes one classified
//! observation for the face, unless it brings nothing new.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::{mpsc, watch};

use super::drive::{Input, Runtime};
use super::observe::Carry;
use crate::config::PollPolicy;
use crate::model::Site;
use crate::poll::PollView;

/// How often a view with nothing new is classified anyway (items age by the clock).
const RECLASSIFY_AT_LEAST_S: u64 = 5;

/// What of an agent's answer the verdict depends on: its freshness, the snapshot it holds
/// (the same `Arc` while it answers "not modified"), its error and unreadable items.
type Fingerprint = (crate::poll::Freshness, usize, Option<String>, usize);

fn fingerprint(view: &PollView) -> Vec<Fingerprint> {
    view.agents
        .iter()
        .map(|a| {
            (
                a.freshness,
                a.snapshot.as_ref().map_or(0, |s| Arc::as_ptr(s) as usize),
                a.last_error.clone(),
                a.item_errors.len(),
            )
        })
        .collect()
}

/// Turn each poll view into an observation. Views before any agent was asked are skipped:
/// they would show every agent as dead for the first few milliseconds.
pub(super) async fn observe<A: Runtime>(
    site: Site,
    policy: PollPolicy,
    mut views: watch::Receiver<Arc<PollView>>,
    tx: mpsc::Sender<Input<A>>,
    generation: u64,
) {
    let mut last: Option<(Vec<Fingerprint>, u64)> = None;
    let start = tokio::time::Instant::now();
    let mut carry = Carry::new(site);
    loop {
        let view = views.borrow_and_update().clone();
        // a view that brings nothing new (answers of "not modified", a retry that failed
        // as the last one did) is not classified again; once every few seconds it is, since
        // items age even when nothing is said about them
        let key = (
            fingerprint(&view),
            start.elapsed().as_secs() / RECLASSIFY_AT_LEAST_S,
        );
        let news = last.as_ref() != Some(&key);
        if news && (view.agents.is_empty() || view.agents.iter().any(|a| a.polls > 0)) {
            last = Some(key);
            let mut obs = carry.observe(
                &view,
                &policy,
                tokio::time::Instant::now(),
                SystemTime::now(),
            );
            obs.generation = generation;
            let update = Input::Action(A::poll(Box::new(obs)));
            if tx.send(update).await.is_err() {
                return;
            }
        }
        if views.changed().await.is_err() {
            return;
        }
    }
}
