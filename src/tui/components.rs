//! The rows of the Components view and the facts behind the detail pane, derived from an
//! observation. Shared by `update` (to count and select rows) and the views (to draw them),
//! so both see the same rows. Pure: no IO, no clock.
#![allow(
    clippy::indexing_slicing,
    reason = "Group::ALL is indexed by a position taken rem_euclid its length"
)]

use std::collections::{BTreeMap, BTreeSet};

use crate::classify::{Classification, GroupKind};
use crate::model::{ElementState, Id, Kind, LiveState, MemberState, Subsystem};
use crate::tui::metrics::summary;
use crate::tui::observe::Observation;
use crate::tui::theme::Status;

/// The kind groups the Components view shows one at a time, switched with `[` / `]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Ups,
    Cooling,
    Generators,
    Distribution,
    Network,
    /// RAID arrays, bonds, uplink groups, gateway groups, clusters.
    It,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Ups,
        Group::Cooling,
        Group::Generators,
        Group::Distribution,
        Group::Network,
        Group::It,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Ups => "UPS",
            Group::Cooling => "cooling units",
            Group::Generators => "generators",
            Group::Distribution => "distribution",
            Group::Network => "network",
            Group::It => "IT groups",
        }
    }

    pub fn step(self, by: isize) -> Group {
        let n = Group::ALL.len() as isize;
        let i = Group::ALL.iter().position(|g| *g == self).unwrap_or(0) as isize;
        Group::ALL[(i + by).rem_euclid(n) as usize]
    }

    /// The facility group an element kind belongs to.
    fn of_kind(kind: Kind) -> Group {
        use Kind::*;
        match kind {
            Ups => Group::Ups,
            Chiller | Crac | Crah | Pump | Tower => Group::Cooling,
            Generator => Group::Generators,
            k if k.subsystem() == Subsystem::Network => Group::Network,
            // the rest of power, and the cooling plant's loops, pipes and valves: they carry
            // the resource rather than make it, and dropping them would hide a failed loop
            _ => Group::Distribution,
        }
    }

    /// The headers of the three columns after id, kind and state.
    pub fn headers(self) -> [&'static str; 3] {
        match self {
            Group::It => ["label", "host", "members"],
            _ => ["capacity", "zone", "metrics"],
        }
    }
}

/// The `s` key's orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Id,
    /// Worst state first, then id.
    State,
    Zone,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Id => Sort::State,
            Sort::State => Sort::Zone,
            Sort::Zone => Sort::Id,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sort::Id => "id",
            Sort::State => "state, worst first",
            Sort::Zone => "zone",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: Id,
    pub kind: String,
    pub status: Status,
    /// The state word (`failed`, `on_battery`, `N+1 -> N`...), shown next to the marker.
    pub state: String,
    /// capacity / zone / metrics, or label / host / members for IT groups.
    pub cells: [String; 3],
    /// A member's group: the row is listed under it.
    pub parent: Option<Id>,
}

impl Row {
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.id.to_lowercase().contains(needle)
            || self.kind.to_lowercase().contains(needle)
            || self.cells[1].to_lowercase().contains(needle)
    }
}

pub fn element_status(s: ElementState) -> Status {
    match s {
        ElementState::Ok => Status::Ok,
        ElementState::Failed => Status::Critical,
        ElementState::Maintenance | ElementState::Bypass | ElementState::OnBattery => {
            Status::Degraded
        }
        ElementState::Unknown => Status::Unknown,
    }
}

pub fn member_status(s: MemberState) -> Status {
    match s {
        MemberState::Ok => Status::Ok,
        MemberState::Failed => Status::Critical,
        MemberState::Unknown => Status::Unknown,
        _ => Status::Degraded,
    }
}

/// Worst first: a failed unit must top the list, an unknown one right after it.
fn rank(s: Status) -> u8 {
    match s {
        Status::Critical => 0,
        Status::Unknown => 1,
        Status::Degraded => 2,
        Status::Ok => 3,
    }
}

/// One cell per member: `U` ok, `_` failed or missing, `R` rebuilding, `s` standby, `m`
/// maintenance, `?` unknown.
pub fn member_char(s: MemberState) -> char {
    match s {
        MemberState::Ok => 'U',
        MemberState::Failed => '_',
        MemberState::Rebuilding => 'R',
        MemberState::Standby => 's',
        MemberState::Maintenance => 'm',
        MemberState::Unknown => '?',
    }
}

