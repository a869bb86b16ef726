//! The `mdraid` collector: Linux software RAID. Reads `/sys/block/md*/md/` (one value
//! per file, exact member states) and falls back to `/proc/mdstat` where sysfs has no md
//! arrays. Parsing (`mdstat`, `md_sysfs`) is pure; `MdraidCollector` does the IO.

use std::path::{Path, PathBuf};

use super::parse::{ParseError, SysTree, finish, read_text, under};
use super::{Collected, Collector, CollectorError};
use crate::api::{self, MemberReport, Metrics};
use crate::model::{MemberState, Rebuild};

mod mdstat;
mod sysfs;
#[cfg(test)]
mod tests;

pub use mdstat::parse_mdstat;
pub use sysfs::parse_md_sysfs;

const NAME: &str = "mdraid";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MdArray {
    pub name: String,
    /// `raid1`, `raid6`, `linear` ...; empty when the kernel does not say (inactive).
    pub level: String,
    /// False for `inactive`, `clear` and `broken`: the array serves nothing.
    pub running: bool,
    pub read_only: bool,
    /// Devices the array wants (`raid_disks`, the n of mdstat's `[n/m]`).
    pub raid_disks: Option<u32>,
    /// Slots missing a working device.
    pub degraded: u32,
    /// mdstat's slot map, e.g. `U_UU`.
    pub slot_map: Option<String>,
    pub members: Vec<MdMember>,
    pub sync: Option<SyncProgress>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MdMember {
    /// Kernel device name, e.g. `sdb2`.
    pub name: String,
    pub slot: Option<u32>,
    pub role: MdRole,
    /// Kernel words beyond the role: `write_mostly`, `want_replacement`, `write_error`,
    /// `blocked`, `replacement`.
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MdRole {
    /// In sync in its slot.
    Active,
    /// Not in a slot: waits to replace a failed member.
    Spare,
    Faulty,
    /// In a slot, being written by a recovery or reshape.
    Rebuilding,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncProgress {
    /// sysfs words: `resync`, `recover`, `check`, `repair`, `reshape`.
    pub action: String,
    /// Sectors (sysfs) or blocks (mdstat) done and in total, when running.
    pub done: Option<u64>,
    pub total: Option<u64>,
    pub eta_min: Option<f64>,
    /// mdstat's `resync=DELAYED` / `PENDING`: queued, not running.
    pub waiting: Option<String>,
}

impl SyncProgress {
    /// 0.0–1.0, when known.
    pub fn fraction(&self) -> Option<f64> {
        let (done, total) = (self.done?, self.total?);
        (total > 0).then(|| (done as f64 / total as f64).clamp(0.0, 1.0))
    }

    /// Writes a member: recovery and reshape (a resync or check rewrites nothing missing).
    fn rebuilds(&self) -> bool {
        matches!(self.action.as_str(), "recover" | "reshape") && self.waiting.is_none()
    }
}

/// Turn arrays into reports: one for the array (under its own name) and one per device.
pub fn md_reports(arrays: &[MdArray], observed_at: f64) -> Vec<MemberReport> {
    let mut out = Vec::new();
    for a in arrays {
        let mut flags = Vec::new();
        let mut metrics = Metrics::new();
        if !a.level.is_empty() {
            flags.push(a.level.as_str().into());
        }
        if !a.running {
            flags.push("inactive".into());
        }
        if a.read_only {
            flags.push("read_only".into());
        }
        if a.degraded > 0 {
            flags.push("degraded".into());
        }
        metrics.insert("degraded_count", f64::from(a.degraded));
        if let Some(n) = a.raid_disks {
            metrics.insert("raid_disks", f64::from(n));
        }
        let rebuild = a.sync.as_ref().and_then(|s| {
            flags.push(s.action.as_str().into());
            if let Some(w) = &s.waiting {
                flags.push(w.to_lowercase().into());
            }
            let progress = s.fraction()?;
            metrics.insert("sync_progress", progress);
            if let Some(eta) = s.eta_min {
                metrics.insert("sync_eta_min", eta);
            }
            Some(Rebuild {
                progress,
                eta_min: s.eta_min,
            })
        });
        out.push(MemberReport {
            id: a.name.as_str().into(),
            state: if a.running {
                MemberState::Ok
            } else {
                MemberState::Failed
            },
            observed_at,
            rebuild: None,
            flags,
            metrics,
        });
        for m in &a.members {
            let mut flags: Vec<_> = m.flags.iter().map(|f| f.as_str().into()).collect();
            let state = match m.role {
                MdRole::Faulty => {
                    flags.insert(0, "faulty".into());
                    MemberState::Failed
                }
                // A device of a stopped array holds data nobody can read right now.
                _ if !a.running => {
                    flags.insert(0, "array_inactive".into());
                    MemberState::Unknown
                }
                MdRole::Active => MemberState::Ok,
                MdRole::Spare => {
                    flags.insert(0, "spare".into());
                    MemberState::Ok
                }
                MdRole::Rebuilding => MemberState::Rebuilding,
            };
            let mut metrics = Metrics::new();
            if let Some(slot) = m.slot {
                metrics.insert("slot", f64::from(slot));
            }
            out.push(MemberReport {
                id: m.name.as_str().into(),
                state,
                observed_at,
                rebuild: rebuild.filter(|_| state == MemberState::Rebuilding),
                flags,
                metrics,
            });
        }
    }
    out
}

/// Reads under `root` (default `/`): `sys/block/md*/md`, else `proc/mdstat`.
pub struct MdraidCollector {
    root: PathBuf,
}

impl MdraidCollector {
    pub fn new(root: Option<&Path>) -> Self {
        MdraidCollector {
            root: root.unwrap_or(Path::new("/")).to_path_buf(),
        }
    }

    /// Arrays from sysfs; `None` when sysfs shows no md array at all.
    fn read_sysfs(&self) -> Option<(Vec<MdArray>, Vec<ParseError>)> {
        let block = under(&self.root, "/sys/block");
        let mut names: Vec<String> = std::fs::read_dir(&block)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("md") && block.join(n).join("md").is_dir())
            .collect();
        if names.is_empty() {
            return None;
        }
        names.sort();
        let (mut arrays, mut errors) = (Vec::new(), Vec::new());
        for name in names {
            let dir = block.join(&name).join("md");
            let source = dir.display().to_string();
            // Depth 1: md/<file> and md/dev-*/<file>; rdN links are recorded, not followed.
            let parsed = SysTree::read(&dir, 1, &|k| !k.starts_with("rd"))
                .map_err(|e| ParseError::new(&source, format!("cannot read: {e}")))
                .and_then(|tree| parse_md_sysfs(&name, &tree, &source));
            match parsed {
                Ok(a) => arrays.push(a),
                Err(e) => errors.push(e),
            }
        }
        Some((arrays, errors))
    }

    fn read_mdstat(&self) -> (Vec<MdArray>, Vec<ParseError>) {
        let path = under(&self.root, "/proc/mdstat");
        let source = path.display().to_string();
        match read_text(&path).and_then(|text| parse_mdstat(&text, &source)) {
            Ok(p) => (p.items, p.errors),
            Err(e) => (Vec::new(), vec![e]),
        }
    }
}

impl MdraidCollector {
    /// The arrays as the collector reads them, with one error per array it could not.
    pub fn arrays(&self) -> (Vec<MdArray>, Vec<ParseError>) {
        self.read_sysfs().unwrap_or_else(|| self.read_mdstat())
    }
}

impl Collector for MdraidCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let (arrays, errors) = self.arrays();
        out.members.extend(md_reports(&arrays, api::unix_now()));
        finish(NAME, errors)
    }
}
