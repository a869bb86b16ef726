//! The long-running server commands, `redcon agent` and `redcon sim`: load their input,
//! bind, serve until Ctrl-C / SIGTERM / SIGHUP, and say why when they cannot. What they
//! do while serving goes to their log (`crate::logs`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr};
use redcon::agent::{self, AgentConfig, load_agent_config};
use redcon::model::{LiveState, load_live_file, load_site_file};
use redcon::sim::{self, Sim, SimHandle, load_scenario_file};

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")
}

fn report(r: Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{}", crate::report::chain(&e));
            ExitCode::FAILURE
        }
    }
}

pub fn agent(config: Option<&Path>, listen: Option<SocketAddr>) -> ExitCode {
    crate::logs::init();
    // every connection is a descriptor: start with all the system allows
    redcon::listen::raise_fd_limit();
    report((|| {
        let dirs = redcon::paths::Dirs::here();
        // --agent-config, else agent.ron in the config directory when it is there
        let found = dirs
            .config
            .as_ref()
            .map(|d| d.join(redcon::paths::AGENT_CONFIG))
            .filter(|p| p.is_file());
        let mut cfg = match config.map(Path::to_path_buf).or(found) {
            Some(p) => load_agent_config(&p)?,
            None => AgentConfig::new(
                sysinfo::System::host_name()
                    .map_or_else(|_| "agent".to_string(), |h| h.to_string()),
            ),
        };
        if let Some(l) = listen {
            cfg.listen = l;
        }
        defaults_from(&mut cfg, &dirs);
        runtime()?.block_on(async move {
            let listener = tokio::net::TcpListener::bind(cfg.listen)
                .await
                .wrap_err_with(|| format!("cannot listen on {}", cfg.listen))?;
            agent::run(cfg, listener, agent::shutdown_signal())
                .await
                .wrap_err("redcon agent")
        })
    })())
}

/// What the agent config leaves out, from the state directory: the token file when one is
/// there, and with it (operations are possible) the agent's own audit log.
fn defaults_from(cfg: &mut AgentConfig, dirs: &redcon::paths::Dirs) {
    let Some(state) = &dirs.state else { return };
    if cfg.tokens.is_none() {
        cfg.tokens = Some(state.join(redcon::paths::AGENT_TOKENS)).filter(|p| p.is_file());
    }
    if cfg.audit.is_none() && cfg.tokens.is_some() {
        cfg.audit = Some(state.join(redcon::paths::AGENT_AUDIT));
    }
}

/// `redcon exporter`: a configured site's agents, or the embedded demo served by an
/// in-process simulator, polled and served as OpenMetrics.
pub fn exporter(
    source: &redcon::status::source::Source,
    listen: SocketAddr,
    maintenance: redcon::exporter::Maintenance,
) -> ExitCode {
    use redcon::status::source::{Reader, Source, configured, configured_site};
    crate::logs::init();
    redcon::listen::raise_fd_limit();
    report((|| {
        runtime()?.block_on(async move {
            // the demo's simulator lives as long as the exporter
            let mut _sim = None;
            let (site, specs, policy) = match source {
                Source::Config { path, site } => {
                    // an exporter polling nobody would serve a site all unknown, forever
                    if let (s, Reader::Prometheus(p), _) = configured(path, site.as_deref())?
                        && p.agents.iter().all(|(_, url)| url.is_empty())
                    {
                        color_eyre::eyre::bail!(
                            "{}: site {} is read from Prometheus and lists no agent URLs: the \
                             exporter polls agents itself; list them under agents:",
                            path.display(),
                            s.name
                        );
                    }
                    configured_site(path, site.as_deref())?
                }
                Source::Demo { live: None } => {
                    let site = redcon::demo::site()?;
                    let live = redcon::demo::live(&site)?;
                    let (addr, _, task) = sim::spawn_local(site.clone(), live, None)
                        .await
                        .wrap_err("embedded demo simulator")?;
                    _sim = Some(task);
                    let policy = redcon::config::PollPolicy::default();
                    let every = std::time::Duration::from_secs(1);
                    let specs = sim::agent_urls(&site, &format!("http://{addr}"))
                        .into_iter()
                        .map(|(name, url)| redcon::poll::AgentSpec {
                            name,
                            url,
                            interval: every,
                            timeout: every,
                        })
                        .collect();
                    (site, specs, policy)
                }
                _ => color_eyre::eyre::bail!(
                    "the exporter polls agents: give it --config (or nothing, for the demo), not --site or --live"
                ),
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .wrap_err_with(|| format!("cannot listen on {listen}"))?;
            tracing::info!("redcon exporter: site {}, {} agents", site.name, specs.len());
            let served = redcon::exporter::run(
                site,
                specs,
                policy,
                maintenance,
                listener,
                agent::shutdown_signal(),
            )
            .await;
            if let Some(t) = _sim {
                t.abort();
            }
            served.map_err(color_eyre::eyre::Report::new)
        })
    })())
}

pub fn sim(
    site: &Option<PathBuf>,
    live: &Option<PathBuf>,
    scenario: Option<&Path>,
    listen: SocketAddr,
    tokens: Option<&Path>,
    audit: Option<&Path>,
) -> ExitCode {
    crate::logs::init();
    redcon::listen::raise_fd_limit();
    report((|| {
        let tokens = tokens.map(redcon::ops::tokens::Tokens::load).transpose()?;
        let audit = audit.map(redcon::ops::audit::AuditLog::open).transpose()?;
        let (site, live) = match site {
            Some(p) => {
                let site = load_site_file(p)?;
                let live = match live {
                    Some(l) => load_live_file(l, &site)?,
                    None => LiveState::default(),
                };
                (site, live)
            }
            None => {
                let site = redcon::demo::site()?;
                let live = match live {
                    Some(l) => load_live_file(l, &site)?,
                    None => redcon::demo::live(&site)?,
                };
                (site, live)
            }
        };
        let scenario = scenario.map(|p| load_scenario_file(p, &site)).transpose()?;
        runtime()?.block_on(async move {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .wrap_err_with(|| format!("cannot listen on {listen}"))?;
            let base = format!("http://{}", listener.local_addr().unwrap_or(listen));
            tracing::info!("redcon sim: site {} at {base}", site.name);
            for (name, url) in sim::agent_urls(&site, &base) {
                tracing::info!("agent {name}: {url}/v1/snapshot");
            }
            let mut sim = Sim::new(site, live, scenario)?;
            match tokens {
                Some(t) => {
                    tracing::info!("operations: POST {base}/agents/{{agent}}/v1/ops");
                    sim.set_tokens(t);
                }
                None => tracing::info!("operations: disabled (no --tokens file)"),
            }
            if let Some(log) = audit {
                sim.set_audit(log);
            }
            // printed last: tests and scripts wait for this line
            tracing::info!("faults: POST {base}/v1/sim/faults");
            let handle = SimHandle::new(sim);
            Ok(sim::run(handle, listener, agent::shutdown_signal()).await?)
        })
    })())
}
