//! What the console knows about the site at one moment: the verdict (with the
//! classification it rests on) and how fresh the data behind it is. Built outside `update` (classifying is work, not
//! state handling) and handed to it whole in `Action::PollUpdate`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::api::Metrics;
use crate::config::PollPolicy;
use crate::model::{Id, LiveState, Site};
use crate::poll::{Freshness, PollView};
use crate::status::source::inputs_from;
use crate::tui::metrics::{Sparks, gather};
use crate::verdict::{Inputs, Verdict, build, build_with};

/// Agents by freshness, for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgentCounts {
    pub fresh: usize,
    /// Of the fresh: those whose last poll failed. Their data is still in use until it is
    /// stale, but the operator should not learn of the outage only then.
    pub not_answering: usize,
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
    /// Everything the faces show about the site's state, computed once.
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
    /// The live state the verdict was made from, unknown items `unknown` (element and
    /// member states, rebuilds, battery runtimes); their last known states are in
    /// `verdict.unknown`.
    pub live: LiveState,
    /// For each element, the loads that can draw on it (`dependents`), walked
    /// here once rather than on every frame of the detail pane.
    pub dependents: Arc<BTreeMap<Id, Vec<Id>>>,
    /// Each element's latest metrics from fresh or stale agents; empty offline.
    pub metrics: BTreeMap<Id, Metrics>,
    /// Recent samples of those metrics, copied out of the poller's history so a draw never
    /// waits on its lock.
    pub sparks: Sparks,
    /// Which site switch this was polled under (`Effect::SwitchSite`); 0 until the first.
    pub generation: u64,
    /// The polled agents; empty offline.
    pub endpoints: Vec<Endpoint>,
    /// Members' role words (`MASTER`, `active`, ...): which member carries a group's work.
    pub roles: BTreeMap<Id, Vec<String>>,
    /// Each agent's last good answer, as a wall-clock time.
    pub answered: BTreeMap<String, SystemTime>,
    /// Each element's parts its agent reports (a PDU's outlets, a CDU's pumps); empty
    /// offline.
    pub parts: BTreeMap<Id, Vec<crate::poll::Part>>,
}

impl Observation {
    /// From a live overlay file's state, at `at`.
    pub fn of_file(site: &Site, live: &LiveState, at: SystemTime) -> Observation {
        let inputs = Inputs::of_live(crate::verdict::LiveSource::File, live.clone(), unix(at));
        Observation::offline(site, inputs, at)
    }

    /// From a live state that did not come from agents (a file, or the design alone).
    pub fn offline(site: &Site, inputs: Inputs, at: SystemTime) -> Observation {
        let live = inputs.live.clone();
        let verdict = build(site, inputs);
        Observation {
            verdict,
            agents: None,
            agent_freshness: Vec::new(),
            newest: Some(at),
            site: Arc::new(site.clone()),
            live,
            dependents: Arc::new(dependents(site)),
            metrics: BTreeMap::new(),
            sparks: Sparks::new(),
            generation: 0,
            endpoints: Vec::new(),
            roles: BTreeMap::new(),
            answered: BTreeMap::new(),
            parts: BTreeMap::new(),
        }
    }

    /// From the poller's view. `now` and `wall` are the same moment on the poller's clock
    /// and on the wall clock: the poller keeps monotonic instants, the header shows wall time.
    pub fn from_poll(
        site: &Site,
        view: &PollView,
        policy: &PollPolicy,
        now: tokio::time::Instant,
        wall: SystemTime,
    ) -> Observation {
        Carry::new(site.clone()).observe(view, policy, now, wall)
    }
}

/// What the console's observer keeps from one poll view to the next: the site and what
/// follows from it alone (shared by every observation, not rebuilt per poll), and the
/// verdict's memo, so that a poll changing a few items re-classifies only what they reach.
#[derive(Debug)]
pub struct Carry {
    site: Arc<Site>,
    dependents: Arc<BTreeMap<Id, Vec<Id>>>,
    memo: crate::verdict::Memo,
}

impl Carry {
    pub fn new(site: Site) -> Carry {
        Carry {
            dependents: Arc::new(dependents(&site)),
            site: Arc::new(site),
            memo: crate::verdict::Memo::default(),
        }
    }

