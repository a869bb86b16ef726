//! The agent's configuration file (RON):
//!
//! ```ron
//! (
//!     id: "host-1",                 // the agent's name in site files and ETags
//!     listen: "127.0.0.1:9470",     // optional; default 127.0.0.1:9470
//!     collect_every_s: 5.0,         // optional; default 5
//!     collectors: [host(root: "/")],
//!     element_map: {"ups@localhost": "UPS-A1"},  // optional
//! )
//! ```
//!
//! `element_map` renames what sources call things (a NUT `ups@host`, a bond `bond0`) to
//! the ids the site file uses, so one agent config fits the site without touching the
//! sources. It applies to the ids of elements, members and tanks.
//!
//! Mistakes are refused while parsing, so every error carries the file, line and column.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::{Deserialize, Deserializer, de::Error as _};

mod facility;
pub use facility::{ModbusDevice, SnmpAuth, SnmpDevice, SnmpPrivacy, SnmpV3};

pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 9470);
pub const DEFAULT_COLLECT_EVERY_S: f64 = 5.0;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Printable ASCII without spaces or quotes: it goes into the `ETag` header verbatim.
    #[serde(deserialize_with = "agent_id")]
    pub id: String,
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    #[serde(default = "default_every", deserialize_with = "interval")]
    pub collect_every_s: f64,
    #[serde(default, deserialize_with = "collectors")]
    pub collectors: Vec<CollectorSpec>,
    /// Source name -> site id.
    #[serde(default)]
    pub element_map: BTreeMap<String, String>,
    /// Token file enabling `POST /v1/ops` (docs/operations.md); without it every
    /// operation is refused.
    #[serde(default)]
    pub tokens: Option<PathBuf>,
    /// Where received operations are audited (JSON lines).
    #[serde(default)]
    pub audit: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain and key (PEM files).
    #[serde(default)]
    pub tls: Option<TlsFiles>,
    /// Connections open at once, a few of them kept for health and operations.
    #[serde(default = "default_connections", deserialize_with = "connections")]
    pub max_connections: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// One source the agent reads. One variant per collector in `collectors/`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CollectorSpec {
    /// The agent's own host via `sysinfo`. `root` is reserved for reading a copy of
    /// `/proc` and `/sys` (test fixtures); only `/` is supported so far.
    Host {
        #[serde(default)]
        root: Option<PathBuf>,
    },
    /// UPSs behind a NUT upsd (collectors/nut.rs); see docs/collectors.md.
    Nut {
        #[serde(default = "default_nut_server")]
        server: String,
        /// UPS names as upsd knows them; empty: every UPS it lists.
        #[serde(default)]
        ups: Vec<String>,
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
        /// The upsd user instant commands are sent as (`instcmds` in upsd.users); without
        /// it, operations on these UPSs are not applicable.
        #[serde(default)]
        username: Option<String>,
        /// First line: that user's password. Read at each operation, never logged.
        #[serde(default)]
        password_file: Option<PathBuf>,
    },
    /// VRRP instances from keepalived's notify FIFO (collectors/keepalived.rs).
    Keepalived {
        fifo: PathBuf,
        /// Instances always reported (unknown until heard of); others as they appear.
        #[serde(default)]
        instances: Vec<String>,
        /// Instance -> the track file that hands its MASTER role away (operations).
        #[serde(default)]
        failover: BTreeMap<String, TrackFile>,
    },
    /// Backend servers behind HAProxy's stats socket (collectors/haproxy.rs).
    Haproxy {
        socket: PathBuf,
        /// Backends to report; empty: all.
        #[serde(default)]
        backends: Vec<String>,
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// Linux md RAID from `<root>/sys/block/md*/md`, else `<root>/proc/mdstat`. The
    /// driver runs `mdadm` (default `mdadm` on the PATH) to fail, remove and add members.
    Mdraid {
        #[serde(default)]
        root: Option<PathBuf>,
        #[serde(default)]
        mdadm: Option<String>,
    },
    /// Linux bonds from `<root>/proc/net/bonding/*`, else `<root>/sys/class/net`.
    Bonding {
        #[serde(default)]
        root: Option<PathBuf>,
    },
    /// Linux bridges' STP from `<root>/sys/class/net/<br>`; all bridges when `bridges`
    /// is empty. Port roles from `mstpctl` (default `mstpctl`) where mstpd runs a bridge.
    Bridge {
        #[serde(default)]
        root: Option<PathBuf>,
        #[serde(default)]
        bridges: Vec<String>,
        #[serde(default)]
        mstpctl: Option<String>,
    },
    /// A Pacemaker cluster from `crm_mon --output-as=xml` (`command`, default
    /// `crm_mon --one-shot --output-as=xml`, with `CIB_file` set from `cib_file`), or
    /// from a saved output (`xml_file`). `cluster` names the cluster's own report.
    Pacemaker {
        #[serde(default)]
        command: Option<Vec<String>>,
        #[serde(default)]
        xml_file: Option<PathBuf>,
        #[serde(default)]
        cib_file: Option<PathBuf>,
        #[serde(default)]
        cluster: Option<String>,
    },
    /// Facility devices over SNMP v2c/v3, each read by a device profile (RON).
    Snmp {
        devices: Vec<SnmpDevice>,
        /// Seconds per request.
        #[serde(default = "facility::default_snmp_timeout_s")]
        timeout_s: f64,
        /// Tries after a request times out.
        #[serde(default = "facility::default_retries")]
        retries: u32,
        /// Devices asked at once.
        #[serde(default = "facility::default_concurrency")]
        concurrency: usize,
    },
    /// Facility devices over Modbus TCP, each read by a register map (RON); never writes.
    Modbus {
        devices: Vec<ModbusDevice>,
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
        #[serde(default = "facility::default_concurrency")]
        concurrency: usize,
    },
    /// A BMC's power supplies, fans and redundancy groups over Redfish (read-only).
    /// `url` is the service's origin; `password_file` keeps the password out of here.
    Redfish {
        url: String,
        #[serde(default)]
        username: Option<String>,
        #[serde(default)]
        password_file: Option<PathBuf>,
        #[serde(default)]
        accept_invalid_certs: bool,
        /// Requests in flight at once (1-64).
        #[serde(default = "default_redfish_concurrency")]
        concurrency: usize,
        /// Put before every id this service reports (`pdu-7` -> `pdu-7/RackPDUs/1`), so
        /// several services of one model, which name their resources alike, do not clash.
        #[serde(default)]
        prefix: Option<String>,
    },
}

