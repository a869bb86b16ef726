//! Connection slots: ordinary ones, and a reserve whose oldest connection that has not yet
//! sent a request makes way for a new client when every slot is taken.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::Limits;

/// How long a new client waits for an evicted reserve connection to let go of its slot.
const EVICTION_WAIT: Duration = Duration::from_millis(200);

#[derive(Default)]
struct Waiting {
    /// Set once the connection's first request arrived: it is then served, not evicted.
    committed: AtomicBool,
    evict: Notify,
}

pub(super) struct Slots {
    general: Arc<Semaphore>,
    reserve: Arc<Semaphore>,
    limits: Limits,
    /// Reserve connections in arrival order, oldest first.
    waiting: Mutex<VecDeque<Arc<Waiting>>>,
}

/// A taken slot; dropping it gives the slot back.
pub(super) struct Slot {
    _permit: OwnedSemaphorePermit,
    reserve: Option<Arc<Waiting>>,
}

/// Marks a reserve connection as serving a request (a no-op on an ordinary one).
pub(super) struct Commit(Option<Arc<Waiting>>);

impl Commit {
    pub(super) fn commit(&self) {
        if let Some(w) = &self.0 {
            w.committed.store(true, Ordering::Release);
        }
    }
}

impl Slot {
    pub(super) fn is_reserve(&self) -> bool {
        self.reserve.is_some()
    }

    pub(super) fn commit_handle(&self) -> Commit {
        Commit(self.reserve.clone())
    }

    /// Resolves when a newer client needs this reserve slot; never on an ordinary one.
    pub(super) async fn evicted(&self) {
        match &self.reserve {
            Some(w) => w.evict.notified().await,
            None => std::future::pending().await,
        }
    }
}

impl Slots {
    pub(super) fn new(limits: Limits) -> Slots {
        let general = limits.max_connections.saturating_sub(limits.reserve);
        Slots {
            general: Arc::new(Semaphore::new(general)),
            reserve: Arc::new(Semaphore::new(limits.reserve)),
            limits,
            waiting: Mutex::new(VecDeque::new()),
        }
    }

    /// A slot for a new connection: an ordinary one, else one of the reserve, else the one
    /// of the oldest reserve connection still waiting for its request. None: every slot
    /// is serving a request.
    pub(super) async fn take(&self) -> Option<Slot> {
        if let Ok(p) = Arc::clone(&self.general).try_acquire_owned() {
            return Some(Slot {
                _permit: p,
                reserve: None,
            });
        }
        let permit = match Arc::clone(&self.reserve).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if !self.evict_oldest() {
                    return None;
                }
                let wait = Arc::clone(&self.reserve).acquire_owned();
                tokio::time::timeout(EVICTION_WAIT, wait).await.ok()?.ok()?
            }
        };
        let w = Arc::new(Waiting::default());
        let mut q = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        // forget those that were served or went away: the queue stays as short as the reserve
        q.retain(|w| !w.committed.load(Ordering::Acquire) && Arc::strong_count(w) > 1);
        q.push_back(Arc::clone(&w));
        Some(Slot {
            _permit: permit,
            reserve: Some(w),
        })
    }

    fn evict_oldest(&self) -> bool {
        let mut q = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(w) = q.pop_front() {
            // strong count 1: only this queue holds it, the connection is gone
            if !w.committed.load(Ordering::Acquire) && Arc::strong_count(&w) > 1 {
                w.evict.notify_one();
                return true;
            }
        }
        false
    }

    /// Resolves once every connection has given its slot back.
    pub(super) async fn all_returned(&self) {
        let general = self
            .limits
            .max_connections
            .saturating_sub(self.limits.reserve);
        for (sem, n) in [
            (&self.general, general),
            (&self.reserve, self.limits.reserve),
        ] {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let _ = sem.acquire_many(n).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_connections: 6,
            reserve: 2,
            timeouts: true,
        }
    }

    #[tokio::test]
    async fn ordinary_slots_first_then_the_reserve_then_eviction() {
        let slots = Slots::new(limits());
        let mut held = Vec::new();
        for _ in 0..4 {
            let s = slots.take().await;
            assert!(s.as_ref().is_some_and(|s| !s.is_reserve()));
            held.extend(s);
        }
        let first = slots.take().await;
        let second = slots.take().await;
        assert!(first.as_ref().is_some_and(Slot::is_reserve));
        assert!(second.as_ref().is_some_and(Slot::is_reserve));
        // the second is serving a request: it is not evicted
        if let Some(s) = &second {
            s.commit_handle().commit();
        }
        // a new client: the first reserve connection is told to go, and once it drops its
        // slot the newcomer has it
        let evicting = async {
            if let Some(s) = first {
                s.evicted().await;
                drop(s);
            }
        };
        let (third, ()) = tokio::join!(slots.take(), evicting);
        assert!(third.as_ref().is_some_and(Slot::is_reserve));
        // every slot serving a request: nothing to evict, the client is turned away
        if let Some(s) = &third {
            s.commit_handle().commit();
        }
        assert!(slots.take().await.is_none());
    }
}