    /// As [`Observation::from_poll`], from what earlier views left.
    pub fn observe(
        &mut self,
        view: &PollView,
        policy: &PollPolicy,
        now: tokio::time::Instant,
        wall: SystemTime,
    ) -> Observation {
        let site = &*self.site;
        let inputs = inputs_from(site, &view.agents, view.source, policy, now, unix(wall));
        let live = inputs.live.clone();
        let verdict = build_with(&self.site, inputs, &mut self.memo);
        let (metrics, sparks) = gather(view);
        let roles = crate::poll::latest_roles(&view.agents);
        let parts = crate::poll::latest_parts(site, &view.agents);
        let answered = view
            .agents
            .iter()
            .filter_map(|a| {
                let age = now.saturating_duration_since(a.last_ok?);
                Some((a.name.clone(), wall.checked_sub(age)?))
            })
            .collect();
        let mut counts = AgentCounts::default();
        for a in &view.agents {
            match a.freshness {
                Freshness::Fresh => {
                    counts.fresh += 1;
                    counts.not_answering += usize::from(a.failures > 0);
                }
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
            verdict,
            agents: Some(counts),
            agent_freshness: view
                .agents
                .iter()
                .map(|a| (a.name.clone(), a.freshness))
                .collect(),
            newest: newest_age.and_then(|age| wall.checked_sub(age)),
            site: Arc::clone(&self.site),
            dependents: Arc::clone(&self.dependents),
            live,
            metrics,
            sparks,
            roles,
            answered,
            parts,
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

fn unix(t: SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Observation {
    /// Whether `id` names something with a detail pane: an element, an IT group or one of
    /// its members, a cluster's resource, a compartment (`zone:NAME`) with something in it, a critical load, a
    /// fuel or makeup-water tank. The panes' own test keeps this and what they draw in step.
    pub fn has_pane(&self, id: &str) -> bool {
        let site = &self.site;
        if let Some(zone) = id.strip_prefix("zone:") {
            let here = |z: &Option<String>| z.as_deref() == Some(zone);
            return site.elements.iter().any(|e| here(&e.zone))
                || site.loads.iter().any(|l| here(&l.zone));
        }
        site.element(id).is_some()
            || self.verdict.classification.group(id).is_some()
            || self
                .verdict
                .groups
                .iter()
                .any(|g| crate::verdict::member_ids(site, &g.id, g.kind).contains(&id))
            || site.loads.iter().any(|l| l.id == id)
            || site
                .clusters
                .iter()
                .any(|c| c.resources.iter().any(|r| r.id == id))
            || site.fuel_tanks.iter().any(|t| t.id == id)
            || site.makeup_water.iter().any(|t| t.id == id)
    }

    /// The health of an IT group in the verdict; unknown when the verdict does not know it.
    pub fn group_health(&self, id: &str) -> crate::verdict::Health {
        self.verdict
            .group(id)
            .map_or(crate::verdict::Health::Unknown, |g| g.health)
    }
}

/// For every element, the loads that can draw on it: the load's inputs and, through them,
/// everything upstream. Walked once per observation, not per frame: it only changes with
/// the site. Ids are numbered once, so each load's walk costs only what it reaches (a
/// lookup by id inside the walk made this quadratic in the site's size).
pub fn dependents(site: &Site) -> BTreeMap<Id, Vec<Id>> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(site.elements.len());
    let mut names: Vec<&Id> = Vec::with_capacity(site.elements.len());
    dependents_of(site, &mut index, &mut names)
}

fn number<'a>(id: &'a Id, index: &mut HashMap<&'a str, usize>, names: &mut Vec<&'a Id>) -> usize {
    *index.entry(id.as_str()).or_insert_with(|| {
        names.push(id);
        names.len() - 1
    })
}

fn dependents_of<'a>(
    site: &'a Site,
    index: &mut HashMap<&'a str, usize>,
    names: &mut Vec<&'a Id>,
) -> BTreeMap<Id, Vec<Id>> {
    // elements first, so node i < owners.len() is the element `site.element` would find
    let mut owners = Vec::new();
    for e in &site.elements {
        let before = names.len();
        if number(&e.id, index, names) == before {
            owners.push(e);
        }
    }
    // ids no element has (a dangling input) are nodes with nothing upstream
    let upstream: Vec<Vec<usize>> = owners
        .iter()
        .map(|e| site.inputs_of(e).map(|i| number(i, index, names)).collect())
        .collect();
    let starts: Vec<Vec<usize>> = site
        .loads
        .iter()
        .map(|l| l.inputs.iter().map(|i| number(i, index, names)).collect())
        .collect();
    let mut seen = vec![usize::MAX; names.len()];
    let mut drawn: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    let mut stack = Vec::new();
    for (load, start) in starts.iter().enumerate() {
        stack.extend(start.iter().copied());
        while let Some(node) = stack.pop() {
            // a manual tie makes the feed graph cyclic; `seen` (stamped per load) ends it
            let Some(mark) = seen.get_mut(node) else {
                continue;
            };
            if *mark == load {
                continue;
            }
            *mark = load;
            if let Some(d) = drawn.get_mut(node) {
                d.push(load);
            }
            if let Some(up) = upstream.get(node) {
                stack.extend(up.iter().copied());
            }
        }
    }
    names
        .iter()
        .zip(drawn)
        .filter(|(_, loads)| !loads.is_empty())
        .map(|(id, loads)| {
            let ids = loads
                .iter()
                .filter_map(|l| site.loads.get(*l))
                .map(|l| l.id.clone())
                .collect();
            ((*id).clone(), ids)
        })
        .collect()
}

#[cfg(test)]
mod tests;
