//! The `snmp` collector: facility devices (cooling units, PDUs, UPS cards) over SNMP v2c
//! or v3, each read by a device profile (`profile`), so vendors are data. Devices are
//! asked concurrently (bounded), each request with its own timeout; a device that does
//! not answer, or answers nonsense, costs only itself.

pub mod eval;
pub mod profile;
#[cfg(test)]
mod tests;
pub mod wire;

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use smol_str::SmolStr;

use super::io::Io;
use super::parse::read_text;
use super::{Collected, Collector, CollectorError};
use crate::agent::config::{SnmpAuth, SnmpDevice, SnmpPrivacy};
use crate::api::{self, ElementReport, MemberReport, Metrics};
use crate::model::{ElementState, MemberState};
use eval::{Answers, evaluate};
use profile::{Profile, parse_oid};
use wire::{Conn, Login};

const NAME: &str = "snmp";

/// One configured device, ready to ask.
pub struct Device {
    pub element: String,
    pub address: String,
    pub profile: Profile,
    login: Login,
    scalars: Vec<Vec<u64>>,
    columns: Vec<Vec<u64>>,
    conn: Option<Conn>,
    /// Members reported last time: unknown, not gone, while the device does not answer.
    last_members: Vec<SmolStr>,
}

impl Device {
    /// `element (address)`, as errors name it.
    pub fn source(&self) -> String {
        format!("{} ({})", self.element, self.address)
    }

    async fn ask(&mut self, timeout: Duration, retries: u32) -> Result<Answers, String> {
        let conn = self
            .conn
            .get_or_insert_with(|| Conn::new(&self.address, self.login.clone(), timeout, retries));
        let mut answers = Answers::new();
        let result = read_all(conn, &self.scalars, &self.columns, &mut answers).await;
        if result.is_err() {
            // a fresh socket (and v3 engine discovery) next round
            self.conn = None;
        }
        result.map(|()| answers)
    }
}

async fn read_all(
    conn: &mut Conn,
    scalars: &[Vec<u64>],
    columns: &[Vec<u64>],
    answers: &mut Answers,
) -> Result<(), String> {
    conn.get(scalars, answers).await?;
    for column in columns {
        conn.walk(column, answers).await?;
    }
    Ok(())
}

/// Build a device from its config: the profile found and checked, credentials read.
pub fn device(spec: &SnmpDevice) -> Result<Device, String> {
    let profile = match (&spec.profile, &spec.profile_file) {
        (Some(name), None) => profile::shipped(name).map_err(|e| e.to_string())?,
        (None, Some(file)) => {
            let text = read_text(file).map_err(|e| e.to_string())?;
            profile::parse(&text, &file.display().to_string()).map_err(|e| e.to_string())?
        }
        _ => return Err("give `profile` (a shipped one) or `profile_file`, one of them".into()),
    };
    let login = match (&spec.community_file, &spec.v3) {
        (Some(file), None) => Login::V2c(first_line(file)?.into_bytes()),
        (None, Some(v3)) => {
            use snmp2::v3::{Auth, AuthProtocol, Cipher, Security};
            let auth = first_line(&v3.auth_password_file)?;
            let protocol = match v3.auth {
                SnmpAuth::Md5 => AuthProtocol::Md5,
                SnmpAuth::Sha1 => AuthProtocol::Sha1,
                SnmpAuth::Sha224 => AuthProtocol::Sha224,
                SnmpAuth::Sha256 => AuthProtocol::Sha256,
                SnmpAuth::Sha384 => AuthProtocol::Sha384,
                SnmpAuth::Sha512 => AuthProtocol::Sha512,
            };
            let mode = match (v3.privacy, &v3.privacy_password_file) {
                (None, None) => Auth::AuthNoPriv,
                (Some(p), Some(file)) => Auth::AuthPriv {
                    cipher: match p {
                        SnmpPrivacy::Des => Cipher::Des,
                        SnmpPrivacy::Aes128 => Cipher::Aes128,
                        SnmpPrivacy::Aes192 => Cipher::Aes192,
                        SnmpPrivacy::Aes256 => Cipher::Aes256,
                    },
                    privacy_password: first_line(file)?.into_bytes(),
                },
                _ => return Err("v3: give privacy and privacy_password_file together".into()),
            };
            let security = Security::new(v3.user.as_bytes(), auth.as_bytes())
                .with_auth_protocol(protocol)
                .with_auth(mode);
            Login::V3(Box::new(match &v3.context {
                Some(c) => security.with_context_name(c),
                None => security,
            }))
        }
        _ => return Err("give `community_file` (v2c) or `v3`, one of them".into()),
    };
    let address = if spec
        .address
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        && !spec.address.ends_with(']')
    {
        spec.address.clone()
    } else {
        format!("{}:161", spec.address)
    };
    let scalars = profile
        .values
        .values()
        .filter_map(|v| v.oid.as_deref())
        .filter_map(|o| parse_oid(o).ok())
        .collect();
    let columns = profile
        .tables
        .iter()
        .flat_map(|t| t.columns.values())
        .filter_map(|c| c.oid.as_deref())
        .filter_map(|o| parse_oid(o).ok())
        .collect();
    Ok(Device {
        element: spec.element.clone(),
        address,
        profile,
        login,
        scalars,
        columns,
        conn: None,
        last_members: Vec::new(),
    })
}

