//! Quorum clusters: votes, quorum and hosting capacity (docs/tier-rules.md §2.8, E9).

use super::{Member, Outcome, Shape, View, assess, count_up};
use crate::classify::report::{GroupAssessment, GroupKind, GroupReport};
use crate::model::{Cluster, Id, LiveState, MemberState, QuorumPolicy};

pub(super) fn grade(c: &Cluster, live: &LiveState, budget: f64) -> GroupReport {
    let rules = Rules::new(c);
    let mut explicit_shared: Vec<&str> = c.shared.iter().map(String::as_str).collect();
    let mut members: Vec<Member> = c
        .nodes
        .iter()
        .map(|n| Member {
            id: &n.id,
            via: n.via.iter().map(String::as_str).collect(),
        })
        .collect();
    match (&c.witness, c.quorum) {
        // The disk decides alone, so it behaves like a controller rather than a voter.
        (Some(w), QuorumPolicy::DiskOnly) => explicit_shared.insert(0, &w.id),
        (Some(w), _) => members.push(Member {
            id: &w.id,
            via: Vec::new(),
        }),
        (None, _) => {}
    }
    let shape = Shape {
        members,
        explicit_shared,
    };
    let shared = shape.shared();
    let design = assess_view(c, &rules, &shape, &shared, View::Design, budget).0;
    let (live_a, mut notes, present) =
        assess_view(c, &rules, &shape, &shared, View::Live(live), budget);
    notes.extend(policy_notes(c, &rules, present));
    notes.extend(node_notes(c, live));
    GroupReport {
        usable_tb: None,
        id: c.id.clone(),
        kind: GroupKind::Cluster,
        design,
        live: live_a,
        notes,
    }
}

/// A cluster's quorum arithmetic under one live state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Votes {
    pub expected: u64,
    pub quorum: u64,
    pub present: u64,
}

impl Votes {
    pub fn has_quorum(&self) -> bool {
        self.present >= self.quorum
    }
}

/// Votes present under `live`: nodes that are up (standby and resynchronising nodes keep
/// their vote) and the witness unless it is down. Disk-only quorum has no vote count: the
/// witness alone decides, so it reports 1 of 1 while the witness is up.
pub fn votes(c: &Cluster, live: &LiveState) -> Votes {
    if c.quorum == QuorumPolicy::DiskOnly {
        let up = c
            .witness
            .as_ref()
            .is_some_and(|w| !View::Live(live).component_down(&w.id));
        return Votes {
            expected: 1,
            quorum: 1,
            present: u64::from(up),
        };
    }
    let rules = Rules::new(c);
    let mut up: Vec<bool> = c
        .nodes
        .iter()
        .map(|n| votes_while(live.member_state(&n.id)))
        .collect();
    if let Some(w) = &c.witness {
        up.push(!View::Live(live).component_down(&w.id));
    }
    Votes {
        expected: rules.expected,
        quorum: rules.quorum,
        present: rules.present(&up),
    }
}

/// The static arithmetic of one cluster. Members are the nodes, then the witness when it votes.
struct Rules {
    votes: Vec<u64>,
    nodes: usize,
    expected: u64,
    quorum: u64,
    policy: QuorumPolicy,
    needed: u32,
}

impl Rules {
    fn new(c: &Cluster) -> Self {
        let mut votes: Vec<u64> = c.nodes.iter().map(|n| u64::from(n.votes)).collect();
        if let (Some(w), QuorumPolicy::Majority | QuorumPolicy::TwoNode) = (&c.witness, c.quorum) {
            votes.push(u64::from(w.votes));
        }
        // Static expected votes: a node that is down still counts in E, which is the point.
        let expected: u64 = votes.iter().sum();
        let quorum = match c.quorum {
            QuorumPolicy::TwoNode | QuorumPolicy::DiskOnly => 1,
            QuorumPolicy::Majority => expected / 2 + 1,
        };
        Rules {
            votes,
            nodes: c.nodes.len(),
            expected,
            quorum,
            policy: c.quorum,
            needed: c.nodes_needed.max(1),
        }
    }

    fn present(&self, up: &[bool]) -> u64 {
        self.votes
            .iter()
            .zip(up)
            .filter(|&(_, &u)| u)
            .map(|(v, _)| v)
            .sum()
    }

    /// Voter losses tolerated, removing the largest voters first.
    fn t_quorum(&self, up: &[bool]) -> i64 {
        if self.policy == QuorumPolicy::DiskOnly {
            return i64::try_from(up.iter().take(self.nodes).filter(|&&u| u).count())
                .unwrap_or(i64::MAX)
                - 1;
        }
        let mut left = self.present(up);
        if left < self.quorum {
            return -1;
        }
        let mut voters: Vec<u64> = self
            .votes
            .iter()
            .zip(up)
            .filter(|&(_, &u)| u)
            .map(|(&v, _)| v)
            .collect();
        voters.sort_unstable_by_key(|&v| std::cmp::Reverse(v));
        let mut k = 0;
        for v in voters {
            if left.saturating_sub(v) < self.quorum {
                break;
            }
            left -= v;
            k += 1;
        }
        k
    }

