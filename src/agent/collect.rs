//! The collection side of the agent: rounds of collectors on a blocking thread, on a
//! timer, each published to the `Agent`.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::collectors::{self, Collected, Collector, CollectorError};
use super::{Agent, AgentError, CollectorSpec};

/// A request for a collection round now, answered once it is published.
pub(super) type Refresh = tokio::sync::mpsc::Sender<std::sync::mpsc::SyncSender<()>>;

type Round = (Vec<Box<dyn Collector>>, Collected, Vec<CollectorError>);

/// One collection round on a blocking thread (sources are files and syscalls). With no
/// collectors (the last ones were lost to a panic) they are built again first.
pub(super) async fn round(
    collectors: Option<Vec<Box<dyn Collector>>>,
    specs: &[CollectorSpec],
) -> Result<Round, AgentError> {
    let specs = specs.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut collectors = match collectors {
            Some(c) => c,
            None => collectors::build(&specs)?,
        };
        let (collected, errors) = collectors::collect_all(&mut collectors);
        Ok((collectors, collected, errors))
    })
    .await
    .map_err(AgentError::CollectorThread)?
}

/// Aborts the collection task however `run` ends, including by being dropped.
pub(super) struct AbortOnDrop(pub(super) JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Every `every`, one round, published. `last_errors` is what `run` already logged for
/// the first round, so a lasting problem is not logged twice.
pub(super) async fn collect_forever(
    agent: Arc<Agent>,
    mut collectors: Option<Vec<Box<dyn Collector>>>,
    specs: Vec<CollectorSpec>,
    every: Duration,
    mut last_errors: Vec<String>,
    mut asked: tokio::sync::mpsc::Receiver<std::sync::mpsc::SyncSender<()>>,
) {
    let mut tick = tokio::time::interval(every);
    // After a slow round, wait a full period rather than catching up in a burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await; // the first tick is immediate, and `run` already did that round
    let mut waiting = Vec::new();
    loop {
        // An operation's driver asks for a round right after a change; a closed channel
        // disables that branch and the timer alone goes on.
        tokio::select! {
            _ = tick.tick() => {}
            Some(w) = asked.recv() => waiting.push(w),
        }
        let (collected, errors) = match round(collectors.take(), &specs).await {
            Ok((c, collected, errors)) => {
                collectors = Some(c);
                (collected, errors)
            }
            Err(e) => {
                let e = CollectorError {
                    collector: "agent",
                    message: e.to_string(),
                };
                (Collected::default(), vec![e])
            }
        };
        let now: Vec<String> = errors.iter().map(ToString::to_string).collect();
        // Log a problem when it starts and when it ends, not every round.
        if now != last_errors {
            for e in &now {
                tracing::warn!("{e}");
            }
            if now.is_empty() {
                tracing::info!("all collectors report again");
            }
            last_errors = now;
        }
        agent.publish(collected, &errors);
        for w in waiting.drain(..) {
            let _ = w.try_send(());
        }
    }
}
