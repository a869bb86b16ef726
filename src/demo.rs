//! The embedded demo site: what `redcon` shows with no configuration at all.

use crate::model::{LiveState, LoadError, Site, parse_live, parse_site};

pub const SITE_NAME: &str = "assets/demo/site.ron (embedded)";
pub const LIVE_NAME: &str = "assets/demo/live.ron (embedded)";
const SITE: &str = include_str!("../assets/demo/site.ron");
const LIVE: &str = include_str!("../assets/demo/live.ron");

pub fn site() -> Result<Site, LoadError> {
    parse_site(SITE, SITE_NAME)
}

pub fn live(site: &Site) -> Result<LiveState, LoadError> {
    parse_live(LIVE, LIVE_NAME, site)
}

/// Serve the demo site from an in-process simulator on an ephemeral loopback port and poll
/// it over real HTTP, the same path a production site takes.
pub async fn poll_embedded(
    site: Site,
    live: LiveState,
    timeout: std::time::Duration,
) -> Result<crate::status::source::Gathered, crate::status::source::GatherError> {
    use crate::status::source::GatherError;
    let (addr, _sim, task) = crate::sim::spawn_local(site.clone(), live, None)
        .await
        .map_err(|e| GatherError::Runtime(format!("embedded demo simulator: {e}")))?;
    let specs: Vec<crate::poll::AgentSpec> =
        crate::sim::agent_urls(&site, &format!("http://{addr}"))
            .into_iter()
            .map(|(name, url)| crate::poll::AgentSpec {
                name,
                url,
                interval: timeout,
                timeout,
            })
            .collect();
    let policy = crate::config::PollPolicy::default();
    let gathered = crate::status::source::poll_site(site, &specs, &policy, timeout).await;
    task.abort();
    gathered
}
