//! Unknown and stale items: who owns them, what they last said, for how long, and the live
//! state at their last known state (the bound claims are made on).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::model::owners::{self, ItemKind};
use crate::model::{ElementState, LiveState, MemberState, Site};

/// The last state an agent reported for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ItemState {
    Element(ElementState),
    Member(MemberState),
}

impl ItemState {
    pub fn is_unknown(self) -> bool {
        matches!(
            self,
            ItemState::Element(ElementState::Unknown) | ItemState::Member(MemberState::Unknown)
        )
    }

    pub fn is_ok(self) -> bool {
        matches!(
            self,
            ItemState::Element(ElementState::Ok) | ItemState::Member(MemberState::Ok)
        )
    }
}

impl fmt::Display for ItemState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemState::Element(s) => s.fmt(f),
            ItemState::Member(s) => s.fmt(f),
        }
    }
}

/// An item without fresh data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownItem {
    pub id: String,
    pub kind: ItemKind,
    /// The agent that should report it.
    pub agent: Option<String>,
    /// What it last reported; `None`: never seen (taken as designed).
    pub last_state: Option<ItemState>,
    /// Unix seconds of that report.
    pub last_seen: Option<f64>,
}

/// An item still used, whose reading is older than the stale limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleItem {
    pub id: String,
    pub agent: String,
    pub age_s: f64,
}

/// The live state with every unknown item left out: at its designed (ok) state. The poller
/// gives a better one, with the last known states.
pub fn optimistic(live: &LiveState) -> LiveState {
    without_unknown(live.clone())
}

/// `l` with no item `unknown`: the optimistic bound never counts an unknown item as
/// unavailable, whoever built it.
pub fn without_unknown(mut l: LiveState) -> LiveState {
    l.elements.retain(|_, s| *s != ElementState::Unknown);
    l.members.retain(|_, s| *s != MemberState::Unknown);
    l.fuel_tanks.retain(|_, t| t.state != ElementState::Unknown);
    l.makeup_water
        .retain(|_, t| t.state != ElementState::Unknown);
    l
}

/// The items a live state marks unknown, with their owners; nothing about their past.
pub(super) fn from_live(site: &Site, live: &LiveState) -> Vec<UnknownItem> {
    owners::items(site)
        .into_iter()
        .filter(|o| {
            let unknown = ElementState::Unknown;
            match o.kind {
                ItemKind::Element => live.elements.get(o.id) == Some(&unknown),
                ItemKind::Member => live.members.get(o.id) == Some(&MemberState::Unknown),
                ItemKind::FuelTank => live
                    .fuel_tanks
                    .get(o.id)
                    .is_some_and(|t| t.state == unknown),
                ItemKind::WaterTank => live
                    .makeup_water
                    .get(o.id)
                    .is_some_and(|t| t.state == unknown),
            }
        })
        .map(|o| UnknownItem {
            id: o.id.to_string(),
            kind: o.kind,
            agent: o.agent.map(String::from),
            last_state: None,
            last_seen: None,
        })
        .collect()
}

/// "45 s", "3 min", "2 h 5 min", "3 d 4 h".
pub fn age_text(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "an unknown time".to_string();
    }
    let s = secs.round() as u64;
    match s {
        0..=89 => format!("{s} s"),
        90..=5_399 => format!("{} min", (s + 30) / 60),
        5_400..=172_799 => {
            let m = (s + 30) / 60;
            if m.is_multiple_of(60) {
                format!("{} h", m / 60)
            } else {
                format!("{} h {} min", m / 60, m % 60)
            }
        }
        _ => format!("{} d {} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// Unknown items grouped by owning agent (`None` last), in site order within each.
pub(super) fn by_agent(items: &[UnknownItem]) -> BTreeMap<Option<&str>, Vec<&UnknownItem>> {
    let mut m: BTreeMap<Option<&str>, Vec<&UnknownItem>> = BTreeMap::new();
    for i in items {
        m.entry(i.agent.as_deref()).or_default().push(i);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::age_text;

    #[test]
    fn ages_read_like_a_person_says_them() {
        assert_eq!(age_text(45.0), "45 s");
        assert_eq!(age_text(150.0), "3 min");
        assert_eq!(age_text(7_200.0), "2 h");
        assert_eq!(age_text(7_500.0), "2 h 5 min");
        assert_eq!(age_text(3.0 * 86_400.0 + 4.0 * 3_600.0), "3 d 4 h");
        assert_eq!(age_text(f64::NAN), "an unknown time");
        assert_eq!(age_text(-1.0), "an unknown time");
    }
}
