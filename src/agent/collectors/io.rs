//! The async runtime of a collector whose client library is async (reqwest, SNMP,
//! Modbus). Collectors run on the agent's blocking thread, so each owns a small
//! current-thread runtime and blocks on it.
//!
//! Dropping a runtime from inside another runtime's async context panics ("Cannot drop
//! a runtime in a context where blocking is not allowed"), and that is where the agent
//! drops its collectors when it stops. So this one is shut down in the background
//! instead, which is allowed anywhere.

use std::future::Future;

pub struct Io(Option<tokio::runtime::Runtime>);

/// The runtime could not be started (out of threads or descriptors).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the I/O runtime: {0}")]
pub struct IoError(#[source] std::io::Error);

impl Io {
    pub fn new() -> Result<Io, IoError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| Io(Some(rt)))
            .map_err(IoError)
    }

    /// Run `f` to completion; `None` only after the runtime was shut down.
    pub fn block_on<F: Future>(&self, f: F) -> Option<F::Output> {
        self.0.as_ref().map(|rt| rt.block_on(f))
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn dropping_inside_an_async_context_does_not_panic() {
        let io = Io::new().unwrap();
        drop(io);
    }

    #[test]
    fn runs_futures() {
        let io = Io::new().unwrap();
        assert_eq!(io.block_on(async { 41 + 1 }), Some(42));
    }
}
