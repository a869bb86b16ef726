//! RAID arrays: tolerance per level, RAID10 mirror sets, hot spares, rebuild progress and the
//! illustrative rebuild exposure of docs/tier-rules.md §3.

use super::{Member, Outcome, Shape, View, assess, count_up, len_u32};
use crate::classify::reliability as rel;
use crate::classify::report::{GroupAssessment, GroupKind, GroupReport};
use crate::model::{Id, LiveState, MemberState, RaidArray, RaidLevel};

pub(super) fn grade(r: &RaidArray, live: &LiveState, budget: f64) -> GroupReport {
    let shape = Shape {
        members: r
            .members
            .iter()
            .map(|m| Member {
                id: m,
                via: Vec::new(),
            })
            .collect(),
        explicit_shared: r.controller.iter().map(String::as_str).collect(),
    };
    let shared = shape.shared();
    let design = assess_view(r, &shape, &shared, View::Design, budget).0;
    let (live_a, mut notes) = assess_view(r, &shape, &shared, View::Live(live), budget);
    notes.extend(spare_notes(r, live));
    notes.extend(rebuild_notes(r, live));
    notes.extend(exposure_note(r));
    GroupReport {
        id: r.id.clone(),
        kind: GroupKind::Raid,
        design,
        live: live_a,
        usable_tb: usable_tb(r),
        notes,
    }
}

/// Usable capacity: data drives (members less parity, or one copy of each mirror set) times
/// the drive size.
pub(super) fn usable_tb(r: &RaidArray) -> Option<f64> {
    let tb = r.drive_tb.filter(|t| t.is_finite() && *t > 0.0)?;
    let n = len_u32(r.members.len());
    let data = match r.level {
        RaidLevel::Raid0 => n,
        RaidLevel::Raid1 => u32::from(n > 0),
        RaidLevel::Raid5 | RaidLevel::Raid6 => n - parity(r.level, n),
        RaidLevel::Raid10 => len_u32(r.members.len() / copies(r)),
    };
    Some(f64::from(data) * tb)
}

/// A spare whose rebuild has completed: it now holds what a failed member held.
fn rebuilt_spare(live: &LiveState, id: &str) -> bool {
    matches!(
        live.member_state(id),
        MemberState::Rebuilding | MemberState::Ok
    ) && live.rebuilds.get(id).is_some_and(|b| b.progress >= 1.0)
}

/// Completed spares take the places of members that are down for their own reasons (not
/// behind a shared component that is down): a RAID10 mirror set with fewest copies first.
fn fill_with_spares(r: &RaidArray, live: &LiveState, up: &mut [bool]) -> Vec<String> {
    let mut notes = Vec::new();
    for s in r.spares.iter().filter(|s| rebuilt_spare(live, s)) {
        let slot = if r.level == RaidLevel::Raid10 {
            let k = copies(r);
            up.chunks(k)
                .enumerate()
                .filter(|(_, set)| set.iter().any(|u| !u))
                .min_by_key(|(_, set)| count_up(set))
                .and_then(|(i, set)| set.iter().position(|u| !u).map(|p| i * k + p))
        } else {
            up.iter().position(|u| !u)
        };
        let Some(slot) = slot else { break };
        if let Some(u) = up.get_mut(slot) {
            *u = true;
        }
        let replaced = r.members.get(slot).map_or("?", String::as_str);
        notes.push(format!(
            "hot spare {s} rebuilt: holds what {replaced} held, tolerance restored"
        ));
    }
    notes
}

fn copies(r: &RaidArray) -> usize {
    usize::try_from(r.copies).unwrap_or(usize::MAX).max(1)
}

/// Parity drives, never more than leaves one data drive, so odd arrays still make sense.
fn parity(level: RaidLevel, n: u32) -> u32 {
    let p = match level {
        RaidLevel::Raid5 => 1,
        RaidLevel::Raid6 => 2,
        _ => 0,
    };
    p.min(n.saturating_sub(1))
}

/// Healthy drives the array needs: all for RAID0, one per mirror set, n − parity otherwise.
fn need(r: &RaidArray) -> u32 {
    let n = len_u32(r.members.len());
    match r.level {
        RaidLevel::Raid0 => n,
        RaidLevel::Raid1 => 1,
        RaidLevel::Raid5 | RaidLevel::Raid6 => n - parity(r.level, n),
        RaidLevel::Raid10 => len_u32(r.members.len().div_ceil(copies(r))),
    }
}

