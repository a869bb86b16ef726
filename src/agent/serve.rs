//! The agent's HTTP face: the v1 API's routes, the wait of a snapshot request, and the
//! serving loop with its clean stop. Requests only read what `Agent` last published.

use std::future::Future;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;

use super::{Agent, AgentConfig, AgentError, collect, config, http, ops, tls};
use crate::api;

impl Agent {
    /// `GET /v1/snapshot`, `GET /v1/health`, `GET /v1/schema`, `GET /metrics`; anything
    /// else is 404.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/v1/snapshot", get(get_snapshot))
            .route("/metrics", get(get_metrics))
            .route("/v1/health", get(get_health))
            .route("/v1/schema", get(|| async { http::schema_response() }))
            .route("/v1/ops", post(ops::post_ops))
            .fallback(not_found)
            .with_state(Arc::clone(self))
    }
}

async fn get_snapshot(
    State(agent): State<Arc<Agent>>,
    RawQuery(query): RawQuery,
    stopping: Option<Extension<crate::listen::Stopping>>,
    headers: HeaderMap,
) -> Response {
    let version = agent.read().version;
    if let Some(wait) = http::hold_for(&agent.info.id, version, &headers, query.as_deref()) {
        let mut changes = agent.changes.subscribe();
        // a change published since the read above is already here, and ends the wait
        if *changes.borrow_and_update() == version {
            let mut stopping = stopping.map(|Extension(s)| s);
            let stopped = async {
                match &mut stopping {
                    Some(s) => s.stopped().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = changes.changed() => {}
                () = tokio::time::sleep(wait) => {}
                () = stopped => {}
            }
        }
    }
    let (version, body) = {
        let p = agent.read();
        (p.version, Arc::clone(&p.body))
    };
    http::snapshot_response(&agent.info.id, version, &headers, move || body.to_vec())
}

async fn get_health(State(agent): State<Arc<Agent>>) -> Response {
    http::health_response(&agent.health())
}

async fn get_metrics(State(agent): State<Arc<Agent>>) -> Response {
    crate::openmetrics::response(agent.metrics_text(api::unix_now()))
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "not found: this agent serves /v1/snapshot, /v1/health, /v1/schema and /metrics\n",
    )
        .into_response()
}

/// Serve the agent on `listener` until `shutdown` resolves, then finish the requests in
/// flight and return. The first collection round runs before the first answer, so no
/// client ever sees an empty snapshot; a collector that cannot start fails `run`.
pub async fn run(
    config: AgentConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), AgentError> {
    let agent = Arc::new(Agent::new(&config));
    *agent.desk.lock().unwrap_or_else(PoisonError::into_inner) =
        ops::desk(config.tokens.as_deref(), config.audit.as_deref())?;
    let tls = config
        .tls
        .as_ref()
        .map(|t| tls::acceptor(&t.cert, &t.key))
        .transpose()?;
    let (collectors, collected, errors) = collect::round(None, &config.collectors).await?;
    let logged: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for e in &logged {
        tracing::warn!("{e}");
    }
    agent.publish(collected, &errors);
    let (refresh, asked) = tokio::sync::mpsc::channel(4);
    *agent.refresh.lock().unwrap_or_else(PoisonError::into_inner) = Some(refresh);
    // The config loader checks the range; a config built in code might not have.
    let every = Duration::try_from_secs_f64(config.collect_every_s)
        .unwrap_or(Duration::from_secs_f64(config::DEFAULT_COLLECT_EVERY_S))
        .clamp(Duration::from_millis(500), Duration::from_secs(86_400));
    let _collecting = collect::AbortOnDrop(tokio::spawn(collect::collect_forever(
        Arc::clone(&agent),
        Some(collectors),
        config.collectors.clone(),
        every,
        logged,
        asked,
    )));
    // said once everything that can refuse to start has not
    if let Ok(at) = listener.local_addr() {
        let scheme = if tls.is_some() { "https" } else { "http" };
        tracing::info!(
            "redcon agent {} serving {scheme}://{at}/v1/snapshot",
            config.id
        );
    }
    let limits = crate::listen::Limits::new(config.max_connections);
    let reserved = crate::listen::agent_reserved;
    crate::listen::serve(listener, tls, agent.router(), limits, reserved, shutdown).await;
    Ok(())
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP: the agent has no configuration to reload, and
/// a closed terminal or a service manager stopping it both mean "stop cleanly".
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        async fn on(kind: SignalKind) {
            match signal(kind) {
                Ok(mut s) => {
                    s.recv().await;
                }
                // Not being able to listen for a signal must not read as having got it.
                Err(_) => std::future::pending().await,
            }
        }
        tokio::select! {
            () = ctrl_c() => {}
            () = on(SignalKind::terminate()) => {}
            () = on(SignalKind::hangup()) => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c().await;
}

async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
