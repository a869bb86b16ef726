//! `/proc/net/bonding/<bond>`, as the kernel's `drivers/net/bonding/bond_procfs.c`
//! writes it: `key: value` lines for the bond, its active aggregator, then a block per
//! slave with the actor's and partner's LACP PDU details.

use super::{BondSlave, BondState, Lacp, mode_word};
use crate::agent::collectors::parse::ParseError;

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Bond,
    Aggregator,
    Slave,
    ActorPdu,
    PartnerPdu,
}

/// Parse `/proc/net/bonding/<name>`.
pub fn parse_bond_proc(name: &str, text: &str, source: &str) -> Result<BondState, ParseError> {
    let mut b = BondState {
        name: name.to_string(),
        ..BondState::default()
    };
    let mut part = Part::Bond;
    let mut saw_mode = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let bad = |what: &str| {
            ParseError::new(
                &format!("{source}:{}", i + 1),
                format!("{what} in {line:?}"),
            )
        };
        if line.ends_with("has no active aggregator") {
            b.lacp.get_or_insert_with(Lacp::default).active_aggregator = None;
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let number = |v: &str| {
            v.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        };
        match (part, key) {
            (_, "Slave Interface") => {
                if value.is_empty() {
                    return Err(bad("slave without a name"));
                }
                b.slaves.push(BondSlave {
                    name: value.to_string(),
                    ..BondSlave::default()
                });
                part = Part::Slave;
            }
            (Part::Bond, "Active Aggregator Info") => part = Part::Aggregator,
            (Part::Slave | Part::ActorPdu | Part::PartnerPdu, "details actor lacp pdu") => {
                part = Part::ActorPdu;
            }
            (Part::Slave | Part::ActorPdu | Part::PartnerPdu, "details partner lacp pdu") => {
                part = Part::PartnerPdu;
            }
            (Part::Bond, "Bonding Mode") => {
                b.mode = mode_word(value);
                saw_mode = true;
            }
            (Part::Bond, "MII Status") => b.mii_up = Some(value == "up"),
            (Part::Bond, "Currently Active Slave") if value != "None" => {
                b.active_slave = Some(value.to_string());
            }
            (Part::Bond, "Min links") => {
                b.min_links = Some(
                    number(value)
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| bad("bad min links"))?,
                );
            }
            (Part::Bond, "802.3ad info") => {
                b.lacp.get_or_insert_with(Lacp::default);
            }
            (Part::Bond, "LACP rate") => {
                b.lacp.get_or_insert_with(Lacp::default).rate = Some(value.to_string())
            }
            (Part::Aggregator, "Aggregator ID") => {
                b.lacp.get_or_insert_with(Lacp::default).active_aggregator =
                    number(value).and_then(|n| u32::try_from(n).ok());
            }
            (Part::Aggregator, "Number of ports") => {
                b.lacp.get_or_insert_with(Lacp::default).ports =
                    number(value).and_then(|n| u32::try_from(n).ok());
            }
            (Part::Aggregator, "Partner Mac Address") => {
                b.lacp.get_or_insert_with(Lacp::default).partner_mac = Some(value.to_lowercase());
            }
            (Part::Slave | Part::ActorPdu | Part::PartnerPdu, _) => {
                let Some(s) = b.slaves.last_mut() else {
                    continue;
                };
                match (part, key) {
                    (Part::Slave, "MII Status") => s.mii_up = value == "up",
                    // `Unknown` while the link is down
                    (Part::Slave, "Speed") => {
                        s.speed_mbps = number(value).and_then(|n| u32::try_from(n).ok())
                    }
                    (Part::Slave, "Link Failure Count") => {
                        s.link_failures =
                            Some(number(value).ok_or_else(|| bad("bad link failure count"))?);
                    }
                    (Part::Slave, "Aggregator ID") => {
                        s.aggregator_id = number(value).and_then(|n| u32::try_from(n).ok())
                    }
                    (Part::Slave, "Actor Churn State") => s.actor_churned = value == "churned",
                    (Part::Slave, "Partner Churn State") => s.partner_churned = value == "churned",
                    (Part::Slave, "Actor Churned Count" | "Partner Churned Count") => {
                        let n = number(value).ok_or_else(|| bad("bad churned count"))?;
                        s.churn_count = s.churn_count.saturating_add(n);
                    }
                    (Part::ActorPdu, "port state") => {
                        s.actor_port_state =
                            Some(port_state(value).ok_or_else(|| bad("bad port state"))?);
                    }
                    (Part::PartnerPdu, "port state") => {
                        s.partner_port_state =
                            Some(port_state(value).ok_or_else(|| bad("bad port state"))?);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if !saw_mode {
        return Err(ParseError::new(
            source,
            "not a bonding status file: no `Bonding Mode` line",
        ));
    }
    Ok(b)
}

fn port_state(v: &str) -> Option<u8> {
    v.trim().parse().ok()
}