/// Guaranteed t and, for RAID10, the best case when losses land in different mirror sets.
fn tolerance(r: &RaidArray, up: &[bool]) -> (i32, Option<i32>) {
    if up.is_empty() {
        return (-1, None);
    }
    if r.level == RaidLevel::Raid10 {
        let spare: Vec<i64> = up
            .chunks(copies(r))
            .map(|set| i64::from(count_up(set)) - 1)
            .collect();
        if spare.iter().any(|&s| s < 0) {
            return (-1, Some(-1));
        }
        let guaranteed = spare.iter().copied().min().unwrap_or(-1);
        let best: i64 = spare.iter().sum();
        return (clamp(guaranteed), Some(clamp(best)));
    }
    let t = i64::from(count_up(up)) - i64::from(need(r));
    (clamp(t.max(-1)), None)
}

fn clamp(t: i64) -> i32 {
    i32::try_from(t).unwrap_or(if t < 0 { -1 } else { i32::MAX })
}

/// A rebuilding drive holds no complete copy until its rebuild reports done.
fn drive_up(live: View, id: &str, state: MemberState) -> bool {
    match state {
        MemberState::Ok | MemberState::Standby => true,
        MemberState::Rebuilding => match live {
            View::Live(l) => l.rebuilds.get(id).is_some_and(|b| b.progress >= 1.0),
            View::Design => true,
        },
        MemberState::Failed | MemberState::Maintenance | MemberState::Unknown => false,
    }
}

fn assess_view(
    r: &RaidArray,
    shape: &Shape,
    shared: &[Id],
    view: View,
    budget: f64,
) -> (GroupAssessment, Vec<String>) {
    let mut sc = shape.up_mask(view, shared, |_, id, s| drive_up(view, id, s));
    if let View::Live(live) = view
        && sc.shared_down.is_empty()
    {
        let notes = fill_with_spares(r, live, &mut sc.up);
        sc.notes.extend(notes);
    }
    let (t, best) = tolerance(r, &sc.up);
    let rule = |up: &[bool]| tolerance(r, up).0;
    let spofs = shape.spofs(&sc.up, shared, &rule);
    let down_reason = (t < 0).then(|| down_reason(r, &sc.up, &sc.shared_down));
    let outcome = Outcome {
        need: need(r),
        available: sc.count(),
        tolerance: t,
        best_case: best,
        // The array keeps serving degraded the moment a drive drops out.
        failover_s: Some(0.0),
        automatic: true,
        down_reason,
    };
    (
        assess(outcome, shared.to_vec(), spofs, "array", budget),
        sc.notes,
    )
}

fn down_reason(r: &RaidArray, up: &[bool], shared_down: &[String]) -> String {
    if !shared_down.is_empty() {
        return shared_down.join(" and ");
    }
    if r.level == RaidLevel::Raid10 {
        let lost: Vec<String> = r
            .members
            .chunks(copies(r))
            .zip(up.chunks(copies(r)))
            .filter(|(_, u)| count_up(u) == 0)
            .map(|(m, _)| format!("({})", m.join(", ")))
            .collect();
        if !lost.is_empty() {
            return format!("mirror set {} has no healthy copy left", lost.join(", "));
        }
    }
    format!(
        "{} of {} drives are healthy and a {:?} array of this size needs {}",
        count_up(up),
        r.members.len(),
        r.level,
        need(r)
    )
}

fn spare_notes(r: &RaidArray, live: &LiveState) -> Vec<String> {
    let (ready, not): (Vec<&Id>, Vec<&Id>) = r
        .spares
        .iter()
        .filter(|s| !rebuilt_spare(live, s))
        .partition(|s| live.member_state(s) == MemberState::Ok);
    let mut notes = Vec::new();
    if !ready.is_empty() {
        let ids: Vec<Id> = ready.into_iter().cloned().collect();
        notes.push(format!(
            "hot spare {} ready: does not raise t now, but shortens the exposure window after a failure",
            ids.join(", ")
        ));
    }
    for s in not {
        let state = live.member_state(s);
        if state != MemberState::Rebuilding {
            notes.push(format!(
                "hot spare {s} is {}: not available to take over",
                state.name()
            ));
        }
    }
    notes
}

