//! Operations on the simulated site (`POST /agents/{agent}/v1/ops`): the agent-side choke
//! point. Every request is authenticated, checked against the state version its plan was
//! computed on, judged again by the same preflight the console ran, carried out on the
//! simulated state, answered once per idempotency key, and audited whatever happens.

use std::collections::BTreeSet;

use tokio::time::Instant;

use crate::api::{self, OpReply, OpRequest};
use crate::model::MemberState;
use crate::ops::audit::{AuditLog, Outcome, Record};
use crate::ops::tokens::{AuthError, Tokens};
use crate::ops::{OpKind, Operation, Target, Verdict, preflight, resolve};

use super::catalog::DEFAULT_AGENT;
use super::faults::Action;
use super::state::Sim;

/// What the simulator keeps for operations. No tokens: every operation is refused.
#[derive(Debug, Default)]
pub struct Desk {
    tokens: Tokens,
    replies: crate::ops::replies::Replies<(u16, OpReply)>,
    audit: Option<AuditLogSlot>,
}

struct AuditLogSlot(AuditLog);

impl std::fmt::Debug for AuditLogSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditLog({})", self.0.path().display())
    }
}

/// The answer and its HTTP status.
pub type Answer = (u16, OpReply);

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

fn allowed(verdict: Verdict, req: &OpRequest) -> bool {
    match verdict {
        Verdict::Safe => true,
        Verdict::Degrades => req.acknowledged.degrade || req.acknowledged.force,
        Verdict::Uncertain | Verdict::Refused => req.acknowledged.force,
    }
}

impl Sim {
    pub fn set_tokens(&mut self, tokens: Tokens) {
        self.desk.tokens = tokens;
    }

    pub fn set_audit(&mut self, log: AuditLog) {
        self.desk.audit = Some(AuditLogSlot(log));
    }

