//! The one verdict: from a site, what is known of it now, what is not known, the freshness
//! of every agent, data problems, maintenance left in place and the policy, to the check
//! state, per-subsystem and per-group health, the live tier (or its range) and the reasons in
//! an operator's words. Every face renders this value; none decides anything of its own.
//!
//! Pure: no IO, no clock (the moment arrives in `Inputs::now`).
//!
//! Unknown is neither failed nor healthy (docs/tier-rules.md, "Unknown"): the site is
//! classified twice, with unknown items at their last known state (the claims: findings,
//! SPOFs, loads without supply are only said when they hold there) and with unknown items
//! unavailable (the worst case). Where the two agree that is the answer; where they differ
//! the live tier is a range and the health `unknown`, never `failed`.

mod data_problems;
mod health;
mod problems;
mod reasons;
mod unknown;
mod words;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::Serialize;

use crate::classify::{Classification, GroupKind, Tier, classify_shared, classify_with};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Id, LiveState, Site, Subsystem};

pub use crate::model::owners::ItemKind;
pub use health::{member_ids, new_spofs};
pub use problems::{Problem, Severity, Trouble, fuel_hours};
pub use unknown::{ItemState, StaleItem, UnknownItem, age_text, optimistic};
pub use words::{CheckState, Health, LiveSource};

/// The figures of one element the verdict's words carry ("load 41 %", "8.2 min left"),
/// taken from an agent's report by the poller.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Figures {
    pub load_pct: Option<f64>,
    pub runtime_min: Option<f64>,
}

/// A live tier that unknown items may leave open: `low` with them unavailable, `high` at
/// their last known state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRange {
    pub low: Tier,
    pub high: Tier,
}

impl TierRange {
    pub fn exact(t: Tier) -> TierRange {
        TierRange { low: t, high: t }
    }

    /// The tier, when unknown items cannot change it.
    pub fn known(self) -> Option<Tier> {
        (self.low == self.high).then_some(self.low)
    }

    /// For narrow places: `Tier 0`, `Tier III`, `Tier II–III`.
    pub fn short(self) -> String {
        match self.known() {
            Some(t) => format!("Tier {}", t.roman()),
            None => format!("Tier {}–{}", self.low.roman(), self.high.roman()),
        }
    }
}

impl fmt::Display for TierRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known() {
            Some(t) => write!(f, "{t}"),
            None => write!(f, "Tier {}–{}", self.low.roman(), self.high.roman()),
        }
    }
}

/// Freshness of one agent's data, judged by its age.
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
pub enum Freshness {
    Fresh,
    /// Still used, but the status says so.
    Stale,
    /// Too old: the agent's items are unknown.
    Dead,
    /// Never answered.
    #[strum(message = "no data")]
    Never,
}

crate::state_words!(Freshness);

/// How one agent answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentHealth {
    pub name: String,
    pub freshness: Freshness,
    /// The last error in one short line ("connection refused").
    pub error: Option<String>,
    /// The same error with its whole cause chain, for `--verbose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Items of its snapshot that could not be read.
    pub item_errors: Vec<String>,
}

/// Everything a verdict is made of.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub source: LiveSource,
    /// What is known now; items without fresh data are `unknown`.
    pub live: LiveState,
    /// The same with unknown items at their last known state; `None`: unknown items are
    /// taken as designed (never seen).
    pub optimistic: Option<LiveState>,
    /// The unknown items with their owner and last known state; empty: derived from `live`.
    pub unknown: Vec<UnknownItem>,
    /// Items still used but older than the stale limit.
    pub stale: Vec<StaleItem>,
    /// The agents polled; `None` when the live state came from a file or nowhere.
    pub agents: Option<Vec<AgentHealth>>,
    /// Data that could not be used, each naming its source.
    pub data_problems: Vec<String>,
    /// Maintenance left in place longer than allowed, one line each.
    pub lingering: Vec<String>,
    /// CRITICAL below this tier.
    pub require_tier: Option<Tier>,
    /// Unix seconds: the moment the verdict is about.
    pub now: f64,
    /// Each element's latest figures from the agents that the verdict's words use.
    pub figures: BTreeMap<Id, Figures>,
    /// Since when items have been in their state, where the source's history shows it.
    pub since: BTreeMap<Id, f64>,
}

