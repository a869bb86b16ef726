//! Asking one device over SNMP (snmp2): GET for scalars, GETBULK walks for tables, each
//! request bounded by the timeout and tried again on a fresh socket. Every answer is
//! copied into plain `Answers` at once; a reply that does not fit the request is an error
//! naming the device and the OID.

use std::time::Duration;

use snmp2::{AsyncSession, Oid, Value, v3};

use super::super::facility::Reading;
use super::eval::Answers;
use super::profile::oid_text;

/// How to log in to a device.
#[derive(Clone)]
pub enum Login {
    V2c(Vec<u8>),
    V3(Box<v3::Security>),
}

/// Scalars asked per GET (small enough for any agent's PDU size).
const PER_GET: usize = 16;
/// Rows asked per GETBULK.
const PER_BULK: u32 = 24;
/// A column of more rows than this is not a device we know how to read.
const MAX_ROWS: usize = 4096;

pub struct Conn {
    address: String,
    login: Login,
    timeout: Duration,
    retries: u32,
    session: Option<AsyncSession>,
    req_id: i32,
}

impl Conn {
    pub fn new(address: &str, login: Login, timeout: Duration, retries: u32) -> Conn {
        Conn {
            address: address.to_string(),
            login,
            timeout,
            retries,
            session: None,
            req_id: 1,
        }
    }

    async fn open(&mut self) -> Result<&mut AsyncSession, String> {
        if self.session.is_none() {
            let s = match &self.login {
                Login::V2c(community) => {
                    AsyncSession::new_v2c(self.address.as_str(), community, self.req_id).await
                }
                Login::V3(security) => {
                    AsyncSession::new_v3(self.address.as_str(), self.req_id, (**security).clone())
                        .await
                }
            };
            let mut s = s.map_err(|e| format!("cannot open a socket: {e}"))?;
            if matches!(self.login, Login::V3(_)) {
                match tokio::time::timeout(self.timeout, s.init()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return Err(format!("SNMPv3 engine discovery: {e:?}")),
                    Err(_) => {
                        return Err(format!(
                            "no answer within {:?} (SNMPv3 engine discovery)",
                            self.timeout
                        ));
                    }
                }
            }
            self.session = Some(s);
        }
        self.session
            .as_mut()
            .ok_or_else(|| "no session".to_string())
    }

