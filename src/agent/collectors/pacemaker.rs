//! The `pacemaker` collector: a Pacemaker cluster as `crm_mon --output-as=xml` sees it
//! (api 2.x, `xml/api/crm_mon-2.*.rng`): nodes, resources and where they run, quorum,
//! bans left behind, failed operations. Parsing (`parse_crm_mon`) is pure; the collector
//! runs `crm_mon` (optionally on a saved CIB through `CIB_file`) or reads a saved output.

use std::path::{Path, PathBuf};

use super::command;
use super::parse::{ParseError, finish, read_text};
use super::{Collected, Collector, CollectorError};
use crate::api;

mod report;
#[cfg(test)]
mod tests;

pub use report::cluster_reports;

const NAME: &str = "pacemaker";
pub const DEFAULT_COMMAND: [&str; 3] = ["crm_mon", "--one-shot", "--output-as=xml"];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterStatus {
    pub dc: Option<String>,
    /// `None` when no DC is elected: then nobody can say.
    pub with_quorum: Option<bool>,
    pub maintenance_mode: bool,
    pub stonith_enabled: Option<bool>,
    pub nodes: Vec<NodeStatus>,
    /// One per `<resource>`: a clone lists each instance.
    pub resources: Vec<ResourceStatus>,
    pub bans: Vec<Ban>,
    pub failures: Vec<Failure>,
    /// Items without the attributes that identify them; the rest still counts.
    pub skipped: Vec<ParseError>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeStatus {
    pub name: String,
    /// `member` or `remote`.
    pub kind: String,
    pub online: bool,
    pub standby: bool,
    pub standby_onfail: bool,
    pub maintenance: bool,
    pub pending: bool,
    pub unclean: bool,
    pub shutdown: bool,
    pub is_dc: bool,
    pub resources_running: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceStatus {
    pub id: String,
    pub agent: String,
    /// `Started`, `Stopped`, `Promoted`, `Unpromoted` ...
    pub role: String,
    pub target_role: Option<String>,
    pub active: bool,
    pub managed: bool,
    pub failed: bool,
    pub blocked: bool,
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ban {
    pub id: String,
    pub resource: String,
    pub node: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub op_key: String,
    pub node: String,
    pub exitstatus: String,
    pub exitreason: String,
}

impl Failure {
    /// `dummy-2_monitor_0` -> `dummy-2`: op keys are `<resource>_<task>_<interval>`.
    pub fn resource(&self) -> &str {
        let mut parts = self.op_key.rsplitn(3, '_');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(_), Some(rsc)) => rsc,
            _ => &self.op_key,
        }
    }
}

fn flag(n: &roxmltree::Node, attr: &str) -> bool {
    n.attribute(attr) == Some("true")
}

fn child<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    parent.children().find(|c| c.has_tag_name(name))
}

fn text(n: &roxmltree::Node, attr: &str) -> String {
    n.attribute(attr).unwrap_or("").to_string()
}

