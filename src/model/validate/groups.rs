//! Checks of the IT-level groups: member counts a level needs, positive speeds and timers,
//! quorum settings that can hold.

use super::super::it::{GatewayProtocol, QuorumPolicy, RaidLevel};
use super::super::site::Site;
use super::{Locator, bad_number};

pub(super) fn check(site: &Site, loc: &mut Locator) {
    for r in &site.raid {
        let n = r.members.len();
        let min = match r.level {
            RaidLevel::Raid0 => 1,
            RaidLevel::Raid1 => 2,
            RaidLevel::Raid5 => 3,
            RaidLevel::Raid6 => 4,
            RaidLevel::Raid10 => (r.copies as usize).max(2) * 2,
        };
        if n < min {
            loc.at_decl(
                &r.id,
                format!(
                    "RAID array {}: {:?} needs at least {min} members, has {n}",
                    r.id, r.level
                ),
            );
        }
        if r.level == RaidLevel::Raid10 && (r.copies < 2 || n % (r.copies as usize).max(1) != 0) {
            loc.at_decl(
                &r.id,
                format!(
                    "RAID array {}: RAID10 with {} copies needs a multiple of {} members, has {n}",
                    r.id, r.copies, r.copies
                ),
            );
        }
        for v in [r.drive_tb, r.drive_mttf_h, r.rebuild_h, r.ure_per_bit]
            .into_iter()
            .flatten()
        {
            if bad_number(v, false) {
                loc.at_decl(
                    &r.id,
                    format!(
                        "RAID array {}: drive figures must be positive, got {v}",
                        r.id
                    ),
                );
            }
        }
    }
    for b in &site.bonds {
        if b.members.is_empty() {
            loc.at_decl(&b.id, format!("bond {}: has no members", b.id));
        }
        for m in &b.members {
            if bad_number(m.speed_gbps, false) {
                loc.at_decl(
                    &m.id,
                    format!("bond member {}: speed_gbps must be positive", m.id),
                );
            }
        }
        if let Some(d) = b.demand_gbps
            && bad_number(d, true)
        {
            loc.at_decl(&b.id, format!("bond {}: demand_gbps must be >= 0", b.id));
        }
    }
    for g in &site.bridges {
        if g.members.is_empty() {
            loc.at_decl(&g.id, format!("bridge group {}: has no uplinks", g.id));
        }
        if bad_number(g.demand_gbps, true) {
            loc.at_decl(
                &g.id,
                format!("bridge group {}: demand_gbps must be >= 0", g.id),
            );
        }
        for m in &g.members {
            if bad_number(m.speed_gbps, false) {
                loc.at_decl(
                    &m.id,
                    format!("uplink {}: speed_gbps must be positive", m.id),
                );
            }
        }
    }
    for g in &site.gateways {
        if g.members.is_empty() {
            loc.at_decl(&g.id, format!("gateway group {}: has no routers", g.id));
        }
        for v in [g.advert_s, g.hold_s].into_iter().flatten() {
            if bad_number(v, false) {
                loc.at_decl(
                    &g.id,
                    format!(
                        "gateway group {}: timers must be positive seconds, got {v}",
                        g.id
                    ),
                );
            }
        }
        if g.protocol == GatewayProtocol::Vrrp && !(2..=3).contains(&g.version) {
            loc.at_decl(
                &g.id,
                format!("gateway group {}: VRRP version must be 2 or 3", g.id),
            );
        }
        if g.forwarders_needed == 0 {
            loc.at_decl(
                &g.id,
                format!(
                    "gateway group {}: forwarders_needed must be at least 1",
                    g.id
                ),
            );
        }
    }
    for c in &site.clusters {
        if c.nodes.is_empty() {
            loc.at_decl(&c.id, format!("cluster {}: has no nodes", c.id));
        }
        if c.nodes_needed == 0 || c.nodes_needed as usize > c.nodes.len() {
            loc.at_decl(
                &c.id,
                format!(
                    "cluster {}: nodes_needed must be 1..={}, got {}",
                    c.id,
                    c.nodes.len(),
                    c.nodes_needed
                ),
            );
        }
        if bad_number(c.failover_s, true) {
            loc.at_decl(&c.id, format!("cluster {}: failover_s must be >= 0", c.id));
        }
        if c.quorum == QuorumPolicy::TwoNode && c.nodes.len() != 2 {
            loc.at_decl(
                &c.id,
                format!("cluster {}: two_node quorum needs exactly 2 nodes", c.id),
            );
        }
        if c.quorum == QuorumPolicy::DiskOnly && c.witness.is_none() {
            loc.at_decl(
                &c.id,
                format!("cluster {}: disk_only quorum needs a witness", c.id),
            );
        }
    }
}
