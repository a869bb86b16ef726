//! `POST /v1/ops` on a real agent: the second choke point. Authentication (bearer tokens,
//! `read` refused), the state version the plan was computed on, one answer per idempotency
//! key, and an audit line for every request, whatever its outcome. The drivers that carry
//! operations out on real sources (Pacemaker, keepalived, NUT, bonding) arrive with their
//! collectors; until one is configured for a target, the answer says so.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, IF_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Agent;
use crate::api::{self, OpReply, OpRequest};
use crate::ops::audit::{AuditLog, Outcome, Record};
use crate::ops::tokens::{AuthError, Tokens};

/// Tokens, stored answers and the audit log of one agent.
#[derive(Default)]
pub struct Desk {
    pub tokens: Tokens,
    pub audit: Option<AuditLog>,
    replies: BTreeMap<String, (u16, OpReply)>,
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
            duration_s: None,
        };
        if let Err(e) = log.append(&record) {
            eprintln!("redcon agent: {e}");
        }
    }

    /// Judge one request against `current` (this agent's ETag now).
    pub fn handle(
        &mut self,
        agent: &str,
        current: &str,
        authorization: Option<&str>,
        if_match: Option<&str>,
        body: &[u8],
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
            Some(_) => (
                422,
                reply(
                    "not_applicable",
                    &what,
                    format!(
                        "{}: this agent has no driver that can {} it yet",
                        req.operation.target,
                        req.operation.kind.verb()
                    ),
                ),
            ),
        };
        r.by = Some(who);
        let outcome = match code {
            412 => Outcome::Stale,
            _ => Outcome::Rejected,
        };
        self.audit(agent, &req, outcome, &r.detail);
        if code == 422 {
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
    };
    let current = api::etag(&agent.info.id, agent.version());
    let (code, r) = agent
        .desk
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .handle(
            &agent.info.id,
            &current,
            header(AUTHORIZATION),
            header(IF_MATCH),
            &body,
        );
    answer(code, r)
}

/// Set up a desk from the agent's configuration (token file, audit log).
pub fn desk(
    tokens: Option<&std::path::Path>,
    audit: Option<&std::path::Path>,
) -> Result<Desk, String> {
    let tokens = match tokens {
        Some(p) => Tokens::load(p).map_err(|e| e.to_string())?,
        None => Tokens::default(),
    };
    let audit = audit
        .map(AuditLog::open)
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(Desk {
        tokens,
        audit,
        replies: BTreeMap::new(),
    })
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Desk({} answers kept)", self.replies.len())
    }
}
