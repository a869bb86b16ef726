//! The acknowledgements in force, kept in a small state file beside the audit log
//! (`acks.json`): a console restarted at 3 a.m. still shows who took which problem. The
//! audit log keeps the history; this file only what holds now, rewritten whole (to a
//! temporary file, then renamed) so a crash leaves the old or the new list, never half.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::audit::AuditError;

/// An operator's acknowledgement of one problem, kept until the problem clears or gets
/// worse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    pub site: String,
    pub item: String,
    pub trouble: crate::verdict::Trouble,
    pub severity: crate::verdict::Severity,
    pub operator: String,
    pub note: String,
    /// Unix seconds.
    pub at: u64,
}

impl Ack {
    /// Still holds for `p`: the same trouble, no worse than when it was acknowledged.
    pub fn covers(&self, p: &crate::verdict::Problem) -> bool {
        p.item == self.item && p.trouble == self.trouble && p.severity >= self.severity
    }
}

/// An acknowledgement's line in the log (operations are [`super::audit::Record`]s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AckLine {
    pub ack: Ack,
}

/// Largest state file read: a few hundred acknowledgements fit in far less.
const MAX_BYTES: u64 = 1 << 20;

/// `acks.json` beside the default audit log.
pub fn default_path() -> Option<PathBuf> {
    super::audit::default_path().map(|p| p.with_file_name("acks.json"))
}

fn io(path: &Path, source: std::io::Error) -> AuditError {
    AuditError::Io {
        file: path.display().to_string(),
        source,
    }
}

/// The acknowledgements in `path`; none when it does not exist. A broken file is an error
/// naming it (the console says so and starts without acknowledgements).
pub fn load(path: &Path) -> Result<Vec<Ack>, AuditError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(path, e)),
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(AuditError::BadLine {
                file: path.display().to_string(),
                line: 1,
                message: format!("{} bytes: larger than {MAX_BYTES}", m.len()),
            });
        }
        Ok(_) => {}
    }
    let text = std::fs::read(path).map_err(|e| io(path, e))?;
    serde_json::from_slice(&text).map_err(|e| AuditError::BadLine {
        file: path.display().to_string(),
        line: e.line(),
        message: e.to_string(),
    })
}

/// Replace the file's list with `acks`.
pub fn save(path: &Path, acks: &[Ack]) -> Result<(), AuditError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(path, e))?;
    }
    let text = serde_json::to_vec_pretty(acks).map_err(|e| io(path, std::io::Error::other(e)))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Severity, Trouble};

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("redcon-acks-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn ack() -> Ack {
        Ack {
            site: "dc1".into(),
            item: "db1-sdc".into(),
            trouble: Trouble::Failed,
            severity: Severity::Warning,
            operator: "carol".into(),
            note: "vendor called \"today\"\n".into(),
            at: 1_790_000_000,
        }
    }

    #[test]
    fn saved_acks_read_back_and_a_missing_file_is_none() {
        let dir = scratch("roundtrip");
        let path = dir.join("state/acks.json");
        assert_eq!(load(&path).ok(), Some(Vec::new()));
        save(&path, &[ack()]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(&path).ok(), Some(vec![ack()]));
        save(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(&path).ok(), Some(Vec::new()));
    }

    #[test]
    fn a_broken_or_hostile_file_is_an_error_naming_it() {
        let dir = scratch("hostile");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("acks.json");
        for bad in [
            &b"[{\"site\": 1}]"[..],
            b"\xff\xfe garbage",
            b"[{\"site\":\"a\",\"item\":\"b\",\"trouble\":\"exploded\",\"severity\":\"warning\",\"operator\":\"c\",\"note\":\"\",\"at\":0}]",
            b"{}",
        ] {
            std::fs::write(&path, bad).unwrap_or_else(|e| panic!("{e}"));
            let e = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("acks.json"), "{e}");
        }
        let big = vec![b' '; (MAX_BYTES + 1) as usize];
        std::fs::write(&path, big).unwrap_or_else(|e| panic!("{e}"));
        let e = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("larger than"), "{e}");
    }
}
