//! `POST /v1/ops` on a real agent: the desk (`desk`: tokens, idempotency, If-Match,
//! audit) in front of this agent's drivers. The agent does not see the site, so it cannot
//! compute the console's verdict; it judges what it can see itself: each driver checks its
//! source now, before acting (`Driver::check`), and refuses what would break redundancy it
//! sees (a member of an array already degraded, the last working slave of a bond, a standby
//! in a cluster without quorum), whatever verdict the request claims, unless it is forced.
//!
//! The desk's lock is held from the checks to the answer, on a blocking thread: operations
//! on one agent run one at a time, so a second operation is checked against the state the
//! first one left (two operators draining the last two units: one gets `stale_state`), and
//! a retry of one still running waits for its answer instead of acting again.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, IF_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Agent;
use super::drivers::{Act, Checked};
use crate::api::{self, OpReply, OpRequest};
use crate::desk::{Answer, Counter, Desk, Judged, reply};
use crate::ops::Operation;
use crate::ops::audit::AuditLog;
use crate::ops::tokens::Tokens;

/// Longest an operation may take before the console is told the outcome is unknown. The
/// sources' own timeouts are shorter; this bounds a driver that hangs regardless.
const OP_TIMEOUT: Duration = Duration::from_secs(30);

fn answer(code: u16, r: OpReply) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(r)).into_response()
}

/// The agent as the desk's counter: its version, its drivers' checks, its drivers.
struct AtAgent<'a>(&'a Agent);

impl Counter for AtAgent<'_> {
    fn version(&mut self) -> Result<String, Box<Answer>> {
        Ok(api::etag(&self.0.info.id, self.0.version()))
    }

    fn judge(&mut self, req: &OpRequest) -> Result<Judged, Box<Answer>> {
        let owners = self.0.read().owners.clone();
        let mut judged = Judged::default();
        match self.0.drivers.check(&req.operation, &owners) {
            Checked::Nothing => {}
            Checked::Passed(note) => judged.notes.push(format!("checked here: {note}")),
            Checked::Failed(why) if req.acknowledged.force => {
                judged
                    .notes
                    .push(format!("forced past this agent's check: {why}"));
            }
            Checked::Failed(why) => {
                judged.refused = Some(format!(
                    "{why} (seen by this agent now; only --force overrides)"
                ));
            }
        }
        Ok(judged)
    }

    fn carry_out(&mut self, op: &Operation) -> (Act, Option<String>) {
        self.0.carry_out(op)
    }
}

pub async fn post_ops(
    State(agent): State<Arc<Agent>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let (authorization, if_match) = (header(AUTHORIZATION), header(IF_MATCH));
    let job = tokio::task::spawn_blocking(move || {
        let mut desk = agent.desk.lock().unwrap_or_else(PoisonError::into_inner);
        let by = format!("agent {}", agent.info.id);
        desk.handle(
            &by,
            authorization.as_deref(),
            if_match.as_deref(),
            &body,
            &mut AtAgent(&agent),
        )
    });
    match tokio::time::timeout(OP_TIMEOUT, job).await {
        Ok(Ok((code, r))) => answer(code, r),
        Ok(Err(e)) => answer(
            500,
            reply("unknown", "", format!("the operation's thread failed: {e}")),
        ),
        // The driver goes on; its answer is kept for a retry with the same key.
        Err(_) => answer(
            504,
            reply(
                "unknown",
                "",
                format!(
                    "no answer from the source within {}s: check the site; a retry with the same idempotency key gets the answer once there is one",
                    OP_TIMEOUT.as_secs()
                ),
            ),
        ),
    }
}

/// How long a `done` answer waits for the collection round that shows the change.
const REFRESH_WAIT: Duration = Duration::from_secs(10);

impl Agent {
    /// Carry `op` out through the drivers (on the calling, blocking thread). After a
    /// change, one fresh collection round runs before the answer, so the version it
    /// carries and the console's next poll already show what the source now says.
    fn carry_out(&self, op: &Operation) -> (Act, Option<String>) {
        let owners = self.read().owners.clone();
        let act = self.drivers.carry_out(op, &owners);
        if !matches!(act, Act::Done(_)) {
            return (act, None);
        }
        let asked = self
            .refresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(asked) = asked {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            // No collection task (stopping) or a slow round: the version is the one now.
            if asked.blocking_send(tx).is_ok() {
                let _ = rx.recv_timeout(REFRESH_WAIT);
            }
        }
        (act, Some(api::etag(&self.info.id, self.version())))
    }
}

/// Why the agent cannot take operations as configured.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Tokens(#[from] crate::ops::tokens::TokenFileError),
    #[error(transparent)]
    Audit(#[from] crate::ops::audit::AuditError),
}

/// Set up a desk from the agent's configuration (token file, audit log).
pub fn desk(
    tokens: Option<&std::path::Path>,
    audit: Option<&std::path::Path>,
) -> Result<Desk, DeskError> {
    let tokens = match tokens {
        Some(p) => Tokens::load(p)?,
        None => Tokens::default(),
    };
    let audit = audit.map(AuditLog::open).transpose()?;
    Ok(Desk::new(tokens, audit))
}
