//! When has a snapshot "changed"? The content version (and so the ETag) moves only when
//! something a console would act on moves. Timestamps always move, and host figures
//! jitter every round, so they are left out or coarsened; otherwise an idle host would
//! never answer 304 and every poll would cost a full body.

use crate::api::Snapshot;

const MIB: u64 = 1 << 20;

/// The part of a snapshot that decides its version: two snapshots with equal keys are
/// served under the same ETag.
pub fn content_key(snapshot: &Snapshot) -> Snapshot {
    let mut k = snapshot.clone();
    k.generated_at = 0.0;
    for e in &mut k.elements {
        e.observed_at = 0.0;
    }
    for m in &mut k.members {
        m.observed_at = 0.0;
    }
    for t in &mut k.tanks {
        t.observed_at = 0.0;
    }
    if let Some(h) = &mut k.host {
        h.observed_at = 0.0;
        // Uptime grows every second by definition; a reboot shows elsewhere (the
        // console sees uptime in every 200 it does get).
        h.uptime_s = 0;
        h.cpu_pct = h.cpu_pct.round();
        h.memory_used_bytes /= MIB;
        for d in &mut h.disks {
            d.available_bytes /= MIB;
        }
        for t in &mut h.temperatures {
            t.celsius = t.celsius.round();
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AgentInfo, DiskReport, HostReport, SCHEMA_VERSION};

    fn snap(cpu: f64, mem: u64, at: f64) -> Snapshot {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            agent: AgentInfo {
                id: "a".into(),
                version: "0".into(),
                hostname: None,
            },
            generated_at: at,
            elements: Vec::new(),
            members: Vec::new(),
            tanks: Vec::new(),
            host: Some(HostReport {
                observed_at: at,
                cpu_pct: cpu,
                memory_used_bytes: mem,
                memory_total_bytes: 8 << 30,
                uptime_s: at as u64,
                disks: vec![DiskReport {
                    mount: "/".into(),
                    total_bytes: 1 << 40,
                    available_bytes: 5 << 30,
                }],
                temperatures: Vec::new(),
            }),
        }
    }

    #[test]
    fn jitter_and_time_do_not_count() {
        let a = snap(3.2, (2 << 30) + 10, 100.0);
        let b = snap(3.4, (2 << 30) + 4000, 105.0);
        assert_eq!(content_key(&a), content_key(&b));
    }

    #[test]
    fn real_changes_do() {
        let a = snap(3.2, 2 << 30, 100.0);
        assert_ne!(content_key(&a), content_key(&snap(4.6, 2 << 30, 100.0)));
        assert_ne!(content_key(&a), content_key(&snap(3.2, 3 << 30, 100.0)));
        let mut no_host = a.clone();
        no_host.host = None;
        assert_ne!(content_key(&a), content_key(&no_host));
    }
}
