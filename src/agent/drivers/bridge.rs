//! Linux bridge: a port drained by taking its link down (`ip link set dev PORT down`),
//! which the kernel's STP sees as the port disabled and recomputes the tree around, and
//! brought back up on undrain. Setting a port's STP state directly is refused while the
//! kernel runs STP itself (`EBUSY`), so the link is the one lever that always works.

use std::path::{Path, PathBuf};

use super::{Act, Driver, run_tool};
use crate::agent::collectors::parse::under;
use crate::ops::OpKind;

pub struct BridgeDriver {
    root: PathBuf,
}

impl BridgeDriver {
    pub fn new(root: Option<&Path>) -> Self {
        BridgeDriver {
            root: root.unwrap_or(Path::new("/")).to_path_buf(),
        }
    }
}

impl Driver for BridgeDriver {
    fn collector(&self) -> &'static str {
        "bridge"
    }

    fn act(&self, name: &str, kind: &OpKind, _to: Option<&str>) -> Act {
        let state = match kind {
            OpKind::Drain => "down",
            OpKind::Undrain => "up",
            k => {
                return Act::NotApplicable(format!(
                    "{name}: a bridge port can be drained (link down) and undrained (link up), not {} it",
                    k.verb()
                ));
            }
        };
        // `ip` acts on this host's links; a collector reading a copy under another root
        // reports links the tool cannot reach.
        if self.root != Path::new("/") {
            return Act::NotApplicable(format!(
                "{name}: the bridge collector reads a copy under {}; only the live system's ports (root /) are taken down",
                self.root.display()
            ));
        }
        let net = under(&self.root, "/sys/class/net");
        if net.join(name).join("bridge").is_dir() {
            return Act::NotApplicable(format!(
                "{name}: a bridge is not drained as a whole; drain one of its ports"
            ));
        }
        if !net.join(name).join("brport").is_dir() {
            return Act::NotApplicable(format!("{name}: not a bridge port"));
        }
        let argv: Vec<String> = ["ip", "link", "set", "dev", name, state]
            .iter()
            .map(|s| s.to_string())
            .collect();
        run_tool(&argv, &[])
    }
}
