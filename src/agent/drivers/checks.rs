//! What an agent checks on its own source before it acts, whatever verdict the request
//! claims: the agent sees only its sources, but what it sees it does not take on trust.
//! Pure functions over what the collectors parse, so each is tested on plain data.

use super::Checked;
use crate::agent::collectors::bonding::BondState;
use crate::agent::collectors::mdraid::{MdArray, MdRole};
use crate::agent::collectors::pacemaker::ClusterStatus;

/// Draining (failing and removing) md member `name`: refused when its array is already
/// degraded or rebuilding, unless the member is itself the faulty one or a spare (taking
/// those out loses no redundancy).
pub fn md_drain(arrays: &[MdArray], name: &str) -> Checked {
    let Some((array, member)) = arrays
        .iter()
        .find_map(|a| a.members.iter().find(|m| m.name == name).map(|m| (a, m)))
    else {
        return Checked::Nothing;
    };
    match member.role {
        MdRole::Faulty => {
            return Checked::Passed(format!(
                "{name} is faulty in {}: removing it loses nothing",
                array.name
            ));
        }
        MdRole::Spare => {
            return Checked::Passed(format!(
                "{name} is a spare of {}: no slot depends on it",
                array.name
            ));
        }
        MdRole::Active | MdRole::Rebuilding => {}
    }
    let mut trouble: Vec<String> = Vec::new();
    if array.degraded > 0 {
        let of = array
            .raid_disks
            .map_or_else(String::new, |n| format!(" of {n}"));
        trouble.push(format!(
            "{} slot(s){of} without a working device",
            array.degraded
        ));
    }
    for m in array.members.iter().filter(|m| m.name != name) {
        match m.role {
            MdRole::Faulty => trouble.push(format!("{} failed", m.name)),
            MdRole::Rebuilding => trouble.push(format!("{} rebuilding", m.name)),
            MdRole::Active | MdRole::Spare => {}
        }
    }
    if member.role == MdRole::Rebuilding {
        trouble.push(format!("{name} itself is rebuilding"));
    }
    if let Some(sync) = array
        .sync
        .as_ref()
        .filter(|s| matches!(s.action.as_str(), "recover" | "reshape"))
    {
        trouble.push(format!("a {} is running", sync.action));
    }
    if trouble.is_empty() {
        Checked::Passed(format!(
            "{} is whole ({} members besides {name})",
            array.name,
            array.members.len().saturating_sub(1)
        ))
    } else {
        Checked::Failed(format!(
            "{} is already degraded ({}): removing {name} could lose the array",
            array.name,
            trouble.join(", ")
        ))
    }
}

/// Draining (taking out of its bond) slave `name`: refused when no other slave of its bond
/// has link, or when fewer than the bond's `min_links` would be left.
pub fn bond_drain(bonds: &[BondState], name: &str) -> Checked {
    let Some(bond) = bonds
        .iter()
        .find(|b| b.slaves.iter().any(|s| s.name == name))
    else {
        return Checked::Nothing;
    };
    let others: Vec<&str> = bond
        .slaves
        .iter()
        .filter(|s| s.name != name && s.mii_up)
        .map(|s| s.name.as_str())
        .collect();
    let need = bond.min_links.unwrap_or(0).max(1) as usize;
    if others.is_empty() {
        return Checked::Failed(format!(
            "{name} is the last slave of {} with link: the bond would lose carrier",
            bond.name
        ));
    }
    if others.len() < need {
        return Checked::Failed(format!(
            "{} would keep {} slave(s) with link ({}), below its min_links {need}: it would drop carrier",
            bond.name,
            others.len(),
            others.join(", ")
        ));
    }
    Checked::Passed(format!(
        "{} keeps {} slave(s) with link: {}",
        bond.name,
        others.len(),
        others.join(", ")
    ))
}

/// Node `name` into standby: refused when the cluster has no quorum by this agent's own
/// `crm_mon` (or it cannot say, having no DC), or when no other online node outside standby
/// and maintenance would be left to run the resources. A standby node keeps its quorum
/// vote, so standby itself does not change the votes.
pub fn standby(cluster: &ClusterStatus, name: &str) -> Checked {
    match cluster.with_quorum {
        Some(true) => {}
        Some(false) => {
            return Checked::Failed(format!(
                "crm_mon says the cluster has no quorum: {name}'s resources could not start elsewhere"
            ));
        }
        None => {
            return Checked::Failed(
                "crm_mon shows no DC, so whether the cluster has quorum cannot be told".into(),
            );
        }
    }
    let hosts: Vec<&str> = cluster
        .nodes
        .iter()
        .filter(|n| n.name != name)
        .filter(|n| n.online && !n.standby && !n.maintenance && !n.unclean && !n.shutdown)
        .map(|n| n.name.as_str())
        .collect();
    if hosts.is_empty() {
        return Checked::Failed(format!(
            "{name} is the last online node not in standby: every resource would stop"
        ));
    }
    Checked::Passed(format!(
        "crm_mon: quorum held; {} other node(s) can host: {}",
        hosts.len(),
        hosts.join(", ")
    ))
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
