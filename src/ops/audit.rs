//! The audit log: one JSON object a line, appended and fsync'd before an operation is sent
//! and again with its outcome, so a crash between the two leaves an intent with no outcome
//! (read back as `unknown`), never a silent success.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Acknowledged, Operation, Verdict};

// acknowledgements share the log's file; their type lives with their state file
pub use super::acks::{Ack, AckLine};

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
    /// An agent's answer to a retry under the same idempotency key: the stored answer
    /// again, nothing carried out a second time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub replayed: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
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

/// `$XDG_STATE_HOME/redcon/audit.jsonl`, else `~/.local/state/redcon/audit.jsonl`
/// (`crate::paths`).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::paths::state_dir()?.join(crate::paths::AUDIT))
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

    /// Append an acknowledgement and wait until it is on disk.
    pub fn append_ack(&mut self, ack: &Ack) -> Result<(), AuditError> {
        self.append_line(&AckLine { ack: ack.clone() })
    }

    /// Append one record and wait until it is on disk.
    pub fn append(&mut self, record: &Record) -> Result<(), AuditError> {
        self.append_line(record)
    }

    fn append_line<T: Serialize>(&mut self, record: &T) -> Result<(), AuditError> {
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
    read_log(path).map(|l| (l.records, l.errors))
}

/// Everything a log holds: operations, acknowledgements, and the lines it could not read.
#[derive(Debug, Default)]
pub struct Log {
    pub records: Vec<Record>,
    pub acks: Vec<Ack>,
    pub errors: Vec<AuditError>,
}

