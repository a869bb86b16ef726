//! The audit log: one JSON object a line, appended and fsync'd before an operation is sent
//! and again with its outcome, so a crash between the two leaves an intent with no outcome
//! (read back as `unknown`), never a silent success.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Acknowledged, Operation, Verdict};

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written before sending; an intent never followed by an outcome reads as unknown.
    Pending,
    Done,
    /// Preflight refused it, or it degraded the site and was not acknowledged.
    NotCleared,
    /// The agent refused it (not applicable, re-checked preflight, error).
    Rejected,
    /// The state changed since the plan was computed.
    Stale,
    Unauthorised,
    /// Sent, but no answer came: it may or may not have been carried out.
    Unknown,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Done => "done",
            Outcome::NotCleared => "not cleared",
            Outcome::Rejected => "rejected",
            Outcome::Stale => "stale state",
            Outcome::Unauthorised => "not authorised",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unix seconds.
    pub at: f64,
    /// `console` (written by the CLI or TUI) or the agent's id.
    pub by: String,
    pub operation: Operation,
    pub verdict: Option<Verdict>,
    #[serde(default)]
    pub acknowledged: Acknowledged,
    /// The plan in one line each: verdict reasons, tiers before/after.
    #[serde(default)]
    pub plan: Vec<String>,
    pub outcome: Outcome,
    #[serde(default)]
    pub detail: String,
    /// Seconds from intent to outcome.
    #[serde(default)]
    pub duration_s: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit log {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("audit log {file}:{line}: {message}")]
    BadLine {
        file: String,
        line: usize,
        message: String,
    },
}

/// An append-only audit file.
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        let io = |source| AuditError::Io {
            file: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Append one record and wait until it is on disk.
    pub fn append(&mut self, record: &Record) -> Result<(), AuditError> {
        let io = |source| AuditError::Io {
            file: self.path.display().to_string(),
            source,
        };
        let mut line = serde_json::to_vec(record).map_err(|e| io(std::io::Error::other(e)))?;
        line.push(b'\n');
        // one write of the whole line: concurrent appenders (O_APPEND) never interleave
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Read a log: the records it could read, and one error per line it could not (the rest
/// still count). A missing file is an empty log.
pub fn read(path: &Path) -> Result<(Vec<Record>, Vec<AuditError>), AuditError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(source) => {
            return Err(AuditError::Io {
                file: path.display().to_string(),
                source,
            });
        }
    };
    let name = path.display().to_string();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|source| AuditError::Io {
            file: name.clone(),
            source,
        })?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(r) => records.push(r),
            Err(e) => errors.push(AuditError::BadLine {
                file: name.clone(),
                line: i + 1,
                message: e.to_string(),
            }),
        }
    }
    Ok((records, errors))
}

/// Intents whose outcome never arrived become `unknown`: the log says what it knows.
pub fn settle(records: &[Record]) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    for r in records {
        let key = &r.operation.idempotency_key;
        if r.outcome != Outcome::Pending
            && let Some(intent) = out.iter_mut().rev().find(|p| {
                p.outcome == Outcome::Pending && &p.operation.idempotency_key == key && p.by == r.by
            })
        {
            *intent = r.clone();
            continue;
        }
        out.push(r.clone());
    }
    for r in &mut out {
        if r.outcome == Outcome::Pending {
            r.outcome = Outcome::Unknown;
            r.detail = "sent, but no outcome was recorded".into();
        }
    }
    out
}

/// Maintenance an operator started and nobody has ended: a drained unit, a UPS on bypass, a
/// node in standby, a resource moved (its ban left behind).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenMaintenance {
    pub target: String,
    pub what: String,
    pub operator: String,
    pub since: f64,
    pub reason: String,
}

/// Open maintenance from settled records, oldest first.
pub fn open_maintenance(records: &[Record]) -> Vec<OpenMaintenance> {
    let mut open: Vec<OpenMaintenance> = Vec::new();
    for r in records.iter().filter(|r| r.outcome == Outcome::Done) {
        let op = &r.operation;
        let target = op.target.clone();
        open.retain(|m| m.target != target);
        if !matches!(op.kind, super::OpKind::Undrain) {
            open.push(OpenMaintenance {
                target,
                what: op.describe(),
                operator: op.operator.clone(),
                since: r.at,
                reason: op.reason.clone(),
            });
        }
    }
    open.sort_by(|a, b| a.since.total_cmp(&b.since));
    open
}
