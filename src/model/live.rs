//! Live state laid over a site: what is failed, in maintenance, on bypass or on battery right
//! now, how much fuel is left, and the state of IT-group members. Anything not named is `ok`.
//! The poller builds one of these from agent snapshots; tests and `--live` read it from RON.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::site::Id;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ElementState {
    #[default]
    Ok,
    Failed,
    Maintenance,
    /// A UPS on static or maintenance bypass: passes raw power, no ride-through.
    Bypass,
    /// A UPS carrying its load from the battery.
    #[strum(message = "on battery")]
    OnBattery,
    /// No fresh data: never treated as healthy.
    Unknown,
}

impl ElementState {
    /// Unavailable for the live tier tests (docs/tier-rules.md §2.5). Unknown counts as unavailable:
    /// an element nobody can vouch for gives no protection.
    pub fn is_unavailable(self) -> bool {
        matches!(
            self,
            ElementState::Failed
                | ElementState::Maintenance
                | ElementState::Bypass
                | ElementState::Unknown
        )
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MemberState {
    #[default]
    Ok,
    Failed,
    /// Shut down or removed for maintenance: a cluster node in this state has lost its vote.
    Maintenance,
    /// Pacemaker standby: running and voting, but hosts no resources.
    Standby,
    /// Being rebuilt or resynchronised: counts only once complete.
    Rebuilding,
    Unknown,
}

crate::state_words!(ElementState, MemberState);

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TankLive {
    #[serde(default)]
    pub state: ElementState,
    /// Hours at N left now, when the agent reports a level.
    #[serde(default)]
    pub hours: Option<f64>,
}

/// Also read off the wire, so unknown fields are ignored rather than refused.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Rebuild {
    /// 0.0–1.0
    pub progress: f64,
    #[serde(default)]
    pub eta_min: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveState {
    #[serde(default)]
    pub elements: BTreeMap<Id, ElementState>,
    /// Manual elements an operator has closed: they carry the resource now.
    #[serde(default)]
    pub engaged: Vec<Id>,
    /// Estimated runtime of UPSs on battery, minutes.
    #[serde(default)]
    pub battery_runtime_min: BTreeMap<Id, f64>,
    #[serde(default)]
    pub fuel_tanks: BTreeMap<Id, TankLive>,
    #[serde(default)]
    pub makeup_water: BTreeMap<Id, TankLive>,
    /// IT-group members and the components they depend on (`via`, `shared`).
    #[serde(default)]
    pub members: BTreeMap<Id, MemberState>,
    #[serde(default)]
    pub rebuilds: BTreeMap<Id, Rebuild>,
    /// Transfer switches: the input each one carries its load on now (overrides the site's
    /// `preferred`).
    #[serde(default)]
    pub positions: BTreeMap<Id, Id>,
}

impl LiveState {
    pub fn element_state(&self, id: &str) -> ElementState {
        self.elements.get(id).copied().unwrap_or_default()
    }

    pub fn member_state(&self, id: &str) -> MemberState {
        self.members.get(id).copied().unwrap_or_default()
    }
}
