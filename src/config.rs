//! The console's configuration (RON): which sites, their site files, which agents to poll
//! and how. Found at `--config FILE`, else `$XDG_CONFIG_HOME/redcon/config.ron` (or
//! `~/.config/redcon/config.ron`); with neither, redcon runs the embedded demo site.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ron::extensions::Extensions;
use serde::Deserialize;

use crate::model::SiteIssue;

fn default_interval() -> f64 {
    5.0
}
fn default_timeout() -> f64 {
    2.0
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentEntry {
    /// The name site files use in `agent:`.
    pub name: String,
    /// Base URL; the poller appends `/v1/snapshot`.
    pub url: String,
    #[serde(default = "default_interval")]
    pub interval_s: f64,
    #[serde(default = "default_timeout")]
    pub timeout_s: f64,
}

fn default_job() -> String {
    "redcon-agents".into()
}

/// A server with the Prometheus HTTP query API that scrapes the site's agents: the live
/// state is read from it instead of polling each agent (docs/config.md).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusEntry {
    /// Base URL; queries go to `/api/v1/query` and `/api/v1/query_range` under it.
    pub url: String,
    /// The scrape job the agents are in.
    #[serde(default = "default_job")]
    pub job: String,
    #[serde(default = "default_interval")]
    pub interval_s: f64,
    #[serde(default = "default_timeout")]
    pub timeout_s: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    pub name: String,
    /// Site file, relative to the config file.
    pub site: PathBuf,
    /// With a Prometheus the agents are where operations go; their state is read from it.
    #[serde(default)]
    pub agents: Vec<AgentEntry>,
    #[serde(default)]
    pub prometheus: Option<PrometheusEntry>,
}

fn default_concurrency() -> usize {
    64
}
fn default_stale() -> f64 {
    15.0
}
fn default_dead() -> f64 {
    60.0
}
fn default_max_body() -> usize {
    16 * 1024 * 1024
}
fn default_history() -> usize {
    120
}
fn default_history_series() -> usize {
    50_000
}
fn default_backoff_max() -> f64 {
    60.0
}

/// Polling policy, shared by every agent (NUT's POLLFREQ / DEADTIME in spirit).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollPolicy {
    /// Requests in flight at once, across all agents.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Data older than this is stale: still used, but the status says so.
    #[serde(default = "default_stale")]
    pub stale_after_s: f64,
    /// Data older than this is dead: the agent's elements become unknown.
    #[serde(default = "default_dead")]
    pub dead_after_s: f64,
    /// A larger body is refused, not read.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// Samples kept per metric, for sparklines.
    #[serde(default = "default_history")]
    pub history: usize,
    /// Metric series kept at most (memory stays bounded whatever the fleet reports).
    #[serde(default = "default_history_series")]
    pub history_series: usize,
    /// Ceiling of the backoff between attempts on a failing agent.
    #[serde(default = "default_backoff_max")]
    pub backoff_max_s: f64,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            concurrency: default_concurrency(),
            stale_after_s: default_stale(),
            dead_after_s: default_dead(),
            max_body_bytes: default_max_body(),
            history: default_history(),
            history_series: default_history_series(),
            backoff_max_s: default_backoff_max(),
        }
    }
}

impl PollPolicy {
    pub fn stale_after(&self) -> Duration {
        secs(self.stale_after_s)
    }
    pub fn dead_after(&self) -> Duration {
        secs(self.dead_after_s)
    }
    pub fn backoff_max(&self) -> Duration {
        secs(self.backoff_max_s)
    }
}

/// Seconds from a config value; nonsense (negative, NaN) becomes zero, never a panic.
pub fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::ZERO)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub sites: Vec<SiteEntry>,
    #[serde(default)]
    pub poll: PollPolicy,
    /// The console's theme by name (`--theme` overrides; NO_COLOR forces `mono`).
    #[serde(default)]
    pub theme: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<SiteIssue>),
}

