//! Sending a cleared operation to the agent that owns its target, with the audit record
//! written (and fsync'd) before it leaves and again with what came back.

use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, IF_MATCH};

use crate::api::{self, OpReply, OpRequest};
use crate::ops::audit::{AuditError, AuditLog, Outcome, Record};
use crate::ops::{Acknowledged, Mutation, Operation, Plan, Verdict};

/// What the agent said, as the console understands it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub outcome: Outcome,
    pub detail: String,
    pub reply: Option<OpReply>,
}

/// The plan in a few lines, for the audit record.
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut lines = vec![format!(
        "{}: live {} -> {} (design {})",
        plan.verdict.word(),
        plan.live_tier_before,
        plan.live_tier_after,
        plan.design_tier
    )];
    lines.extend(plan.refusals.iter().map(|r| format!("refused: {r}")));
    lines.extend(plan.degradations.iter().map(|d| format!("degrades: {d}")));
    lines
}

/// An audit record of `mutation`; `plan` is `plan_lines` of the plan it was cleared on.
pub fn record(mutation: &Mutation, plan: &[String], outcome: Outcome, detail: &str) -> Record {
    record_of(
        mutation.operation(),
        Some(mutation.verdict()),
        mutation.acknowledged(),
        plan,
        outcome,
        detail,
    )
}

/// An audit record of an operation, cleared or not (one refused before sending is
/// audited as `not_cleared` with the verdict that stopped it).
pub fn record_of(
    operation: &Operation,
    verdict: Option<Verdict>,
    acknowledged: Acknowledged,
    plan: &[String],
    outcome: Outcome,
    detail: &str,
) -> Record {
    Record {
        at: api::unix_now(),
        by: "console".into(),
        operation: operation.clone(),
        verdict,
        acknowledged,
        plan: plan.to_vec(),
        outcome,
        detail: detail.to_string(),
        duration_s: None,
        replayed: false,
    }
}

/// POST the mutation to `{agent_url}/v1/ops`. Never fails: every way it can go wrong is an
/// outcome, and a request that may have arrived is `unknown`, never `done`.
pub async fn send(
    client: &reqwest::Client,
    agent_url: &str,
    token: Option<&str>,
    mutation: &Mutation,
    timeout: Duration,
) -> Sent {
    let body = OpRequest {
        operation: mutation.operation().clone(),
        verdict: mutation.verdict(),
        acknowledged: mutation.acknowledged(),
    };
    send_request(
        client,
        agent_url,
        token,
        &body,
        mutation.state_version(),
        timeout,
    )
    .await
}

/// POST any request body to `{agent_url}/v1/ops` with `If-Match: state_version`: the wire
/// as any client can speak it. The console sends only cleared mutations (`send`); the
/// agent trusts neither (it judges again), which is what tests of forged requests use this
/// for.
pub async fn send_request(
    client: &reqwest::Client,
    agent_url: &str,
    token: Option<&str>,
    body: &OpRequest,
    state_version: &str,
    timeout: Duration,
) -> Sent {
    let url = format!("{}/v1/ops", agent_url.trim_end_matches('/'));
    // plain data always serialises; an empty body would be refused by the agent, by name
    let body = serde_json::to_vec(body).unwrap_or_default();
    let mut req = client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .header(IF_MATCH, state_version)
        .timeout(timeout);
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = match req.send().await {
        Ok(r) => r,
        // refused before anything was sent: nothing can have happened
        Err(e) if e.is_connect() => {
            return Sent {
                outcome: Outcome::Rejected,
                detail: format!("{url}: cannot connect, not sent: {e}"),
                reply: None,
            };
        }
        Err(e) => {
            return Sent {
                outcome: Outcome::Unknown,
                detail: format!("{url}: sent, no answer: {e}"),
                reply: None,
            };
        }
    };
    let code = resp.status().as_u16();
    if resp.status().is_redirection() {
        let to = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "nowhere".to_string(), |l| format!("{l:?}"));
        // A redcon agent never redirects: what answers so is not the agent, and following
        // it would hand the token and the operation to whoever it names.
        return Sent {
            outcome: Outcome::Rejected,
            detail: format!(
                "{url}: answered HTTP {code}, a redirect to {to}; an agent never redirects, so it was not followed and nothing says the operation was carried out"
            ),
            reply: None,
        };
    }
    let reply = match resp.bytes().await {
        Ok(b) => serde_json::from_slice::<OpReply>(b.as_ref()).ok(),
        Err(_) => None,
    };
    let outcome = match code {
        // only the agent's own word `done` is done: a 200 with another outcome is not
        200 if reply.as_ref().is_some_and(|r| r.outcome == "done") => Outcome::Done,
        200 => Outcome::Unknown,
        // the agent says its source refused: nothing was changed
        502 if reply.as_ref().is_some_and(|r| r.outcome == "driver_failed") => Outcome::Rejected,
        401 | 403 => Outcome::Unauthorised,
        412 => Outcome::Stale,
        400..=499 => Outcome::Rejected,
        // a server error may have come after the change was made
        _ => Outcome::Unknown,
    };
    let detail = match &reply {
        Some(r) if !r.detail.is_empty() => format!("HTTP {code}: {}", r.detail),
        Some(r) => format!("HTTP {code}: {}", r.outcome),
        None => format!("HTTP {code} with no readable answer"),
    };
    Sent {
        outcome: if outcome == Outcome::Done && reply.is_none() {
            Outcome::Unknown
        } else {
            outcome
        },
        detail,
        reply,
    }
}

/// Audit, send, audit: the intent is on disk before the request leaves.
pub async fn send_audited(
    log: &mut AuditLog,
    client: &reqwest::Client,
    agent_url: &str,
    token: Option<&str>,
    mutation: &Mutation,
    plan: &[String],
    timeout: Duration,
) -> Result<Sent, AuditError> {
    log.append(&record(mutation, plan, Outcome::Pending, "sending"))?;
    let started = Instant::now();
    let sent = send(client, agent_url, token, mutation, timeout).await;
    let mut done = record(mutation, plan, sent.outcome, &sent.detail);
    done.duration_s = Some(started.elapsed().as_secs_f64());
    log.append(&done)?;
    Ok(sent)
}
