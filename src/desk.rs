//! The operations desk: what every `POST /v1/ops` goes through, on a real agent and on the
//! simulator alike. In order: the bearer token (an unauthenticated request is answered 401
//! and leaves at most a short, rate-limited line in the audit, never its body); the body;
//! the idempotency key, bound to a digest of the operation (a retry gets the first answer,
//! audited as a replay; another operation under a used key is refused); `If-Match` against
//! the state version now; the side's own judgement of what it can see; then the intent
//! (`pending`) on disk, the act, and its outcome on disk, with the operator's real
//! acknowledgements. The side behind the desk — the agent's drivers, the simulator's state —
//! is a [`Counter`].

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::api::{self, OpReply, OpRequest};
use crate::ops::audit::{AuditLog, Outcome, Record};
use crate::ops::replies::Replies;
use crate::ops::tokens::{AuthError, Tokens};
use crate::ops::{OpKind, Operation, Verdict};

/// The answer and its HTTP status.
pub type Answer = (u16, OpReply);

/// What the side behind the desk did with an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// The source accepted it.
    Done(String),
    /// This source cannot do that to this target (nothing was changed).
    NotApplicable(String),
    /// The source refused or could not be reached: nothing was changed.
    Failed(String),
    /// Sent, but no answer came: it may have been carried out.
    Unknown(String),
}

/// What the side behind the desk found when it judged an operation on what it sees.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judged {
    /// Its own verdict, where it computes one (the simulator sees the whole site).
    pub verdict: Option<Verdict>,
    /// Why it will not carry this out with the acknowledgements given, if it will not.
    pub refused: Option<String>,
    /// What it checked, for the audit record.
    pub notes: Vec<String>,
}

/// The side an operation is carried out on.
pub trait Counter {
    /// The state version (ETag) now, or the answer when there is none.
    fn version(&mut self) -> Result<String, Box<Answer>>;
    /// Judge `req` (its operator already the token's) against what this side sees now; an
    /// `Err` is a final answer (not this side's target, not applicable).
    fn judge(&mut self, req: &OpRequest) -> Result<Judged, Box<Answer>>;
    /// Carry it out; with the state version after it, when something changed.
    fn carry_out(&mut self, op: &Operation) -> (Act, Option<String>);
}

/// Records of refused unauthenticated (or read-only) requests written at most per window.
const QUIET_RECORDS: u32 = 10;
const QUIET_WINDOW: Duration = Duration::from_secs(60);
/// Longest text of a request that reaches an audit record, in characters.
const TEXT_CUT: usize = 200;
/// The operator recorded for a request without a valid token: whatever it claimed is not
/// a name anyone vouched for.
pub const UNAUTHENTICATED: &str = "unauthenticated";

/// The answer kept for a key, with the digest of the operation it answered.
#[derive(Debug, Clone)]
struct Kept {
    digest: [u8; 32],
    code: u16,
    reply: OpReply,
}

/// Tokens, kept answers and the audit log of one agent (or of the simulator).
#[derive(Default)]
pub struct Desk {
    pub tokens: Tokens,
    pub audit: Option<AuditLog>,
    replies: Replies<Kept>,
    quiet: Quiet,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Desk({} answers kept)", self.replies.len())
    }
}

/// Rate limit on the records of refused requests from nobody the desk knows.
#[derive(Debug, Default)]
struct Quiet {
    window: Option<Instant>,
    written: u32,
    /// Refused and not recorded since the last record.
    unrecorded: u64,
}

impl Quiet {
    /// Whether one more record may be written now.
    fn admit(&mut self, now: Instant) -> bool {
        match self.window {
            Some(start) if now.duration_since(start) < QUIET_WINDOW => {}
            _ => {
                self.window = Some(now);
                self.written = 0;
            }
        }
        if self.written < QUIET_RECORDS {
            self.written += 1;
            true
        } else {
            self.unrecorded += 1;
            false
        }
    }
}

pub fn reply(outcome: &str, operation: &str, detail: impl Into<String>) -> OpReply {
    OpReply {
        outcome: outcome.into(),
        operation: operation.into(),
        by: None,
        version: None,
        detail: detail.into(),
        replayed: false,
    }
}

/// `text` cut to `TEXT_CUT` characters, saying so.
fn cut(text: &str) -> String {
    match text.char_indices().nth(TEXT_CUT) {
        Some((at, _)) => format!("{}… ({} bytes)", text.get(..at).unwrap_or(""), text.len()),
        None => text.to_string(),
    }
}

