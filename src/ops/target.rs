//! What an operation's target is in the site, and the live state as it would be after the
//! operation: the one place that knows which verb fits which kind of thing.

use crate::model::{BondMode, ElementState, Id, Kind, LiveState, MemberState, Site};

use super::{OpKind, Operation};

/// The thing an operation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Element { kind: Kind },
    RaidMember { array: Id },
    BondMember { bond: Id },
    Uplink { group: Id },
    Router { group: Id },
    ClusterNode { cluster: Id },
    Bond { mode: BondMode, members: Vec<Id> },
    Gateway { members: Vec<Id> },
    Resource { cluster: Id, nodes: Vec<Id> },
}

impl Target {
    /// Whether the agent that owns it must be told by id (a site-level unit: UPS, cooling,
    /// generator, a whole cluster node), which the console asks the operator to type.
    pub fn is_site_level(&self) -> bool {
        matches!(self, Target::Element { .. } | Target::ClusterNode { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("{0}: no element, group member, group or cluster resource of the site has this id")]
    Unknown(Id),
    #[error("{op} does not apply to {target} ({what})")]
    NotApplicable {
        op: &'static str,
        target: Id,
        what: String,
    },
    #[error("{target}: {to} is not one of its members")]
    NotAMember { target: Id, to: Id },
}

/// Find `id` in the site.
pub fn resolve(site: &Site, id: &str) -> Result<Target, TargetError> {
    if let Some(e) = site.elements.iter().find(|e| e.id == id) {
        return Ok(Target::Element { kind: e.kind });
    }
    for r in &site.raid {
        if r.members.iter().chain(&r.spares).any(|m| m == id) {
            return Ok(Target::RaidMember {
                array: r.id.clone(),
            });
        }
    }
    for b in &site.bonds {
        if b.id == id {
            return Ok(Target::Bond {
                mode: b.mode,
                members: b.members.iter().map(|m| m.id.clone()).collect(),
            });
        }
        if b.members.iter().any(|m| m.id == id) {
            return Ok(Target::BondMember { bond: b.id.clone() });
        }
    }
    for g in &site.bridges {
        if g.members.iter().any(|m| m.id == id) {
            return Ok(Target::Uplink {
                group: g.id.clone(),
            });
        }
    }
    for g in &site.gateways {
        if g.id == id {
            return Ok(Target::Gateway {
                members: g.members.iter().map(|m| m.id.clone()).collect(),
            });
        }
        if g.members.iter().any(|m| m.id == id) {
            return Ok(Target::Router {
                group: g.id.clone(),
            });
        }
    }
    for c in &site.clusters {
        if c.nodes.iter().any(|n| n.id == id) {
            return Ok(Target::ClusterNode {
                cluster: c.id.clone(),
            });
        }
        if c.resources.iter().any(|r| r.id == id) {
            return Ok(Target::Resource {
                cluster: c.id.clone(),
                nodes: c.nodes.iter().map(|n| n.id.clone()).collect(),
            });
        }
    }
    Err(TargetError::Unknown(id.to_string()))
}

fn not_applicable(op: &Operation, what: impl Into<String>) -> TargetError {
    TargetError::NotApplicable {
        op: op.kind.verb(),
        target: op.target.clone(),
        what: what.into(),
    }
}

/// The live state after `op`, and the member a failover or move hands the work to (the
/// preflight checks that one is really available).
pub fn apply(
    site: &Site,
    live: &LiveState,
    op: &Operation,
) -> Result<(LiveState, Option<Id>), TargetError> {
    let target = resolve(site, &op.target)?;
    let mut after = live.clone();
    let id = op.target.clone();
    let mut partner = None;
    match (&op.kind, &target) {
        (OpKind::Drain, Target::Element { .. }) => {
            after.elements.insert(id, ElementState::Maintenance);
        }
        (OpKind::Undrain, Target::Element { .. }) => {
            after.elements.remove(&id);
        }
        (OpKind::Failover { to }, Target::Element { kind: Kind::Ups })
            if to.as_deref().is_none_or(|t| t == "bypass") =>
        {
            after.elements.insert(id, ElementState::Bypass);
        }
        (
            OpKind::Drain,
            Target::RaidMember { .. }
            | Target::BondMember { .. }
            | Target::Uplink { .. }
            | Target::Router { .. }
            | Target::ClusterNode { .. },
        ) => {
            after.members.insert(id, MemberState::Maintenance);
        }
        (OpKind::Standby, Target::ClusterNode { .. }) => {
            after.members.insert(id, MemberState::Standby);
        }
        (
            OpKind::Undrain,
            Target::RaidMember { .. }
            | Target::BondMember { .. }
            | Target::Uplink { .. }
            | Target::Router { .. }
            | Target::ClusterNode { .. },
        ) => {
            after.members.remove(&id);
        }
        (
            OpKind::Failover { to: Some(to) },
            Target::Gateway { members }
            | Target::Bond {
                mode: BondMode::ActiveBackup,
                members,
            },
        ) => {
            if !members.contains(to) {
                return Err(TargetError::NotAMember {
                    target: id,
                    to: to.clone(),
                });
            }
            // Which member is active is not part of the redundancy model: handing over to a
            // healthy partner changes no grade, which is exactly what the plan should show.
            partner = Some(to.clone());
        }
        (OpKind::Move { to }, Target::Resource { nodes, .. }) => {
            if !nodes.contains(to) {
                return Err(TargetError::NotAMember {
                    target: id,
                    to: to.clone(),
                });
            }
            partner = Some(to.clone());
        }
        (OpKind::Failover { .. }, Target::Element { kind }) => {
            return Err(not_applicable(
                op,
                format!(
                    "a {} has no partner to fail over to; only a UPS fails over, to its bypass",
                    kind.name()
                ),
            ));
        }
        (_, t) => return Err(not_applicable(op, describe(t))),
    }
    Ok((after, partner))
}

fn describe(t: &Target) -> String {
    match t {
        Target::Element { kind } => format!("a {}", kind.name()),
        Target::RaidMember { array } => format!("a member of RAID array {array}"),
        Target::BondMember { bond } => format!("a member of bond {bond}"),
        Target::Uplink { group } => format!("an uplink of {group}"),
        Target::Router { group } => format!("a router of gateway group {group}"),
        Target::ClusterNode { cluster } => format!("a node of cluster {cluster}"),
        Target::Bond { mode, .. } => format!("a bond in {mode:?} mode"),
        Target::Gateway { .. } => "a gateway group: fail it over to a member".to_string(),
        Target::Resource { cluster, .. } => {
            format!("a resource of cluster {cluster}: move it to a node")
        }
    }
}

/// The agent that carries out an operation on `id`: its owner in the site file, or, when
/// the file names none, the one agent there is (a one-agent site need not say it).
pub fn carrier<'a>(
    site: &Site,
    id: &str,
    agents: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    owner(site, id).or_else(|| {
        let mut agents = agents.into_iter();
        match (agents.next(), agents.next()) {
            (Some(only), None) => Some(only.to_string()),
            _ => None,
        }
    })
}

/// The agent that reports `id` (an element, a group member, a group or a resource), as the
/// site file names it; `None` when the site assigns it to no agent.
pub fn owner(site: &Site, id: &str) -> Option<String> {
    if let Some(e) = site.elements.iter().find(|e| e.id == id) {
        return e.agent.clone();
    }
    let raid = site
        .raid
        .iter()
        .find(|r| r.members.iter().chain(&r.spares).any(|m| m == id));
    if let Some(r) = raid {
        return r.agent.clone();
    }
    let bond = site
        .bonds
        .iter()
        .find(|b| b.id == id || b.members.iter().any(|m| m.id == id));
    if let Some(b) = bond {
        return b.agent.clone();
    }
    if let Some(g) = site
        .bridges
        .iter()
        .find(|g| g.members.iter().any(|m| m.id == id))
    {
        return g.agent.clone();
    }
    let gateway = site
        .gateways
        .iter()
        .find(|g| g.id == id || g.members.iter().any(|m| m.id == id));
    if let Some(g) = gateway {
        return g.agent.clone();
    }
    site.clusters
        .iter()
        .find(|c| c.nodes.iter().any(|n| n.id == id) || c.resources.iter().any(|r| r.id == id))
        .and_then(|c| c.agent.clone())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::carrier;

    #[test]
    fn the_carrier_is_the_owner_or_the_only_agent_never_a_guess() {
        let site = crate::demo::site().unwrap();
        // the demo names its agents: the owner wins over any list
        assert_eq!(
            carrier(&site, "UPS-A1", ["x"]),
            super::owner(&site, "UPS-A1")
        );
        let mut bare = site.clone();
        for e in &mut bare.elements {
            e.agent = None;
        }
        assert_eq!(carrier(&bare, "UPS-A1", ["sim"]).as_deref(), Some("sim"));
        assert_eq!(
            carrier(&bare, "UPS-A1", ["a", "b"]),
            None,
            "two agents: no guessing"
        );
        assert_eq!(carrier(&bare, "UPS-A1", []), None);
    }
}
