//! `redcon sim`: a simulated site behind the agent API v1, with fault injection and a
//! scenario timeline. One listener serves every agent the site file names, each under
//! `/agents/{agent}/v1/`; whatever the site assigns to no agent is served by the agent
//! `sim`. The console polls it over real HTTP exactly as it polls real agents, which is
//! how the embedded demo runs (see [`spawn_local`]). The fault API and the scenario format
//! are described in `docs/sim.md`.

mod body;
mod catalog;
mod faults;
mod http;
mod ops;
mod report;
mod roles;
mod scenario;
mod state;

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::model::{LiveState, Site};

pub use catalog::DEFAULT_AGENT;
pub use faults::{Action, AgentFault, FaultError, FaultRequestError};
pub use http::{agent_path, router};
pub use scenario::{Event, Scenario, load_scenario_file, parse_scenario};
pub use state::{Sim, SimHandle};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("sim: cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("sim: server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// Scenario events that do not fit the site, all of them.
    #[error("sim: scenario does not fit the site: {}", .0.join("; "))]
    Scenario(Vec<String>),
}

/// Serve `sim` on `listener` until `shutdown` completes; requests in flight finish first.
pub async fn run(
    sim: SimHandle,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SimError> {
    let limits = crate::listen::Limits::new(crate::listen::DEFAULT_MAX_CONNECTIONS);
    crate::listen::serve(listener, None, router(sim), limits, reserved, shutdown).await;
    Ok(())
}

/// What the simulator answers on its reserve connections: every agent's health and
/// operations, and its own fault controls.
fn reserved(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    let agent = path
        .strip_prefix("/agents/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, tail)| tail);
    matches!(
        (method, agent),
        (&Method::GET, Some("v1/health")) | (&Method::POST, Some("v1/ops"))
    ) || path.starts_with("/v1/sim/")
}

/// Start a simulation in this process on an ephemeral loopback port, for the embedded
/// demo and for tests. Returns the bound address, the handle (to inject faults directly)
/// and the server task, which runs until aborted or until the runtime ends.
pub async fn spawn_local(
    site: Site,
    live: LiveState,
    scenario: Option<Scenario>,
) -> Result<(SocketAddr, SimHandle, JoinHandle<Result<(), SimError>>), SimError> {
    let sim = SimHandle::new(Sim::new(site, live, scenario)?);
    let bind_error = |source| SimError::Bind {
        addr: "127.0.0.1:0".into(),
        source,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let limits = crate::listen::Limits::in_process();
    let serving = crate::listen::serve(
        listener,
        None,
        router(sim.clone()),
        limits,
        reserved,
        std::future::pending(),
    );
    let task = tokio::spawn(async move {
        serving.await;
        Ok(())
    });
    Ok((addr, sim, task))
}

/// Every agent's snapshot as `spawn_local`'s server would put it on the wire, without
/// the server: (agent name, JSON body), sorted by name. A one-shot check of the embedded
/// demo decodes these with the poller's own decoder; starting a runtime, a listener and
/// ten loopback connections to read the same bytes was two thirds of its time.
pub fn answers(site: Site, live: LiveState) -> Result<Vec<(String, Vec<u8>)>, SimError> {
    let mut sim = Sim::new(site, live, None)?;
    let now = tokio::time::Instant::now();
    let names: Vec<String> = sim.agent_names().map(String::from).collect();
    let unix_now = crate::api::unix_now();
    Ok(names
        .into_iter()
        .filter_map(|agent| {
            let (_, content) = sim.content(&agent, now)?;
            // Serializing plain data cannot fail (non-finite floats become null), and an
            // empty body is reported by the decoder as not JSON, naming the agent.
            let body = serde_json::to_vec(&report::snapshot(&agent, content, unix_now))
                .unwrap_or_default();
            Some((agent, body))
        })
        .collect())
}

/// The agents a console should poll for `site` when it is simulated at `base` (e.g.
/// `http://127.0.0.1:4711`): (agent name, agent base URL), sorted by name. The agent's
/// snapshot is at `{agent base URL}/v1/snapshot`.
pub fn agent_urls(site: &Site, base: &str) -> Vec<(String, String)> {
    let base = base.trim_end_matches('/');
    catalog::Catalog::new(site)
        .agents
        .keys()
        .map(|agent| (agent.clone(), format!("{base}{}", agent_path(agent))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_urls_cover_every_agent_once() {
        let site = crate::demo::site().unwrap_or_else(|e| panic!("{e}"));
        let urls = agent_urls(&site, "http://127.0.0.1:9/");
        assert_eq!(urls.len(), 10);
        assert!(urls.contains(&(
            "ups-gw-a".to_string(),
            "http://127.0.0.1:9/agents/ups-gw-a".to_string()
        )));
    }

    #[test]
    fn the_reserve_takes_health_operations_and_controls() {
        use axum::http::Method;
        assert!(reserved(&Method::GET, "/agents/ups-gw-a/v1/health"));
        assert!(reserved(&Method::POST, "/agents/a%20b/v1/ops"));
        assert!(reserved(&Method::POST, "/v1/sim/faults"));
        assert!(!reserved(&Method::GET, "/agents/ups-gw-a/v1/snapshot"));
        assert!(!reserved(&Method::GET, "/agents/v1/health"));
    }

    #[test]
    fn odd_agent_names_are_encoded() {
        assert_eq!(agent_path("a b/c"), "/agents/a%20b%2Fc");
        assert_eq!(agent_path("gw_1.x~"), "/agents/gw_1.x~");
    }
}