/// Parse `crm_mon --output-as=xml`.
pub fn parse_crm_mon(xml: &str, source: &str) -> Result<ClusterStatus, ParseError> {
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| ParseError::new(source, format!("not XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "pacemaker-result" {
        return Err(ParseError::new(
            source,
            format!(
                "not crm_mon XML: root element is <{}>",
                root.tag_name().name()
            ),
        ));
    }
    if let Some(status) = child(root, "status")
        && status.attribute("code") != Some("0")
    {
        return Err(ParseError::new(
            source,
            format!(
                "crm_mon failed: code {} ({})",
                status.attribute("code").unwrap_or("?"),
                status.attribute("message").unwrap_or("no message")
            ),
        ));
    }
    let mut out = ClusterStatus::default();
    if let Some(summary) = child(root, "summary") {
        if let Some(dc) = child(summary, "current_dc").filter(|d| flag(d, "present")) {
            out.dc = dc.attribute("name").map(str::to_string);
            out.with_quorum = dc.attribute("with_quorum").map(|q| q == "true");
        }
        if let Some(o) = child(summary, "cluster_options") {
            out.maintenance_mode = flag(&o, "maintenance-mode");
            out.stonith_enabled = o.attribute("stonith-enabled").map(|s| s == "true");
        }
    } else {
        return Err(ParseError::new(source, "no <summary>: not crm_mon status"));
    }
    let nodes = child(root, "nodes").into_iter().flat_map(|n| n.children());
    for n in nodes.filter(|n| n.has_tag_name("node")) {
        let Some(name) = n.attribute("name") else {
            out.skipped
                .push(ParseError::new(source, "a <node> without a name"));
            continue;
        };
        out.nodes.push(NodeStatus {
            name: name.to_string(),
            kind: text(&n, "type"),
            online: flag(&n, "online"),
            standby: flag(&n, "standby"),
            standby_onfail: flag(&n, "standby_onfail"),
            maintenance: flag(&n, "maintenance"),
            pending: flag(&n, "pending"),
            unclean: flag(&n, "unclean"),
            shutdown: flag(&n, "shutdown"),
            is_dc: flag(&n, "is_dc"),
            resources_running: n
                .attribute("resources_running")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0),
        });
    }
    if let Some(resources) = child(root, "resources") {
        for r in resources
            .descendants()
            .filter(|r| r.has_tag_name("resource"))
        {
            let Some(id) = r.attribute("id") else {
                out.skipped
                    .push(ParseError::new(source, "a <resource> without an id"));
                continue;
            };
            out.resources.push(ResourceStatus {
                id: id.to_string(),
                agent: text(&r, "resource_agent"),
                role: text(&r, "role"),
                target_role: r.attribute("target_role").map(str::to_lowercase),
                active: flag(&r, "active"),
                managed: r.attribute("managed") != Some("false"),
                failed: flag(&r, "failed"),
                blocked: flag(&r, "blocked"),
                nodes: r
                    .children()
                    .filter(|c| c.has_tag_name("node"))
                    .filter_map(|c| c.attribute("name").map(str::to_string))
                    .collect(),
            });
        }
    }
    let bans = child(root, "bans").into_iter().flat_map(|b| b.children());
    for b in bans.filter(|b| b.has_tag_name("ban")) {
        match (b.attribute("resource"), b.attribute("node")) {
            (Some(resource), Some(node)) => out.bans.push(Ban {
                id: text(&b, "id"),
                resource: resource.to_string(),
                node: node.to_string(),
            }),
            _ => out
                .skipped
                .push(ParseError::new(source, "a <ban> without resource or node")),
        }
    }
    let failures = child(root, "failures")
        .into_iter()
        .flat_map(|f| f.children());
    for f in failures.filter(|f| f.has_tag_name("failure")) {
        out.failures.push(Failure {
            op_key: text(&f, "op_key"),
            node: text(&f, "node"),
            exitstatus: text(&f, "exitstatus"),
            exitreason: text(&f, "exitreason"),
        });
    }
    Ok(out)
}

/// Where the XML comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Run this command (argv); `cib_file` is passed as `CIB_file` to read a saved CIB.
    Command {
        argv: Vec<String>,
        cib_file: Option<PathBuf>,
    },
    /// A saved `crm_mon --output-as=xml` output.
    XmlFile(PathBuf),
}

pub struct PacemakerCollector {
    source: Source,
    cluster: String,
}

impl PacemakerCollector {
    pub fn new(
        command: Option<&[String]>,
        xml_file: Option<&Path>,
        cib_file: Option<&Path>,
        cluster: Option<&str>,
    ) -> Result<Self, CollectorError> {
        let source = match (command, xml_file) {
            (Some(_), Some(_)) => {
                return Err(
                    ParseError::new("config", "give either command or xml_file, not both")
                        .into_collector(NAME),
                );
            }
            (None, Some(f)) => Source::XmlFile(f.to_path_buf()),
            (argv, None) => {
                let argv: Vec<String> = match argv {
                    Some(a) => a.to_vec(),
                    None => DEFAULT_COMMAND.iter().map(|s| s.to_string()).collect(),
                };
                if argv.is_empty() {
                    return Err(ParseError::new("config", "command is empty").into_collector(NAME));
                }
                Source::Command {
                    argv,
                    cib_file: cib_file.map(Path::to_path_buf),
                }
            }
        };
        Ok(PacemakerCollector {
            source,
            cluster: cluster.unwrap_or("pacemaker").to_string(),
        })
    }

    fn read(&self) -> Result<(String, String), ParseError> {
        match &self.source {
            Source::XmlFile(path) => Ok((path.display().to_string(), read_text(path)?)),
            Source::Command { argv, cib_file } => {
                let env: Vec<(&str, &Path)> =
                    cib_file.iter().map(|f| ("CIB_file", f.as_path())).collect();
                let out = command::run(argv, &env)?;
                // crm_mon exits non-zero without quorum or a DC yet still writes a full
                // status; the XML's own <status> says what went wrong, so prefer it.
                if !out.success && !out.stdout.contains("<pacemaker-result") {
                    return Err(ParseError::new(&out.source, out.why));
                }
                Ok((out.source, out.stdout))
            }
        }
    }
}

impl Collector for PacemakerCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let (source, xml) = self.read().map_err(|e| e.into_collector(NAME))?;
        let status = parse_crm_mon(&xml, &source).map_err(|e| e.into_collector(NAME))?;
        out.members
            .extend(cluster_reports(&status, &self.cluster, api::unix_now()));
        finish(NAME, status.skipped)
    }
}