impl Config {
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let opts = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
        let cfg: Config = opts.from_str(text).map_err(|e| {
            ConfigError::Invalid(vec![SiteIssue {
                file: file.to_string(),
                line: e.span.start.line,
                col: e.span.start.col,
                message: e.code.to_string(),
            }])
        })?;
        let mut issues = Vec::new();
        let mut at = |needle: &str, message: String| {
            let off = text.find(needle).unwrap_or(0);
            let before = &text[..off];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rfind('\n')
                .map_or(before.len(), |nl| before.len() - nl - 1)
                + 1;
            issues.push(SiteIssue {
                file: file.to_string(),
                line,
                col,
                message,
            });
        };
        if cfg.sites.is_empty() {
            at("sites", "no sites configured".into());
        }
        for s in &cfg.sites {
            if let Some(p) = &s.prometheus {
                let quoted = format!("\"{}\"", p.url);
                if !(p.url.starts_with("http://") || p.url.starts_with("https://")) {
                    at(
                        &quoted,
                        format!(
                            "site {}: prometheus url must start with http:// or https://",
                            s.name
                        ),
                    );
                }
                if p.job.is_empty() {
                    at(
                        "job",
                        format!("site {}: prometheus job must not be empty", s.name),
                    );
                }
                for (v, what) in [(p.interval_s, "interval_s"), (p.timeout_s, "timeout_s")] {
                    if !(v > 0.0 && v.is_finite()) {
                        at(
                            &quoted,
                            format!("site {}: prometheus {what} must be positive", s.name),
                        );
                    }
                }
            }
            for a in &s.agents {
                let quoted = format!("\"{}\"", a.url);
                if !(a.url.starts_with("http://") || a.url.starts_with("https://")) {
                    at(
                        &quoted,
                        format!("agent {}: url must start with http:// or https://", a.name),
                    );
                }
                if !(a.interval_s > 0.0 && a.interval_s.is_finite()) {
                    at(
                        &format!("\"{}\"", a.name),
                        format!("agent {}: interval_s must be positive", a.name),
                    );
                }
                if !(a.timeout_s > 0.0 && a.timeout_s.is_finite()) {
                    at(
                        &format!("\"{}\"", a.name),
                        format!("agent {}: timeout_s must be positive", a.name),
                    );
                }
            }
        }
        let p = &cfg.poll;
        if p.concurrency == 0 {
            at("concurrency", "poll.concurrency must be at least 1".into());
        }
        if !(p.stale_after_s > 0.0 && p.dead_after_s > p.stale_after_s) {
            at(
                "stale_after_s",
                "poll: need 0 < stale_after_s < dead_after_s".into(),
            );
        }
        if issues.is_empty() {
            Ok(cfg)
        } else {
            Err(ConfigError::Invalid(issues))
        }
    }

    /// Load a config file; site paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            file: path.display().to_string(),
            source,
        })?;
        let mut cfg = Config::parse(&text, &path.display().to_string())?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for s in &mut cfg.sites {
            if s.site.is_relative() {
                s.site = dir.join(&s.site);
            }
        }
        Ok(cfg)
    }

    /// `$XDG_CONFIG_HOME/redcon/config.ron`, else `$HOME/.config/redcon/config.ron`
    /// (`/etc/redcon/config.ron` for a service: `crate::paths`).
    pub fn default_path() -> Option<PathBuf> {
        Some(config_dir()?.join(crate::paths::CONSOLE_CONFIG))
    }
}

/// redcon's config directory (`crate::paths`): the console config, `keymap.ron`, `themes/`
/// and `layouts/` live here.
pub fn config_dir() -> Option<PathBuf> {
    crate::paths::config_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_config_reads_with_defaults() {
        let text = r#"(sites: [(name: "dc1", site: "dc1.ron", agents: [(name: "ups-gw-a", url: "http://127.0.0.1:9470")])])"#;
        let cfg = Config::parse(text, "c.ron").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.sites[0].agents[0].interval_s, 5.0);
        assert_eq!(cfg.poll.stale_after_s, 15.0);
        assert_eq!(cfg.poll.dead_after(), Duration::from_secs(60));
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let text = "(\n sites: [(name: \"dc1\", site: \"dc1.ron\", agents: [\n  (name: \"a\", url: \"ftp://x\", interval_s: -1),\n ])],\n poll: (concurrency: 0, stale_after_s: 30, dead_after_s: 10),\n)";
        let Err(ConfigError::Invalid(issues)) = Config::parse(text, "c.ron") else {
            panic!("accepted a broken config");
        };
        assert_eq!(issues.len(), 4, "{issues:?}");
        assert_eq!((issues[0].line, issues[0].file.as_str()), (3, "c.ron"));
        assert!(issues[0].message.contains("http://"));
        assert_eq!(issues[2].line, 5);
    }

    #[test]
    fn a_site_may_read_its_agents_from_a_prometheus() {
        let text = r#"(sites: [(name: "dc1", site: "dc1.ron", prometheus: (url: "http://127.0.0.1:9090"))])"#;
        let cfg = Config::parse(text, "c.ron").unwrap_or_else(|e| panic!("{e}"));
        let p = cfg.sites[0].prometheus.as_ref().unwrap();
        assert_eq!((p.job.as_str(), p.interval_s), ("redcon-agents", 5.0));
        let bad = "(sites: [(name: \"dc1\", site: \"dc1.ron\",\n prometheus: (url: \"prom:9090\", job: \"\", timeout_s: 0))])";
        let Err(ConfigError::Invalid(issues)) = Config::parse(bad, "c.ron") else {
            panic!("accepted a broken prometheus");
        };
        let said: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].contains("http://") && issues[0].line == 2,
            "{issues:?}"
        );
        assert!(said[1].contains("job") && said[2].contains("timeout_s"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let Err(ConfigError::Invalid(issues)) =
            Config::parse("(sites: [(name: \"x\",, )])", "c.ron")
        else {
            panic!("accepted a syntax error");
        };
        assert_eq!((issues[0].line, issues[0].col > 1), (1, true));
        assert!(secs(f64::NAN).is_zero() && secs(-3.0).is_zero());
    }
}
