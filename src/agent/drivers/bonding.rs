//! Linux bonding: an active-backup bond failed over to another slave (write the slave's
//! name into `bonding/active_slave`), a slave taken out of its bond and put back (`-eth1`
//! / `+eth1` into `bonding/slaves`). All writes go to sysfs under the collector's `root`,
//! where the kernel's bonding driver reads them.

use std::path::{Path, PathBuf};

use super::{Act, Checked, Driver, Released, checks};
use crate::agent::collectors::bonding::BondingCollector;
use crate::agent::collectors::parse::under;
use crate::ops::OpKind;

/// A bonding attribute the kernel would not let be read or written, in its own words.
#[derive(Debug, thiserror::Error)]
enum SysfsError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write {value}: {source}")]
    Write {
        path: String,
        value: String,
        #[source]
        source: std::io::Error,
    },
}

pub struct BondingDriver {
    /// `<root>/sys/class/net`.
    net: PathBuf,
    /// The collector's own reading, for the check before a drain.
    reader: BondingCollector,
    released: Released,
}

impl BondingDriver {
    pub fn new(root: Option<&Path>) -> Self {
        BondingDriver {
            net: under(root.unwrap_or(Path::new("/")), "/sys/class/net"),
            reader: BondingCollector::new(root),
            released: Released::default(),
        }
    }

    fn attr(&self, bond: &str, name: &str) -> PathBuf {
        self.net.join(bond).join("bonding").join(name)
    }

    fn read(&self, bond: &str, name: &str) -> Result<String, SysfsError> {
        let path = self.attr(bond, name);
        std::fs::read_to_string(&path)
            .map(|t| t.trim().to_string())
            .map_err(|source| SysfsError::Read {
                path: path.display().to_string(),
                source,
            })
    }

    /// One write of `value`, as the kernel wants a sysfs store; its refusal (EINVAL for a
    /// slave that is not there, EPERM in the wrong mode) is the error.
    fn write(&self, bond: &str, name: &str, value: &str) -> Result<String, SysfsError> {
        let path = self.attr(bond, name);
        std::fs::write(&path, format!("{value}\n"))
            .map(|()| format!("wrote {value} to {}", path.display()))
            .map_err(|source| SysfsError::Write {
                path: path.display().to_string(),
                value: value.to_string(),
                source,
            })
    }

    fn is_bond(&self, name: &str) -> bool {
        self.attr(name, "slaves").is_file()
    }

    /// The bond `member` is a slave of now, from each bond's `bonding/slaves`.
    fn bond_of(&self, member: &str) -> Option<String> {
        let masters = std::fs::read_to_string(self.net.join("bonding_masters")).ok();
        let bonds: Vec<String> = match masters {
            Some(m) => m.split_whitespace().map(str::to_string).collect(),
            None => std::fs::read_dir(&self.net)
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|b| self.is_bond(b))
                .collect(),
        };
        bonds.into_iter().find(|b| {
            self.read(b, "slaves")
                .is_ok_and(|s| s.split_whitespace().any(|x| x == member))
        })
    }

    fn failover(&self, bond: &str, to: &str) -> Act {
        let mode = match self.read(bond, "mode") {
            Ok(m) => m,
            Err(e) => return Act::Failed(e.to_string()),
        };
        if !mode.starts_with("active-backup") {
            return Act::NotApplicable(format!(
                "{bond}: mode {mode:?}; only an active-backup bond has one active slave to fail over"
            ));
        }
        match self.read(bond, "slaves") {
            Ok(s) if s.split_whitespace().any(|x| x == to) => {}
            Ok(s) => {
                return Act::NotApplicable(format!("{bond}: {to} is not one of its slaves ({s})"));
            }
            Err(e) => return Act::Failed(e.to_string()),
        }
        match self.write(bond, "active_slave", to) {
            Ok(done) => Act::Done(format!("{bond}: {done}")),
            Err(e) => Act::Failed(e.to_string()),
        }
    }
}

impl Driver for BondingDriver {
    fn collector(&self) -> &'static str {
        "bonding"
    }

    fn released(&self, name: &str) -> bool {
        self.released.parent(name).is_some()
    }

    fn check(&self, name: &str, kind: &OpKind) -> Checked {
        match kind {
            OpKind::Drain if !self.is_bond(name) => {
                checks::bond_drain(&self.reader.bonds().0, name)
            }
            _ => Checked::Nothing,
        }
    }

    fn act(&self, name: &str, kind: &OpKind, to: Option<&str>) -> Act {
        if self.is_bond(name) {
            return match (kind, to) {
                (OpKind::Failover { .. }, Some(to)) => self.failover(name, to),
                (OpKind::Failover { .. }, None) => {
                    Act::NotApplicable(format!("{name}: name the slave to fail over to"))
                }
                (k, _) => Act::NotApplicable(format!(
                    "{name}: a bond can be failed over to another slave, not {} it; drain its slaves one by one",
                    k.verb()
                )),
            };
        }
        match kind {
            OpKind::Drain => {
                let Some(bond) = self.bond_of(name) else {
                    return Act::NotApplicable(format!("{name}: not a slave of any bond"));
                };
                match self.write(&bond, "slaves", &format!("-{name}")) {
                    Ok(done) => {
                        self.released.insert(name, &bond);
                        Act::Done(format!("{bond}: {done}"))
                    }
                    Err(e) => Act::Failed(e.to_string()),
                }
            }
            OpKind::Undrain => {
                if let Some(bond) = self.bond_of(name) {
                    return Act::NotApplicable(format!("{name}: already a slave of {bond}"));
                }
                let Some(bond) = self.released.parent(name) else {
                    return Act::NotApplicable(format!(
                        "{name}: not taken out of a bond by this agent since it started; enslave it by hand"
                    ));
                };
                match self.write(&bond, "slaves", &format!("+{name}")) {
                    Ok(done) => {
                        self.released.remove(name);
                        Act::Done(format!("{bond}: {done}"))
                    }
                    Err(e) => Act::Failed(e.to_string()),
                }
            }
            k => Act::NotApplicable(format!(
                "{name}: a bond slave can be drained (taken out of its bond) and undrained, not {} it",
                k.verb()
            )),
        }
    }
}
