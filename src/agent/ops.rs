//! `POST /v1/ops` on a real agent: the second choke point. Authentication (bearer tokens,
//! `read` refused), the state version the plan was computed on, one answer per idempotency
//! key, and an audit line for every request, whatever its outcome. What passes is carried
//! out by the driver of the source that reports the target (`drivers/`).
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
use super::drivers::Act;
use crate::api::{self, OpReply, OpRequest};
use crate::ops::Operation;
use crate::ops::audit::{AuditLog, Outcome, Record};
use crate::ops::tokens::{AuthError, Tokens};

/// Longest an operation may take before the console is told the outcome is unknown. The
/// sources' own timeouts are shorter; this bounds a driver that hangs regardless.
const OP_TIMEOUT: Duration = Duration::from_secs(30);

/// Tokens, stored answers and the audit log of one agent.
#[derive(Default)]
pub struct Desk {
    pub tokens: Tokens,
    pub audit: Option<AuditLog>,
    replies: crate::ops::replies::Replies<(u16, OpReply)>,
}

fn reply(outcome: &str, operation: &str, detail: impl Into<String>) -> OpReply {
    OpReply {
        outcome: outcome.into(),
        operation: operation.into(),
        by: None,
        version: None,
        detail: detail.into(),
        replayed: false,
    }
}

fn answer(code: u16, r: OpReply) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(r)).into_response()
}

impl Desk {
    fn audit(&mut self, agent: &str, req: &OpRequest, outcome: Outcome, detail: &str) {
        self.audit_timed(agent, req, outcome, detail, None);
    }

    fn audit_timed(
        &mut self,
        agent: &str,
        req: &OpRequest,
        outcome: Outcome,
        detail: &str,
        duration_s: Option<f64>,
    ) {
        let Some(log) = &mut self.audit else { return };
        let record = Record {
            at: api::unix_now(),
            by: format!("agent {agent}"),
            operation: req.operation.clone(),
            verdict: Some(req.verdict),
            acknowledged: req.acknowledged,
            plan: Vec::new(),
            outcome,
            detail: detail.to_string(),
            duration_s,
        };
        if let Err(e) = log.append(&record) {
            tracing::error!("{e}");
        }
    }

    /// Judge one request against `current` (this agent's ETag now); one that passes is
    /// handed to `carry_out`, which answers what the driver did and, when it did something,
    /// the snapshot version after it.
    pub fn handle(
        &mut self,
        agent: &str,
        current: &str,
        authorization: Option<&str>,
        if_match: Option<&str>,
        body: &[u8],
        carry_out: &mut dyn FnMut(&Operation) -> (Act, Option<String>),
    ) -> (u16, OpReply) {
        let mut req: OpRequest = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => {
                return (
                    400,
                    reply("bad_request", "", format!("operation request: {e}")),
                );
            }
        };
        let what = req.operation.describe();
        let who = match self.tokens.check_operate(authorization) {
            Ok(t) => t.who.clone(),
            Err(e) => {
                let (code, outcome) = match e {
                    AuthError::ReadOnly(_) => (403, "read_only"),
                    AuthError::Missing | AuthError::Invalid => (401, "unauthorised"),
                };
                let detail = if self.tokens.is_empty() {
                    "this agent has no token file: operations are disabled".to_string()
                } else {
                    e.to_string()
                };
                self.audit(agent, &req, Outcome::Unauthorised, &detail);
                return (code, reply(outcome, &what, detail));
            }
        };
        req.operation.operator = who.clone();
        let key = req.operation.idempotency_key.clone();
        if let Some((code, earlier)) = self.replies.get(&key) {
            let mut again = earlier.clone();
            again.replayed = true;
            return (*code, again);
        }
        let mut started = None;
        let (code, mut r) = match if_match.map(str::trim) {
            None => (
                428,
                reply(
                    "bad_request",
                    &what,
                    "If-Match with the snapshot version the plan was computed on is required",
                ),
            ),
            Some(v) if v != current => (
                412,
                reply(
                    "stale_state",
                    &what,
                    format!(
                        "the state changed since the plan was computed ({current} now, plan on {v})"
                    ),
                ),
            ),
            Some(_) => {
                // The intent is on disk before the source is touched: if the agent dies
                // while the driver acts, the log reads `unknown`, never nothing.
                self.audit(agent, &req, Outcome::Pending, "carrying out");
                started = Some(std::time::Instant::now());
                let (act, version) = carry_out(&req.operation);
                let (code, outcome, detail) = match act {
                    Act::Done(d) => (200, "done", d),
                    Act::NotApplicable(d) => (422, "not_applicable", d),
                    Act::Failed(d) => (502, "driver_failed", d),
                    Act::Unknown(d) => (504, "unknown", d),
                };
                let mut r = reply(outcome, &what, detail);
                r.version = version;
                (code, r)
            }
        };
        r.by = Some(who);
        let outcome = match code {
            200 => Outcome::Done,
            412 => Outcome::Stale,
            504 => Outcome::Unknown,
            _ => Outcome::Rejected,
        };
        let took = started.map(|t: std::time::Instant| t.elapsed().as_secs_f64());
        self.audit_timed(agent, &req, outcome, &r.detail, took);
        // Kept: answers after which a retry must not act again (done, or perhaps done),
        // and those that cannot change. A source's refusal changed nothing: a retry may
        // try again.
        if matches!(code, 200 | 422 | 504) {
            self.replies.insert(key, (code, r.clone()));
        }
        (code, r)
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
        let current = api::etag(&agent.info.id, agent.version());
        desk.handle(
            &agent.info.id,
            &current,
            authorization.as_deref(),
            if_match.as_deref(),
            &body,
            &mut |op| agent.carry_out(op),
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
    Ok(Desk {
        tokens,
        audit,
        replies: Default::default(),
    })
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Desk({} answers kept)", self.replies.len())
    }
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