/// Read a whole log, acknowledgements included.
pub fn read_log(path: &Path) -> Result<Log, AuditError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
        Err(source) => {
            return Err(AuditError::Io {
                file: path.display().to_string(),
                source,
            });
        }
    };
    let name = path.display().to_string();
    let mut log = Log::default();
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|source| AuditError::Io {
            file: name.clone(),
            source,
        })?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(r) => log.records.push(r),
            Err(e) => match serde_json::from_slice::<AckLine>(&line) {
                Ok(a) => log.acks.push(a.ack),
                Err(_) => log.errors.push(AuditError::BadLine {
                    file: name.clone(),
                    line: i + 1,
                    message: e.to_string(),
                }),
            },
        }
    }
    Ok(log)
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
    // a replay did nothing: the maintenance began with the answer it repeats
    for r in records
        .iter()
        .filter(|r| r.outcome == Outcome::Done && !r.replayed)
    {
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

/// Open maintenance older than `max_age_s` that the live state still shows (a unit that is
/// back in service by other means is not nagged about), one line each, oldest first.
pub fn lingering(
    open: &[OpenMaintenance],
    site: &crate::model::Site,
    live: &crate::model::LiveState,
    now: f64,
    max_age_s: f64,
) -> Vec<String> {
    lingering_targets(open, site, live, now, max_age_s)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// `lingering`, each line with the target it is about.
pub fn lingering_targets(
    open: &[OpenMaintenance],
    site: &crate::model::Site,
    live: &crate::model::LiveState,
    now: f64,
    max_age_s: f64,
) -> Vec<(String, String)> {
    open.iter()
        .filter(|m| now - m.since > max_age_s)
        .filter(|m| {
            let is_element = site.elements.iter().any(|e| e.id == m.target);
            if is_element {
                live.element_state(&m.target) != crate::model::ElementState::Ok
            } else {
                live.members.contains_key(&m.target) || !site_has_member(site, &m.target)
            }
        })
        .map(|m| {
            let text = format!(
                "maintenance left in place: {} by {} {} ago ({})",
                m.what,
                m.operator,
                age_text(now - m.since),
                m.reason
            );
            (m.target.clone(), text)
        })
        .collect()
}

fn site_has_member(site: &crate::model::Site, id: &str) -> bool {
    matches!(
        super::resolve(site, id),
        Ok(super::Target::RaidMember { .. }
            | super::Target::BondMember { .. }
            | super::Target::Uplink { .. }
            | super::Target::Router { .. }
            | super::Target::ClusterNode { .. })
    )
}

/// `text` as data for a terminal line: control characters (newlines, escapes), line and
/// paragraph separators and bidirectional overrides written as `\u{..}`, so a field of a
/// record can neither start a second line nor steer the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let steers = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        if steers {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `3 d 4 h`, `5 h 12 min`, `40 min`.
pub fn age_text(s: f64) -> String {
    let m = (s.max(0.0) / 60.0) as u64;
    match (m / 1440, (m % 1440) / 60, m % 60) {
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// `2026-11-22 03:04:05Z` from Unix seconds (UTC: operators and agents may sit in
/// different zones, and the log must read the same for all of them).
pub fn utc_text(unix_s: f64) -> String {
    let secs = if unix_s.is_finite() {
        unix_s.max(0.0) as i64
    } else {
        0
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::OpKind;

    fn rec(at: f64, kind: OpKind, target: &str, key: &str, outcome: Outcome) -> Record {
        Record {
            at,
            by: "console".into(),
            operation: Operation {
                kind,
                target: target.into(),
                reason: "r".into(),
                operator: "alice".into(),
                idempotency_key: key.into(),
            },
            verdict: Some(Verdict::Safe),
            acknowledged: Acknowledged::default(),
            plan: Vec::new(),
            outcome,
            detail: String::new(),
            duration_s: None,
            replayed: false,
        }
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc_text(0.0), "1970-01-01 00:00:00Z");
        assert_eq!(utc_text(951_782_400.0), "2000-02-29 00:00:00Z");
        assert_eq!(utc_text(1_795_316_645.0), "2026-11-22 03:04:05Z");
        assert_eq!(utc_text(f64::NAN), "1970-01-01 00:00:00Z");
    }

    #[test]
    fn intents_settle_and_undrain_closes_maintenance() {
        let log = [
            rec(10.0, OpKind::Drain, "U1", "a", Outcome::Pending),
            rec(11.0, OpKind::Drain, "U1", "a", Outcome::Done),
            rec(20.0, OpKind::Drain, "U2", "b", Outcome::Pending),
            rec(30.0, OpKind::Standby, "n3", "c", Outcome::Pending),
            rec(31.0, OpKind::Standby, "n3", "c", Outcome::Done),
            rec(40.0, OpKind::Undrain, "n3", "d", Outcome::Pending),
            rec(41.0, OpKind::Undrain, "n3", "d", Outcome::Done),
        ];
        let settled = settle(&log);
        let outcomes: Vec<(&str, Outcome)> = settled
            .iter()
            .map(|r| (r.operation.target.as_str(), r.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("U1", Outcome::Done),
                ("U2", Outcome::Unknown),
                ("n3", Outcome::Done),
                ("n3", Outcome::Done)
            ]
        );
        let open = open_maintenance(&settled);
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].target.as_str(), open[0].since), ("U1", 11.0));
    }

    #[test]
    fn a_torn_or_garbled_line_costs_only_itself() {
        let dir = std::env::temp_dir().join(format!("redcon-audit-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("audit.jsonl");
        let _ = std::fs::remove_file(&path);
        let mut log = AuditLog::open(&path).unwrap_or_else(|e| panic!("{e}"));
        log.append(&rec(1.0, OpKind::Drain, "U1", "a", Outcome::Done))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = f.write_all(b"{\"at\": 2, \"by\": \x00\xff garbage\n{\"at\":");
        drop(f);
        let (records, errors) = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(records.len(), 1);
        assert_eq!(errors.len(), 2);
        let first = errors[0].to_string();
        assert!(first.contains("audit.jsonl:2"), "{first}");
        assert!(read(&dir.join("missing.jsonl")).is_ok_and(|(r, e)| r.is_empty() && e.is_empty()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn printable_text_stays_on_one_line_and_steers_nothing() {
        let forged = "x\n2026-01-01 00:00:00Z  alice undrain UPS-A1\r\u{1b}]0;owned\u{7}\u{2028}\u{202e}\u{85}";
        let shown = printable(forged);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(!shown.contains(['\u{2028}', '\u{202e}']), "{shown:?}");
        assert!(shown.starts_with("x\\u{a}2026"), "{shown:?}");
        assert!(shown.contains("\\u{1b}]0;owned\\u{7}"), "{shown:?}");
        assert_eq!(printable("UPS-A1 ü 電"), "UPS-A1 ü 電");
    }

    #[test]
    fn ages_read_like_a_person_says_them() {
        assert_eq!(age_text(59.0), "0 min");
        assert_eq!(age_text(3.0 * 3600.0 + 120.0), "3 h 2 min");
        assert_eq!(age_text(50.0 * 3600.0), "2 d 2 h");
    }
}
