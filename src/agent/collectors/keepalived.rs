//! The `keepalived` collector: the VRRP state of each instance, from the lines
//! keepalived writes to its notify FIFO (`notify_fifo <path>` in `global_defs`):
//! `INSTANCE "VI_1" MASTER 150`.
//!
//! The FIFO pushes, the agent polls: a reader thread follows the FIFO and keeps the last
//! notice per instance, and each round reports what it holds. On EOF the reader opens
//! the FIFO again (keepalived restarted), and until a new notice arrives the instances
//! are unknown: no writer means nobody vouches for the last state.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::BufReader;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use smol_str::SmolStr;

use super::nut_proto::{self as words_proto, ProtoError};
use super::{Collected, Collector, CollectorError};
use crate::api::{self, MemberReport, Metrics};
use crate::model::MemberState;

const NAME: &str = "keepalived";
/// How long to wait before trying again to open a FIFO that is missing or not a FIFO.
const RETRY: Duration = Duration::from_millis(500);
/// Bad lines kept for the next round's error; older ones only went to the log.
const MAX_BAD: usize = 8;

/// VRRP instance states keepalived reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VrrpState {
    Master,
    Backup,
    Fault,
    Stop,
    Deleted,
}

impl VrrpState {
    fn parse(word: &str) -> Option<VrrpState> {
        Some(match word {
            "MASTER" => VrrpState::Master,
            "BACKUP" => VrrpState::Backup,
            "FAULT" => VrrpState::Fault,
            "STOP" => VrrpState::Stop,
            "DELETED" => VrrpState::Deleted,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        match self {
            VrrpState::Master => "MASTER",
            VrrpState::Backup => "BACKUP",
            VrrpState::Fault => "FAULT",
            VrrpState::Stop => "STOP",
            VrrpState::Deleted => "DELETED",
        }
    }

    /// The master forwards; a backup is ready to take over (standby, as a backup link);
    /// a faulted instance cannot; a stopped or deleted one was taken out on purpose.
    pub fn member_state(self) -> MemberState {
        match self {
            VrrpState::Master => MemberState::Ok,
            VrrpState::Backup => MemberState::Standby,
            VrrpState::Fault => MemberState::Failed,
            VrrpState::Stop | VrrpState::Deleted => MemberState::Maintenance,
        }
    }
}

/// One `INSTANCE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub instance: String,
    pub state: VrrpState,
    pub priority: Option<u8>,
}

/// Parse one FIFO line. `GROUP`, `VS` and `RS` lines (sync groups, LVS) are not about
/// instances: `Ok(None)`. Anything else unreadable is an error quoting the line.
pub fn parse_notice(line: &str) -> Result<Option<Notice>, NoticeError> {
    let bad = |why: &str| NoticeError {
        why: why.to_string(),
        line: line.chars().take(80).collect(),
    };
    let w = words_proto::words(line).map_err(|e: ProtoError| bad(&e.to_string()))?;
    match w.first().map(String::as_str) {
        Some("INSTANCE") => {}
        Some("GROUP" | "VS" | "RS") => return Ok(None),
        _ => return Err(bad("not a keepalived notice")),
    }
    let (Some(instance), Some(state)) = (w.get(1), w.get(2)) else {
        return Err(bad("INSTANCE without name and state"));
    };
    let state = VrrpState::parse(state).ok_or_else(|| bad("unknown VRRP state"))?;
    let priority = match w.get(3) {
        Some(p) => Some(p.parse::<u8>().map_err(|_| bad("priority is not 0-255"))?),
        None => None,
    };
    if instance.is_empty() || w.len() > 4 {
        return Err(bad("not INSTANCE <name> <state> [priority]"));
    }
    Ok(Some(Notice {
        instance: instance.clone(),
        state,
        priority,
    }))
}

#[derive(Debug, Clone)]
struct Seen {
    notice: Notice,
    at: f64,
    /// The writer went away after this notice: the state is no longer vouched for.
    orphaned: bool,
}

#[derive(Default)]
struct Shared {
    seen: BTreeMap<String, Seen>,
    bad: Vec<String>,
}

impl Shared {
    fn complain(&mut self, fifo: &Path, what: String) {
        tracing::warn!("collector {NAME}: {}: {what}", fifo.display());
        if self.bad.len() < MAX_BAD {
            self.bad.push(what);
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Follow the FIFO until `stop`: open (blocks until keepalived writes), read lines,
/// reopen on EOF.
fn follow(fifo: &Path, shared: &Mutex<Shared>, stop: &AtomicBool) {
    let mut complained = false;
    while !stop.load(Ordering::Relaxed) {
        let is_fifo = std::fs::metadata(fifo).map(|m| m.file_type().is_fifo());
        let opened = match is_fifo {
            Ok(true) => File::open(fifo).map_err(|e| e.to_string()),
            Ok(false) => Err("not a FIFO".to_string()),
            Err(e) => Err(e.to_string()),
        };
        let file = match opened {
            Ok(f) => {
                complained = false;
                f
            }
            Err(e) => {
                // A missing FIFO is normal before keepalived's first start: say so once.
                if !complained {
                    lock(shared).complain(fifo, format!("cannot open: {e}"));
                    complained = true;
                }
                std::thread::sleep(RETRY);
                continue;
            }
        };
        let mut r = BufReader::new(file);
        loop {
            match words_proto::read_line(&mut r) {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => match parse_notice(&line) {
                    Ok(Some(n)) => {
                        let seen = Seen {
                            notice: n,
                            at: api::unix_now(),
                            orphaned: false,
                        };
                        lock(shared).seen.insert(seen.notice.instance.clone(), seen);
                    }
                    Ok(None) => {}
                    Err(e) => lock(shared).complain(fifo, e.to_string()),
                },
                Err(e) => {
                    match words_proto::split_io(e) {
                        Ok(ProtoError::Closed) => {}
                        Ok(p) => {
                            lock(shared).complain(fifo, p.to_string());
                            continue;
                        }
                        Err(e) => lock(shared).complain(fifo, format!("read: {e}")),
                    }
                    break;
                }
            }
        }
        // EOF: keepalived closed its end. Reopen, and vouch for nothing meanwhile.
        for s in lock(shared).seen.values_mut() {
            s.orphaned = true;
        }
    }
}

fn instance_report(instance: &str, seen: Option<&Seen>, now: f64) -> MemberReport {
    let (state, flags, at, metrics) = match seen {
        Some(s) if !s.orphaned => {
            let mut m = Metrics::new();
            if let Some(p) = s.notice.priority {
                m.insert("priority", f64::from(p));
            }
            (
                s.notice.state.member_state(),
                vec![SmolStr::new_static(s.notice.state.word())],
                s.at,
                m,
            )
        }
        Some(s) => (
            MemberState::Unknown,
            vec![
                SmolStr::new_static(s.notice.state.word()),
                SmolStr::new_static("NO-WRITER"),
            ],
            now,
            Metrics::new(),
        ),
        None => (MemberState::Unknown, Vec::new(), now, Metrics::new()),
    };
    MemberReport {
        id: instance.into(),
        state,
        observed_at: at,
        flags,
        rebuild: None,
        metrics,
    }
}

pub struct KeepalivedCollector {
    fifo: PathBuf,
    /// Instances always reported (unknown until heard of); others as they appear.
    instances: Vec<String>,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
}

impl KeepalivedCollector {
    pub fn new(fifo: &Path, instances: &[String]) -> Result<Self, CollectorError> {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st, path) = (Arc::clone(&shared), Arc::clone(&stop), fifo.to_path_buf());
        std::thread::Builder::new()
            .name("keepalived-fifo".into())
            .spawn(move || follow(&path, &s, &st))
            .map_err(|e| error(format!("{}: cannot start the reader: {e}", fifo.display())))?;
        Ok(KeepalivedCollector {
            fifo: fifo.to_path_buf(),
            instances: instances.to_vec(),
            shared,
            stop,
        })
    }
}

impl Drop for KeepalivedCollector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake a reader blocked opening the FIFO: open the write end without waiting
        // and close it. A reader inside `read` with keepalived still writing ends at
        // the next notice instead.
        let _ = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.fifo);
    }
}

