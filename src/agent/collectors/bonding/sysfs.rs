//! `/sys/class/net/<bond>/bonding/` and each slave's `bonding_slave/`: one value per
//! file, no churn states.

use std::path::Path;

use super::{BondSlave, BondState, Lacp, mode_word};
use crate::agent::collectors::parse::{ParseError, SysTree, read_text};

/// Parse a bond from sysfs. `tree` holds `bonding/<attr>`, `operstate`, and for each
/// slave `slave/<name>/<attr>` (its `bonding_slave/` files plus `speed`).
pub fn parse_bond_sysfs(name: &str, tree: &SysTree, source: &str) -> Result<BondState, ParseError> {
    let slaves = tree
        .get("bonding/slaves")
        .ok_or_else(|| ParseError::new(source, "no bonding/slaves: not a bond"))?;
    let count = |path: &str| -> Result<Option<u32>, ParseError> {
        tree.get(path)
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| ParseError::new(source, format!("{path}: {v:?} is not a number")))
            })
            .transpose()
    };
    let mode = tree.get("bonding/mode").map(mode_word).unwrap_or_default();
    let mii_up = tree
        .get("bonding/mii_status")
        .or_else(|| tree.get("operstate"))
        .map(|v| v == "up");
    let lacp = if mode == "802.3ad" {
        Some(Lacp {
            rate: tree
                .get("bonding/lacp_rate")
                .and_then(|r| r.split_whitespace().next())
                .map(str::to_string),
            active_aggregator: count("bonding/ad_aggregator")?,
            partner_mac: tree.get("bonding/ad_partner_mac").map(str::to_lowercase),
            ports: count("bonding/ad_num_ports")?,
        })
    } else {
        None
    };
    let mut out = BondState {
        name: name.to_string(),
        mode,
        mii_up,
        active_slave: tree
            .get("bonding/active_slave")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        min_links: count("bonding/min_links")?,
        lacp,
        slaves: Vec::new(),
    };
    for s in slaves.split_whitespace() {
        let at = |attr: &str| format!("slave/{s}/{attr}");
        let state = |attr: &str| -> Result<Option<u8>, ParseError> {
            count(&at(attr))?
                .map(|v| {
                    u8::try_from(v).map_err(|_| {
                        ParseError::new(source, format!("{}: {v} is not a port state", at(attr)))
                    })
                })
                .transpose()
        };
        out.slaves.push(BondSlave {
            name: s.to_string(),
            mii_up: tree.get(&at("mii_status")) == Some("up"),
            // -1 while the link is down
            speed_mbps: tree.get(&at("speed")).and_then(|v| v.parse().ok()),
            link_failures: count(&at("link_failure_count"))?.map(u64::from),
            aggregator_id: count(&at("ad_aggregator_id"))?,
            actor_port_state: state("ad_actor_oper_port_state")?,
            partner_port_state: state("ad_partner_oper_port_state")?,
            ..BondSlave::default()
        });
    }
    Ok(out)
}

/// The bond's `bonding/` files and its slaves' `bonding_slave/` files. A slave's files
/// live under its own directory; copies of sysfs sometimes keep them only under the
/// bond's `slave_<name>` or `lower_<name>` links, so those are tried too.
pub(super) fn read_bond_tree(net: &Path, bond: &str) -> Result<SysTree, ParseError> {
    let dir = net.join(bond);
    let source = dir.display().to_string();
    let mut tree = SysTree::read(&dir.join("bonding"), 0, &|_| false)
        .map_err(|e| ParseError::new(&source, format!("cannot read bonding/: {e}")))?;
    tree.files = tree
        .files
        .into_iter()
        .map(|(k, v)| (format!("bonding/{k}"), v))
        .collect();
    if let Ok(t) = read_text(&dir.join("operstate")) {
        tree.files.insert("operstate".into(), t.trim().to_string());
    }
    let slaves = tree.get("bonding/slaves").unwrap_or("").to_string();
    for s in slaves.split_whitespace() {
        let candidates = [
            net.join(s),
            dir.join(format!("slave_{s}")),
            dir.join(format!("lower_{s}")),
        ];
        let Some(base) = candidates.iter().find(|c| c.join("bonding_slave").is_dir()) else {
            continue;
        };
        if let Ok(t) = SysTree::read(&base.join("bonding_slave"), 0, &|_| false) {
            for (k, v) in t.files {
                tree.files.insert(format!("slave/{s}/{k}"), v);
            }
        }
        if let Ok(speed) = read_text(&base.join("speed")) {
            tree.files
                .insert(format!("slave/{s}/speed"), speed.trim().to_string());
        }
    }
    Ok(tree)
}