fn default_redfish_concurrency() -> usize {
    crate::agent::collectors::redfish::DEFAULT_CONCURRENCY
}

/// A `vrrp_track_file` keepalived watches for one instance: writing `give_up` to it
/// (keepalived multiplies it by the file's `weight`) drops this router's priority below its
/// peer's, and writing `0` restores it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackFile {
    pub file: PathBuf,
    #[serde(default = "default_give_up")]
    pub give_up: i32,
    /// The site id of the gateway group this instance serves, so `failover GROUP --to M`
    /// reaches it.
    #[serde(default)]
    pub group: Option<String>,
}

fn default_give_up() -> i32 {
    1
}

impl CollectorSpec {
    pub fn name(&self) -> &'static str {
        match self {
            CollectorSpec::Host { .. } => "host",
            CollectorSpec::Nut { .. } => "nut",
            CollectorSpec::Haproxy { .. } => "haproxy",
            CollectorSpec::Keepalived { .. } => "keepalived",
            CollectorSpec::Mdraid { .. } => "mdraid",
            CollectorSpec::Bonding { .. } => "bonding",
            CollectorSpec::Bridge { .. } => "bridge",
            CollectorSpec::Pacemaker { .. } => "pacemaker",
            CollectorSpec::Redfish { .. } => "redfish",
            CollectorSpec::Snmp { .. } => "snmp",
            CollectorSpec::Modbus { .. } => "modbus",
        }
    }
}

impl AgentConfig {
    /// The configuration used without a file: defaults and the host collector.
    pub fn new(id: impl Into<String>) -> Self {
        AgentConfig {
            id: id.into(),
            listen: DEFAULT_LISTEN,
            collect_every_s: DEFAULT_COLLECT_EVERY_S,
            collectors: vec![CollectorSpec::Host { root: None }],
            element_map: BTreeMap::new(),
            tokens: None,
            audit: None,
            tls: None,
            max_connections: crate::listen::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}:{col}: {message}")]
    Syntax {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
}

/// Parse an agent configuration; `file` names the source in errors.
pub fn parse_agent_config(text: &str, file: &str) -> Result<AgentConfig, ConfigError> {
    // `root: "/"` reads better than `root: Some("/")` in a hand-written file.
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    options.from_str(text).map_err(|e| ConfigError::Syntax {
        file: file.to_string(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })
}

pub fn load_agent_config(path: &Path) -> Result<AgentConfig, ConfigError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        file: file.clone(),
        source,
    })?;
    parse_agent_config(&text, &file)
}

fn default_listen() -> SocketAddr {
    DEFAULT_LISTEN
}

fn default_every() -> f64 {
    DEFAULT_COLLECT_EVERY_S
}

/// Seconds a source may take to connect or answer one request.
fn default_timeout_s() -> f64 {
    3.0
}

fn default_connections() -> usize {
    crate::listen::DEFAULT_MAX_CONNECTIONS
}

fn connections<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if !(16..=65_536).contains(&n) {
        return Err(D::Error::custom(format!(
            "max_connections must be between 16 and 65536, not {n}"
        )));
    }
    Ok(n)
}

fn default_nut_server() -> String {
    "127.0.0.1:3493".into()
}

/// Checks that must fail with a location live in these deserializers: after parsing,
/// RON's positions are gone.
fn agent_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if id.is_empty() {
        return Err(D::Error::custom("id must not be empty"));
    }
    if let Some(c) = id.chars().find(|c| !c.is_ascii_graphic() || *c == '"') {
        return Err(D::Error::custom(format!(
            "id {id:?} contains {c:?}: use printable ASCII without spaces or quotes (it goes into HTTP headers)"
        )));
    }
    Ok(id)
}

fn interval<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let s = f64::deserialize(d)?;
    // Sub-second collection would measure the collector more than the host; a day is
    // already longer than any stale limit a console would use.
    if !(0.5..=86_400.0).contains(&s) {
        return Err(D::Error::custom(format!(
            "collect_every_s must be between 0.5 and 86400, not {s}"
        )));
    }
    Ok(s)
}

fn collectors<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CollectorSpec>, D::Error> {
    let list = Vec::<CollectorSpec>::deserialize(d)?;
    // Several of one kind are fine (two upsd servers, twenty SNMP devices, several BMCs);
    // the same source twice, or two reports of the one machine, is a slip.
    for (i, c) in list.iter().enumerate() {
        if list.iter().take(i).any(|p| p == c) {
            return Err(D::Error::custom(format!(
                "collector `{}` is listed twice with the same settings",
                c.name()
            )));
        }
        if matches!(c, CollectorSpec::Host { .. })
            && list
                .iter()
                .take(i)
                .any(|p| matches!(p, CollectorSpec::Host { .. }))
        {
            return Err(D::Error::custom(
                "collector `host` is listed twice: an agent reports one machine",
            ));
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests;