impl Collector for KeepalivedCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let now = api::unix_now();
        let mut shared = lock(&self.shared);
        for i in &self.instances {
            out.members
                .push(instance_report(i, shared.seen.get(i), now));
        }
        for (i, s) in shared
            .seen
            .iter()
            .filter(|(i, _)| !self.instances.contains(i))
        {
            out.members.push(instance_report(i, Some(s), now));
        }
        let bad = std::mem::take(&mut shared.bad);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(error(format!(
                "{}: {}",
                self.fifo.display(),
                bad.join("; ")
            )))
        }
    }
}

/// Manual failover: write `value` to a `vrrp_track_file`. keepalived multiplies it by
/// the file's `weight` and adds it to the instance's priority, so with `weight -60` on
/// a master of priority 150, writing `1` lets a peer at 100 take over, and `0` gives
/// the role back (with preemption).
pub fn set_track_file(path: &Path, value: i32) -> Result<(), TrackFileError> {
    std::fs::write(path, format!("{value}\n")).map_err(|source| TrackFileError {
        file: path.display().to_string(),
        source,
    })
}

/// A FIFO line that is not a keepalived notice: why, and the line's first 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}: {line:?}")]
pub struct NoticeError {
    pub why: String,
    pub line: String,
}

/// A `vrrp_track_file` that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("track file {file}: {source}")]
pub struct TrackFileError {
    pub file: String,
    #[source]
    pub source: std::io::Error,
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}

#[cfg(test)]
#[path = "keepalived_tests.rs"]
mod tests;