impl Inputs {
    /// A live state with nothing else known about it (a file, or the design alone).
    pub fn of_live(source: LiveSource, live: LiveState, now: f64) -> Inputs {
        Inputs {
            source,
            live,
            optimistic: None,
            unknown: Vec::new(),
            stale: Vec::new(),
            agents: None,
            data_problems: Vec::new(),
            lingering: Vec::new(),
            require_tier: None,
            now,
            figures: BTreeMap::new(),
            since: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub severity: CheckState,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubsystemVerdict {
    pub subsystem: Subsystem,
    pub in_scope: bool,
    pub health: Health,
    pub design_tier: Tier,
    pub live_tier: TierRange,
    pub design_label: String,
    /// At the last known state of unknown items.
    pub live_label: String,
    /// With unknown items unavailable, when that differs.
    pub worst_label: Option<String>,
    /// The one line that says why the health is not ok.
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupVerdict {
    pub id: String,
    pub kind: GroupKind,
    pub health: Health,
    pub design_label: String,
    pub live_label: String,
    pub grade: TierRange,
    /// The members not ok, in the group's words ("db1-sdc failed").
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub state: CheckState,
    pub source: LiveSource,
    pub site: String,
    pub design_tier: Tier,
    pub live_tier: TierRange,
    /// `None` when unknown items leave it open.
    pub serving_now: Option<bool>,
    pub subsystems: Vec<SubsystemVerdict>,
    pub groups: Vec<GroupVerdict>,
    /// Worst first, one per cause.
    pub reasons: Vec<Reason>,
    pub unknown: Vec<UnknownItem>,
    pub stale: Vec<StaleItem>,
    pub stale_agents: Vec<String>,
    pub agents: Vec<AgentHealth>,
    /// Agents were polled and none has usable data.
    pub none_answered: bool,
    /// The classification claims are made on: unknown items at their last known state.
    pub classification: Classification,
    /// The problems of the moment, worst first: what every face shows first.
    pub problems: Vec<Problem>,
    /// Each element's latest figures from the agents that the words use.
    pub figures: BTreeMap<Id, Figures>,
    /// With unknown items unavailable, when that differs from `classification`.
    pub worst_case: Option<Classification>,
    pub now: Moment,
}

/// The moment a verdict is about, in unix seconds. Two verdicts that say the same thing
/// about different moments are equal: a console redraws on what changed, not on the clock.
#[derive(Debug, Clone, Copy)]
pub struct Moment(pub f64);

impl PartialEq for Moment {
    fn eq(&self, _: &Moment) -> bool {
        true
    }
}

impl Verdict {
    pub fn subsystem(&self, s: Subsystem) -> Option<&SubsystemVerdict> {
        self.subsystems.iter().find(|v| v.subsystem == s)
    }

    pub fn group(&self, id: &str) -> Option<&GroupVerdict> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Some figure depends on unknown items.
    pub fn uncertain(&self) -> bool {
        self.worst_case.is_some()
    }
}

/// What building verdicts keeps from one to the next of the same site: one classification
/// memo for the best reading of unknown items and one for the worst, since each follows its
/// own live state from poll to poll.
#[derive(Debug, Default)]
pub struct Memo {
    best: crate::classify::Memo,
    worst: crate::classify::Memo,
}

/// The verdict on `site` from `inputs`. Classifies twice when anything is unknown: the
/// worst reading from the memo of the best, since the two differ only in the unknown items.
pub fn build(site: &Site, inputs: Inputs) -> Verdict {
    let mut memo = crate::classify::Memo::default();
    build_from(site, inputs, |live, _| classify_with(site, live, &mut memo))
}

/// As [`build`], carrying `memo` from the verdict before: the same verdict, with only what
/// the new live state can change classified again.
pub fn build_with(site: &Arc<Site>, inputs: Inputs, memo: &mut Memo) -> Verdict {
    build_from(site, inputs, |live, worst| {
        let m = if worst {
            &mut memo.worst
        } else {
            &mut memo.best
        };
        classify_shared(site, live, m)
    })
}

/// The verdict, with `classify(live, worst)` classifying the best (`false`) or the worst
/// reading of unknown items.
fn build_from(
    site: &Site,
    inputs: Inputs,
    mut classify: impl FnMut(&LiveState, bool) -> Classification,
) -> Verdict {
    let unknown = if inputs.unknown.is_empty() {
        unknown::from_live(site, &inputs.live)
    } else {
        inputs.unknown
    };
    let best_live = inputs
        .optimistic
        .map_or_else(|| optimistic(&inputs.live), unknown::without_unknown);
    let c = classify(&best_live, false);
    let worst_case = if unknown.is_empty() {
        None
    } else {
        let w = classify(&inputs.live, true);
        (!health::same_picture(&c, &w)).then_some(w)
    };
    let agents = inputs.agents.unwrap_or_default();
    let none_answered = !agents.is_empty()
        && agents
            .iter()
            .all(|a| matches!(a.freshness, Freshness::Never | Freshness::Dead));
    let subsystems = health::subsystems(site, &c, worst_case.as_ref());
    let groups = health::groups(site, &c, worst_case.as_ref(), &best_live);
    let live_tier = TierRange {
        low: worst_case.as_ref().map_or(c.live_tier, |w| w.live_tier),
        high: c.live_tier,
    };
    let serving_now = match &worst_case {
        Some(w) if w.serving_now != c.serving_now => None,
        _ => Some(c.serving_now),
    };
    let stale_agents = agents
        .iter()
        .filter(|a| a.freshness != Freshness::Fresh)
        .map(|a| a.name.clone())
        .collect();
    let mut v = Verdict {
        state: CheckState::Ok,
        source: inputs.source,
        site: site.name.clone(),
        design_tier: c.design_tier,
        live_tier,
        serving_now,
        subsystems,
        groups,
        reasons: Vec::new(),
        unknown,
        stale: inputs.stale,
        stale_agents,
        agents,
        none_answered,
        classification: c,
        problems: Vec::new(),
        figures: inputs.figures,
        worst_case,
        now: Moment(inputs.now),
    };
    v.problems = problems::problems(site, &v, &inputs.live, &v.figures);
    // an item's problem is its state: it began when the state did, if the data says when
    for p in v
        .problems
        .iter_mut()
        .filter(|p| p.kind.is_some() && p.since.is_none())
    {
        p.since = inputs.since.get(&p.item).copied();
    }
    v.reasons = reasons::reasons(
        &v,
        &inputs.data_problems,
        &inputs.lingering,
        inputs.require_tier,
    );
    v.settle();
    v
}

impl Verdict {
    /// Maintenance left in place longer than allowed, learnt after the verdict was built
    /// (the console keeps its own record of what it started): each line is a WARNING.
    pub fn add_lingering(&mut self, lines: &[String]) {
        for l in lines {
            if !self.reasons.iter().any(|r| &r.text == l) {
                self.reasons.push(Reason {
                    severity: CheckState::Warning,
                    text: l.clone(),
                });
            }
        }
        self.reasons.sort_by_key(|r| std::cmp::Reverse(r.severity));
        self.settle();
    }

    /// The check state from the reasons: UNKNOWN when no agent answered, else the worst.
    fn settle(&mut self) {
        self.state = if self.none_answered {
            CheckState::Unknown
        } else {
            self.reasons
                .iter()
                .map(|r| r.severity)
                .max()
                .unwrap_or(CheckState::Ok)
        };
    }
}
