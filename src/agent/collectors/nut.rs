//! The `nut` collector: UPSs behind a NUT `upsd`, read over its TCP protocol.
//!
//! The client uses blocking std sockets with timeouts rather than tokio: collectors run
//! on the agent's blocking thread one after another, so a runtime would only add a
//! second scheduler; every read and write is bounded by the timeout, so a stuck upsd
//! costs one round of this collector, never the agent.

use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::nut_proto::{self as proto, ProtoError, quote};
pub use super::nut_report::{DEGRADED, DeviceReport, device_report, ups_state};
use super::{Collected, Collector, CollectorError};
use crate::api::{self, ElementReport, Metrics};
use crate::model::ElementState;

/// How many `LIST VAR` requests go out before their answers are read. upsd answers a list
/// in many small writes; waiting for each answer before asking the next cost a delayed
/// ACK (about 40 ms) per UPS. A bounded batch keeps what is in flight well inside the
/// socket buffers.
const PIPELINE: usize = 32;

const NAME: &str = "nut";

#[derive(Debug, thiserror::Error)]
pub enum NutError {
    #[error("upsd {server}: {source}")]
    Io {
        server: String,
        #[source]
        source: std::io::Error,
    },
    #[error("upsd {server}: {source}")]
    Protocol {
        server: String,
        #[source]
        source: ProtoError,
    },
}

impl NutError {
    /// upsd's error word when it refused (`ACCESS-DENIED`, `CMD-NOT-SUPPORTED` ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            NutError::Protocol { source, .. } => source.code(),
            NutError::Io { .. } => None,
        }
    }
}

/// Result of an instant command: accepted, or accepted with a tracking id to ask about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Ok,
    Tracking(String),
}

