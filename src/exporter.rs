//! `redcon exporter`: polls one site's agents like one console, builds the verdict on
//! every change (and every few seconds, so ages move), and serves it at `/metrics`
//! (docs/prometheus.md). Prometheus then scrapes one process per site, however many
//! dashboards and alert rules read it.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use crate::config::PollPolicy;
use crate::model::Site;
use crate::openmetrics::site::{AgentSeen, InPlace};
use crate::ops::audit;
use crate::poll::{self, AgentSpec, AgentStatus};

/// Ages and freshness move even when no agent's answer changes: rebuild at least this often.
const REBUILD_EVERY: Duration = Duration::from_secs(5);

/// Where maintenance left in place is read from, and after how long it is a warning.
#[derive(Debug, Clone)]
pub struct Maintenance {
    pub audit: Option<PathBuf>,
    pub max_age_s: f64,
}

/// The text served now; empty until the first verdict.
#[derive(Default)]
struct Served(RwLock<String>);

/// The agents' state as the text needs it.
pub fn seen(agents: &[AgentStatus], now: tokio::time::Instant) -> Vec<AgentSeen> {
    agents
        .iter()
        .map(|a| AgentSeen {
            name: a.name.clone(),
            up: a.polls > 0 && a.failures == 0 && a.snapshot.is_some(),
            age_s: a
                .last_ok
                .map(|t| now.saturating_duration_since(t).as_secs_f64()),
        })
        .collect()
}

/// One verdict on `site` from the poller's `agents`, rendered. `memo` carries what the
/// verdict before classified: a rebuild that only moves ages (every `REBUILD_EVERY`) or one
/// agent's answer classifies only what that changes, as the console does.
pub fn text(
    site: &Arc<Site>,
    agents: &[AgentStatus],
    policy: &PollPolicy,
    maintenance: &Maintenance,
    memo: &mut crate::verdict::Memo,
) -> String {
    let now = tokio::time::Instant::now();
    let unix = crate::api::unix_now();
    let mut inputs = crate::status::source::inputs_from_agents(site, agents, policy, now, unix);
    let open = match maintenance.audit.clone().or_else(audit::default_path) {
        Some(path) if path.exists() => match audit::read(&path) {
            Ok((records, _)) => audit::open_maintenance(&audit::settle(&records)),
            Err(e) => {
                inputs.data_problems.push(e.to_string());
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    inputs.lingering = audit::lingering(&open, site, &inputs.live, unix, maintenance.max_age_s);
    // every open maintenance the live state still shows, whatever its age: alert rules
    // choose their own limit
    let in_place: Vec<InPlace> = audit::lingering_targets(&open, site, &inputs.live, unix, 0.0)
        .into_iter()
        .filter_map(|(target, _)| {
            let since = open.iter().find(|m| m.target == target)?.since;
            Some(InPlace {
                target,
                age_s: unix - since,
            })
        })
        .collect();
    let v = crate::verdict::build_with(site, inputs, memo);
    crate::openmetrics::site::render(&v, &seen(agents, now), &in_place)
}

/// Poll `specs` for `site` and serve the verdict on `listener` until `shutdown`.
pub async fn run(
    site: Site,
    specs: Vec<AgentSpec>,
    policy: PollPolicy,
    maintenance: Maintenance,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), poll::ClientError> {
    let served = Arc::new(Served::default());
    let site = Arc::new(site);
    let (mut views, _poller) = poll::spawn(poll::client()?, specs, policy.clone());
    let classify = {
        let served = Arc::clone(&served);
        async move {
            let mut memo = crate::verdict::Memo::default();
            loop {
                let view = views.borrow_and_update().clone();
                // before any agent was asked every one would read as dead
                if view.agents.is_empty() || view.agents.iter().any(|a| a.polls > 0) {
                    let t = text(&site, &view.agents, &policy, &maintenance, &mut memo);
                    *served.0.write().unwrap_or_else(PoisonError::into_inner) = t;
                }
                tokio::select! {
                    changed = views.changed() => if changed.is_err() { return },
                    () = tokio::time::sleep(REBUILD_EVERY) => {}
                }
            }
        }
    };
    let _classifying = AbortOnDrop(tokio::spawn(classify));
    if let Ok(at) = listener.local_addr() {
        tracing::info!("redcon exporter serving http://{at}/metrics");
    }
    let router = Router::new()
        .route("/metrics", get(metrics))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: the exporter serves /metrics\n",
            )
                .into_response()
        })
        .with_state(served);
    let limits = crate::listen::Limits::new(crate::listen::DEFAULT_MAX_CONNECTIONS);
    crate::listen::serve(listener, None, router, limits, |_, _| false, shutdown).await;
    Ok(())
}

async fn metrics(State(served): State<Arc<Served>>) -> Response {
    let text = served
        .0
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if text.is_empty() {
        // no verdict yet: say so rather than serve an exposition that claims nothing
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "no verdict yet: the first poll of the agents is under way\n",
        )
            .into_response();
    }
    crate::openmetrics::response(text)
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
