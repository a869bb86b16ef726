//! The agent wire protocol, version 1: what `GET /v1/snapshot` returns and how a console
//! reads it. Decoding is tolerant by design: unknown fields are ignored, and a malformed
//! element costs only that element, never the rest of the snapshot.

mod decode;
mod envelope;
pub mod limits;
mod metrics;
mod ops;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::model::{ElementState, MemberState, Rebuild};

pub use decode::{DecodeError, Decoded, ItemError, decode_snapshot};
pub use metrics::Metrics;
pub use ops::{OpReply, OpRequest};

/// Bumped only when a change would break a v1 reader.
pub const SCHEMA_VERSION: u32 = 1;

/// Who answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AgentInfo {
    #[serde(deserialize_with = "limits::string")]
    pub id: String,
    /// redcon version of the agent.
    #[serde(deserialize_with = "limits::string")]
    pub version: String,
    #[serde(default, deserialize_with = "limits::opt_string")]
    pub hostname: Option<String>,
}

/// Live state of one facility element (UPS, cooling unit, breaker ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ElementReport {
    /// Element ids are short: stored inline, no allocation per element per poll.
    #[serde(deserialize_with = "limits::id")]
    pub id: SmolStr,
    pub state: ElementState,
    /// Unix seconds when the source last confirmed this value.
    pub observed_at: f64,
    /// Source status words, e.g. NUT's `OL`, `OB`, `LB`, `BYPASS`.
    /// Short strings are stored inline: a fleet sends thousands of these a second.
    #[serde(default, deserialize_with = "limits::flags")]
    pub flags: Vec<SmolStr>,
    /// Named numbers: `load_pct`, `battery_charge_pct`, `runtime_min`, `supply_temp_c`,
    /// `return_temp_c`, `capacity_kw`, ...
    #[serde(default)]
    pub metrics: Metrics,
    /// For a transfer switch or valve: the id of the input carrying the load now (after
    /// the agent's `element_map`); absent when the source does not say or for other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<SmolStr>,
}

/// Live state of one IT-group member (RAID member, bond port, uplink, router, node).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MemberReport {
    #[serde(deserialize_with = "limits::id")]
    pub id: SmolStr,
    pub state: MemberState,
    pub observed_at: f64,
    #[serde(default)]
    pub rebuild: Option<Rebuild>,
    /// Source words that say why a member is in its state: `faulty`, `spare`, `blocking`,
    /// `churned`, HAProxy's `DRAIN` and `L4OK`, keepalived's `BACKUP`. Shown to the
    /// operator, not used by the classification; left out of the JSON when empty.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "limits::flags"
    )]
    pub flags: Vec<SmolStr>,
    #[serde(default)]
    pub metrics: Metrics,
}

/// Fuel or makeup-water storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TankReport {
    #[serde(deserialize_with = "limits::string")]
    pub id: String,
    pub state: ElementState,
    /// Hours at N left, when the level is measured.
    #[serde(default)]
    pub hours: Option<f64>,
    pub observed_at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiskReport {
    #[serde(deserialize_with = "limits::string")]
    pub mount: String,
    pub total_bytes: u64,
    pub available_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TemperatureReport {
    #[serde(deserialize_with = "limits::string")]
    pub label: String,
    pub celsius: f64,
}

/// The agent's own host: the `host` collector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HostReport {
    pub observed_at: f64,
    pub cpu_pct: f64,
    pub memory_used_bytes: u64,
    pub memory_total_bytes: u64,
    #[serde(default)]
    pub uptime_s: u64,
    #[serde(default, deserialize_with = "limits::host_list")]
    pub disks: Vec<DiskReport>,
    #[serde(default, deserialize_with = "limits::host_list")]
    pub temperatures: Vec<TemperatureReport>,
}

/// `GET /v1/snapshot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    pub schema_version: u32,
    pub agent: AgentInfo,
    /// Unix seconds when this snapshot was assembled.
    pub generated_at: f64,
    #[serde(default, deserialize_with = "limits::items")]
    pub elements: Vec<ElementReport>,
    #[serde(default, deserialize_with = "limits::items")]
    pub members: Vec<MemberReport>,
    #[serde(default, deserialize_with = "limits::items")]
    pub tanks: Vec<TankReport>,
    #[serde(default)]
    pub host: Option<HostReport>,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: String,
    pub agent: AgentInfo,
    pub schema_version: u32,
    pub uptime_s: f64,
}

/// The JSON Schema of a snapshot, as served at `/v1/schema`.
pub fn snapshot_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or(serde_json::Value::Null)
}

/// On every snapshot answer of a server that can hold a request for a change
/// (`GET /v1/snapshot?wait=SECONDS` with a current `If-None-Match`): the longest wait it
/// grants, in seconds. A client asks for waits only of a server that says this (an older
/// one would answer at once, and a client waiting on it would poll in a tight loop).
pub const WAIT_HEADER: &str = "redcon-wait";

/// A weak entity tag for a content version: bodies carry fresh timestamps, so equal tags
/// mean "same states and metrics", not "same bytes".
pub fn etag(agent: &str, version: u64) -> String {
    format!("W/\"{agent}-{version}\"")
}

/// Seconds since the Unix epoch, for `observed_at` and `generated_at`.
pub fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