/// The operation as an audit record may hold it: every text bounded.
fn bounded(op: &Operation) -> Operation {
    let kind = match &op.kind {
        OpKind::Failover { to: Some(to) } => OpKind::Failover { to: Some(cut(to)) },
        OpKind::Move { to } => OpKind::Move { to: cut(to) },
        k => k.clone(),
    };
    Operation {
        kind,
        target: cut(&op.target),
        reason: cut(&op.reason),
        operator: cut(&op.operator),
        idempotency_key: cut(&op.idempotency_key),
    }
}

/// What a key is bound to: the operation (with the operator its token names), the verdict
/// it was cleared on and the acknowledgements. A retry sends the same; anything else under
/// the key is another request.
fn digest(req: &OpRequest) -> [u8; 32] {
    // plain data always serialises; an empty encoding would only make every key unique
    let bytes = serde_json::to_vec(req).unwrap_or_default();
    Sha256::digest(&bytes).into()
}

fn outcome_of(code: u16) -> Outcome {
    match code {
        200 => Outcome::Done,
        401 | 403 => Outcome::Unauthorised,
        412 => Outcome::Stale,
        500..=599 if code != 502 => Outcome::Unknown,
        _ => Outcome::Rejected,
    }
}

impl Desk {
    pub fn new(tokens: Tokens, audit: Option<AuditLog>) -> Desk {
        Desk {
            tokens,
            audit,
            ..Desk::default()
        }
    }

    fn write(&mut self, record: Record) {
        let Some(log) = &mut self.audit else { return };
        // the answer still goes out; the failure to audit goes to the log
        if let Err(e) = log.append(&record) {
            tracing::error!("{e}");
        }
    }

    #[allow(clippy::too_many_arguments, reason = "one audit record's fields")]
    fn audit(
        &mut self,
        by: &str,
        req: &OpRequest,
        verdict: Option<Verdict>,
        plan: Vec<String>,
        outcome: Outcome,
        detail: &str,
        duration_s: Option<f64>,
        replayed: bool,
    ) {
        self.write(Record {
            at: api::unix_now(),
            by: by.to_string(),
            operation: bounded(&req.operation),
            verdict: verdict.or(Some(req.verdict)),
            acknowledged: req.acknowledged,
            plan,
            outcome,
            detail: cut(detail),
            duration_s,
            replayed,
        });
    }

    /// A request without a valid operate token: one short line at most, rate-limited,
    /// with the operator it was refused as, never the body.
    fn refused_quietly(&mut self, by: &str, operator: &str, body: &[u8], why: &str) {
        if self.audit.is_none() {
            return;
        }
        let Ok(mut req) = serde_json::from_slice::<OpRequest>(body) else {
            // nothing readable to name: counted into the next record
            self.quiet.unrecorded += 1;
            return;
        };
        if !self.quiet.admit(Instant::now()) {
            return;
        }
        req.operation.operator = operator.to_string();
        req.operation.reason = String::new();
        let detail = match std::mem::take(&mut self.quiet.unrecorded) {
            0 => why.to_string(),
            n => format!("{why} (and {n} more refused requests not recorded)"),
        };
        // nothing it claimed, its verdict included, is vouched for
        self.write(Record {
            at: api::unix_now(),
            by: by.to_string(),
            operation: bounded(&req.operation),
            verdict: None,
            acknowledged: req.acknowledged,
            plan: Vec::new(),
            outcome: Outcome::Unauthorised,
            detail: cut(&detail),
            duration_s: None,
            replayed: false,
        });
    }

