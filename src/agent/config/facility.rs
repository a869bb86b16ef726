//! Settings of the facility collectors (`snmp`, `modbus`): one collector lists many
//! devices, each reported as one element under its site id.

use std::path::PathBuf;

use serde::Deserialize;

/// One SNMP device: where it is, how to log in, which profile reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnmpDevice {
    /// The element id it is reported as (a site id, or a name `element_map` renames).
    pub element: String,
    /// `host:port`; the port defaults to 161.
    pub address: String,
    /// A shipped profile by name (`liebert-gp-environmental`, `apc-rpdu2` ...).
    #[serde(default)]
    pub profile: Option<String>,
    /// A profile of the site's own, instead of `profile`.
    #[serde(default)]
    pub profile_file: Option<PathBuf>,
    /// SNMP v2c: the community is the file's first line (kept out of the config).
    #[serde(default)]
    pub community_file: Option<PathBuf>,
    /// SNMP v3 (USM) instead of a community.
    #[serde(default)]
    pub v3: Option<SnmpV3>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnmpV3 {
    pub user: String,
    /// The SNMPv3 context name, where the agent wants one (a proxy choosing the device).
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default = "default_auth")]
    pub auth: SnmpAuth,
    /// First line: the authentication pass phrase.
    pub auth_password_file: PathBuf,
    /// Privacy (encryption); none: authentication only.
    #[serde(default)]
    pub privacy: Option<SnmpPrivacy>,
    #[serde(default)]
    pub privacy_password_file: Option<PathBuf>,
}

fn default_auth() -> SnmpAuth {
    SnmpAuth::Sha1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnmpAuth {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnmpPrivacy {
    Des,
    Aes128,
    Aes192,
    Aes256,
}

/// One Modbus TCP device and the register map that reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModbusDevice {
    pub element: String,
    /// `host:port`; the port defaults to 502.
    pub address: String,
    /// A shipped register map by name (`crah`, `generator`, `transfer-switch`).
    #[serde(default)]
    pub map: Option<String>,
    /// A register map of the site's own, instead of `map`.
    #[serde(default)]
    pub map_file: Option<PathBuf>,
    /// Overrides the map's unit id (the slave address behind a gateway).
    #[serde(default)]
    pub unit: Option<u8>,
}

pub fn default_snmp_timeout_s() -> f64 {
    2.0
}

pub fn default_retries() -> u32 {
    1
}

pub fn default_concurrency() -> usize {
    32
}
