//! Fuel and makeup water are checked arithmetically (docs/tier-rules.md §2.4): hours at N in total
//! for Tier I, and with the largest tank out of service for Tiers III and IV.

use crate::model::{LiveState, Tank, TankLive};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Storage {
    /// No tanks described although the plant needs them.
    Unknown,
    Known {
        total_h: f64,
        without_largest_h: f64,
    },
}

impl Storage {
    pub fn new(
        tanks: &[Tank],
        live: Option<&std::collections::BTreeMap<String, TankLive>>,
    ) -> Storage {
        if tanks.is_empty() {
            return Storage::Unknown;
        }
        let hours: Vec<f64> = tanks
            .iter()
            .filter_map(|t| match live.and_then(|m| m.get(&t.id)) {
                Some(l) if l.state.is_unavailable() => None,
                Some(l) => Some(l.hours.unwrap_or(t.hours_at_n)),
                None => Some(t.hours_at_n),
            })
            .collect();
        let total_h: f64 = hours.iter().sum();
        let largest = hours.iter().copied().fold(0.0, f64::max);
        Storage::Known {
            total_h,
            without_largest_h: total_h - largest,
        }
    }

    pub fn of_site_fuel(tanks: &[Tank], live: Option<&LiveState>) -> Storage {
        Storage::new(tanks, live.map(|l| &l.fuel_tanks))
    }

    pub fn of_site_water(tanks: &[Tank], live: Option<&LiveState>) -> Storage {
        Storage::new(tanks, live.map(|l| &l.makeup_water))
    }

    /// Tier I: enough in total. Unknown passes, with a warning raised by the caller.
    pub fn total_ok(self, required: f64) -> bool {
        match self {
            Storage::Unknown => true,
            Storage::Known { total_h, .. } => total_h + 1e-9 >= required,
        }
    }

    /// Tiers III/IV: enough with the largest tank out of service.
    pub fn maintainable_ok(self, required: f64) -> bool {
        match self {
            Storage::Unknown => true,
            Storage::Known {
                without_largest_h, ..
            } => without_largest_h + 1e-9 >= required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ElementState;

    fn tank(id: &str, h: f64) -> Tank {
        Tank {
            id: id.into(),
            hours_at_n: h,
            zone: None,
            agent: None,
            source: None,
        }
    }

    #[test]
    fn two_24h_tanks_are_24h_of_maintainable_fuel() {
        let s = Storage::new(&[tank("T1", 24.0), tank("T2", 24.0)], None);
        assert_eq!(
            s,
            Storage::Known {
                total_h: 48.0,
                without_largest_h: 24.0
            }
        );
        assert!(s.total_ok(12.0) && s.maintainable_ok(12.0));
        assert!(!s.maintainable_ok(36.0));
    }

    #[test]
    fn live_level_and_out_of_service_tanks_count() {
        let mut live = std::collections::BTreeMap::new();
        live.insert(
            "T1".to_string(),
            TankLive {
                state: ElementState::Ok,
                hours: Some(5.0),
            },
        );
        live.insert(
            "T2".to_string(),
            TankLive {
                state: ElementState::Maintenance,
                hours: None,
            },
        );
        let s = Storage::new(&[tank("T1", 12.0), tank("T2", 12.0)], Some(&live));
        assert_eq!(
            s,
            Storage::Known {
                total_h: 5.0,
                without_largest_h: 0.0
            }
        );
        assert!(!s.total_ok(12.0));
    }

    #[test]
    fn no_tanks_is_unknown_and_passes() {
        let s = Storage::new(&[], None);
        assert_eq!(s, Storage::Unknown);
        assert!(s.total_ok(12.0) && s.maintainable_ok(12.0));
    }
}
