//! The `haproxy` collector: backend servers of load-balanced pools, read from HAProxy's
//! runtime API on its stats socket (`stats socket <path> level admin`).
//!
//! `show stat` gives one CSV row per proxy and server; each backend server becomes a
//! member `<backend>/<server>`. Blocking std sockets with timeouts, as for NUT: the agent
//! runs collectors on a blocking thread, and one command per connection is all the
//! runtime API needs (it closes the connection after answering).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use smol_str::SmolStr;

use super::{Collected, Collector, CollectorError};
use crate::api::{self, MemberReport, Metrics};
use crate::model::MemberState;

const NAME: &str = "haproxy";
/// A `show stat` of thousands of servers is a few MiB; more is not HAProxy.
const MAX_ANSWER: u64 = 32 << 20;
/// Columns read by name from the header; HAProxy adds columns over versions.
const WANTED: [&str; 7] = [
    "pxname",
    "svname",
    "status",
    "weight",
    "bck",
    "check_status",
    "chkfail",
];

#[derive(Debug, thiserror::Error)]
pub enum HaproxyError {
    #[error("haproxy socket {socket}: {source}")]
    Io {
        socket: String,
        #[source]
        source: std::io::Error,
    },
    #[error("haproxy socket {socket}: {message}")]
    Answer { socket: String, message: String },
}

/// One backend server as `show stat` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRow {
    pub backend: String,
    pub server: String,
    /// `UP`, `DOWN`, `MAINT`, `DRAIN`, `NOLB`, `no check`, `UP 1/3` (going down) ...
    pub status: String,
    pub check_status: String,
    pub backup: bool,
    pub weight: Option<f64>,
    pub check_failures: Option<f64>,
}

/// Split one CSV line. HAProxy quotes a field with `"` when it holds a comma or a
/// quote, doubling inner quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Why a `show stat` answer cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatError {
    #[error("answer does not start with the `# pxname,svname,...` header")]
    NoHeader,
    #[error("header has no `{0}` column")]
    NoColumn(&'static str),
}

/// Parse a `show stat` answer. A missing or foreign header fails the whole answer; a
/// row that cannot be read is an error for that row only, and the other rows stand.
pub fn parse_stat(text: &str) -> Result<(Vec<ServerRow>, Vec<String>), StatError> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .and_then(|h| h.strip_prefix("# "))
        .ok_or(StatError::NoHeader)?;
    let names = csv_fields(header);
    let mut at = [0usize; WANTED.len()];
    for (slot, want) in at.iter_mut().zip(WANTED) {
        *slot = names
            .iter()
            .position(|n| n == want)
            .ok_or(StatError::NoColumn(want))?;
    }
    let [px, sv, status, weight, bck, check, chkfail] = at;
    let needed = at.iter().max().map_or(0, |&i| i + 1);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in lines.enumerate() {
        let f = csv_fields(line);
        if f.len() < needed {
            errors.push(format!(
                "row {}: only {} fields: {line:.80}",
                n + 1,
                f.len()
            ));
            continue;
        }
        let field = |i: usize| f.get(i).map_or("", String::as_str);
        if field(sv) == "FRONTEND" || field(sv) == "BACKEND" {
            continue;
        }
        if field(px).is_empty() || field(sv).is_empty() || field(status).is_empty() {
            errors.push(format!(
                "row {}: no proxy, server or status: {line:.80}",
                n + 1
            ));
            continue;
        }
        let number = |i: usize| {
            field(i)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
        };
        rows.push(ServerRow {
            backend: field(px).to_owned(),
            server: field(sv).to_owned(),
            status: field(status).to_owned(),
            check_status: field(check).to_owned(),
            backup: field(bck).trim() == "1",
            weight: number(weight),
            check_failures: number(chkfail),
        });
    }
    Ok((rows, errors))
}

/// What a server's status means for the pool. A drained or soft-stopped (`NOLB`) server
/// is out of rotation on purpose: maintenance. A healthy backup server waits: standby.
/// `no check` means HAProxy does not check it, so nobody can vouch for it.
pub fn server_state(status: &str, backup: bool) -> MemberState {
    let word = status.split_whitespace().next().unwrap_or_default();
    match word {
        // `UP 1/3`: up, but failing checks and going down; still serving.
        "UP" if backup => MemberState::Standby,
        "UP" => MemberState::Ok,
        // `DOWN 1/2`: coming back, not serving yet.
        "DOWN" => MemberState::Failed,
        "DRAIN" | "NOLB" => MemberState::Maintenance,
        w if w.starts_with("MAINT") => MemberState::Maintenance,
        _ => MemberState::Unknown,
    }
}