fn first_line(file: &Path) -> Result<String, String> {
    let text = read_text(file).map_err(|e| e.to_string())?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

pub struct SnmpCollector {
    io: Io,
    devices: Vec<Device>,
    timeout: Duration,
    retries: u32,
    concurrency: usize,
}

impl SnmpCollector {
    pub fn new(
        devices: &[SnmpDevice],
        timeout_s: f64,
        retries: u32,
        concurrency: usize,
    ) -> Result<Self, CollectorError> {
        let timeout = Duration::try_from_secs_f64(timeout_s)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| error(format!("timeout_s {timeout_s} is not a positive duration")))?;
        let devices = devices
            .iter()
            .map(|d| device(d).map_err(|e| error(format!("{} ({}): {e}", d.element, d.address))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SnmpCollector {
            io: Io::new().map_err(|e| error(e.to_string()))?,
            devices,
            timeout,
            retries: retries.min(10),
            concurrency: concurrency.clamp(1, 1024),
        })
    }
}

impl Collector for SnmpCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let (timeout, retries) = (self.timeout, self.retries);
        let asked = self.io.block_on(
            futures_util::stream::iter(self.devices.iter_mut())
                // Boxed: a round's futures live on the heap, not the blocking thread's stack.
                .map(|d| {
                    Box::pin(async move {
                        let answer = d.ask(timeout, retries).await;
                        (d, answer)
                    })
                })
                .buffered(self.concurrency)
                .map(|(d, answer)| (d.element.clone(), answer))
                .collect::<Vec<_>>(),
        );
        let Some(asked) = asked else {
            return Err(error("the I/O runtime has stopped".into()));
        };
        let mut problems = Vec::new();
        for (device, (_, answer)) in self.devices.iter_mut().zip(asked) {
            let now = api::unix_now();
            match answer {
                Ok(answers) => {
                    let mut r = evaluate(
                        &device.element,
                        &device.source(),
                        &device.profile,
                        &answers,
                        now,
                    );
                    device.last_members = r.members.iter().map(|m| m.id.clone()).collect();
                    out.elements.push(r.element);
                    out.members.append(&mut r.members);
                    problems.append(&mut r.problems);
                }
                Err(e) => {
                    problems.push(format!("{}: {e}", device.source()));
                    out.elements.push(no_answer(&device.element, now));
                    out.members
                        .extend(device.last_members.iter().map(|id| MemberReport {
                            id: id.clone(),
                            state: MemberState::Unknown,
                            observed_at: now,
                            rebuild: None,
                            flags: vec!["NO-ANSWER".into()],
                            metrics: Metrics::new(),
                        }));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(error(problems.join("; ")))
        }
    }
}

/// A device that did not answer: unknown, never its last state.
fn no_answer(element: &str, observed_at: f64) -> ElementReport {
    ElementReport {
        id: element.into(),
        state: ElementState::Unknown,
        observed_at,
        flags: vec!["NO-ANSWER".into()],
        metrics: Metrics::new(),
        position: None,
    }
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}
