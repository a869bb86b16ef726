//! Pacemaker: a node put in standby and back (`crm_standby --node N -v on|off`), a
//! resource moved to a node (`crm_resource --resource R --move --node N`) and its move
//! constraint cleared again (`--clear`). The tools run with the collector's `CIB_file`,
//! so a saved CIB is changed the same way a live cluster would be.

use std::path::{Path, PathBuf};

use super::{Act, Checked, Driver, checks, run_tool};
use crate::agent::collectors::command;
use crate::agent::collectors::pacemaker::{ClusterStatus, DEFAULT_COMMAND, parse_crm_mon};
use crate::agent::collectors::parse::ParseError;
use crate::ops::OpKind;

pub struct PacemakerDriver {
    /// The collector's `crm_mon` command, run to tell a node from a resource; `None`
    /// when the collector reads a saved output, which no tool can change.
    status: Option<Vec<String>>,
    cib_file: Option<PathBuf>,
}

impl PacemakerDriver {
    pub fn new(command: Option<&[String]>, saved_output: bool, cib_file: Option<&Path>) -> Self {
        let status = (!saved_output).then(|| match command {
            Some(argv) if !argv.is_empty() => argv.to_vec(),
            _ => DEFAULT_COMMAND.iter().map(|s| s.to_string()).collect(),
        });
        PacemakerDriver {
            status,
            cib_file: cib_file.map(Path::to_path_buf),
        }
    }

    fn env(&self) -> Vec<(&'static str, &Path)> {
        self.cib_file
            .iter()
            .map(|f| ("CIB_file", f.as_path()))
            .collect()
    }

    /// The cluster as it is now: the last round may be seconds old, and whether `name`
    /// is a node or a resource decides which tool runs.
    fn cluster(&self, argv: &[String]) -> Result<ClusterStatus, ParseError> {
        let out = command::run(argv, &self.env())?;
        if !out.success && !out.stdout.contains("<pacemaker-result") {
            return Err(ParseError::new(&out.source, out.why));
        }
        parse_crm_mon(&out.stdout, &out.source)
    }

    fn tool(&self, argv: &[&str]) -> Act {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        run_tool(&argv, &self.env())
    }
}

impl Driver for PacemakerDriver {
    fn collector(&self) -> &'static str {
        "pacemaker"
    }

    fn check(&self, name: &str, kind: &OpKind) -> Checked {
        let (OpKind::Standby, Some(argv)) = (kind, &self.status) else {
            return Checked::Nothing;
        };
        match self.cluster(argv) {
            Ok(c) if c.nodes.iter().any(|n| n.name == name) => checks::standby(&c, name),
            Ok(_) => Checked::Nothing,
            // what cannot be seen is not taken as fine
            Err(e) => Checked::Failed(format!("cannot read the cluster before a standby: {e}")),
        }
    }

    fn act(&self, name: &str, kind: &OpKind, to: Option<&str>) -> Act {
        let Some(argv) = &self.status else {
            return Act::NotApplicable(format!(
                "{name}: the pacemaker collector reads a saved crm_mon output (xml_file); there is no cluster to act on"
            ));
        };
        let cluster = match self.cluster(argv) {
            Ok(c) => c,
            Err(e) => return Act::Failed(e.to_string()),
        };
        if cluster.nodes.iter().any(|n| n.name == name) {
            return match kind {
                OpKind::Standby => self.tool(&["crm_standby", "--node", name, "-v", "on"]),
                OpKind::Undrain => self.tool(&["crm_standby", "--node", name, "-v", "off"]),
                OpKind::Drain => Act::NotApplicable(format!(
                    "{name}: use standby; shutting a node down is not done by the agent"
                )),
                k => Act::NotApplicable(format!(
                    "{name}: a Pacemaker node can be put in standby and taken out of it (undrain), not {} it",
                    k.verb()
                )),
            };
        }
        if cluster.resources.iter().any(|r| r.id == name) {
            return match (kind, to) {
                (OpKind::Move { .. }, Some(node)) => {
                    if !cluster.nodes.iter().any(|n| n.name == node) {
                        return Act::NotApplicable(format!(
                            "{name}: {node} is not a node of this cluster"
                        ));
                    }
                    self.tool(&["crm_resource", "--resource", name, "--move", "--node", node])
                }
                // Clearing removes the constraints a move (or ban) left, so the cluster
                // may place the resource freely again.
                (OpKind::Undrain, _) => self.tool(&["crm_resource", "--resource", name, "--clear"]),
                (k, _) => Act::NotApplicable(format!(
                    "{name}: a Pacemaker resource can be moved to a node and its move cleared (undrain), not {} it",
                    k.verb()
                )),
            };
        }
        Act::NotApplicable(format!(
            "{name}: neither a node nor a resource of this Pacemaker cluster"
        ))
    }
}
