//! The designed topology of a site: facility elements (power, cooling, network), the loads
//! they serve, fuel and makeup-water storage, and the profile the site is judged under.
//! Units: `capacity` and `demand` are kW for power and cooling, Gbps for network.

use serde::{Deserialize, Serialize};

use super::it::{Bond, BridgeGroup, Cluster, GatewayGroup, RaidArray};

pub type Id = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subsystem {
    Power,
    Cooling,
    Network,
}

impl Subsystem {
    pub const ALL: [Subsystem; 3] = [Subsystem::Power, Subsystem::Cooling, Subsystem::Network];

    pub fn name(self) -> &'static str {
        match self {
            Subsystem::Power => "power",
            Subsystem::Cooling => "cooling",
            Subsystem::Network => "network",
        }
    }

    /// The unit of capacity and demand in this subsystem.
    pub fn unit(self) -> &'static str {
        match self {
            Subsystem::Power | Subsystem::Cooling => "kW",
            Subsystem::Network => "Gbps",
        }
    }
}

/// What an element is. The kind fixes the subsystem and the element's role in the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    // power
    Generator,
    Utility,
    Ups,
    Ats,
    Sts,
    RackAts,
    Switchgear,
    Switchboard,
    Transformer,
    Breaker,
    Busway,
    Pdu,
    Rpp,
    Panel,
    // cooling
    Chiller,
    Crac,
    Crah,
    Pump,
    Tower,
    Loop,
    Header,
    Pipe,
    Valve,
    ThreeWayValve,
    // network
    Isp,
    Router,
    Switch,
    Link,
    Entrance,
}

impl Kind {
    pub fn subsystem(self) -> Subsystem {
        use Kind::*;
        match self {
            Generator | Utility | Ups | Ats | Sts | RackAts | Switchgear | Switchboard
            | Transformer | Breaker | Busway | Pdu | Rpp | Panel => Subsystem::Power,
            Chiller | Crac | Crah | Pump | Tower | Loop | Header | Pipe | Valve | ThreeWayValve => {
                Subsystem::Cooling
            }
            Isp | Router | Switch | Link | Entrance => Subsystem::Network,
        }
    }

    /// Kinds that originate the resource when nothing feeds them.
    pub fn is_source(self) -> bool {
        use Kind::*;
        matches!(self, Generator | Utility | Chiller | Crac | Tower | Isp)
    }

    /// Capacity components: their count sets N and Tier II asks for a spare of each.
    pub fn is_capacity_component(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Generator | Ups | Chiller | Crac | Crah | Pump | Tower | Isp | Router | Switch
        )
    }

    /// Selectors pass the resource from one input at a time.
    pub fn is_selector(self) -> bool {
        matches!(
            self,
            Kind::Ats | Kind::Sts | Kind::RackAts | Kind::ThreeWayValve
        )
    }

    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            Generator => "generator",
            Utility => "utility",
            Ups => "ups",
            Ats => "ats",
            Sts => "sts",
            RackAts => "rack_ats",
            Switchgear => "switchgear",
            Switchboard => "switchboard",
            Transformer => "transformer",
            Breaker => "breaker",
            Busway => "busway",
            Pdu => "pdu",
            Rpp => "rpp",
            Panel => "panel",
            Chiller => "chiller",
            Crac => "crac",
            Crah => "crah",
            Pump => "pump",
            Tower => "tower",
            Loop => "loop",
            Header => "header",
            Pipe => "pipe",
            Valve => "valve",
            ThreeWayValve => "three_way_valve",
            Isp => "isp",
            Router => "router",
            Switch => "switch",
            Link => "link",
            Entrance => "entrance",
        }
    }
}

/// How an element takes over: hot-hot (`active`), hot-warm (`auto`), hot-cold (`manual`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    #[default]
    Active,
    Auto,
    Manual,
}