/// One connection to upsd. Tracking ids are only valid on the connection that made them.
pub struct NutClient {
    server: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl NutClient {
    /// Connect with `timeout` for the connection and for every later read and write.
    pub fn connect(server: &str, timeout: Duration) -> Result<Self, NutError> {
        let io = |source| NutError::Io {
            server: server.to_string(),
            source,
        };
        let addrs: Vec<SocketAddr> = server.to_socket_addrs().map_err(io)?.collect();
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(timeout)).map_err(io)?;
                    stream.set_write_timeout(Some(timeout)).map_err(io)?;
                    let writer = stream.try_clone().map_err(io)?;
                    return Ok(NutClient {
                        server: server.to_string(),
                        reader: BufReader::new(stream),
                        writer,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(io(last))
    }

    fn send(&mut self, line: &str) -> Result<(), NutError> {
        let mut buf = line.as_bytes().to_vec();
        buf.push(b'\n');
        self.writer.write_all(&buf).map_err(|e| self.io(e))
    }

    fn line(&mut self) -> Result<String, NutError> {
        proto::read_line(&mut self.reader).map_err(|e| match proto::split_io(e) {
            Ok(p) => self.proto(p),
            Err(e) => self.io(e),
        })
    }

    fn io(&self, source: std::io::Error) -> NutError {
        NutError::Io {
            server: self.server.clone(),
            source,
        }
    }

    fn proto(&self, source: ProtoError) -> NutError {
        NutError::Protocol {
            server: self.server.clone(),
            source,
        }
    }

    /// One command whose answer is a single line; returns that line's words.
    fn simple(&mut self, line: &str) -> Result<Vec<String>, NutError> {
        self.send(line)?;
        let answer = self.line()?;
        proto::reply(&answer).map_err(|e| self.proto(e))
    }

    fn list(&mut self, what: &str, kind: &str) -> Result<Vec<Vec<String>>, NutError> {
        self.send(&format!("LIST {what}"))?;
        self.read_list(what, kind)
    }

    fn read_list(&mut self, what: &str, kind: &str) -> Result<Vec<Vec<String>>, NutError> {
        let mut failure = None;
        let result = proto::read_list(
            &mut || match self.line() {
                Ok(l) => Ok(l),
                Err(e) => {
                    failure = Some(e);
                    Err(ProtoError::Closed)
                }
            },
            what,
            kind,
        );
        match (result, failure) {
            (Ok(items), _) => Ok(items),
            (Err(_), Some(e)) => Err(e),
            (Err(e), None) => Err(self.proto(e)),
        }
    }

    /// `LIST UPS`: the UPS names upsd serves.
    pub fn list_ups(&mut self) -> Result<Vec<String>, NutError> {
        let items = self.list("UPS", "UPS")?;
        Ok(items
            .into_iter()
            .filter_map(|w| w.get(1).cloned())
            .collect())
    }

    /// `LIST VAR <ups>`: every variable and its value.
    pub fn list_vars(&mut self, ups: &str) -> Result<Vec<(String, String)>, NutError> {
        let items = self.list(&format!("VAR {ups}"), "VAR")?;
        proto::vars(ups, items).map_err(|e| self.proto(e))
    }

    /// `LIST VAR` for each UPS, sent in batches before their answers are read (upsd
    /// answers in order). One answer per name, in order; an answer that is not upsd's
    /// protocol ends the list there, as the rest cannot be told apart any more.
    pub fn list_vars_many(
        &mut self,
        names: &[String],
    ) -> Vec<Result<Vec<(String, String)>, NutError>> {
        let mut answers = Vec::with_capacity(names.len());
        for batch in names.chunks(PIPELINE) {
            let mut lines = String::new();
            for ups in batch {
                lines.push_str(&format!("LIST VAR {ups}\n"));
            }
            if let Err(e) = self.writer.write_all(lines.as_bytes()) {
                answers.push(Err(self.io(e)));
                return answers;
            }
            for ups in batch {
                let answer = self
                    .read_list(&format!("VAR {ups}"), "VAR")
                    .and_then(|items| proto::vars(ups, items).map_err(|e| self.proto(e)));
                let in_step = answer
                    .as_ref()
                    .map_or_else(|e| e.code().is_some(), |_| true);
                answers.push(answer);
                if !in_step {
                    return answers;
                }
            }
        }
        answers
    }

    /// `GET VAR <ups> <name>`.
    pub fn get_var(&mut self, ups: &str, name: &str) -> Result<String, NutError> {
        let w = self.simple(&format!("GET VAR {ups} {name}"))?;
        match <[String; 4]>::try_from(w) {
            Ok([v, u, n, value]) if v == "VAR" && u == ups && n == name => Ok(value),
            Ok(w) => Err(self.unexpected(&w, "VAR <ups> <name> <value>")),
            Err(w) => Err(self.unexpected(&w, "VAR <ups> <name> <value>")),
        }
    }

    /// `LIST CMD <ups>`: the instant commands the UPS offers.
    pub fn list_commands(&mut self, ups: &str) -> Result<Vec<String>, NutError> {
        let items = self.list(&format!("CMD {ups}"), "CMD")?;
        Ok(items
            .into_iter()
            .filter_map(|w| w.get(2).cloned())
            .collect())
    }

    /// `USERNAME` and `PASSWORD`. upsd accepts any pair here; a wrong one shows up as
    /// `ACCESS-DENIED` at the first privileged command.
    pub fn login(&mut self, username: &str, password: &str) -> Result<(), NutError> {
        self.expect_ok(&format!("USERNAME {}", quote(username)))?;
        self.expect_ok(&format!("PASSWORD {}", quote(password)))?;
        Ok(())
    }

    /// `SET TRACKING ON|OFF`: later commands answer with an id to follow them by.
    pub fn set_tracking(&mut self, on: bool) -> Result<(), NutError> {
        self.expect_ok(if on {
            "SET TRACKING ON"
        } else {
            "SET TRACKING OFF"
        })
        .map(|_| ())
    }

    /// `INSTCMD <ups> <command>`, e.g. `bypass.start`. The UPS name is required by upsd
    /// (without it: `ERR INVALID-ARGUMENT`).
    pub fn instcmd(&mut self, ups: &str, command: &str) -> Result<Accepted, NutError> {
        let w = self.expect_ok(&format!("INSTCMD {ups} {command}"))?;
        Ok(match w.as_slice() {
            [_, t, id] if t == "TRACKING" => Accepted::Tracking(id.clone()),
            _ => Accepted::Ok,
        })
    }

    /// `GET TRACKING <id>`: `Ok(None)` while pending, `Ok(Some(()))` on success, the
    /// server's error (`ERR INSTCMD-FAILED` ...) otherwise.
    pub fn tracking(&mut self, id: &str) -> Result<Option<()>, NutError> {
        let w = self.simple(&format!("GET TRACKING {id}"))?;
        match w.first().map(String::as_str) {
            Some("PENDING") => Ok(None),
            Some("SUCCESS") => Ok(Some(())),
            _ => Err(self.unexpected(&w, "PENDING or SUCCESS")),
        }
    }

    fn expect_ok(&mut self, line: &str) -> Result<Vec<String>, NutError> {
        let w = self.simple(line)?;
        if w.first().map(String::as_str) == Some("OK") {
            Ok(w)
        } else {
            Err(self.unexpected(&w, "OK"))
        }
    }

    fn unexpected(&self, w: &[String], expected: &str) -> NutError {
        self.proto(ProtoError::Unexpected {
            got: w.join(" "),
            expected: expected.to_string(),
        })
    }
}

/// Error words that mean "upsd has no fresh data for this UPS": the UPS is unknown then,
/// never healthy.
const NO_DATA: [&str; 2] = ["DATA-STALE", "DRIVER-NOT-CONNECTED"];

/// The report for one UPS from its variables (the element only; see `device_report`
/// for a PDU's outlets and the data problems).
pub fn ups_report(ups: &str, vars: &[(String, String)], observed_at: f64) -> ElementReport {
    device_report(ups, vars, observed_at).element
}

/// A UPS upsd has no data for: unknown, with upsd's word as its flag.
fn no_data(ups: &str, why: &str, observed_at: f64) -> ElementReport {
    ElementReport {
        id: ups.into(),
        state: ElementState::Unknown,
        observed_at,
        flags: vec![why.into()],
        metrics: Metrics::new(),
        position: None,
    }
}

pub struct NutCollector {
    server: String,
    /// Configured names; empty means every UPS upsd lists.
    ups: Vec<String>,
    timeout: Duration,
    /// The UPSs seen last time, reported unknown while upsd cannot be reached.
    last_seen: Vec<String>,
}

impl NutCollector {
    pub fn new(server: &str, ups: &[String], timeout_s: f64) -> Result<Self, CollectorError> {
        let timeout = Duration::try_from_secs_f64(timeout_s)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| error(format!("timeout_s {timeout_s} is not a positive duration")))?;
        Ok(NutCollector {
            server: server.to_string(),
            ups: ups.to_vec(),
            timeout,
            last_seen: ups.to_vec(),
        })
    }

    fn read(&mut self, out: &mut Collected) -> Result<(), Failure> {
        let mut client = NutClient::connect(&self.server, self.timeout)?;
        let names = if self.ups.is_empty() {
            client.list_ups()?
        } else {
            self.ups.clone()
        };
        self.last_seen.clone_from(&names);
        let mut answers = client.list_vars_many(&names).into_iter();
        let now = api::unix_now();
        let mut problems = Vec::new();
        for (i, ups) in names.iter().enumerate() {
            match answers.next() {
                Some(Ok(vars)) => {
                    let mut r = device_report(ups, &vars, now);
                    out.elements.push(r.element);
                    out.members.append(&mut r.members);
                    problems.append(&mut r.problems);
                }
                // upsd answered for this UPS: the connection is still in step.
                Some(Err(e)) if e.code().is_some() => {
                    let code = e.code().unwrap_or_default();
                    out.elements.push(no_data(ups, code, now));
                    if !NO_DATA.contains(&code) {
                        tracing::warn!("collector {NAME}: {ups}: {e}");
                    }
                }
                // Out of step or gone: the rest cannot be read on this connection.
                answer => {
                    for rest in names.iter().skip(i) {
                        out.elements.push(no_data(rest, "NO-ANSWER", now));
                    }
                    return Err(match answer {
                        Some(Err(e)) => Failure::Upsd(e),
                        _ => Failure::Data(vec![format!(
                            "upsd {}: no answer for {ups}",
                            self.server
                        )]),
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failure::Data(problems))
        }
    }
}

/// Why a round was not clean: upsd failed (nothing or only part was read), or it answered
/// figures that cannot be true (dropped, the rest reported).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Upsd(#[from] NutError),
    #[error("{}", .0.join("; "))]
    Data(Vec<String>),
}

impl Collector for NutCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let before = out.elements.len();
        self.read(out).map_err(|e| {
            // Nothing read at all: what we knew of is unknown now, not missing.
            if out.elements.len() == before {
                let now = api::unix_now();
                for ups in &self.last_seen {
                    out.elements.push(no_data(ups, "NO-ANSWER", now));
                }
            }
            error(e.to_string())
        })
    }
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}

#[cfg(test)]
#[path = "nut_tests.rs"]
pub(crate) mod tests;
