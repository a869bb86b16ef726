//! The `bonding` collector: Linux bonds. Reads `/proc/net/bonding/<bond>` (the kernel's
//! `bond_procfs.c` text, which alone has the LACP churn states) and falls back to
//! `/sys/class/net/<bond>/bonding/` and `<slave>/bonding_slave/` where procfs has none.
//! Parsing is pure (`parse_bond_proc`, `parse_bond_sysfs`); `BondingCollector` does IO.

use std::path::{Path, PathBuf};

use smol_str::SmolStr;

use super::parse::{ParseError, finish, read_text, under};
use super::{Collected, Collector, CollectorError};
use crate::api::{self, MemberReport, Metrics};
use crate::model::MemberState;

mod procfs;
mod sysfs;
#[cfg(test)]
mod tests;

pub use procfs::parse_bond_proc;
pub use sysfs::parse_bond_sysfs;
use sysfs::read_bond_tree;

const NAME: &str = "bonding";

/// LACP port state bits (IEEE 802.1AX): the partner must say "in sync" before our side
/// may collect and distribute on the port.
pub const LACP_SYNC: u8 = 0x08;
pub const LACP_DEFAULTED: u8 = 0x40;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BondState {
    pub name: String,
    /// Kernel mode names: `802.3ad`, `active-backup`, `balance-rr`, `balance-xor`,
    /// `broadcast`, `balance-tlb`, `balance-alb`; empty when the source does not say.
    pub mode: String,
    pub mii_up: Option<bool>,
    pub active_slave: Option<String>,
    pub min_links: Option<u32>,
    pub lacp: Option<Lacp>,
    pub slaves: Vec<BondSlave>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lacp {
    pub rate: Option<String>,
    /// `None` when the kernel says the bond has no active aggregator.
    pub active_aggregator: Option<u32>,
    pub partner_mac: Option<String>,
    pub ports: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BondSlave {
    pub name: String,
    pub mii_up: bool,
    pub speed_mbps: Option<u32>,
    pub link_failures: Option<u64>,
    pub aggregator_id: Option<u32>,
    pub actor_churned: bool,
    pub partner_churned: bool,
    /// Actor plus partner churned counts since the port came up.
    pub churn_count: u64,
    pub actor_port_state: Option<u8>,
    pub partner_port_state: Option<u8>,
}

impl BondState {
    fn is_lacp(&self) -> bool {
        self.mode == "802.3ad"
    }
}

/// Why a slave carries no traffic, if it does not.
fn slave_problem(bond: &BondState, s: &BondSlave) -> Option<&'static str> {
    if !s.mii_up {
        return Some("mii_down");
    }
    let lacp = bond.lacp.as_ref().filter(|_| bond.is_lacp())?;
    let Some(active) = lacp.active_aggregator else {
        return Some("no_aggregator");
    };
    if s.aggregator_id.is_some_and(|id| id != active) {
        return Some("other_aggregator");
    }
    if s.actor_churned || s.partner_churned {
        return Some("churned");
    }
    if s.partner_port_state.is_some_and(|p| p & LACP_SYNC == 0) {
        return Some("partner_out_of_sync");
    }
    None
}

/// One report for the bond (under its own name) and one per slave.
pub fn bond_reports(bonds: &[BondState], observed_at: f64) -> Vec<MemberReport> {
    let mut out = Vec::new();
    for b in bonds {
        let mut speed_up = 0.0;
        let mut up = 0u32;
        let mut slaves = Vec::new();
        for s in &b.slaves {
            let mut flags: Vec<SmolStr> = Vec::new();
            let problem = slave_problem(b, s);
            if let Some(p) = problem {
                flags.push(p.into());
            } else {
                up += 1;
                speed_up += f64::from(s.speed_mbps.unwrap_or(0)) / 1000.0;
            }
            if b.mode == "active-backup" {
                let active = b.active_slave.as_deref() == Some(s.name.as_str());
                flags.push(if active { "active" } else { "backup" }.into());
            }
            if s.actor_port_state.is_some_and(|a| a & LACP_DEFAULTED != 0) {
                flags.push("defaulted".into());
            }
            let mut metrics = Metrics::new();
            if let Some(speed) = s.speed_mbps {
                metrics.insert("speed_gbps", f64::from(speed) / 1000.0);
            }
            if let Some(n) = s.link_failures {
                metrics.insert("link_failure_count", n as f64);
            }
            metrics.insert("churn_count", s.churn_count as f64);
            if let Some(id) = s.aggregator_id {
                metrics.insert("aggregator_id", f64::from(id));
            }
            if let Some(p) = s.actor_port_state {
                metrics.insert("actor_port_state", f64::from(p));
            }
            if let Some(p) = s.partner_port_state {
                metrics.insert("partner_port_state", f64::from(p));
            }
            slaves.push(MemberReport {
                id: s.name.as_str().into(),
                state: if problem.is_some() {
                    MemberState::Failed
                } else {
                    MemberState::Ok
                },
                observed_at,
                rebuild: None,
                flags,
                metrics,
            });
        }
        let mut flags: Vec<SmolStr> = Vec::new();
        if !b.mode.is_empty() {
            flags.push(b.mode.as_str().into());
        }
        if b.mii_up == Some(false) {
            flags.push("mii_down".into());
        }
        if (up as usize) < b.slaves.len() {
            flags.push("degraded".into());
        }
        if let Some(l) = b.lacp.as_ref().filter(|_| b.is_lacp()) {
            if l.active_aggregator.is_none() {
                flags.push("no_aggregator".into());
            }
            if l.partner_mac.as_deref() == Some("00:00:00:00:00:00") {
                flags.push("no_partner".into());
            }
        }
        let mut metrics = Metrics::new();
        metrics.insert("slaves", b.slaves.len() as f64);
        metrics.insert("slaves_up", f64::from(up));
        metrics.insert("speed_gbps", speed_up);
        if let Some(n) = b.min_links {
            metrics.insert("min_links", f64::from(n));
        }
        if let Some(id) = b.lacp.as_ref().and_then(|l| l.active_aggregator) {
            metrics.insert("aggregator_id", f64::from(id));
        }
        // Linux treats min_links 0 as 1: below it the bond drops carrier.
        let carrier = b.mii_up != Some(false) && up >= b.min_links.unwrap_or(0).max(1);
        out.push(MemberReport {
            id: b.name.as_str().into(),
            state: if carrier {
                MemberState::Ok
            } else {
                MemberState::Failed
            },
            observed_at,
            rebuild: None,
            flags,
            metrics,
        });
        out.extend(slaves);
    }
    out
}

/// The kernel's long mode names (procfs) and short ones (sysfs `mode`: `802.3ad 4`).
pub(super) fn mode_word(text: &str) -> String {
    let t = text.trim();
    let word = match t {
        _ if t.contains("802.3ad") => "802.3ad",
        _ if t.contains("active-backup") => "active-backup",
        _ if t.contains("round-robin") || t.starts_with("balance-rr") => "balance-rr",
        _ if t.contains("(xor)") || t.starts_with("balance-xor") => "balance-xor",
        _ if t.contains("broadcast") => "broadcast",
        _ if t.starts_with("transmit load balancing") || t.starts_with("balance-tlb") => {
            "balance-tlb"
        }
        _ if t.starts_with("adaptive load balancing") || t.starts_with("balance-alb") => {
            "balance-alb"
        }
        other => other.split_whitespace().next().unwrap_or(""),
    };
    word.to_string()
}

/// Reads under `root` (default `/`): `proc/net/bonding/*`, else sysfs.
pub struct BondingCollector {
    root: PathBuf,
}

impl BondingCollector {
    pub fn new(root: Option<&Path>) -> Self {
        BondingCollector {
            root: root.unwrap_or(Path::new("/")).to_path_buf(),
        }
    }

    /// The bonds now: `proc/net/bonding` where the kernel has it, else sysfs.
    pub fn bonds(&self) -> (Vec<BondState>, Vec<ParseError>) {
        let proc_dir = under(&self.root, "/proc/net/bonding");
        if proc_dir.is_dir() {
            self.read_proc(&proc_dir)
        } else {
            self.read_sysfs()
        }
    }

    fn read_proc(&self, dir: &Path) -> (Vec<BondState>, Vec<ParseError>) {
        let (mut bonds, mut errors) = (Vec::new(), Vec::new());
        let mut names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(d) => d
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(e) => {
                return (
                    bonds,
                    vec![ParseError::new(
                        &dir.display().to_string(),
                        format!("cannot list: {e}"),
                    )],
                );
            }
        };
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let source = path.display().to_string();
            match read_text(&path).and_then(|t| parse_bond_proc(&name, &t, &source)) {
                Ok(b) => bonds.push(b),
                Err(e) => errors.push(e),
            }
        }
        (bonds, errors)
    }

    fn read_sysfs(&self) -> (Vec<BondState>, Vec<ParseError>) {
        let net = under(&self.root, "/sys/class/net");
        let masters = net.join("bonding_masters");
        let names = match read_text(&masters) {
            Ok(t) => t,
            Err(e) => {
                let msg = format!(
                    "no bonds: neither {} nor {}",
                    under(&self.root, "/proc/net/bonding").display(),
                    e
                );
                return (
                    Vec::new(),
                    vec![ParseError::new(&masters.display().to_string(), msg)],
                );
            }
        };
        let (mut bonds, mut errors) = (Vec::new(), Vec::new());
        for name in names.split_whitespace() {
            let dir = net.join(name);
            let source = dir.display().to_string();
            match read_bond_tree(&net, name).and_then(|t| parse_bond_sysfs(name, &t, &source)) {
                Ok(b) => bonds.push(b),
                Err(e) => errors.push(e),
            }
        }
        (bonds, errors)
    }
}

impl Collector for BondingCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let (bonds, errors) = self.bonds();
        out.members.extend(bond_reports(&bonds, api::unix_now()));
        finish(NAME, errors)
    }
}
