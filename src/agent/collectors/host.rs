//! The `host` collector: the agent's own machine via `sysinfo` (CPU, memory, uptime,
//! disks, temperatures). Reading and converting are split so the conversion, where the
//! judgement calls are, can be tested with made-up numbers.

use std::path::Path;
use std::time::Instant;

use sysinfo::{
    Components, DiskRefreshKind, Disks, MINIMUM_CPU_UPDATE_INTERVAL, MemoryRefreshKind, System,
};

use super::{Collected, Collector, CollectorError};
use crate::api::{self, DiskReport, HostReport, TemperatureReport};

const NAME: &str = "host";

/// Raw readings, as `sysinfo` gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostSample {
    pub cpu_pct: f32,
    pub memory_used: u64,
    pub memory_total: u64,
    pub uptime_s: Option<u64>,
    pub disks: Vec<DiskSample>,
    pub temperatures: Vec<TempSample>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiskSample {
    pub mount: String,
    pub total: u64,
    pub available: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TempSample {
    pub label: String,
    pub celsius: Option<f32>,
}

/// Readings outside this range come from absent or broken sensors (hwmon reports
/// -273 or 255 for those on some boards), not from hardware anyone should act on.
const PLAUSIBLE_C: std::ops::RangeInclusive<f64> = -100.0..=250.0;

/// The sample has no memory figures, so it is no reading of a real host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("total memory reads as 0: cannot read memory figures")]
pub struct NoMemoryFigures;

/// Turn raw readings into the wire report. Refuses a sample without memory figures:
/// zero total memory means the source could not be read, and a report saying so would
/// look like a real, very odd host.
pub fn host_report(sample: &HostSample, observed_at: f64) -> Result<HostReport, NoMemoryFigures> {
    if sample.memory_total == 0 {
        return Err(NoMemoryFigures);
    }
    let cpu = f64::from(sample.cpu_pct);
    // JSON has no NaN, and a reader must never see more than 100% busy.
    let cpu_pct = if cpu.is_finite() {
        tenths(cpu.clamp(0.0, 100.0))
    } else {
        0.0
    };
    let mut disks: Vec<DiskReport> = sample
        .disks
        .iter()
        .filter(|d| d.total > 0) // pseudo file systems: nothing to run out of
        .map(|d| DiskReport {
            mount: d.mount.clone(),
            total_bytes: d.total,
            available_bytes: d.available.min(d.total),
        })
        .collect();
    // A stable order keeps the content (and so the ETag) stable between rounds.
    disks.sort_by(|a, b| a.mount.cmp(&b.mount));
    disks.dedup_by(|a, b| a.mount == b.mount);
    let mut temperatures: Vec<TemperatureReport> = sample
        .temperatures
        .iter()
        .filter_map(|t| {
            let c = f64::from(t.celsius?);
            (c.is_finite() && PLAUSIBLE_C.contains(&c)).then(|| TemperatureReport {
                label: t.label.clone(),
                celsius: tenths(c),
            })
        })
        .collect();
    temperatures.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(HostReport {
        observed_at,
        cpu_pct,
        memory_used_bytes: sample.memory_used.min(sample.memory_total),
        memory_total_bytes: sample.memory_total,
        uptime_s: sample.uptime_s.unwrap_or(0),
        disks,
        temperatures,
    })
}

/// f32 readings widened to f64 print as 41.29999923706055; a tenth is all they carry.
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Long-lived, because CPU usage is a difference between two readings.
pub struct HostCollector {
    system: System,
    disks: Disks,
    /// `None` where the platform has no sensor interface: then no temperatures.
    components: Option<Components>,
    cpu_primed_at: Instant,
}

impl HostCollector {
    /// `root` other than `/` is refused rather than ignored: `sysinfo` always reads the
    /// real `/proc`, and fixture data silently replaced by the real host would mislead.
    pub fn new(root: Option<&Path>) -> Result<Self, CollectorError> {
        if let Some(root) = root.filter(|r| *r != Path::new("/")) {
            return Err(error(format!(
                "root {}: reading another root than / is not supported yet",
                root.display()
            )));
        }
        let mut system =
            System::new().map_err(|e| error(format!("cannot read system figures: {e}")))?;
        system.refresh_cpu_usage();
        let disks = Disks::new_with_refreshed_list_specifics(disk_kind())
            .map_err(|e| error(format!("cannot list disks: {e}")))?;
        Ok(HostCollector {
            system,
            disks,
            components: Components::new_with_refreshed_list().ok(),
            cpu_primed_at: Instant::now(),
        })
    }

    fn sample(&mut self) -> HostSample {
        // The first reading right after start would be 0% or noise: wait out the
        // minimum interval once (we run on a blocking thread).
        if let Some(left) = MINIMUM_CPU_UPDATE_INTERVAL.checked_sub(self.cpu_primed_at.elapsed()) {
            std::thread::sleep(left);
        }
        self.system.refresh_cpu_usage();
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        self.disks.refresh_specifics(true, disk_kind());
        let temperatures = match &mut self.components {
            Some(components) => {
                components.refresh(true);
                components
                    .iter()
                    .map(|c| TempSample {
                        label: c.label().to_string(),
                        celsius: c.temperature(),
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        HostSample {
            cpu_pct: self.system.global_cpu_usage(),
            memory_used: self.system.used_memory(),
            memory_total: self.system.total_memory(),
            uptime_s: System::uptime().ok(),
            disks: self
                .disks
                .iter()
                .map(|d| DiskSample {
                    mount: d.mount_point().to_string_lossy().into_owned(),
                    total: d.total_space(),
                    available: d.available_space(),
                })
                .collect(),
            temperatures,
        }
    }
}

impl Collector for HostCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let sample = self.sample();
        out.host = Some(host_report(&sample, api::unix_now()).map_err(|e| error(e.to_string()))?);
        Ok(())
    }
}

fn disk_kind() -> DiskRefreshKind {
    DiskRefreshKind::nothing().with_storage()
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> HostSample {
        HostSample {
            cpu_pct: 41.3,
            memory_used: 3 << 30,
            memory_total: 8 << 30,
            uptime_s: Some(3600),
            disks: vec![
                DiskSample {
                    mount: "/var".into(),
                    total: 100,
                    available: 40,
                },
                DiskSample {
                    mount: "/".into(),
                    total: 1000,
                    available: 1200,
                },
                DiskSample {
                    mount: "/proc".into(),
                    total: 0,
                    available: 0,
                },
            ],
            temperatures: vec![
                TempSample {
                    label: "nvme Composite".into(),
                    celsius: Some(38.86),
                },
                TempSample {
                    label: "acpitz".into(),
                    celsius: None,
                },
                TempSample {
                    label: "broken".into(),
                    celsius: Some(-273.0),
                },
                TempSample {
                    label: "coretemp Package".into(),
                    celsius: Some(f32::NAN),
                },
            ],
        }
    }

    #[test]
    fn readings_become_a_report() {
        let r = host_report(&sample(), 1_790_000_000.0).unwrap();
        assert_eq!(r.observed_at, 1_790_000_000.0);
        assert_eq!(r.cpu_pct, 41.3);
        assert_eq!(
            (r.memory_used_bytes, r.memory_total_bytes),
            (3 << 30, 8 << 30)
        );
        assert_eq!(r.uptime_s, 3600);
        let mounts: Vec<_> = r
            .disks
            .iter()
            .map(|d| (d.mount.as_str(), d.available_bytes))
            .collect();
        assert_eq!(
            mounts,
            [("/", 1000), ("/var", 40)],
            "sorted, clamped, pseudo fs dropped"
        );
        assert_eq!(
            r.temperatures,
            [TemperatureReport {
                label: "nvme Composite".into(),
                celsius: 38.9
            }]
        );
    }

    #[test]
    fn odd_readings_are_tamed() {
        let mut s = sample();
        for (cpu, want) in [
            (f32::NAN, 0.0),
            (250.0, 100.0),
            (-3.0, 0.0),
            (f32::INFINITY, 0.0),
        ] {
            s.cpu_pct = cpu;
            assert_eq!(host_report(&s, 0.0).unwrap().cpu_pct, want, "{cpu}");
        }
        s.memory_used = u64::MAX;
        s.uptime_s = None;
        let r = host_report(&s, 0.0).unwrap();
        assert_eq!(r.memory_used_bytes, r.memory_total_bytes);
        assert_eq!(r.uptime_s, 0);
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("null"), "{json}");
    }

    #[test]
    fn no_memory_figures_is_an_error() {
        let s = HostSample {
            memory_total: 0,
            ..sample()
        };
        assert_eq!(host_report(&s, 0.0), Err(NoMemoryFigures));
    }

    #[test]
    fn another_root_is_refused_by_name() {
        let e = HostCollector::new(Some(Path::new("tests/fixtures/host")))
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.starts_with("collector host: root tests/fixtures/host"),
            "{e}"
        );
    }

    #[test]
    fn this_host_can_be_read() {
        let mut c = HostCollector::new(Some(Path::new("/"))).unwrap();
        let mut out = Collected::default();
        c.collect(&mut out).unwrap();
        let host = out.host.unwrap();
        assert!(host.memory_total_bytes > 0);
        assert!((0.0..=100.0).contains(&host.cpu_pct));
    }
}
