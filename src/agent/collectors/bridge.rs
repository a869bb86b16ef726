//! The `bridge` collector: Linux bridges running the kernel's 802.1D STP. Reads
//! `/sys/class/net/<br>/bridge/` and `brif/<port>/`. The root id comes from sysfs, not
//! `ip -d link`: iproute2 6.1 prints the bridge's own id there. Parsing is pure
//! (`parse_bridge_sysfs`); `BridgeCollector` does the IO.

use std::path::{Path, PathBuf};

use smol_str::SmolStr;

use super::command;
use super::parse::{ParseError, SysTree, finish, under};
use super::{Collected, Collector, CollectorError};
use crate::api::{self, MemberReport, Metrics};
use crate::model::MemberState;

mod rstp;
#[cfg(test)]
mod tests;

pub use rstp::{RstpPort, parse_mstpctl_showport};

const NAME: &str = "bridge";

#[derive(Debug, Clone, PartialEq)]
pub struct BridgeState {
    pub name: String,
    /// `stp_state`: 0 off, 1 kernel STP, 2 a user-space daemon (mstpd).
    pub stp_state: u8,
    pub bridge_id: String,
    pub root_id: String,
    /// Port number of the root port; 0 on the root bridge.
    pub root_port: u32,
    pub root_path_cost: Option<u64>,
    pub topology_change: bool,
    pub ports: Vec<BridgePort>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BridgePort {
    pub name: String,
    pub port_no: Option<u32>,
    pub state: PortState,
    pub path_cost: Option<u64>,
    /// From mstpd, when it runs this bridge.
    pub rstp: Option<RstpPort>,
}

/// `BR_STATE_*` of `include/uapi/linux/if_bridge.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortState {
    Disabled = 0,
    Listening = 1,
    Learning = 2,
    Forwarding = 3,
    Blocking = 4,
}

