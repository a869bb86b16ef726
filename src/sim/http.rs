//! The simulator's HTTP face: every agent of the site under `/agents/{agent}/v1/...`,
//! answering exactly as `redcon agent` does (shared `agent::http` helpers) unless a fault
//! says otherwise, plus the control endpoints under `/v1/sim/`.

use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tokio::time::Instant;

use crate::agent::http::{health_response, hold_for, schema_response, snapshot_response};
use crate::api;

use super::body::{DownBody, HugeBody};
use super::faults::{Action, AgentFault, FaultError};
use super::report::snapshot;
use super::state::SimHandle;

/// What a misbehaving agent puts on the wire instead of JSON: an error page from a proxy
/// in front of it, with a stray binary tail, as real broken gateways send.
const GARBAGE: &[u8] = b"<html><body><h1>502 Bad Gateway</h1></body></html>\n\x00\xff\xfe";

/// The schema version a `wrong_schema` agent claims: one no console will ever read.
const WRONG_SCHEMA: u32 = 99;

pub fn router(sim: SimHandle) -> Router {
    Router::new()
        .route("/agents/{agent}/v1/snapshot", get(snapshot_handler))
        .route("/agents/{agent}/v1/health", get(health_handler))
        .route("/agents/{agent}/v1/schema", get(schema_handler))
        .route("/agents/{agent}/metrics", get(metrics_handler))
        .route("/agents/{agent}/v1/ops", post(ops_handler))
        .route("/v1/sim/agents", get(agents_handler))
        .route("/v1/sim/faults", post(faults_handler))
        .fallback(not_found)
        .with_state(sim)
}

/// The path under which `agent` is served, with the name percent-encoded so any agent
/// name from a site file makes a valid URL.
pub fn agent_path(agent: &str) -> String {
    let mut out = String::from("/agents/");
    for b in agent.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

fn error(status: StatusCode, message: String) -> Response {
    json_response(status, json!({ "error": message }))
}

fn raw_json(body: Body) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The faults that spoil only the body of an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BodyFault {
    None,
    Garbage,
    Truncated,
    WrongSchema,
    Huge(u64),
}

/// The faults every endpoint of an agent suffers (it is slow, down or failing as a whole).
/// Returns the fault still to apply to the body, or the finished answer.
async fn preamble(sim: &SimHandle, agent: &str) -> Result<BodyFault, Response> {
    let fault = {
        let sim = sim.lock();
        if !sim.has_agent(agent) {
            let site = &sim.site().name;
            return Err(error(
                StatusCode::NOT_FOUND,
                format!("agent {agent:?} is not in site {site}"),
            ));
        }
        sim.fault(agent)
    };
    match fault {
        None => Ok(BodyFault::None),
        Some(AgentFault::Slow { delay_ms }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            Ok(BodyFault::None)
        }
        Some(AgentFault::Down) => Err(Response::new(Body::new(DownBody))),
        Some(AgentFault::Error) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("agent {agent}: simulated internal error"),
        )),
        Some(AgentFault::Garbage) => Ok(BodyFault::Garbage),
        Some(AgentFault::Truncated) => Ok(BodyFault::Truncated),
        Some(AgentFault::WrongSchema) => Ok(BodyFault::WrongSchema),
        Some(AgentFault::Huge { bytes }) => Ok(BodyFault::Huge(bytes)),
    }
}

async fn snapshot_handler(
    State(sim): State<SimHandle>,
    Path(agent): Path<String>,
    RawQuery(query): RawQuery,
    stopping: Option<Extension<crate::listen::Stopping>>,
    headers: HeaderMap,
) -> Response {
    let fault = match preamble(&sim, &agent).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    if fault == BodyFault::None {
        hold(
            &sim,
            &agent,
            query.as_deref(),
            stopping.map(|Extension(s)| s),
            &headers,
        )
        .await;
    }
    // Taken after a `slow` delay, so a late answer carries the state as of its sending.
    let now = Instant::now();
    let Some((version, content)) = sim.lock_at(now).content(&agent, now) else {
        return error(StatusCode::NOT_FOUND, format!("agent {agent:?} is gone"));
    };
    // Serializing plain data cannot fail (non-finite floats become null); an empty body
    // would still be reported by the client as not JSON, naming this agent.
    let encode = |s: &api::Snapshot| serde_json::to_vec(s).unwrap_or_default();
    // Stamped only when a body is sent: the 304 path stays cheap.
    let stamp = |content| snapshot(&agent, content, api::unix_now());
    // Spoiled bodies carry no ETag: a client must never be told "unchanged" about them.
    match fault {
        BodyFault::None => snapshot_response(&agent, version, &headers, || encode(&stamp(content))),
        BodyFault::Garbage => raw_json(Body::from(GARBAGE)),
        BodyFault::Truncated => {
            let mut body = encode(&stamp(content));
            body.truncate(body.len() / 2);
            raw_json(Body::from(body))
        }
        BodyFault::WrongSchema => {
            let mut snap = stamp(content);
            snap.schema_version = WRONG_SCHEMA;
            raw_json(Body::from(encode(&snap)))
        }
        BodyFault::Huge(bytes) => {
            raw_json(Body::new(HugeBody::new(encode(&stamp(content)), bytes)))
        }
    }
}

/// How often a waiting request looks again for drift no outside change announces (a
/// battery running down, a scenario's next event).
const RECHECK: Duration = Duration::from_secs(1);

