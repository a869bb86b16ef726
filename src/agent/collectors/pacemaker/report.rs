//! What a cluster status means for redundancy: node states (a standby node still votes
//! but hosts nothing; an offline or unclean one has lost its vote), resources by id.

use smol_str::SmolStr;

use super::{ClusterStatus, NodeStatus, ResourceStatus};
use crate::api::{MemberReport, Metrics};
use crate::model::MemberState;

/// Reports: the cluster (under `cluster`), each node, and each resource by id (clone
/// instances folded into one). A resource whose id is also a node's name (the
/// connection of a remote or guest node) is left to the node's report.
pub fn cluster_reports(c: &ClusterStatus, cluster: &str, observed_at: f64) -> Vec<MemberReport> {
    let mut out = Vec::new();
    let mut flags: Vec<SmolStr> = Vec::new();
    match c.with_quorum {
        Some(false) => flags.push("no_quorum".into()),
        None => flags.push("no_dc".into()),
        Some(true) => {}
    }
    if c.maintenance_mode {
        flags.push("maintenance_mode".into());
    }
    if c.stonith_enabled == Some(false) {
        flags.push("stonith_disabled".into());
    }
    if !c.bans.is_empty() {
        flags.push("bans".into());
    }
    if !c.failures.is_empty() {
        flags.push("failures".into());
    }
    let mut metrics = Metrics::new();
    metrics.insert("nodes", c.nodes.len() as f64);
    metrics.insert(
        "nodes_online",
        c.nodes.iter().filter(|n| n.online).count() as f64,
    );
    metrics.insert("bans", c.bans.len() as f64);
    metrics.insert("failures", c.failures.len() as f64);
    out.push(MemberReport {
        id: cluster.into(),
        state: match c.with_quorum {
            Some(true) => MemberState::Ok,
            Some(false) => MemberState::Failed,
            None => MemberState::Unknown,
        },
        observed_at,
        rebuild: None,
        flags,
        metrics,
    });
    for n in &c.nodes {
        out.push(node_report(c, n, observed_at));
    }
    let mut ids: Vec<&str> = c.resources.iter().map(|r| r.id.as_str()).collect();
    ids.retain(|id| !c.nodes.iter().any(|n| n.name == *id));
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        if seen.insert(id) {
            out.push(resource_report(c, id, observed_at));
        }
    }
    out
}

fn node_report(c: &ClusterStatus, n: &NodeStatus, observed_at: f64) -> MemberReport {
    let state = if n.unclean || !n.online {
        MemberState::Failed
    } else if n.pending {
        MemberState::Unknown
    } else if n.maintenance {
        MemberState::Maintenance
    } else if n.standby {
        MemberState::Standby
    } else {
        MemberState::Ok
    };
    let mut flags: Vec<SmolStr> = Vec::new();
    for (on, word) in [
        (n.is_dc, "dc"),
        (n.kind == "remote", "remote"),
        (!n.online, "offline"),
        (n.unclean, "unclean"),
        (n.pending, "pending"),
        (n.maintenance, "maintenance"),
        (n.standby, "standby"),
        (n.standby_onfail, "standby_onfail"),
        (n.shutdown, "shutdown"),
    ] {
        if on {
            flags.push(word.into());
        }
    }
    let mut metrics = Metrics::new();
    metrics.insert("resources_running", f64::from(n.resources_running));
    let failures = c.failures.iter().filter(|f| f.node == n.name).count();
    metrics.insert("failures", failures as f64);
    MemberReport {
        id: n.name.as_str().into(),
        state,
        observed_at,
        rebuild: None,
        flags,
        metrics,
    }
}

fn resource_report(c: &ClusterStatus, id: &str, observed_at: f64) -> MemberReport {
    let instances: Vec<&ResourceStatus> = c.resources.iter().filter(|r| r.id == id).collect();
    let running = instances.iter().filter(|r| r.active).count();
    let failed = instances.iter().any(|r| r.failed || r.blocked);
    let disabled = instances
        .iter()
        .all(|r| r.target_role.as_deref() == Some("stopped"));
    let state = if failed {
        MemberState::Failed
    } else if running > 0 {
        MemberState::Ok
    } else if disabled {
        MemberState::Maintenance
    } else {
        MemberState::Failed
    };
    let mut flags: Vec<SmolStr> = Vec::new();
    let mut push = |f: String| {
        if !flags.iter().any(|x| *x == f) {
            flags.push(f.into());
        }
    };
    for r in &instances {
        if !r.role.is_empty() {
            push(r.role.to_lowercase());
        }
        for (on, word) in [
            (r.failed, "failed"),
            (r.blocked, "blocked"),
            (!r.managed, "unmanaged"),
        ] {
            if on {
                push(word.to_string());
            }
        }
    }
    for r in &instances {
        for node in &r.nodes {
            push(format!("on:{node}"));
        }
    }
    for b in c.bans.iter().filter(|b| b.resource == id) {
        push(format!("ban:{}", b.node));
    }
    let mut metrics = Metrics::new();
    metrics.insert("instances_running", running as f64);
    let failures = c.failures.iter().filter(|f| f.resource() == id).count();
    metrics.insert("failures", failures as f64);
    MemberReport {
        id: id.into(),
        state,
        observed_at,
        rebuild: None,
        flags,
        metrics,
    }
}
