//! What the console knows about the site at one moment: the classification, the verdict and
//! how fresh the data behind them is. Built outside `update` (classifying is work, not
//! state handling) and handed to it whole in `Action::PollUpdate`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::api::Metrics;
use crate::classify::{Classification, classify};
use crate::model::{Id, LiveState, Site};
use crate::poll::{Freshness, PollView, live_state};
use crate::status::source::health;
use crate::status::{Options, Verdict, evaluate};
use crate::tui::components::dependents;
use crate::tui::metrics::{Sparks, gather};

/// Agents by freshness, for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgentCounts {
    pub fresh: usize,
    pub stale: usize,
    /// Dead or never answered: either way the console has nothing usable from them.
    pub dead: usize,
}

/// Where an agent answers and the version of what it last said: an operation goes to the
/// owning agent's URL, guarded by that version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    pub url: String,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub classification: Classification,
    pub verdict: Verdict,
    /// None when the live state came from a file (no agents to count).
    pub agents: Option<AgentCounts>,
    /// Each agent's freshness, so the event log can name the one that changed.
    pub agent_freshness: Vec<(String, Freshness)>,
    /// Wall-clock time of the newest good answer; None when nothing answered yet.
    pub newest: Option<SystemTime>,
    /// The design the classification was made against: the Components view and the detail
    /// pane show its facts. Shared, since it does not change between polls.
    pub site: Arc<Site>,
    /// The live state the classification was made from (element and member states,
    /// rebuilds, battery runtimes).
    pub live: LiveState,
    /// For each element, the loads that can draw on it (`components::dependents`), walked
    /// here once rather than on every frame of the detail pane.
    pub dependents: BTreeMap<Id, Vec<Id>>,
    /// Each element's latest metrics from fresh or stale agents; empty offline.
    pub metrics: BTreeMap<Id, Metrics>,
    /// Recent samples of those metrics, copied out of the poller's history so a draw never
    /// waits on its lock.
    pub sparks: Sparks,
    /// Which site switch this was polled under (`Effect::SwitchSite`); 0 until the first.
    pub generation: u64,
    /// The polled agents; empty offline.
    pub endpoints: Vec<Endpoint>,
}

impl Observation {
    /// From a live state that did not come from agents (a file or the embedded demo offline).
    pub fn offline(site: &Site, live: &LiveState, at: SystemTime) -> Observation {
        let classification = classify(site, live);
        let verdict = evaluate(&classification, &Options::default());
        Observation {
            classification,
            verdict,
            agents: None,
            agent_freshness: Vec::new(),
            newest: Some(at),
            site: Arc::new(site.clone()),
            live: live.clone(),
            dependents: dependents(site),
            metrics: BTreeMap::new(),
            sparks: Sparks::new(),
            generation: 0,
            endpoints: Vec::new(),
        }
    }

    /// From the poller's view. `now` and `wall` are the same moment on the poller's clock
    /// and on the wall clock: the poller keeps monotonic instants, the header shows wall time.
    pub fn from_poll(
        site: &Site,
        view: &PollView,
        now: tokio::time::Instant,
        wall: SystemTime,
    ) -> Observation {
        let (live, problems) = live_state(site, &view.agents);
        let classification = classify(site, &live);
        let opts = Options {
            require_tier: None,
            agents: Some(view.agents.iter().map(health).collect()),
            data_problems: problems,
            ..Options::default()
        };
        let verdict = evaluate(&classification, &opts);
        let (metrics, sparks) = gather(view);
        let mut counts = AgentCounts::default();
        for a in &view.agents {
            match a.freshness {
                Freshness::Fresh => counts.fresh += 1,
                Freshness::Stale => counts.stale += 1,
                Freshness::Dead | Freshness::Never => counts.dead += 1,
            }
        }
        let newest_age: Option<Duration> = view
            .agents
            .iter()
            .filter_map(|a| a.last_ok)
            .map(|t| now.saturating_duration_since(t))
            .min();
        Observation {
            classification,
            verdict,
            agents: Some(counts),
            agent_freshness: view
                .agents
                .iter()
                .map(|a| (a.name.clone(), a.freshness))
                .collect(),
            newest: newest_age.and_then(|age| wall.checked_sub(age)),
            site: Arc::new(site.clone()),
            dependents: dependents(site),
            live,
            metrics,
            sparks,
            generation: 0,
            endpoints: view
                .agents
                .iter()
                .map(|a| Endpoint {
                    name: a.name.clone(),
                    url: a.url.clone(),
                    etag: a.etag.clone(),
                })
                .collect(),
        }
    }
}
