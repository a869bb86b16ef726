//! What the engine answers: tiers, findings, single points of failure, redundancy labels.
//! Plain serialisable data, shared by `status`, the TUI and the preflight.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::model::{Id, Profile, Subsystem};

/// A tier (0 = does not meet Tier I, 1–4 = Tier I–IV). Also used for IT-analog grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tier(pub u8);

impl Tier {
    pub const ZERO: Tier = Tier(0);
    pub const I: Tier = Tier(1);
    pub const II: Tier = Tier(2);
    pub const III: Tier = Tier(3);
    pub const IV: Tier = Tier(4);

    pub fn roman(self) -> &'static str {
        match self.0 {
            0 => "0",
            1 => "I",
            2 => "II",
            3 => "III",
            _ => "IV",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("below Tier I")
        } else {
            write!(f, "Tier {}", self.roman())
        }
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

/// Which check of a tier failed (docs/tier-rules.md §2.6). `Rule::VARIANTS` lists every one:
/// tests/rule_examples.rs asks each for a worked example that emits it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Service,
    Fuel,
    MakeupWater,
    #[serde(rename = "capacity_n_plus_1")]
    CapacityNPlus1,
    ConcurrentMaintenance,
    GeneratorRating,
    CmFuel,
    FaultTolerance,
    Compartment,
    ContinuousCooling,
    ProviderPrerequisite,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Service => "service",
            Rule::Fuel => "fuel",
            Rule::MakeupWater => "makeup_water",
            Rule::CapacityNPlus1 => "capacity_n_plus_1",
            Rule::ConcurrentMaintenance => "concurrent_maintenance",
            Rule::GeneratorRating => "generator_rating",
            Rule::CmFuel => "cm_fuel",
            Rule::FaultTolerance => "fault_tolerance",
            Rule::Compartment => "compartment",
            Rule::ContinuousCooling => "continuous_cooling",
            Rule::ProviderPrerequisite => "provider_prerequisite",
        }
    }
}

/// "Why not the next tier": one failing check, the elements it concerns and its effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub blocks_tier: Tier,
    pub subsystem: Subsystem,
    pub rule: Rule,
    /// Elements (or `zone:NAME`) whose removal fails the check, all with the same effect.
    pub elements: Vec<Id>,
    /// Loads left without any usable path in the failed scenario.
    pub loads: Vec<Id>,
    /// e.g. "IT (400 kW) would lose supply", "shortfall 100 kW (300/400 kW) at UPS-A1, UPS-A3".
    pub effect: String,
    /// The sentence an operator reads.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpofKind {
    Element,
    Zone,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Spof {
    /// Element id, or `zone:NAME` for a common-mode compartment.
    pub id: String,
    pub kind: SpofKind,
    /// A rack ATS under the point-of-use concession: listed, but accepted.
    pub accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SpofList {
    pub items: Vec<Spof>,
    /// No on-site source serves the subsystem: this list was computed with utility counted.
    pub utility_dependent: bool,
}

impl SpofList {
    pub fn ids(&self) -> Vec<&str> {
        self.items.iter().map(|s| s.id.as_str()).collect()
    }
}

/// A subsystem judged as designed or as it stands.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Assessment {
    pub tier: Tier,
    /// Serves its loads in unplanned mode with nothing more removed.
    pub serves: bool,
    pub findings: Vec<Finding>,
    pub spofs: SpofList,
    /// Selector enumeration was capped somewhere: the answer used relaxed flow.
    pub approximate: bool,
}

/// Units of one kind on a common bus, and the label derived from them (never stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedundancyGroup {
    pub kind: String,
    pub units: Vec<Id>,
    pub demand: f64,
    /// Units needed to carry the demand, removing the largest first.
    pub need: u32,
    pub installed: u32,
    pub available: u32,
    pub design_label: String,
    pub live_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubsystemReport {
    pub subsystem: Subsystem,
    pub in_scope: bool,
    pub design: Assessment,
    pub live: Assessment,
    /// Headline label for the subsystem, design and live (e.g. "2(N+1)" and "N+1").
    pub design_label: String,
    pub live_label: String,
    pub groups: Vec<RedundancyGroup>,
    /// Per-load explanations, e.g. "would compute to Tier IV without the 40 kW of single-corded load".
    pub notes: Vec<String>,
}

/// IT-analog assessment of one redundancy group (docs/tier-rules.md §2.8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAssessment {
    /// Members (or capacity) needed.
    pub need: u32,
    /// Members counting towards the need now.
    pub available: u32,
    /// Guaranteed further member losses that still meet the need; < 0 = not serving.
    pub tolerance: i32,
    /// RAID10: losses survivable when they land in different mirror sets.
    pub best_case: Option<i32>,
    /// "failed", "N (no redundancy left)", "N+1", ...
    pub label: String,
    pub grade: Tier,
    pub shared: Vec<Id>,
    pub failover_s: Option<f64>,
    pub automatic: bool,
    pub spofs: Vec<Id>,
    /// Why this grade, in one sentence.
    pub reason: String,
}

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
pub enum GroupKind {
    Raid,
    Bond,
    Bridge,
    Gateway,
    Cluster,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    pub id: Id,
    pub kind: GroupKind,
    pub design: GroupAssessment,
    pub live: GroupAssessment,
    /// RAID: usable capacity in TB from level, member count and drive size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usable_tb: Option<f64>,
    /// Rebuild progress and ETA, hashing warnings, rebuild exposure (illustrative).
    pub notes: Vec<String>,
}

/// What a serving note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Loads without supply now.
    Unserved,
    /// Loads served through no working UPS.
    Unprotected,
    /// A UPS carrying its load from the battery.
    OnBattery,
}

/// A fact about now that is not a tier: a UPS on battery, loads without supply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServingNote {
    pub kind: NoteKind,
    /// Which subsystem falls short: a load without cooling is not a load without power.
    pub subsystem: crate::model::Subsystem,
    /// On battery: the estimated runtime the UPS reports, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_min: Option<f64>,
    pub elements: Vec<Id>,
    pub loads: Vec<Id>,
    pub message: String,
    /// Unprotected: what leaves the loads without a working UPS ("UPS-B1 bypass, ATS-3 on
    /// raw input RB-2"), so each load's line can say it without the others'.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementStatus {
    pub id: Id,
    pub state: crate::model::ElementState,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub site: String,
    pub profile: Profile,
    pub design_tier: Tier,
    pub live_tier: Tier,
    /// Every critical load has power and cooling right now (utility and bypass counted).
    pub serving_now: bool,
    pub serving_notes: Vec<ServingNote>,
    /// In-scope loads without supply right now, by id (the preflight compares these).
    pub unserved_loads: Vec<Id>,
    /// Power loads served now but protected by no UPS (every live path runs round one):
    /// one utility disturbance drops them.
    pub unprotected_loads: Vec<Id>,
    pub subsystems: Vec<SubsystemReport>,
    pub groups: Vec<GroupReport>,
    /// Elements not `ok` right now, in site order: the facts behind the live tier.
    pub not_ok: Vec<ElementStatus>,
    /// Site-level findings (provider prerequisites).
    pub findings: Vec<Finding>,
    /// Warnings about the data itself (fuel unknown, approximate answers).
    pub warnings: Vec<String>,
}

impl Classification {
    pub fn subsystem(&self, s: Subsystem) -> Option<&SubsystemReport> {
        self.subsystems.iter().find(|r| r.subsystem == s)
    }

    pub fn group(&self, id: &str) -> Option<&GroupReport> {
        self.groups.iter().find(|g| g.id == id)
    }
}

crate::state_words!(GroupKind);
