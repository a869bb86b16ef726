//! Every item the live state speaks of (elements, IT-group members, tanks), what it is and
//! which agent reports it: computed once here for the poller's merge and the verdict.

use std::collections::BTreeSet;

use serde::Serialize;

use super::site::Site;

/// What a live item is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ItemKind {
    Element,
    Member,
    #[strum(message = "fuel tank")]
    FuelTank,
    #[strum(message = "makeup-water tank")]
    WaterTank,
}

crate::state_words!(ItemKind);

/// One item of the site and the agent that reports it (`None`: no agent named).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owned<'a> {
    pub id: &'a str,
    pub kind: ItemKind,
    pub agent: Option<&'a str>,
}

/// Every live item of the site, in site order: elements, fuel tanks, makeup-water tanks,
/// then the members of RAID arrays (spares included), bonds, bridge groups, gateway groups
/// and clusters.
pub fn items(site: &Site) -> Vec<Owned<'_>> {
    let mut out = Vec::new();
    for e in &site.elements {
        out.push(Owned {
            id: &e.id,
            kind: ItemKind::Element,
            agent: e.agent.as_deref(),
        });
    }
    for (tanks, kind) in [
        (&site.fuel_tanks, ItemKind::FuelTank),
        (&site.makeup_water, ItemKind::WaterTank),
    ] {
        out.extend(tanks.iter().map(|t| Owned {
            id: &t.id,
            kind,
            agent: t.agent.as_deref(),
        }));
    }
    let member = |id, agent| Owned {
        id,
        kind: ItemKind::Member,
        agent,
    };
    for r in &site.raid {
        let a = r.agent.as_deref();
        out.extend(
            r.members
                .iter()
                .chain(&r.spares)
                .map(|m| member(m.as_str(), a)),
        );
    }
    for b in &site.bonds {
        let a = b.agent.as_deref();
        out.extend(b.members.iter().map(|m| member(m.id.as_str(), a)));
    }
    for g in &site.bridges {
        let a = g.agent.as_deref();
        out.extend(g.members.iter().map(|m| member(m.id.as_str(), a)));
    }
    for g in &site.gateways {
        let a = g.agent.as_deref();
        out.extend(g.members.iter().map(|m| member(m.id.as_str(), a)));
    }
    for c in &site.clusters {
        let a = c.agent.as_deref();
        out.extend(c.nodes.iter().map(|m| member(m.id.as_str(), a)));
    }
    out
}

/// Every name an IT-level live state may speak of: members, and what they depend on.
pub fn it_names(site: &Site) -> BTreeSet<&str> {
    let mut k: BTreeSet<&str> = BTreeSet::new();
    for r in &site.raid {
        k.extend(r.members.iter().chain(&r.spares).map(String::as_str));
        k.extend(r.controller.as_deref());
    }
    for b in &site.bonds {
        for m in &b.members {
            k.insert(&m.id);
            k.extend(m.switch.as_deref());
        }
    }
    for g in &site.bridges {
        k.extend(g.shared.iter().map(String::as_str));
        for m in &g.members {
            k.insert(&m.id);
            k.extend(m.via.iter().map(String::as_str));
        }
    }
    for g in &site.gateways {
        k.extend(g.shared.iter().map(String::as_str));
        for m in &g.members {
            k.insert(&m.id);
            k.extend(m.via.iter().map(String::as_str));
        }
    }
    for c in &site.clusters {
        k.extend(c.shared.iter().map(String::as_str));
        k.extend(c.witness.as_ref().map(|w| w.id.as_str()));
        for n in &c.nodes {
            k.insert(&n.id);
            k.extend(n.via.iter().map(String::as_str));
        }
    }
    k
}