/// `[UU_UUU|R]`: active members in slot order, then the spares after a bar (an idle spare
/// is `S`), as mdstat draws it, so an operator reads it the way they already do.
pub fn member_map(members: &[Id], spares: &[Id], live: &LiveState) -> String {
    let mut out = String::from("[");
    out.extend(members.iter().map(|m| member_char(live.member_state(m))));
    if !spares.is_empty() {
        out.push('|');
        out.extend(spares.iter().map(|m| match live.member_state(m) {
            MemberState::Ok => 'S',
            s => member_char(s),
        }));
    }
    out.push(']');
    out
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn element_rows(obs: &Observation, group: Group) -> Vec<Row> {
    obs.site
        .elements
        .iter()
        .filter(|e| Group::of_kind(e.kind) == group)
        .map(|e| {
            let state = obs.live.element_state(&e.id);
            // the agents' own numbers when they sent any; offline, only the live state's
            // battery runtime is known
            let metrics = obs
                .metrics
                .get(&e.id)
                .map(|m| summary(e.kind, m))
                .filter(|s| !s.is_empty())
                .or_else(|| {
                    obs.live
                        .battery_runtime_min
                        .get(&e.id)
                        .map(|m| format!("runtime {} min", fmt_num(*m)))
                })
                .unwrap_or_default();
            Row {
                id: e.id.clone(),
                kind: e.kind.name().into(),
                status: element_status(state),
                state: state.name().into(),
                cells: [
                    e.capacity
                        .map(|c| format!("{} {}", fmt_num(c), e.subsystem().unit()))
                        .unwrap_or_else(|| "-".into()),
                    e.zone.clone().unwrap_or_else(|| "-".into()),
                    metrics,
                ],
                parent: None,
            }
        })
        .collect()
}

fn states(ids: &[&Id], live: &LiveState) -> String {
    let mut ids = ids.to_vec();
    // members that are not ok first: at 80 columns the end of the cell is cut off
    ids.sort_by_key(|id| live.member_state(id) == MemberState::Ok);
    ids.iter()
        .map(|id| format!("{id} {}", live.member_state(id).name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn it_rows(obs: &Observation) -> Vec<Row> {
    let (site, live) = (&obs.site, &obs.live);
    let mut out = Vec::new();
    let mut push = |id: &Id, kind: String, host: Option<&Id>, members: String| {
        let report = obs.verdict.classification.group(id);
        let (status, state, label) = match report {
            Some(g) => {
                let health = obs.group_health(id);
                let st = Status::of_health(health);
                let word = health.name();
                let label = if g.live.label == g.design.label {
                    g.live.label.clone()
                } else {
                    format!("{} -> {}", g.design.label, g.live.label)
                };
                (st, word.to_string(), label)
            }
            None => (Status::Unknown, "unknown".into(), "-".into()),
        };
        out.push(Row {
            id: id.clone(),
            kind,
            status,
            state,
            cells: [label, host.cloned().unwrap_or_else(|| "-".into()), members],
            parent: None,
        });
    };
    for r in &site.raid {
        let mut members = member_map(&r.members, &r.spares, live);
        for (m, rb) in r
            .members
            .iter()
            .chain(&r.spares)
            .filter_map(|m| live.rebuilds.get(m).map(|rb| (m, rb)))
        {
            let eta = rb
                .eta_min
                .map(|e| format!(", eta {} min", fmt_num(e)))
                .unwrap_or_default();
            members.push_str(&format!(" {m} rebuild {:.0}%{eta}", rb.progress * 100.0));
        }
        push(
            &r.id,
            format!("{:?}", r.level).to_lowercase(),
            r.host.as_ref(),
            members,
        );
    }
    for b in &site.bonds {
        let ids: Vec<&Id> = b.members.iter().map(|m| &m.id).collect();
        push(&b.id, "bond".into(), b.host.as_ref(), states(&ids, live));
    }
    for b in &site.bridges {
        let ids: Vec<&Id> = b.members.iter().map(|m| &m.id).collect();
        push(&b.id, "uplinks".into(), None, states(&ids, live));
    }
    for g in &site.gateways {
        let ids: Vec<&Id> = g.members.iter().map(|m| &m.id).collect();
        let kind = format!("{:?}", g.protocol).to_lowercase();
        push(&g.id, kind, None, states(&ids, live));
    }
    for c in &site.clusters {
        let ids: Vec<&Id> = c.nodes.iter().map(|n| &n.id).collect();
        push(&c.id, "cluster".into(), None, states(&ids, live));
    }
    out.extend(member_rows(obs));
    out
}

/// One row per member of every IT group, each under its group: a member is what a drain,
/// a standby or a failover acts on, so the console must be able to select it.
fn member_rows(obs: &Observation) -> Vec<Row> {
    let (site, live) = (&obs.site, &obs.live);
    let mut out = Vec::new();
    let mut push = |group: &Id, id: &Id, kind: &str| {
        let state = live.member_state(id);
        let status = member_status(state);
        let mut detail: Vec<String> = obs.roles.get(id).cloned().unwrap_or_default();
        if let Some(r) = live.rebuilds.get(id).filter(|r| r.progress.is_finite()) {
            detail.push(format!("rebuild {:.0}%", r.progress * 100.0));
        }
        out.push(Row {
            id: id.clone(),
            kind: kind.to_string(),
            status,
            state: state.name().to_string(),
            cells: [format!("in {group}"), "-".into(), detail.join(" ")],
            parent: Some(group.clone()),
        });
    };
    for r in &site.raid {
        for m in &r.members {
            push(&r.id, m, "drive");
        }
        for m in &r.spares {
            push(&r.id, m, "spare");
        }
    }
    for b in &site.bonds {
        for m in &b.members {
            push(&b.id, &m.id, "slave");
        }
    }
    for b in &site.bridges {
        for m in &b.members {
            push(&b.id, &m.id, "port");
        }
    }
    for g in &site.gateways {
        for m in &g.members {
            push(&g.id, &m.id, "router");
        }
    }
    for c in &site.clusters {
        for n in &c.nodes {
            push(&c.id, &n.id, "node");
        }
    }
    out
}

/// The rows of one group, sorted and filtered (case-insensitive substring of id, kind or
/// zone/host).
pub fn rows(obs: &Observation, group: Group, sort: Sort, filter: &str) -> Vec<Row> {
    let mut all = match group {
        Group::It => it_rows(obs),
        g => element_rows(obs, g),
    };
    let needle = filter.to_lowercase();
    all.retain(|r| r.matches(&needle));
    match sort {
        Sort::Id => all.sort_by(|a, b| a.id.cmp(&b.id)),
        Sort::State => all.sort_by(|a, b| (rank(a.status), &a.id).cmp(&(rank(b.status), &b.id))),
        Sort::Zone => all.sort_by(|a, b| (&a.cells[1], &a.id).cmp(&(&b.cells[1], &b.id))),
    }
    under_their_groups(all)
}

/// Members right under their group, in the order the sort gave them; members whose group
/// the filter left out keep their own place.
fn under_their_groups(rows: Vec<Row>) -> Vec<Row> {
    let shown: BTreeSet<Id> = rows
        .iter()
        .filter(|r| r.parent.is_none())
        .map(|r| r.id.clone())
        .collect();
    let (members, mut top): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .partition(|r| r.parent.as_ref().is_some_and(|p| shown.contains(p)));
    let mut by_group: BTreeMap<Id, Vec<Row>> = BTreeMap::new();
    for m in members {
        if let Some(p) = m.parent.clone() {
            by_group.entry(p).or_default().push(m);
        }
    }
    let mut out = Vec::with_capacity(top.len() + by_group.values().map(Vec::len).sum::<usize>());
    for r in top.drain(..) {
        let children = by_group.remove(&r.id);
        out.push(r);
        out.extend(children.into_iter().flatten());
    }
    out
}

/// The findings (site-level and live, per subsystem) that name an element.
pub fn findings_naming<'a>(c: &'a Classification, id: &str) -> Vec<&'a str> {
    c.findings
        .iter()
        .chain(c.subsystems.iter().flat_map(|s| s.live.findings.iter()))
        .filter(|f| f.elements.iter().any(|e| e == id))
        .map(|f| f.message.as_str())
        .collect()
}

/// The word for an IT group kind, for the detail pane.
pub fn group_kind_word(k: GroupKind) -> &'static str {
    match k {
        GroupKind::Raid => "RAID array",
        GroupKind::Bond => "bond",
        GroupKind::Bridge => "STP/RSTP uplink group",
        GroupKind::Gateway => "first-hop gateway group",
        GroupKind::Cluster => "quorum cluster",
    }
}
