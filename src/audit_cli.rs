//! `redcon audit` prints the settled audit log; `lingering` reads it for the maintenance a
//! status check reports as left in place too long.

use std::path::Path;
use std::process::ExitCode;

use redcon::model::{LiveState, Site};
use redcon::ops::audit;

use crate::ops_cli::{REJECTED, default_audit_path};

/// `redcon audit`: the settled log, oldest first, from `since` (Unix seconds) on.
pub fn print_audit(path: Option<&Path>, since: Option<f64>, json: bool) -> ExitCode {
    let Some(path) = path.map(Path::to_path_buf).or_else(default_audit_path) else {
        eprintln!("redcon: no audit log path (set --audit, XDG_STATE_HOME or HOME)");
        return ExitCode::from(REJECTED);
    };
    let log = match audit::read_log(&path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("redcon: {e}");
            return ExitCode::from(REJECTED);
        }
    };
    for e in &log.errors {
        eprintln!("redcon: {e}");
    }
    // operations and acknowledgements, in the order they happened
    let mut lines: Vec<(f64, String)> = Vec::new();
    for r in audit::settle(&log.records)
        .iter()
        .filter(|r| since.is_none_or(|s| r.at >= s))
    {
        if json {
            lines.push((r.at, serde_json::to_string(r).unwrap_or_default()));
            continue;
        }
        let verdict = r.verdict.map_or("-", |v| v.word());
        lines.push((
            r.at,
            format!(
                "{}  {:<12} {:<28} {:<9} {:<14} {}  \"{}\"{}",
                audit::utc_text(r.at),
                r.operation.operator,
                r.operation.describe(),
                verdict,
                r.outcome.word(),
                r.by,
                r.operation.reason,
                if r.detail.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", r.detail)
                }
            ),
        ));
    }
    for a in log
        .acks
        .iter()
        .filter(|a| since.is_none_or(|s| a.at as f64 >= s))
    {
        let at = a.at as f64;
        if json {
            let line = audit::AckLine { ack: a.clone() };
            lines.push((at, serde_json::to_string(&line).unwrap_or_default()));
            continue;
        }
        lines.push((
            at,
            format!(
                "{}  {:<12} {:<28} {:<9} {:<14} {}  \"{}\"",
                audit::utc_text(at),
                a.operator,
                format!("ack {} {}", a.item, a.trouble),
                a.severity,
                "acknowledged",
                a.site,
                a.note
            ),
        ));
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, l) in lines {
        // Agent and operator text is data, never terminal control: one record, one line,
        // whatever a refused client wrote into it (serde_json already escapes what JSON
        // lines need).
        if json {
            outln!("{l}");
        } else {
            outln!("{}", audit::printable(&l));
        }
    }
    ExitCode::SUCCESS
}

/// Maintenance left in place longer than `max_age_s`, from the audit log (`--audit`, else
/// the default log when it exists). An unreadable log is said on stderr, not fatal: the
/// status of the site does not depend on it.
pub fn lingering(
    path: Option<&Path>,
    site: &Site,
    live: &LiveState,
    max_age_s: f64,
) -> Vec<String> {
    let Some(path) = path.map(Path::to_path_buf).or_else(default_audit_path) else {
        return Vec::new();
    };
    match audit::read(&path) {
        Ok((records, errors)) => {
            for e in errors {
                eprintln!("redcon: {e}");
            }
            let open = audit::open_maintenance(&audit::settle(&records));
            audit::lingering(&open, site, live, redcon::api::unix_now(), max_age_s)
        }
        Err(e) => {
            eprintln!("redcon: {e}");
            Vec::new()
        }
    }
}
