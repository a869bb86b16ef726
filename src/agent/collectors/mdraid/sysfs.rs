//! `/sys/block/mdX/md/`, as the kernel's `Documentation/admin-guide/md.rst` describes it:
//! one value per file, a `dev-<name>/` directory per device, `rdN` links per slot.

use super::{MdArray, MdMember, MdRole, SyncProgress};
use crate::agent::collectors::parse::{ParseError, SysTree};

/// Parse one array's `md/` directory, read into `tree` (paths relative to `md/`).
pub fn parse_md_sysfs(name: &str, tree: &SysTree, source: &str) -> Result<MdArray, ParseError> {
    let bad = |what: String| ParseError::new(source, what);
    let state = tree
        .get("array_state")
        .ok_or_else(|| bad("no array_state: not an md array directory".into()))?;
    let number = |file: &str| -> Result<Option<u32>, ParseError> {
        tree.get(file)
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| bad(format!("{file}: {v:?} is not a count")))
            })
            .transpose()
    };
    let sync = sync(tree, source)?;
    let rebuilding = sync.as_ref().is_some_and(SyncProgress::rebuilds);
    let slots_by_link: Vec<(u32, &str)> = tree
        .links
        .iter()
        .filter_map(|(k, target)| {
            let n = k.strip_prefix("rd")?.parse().ok()?;
            Some((n, target.strip_prefix("dev-")?))
        })
        .collect();
    let mut members = Vec::new();
    for dir in tree
        .children("")
        .into_iter()
        .filter(|c| c.starts_with("dev-"))
    {
        let dev = &dir["dev-".len()..];
        let words: Vec<&str> = tree
            .get(&format!("{dir}/state"))
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        let slot = match tree.get(&format!("{dir}/slot")) {
            Some(s) => s.parse().ok(),
            None => slots_by_link
                .iter()
                .find(|(_, d)| *d == dev)
                .map(|&(n, _)| n),
        };
        let has = |w: &str| words.contains(&w);
        let role = if has("faulty") {
            MdRole::Faulty
        } else if has("in_sync") {
            MdRole::Active
        } else if rebuilding && (slot.is_some() || has("replacement")) {
            MdRole::Rebuilding
        } else {
            MdRole::Spare
        };
        let flags = words
            .iter()
            .filter_map(|w| match *w {
                "writemostly" => Some("write_mostly"),
                "want_replacement" | "replacement" | "write_error" | "blocked" | "journal" => {
                    Some(*w)
                }
                _ => None,
            })
            .map(str::to_string)
            .collect();
        members.push(MdMember {
            name: dev.to_string(),
            slot,
            role,
            flags,
        });
    }
    // A tree copied without its links or `slot` files (as some fixture tools do) still
    // says how many slots hold a spare being filled; when that matches the spares, they
    // are the ones being rebuilt.
    let no_slot_info = members.iter().all(|m| m.slot.is_none());
    if rebuilding && no_slot_info {
        let spare_slots = tree
            .children("")
            .into_iter()
            .filter(|c| c.starts_with("rd"))
            .filter(|c| tree.get(&format!("{c}/state")) == Some("spare"))
            .count();
        let spares = members.iter().filter(|m| m.role == MdRole::Spare).count();
        if spare_slots > 0 && spare_slots == spares {
            for m in members.iter_mut().filter(|m| m.role == MdRole::Spare) {
                m.role = MdRole::Rebuilding;
            }
        }
    }
    Ok(MdArray {
        name: name.to_string(),
        level: tree.get("level").unwrap_or("").to_string(),
        running: !matches!(state, "inactive" | "clear" | "broken"),
        read_only: matches!(state, "readonly" | "read-auto"),
        raid_disks: number("raid_disks")?,
        degraded: number("degraded")?.unwrap_or(0),
        slot_map: None,
        members,
        sync,
    })
}

fn sync(tree: &SysTree, source: &str) -> Result<Option<SyncProgress>, ParseError> {
    let action = match tree.get("sync_action") {
        None | Some("idle" | "frozen") => return Ok(None),
        Some(a) => a,
    };
    let (mut done, mut total, mut waiting) = (None, None, None);
    match tree.get("sync_completed") {
        None | Some("none") => {}
        Some("delayed") => waiting = Some("DELAYED".to_string()),
        Some(v) => {
            let parsed = v.split_once('/').and_then(|(d, t)| {
                Some((d.trim().parse::<u64>().ok()?, t.trim().parse::<u64>().ok()?))
            });
            let (d, t) = parsed.ok_or_else(|| {
                ParseError::new(
                    source,
                    format!("sync_completed: {v:?} is not `done / total`"),
                )
            })?;
            (done, total) = (Some(d), Some(t));
        }
    }
    // sync_speed is KiB/s over the last few seconds; sectors are 512 bytes.
    let eta_min = match (done, total, tree.get("sync_speed")) {
        (Some(d), Some(t), Some(speed)) => speed
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(|kib_s| (t.saturating_sub(d) as f64 / 2.0) / kib_s / 60.0),
        _ => None,
    };
    Ok(Some(SyncProgress {
        action: action.to_string(),
        done,
        total,
        eta_min,
        waiting,
    }))
}