impl PortState {
    fn from_sysfs(n: u8) -> Option<Self> {
        Some(match n {
            0 => PortState::Disabled,
            1 => PortState::Listening,
            2 => PortState::Learning,
            3 => PortState::Forwarding,
            4 => PortState::Blocking,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        match self {
            PortState::Disabled => "disabled",
            PortState::Listening => "listening",
            PortState::Learning => "learning",
            PortState::Forwarding => "forwarding",
            PortState::Blocking => "blocking",
        }
    }
}

impl BridgeState {
    pub fn is_root(&self) -> bool {
        self.root_id == self.bridge_id
    }
}

/// `0x1` (port_no) or `1` (root_port): sysfs writes both.
fn port_number(v: &str) -> Option<u32> {
    match v.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

/// Parse one bridge from `tree` (`bridge/<attr>`, `brif/<port>/<attr>`).
pub fn parse_bridge_sysfs(
    name: &str,
    tree: &SysTree,
    source: &str,
) -> Result<BridgeState, ParseError> {
    let need = |attr: &str| {
        tree.get(attr)
            .ok_or_else(|| ParseError::new(source, format!("no {attr}: not a bridge")))
    };
    let bad = |attr: &str, v: &str| ParseError::new(source, format!("{attr}: {v:?} is not valid"));
    let stp = need("bridge/stp_state")?;
    let stp_state = stp
        .parse::<u8>()
        .ok()
        .filter(|s| *s <= 2)
        .ok_or_else(|| bad("bridge/stp_state", stp))?;
    let root_port = match tree.get("bridge/root_port") {
        Some(v) => port_number(v).ok_or_else(|| bad("bridge/root_port", v))?,
        None => 0,
    };
    let mut ports = Vec::new();
    for port in tree.children("brif") {
        let attr = |a: &str| format!("brif/{port}/{a}");
        let Some(s) = tree.get(&attr("state")) else {
            continue; // a port whose files could not be read: nothing to say about it
        };
        let state = s
            .parse::<u8>()
            .ok()
            .and_then(PortState::from_sysfs)
            .ok_or_else(|| bad(&attr("state"), s))?;
        ports.push(BridgePort {
            name: port.to_string(),
            port_no: tree.get(&attr("port_no")).and_then(port_number),
            state,
            path_cost: tree.get(&attr("path_cost")).and_then(|v| v.parse().ok()),
            rstp: None,
        });
    }
    Ok(BridgeState {
        name: name.to_string(),
        stp_state,
        bridge_id: need("bridge/bridge_id")?.to_string(),
        root_id: need("bridge/root_id")?.to_string(),
        root_port,
        root_path_cost: tree
            .get("bridge/root_path_cost")
            .and_then(|v| v.parse().ok()),
        topology_change: tree.get("bridge/topology_change") == Some("1"),
        ports,
    })
}

/// One report for the bridge and one per port. A blocking port is a healthy alternate
/// path (that is what STP is for); listening and learning ports are converging and do
/// not forward yet; a disabled port carries nothing.
pub fn bridge_reports(bridges: &[BridgeState], observed_at: f64) -> Vec<MemberReport> {
    let mut out = Vec::new();
    for b in bridges {
        let count = |s: PortState| b.ports.iter().filter(|p| p.state == s).count() as f64;
        let mut flags: Vec<SmolStr> = vec![
            match b.stp_state {
                0 => "stp_off",
                1 => "stp",
                _ => "user_stp",
            }
            .into(),
        ];
        if b.is_root() {
            flags.push("root".into());
        }
        if b.topology_change {
            flags.push("topology_change".into());
        }
        let mut metrics = Metrics::new();
        metrics.insert("root_port", f64::from(b.root_port));
        if let Some(c) = b.root_path_cost {
            metrics.insert("root_path_cost", c as f64);
        }
        metrics.insert("ports_forwarding", count(PortState::Forwarding));
        metrics.insert("ports_blocking", count(PortState::Blocking));
        let forwarding = count(PortState::Forwarding) > 0.0;
        out.push(MemberReport {
            id: b.name.as_str().into(),
            state: if forwarding || b.ports.is_empty() {
                MemberState::Ok
            } else {
                MemberState::Failed
            },
            observed_at,
            rebuild: None,
            flags,
            metrics,
        });
        for p in &b.ports {
            let mut flags: Vec<SmolStr> = vec![p.state.word().into()];
            if b.root_port != 0 && p.port_no == Some(b.root_port) {
                flags.push("root_port".into());
            }
            if let Some(r) = &p.rstp {
                flags.push(r.role.as_str().into());
                if r.edge {
                    flags.push("edge".into());
                }
                // RSTP's fast handshake needs point-to-point; shared links wait on timers.
                if !r.point_to_point {
                    flags.push("shared".into());
                }
            }
            let mut metrics = Metrics::new();
            metrics.insert("stp_state", p.state as u8 as f64);
            if let Some(c) = p.path_cost {
                metrics.insert("path_cost", c as f64);
            }
            out.push(MemberReport {
                id: p.name.as_str().into(),
                state: match p.state {
                    PortState::Forwarding | PortState::Blocking => MemberState::Ok,
                    PortState::Listening | PortState::Learning => MemberState::Rebuilding,
                    PortState::Disabled => MemberState::Failed,
                },
                observed_at,
                rebuild: None,
                flags,
                metrics,
            });
        }
    }
    out
}

/// Reads `<root>/sys/class/net/<br>` for the configured bridges, or every bridge.
pub struct BridgeCollector {
    root: PathBuf,
    bridges: Vec<String>,
    mstpctl: String,
}

impl BridgeCollector {
    pub fn new(root: Option<&Path>, bridges: &[String], mstpctl: Option<&str>) -> Self {
        BridgeCollector {
            root: root.unwrap_or(Path::new("/")).to_path_buf(),
            bridges: bridges.to_vec(),
            mstpctl: mstpctl.unwrap_or("mstpctl").to_string(),
        }
    }

    /// Port roles from mstpd for a bridge it runs (`stp_state` 2). Without mstpctl
    /// installed there are no roles, and the kernel's port states still stand.
    fn add_roles(&self, b: &mut BridgeState) -> Result<(), ParseError> {
        let argv = [self.mstpctl.clone(), "showport".into(), b.name.clone()];
        let out = match command::run(&argv, &[]) {
            Ok(out) => out,
            Err(e) if e.message == command::NOT_INSTALLED => return Ok(()),
            Err(e) => return Err(e),
        };
        if !out.success {
            return Err(ParseError::new(&out.source, out.why));
        }
        for r in parse_mstpctl_showport(&out.stdout, &out.source)? {
            if let Some(p) = b.ports.iter_mut().find(|p| p.name == r.name) {
                p.rstp = Some(r);
            }
        }
        Ok(())
    }
}

/// `bridge/` files, and each port's files through its `brif/<port>` link.
pub fn read_bridge_tree(dir: &Path) -> std::io::Result<SysTree> {
    let mut tree = SysTree::default();
    let bridge = SysTree::read(&dir.join("bridge"), 0, &|_| false)?;
    for (k, v) in bridge.files {
        tree.files.insert(format!("bridge/{k}"), v);
    }
    if let Ok(ports) = SysTree::read(&dir.join("brif"), 1, &|_| true) {
        for (k, v) in ports.files {
            tree.files.insert(format!("brif/{k}"), v);
        }
    }
    Ok(tree)
}

impl Collector for BridgeCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let net = under(&self.root, "/sys/class/net");
        let names = if self.bridges.is_empty() {
            let mut found: Vec<String> = std::fs::read_dir(&net)
                .map_err(|e| {
                    ParseError::new(&net.display().to_string(), format!("cannot list: {e}"))
                        .into_collector(NAME)
                })?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| net.join(n).join("bridge").is_dir())
                .collect();
            found.sort();
            found
        } else {
            self.bridges.clone()
        };
        let (mut bridges, mut errors) = (Vec::new(), Vec::new());
        for name in names {
            let dir = net.join(&name);
            let source = dir.display().to_string();
            let parsed = read_bridge_tree(&dir)
                .map_err(|e| ParseError::new(&source, format!("cannot read: {e}")))
                .and_then(|t| parse_bridge_sysfs(&name, &t, &source));
            match parsed {
                Ok(mut b) => {
                    if b.stp_state == 2
                        && let Err(e) = self.add_roles(&mut b)
                    {
                        errors.push(e);
                    }
                    bridges.push(b);
                }
                Err(e) => errors.push(e),
            }
        }
        out.members
            .extend(bridge_reports(&bridges, api::unix_now()));
        finish(NAME, errors)
    }
}
