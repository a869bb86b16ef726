//! The console's files beside the audit log: the operations it reads at start, the
//! acknowledgements it keeps, the refusals it writes. IO, so out of `update`: the runtime
//! calls these for the effects `update` returns.

/// Append one record to the default audit log.
pub(super) fn append_audit(record: &crate::ops::audit::Record) -> Result<(), String> {
    let path = crate::ops::audit::default_path()
        .ok_or("no audit log path (set XDG_STATE_HOME or HOME)")?;
    crate::ops::audit::AuditLog::open(&path)
        .and_then(|mut log| log.append(record))
        .map_err(|e| e.to_string())
}

/// Keep `acks` in the state file, and `new` in the audit log as well.
pub(super) fn save_acks(
    acks: &[crate::ops::audit::Ack],
    new: Option<&crate::ops::audit::Ack>,
) -> Result<(), String> {
    let path = crate::ops::acks::default_path()
        .ok_or("no state directory (set XDG_STATE_HOME or HOME)")?;
    if let Some(a) = new {
        let audit = crate::ops::audit::default_path()
            .ok_or("no audit log path (set XDG_STATE_HOME or HOME)")?;
        crate::ops::audit::AuditLog::open(&audit)
            .and_then(|mut log| log.append_ack(a))
            .map_err(|e| e.to_string())?;
    }
    crate::ops::acks::save(&path, acks).map_err(|e| e.to_string())
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