    /// Handle one request on behalf of `by` (`agent gw-1`, `sim agent ups-gw-a`).
    pub fn handle(
        &mut self,
        by: &str,
        authorization: Option<&str>,
        if_match: Option<&str>,
        body: &[u8],
        counter: &mut dyn Counter,
    ) -> Answer {
        let who = match self.tokens.check_operate(authorization) {
            Ok(t) => t.who.clone(),
            Err(e) => {
                let (code, outcome, operator) = match &e {
                    AuthError::ReadOnly(who) => (403, "read_only", who.clone()),
                    AuthError::Missing | AuthError::Invalid => {
                        (401, "unauthorised", UNAUTHENTICATED.to_string())
                    }
                };
                let detail = if self.tokens.is_empty() {
                    "operations are disabled: no token file".to_string()
                } else {
                    e.to_string()
                };
                self.refused_quietly(by, &operator, body, &detail);
                return (code, reply(outcome, "", detail));
            }
        };
        let mut req: OpRequest = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => {
                return (
                    400,
                    reply("bad_request", "", format!("operation request: {e}")),
                );
            }
        };
        // the token, not the request, says who acts
        req.operation.operator.clone_from(&who);
        let (code, mut r) = self.judge_and_act(by, &req, if_match, counter);
        r.by = Some(who);
        (code, r)
    }

    fn judge_and_act(
        &mut self,
        by: &str,
        req: &OpRequest,
        if_match: Option<&str>,
        counter: &mut dyn Counter,
    ) -> Answer {
        let what = req.operation.describe();
        let key = req.operation.idempotency_key.clone();
        let digest = digest(req);
        let claimed = vec![format!("client's verdict: {}", req.verdict.word())];
        if let Some(kept) = self.replies.get(&key).cloned() {
            if kept.digest != digest {
                let detail = format!(
                    "idempotency key {} was used for another operation; a new operation needs a new key",
                    cut(&key)
                );
                self.audit(
                    by,
                    req,
                    None,
                    claimed,
                    Outcome::Rejected,
                    &detail,
                    None,
                    false,
                );
                return (409, reply("refused", &what, detail));
            }
            let mut again = kept.reply;
            again.replayed = true;
            let detail = format!(
                "replayed the answer to an earlier request: {}",
                again.detail
            );
            let outcome = outcome_of(kept.code);
            self.audit(by, req, None, claimed, outcome, &detail, None, true);
            return (kept.code, again);
        }
        let answer = self.checked(by, req, if_match, counter, claimed);
        // Kept: answers after which a retry must not act again (done, or perhaps done),
        // and those that cannot change. A refusal changed nothing: a retry may try again.
        if matches!(answer.0, 200 | 422 | 504) {
            self.replies.insert(
                key,
                Kept {
                    digest,
                    code: answer.0,
                    reply: answer.1.clone(),
                },
            );
        }
        answer
    }

    fn checked(
        &mut self,
        by: &str,
        req: &OpRequest,
        if_match: Option<&str>,
        counter: &mut dyn Counter,
        mut plan: Vec<String>,
    ) -> Answer {
        let what = req.operation.describe();
        let refuse = |desk: &mut Desk, plan: Vec<String>, verdict, (code, r): Answer| {
            desk.audit(
                by,
                req,
                verdict,
                plan,
                outcome_of(code),
                &r.detail,
                None,
                false,
            );
            (code, r)
        };
        let Some(plan_on) = if_match.map(str::trim) else {
            let detail = "If-Match with the snapshot version the plan was computed on is required";
            return refuse(self, plan, None, (428, reply("bad_request", &what, detail)));
        };
        let current = match counter.version() {
            Ok(v) => v,
            Err(answer) => return refuse(self, plan, None, *answer),
        };
        if plan_on != current {
            let detail = format!(
                "the state changed since the plan was computed ({current} now, plan on {plan_on})"
            );
            return refuse(self, plan, None, (412, reply("stale_state", &what, detail)));
        }
        let judged = match counter.judge(req) {
            Ok(j) => j,
            Err(answer) => return refuse(self, plan, None, *answer),
        };
        plan.extend(judged.notes.iter().cloned());
        if let Some(why) = judged.refused {
            let answer = (409, reply("refused", &what, why));
            return refuse(self, plan, judged.verdict, answer);
        }
        // The intent is on disk before the source is touched: if the agent dies while it
        // acts, the log reads `unknown`, never nothing.
        let v = judged.verdict;
        self.audit(
            by,
            req,
            v,
            plan.clone(),
            Outcome::Pending,
            "carrying out",
            None,
            false,
        );
        let started = Instant::now();
        let (act, version) = counter.carry_out(&req.operation);
        let (code, outcome, detail) = match act {
            Act::Done(d) => (200, "done", d),
            Act::NotApplicable(d) => (422, "not_applicable", d),
            Act::Failed(d) => (502, "driver_failed", d),
            Act::Unknown(d) => (504, "unknown", d),
        };
        let took = Some(started.elapsed().as_secs_f64());
        self.audit(by, req, v, plan, outcome_of(code), &detail, took, false);
        let mut r = reply(outcome, &what, detail);
        r.version = version.filter(|_| code == 200);
        (code, r)
    }
}

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;
