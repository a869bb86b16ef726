//! Linux md RAID: a member drained for replacement (`mdadm /dev/mdX --fail /dev/DEV
//! --remove /dev/DEV`) and added back (`mdadm /dev/mdX --add /dev/DEV`), the array found
//! where the collector reads it (sysfs or `/proc/mdstat` under its `root`).

use std::path::Path;

use super::{Act, Checked, Driver, Released, checks, run_tool};
use crate::agent::collectors::mdraid::{MdRole, MdraidCollector};
use crate::ops::OpKind;

pub struct MdraidDriver {
    reader: MdraidCollector,
    mdadm: String,
    released: Released,
}

/// A kernel device name as a `/dev` path: sysfs writes `/` in names as `!`
/// (`cciss!c0d0`).
fn dev(name: &str) -> String {
    format!("/dev/{}", name.replace('!', "/"))
}

impl MdraidDriver {
    pub fn new(root: Option<&Path>, mdadm: Option<&str>) -> Self {
        MdraidDriver {
            reader: MdraidCollector::new(root),
            mdadm: mdadm.unwrap_or("mdadm").to_string(),
            released: Released::default(),
        }
    }

    fn mdadm(&self, args: &[String]) -> Act {
        let mut argv = vec![self.mdadm.clone()];
        argv.extend_from_slice(args);
        run_tool(&argv, &[])
    }
}

impl Driver for MdraidDriver {
    fn collector(&self) -> &'static str {
        "mdraid"
    }

    fn released(&self, name: &str) -> bool {
        self.released.parent(name).is_some()
    }

    fn check(&self, name: &str, kind: &OpKind) -> Checked {
        match kind {
            OpKind::Drain => checks::md_drain(&self.reader.arrays().0, name),
            _ => Checked::Nothing,
        }
    }

    fn act(&self, name: &str, kind: &OpKind, _to: Option<&str>) -> Act {
        // Read now, not from the last round: the member may have moved since.
        let (arrays, _) = self.reader.arrays();
        if arrays.iter().any(|a| a.name == name) {
            return Act::NotApplicable(format!(
                "{name}: an md array is not drained as a whole; drain one of its members"
            ));
        }
        let holding: Vec<(&str, MdRole)> = arrays
            .iter()
            .flat_map(|a| {
                a.members
                    .iter()
                    .filter(|m| m.name == name)
                    .map(|m| (a.name.as_str(), m.role))
            })
            .collect();
        match kind {
            OpKind::Drain => {
                let array = match holding.as_slice() {
                    [(array, _)] => *array,
                    [] => {
                        return Act::NotApplicable(format!("{name}: not a member of any md array"));
                    }
                    _ => {
                        return Act::NotApplicable(format!(
                            "{name}: listed in several md arrays; the agent will not guess which"
                        ));
                    }
                };
                let (md, d) = (dev(array), dev(name));
                let act = self.mdadm(&[md, "--fail".into(), d.clone(), "--remove".into(), d]);
                if matches!(act, Act::Done(_)) {
                    self.released.insert(name, array);
                }
                act
            }
            OpKind::Undrain => {
                if let Some((array, role)) = holding.first() {
                    return Act::NotApplicable(format!(
                        "{name}: still in {array} ({role:?}); only a removed member can be added back"
                    ));
                }
                let Some(array) = self.released.parent(name) else {
                    return Act::NotApplicable(format!(
                        "{name}: not removed from an array by this agent since it started; add it with mdadm by hand"
                    ));
                };
                let act = self.mdadm(&[dev(&array), "--add".into(), dev(name)]);
                if matches!(act, Act::Done(_)) {
                    self.released.remove(name);
                }
                act
            }
            k => Act::NotApplicable(format!(
                "{name}: an md member can be drained (failed and removed) and added back (undrain), not {} it",
                k.verb()
            )),
        }
    }
}