    /// One request, tried again on a new socket (a late reply to a timed-out request would
    /// otherwise be read as the answer to the next one). `what` names it in errors.
    async fn ask(
        &mut self,
        what: &str,
        oids: &[Vec<u64>],
        bulk: bool,
    ) -> Result<Vec<(Vec<u64>, Got)>, String> {
        let mut last = String::new();
        for _ in 0..=self.retries {
            self.req_id = self.req_id.wrapping_add(7919) & 0x3fff_ffff;
            let timeout = self.timeout;
            let session = match self.open().await {
                Ok(s) => s,
                Err(e) => {
                    last = e;
                    self.session = None;
                    continue;
                }
            };
            let asked: Vec<Oid<'static>> = match oids.iter().map(|o| to_oid(o)).collect() {
                Ok(o) => o,
                Err(e) => return Err(e),
            };
            let refs: Vec<&Oid<'_>> = asked.iter().collect();
            let reply = if bulk {
                tokio::time::timeout(timeout, session.getbulk(&refs, 0, PER_BULK)).await
            } else {
                tokio::time::timeout(timeout, session.get_many(&refs)).await
            };
            match reply {
                Ok(Ok(pdu)) => {
                    if pdu.error_status != 0 {
                        return Err(format!(
                            "{what}: the agent answered error-status {} at varbind {}",
                            pdu.error_status, pdu.error_index
                        ));
                    }
                    return owned(pdu.varbinds).map_err(|e| format!("{what}: {e}"));
                }
                Ok(Err(e)) => last = format!("{what}: {e:?}"),
                Err(_) => last = format!("{what}: no answer within {timeout:?}"),
            }
            self.session = None;
        }
        Err(last)
    }

    /// GET every scalar; OIDs the agent has no object for are left out.
    pub async fn get(&mut self, oids: &[Vec<u64>], into: &mut Answers) -> Result<(), String> {
        for chunk in oids.chunks(PER_GET) {
            let what = format!(
                "GET {}",
                chunk.first().map_or(String::new(), |o| oid_text(o))
            );
            let got = self.ask(&what, chunk, false).await?;
            if got.len() != chunk.len() {
                return Err(format!(
                    "{what}: {} values for {} OIDs",
                    got.len(),
                    chunk.len()
                ));
            }
            for ((oid, value), asked) in got.into_iter().zip(chunk) {
                if &oid != asked {
                    return Err(format!(
                        "GET {}: answered for {}",
                        oid_text(asked),
                        oid_text(&oid)
                    ));
                }
                if let Got::Value(r) = value {
                    into.insert(oid, r);
                }
            }
        }
        Ok(())
    }

    /// Walk the column under `prefix` with GETBULK until the agent leaves it.
    pub async fn walk(&mut self, prefix: &[u64], into: &mut Answers) -> Result<(), String> {
        let mut at = prefix.to_vec();
        let mut rows = 0;
        loop {
            let what = format!("GETBULK {}", oid_text(&at));
            let got = self.ask(&what, std::slice::from_ref(&at), true).await?;
            if got.is_empty() {
                return Ok(());
            }
            for (oid, value) in got {
                if value == Got::EndOfMibView || !oid.starts_with(prefix) {
                    return Ok(());
                }
                // An agent answering out of order would have us walk forever.
                if oid <= at {
                    return Err(format!(
                        "{what}: answered {} which does not follow it",
                        oid_text(&oid)
                    ));
                }
                rows += 1;
                if rows > MAX_ROWS {
                    return Err(format!(
                        "walking {}: more than {MAX_ROWS} rows",
                        oid_text(prefix)
                    ));
                }
                at.clone_from(&oid);
                if let Got::Value(r) = value {
                    into.insert(oid, r);
                }
            }
        }
    }
}

fn to_oid(arcs: &[u64]) -> Result<Oid<'static>, String> {
    Oid::from(arcs).map_err(|_| format!("{} cannot be sent as an OID", oid_text(arcs)))
}

/// One varbind's value, copied out of the reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Value(Reading),
    /// noSuchObject, noSuchInstance, NULL: the agent has nothing there.
    Nothing,
    EndOfMibView,
}

/// The varbinds of a reply as owned OIDs and values.
pub fn owned<'a>(
    varbinds: impl Iterator<Item = (Oid<'a>, Value<'a>)>,
) -> Result<Vec<(Vec<u64>, Got)>, String> {
    let mut out = Vec::new();
    for (oid, value) in varbinds {
        let arcs: Vec<u64> = oid
            .iter()
            .map(Iterator::collect)
            .ok_or_else(|| format!("an OID with an arc too large: {oid}"))?;
        out.push((arcs, got(&value)?));
    }
    Ok(out)
}

/// What a value says, as a reading; types no device uses for a figure are refused.
pub fn got(v: &Value<'_>) -> Result<Got, String> {
    Ok(match v {
        Value::Integer(n) => Got::Value(Reading::Number(*n as f64)),
        Value::Counter32(n) | Value::Unsigned32(n) | Value::Timeticks(n) => {
            Got::Value(Reading::Number(f64::from(*n)))
        }
        Value::Counter64(n) => Got::Value(Reading::Number(*n as f64)),
        Value::Boolean(b) => Got::Value(Reading::Number(if *b { 1.0 } else { 0.0 })),
        Value::OctetString(s) => Got::Value(Reading::Text(String::from_utf8_lossy(s).into_owned())),
        Value::ObjectIdentifier(o) => Got::Value(Reading::Text(o.to_id_string())),
        Value::IpAddress(a) => Got::Value(Reading::Text(std::net::Ipv4Addr::from(*a).to_string())),
        Value::NoSuchObject | Value::NoSuchInstance | Value::Null => Got::Nothing,
        Value::EndOfMibView => Got::EndOfMibView,
        other => return Err(format!("a value of an unexpected type ({other:?})")),
    })
}
