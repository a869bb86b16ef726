//! IT-level redundancy groups (docs/tier-rules.md §2.8): RAID arrays, bonds, STP/RSTP uplink groups,
//! first-hop gateway groups and quorum clusters. They are graded with the same vocabulary
//! as the facility but never folded into the Uptime site tier.
//!
//! Member ids share the site's id namespace so a live overlay can name them unambiguously.
//! `via` and `shared` name whatever the member depends on (an upstream switch, a controller,
//! a PDU); they may be site elements or components that exist only at the IT level.

use serde::{Deserialize, Serialize};

use super::site::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaidLevel {
    Raid0,
    Raid1,
    Raid5,
    Raid6,
    Raid10,
}

fn default_copies() -> u32 {
    2
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaidArray {
    pub id: Id,
    pub level: RaidLevel,
    /// Active members in slot order; for RAID10 consecutive runs of `copies` form mirror sets.
    pub members: Vec<Id>,
    #[serde(default)]
    pub spares: Vec<Id>,
    /// A single controller (or HBA) every member hangs off is a shared element.
    #[serde(default)]
    pub controller: Option<Id>,
    /// RAID10 near copies per chunk.
    #[serde(default = "default_copies")]
    pub copies: u32,
    /// Drive size, for usable capacity and rebuild exposure.
    #[serde(default)]
    pub drive_tb: Option<f64>,
    #[serde(default)]
    pub drive_mttf_h: Option<f64>,
    #[serde(default)]
    pub rebuild_h: Option<f64>,
    /// Unrecoverable read errors per bit read (datasheet), e.g. 1e-15 enterprise.
    #[serde(default)]
    pub ure_per_bit: Option<f64>,
    #[serde(default)]
    pub host: Option<Id>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BondMode {
    ActiveBackup,
    Lacp,
    BalanceXor,
    BalanceRr,
    BalanceTlb,
    BalanceAlb,
    Broadcast,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LacpRate {
    #[default]
    Slow,
    Fast,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BondMember {
    pub id: Id,
    pub speed_gbps: f64,
    /// The partner switch this port is cabled to.
    #[serde(default)]
    pub switch: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bond {
    pub id: Id,
    pub mode: BondMode,
    pub members: Vec<BondMember>,
    /// Minimum links up before the bond asserts carrier (Linux treats 0 as 1).
    #[serde(default)]
    pub min_links: u32,
    #[serde(default)]
    pub demand_gbps: Option<f64>,
    /// MLAG / vPC: the partner switches act as one but fail apart.
    #[serde(default)]
    pub multi_chassis: bool,
    #[serde(default)]
    pub lacp_rate: LacpRate,
    #[serde(default)]
    pub host: Option<Id>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StpProtocol {
    /// IEEE 802.1D: timer-driven, 30–50 s to converge.
    Stp,
    /// IEEE 802.1w / 802.1D-2004: handshake on point-to-point links.
    Rstp,
    /// 802.1s, RSTP per instance.
    Mstp,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uplink {
    pub id: Id,
    pub speed_gbps: f64,
    /// What this uplink depends on beyond itself, e.g. the core switch at its far end.
    #[serde(default)]
    pub via: Vec<Id>,
    /// RSTP's fast handshake needs point-to-point links; shared links fall back to timers.
    #[serde(default = "yes")]
    pub point_to_point: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeGroup {
    pub id: Id,
    pub protocol: StpProtocol,
    pub members: Vec<Uplink>,
    pub demand_gbps: f64,
    #[serde(default)]
    pub shared: Vec<Id>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayProtocol {
    Vrrp,
    Hsrp,
    Glbp,
}

fn default_priority() -> u8 {
    100
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Router {
    pub id: Id,
    /// 255 = VRRP address owner; 1–254 configurable; default 100.
    #[serde(default = "default_priority")]
    pub priority: u8,
    #[serde(default)]
    pub via: Vec<Id>,
}

fn default_vrrp_version() -> u8 {
    3
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayGroup {
    pub id: Id,
    pub protocol: GatewayProtocol,
    /// VRRP 2 or 3 (the skew-time formula differs).
    #[serde(default = "default_vrrp_version")]
    pub version: u8,
    /// VRRP advertisement interval; HSRP/GLBP hello. Protocol default when absent.
    #[serde(default)]
    pub advert_s: Option<f64>,
    /// HSRP/GLBP hold time. Protocol default when absent.
    #[serde(default)]
    pub hold_s: Option<f64>,
    pub members: Vec<Router>,
    /// Forwarders needed to carry the traffic (GLBP load sharing); 1 for VRRP/HSRP.
    #[serde(default = "one")]
    pub forwarders_needed: u32,
    #[serde(default)]
    pub shared: Vec<Id>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterNode {
    pub id: Id,
    #[serde(default = "one")]
    pub votes: u32,
    #[serde(default)]
    pub via: Vec<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuorumPolicy {
    /// Static majority: Q = floor(E/2) + 1.
    #[default]
    Majority,
    /// corosync `two_node`: Q = 1 with two nodes, relying on fencing.
    TwoNode,
    /// Only the witness disk decides: the disk is a single point of failure.
    DiskOnly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    pub id: Id,
    #[serde(default = "one")]
    pub votes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: Id,
    /// The node it is meant to run on, if pinned by preference.
    #[serde(default)]
    pub prefers: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub id: Id,
    pub nodes: Vec<ClusterNode>,
    #[serde(default)]
    pub witness: Option<Witness>,
    #[serde(default)]
    pub quorum: QuorumPolicy,
    /// Nodes the workload needs to run.
    #[serde(default = "one")]
    pub nodes_needed: u32,
    /// Seconds for a resource to restart elsewhere after a node loss.
    pub failover_s: f64,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Anything every node depends on (a shared SAN, one switch).
    #[serde(default)]
    pub shared: Vec<Id>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}
