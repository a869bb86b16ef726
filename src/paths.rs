//! Where redcon keeps its files, chosen here and nowhere else (docs/packaging.md).
//!
//! - Run by a user: config in `$XDG_CONFIG_HOME/redcon` (else `~/.config/redcon`), state
//!   (audit log, acknowledgements, an agent's tokens) in `$XDG_STATE_HOME/redcon` (else
//!   `~/.local/state/redcon`), as the XDG base directory specification says.
//! - Run by systemd as the packaged `redcon-agent.service`: `/etc/redcon` and
//!   `/var/lib/redcon`. The unit's `ConfigurationDirectory=redcon` and
//!   `StateDirectory=redcon` make systemd create them and name them in
//!   `$CONFIGURATION_DIRECTORY` and `$STATE_DIRECTORY`, which win over the XDG ones: the
//!   unit, not a second copy of the paths here, says where a service keeps its files.

use std::ffi::OsString;
use std::path::PathBuf;

/// The packaged service's directories, as its unit has systemd make them.
pub const SYSTEM_CONFIG: &str = "/etc/redcon";
pub const SYSTEM_STATE: &str = "/var/lib/redcon";

/// The console's config, in the config directory.
pub const CONSOLE_CONFIG: &str = "config.ron";
/// The agent's config, in the config directory.
pub const AGENT_CONFIG: &str = "agent.ron";
/// The console's audit log, in the state directory; `acks.json` beside it.
pub const AUDIT: &str = "audit.jsonl";
/// The operations an agent received, in the state directory (a console on the same
/// account keeps its own log).
pub const AGENT_AUDIT: &str = "agent-audit.jsonl";
/// The agent's token file, in the state directory: only the service's user reads it.
pub const AGENT_TOKENS: &str = "tokens";

/// redcon's two directories for one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    pub config: Option<PathBuf>,
    pub state: Option<PathBuf>,
}

impl Dirs {
    /// The process's own environment.
    pub fn here() -> Dirs {
        Dirs::of(|k| std::env::var_os(k))
    }

    /// From the environment `env` gives: systemd's directory for a service, else XDG's,
    /// else under `$HOME`; `None` when none of them is set.
    pub fn of(env: impl Fn(&str) -> Option<OsString>) -> Dirs {
        let set = |k: &str| env(k).filter(|v| !v.is_empty());
        // systemd separates several directories with ':'; redcon asks for one
        let systemd = |k: &str| {
            set(k).and_then(|v| {
                let s = v.to_string_lossy().into_owned();
                s.split(':')
                    .next()
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
            })
        };
        let home = set("HOME").map(PathBuf::from);
        let xdg = |k: &str, under_home: &str| {
            set(k)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.as_ref().map(|h| h.join(under_home)))
                .map(|p| p.join("redcon"))
        };
        Dirs {
            config: systemd("CONFIGURATION_DIRECTORY")
                .or_else(|| xdg("XDG_CONFIG_HOME", ".config")),
            state: systemd("STATE_DIRECTORY").or_else(|| xdg("XDG_STATE_HOME", ".local/state")),
        }
    }
}

/// redcon's config directory: the console config, `agent.ron`, `keymap.ron`, `themes/`
/// and `layouts/` live here.
pub fn config_dir() -> Option<PathBuf> {
    Dirs::here().config
}

/// redcon's state directory: audit logs, acknowledgements, the agent's tokens.
pub fn state_dir() -> Option<PathBuf> {
    Dirs::here().state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn dirs(pairs: &[(&str, &str)]) -> (Option<String>, Option<String>) {
        let d = Dirs::of(env(pairs));
        let s = |p: Option<PathBuf>| p.map(|p| p.display().to_string());
        (s(d.config), s(d.state))
    }

    #[test]
    fn a_user_gets_xdg_directories_else_those_under_home() {
        assert_eq!(
            dirs(&[("HOME", "/home/op")]),
            (
                Some("/home/op/.config/redcon".into()),
                Some("/home/op/.local/state/redcon".into())
            )
        );
        assert_eq!(
            dirs(&[
                ("HOME", "/home/op"),
                ("XDG_CONFIG_HOME", "/cfg"),
                ("XDG_STATE_HOME", "/st")
            ]),
            (Some("/cfg/redcon".into()), Some("/st/redcon".into()))
        );
        // the specification: an empty or relative value is ignored
        assert_eq!(
            dirs(&[
                ("HOME", "/home/op"),
                ("XDG_CONFIG_HOME", ""),
                ("XDG_STATE_HOME", "rel")
            ]),
            (
                Some("/home/op/.config/redcon".into()),
                Some("/home/op/.local/state/redcon".into())
            )
        );
        assert_eq!(dirs(&[]), (None, None));
    }

    #[test]
    fn the_packaged_service_gets_the_directories_its_unit_made() {
        let service = [
            ("HOME", "/"),
            ("XDG_STATE_HOME", "/st"),
            ("CONFIGURATION_DIRECTORY", SYSTEM_CONFIG),
            ("STATE_DIRECTORY", "/var/lib/redcon:/var/lib/other"),
        ];
        assert_eq!(
            dirs(&service),
            (Some(SYSTEM_CONFIG.into()), Some(SYSTEM_STATE.into()))
        );
    }

    #[test]
    fn the_unit_makes_the_directories_the_docs_name() {
        let unit = include_str!("../assets/debian/redcon-agent.service");
        for line in [
            "ConfigurationDirectory=redcon",
            "StateDirectory=redcon",
            &format!("--agent-config {SYSTEM_CONFIG}/{AGENT_CONFIG}"),
        ] {
            assert!(unit.contains(line), "{line}");
        }
    }
}
