//! The console's files beside the audit log: the operations it reads at start, the
//! acknowledgements it keeps, the refusals it writes. IO, so out of `update`: the runtime
//! calls these for the effects `update` returns.

use crate::ops::audit::AuditError;

/// Why the console could not keep something on disk.
#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    #[error("no audit log path (set XDG_STATE_HOME or HOME)")]
    NoAuditPath,
    #[error("no state directory (set XDG_STATE_HOME or HOME)")]
    NoStateDir,
    #[error(transparent)]
    File(#[from] AuditError),
}

/// The default audit log, open for appending.
pub(super) fn audit_log() -> Result<crate::ops::audit::AuditLog, StateFileError> {
    let path = crate::ops::audit::default_path().ok_or(StateFileError::NoAuditPath)?;
    Ok(crate::ops::audit::AuditLog::open(&path)?)
}

/// Append one record to the default audit log.
pub(super) fn append_audit(record: &crate::ops::audit::Record) -> Result<(), StateFileError> {
    Ok(audit_log()?.append(record)?)
}

/// Keep `acks` in the state file, and `new` in the audit log as well.
pub(super) fn save_acks(
    acks: &[crate::ops::audit::Ack],
    new: Option<&crate::ops::audit::Ack>,
) -> Result<(), StateFileError> {
    let path = crate::ops::acks::default_path().ok_or(StateFileError::NoStateDir)?;
    if let Some(a) = new {
        audit_log()?.append_ack(a)?;
    }
    Ok(crate::ops::acks::save(&path, acks)?)
}

/// The acknowledgements in force from the state file; a broken file is said on stderr
/// (before the screen is taken) and the console starts without them.
pub(crate) fn saved_acks() -> Vec<crate::ops::audit::Ack> {
    match crate::ops::acks::default_path().map(|p| crate::ops::acks::load(&p)) {
        Some(Ok(a)) => a,
        Some(Err(e)) => {
            eprintln!("redcon: {e}");
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// The default audit log, settled; an unreadable log is said on stderr (before the screen is
/// taken) and otherwise ignored.
pub(crate) fn audit_records() -> Vec<crate::ops::audit::Record> {
    match crate::ops::audit::default_path().map(|p| crate::ops::audit::read(&p)) {
        Some(Ok((records, errors))) => {
            for e in errors {
                eprintln!("redcon: {e}");
            }
            crate::ops::audit::settle(&records)
        }
        Some(Err(e)) => {
            eprintln!("redcon: {e}");
            Vec::new()
        }
        None => Vec::new(),
    }
}