    /// t = min(t_quorum, t_capacity). Taking the minimum of the two separate worst cases is
    /// exact: any k losses that break either one break the cluster.
    fn tolerance(&self, up: &[bool], hosts: &[bool]) -> i32 {
        let hosting = up
            .iter()
            .zip(hosts)
            .take(self.nodes)
            .filter(|&(&u, &h)| u && h)
            .count();
        let t_cap = i64::try_from(hosting).unwrap_or(i64::MAX) - i64::from(self.needed);
        let t = self.t_quorum(up).min(t_cap).max(-1);
        i32::try_from(t).unwrap_or(i32::MAX)
    }
}

/// Standby and resynchronising nodes keep their vote but host nothing; maintenance means shut
/// down (docs/tier-rules.md §2.8 inference, confirmed per cluster by the agent).
fn votes_while(state: MemberState) -> bool {
    matches!(
        state,
        MemberState::Ok | MemberState::Standby | MemberState::Rebuilding
    )
}

fn assess_view(
    c: &Cluster,
    rules: &Rules,
    shape: &Shape,
    shared: &[Id],
    view: View,
    budget: f64,
) -> (GroupAssessment, Vec<String>, u64) {
    let nodes = c.nodes.len();
    let sc = shape.up_mask(view, shared, |i, id, s| {
        if i < nodes {
            votes_while(s)
        } else {
            !view.component_down(id)
        }
    });
    let hosts: Vec<bool> = shape
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| i < nodes && view.member(m.id) == MemberState::Ok)
        .collect();
    let t = rules.tolerance(&sc.up, &hosts);
    let rule = |up: &[bool]| rules.tolerance(up, &hosts);
    let spofs = shape.spofs(&sc.up, shared, &rule);
    let available = count_up(
        &sc.up
            .iter()
            .zip(&hosts)
            .map(|(&u, &h)| u && h)
            .collect::<Vec<_>>(),
    );
    let down_reason = (t < 0).then(|| {
        if !sc.shared_down.is_empty() {
            sc.shared_down.join(" and ")
        } else if rules.t_quorum(&sc.up) < 0 {
            format!(
                "quorum lost, {} of {} expected votes present and {} needed",
                rules.present(&sc.up),
                rules.expected,
                rules.quorum
            )
        } else {
            format!(
                "only {available} node(s) can host the workload and {} are needed",
                rules.needed
            )
        }
    });
    let outcome = Outcome {
        need: rules.needed,
        available,
        tolerance: t,
        best_case: None,
        failover_s: (c.failover_s.is_finite() && c.failover_s >= 0.0).then_some(c.failover_s),
        automatic: true,
        down_reason,
    };
    let present = rules.present(&sc.up);
    (
        assess(outcome, shared.to_vec(), spofs, "cluster", budget),
        sc.notes,
        present,
    )
}

fn policy_notes(c: &Cluster, rules: &Rules, present: u64) -> Vec<String> {
    let mut notes = Vec::new();
    match (c.quorum, &c.witness) {
        (QuorumPolicy::DiskOnly, Some(w)) => notes.push(format!(
            "disk-only quorum: witness {} decides alone, which makes it a single point of failure",
            w.id
        )),
        (QuorumPolicy::TwoNode, _) => notes.push(
            "two_node: quorum is 1 so either node runs alone; this is only safe with working fencing".to_string(),
        ),
        _ => {}
    }
    if c.quorum != QuorumPolicy::DiskOnly {
        notes.push(format!(
            "votes: expected {}, quorum {}, present now {present}",
            rules.expected, rules.quorum
        ));
    }
    notes
}

fn node_notes(c: &Cluster, live: &LiveState) -> Vec<String> {
    let mut notes = Vec::new();
    for n in &c.nodes {
        let what = match live.member_state(&n.id) {
            MemberState::Standby => "in standby: keeps its vote but hosts nothing",
            MemberState::Maintenance => "in maintenance: shut down, so its vote is lost",
            MemberState::Rebuilding => "resynchronising: votes but hosts nothing until complete",
            MemberState::Unknown => "state unknown: counted as down",
            MemberState::Ok | MemberState::Failed => continue,
        };
        notes.push(format!("{} {what}", n.id));
    }
    for r in &c.resources {
        if let Some(p) = &r.prefers
            && live.member_state(p) != MemberState::Ok
        {
            notes.push(format!(
                "resource {} prefers {p}, which cannot host now; it runs elsewhere",
                r.id
            ));
        }
    }
    notes
}
