//! HAProxy: a backend server (`BE/SRV`) drained and made ready again through the runtime
//! API (`set server BE/SRV state drain|ready`).

use std::path::Path;
use std::time::Duration;

use super::{Act, Driver};
use crate::agent::collectors::haproxy::{AdminState, HaproxyClient, HaproxyError};
use crate::ops::OpKind;

pub struct HaproxyDriver {
    client: HaproxyClient,
}

impl HaproxyDriver {
    pub fn new(socket: &Path, timeout: Duration) -> Self {
        HaproxyDriver {
            client: HaproxyClient::new(socket, timeout),
        }
    }
}

impl Driver for HaproxyDriver {
    fn collector(&self) -> &'static str {
        "haproxy"
    }

    fn act(&self, name: &str, kind: &OpKind, _to: Option<&str>) -> Act {
        // `maint` would also stop health checks; no operation asks for that, so drain
        // (existing sessions finish, no new ones) is what "drain" means here.
        let state = match kind {
            OpKind::Drain => AdminState::Drain,
            OpKind::Undrain => AdminState::Ready,
            k => {
                return Act::NotApplicable(format!(
                    "{name}: HAProxy can drain a server and make it ready again, not {} it",
                    k.verb()
                ));
            }
        };
        let Some((backend, server)) = name.split_once('/') else {
            return Act::NotApplicable(format!("{name}: not a HAProxy BACKEND/SERVER name"));
        };
        match self.client.set_server_state(backend, server, state) {
            Ok(()) => Act::Done(format!("set server {name} state {}", state.word())),
            Err(e @ HaproxyError::Io { .. }) if timed_out(&e) => {
                Act::Unknown(format!("sent, no answer: {e}"))
            }
            Err(e) => Act::Failed(e.to_string()),
        }
    }
}

/// A read that timed out after the command was written: HAProxy may have applied it.
fn timed_out(e: &HaproxyError) -> bool {
    matches!(e, HaproxyError::Io { source, .. }
        if matches!(source.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock))
}
