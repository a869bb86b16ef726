//! Ids and names must be printable text of bounded length: they end up on an operator's
//! terminal, in monitoring output and in JSON, and a control character or a 10 MB name
//! there is an attack, not a label.

use super::super::site::Site;
use super::super::text::{self, MAX_DESCRIPTION_BYTES, MAX_ID_BYTES, MAX_NAME_BYTES};
use super::Locator;

/// An id: located at its declaration (or, for list members, its first mention).
fn id(loc: &mut Locator, what: &str, id: &str) {
    if let Some(why) = text::problem(id, MAX_ID_BYTES) {
        let at = loc
            .declarations(id)
            .first()
            .copied()
            .or_else(|| loc.string(id));
        loc.at(at, format!("{what} id {:?} {why}", text::shown(id, 40)));
    }
}

/// A name-like field of `owner`, located at the field.
fn field(loc: &mut Locator, owner: &str, name: &str, value: Option<&str>, max: usize) {
    if let Some(v) = value
        && let Some(why) = text::problem(v, max)
    {
        loc.at_field(
            owner,
            name,
            format!("{}: {name} {why}", text::shown(owner, 40)),
        );
    }
}

fn ids<'a>(loc: &mut Locator, what: &str, list: impl IntoIterator<Item = &'a String>) {
    for m in list {
        id(loc, what, m);
    }
}

fn agent_source(loc: &mut Locator, owner: &str, agent: Option<&str>, source: Option<&str>) {
    field(loc, owner, "agent", agent, MAX_NAME_BYTES);
    field(loc, owner, "source", source, MAX_NAME_BYTES);
}

pub(super) fn check_site(site: &Site, loc: &mut Locator) {
    if let Some(why) = text::problem(&site.name, MAX_NAME_BYTES) {
        let at = loc.top_field("name");
        loc.at(at, format!("site name {why}"));
    }
    if let Some(d) = &site.description
        && let Some(why) = text::problem(d, MAX_DESCRIPTION_BYTES)
    {
        let at = loc.top_field("description");
        loc.at(at, format!("site description {why}"));
    }
    for e in &site.elements {
        id(loc, "element", &e.id);
        field(loc, &e.id, "zone", e.zone.as_deref(), MAX_NAME_BYTES);
        let group = e.isolation_group.as_deref();
        field(loc, &e.id, "isolation_group", group, MAX_NAME_BYTES);
        let d = e.description.as_deref();
        field(loc, &e.id, "description", d, MAX_DESCRIPTION_BYTES);
        agent_source(loc, &e.id, e.agent.as_deref(), e.source.as_deref());
    }
    for l in &site.loads {
        id(loc, "load", &l.id);
        field(loc, &l.id, "zone", l.zone.as_deref(), MAX_NAME_BYTES);
        let d = l.description.as_deref();
        field(loc, &l.id, "description", d, MAX_DESCRIPTION_BYTES);
    }
    for t in site.fuel_tanks.iter().chain(&site.makeup_water) {
        id(loc, "tank", &t.id);
        field(loc, &t.id, "zone", t.zone.as_deref(), MAX_NAME_BYTES);
        agent_source(loc, &t.id, t.agent.as_deref(), t.source.as_deref());
    }
    for r in &site.raid {
        id(loc, "RAID array", &r.id);
        ids(loc, "RAID member", r.members.iter().chain(&r.spares));
        ids(loc, "controller", &r.controller);
        ids(loc, "host", &r.host);
        agent_source(loc, &r.id, r.agent.as_deref(), r.source.as_deref());
    }
    for b in &site.bonds {
        id(loc, "bond", &b.id);
        for m in &b.members {
            id(loc, "bond member", &m.id);
            ids(loc, "switch", &m.switch);
        }
        ids(loc, "host", &b.host);
        agent_source(loc, &b.id, b.agent.as_deref(), b.source.as_deref());
    }
    for g in &site.bridges {
        id(loc, "bridge group", &g.id);
        for m in &g.members {
            id(loc, "uplink", &m.id);
            ids(loc, "via", &m.via);
        }
        ids(loc, "shared component", &g.shared);
        agent_source(loc, &g.id, g.agent.as_deref(), g.source.as_deref());
    }
    for g in &site.gateways {
        id(loc, "gateway group", &g.id);
        for m in &g.members {
            id(loc, "router", &m.id);
            ids(loc, "via", &m.via);
        }
        ids(loc, "shared component", &g.shared);
        agent_source(loc, &g.id, g.agent.as_deref(), g.source.as_deref());
    }
    for c in &site.clusters {
        id(loc, "cluster", &c.id);
        for n in &c.nodes {
            id(loc, "cluster node", &n.id);
            ids(loc, "via", &n.via);
        }
        if let Some(w) = &c.witness {
            id(loc, "witness", &w.id);
        }
        for r in &c.resources {
            id(loc, "resource", &r.id);
            ids(loc, "preferred node", &r.prefers);
        }
        ids(loc, "shared component", &c.shared);
        agent_source(loc, &c.id, c.agent.as_deref(), c.source.as_deref());
    }
}