/// Hold a snapshot request that asked to wait (`?wait=`) and already has the current
/// version, until the content changes, the wait ends or the server stops.
async fn hold(
    sim: &SimHandle,
    agent: &str,
    query: Option<&str>,
    mut stopping: Option<crate::listen::Stopping>,
    headers: &HeaderMap,
) {
    let mut changes = sim.changes();
    // what this agent answers with: its content version, and how it misbehaves
    let answer = |at| {
        let mut sim = sim.lock_at(at);
        let version = sim.content(agent, at).map(|(v, _)| v)?;
        Some((version, sim.fault(agent)))
    };
    let Some(held) = answer(Instant::now()) else {
        return;
    };
    let Some(wait) = hold_for(agent, held.0, headers, query) else {
        return;
    };
    let deadline = Instant::now() + wait;
    let stopped = async {
        match &mut stopping {
            Some(s) => s.stopped().await,
            None => std::future::pending().await,
        }
    };
    let mut stopped = std::pin::pin!(stopped);
    loop {
        let next = (Instant::now() + RECHECK).min(deadline);
        tokio::select! {
            // a fault or an operation somewhere: looked at below. Only a change to this
            // agent's answer ends the wait, as on a real agent: a 304 to every waiting
            // request on every change elsewhere read to the poller as a server that does
            // not hold, and that agent was next asked an interval later, so a second fault
            // injected just after a first took seconds to show
            changed = changes.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(next) => {}
            () = &mut stopped => return,
        }
        let now = Instant::now();
        // a fault that takes this agent down (or clears) must reach the next request, not
        // wait out this one
        if answer(now) != Some(held) || now >= deadline {
            return;
        }
    }
}

async fn health_handler(State(sim): State<SimHandle>, Path(agent): Path<String>) -> Response {
    let fault = match preamble(&sim, &agent).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let mut health = sim.lock().health(&agent, Instant::now());
    if fault == BodyFault::WrongSchema {
        health.schema_version = WRONG_SCHEMA;
    }
    health_response(&health)
}

/// The agent's `/metrics`, as `redcon agent` serves it (a simulated agent has no
/// collectors). A spoiled body is the same garbage a snapshot would get.
async fn metrics_handler(State(sim): State<SimHandle>, Path(agent): Path<String>) -> Response {
    match preamble(&sim, &agent).await {
        Ok(BodyFault::None) => {}
        Ok(_) => return raw_json(Body::from(GARBAGE)),
        Err(response) => return response,
    }
    let now = Instant::now();
    let Some((_, content)) = sim.lock_at(now).content(&agent, now) else {
        return error(StatusCode::NOT_FOUND, format!("agent {agent:?} is gone"));
    };
    let unix = api::unix_now();
    let text = crate::agent::openmetrics::render(&snapshot(&agent, content, unix), &[], unix);
    crate::openmetrics::response(text)
}

async fn schema_handler(State(sim): State<SimHandle>, Path(agent): Path<String>) -> Response {
    match preamble(&sim, &agent).await {
        Ok(_) => schema_response(),
        Err(response) => response,
    }
}

async fn ops_handler(
    State(sim): State<SimHandle>,
    Path(agent): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // a slow or dead agent is slow or dead for operations too: that is how a test makes an
    // operation whose outcome the console cannot know
    if let Err(response) = preamble(&sim, &agent).await {
        return response;
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let now = Instant::now();
    let (code, reply) =
        sim.lock_at(now)
            .operate(&agent, header(AUTHORIZATION), header(IF_MATCH), &body, now);
    sim.changed();
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(reply)).into_response()
}

async fn agents_handler(State(sim): State<SimHandle>) -> Response {
    let sim = sim.lock();
    let agents: Vec<serde_json::Value> = sim
        .agent_names()
        .map(|name| {
            json!({
                "name": name,
                "base_path": agent_path(name),
                "version": sim.version(name),
                "fault": sim.fault(name),
            })
        })
        .collect();
    let pending: Vec<serde_json::Value> = sim
        .pending_events()
        .map(|e| json!({ "at_s": e.at_s, "action": e.action.to_json() }))
        .collect();
    json_response(
        StatusCode::OK,
        json!({ "site": sim.site().name, "agents": agents, "pending_events": pending }),
    )
}

async fn faults_handler(State(sim): State<SimHandle>, body: Bytes) -> Response {
    let action = match Action::from_json(&body) {
        Ok(action) => action,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("fault request: {e}")),
    };
    let now = Instant::now();
    let handle = sim.clone();
    let mut sim = sim.lock_at(now);
    let applied = sim.apply(&action, now);
    handle.changed();
    match applied {
        Ok(agents) => {
            let agents: Vec<serde_json::Value> = agents
                .iter()
                .map(|a| json!({ "name": a, "version": sim.version(a) }))
                .collect();
            json_response(
                StatusCode::OK,
                json!({ "applied": action.to_json(), "agents": agents }),
            )
        }
        Err(e @ FaultError::UnknownTarget { .. }) => json_response(
            StatusCode::NOT_FOUND,
            json!({ "error": format!("{}: {e}", action.name()), "target": e.target() }),
        ),
        Err(e @ FaultError::Invalid(_)) => error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn not_found(uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!(
            "no such path {uri}: agents are under /agents/{{agent}}/v1/, see GET /v1/sim/agents"
        ),
    )
}