fn rebuild_notes(r: &RaidArray, live: &LiveState) -> Vec<String> {
    let mut notes = Vec::new();
    for id in r.members.iter().chain(&r.spares) {
        match live.rebuilds.get(id) {
            // a rebuilt spare has its own note from `fill_with_spares`
            Some(b) if b.progress >= 1.0 && r.spares.contains(id) => {}
            Some(b) if b.progress >= 1.0 => {
                notes.push(format!("{id} rebuild complete"));
            }
            Some(b) => {
                let pct = if b.progress.is_finite() {
                    (b.progress * 100.0).clamp(0.0, 100.0)
                } else {
                    0.0
                };
                let eta = match b.eta_min {
                    Some(m) if m.is_finite() && m >= 0.0 => format!("about {m:.0} min left"),
                    _ => "no ETA reported".to_string(),
                };
                notes.push(format!(
                    "{id} rebuilding: {pct:.0}% done, {eta}; it counts only once complete"
                ));
            }
            None if live.member_state(id) == MemberState::Rebuilding => {
                notes.push(format!(
                    "{id} rebuilding (no progress reported); it counts only once complete"
                ));
            }
            None => {}
        }
    }
    notes
}

fn pct(p: f64) -> String {
    if p >= 0.001 {
        format!("{:.1}%", p * 100.0)
    } else {
        format!("{p:.1e}")
    }
}

/// Rebuild exposure per docs/tier-rules.md §3 (W4). Datasheet MTTF and URE rates are worst case, so the
/// note says it is illustrative; it never changes a grade.
fn exposure_note(r: &RaidArray) -> Option<String> {
    let (tb, mttf, rebuild) = (r.drive_tb?, r.drive_mttf_h?, r.rebuild_h?);
    let (ure_rate, ure_src) = match r.ure_per_bit {
        Some(u) => (u, format!("URE {u:e}/bit")),
        None => (
            rel::URE_ENTERPRISE,
            format!("URE {:e}/bit assumed (enterprise)", rel::URE_ENTERPRISE),
        ),
    };
    let n = len_u32(r.members.len());
    let head = format!(
        "rebuild exposure (illustrative, datasheet-based: MTTF {mttf} h, rebuild {rebuild} h, {ure_src})"
    );
    let pair = |drives_read: u32, p2: f64| -> Option<(f64, f64, f64)> {
        let ure = rel::ure_probability(rel::bits_read(drives_read, tb).ok()?, ure_rate).ok()?;
        Some((p2, ure, rel::rebuild_loss(p2, ure).ok()?))
    };
    let body = match r.level {
        RaidLevel::Raid0 => return None,
        RaidLevel::Raid5 => {
            let (p2, ure, loss) = pair(n.saturating_sub(1), rel::raid5_second_failure(n, rebuild, mttf).ok()?)?;
            let mttdl = rel::raid5_mttdl(n, mttf, rebuild)
                .map(|h| format!("; MTTDL ≈ {:.1e} years", h / rel::HOURS_PER_YEAR))
                .unwrap_or_default();
            format!(
                "all {} survivors are read: second drive failure {}, unrecoverable read error {}, data loss ≈ {} per rebuild{mttdl}",
                n.saturating_sub(1),
                pct(p2),
                pct(ure),
                pct(loss)
            )
        }
        RaidLevel::Raid6 => {
            let (p2, ure, _) = pair(n.saturating_sub(1), rel::raid5_second_failure(n, rebuild, mttf).ok()?)?;
            format!(
                "a second drive failure ({}) or an unrecoverable read error ({}) alone is survivable; data loss needs two such events",
                pct(p2),
                pct(ure)
            )
        }
        RaidLevel::Raid1 | RaidLevel::Raid10 if copies_of(r) == 2 => {
            let (p2, ure, loss) = pair(1, rel::raid10_second_failure(rebuild, mttf).ok()?)?;
            format!(
                "only the partner is read: partner failure {}, unrecoverable read error {}, data loss ≈ {} per rebuild",
                pct(p2),
                pct(ure),
                pct(loss)
            )
        }
        RaidLevel::Raid1 | RaidLevel::Raid10 => {
            "more than one copy survives a failure, so a single further event during rebuild is survivable".to_string()
        }
    };
    Some(format!("{head}: {body}"))
}

/// Copies of each block: the mirror width for RAID1, `copies` for RAID10.
fn copies_of(r: &RaidArray) -> usize {
    match r.level {
        RaidLevel::Raid1 => r.members.len(),
        _ => copies(r),
    }
}