pub fn server_report(row: &ServerRow, observed_at: f64) -> MemberReport {
    let mut flags: Vec<SmolStr> = vec![row.status.as_str().into()];
    if !row.check_status.is_empty() {
        flags.push(row.check_status.as_str().into());
    }
    if row.backup {
        flags.push("backup".into());
    }
    let mut metrics = Metrics::new();
    if let Some(w) = row.weight {
        metrics.insert("weight", w);
    }
    if let Some(c) = row.check_failures {
        metrics.insert("check_failures", c);
    }
    MemberReport {
        id: format!("{}/{}", row.backend, row.server).into(),
        state: server_state(&row.status, row.backup),
        observed_at,
        flags,
        rebuild: None,
        metrics,
    }
}

/// The admin states `set server <backend>/<server> state` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminState {
    Ready,
    Drain,
    Maint,
}

impl AdminState {
    pub fn word(self) -> &'static str {
        match self {
            AdminState::Ready => "ready",
            AdminState::Drain => "drain",
            AdminState::Maint => "maint",
        }
    }
}

/// The runtime API on one stats socket: one command per connection.
pub struct HaproxyClient {
    socket: PathBuf,
    timeout: Duration,
}

impl HaproxyClient {
    pub fn new(socket: &Path, timeout: Duration) -> Self {
        HaproxyClient {
            socket: socket.to_path_buf(),
            timeout,
        }
    }

    fn io(&self, source: std::io::Error) -> HaproxyError {
        HaproxyError::Io {
            socket: self.socket.display().to_string(),
            source,
        }
    }

    fn answer(&self, message: String) -> HaproxyError {
        HaproxyError::Answer {
            socket: self.socket.display().to_string(),
            message,
        }
    }

    /// Send one command line and read the whole answer.
    pub fn command(&self, line: &str) -> Result<String, HaproxyError> {
        let mut s = UnixStream::connect(&self.socket).map_err(|e| self.io(e))?;
        s.set_read_timeout(Some(self.timeout))
            .map_err(|e| self.io(e))?;
        s.set_write_timeout(Some(self.timeout))
            .map_err(|e| self.io(e))?;
        s.write_all(format!("{line}\n").as_bytes())
            .map_err(|e| self.io(e))?;
        let mut raw = Vec::new();
        (&mut s)
            .take(MAX_ANSWER + 1)
            .read_to_end(&mut raw)
            .map_err(|e| self.io(e))?;
        if raw.len() as u64 > MAX_ANSWER {
            return Err(self.answer(format!("answer longer than {MAX_ANSWER} bytes")));
        }
        String::from_utf8(raw).map_err(|_| self.answer("answer is not UTF-8".into()))
    }

    /// `show stat`, parsed; rows that could not be read come back as messages.
    pub fn show_stat(&self) -> Result<(Vec<ServerRow>, Vec<String>), HaproxyError> {
        let text = self.command("show stat")?;
        parse_stat(&text).map_err(|m| self.answer(format!("show stat: {m}")))
    }

    /// `set server <backend>/<server> state ready|drain|maint`. HAProxy answers an empty
    /// line on success and a sentence otherwise (`No such server.`).
    pub fn set_server_state(
        &self,
        backend: &str,
        server: &str,
        state: AdminState,
    ) -> Result<(), HaproxyError> {
        // `;` separates commands and a newline ends one: a name must not smuggle a second.
        for name in [backend, server] {
            if name.is_empty()
                || name
                    .contains(|c: char| c == ';' || c == '/' || c.is_whitespace() || c.is_control())
            {
                return Err(self.answer(format!("refusing server name {name:?}")));
            }
        }
        let line = format!("set server {backend}/{server} state {}", state.word());
        let answer = self.command(&line)?;
        match answer.trim() {
            "" => Ok(()),
            said => Err(self.answer(format!("{line}: {said}"))),
        }
    }
}

pub struct HaproxyCollector {
    client: HaproxyClient,
    /// Backends to report; empty: all.
    backends: Vec<String>,
}

impl HaproxyCollector {
    pub fn new(socket: &Path, backends: &[String], timeout_s: f64) -> Result<Self, CollectorError> {
        let timeout = Duration::try_from_secs_f64(timeout_s)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| error(format!("timeout_s {timeout_s} is not a positive duration")))?;
        Ok(HaproxyCollector {
            client: HaproxyClient::new(socket, timeout),
            backends: backends.to_vec(),
        })
    }
}

impl Collector for HaproxyCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let (rows, bad) = self.client.show_stat().map_err(|e| error(e.to_string()))?;
        let now = api::unix_now();
        out.members.extend(
            rows.iter()
                .filter(|r| self.backends.is_empty() || self.backends.contains(&r.backend))
                .map(|r| server_report(r, now)),
        );
        if bad.is_empty() {
            Ok(())
        } else {
            // The readable rows are reported; the round still says what was not.
            Err(error(format!(
                "haproxy socket {}: show stat: {}",
                self.client.socket.display(),
                bad.join("; ")
            )))
        }
    }
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}

#[cfg(test)]
#[path = "haproxy_tests.rs"]
mod tests;
