//! Clock and age text. Deliberately coarse: the header changes only when these strings do,
//! and a console that shows seconds would have to redraw every second for nothing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `HH:MM UTC`. UTC because a site's operators and its agents may sit in different zones,
/// and the log must read the same for all of them.
pub fn clock(t: SystemTime) -> String {
    let s = unix(t) % 86_400;
    format!("{:02}:{:02} UTC", s / 3600, s % 3600 / 60)
}

/// `HH:MM:SS` for event-log lines, where order within a minute matters.
pub fn stamp(t: SystemTime) -> String {
    let s = unix(t) % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Age of the newest data in buckets: `<10s`, `20s`, `3m`, `2h`, or `no data`.
pub fn age(now: SystemTime, newest: Option<SystemTime>) -> String {
    let Some(newest) = newest else {
        return "no data".into();
    };
    let a = now
        .duration_since(newest)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    match a {
        0..10 => "<10s".into(),
        10..60 => format!("{}s", a / 10 * 10),
        60..3600 => format!("{}m", a / 60),
        _ => format!("{}h", a / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_bucketed() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(age(at(3), Some(t0)), "<10s");
        assert_eq!(age(at(9), Some(t0)), "<10s");
        assert_eq!(age(at(27), Some(t0)), "20s");
        assert_eq!(age(at(200), Some(t0)), "3m");
        assert_eq!(age(at(7300), Some(t0)), "2h");
        // a clock that stepped back must not panic or show a negative age
        assert_eq!(age(t0, Some(at(5))), "<10s");
        assert_eq!(age(t0, None), "no data");
    }

    #[test]
    fn clock_is_utc_minutes() {
        let t = UNIX_EPOCH + Duration::from_secs(86_400 * 3 + 2 * 3600 + 5 * 60 + 9);
        assert_eq!(clock(t), "02:05 UTC");
        assert_eq!(stamp(t), "02:05:09");
    }
}