    /// The agents that report `id`, or own the group or resource it names.
    fn owners(&self, id: &str) -> BTreeSet<String> {
        if let Some(t) = self.catalog.targets.get(id) {
            return t.agents.clone();
        }
        let site = &self.site;
        let agent = site
            .bonds
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.agent.clone())
            .or_else(|| {
                site.gateways
                    .iter()
                    .find(|g| g.id == id)
                    .map(|g| g.agent.clone())
            })
            .or_else(|| {
                site.clusters
                    .iter()
                    .find(|c| c.resources.iter().any(|r| r.id == id))
                    .map(|c| c.agent.clone())
            });
        agent
            .map(|a| a.unwrap_or_else(|| DEFAULT_AGENT.to_string()))
            .into_iter()
            .collect()
    }

    fn audit(
        &mut self,
        agent: &str,
        op: &Operation,
        verdict: Option<Verdict>,
        outcome: Outcome,
        detail: &str,
    ) {
        let Some(AuditLogSlot(log)) = &mut self.desk.audit else {
            return;
        };
        let record = Record {
            at: api::unix_now(),
            by: format!("sim agent {agent}"),
            operation: op.clone(),
            verdict,
            acknowledged: Default::default(),
            plan: Vec::new(),
            outcome,
            detail: detail.to_string(),
            duration_s: None,
        };
        // the answer still goes out; the failure to audit goes to the log
        if let Err(e) = log.append(&record) {
            tracing::error!("{e}");
        }
    }

    /// Handle one operation request for `agent`.
    pub fn operate(
        &mut self,
        agent: &str,
        authorization: Option<&str>,
        if_match: Option<&str>,
        body: &[u8],
        now: Instant,
    ) -> Answer {
        let req: OpRequest = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => {
                return (
                    400,
                    reply("bad_request", "", format!("operation request: {e}")),
                );
            }
        };
        let mut op = req.operation.clone();
        let what = op.describe();
        let token = match self.desk.tokens.check_operate(authorization) {
            Ok(t) => t.clone(),
            Err(e) => {
                let (code, outcome) = match e {
                    AuthError::ReadOnly(_) => (403, "read_only"),
                    AuthError::Missing | AuthError::Invalid => (401, "unauthorised"),
                };
                let detail = if self.desk.tokens.is_empty() {
                    "this simulator has no token file: operations are disabled".to_string()
                } else {
                    e.to_string()
                };
                self.audit(agent, &op, None, Outcome::Unauthorised, &detail);
                return (code, reply(outcome, &what, detail));
            }
        };
        // the token, not the request, says who acted
        op.operator = token.who.clone();
        if let Some((code, earlier)) = self.desk.replies.get(&op.idempotency_key) {
            let mut again = earlier.clone();
            again.replayed = true;
            return (*code, again);
        }
        let answer = self.carry_out(agent, if_match, &req, &op, now);
        let mut answer = answer;
        answer.1.by = Some(token.who.clone());
        // only answers that changed or judged the site are kept for replay: a stale or
        // malformed request may be retried with the same key once corrected
        if matches!(answer.0, 200 | 409 | 422) {
            self.desk
                .replies
                .insert(op.idempotency_key.clone(), answer.clone());
        }
        answer
    }

    fn carry_out(
        &mut self,
        agent: &str,
        if_match: Option<&str>,
        req: &OpRequest,
        op: &Operation,
        now: Instant,
    ) -> Answer {
        let what = op.describe();
        let owners = self.owners(&op.target);
        if !owners.contains(agent) {
            let detail = if owners.is_empty() {
                format!("{} is not in site {}", op.target, self.site.name)
            } else {
                let list: Vec<&str> = owners.iter().map(String::as_str).collect();
                format!(
                    "{} is owned by agent {}, not {agent}",
                    op.target,
                    list.join(", ")
                )
            };
            self.audit(agent, op, None, Outcome::Rejected, &detail);
            return (409, reply("not_owned", &what, detail));
        }
        let Some((version, _)) = self.content(agent, now) else {
            return (
                404,
                reply("not_owned", &what, format!("agent {agent:?} is gone")),
            );
        };
        let current = api::etag(agent, version);
        match if_match {
            None => {
                let detail =
                    "If-Match with the snapshot version the plan was computed on is required";
                self.audit(agent, op, None, Outcome::Rejected, detail);
                return (428, reply("bad_request", &what, detail));
            }
            Some(v) if v.trim() != current => {
                let detail = format!(
                    "the state changed since the plan was computed ({} now, plan on {})",
                    current,
                    v.trim()
                );
                self.audit(agent, op, None, Outcome::Stale, &detail);
                return (412, reply("stale_state", &what, detail));
            }
            Some(_) => {}
        }
        let plan = match preflight(&self.site, &self.live, op, None, 0.0) {
            Ok(p) => p,
            Err(e) => {
                self.audit(agent, op, None, Outcome::Rejected, &e.to_string());
                return (422, reply("not_applicable", &what, e.to_string()));
            }
        };
        if !allowed(plan.verdict, req) {
            let why = plan
                .refusals
                .iter()
                .chain(&plan.degradations)
                .cloned()
                .collect::<Vec<_>>();
            let detail = format!("judged {} here: {}", plan.verdict.word(), why.join("; "));
            self.audit(agent, op, Some(plan.verdict), Outcome::Rejected, &detail);
            return (409, reply("refused", &what, detail));
        }
        if let Err(e) = self.enact(agent, op, now) {
            let detail = e.to_string();
            self.audit(agent, op, Some(plan.verdict), Outcome::Rejected, &detail);
            return (422, reply("not_applicable", &what, detail));
        }
        let version = self.version(agent).map(|v| api::etag(agent, v));
        self.audit(agent, op, Some(plan.verdict), Outcome::Done, "");
        let mut done = reply("done", &what, "");
        done.version = version;
        (200, done)
    }

    /// Change the simulated state as the real driver would.
    fn enact(&mut self, agent: &str, op: &Operation, now: Instant) -> Result<(), EnactError> {
        let target = resolve(&self.site, &op.target)?;
        let t = op.target.clone();
        let action = match (&op.kind, &target) {
            (OpKind::Drain, Target::Element { .. }) => Some(Action::Maintenance { target: t }),
            (OpKind::Undrain, Target::Element { .. }) => Some(Action::Repair { target: t }),
            (OpKind::Failover { .. }, Target::Element { .. }) => Some(Action::Bypass { target: t }),
            (OpKind::Drain, _) => Some(Action::Member {
                target: t,
                state: MemberState::Maintenance,
            }),
            (OpKind::Standby, _) => Some(Action::Member {
                target: t,
                state: MemberState::Standby,
            }),
            (OpKind::Undrain, _) => Some(Action::Member {
                target: t,
                state: MemberState::Ok,
            }),
            // the new master or active slave, reported as the real source would
            (OpKind::Failover { to: Some(to) }, Target::Gateway { .. } | Target::Bond { .. }) => {
                self.active.insert(op.target.clone(), to.clone());
                None
            }
            // where a cluster resource runs is not in the snapshot: only the version moves
            (OpKind::Failover { .. } | OpKind::Move { .. }, _) => None,
        };
        match action {
            Some(a) => self.apply(&a, now).map(|_| ())?,
            None => self.touch(agent),
        }
        Ok(())
    }
}

/// Why the simulated site cannot do what an operation asks.
#[derive(Debug, thiserror::Error)]
enum EnactError {
    #[error(transparent)]
    Target(#[from] crate::ops::TargetError),
    #[error(transparent)]
    Fault(#[from] super::faults::FaultError),
}
