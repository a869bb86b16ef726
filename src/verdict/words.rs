//! The verdict's vocabulary: check states, the health of a subsystem or group, where the
//! live state came from, what kind of item is unknown.

use serde::Serialize;

/// Monitoring-plugins states; the discriminant is the exit code.
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
#[serde(rename_all = "UPPERCASE")]
#[strum(serialize_all = "UPPERCASE")]
pub enum CheckState {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

impl CheckState {
    pub fn exit_code(self) -> i32 {
        self as i32
    }
}

/// How a subsystem, an IT group or a current problem stands, from best to worst.
/// `Unknown`: the known facts are fine, but unknown items could make it worse.
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
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Health {
    #[default]
    Ok,
    Unknown,
    /// Live tier or redundancy below design.
    Degraded,
    /// Power: a load is served through no working UPS.
    Unprotected,
    /// A load without supply now, a live SPOF the design does not have, a group not serving.
    Critical,
}

impl Health {
    /// The check state this health alone calls for.
    pub fn check(self) -> CheckState {
        match self {
            Health::Ok => CheckState::Ok,
            Health::Unknown | Health::Degraded | Health::Unprotected => CheckState::Warning,
            Health::Critical => CheckState::Critical,
        }
    }
}

/// Where the live state of a verdict came from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumMessage,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LiveSource {
    /// Polled from agents (or the embedded demo's simulator).
    #[strum(message = "live from agents")]
    Agents,
    /// The agents' series, read from a Prometheus that scrapes them.
    #[strum(message = "live from agents, through Prometheus")]
    Prometheus,
    /// A live overlay file.
    #[strum(message = "live state from a file")]
    File,
    /// No live state at all: the site as designed.
    #[strum(message = "design only, no live data")]
    DesignOnly,
}

crate::state_words!(CheckState, Health, LiveSource);
