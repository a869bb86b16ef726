//! Where a one-shot answer gets its site and live state: a site file (with an optional
//! live file), a console config whose agents are polled once (or read once from the
//! Prometheus that scrapes them), or the embedded demo site.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{Config, ConfigError, PollPolicy};
use crate::model::{LiveState, LoadError, Site, load_live_file, load_site_file};
use crate::poll::prometheus::PromSpec;
use crate::poll::{self, AgentSpec, AgentStatus};
use crate::verdict::{AgentHealth, Inputs, LiveSource};

#[derive(Debug, Clone)]
pub enum Source {
    /// A site file; the live state from a file, or none (as designed).
    File {
        site: PathBuf,
        live: Option<PathBuf>,
    },
    /// A console config: the named site (or the first), its agents polled once.
    Config { path: PathBuf, site: Option<String> },
    /// The embedded demo site; with a live file, offline from it.
    Demo { live: Option<PathBuf> },
}

/// A site and everything its verdict is made of.
pub struct Gathered {
    pub site: Site,
    pub inputs: Inputs,
}

#[derive(Debug, thiserror::Error)]
pub enum GatherError {
    #[error(transparent)]
    Site(#[from] LoadError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{file}: no site named {name:?} (configured: {known})")]
    NoSuchSite {
        file: String,
        name: String,
        known: String,
    },
    #[error("{0}")]
    Runtime(String),
    #[error(transparent)]
    Client(#[from] crate::poll::ClientError),
}

impl GatherError {
    /// One line per problem, each naming its file or source.
    pub fn lines(&self) -> Vec<String> {
        match self {
            GatherError::Site(e) => e.issues().iter().map(ToString::to_string).collect(),
            other => other.to_string().lines().map(String::from).collect(),
        }
    }
}

pub fn health(a: &AgentStatus) -> AgentHealth {
    AgentHealth {
        name: a.name.clone(),
        freshness: a.freshness,
        error: a.last_error.clone(),
        detail: a.last_error_detail.clone(),
        item_errors: a.item_errors.clone(),
    }
}

/// The verdict's inputs from the poller's agents at `now` (`now_unix` on the wall clock).
pub fn inputs_from_agents(
    site: &Site,
    agents: &[AgentStatus],
    policy: &PollPolicy,
    now: tokio::time::Instant,
    now_unix: f64,
) -> Inputs {
    inputs_from(site, agents, LiveSource::Agents, policy, now, now_unix)
}

/// The same, for agents whose answers were had through `source` (polled, or read from
/// Prometheus): one merge, so one verdict, whichever way they came.
pub fn inputs_from(
    site: &Site,
    agents: &[AgentStatus],
    source: LiveSource,
    policy: &PollPolicy,
    now: tokio::time::Instant,
    now_unix: f64,
) -> Inputs {
    let m = poll::merge(site, agents, policy, now, now_unix);
    Inputs {
        source,
        live: m.live,
        optimistic: Some(m.optimistic),
        unknown: m.unknown,
        stale: m.stale,
        agents: Some(agents.iter().map(health).collect()),
        data_problems: m.problems,
        since: m.since,
        lingering: Vec::new(),
        require_tier: None,
        now: now_unix,
        figures: poll::latest_figures(agents)
            .into_iter()
            .map(|(id, m)| {
                let f = crate::verdict::Figures {
                    load_pct: m.get("load_pct"),
                    runtime_min: m.get("runtime_min"),
                };
                (id, f)
            })
            .collect(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, GatherError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| GatherError::Runtime(format!("cannot start the async runtime: {e}")))
}

/// Poll `specs` once within `timeout` and fold the answers into a live state for `site`.
pub async fn poll_site(
    site: Site,
    specs: &[AgentSpec],
    policy: &PollPolicy,
    timeout: Duration,
) -> Result<Gathered, GatherError> {
    let client = poll::client_for(specs.iter().map(|s| s.url.as_str()))?;
    let statuses = poll::poll_once(&client, specs, policy, timeout).await;
    let inputs = inputs_from_agents(
        &site,
        &statuses,
        policy,
        tokio::time::Instant::now(),
        crate::api::unix_now(),
    );
    Ok(Gathered { site, inputs })
}

/// Read the site's agents once from the Prometheus in `spec` and fold their series into a
/// live state for `site`, as `poll_site` does with their answers.
pub async fn read_site(
    site: Site,
    spec: &PromSpec,
    policy: &PollPolicy,
) -> Result<Gathered, GatherError> {
    let client = poll::client_for([spec.url.as_str()])?;
    let statuses = poll::prometheus::poll_once(&client, spec, policy).await;
    let inputs = inputs_from(
        &site,
        &statuses,
        LiveSource::Prometheus,
        policy,
        tokio::time::Instant::now(),
        crate::api::unix_now(),
    );
    Ok(Gathered { site, inputs })
}

/// Where a configured site's live state is read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Reader {
    /// Each agent polled.
    Agents(Vec<AgentSpec>),
    /// The agents' series in a Prometheus.
    Prometheus(PromSpec),
}

/// The site a config names (or its first site), loaded, with where its live state is read
/// and how often. With `prometheus:` the agents are the site's (every agent its items
/// name) and the config's, the latter with the URLs operations go to.
pub fn configured(
    path: &std::path::Path,
    wanted: Option<&str>,
) -> Result<(Site, Reader, PollPolicy), GatherError> {
    let (site, specs, policy, prometheus) = load_entry(path, wanted)?;
    let Some(p) = prometheus else {
        return Ok((site, Reader::Agents(specs), policy));
    };
    let mut agents: Vec<(String, String)> = specs
        .iter()
        .map(|s| (s.name.clone(), s.url.clone()))
        .collect();
    for o in crate::model::owners::items(&site) {
        if let Some(a) = o.agent
            && !agents.iter().any(|(n, _)| n == a)
        {
            agents.push((a.to_string(), String::new()));
        }
    }
    agents.sort();
    let spec = PromSpec {
        url: p.url,
        job: p.job,
        interval: crate::config::secs(p.interval_s),
        timeout: crate::config::secs(p.timeout_s),
        agents,
        history: poll::prometheus::HISTORY,
    };
    Ok((site, Reader::Prometheus(spec), policy))
}

/// Start reading a configured site's live state for a long-running face: views as the
/// poller publishes them, whichever way the agents' answers are had.
pub fn start(
    reader: Reader,
    policy: &PollPolicy,
    client: reqwest::Client,
) -> (
    tokio::sync::watch::Receiver<std::sync::Arc<poll::PollView>>,
    poll::PollHandle,
) {
    match reader {
        Reader::Agents(specs) => poll::spawn(client, specs, policy.clone()),
        Reader::Prometheus(spec) => poll::prometheus::spawn(client, spec, policy.clone()),
    }
}

/// The site a config names (or its first site), loaded, with the agents to poll and how.
pub fn configured_site(
    path: &std::path::Path,
    wanted: Option<&str>,
) -> Result<(Site, Vec<AgentSpec>, PollPolicy), GatherError> {
    let (site, specs, policy, _) = load_entry(path, wanted)?;
    Ok((site, specs, policy))
}

type Entry = (
    Site,
    Vec<AgentSpec>,
    PollPolicy,
    Option<crate::config::PrometheusEntry>,
);

fn load_entry(path: &std::path::Path, wanted: Option<&str>) -> Result<Entry, GatherError> {
    let cfg = Config::load(path)?;
    let entry = match wanted {
        None => cfg.sites.first(),
        Some(n) => cfg.sites.iter().find(|s| s.name == n),
    };
    let Some(entry) = entry else {
        return Err(GatherError::NoSuchSite {
            file: path.display().to_string(),
            name: wanted.unwrap_or_default().to_string(),
            known: cfg
                .sites
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let site = load_site_file(&entry.site)?;
    let specs = entry.agents.iter().map(AgentSpec::from).collect();
    Ok((site, specs, cfg.poll, entry.prometheus.clone()))
}

pub fn gather(source: &Source, timeout: Duration) -> Result<Gathered, GatherError> {
    match source {
        Source::File { site, live } => {
            let site = load_site_file(site)?;
            let inputs = match live {
                Some(l) => Inputs::of_live(
                    LiveSource::File,
                    load_live_file(l, &site)?,
                    crate::api::unix_now(),
                ),
                None => Inputs::of_live(
                    LiveSource::DesignOnly,
                    LiveState::default(),
                    crate::api::unix_now(),
                ),
            };
            Ok(Gathered { site, inputs })
        }
        Source::Demo { live: Some(l) } => {
            let site = crate::demo::site()?;
            let live = load_live_file(l, &site)?;
            let inputs = Inputs::of_live(LiveSource::File, live, crate::api::unix_now());
            Ok(Gathered { site, inputs })
        }
        Source::Demo { live: None } => {
            let site = crate::demo::site()?;
            let live = crate::demo::live(&site)?;
            read_embedded(site, live)
        }
        Source::Config { path, site: wanted } => match configured(path, wanted.as_deref())? {
            (site, Reader::Agents(specs), policy) => {
                runtime()?.block_on(poll_site(site, &specs, &policy, timeout))
            }
            (site, Reader::Prometheus(mut spec), policy) => {
                spec.timeout = spec.timeout.min(timeout);
                runtime()?.block_on(read_site(site, &spec, &policy))
            }
        },
    }
}

/// Read the demo site's simulated agents in this process: each answer is the body the
/// simulator's server would send, decoded and folded in by the poller's own code, so the
/// verdict is the one a console polling `redcon sim` over HTTP shows. The console and the
/// operations still poll the demo over loopback HTTP; a one-shot check only reads.
fn read_embedded(site: Site, live: LiveState) -> Result<Gathered, GatherError> {
    let answers = crate::sim::answers(site.clone(), live)
        .map_err(|e| GatherError::Runtime(format!("embedded demo simulator: {e}")))?;
    let policy = crate::config::PollPolicy::default();
    let statuses: Vec<AgentStatus> = answers
        .into_iter()
        .map(|(name, body)| {
            let spec = AgentSpec {
                url: format!("sim:embedded{}", crate::sim::agent_path(&name)),
                name,
                interval: Duration::ZERO,
                timeout: Duration::ZERO,
            };
            let mut status = AgentStatus::new(&spec);
            let fetched = crate::api::decode_snapshot(&body, &spec.name)
                .map(|decoded| poll::Fetched::New {
                    decoded: Box::new(decoded),
                    etag: None,
                    bytes: body.len(),
                })
                .map_err(poll::FetchError::from);
            status.record(fetched, tokio::time::Instant::now(), &policy);
            status
        })
        .collect();
    let inputs = inputs_from_agents(
        &site,
        &statuses,
        &policy,
        tokio::time::Instant::now(),
        crate::api::unix_now(),
    );
    Ok(Gathered { site, inputs })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-shot demo reads the simulator in process; what it folds in must be what a
    /// console polling the same simulator over loopback HTTP gets.
    #[tokio::test]
    async fn the_demo_read_in_process_is_the_demo_polled_over_http() {
        let site = crate::demo::site().expect("demo site");
        let live = crate::demo::live(&site).expect("demo live");
        let here = read_embedded(site.clone(), live.clone()).expect("in process");

        let (addr, _sim, task) = crate::sim::spawn_local(site.clone(), live, None)
            .await
            .expect("simulator");
        let specs: Vec<AgentSpec> = crate::sim::agent_urls(&site, &format!("http://{addr}"))
            .into_iter()
            .map(|(name, url)| AgentSpec {
                name,
                url,
                interval: Duration::from_secs(5),
                timeout: Duration::from_secs(5),
            })
            .collect();
        let policy = PollPolicy::default();
        let polled = poll_site(site, &specs, &policy, Duration::from_secs(5))
            .await
            .expect("polled");
        task.abort();

        assert!(
            !here.inputs.live.elements.is_empty() && !here.inputs.live.members.is_empty(),
            "the demo reports units and members: {:?}",
            here.inputs.live
        );
        assert_eq!(here.inputs.live, polled.inputs.live);
        assert_eq!(here.inputs.agents, polled.inputs.agents);
        assert_eq!(here.inputs.unknown, polled.inputs.unknown);
        assert_eq!(here.inputs.data_problems, polled.inputs.data_problems);
        let agents = here.inputs.agents.as_deref().unwrap_or_default();
        assert_eq!(agents.len(), specs.len(), "every simulated agent answered");
    }
}