/// Engine-generator rating. `standby` is runtime-limited and only good for Tiers I–II.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Standby,
    Prime,
    Continuous,
    Dcc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    pub id: Id,
    pub kind: Kind,
    /// None: distribution gear rated above any flow it will see.
    #[serde(default)]
    pub capacity: Option<f64>,
    #[serde(default)]
    pub activation: Activation,
    /// For `auto` elements: seconds to take over.
    #[serde(default)]
    pub transfer_s: Option<f64>,
    /// Fire / physical compartment.
    #[serde(default)]
    pub zone: Option<String>,
    /// Elements that must be de-energised together to work on any of them (default: itself).
    #[serde(default)]
    pub isolation_group: Option<String>,
    /// Consequential effects of an unplanned failure of this element.
    #[serde(default)]
    pub takes_down: Vec<Id>,
    #[serde(default)]
    pub rating: Option<Rating>,
    /// Rack-mounted transfer switch for odd-corded gear (the Uptime point-of-use concession).
    #[serde(default)]
    pub exempt_point_of_use: bool,
    /// Elements this one can receive the resource from.
    #[serde(default)]
    pub inputs: Vec<Id>,
    /// Transfer switches: the input that carries the load in normal operation. That input is
    /// in use (active); the others are reached by the switch's own `activation`.
    #[serde(default)]
    pub preferred: Option<Id>,
    /// Dependencies on other elements in conjunctive normal form: each clause needs one.
    #[serde(default)]
    pub requires: Vec<Vec<Id>>,
    /// The agent and source that report this element's live state, e.g. `nut:ups1`.
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// For the illustrative reliability figures only; never used for a tier.
    #[serde(default)]
    pub mtbf_h: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
}

impl Element {
    pub fn subsystem(&self) -> Subsystem {
        self.kind.subsystem()
    }

    pub fn isolation_group(&self) -> &str {
        self.isolation_group.as_deref().unwrap_or(&self.id)
    }
}

/// A critical load: IT equipment (power), a room's heat (cooling) or a network consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub id: Id,
    pub subsystem: Subsystem,
    pub demand: f64,
    /// Cords, coils or uplinks: each may carry the whole demand.
    pub inputs: Vec<Id>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Fuel or makeup-water storage, in hours of autonomy at N load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tank {
    pub id: Id,
    pub hours_at_n: f64,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Uptime Institute Tier Standard: Topology. Utility is never counted.
    #[default]
    Uptime,
    /// Uptime plus the Tier IV prerequisites a provider's contract often asks for.
    Provider,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prerequisites {
    #[serde(default)]
    pub utility_feeds: u32,
    #[serde(default)]
    pub isp_carriers: u32,
    #[serde(default)]
    pub water_sources: u32,
}

fn default_budget() -> f64 {
    5.0
}
fn default_required_hours() -> f64 {
    12.0
}
fn default_in_scope() -> Vec<Subsystem> {
    vec![Subsystem::Power, Subsystem::Cooling]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub profile: Profile,
    /// Cooling keeps the space at steady state through the power transfer (Tier IV).
    #[serde(default)]
    pub continuous_cooling: bool,
    /// Failover budget for network and IT-level groups, seconds.
    #[serde(default = "default_budget")]
    pub network_budget_s: f64,
    /// On-site fuel and makeup water required, hours at N.
    #[serde(default = "default_required_hours")]
    pub required_hours: f64,
    #[serde(default)]
    pub prerequisites: Prerequisites,
    /// Subsystems that enter the site tier.
    #[serde(default = "default_in_scope")]
    pub in_scope: Vec<Subsystem>,
    pub elements: Vec<Element>,
    /// Extra feeds as (from, to), for those who prefer an edge list to `inputs`.
    #[serde(default)]
    pub edges: Vec<(Id, Id)>,
    pub loads: Vec<Load>,
    #[serde(default)]
    pub fuel_tanks: Vec<Tank>,
    #[serde(default)]
    pub makeup_water: Vec<Tank>,
    #[serde(default)]
    pub raid: Vec<RaidArray>,
    #[serde(default)]
    pub bonds: Vec<Bond>,
    #[serde(default)]
    pub bridges: Vec<BridgeGroup>,
    #[serde(default)]
    pub gateways: Vec<GatewayGroup>,
    #[serde(default)]
    pub clusters: Vec<Cluster>,
}

impl Site {
    /// A site with these elements and loads and every other field at the file format's
    /// default: the same defaults a site file gets for what it leaves out.
    pub fn new(name: impl Into<String>, elements: Vec<Element>, loads: Vec<Load>) -> Site {
        Site {
            name: name.into(),
            description: None,
            profile: Profile::default(),
            continuous_cooling: false,
            network_budget_s: default_budget(),
            required_hours: default_required_hours(),
            prerequisites: Prerequisites::default(),
            in_scope: default_in_scope(),
            elements,
            edges: vec![],
            loads,
            fuel_tanks: vec![],
            makeup_water: vec![],
            raid: vec![],
            bonds: vec![],
            bridges: vec![],
            gateways: vec![],
            clusters: vec![],
        }
    }

    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }

    /// All inputs of an element: its own `inputs` plus edges that name it as `to`.
    /// The loader folds `edges` into `inputs`, so after loading this is just `inputs`.
    pub fn inputs_of<'a>(&'a self, e: &'a Element) -> impl Iterator<Item = &'a Id> {
        e.inputs.iter()
    }
}
