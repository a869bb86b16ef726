//! `/proc/mdstat`, as `drivers/md/md.c` (`md_seq_show`) writes it: a header line per
//! array (`md6 : active raid1 sdb2[2](F) sdc[1](S) sda2[0]`), then indented lines with
//! the size, `[n/m] [U_]` and any sync progress.

use super::{MdArray, MdMember, MdRole, SyncProgress};
use crate::agent::collectors::parse::{ParseError, Partial};

/// Parse the whole file. An array whose lines cannot be read is an error of its own;
/// text that is not mdstat at all is one error for the file.
pub fn parse_mdstat(text: &str, source: &str) -> Result<Partial<MdArray>, ParseError> {
    let mut out = Partial::default();
    let mut seen_personalities = false;
    let mut current: Option<(MdArray, Option<(u32, u32)>)> = None;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{source}:{}", i + 1);
        if line.starts_with("Personalities") {
            seen_personalities = true;
            continue;
        }
        if line.starts_with("unused devices") || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            if let Some(done) = current.take() {
                out.items.push(finish(done));
            }
            match header(line, &at) {
                Ok(a) => current = Some((a, None)),
                Err(e) => out.errors.push(e),
            }
            continue;
        }
        // A body line whose header was unreadable belongs to nobody.
        let Some((array, counts)) = current.as_mut() else {
            continue;
        };
        if let Err(e) = body(line, array, counts, &at) {
            out.errors.push(e);
            current = None;
        }
    }
    if let Some(done) = current.take() {
        out.items.push(finish(done));
    }
    if !seen_personalities && out.items.is_empty() {
        return Err(ParseError::new(
            source,
            "not /proc/mdstat: no `Personalities` line and no array",
        ));
    }
    Ok(out)
}

fn header(line: &str, at: &str) -> Result<MdArray, ParseError> {
    let bad = |what: &str| ParseError::new(at, format!("{what} in {line:?}"));
    let (name, rest) = line
        .split_once(" : ")
        .ok_or_else(|| bad("no `name : state`"))?;
    let name = name.trim();
    if !name.starts_with("md") {
        return Err(bad("array name does not start with md"));
    }
    let mut tokens = rest.split_whitespace().peekable();
    let running = match tokens.next() {
        Some("active") => true,
        Some("inactive") => false,
        _ => return Err(bad("state is neither active nor inactive")),
    };
    let mut a = MdArray {
        name: name.to_string(),
        running,
        ..MdArray::default()
    };
    if let Some(t) = tokens.next_if(|t| t.starts_with('(')) {
        a.read_only = t.contains("read-only");
    }
    if let Some(level) = tokens.next_if(|t| !t.contains('[')) {
        a.level = level.to_string();
    }
    for t in tokens {
        a.members
            .push(device(t).ok_or_else(|| bad(&format!("unreadable device {t:?}")))?);
    }
    Ok(a)
}

/// `sdb2[2](F)`: name, descriptor number (not the slot), then flags.
fn device(token: &str) -> Option<MdMember> {
    let (name, rest) = token.split_once('[')?;
    let (number, flags) = rest.split_once(']')?;
    if name.is_empty() || number.parse::<u32>().is_err() {
        return None;
    }
    let mut m = MdMember {
        name: name.to_string(),
        slot: None,
        role: MdRole::Active,
        flags: Vec::new(),
    };
    for f in flags.split(')').filter(|f| !f.is_empty()) {
        match f.strip_prefix('(')? {
            "F" => m.role = MdRole::Faulty,
            "S" => m.role = MdRole::Spare,
            "W" => m.flags.push("write_mostly".into()),
            "R" => m.flags.push("replacement".into()),
            "J" => m.flags.push("journal".into()),
            _ => return None,
        }
    }
    Some(m)
}

fn body(
    line: &str,
    a: &mut MdArray,
    counts: &mut Option<(u32, u32)>,
    at: &str,
) -> Result<(), ParseError> {
    let bad = |what: &str| ParseError::new(at, format!("{what} in {line:?}"));
    let line = line.trim();
    if line.contains(" blocks") {
        for t in line.split_whitespace() {
            let Some(inner) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
                continue;
            };
            if let Some((n, m)) = inner.split_once('/') {
                let n: u32 = n.parse().map_err(|_| bad("bad device count"))?;
                let m: u32 = m.parse().map_err(|_| bad("bad working count"))?;
                *counts = Some((n, m));
            } else if !inner.is_empty() && inner.chars().all(|c| c == 'U' || c == '_') {
                a.slot_map = Some(inner.to_string());
            }
        }
        return Ok(());
    }
    // `resync=DELAYED` / `resync=PENDING`: queued behind another array on the same disks.
    if let Some((action, wait)) = line.split_once('=')
        && !action.contains(' ')
        && !wait.starts_with(' ')
        && wait.chars().all(|c| c.is_ascii_uppercase())
        && !wait.is_empty()
    {
        a.sync = Some(SyncProgress {
            action: action_word(action),
            done: None,
            total: None,
            eta_min: None,
            waiting: Some(wait.to_string()),
        });
        return Ok(());
    }
    // `[=>....]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec`
    if line.starts_with('[') && line.contains(" = ") {
        let after_bar = line.split_once(']').map_or("", |(_, r)| r);
        let (action, rest) = after_bar
            .split_once('=')
            .ok_or_else(|| bad("no sync action"))?;
        let (done, total) = rest
            .split_once('(')
            .and_then(|(_, r)| r.split_once(')'))
            .and_then(|(r, _)| r.split_once('/'))
            .ok_or_else(|| bad("no (done/total)"))?;
        let eta_min = rest
            .split_whitespace()
            .find_map(|t| t.strip_prefix("finish="))
            .and_then(|t| t.strip_suffix("min"))
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|m| m.is_finite() && *m >= 0.0);
        a.sync = Some(SyncProgress {
            action: action_word(action.trim()),
            done: Some(done.trim().parse().map_err(|_| bad("bad done count"))?),
            total: Some(total.trim().parse().map_err(|_| bad("bad total count"))?),
            eta_min,
            waiting: None,
        });
    }
    // bitmap lines and anything newer kernels add: nothing we need
    Ok(())
}

/// mdstat says `recovery`, sysfs `recover`: one word for both.
fn action_word(w: &str) -> String {
    match w {
        "recovery" => "recover".to_string(),
        other => other.to_string(),
    }
}

fn finish((mut a, counts): (MdArray, Option<(u32, u32)>)) -> MdArray {
    if let Some((n, m)) = counts {
        a.raid_disks = Some(n);
        a.degraded = n.saturating_sub(m);
        // mdstat does not say which device a recovery writes. When the working devices
        // are exactly those in their slots and one spare is left, it is that spare.
        let rebuilding = a.sync.as_ref().is_some_and(SyncProgress::rebuilds);
        let in_slots = a
            .members
            .iter()
            .filter(|d| d.role == MdRole::Active)
            .count();
        let mut spares = a.members.iter_mut().filter(|d| d.role == MdRole::Spare);
        if let (Some(only), None) = (spares.next(), spares.next())
            && rebuilding
            && m < n
            && in_slots == m as usize
        {
            only.role = MdRole::Rebuilding;
        }
        if rebuilding {
            for d in &mut a.members {
                if d.role == MdRole::Active && d.flags.iter().any(|f| f == "replacement") {
                    d.role = MdRole::Rebuilding;
                }
            }
        }
    }
    a
}
