//! Which member of a group carries the work: the VRRP master of a gateway group, the
//! active slave of an active-backup bond. A real agent reads these from keepalived and the
//! bonding driver and reports them as flags (`MASTER`/`BACKUP`, `active`/`backup`); the
//! simulator keeps them here, moves them on a failover, and reports them the same way.

use std::collections::BTreeMap;

use smol_str::SmolStr;

use crate::model::{BondMode, Site};

/// Group id -> the member that carries its work.
pub type Active = BTreeMap<String, String>;

/// As the site starts: the highest-priority router of each gateway group, the first member
/// of each active-backup bond.
pub fn initial(site: &Site) -> Active {
    let mut out = Active::new();
    for g in &site.gateways {
        if let Some(m) = g.members.iter().max_by_key(|m| m.priority) {
            out.insert(g.id.clone(), m.id.clone());
        }
    }
    for b in site
        .bonds
        .iter()
        .filter(|b| b.mode == BondMode::ActiveBackup)
    {
        if let Some(m) = b.members.first() {
            out.insert(b.id.clone(), m.id.clone());
        }
    }
    out
}

/// The role flags of member `id`, as the real source words them.
pub fn flags(site: &Site, active: &Active, id: &str) -> Vec<SmolStr> {
    let role = |group: &str, yes: &'static str, no: &'static str| {
        let on = active.get(group).is_some_and(|m| m == id);
        vec![SmolStr::new_static(if on { yes } else { no })]
    };
    if let Some(g) = site
        .gateways
        .iter()
        .find(|g| g.members.iter().any(|m| m.id == id))
    {
        return role(&g.id, "MASTER", "BACKUP");
    }
    if let Some(b) = site
        .bonds
        .iter()
        .filter(|b| b.mode == BondMode::ActiveBackup)
        .find(|b| b.members.iter().any(|m| m.id == id))
    {
        return role(&b.id, "active", "backup");
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_starts_with_lb_1_master_and_a_failover_moves_it() {
        let site = crate::demo::site().unwrap_or_else(|e| panic!("{e}"));
        let mut active = initial(&site);
        assert_eq!(active.get("vrrp-51").map(String::as_str), Some("lb-1"));
        assert_eq!(flags(&site, &active, "lb-1"), ["MASTER"]);
        assert_eq!(flags(&site, &active, "lb-2"), ["BACKUP"]);
        active.insert("vrrp-51".into(), "lb-2".into());
        assert_eq!(flags(&site, &active, "lb-2"), ["MASTER"]);
        assert!(
            flags(&site, &active, "db1-sdc").is_empty(),
            "a drive has no role"
        );
    }
}
