//! The console's memory of the problems of the moment: since when each one has been seen,
//! which are new since the operator last looked, and which are acknowledged. The problems
//! themselves are the verdict's; this only adds what a running console learns over time.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::verdict::{Problem, Trouble};

/// When a problem was first seen by this console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub at: SystemTime,
    /// It was there in the first data: it started before the console did.
    pub at_start: bool,
    /// `at` is when the data says it began (the problem's `since`, from a source that keeps
    /// history), not when this console first saw it.
    pub dated: bool,
}

pub use crate::ops::audit::Ack;

pub type Key = (String, Trouble);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NowMemory {
    pub seen: BTreeMap<Key, Seen>,
    pub acks: Vec<Ack>,
    /// The last time the operator pressed a key: problems first seen after it are new.
    pub last_look: Option<SystemTime>,
    /// A first observation has been remembered: later problems did not predate the face.
    started: bool,
}

impl NowMemory {
    /// Remember the problems of a new verdict at `now`. Returns whether the acknowledgements
    /// changed (some problem cleared or got worse), so the caller can save them.
    pub fn observe(&mut self, site: &str, problems: &[Problem], now: SystemTime) -> bool {
        let first = !std::mem::replace(&mut self.started, true);
        let keys: Vec<Key> = problems.iter().map(Problem::key).collect();
        // An item that is unknown now (its agent out) may still be in the trouble it was in:
        // its date and its acknowledgement wait for the data to come back, and are dropped
        // then only if the trouble has gone. A unit failed since 02:38 read "since 02:41
        // NEW" after a three-minute outage of its agent, its acknowledgement lost.
        let unknown: Vec<&str> = problems
            .iter()
            .filter(|p| p.trouble == Trouble::Unknown)
            .map(|p| p.item.as_str())
            .collect();
        self.seen
            .retain(|k, _| keys.contains(k) || unknown.contains(&k.0.as_str()));
        for (k, p) in keys.into_iter().zip(problems) {
            // what predates the console is dated by the data when it can be
            let began = p.since.filter(|_| first).and_then(|t| {
                std::time::UNIX_EPOCH.checked_add(std::time::Duration::try_from_secs_f64(t).ok()?)
            });
            self.seen.entry(k).or_insert(Seen {
                at: began.unwrap_or(now),
                at_start: first,
                dated: began.is_some(),
            });
        }
        let before = self.acks.len();
        self.acks.retain(|a| {
            a.site != site
                || problems.iter().any(|p| a.covers(p))
                || unknown.contains(&a.item.as_str())
        });
        before != self.acks.len()
    }

    pub fn seen(&self, p: &Problem) -> Option<Seen> {
        self.seen.get(&p.key()).copied()
    }

    /// First seen after the operator last looked.
    pub fn is_new(&self, p: &Problem) -> bool {
        match (self.seen(p), self.last_look) {
            (Some(s), Some(look)) => !s.at_start && s.at > look,
            (Some(s), None) => !s.at_start,
            (None, _) => false,
        }
    }

    pub fn ack(&self, site: &str, p: &Problem) -> Option<&Ack> {
        self.acks.iter().find(|a| a.site == site && a.covers(p))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::verdict::Severity;

    fn problem(item: &str, trouble: Trouble, severity: Severity) -> Problem {
        Problem {
            severity,
            trouble,
            item: item.into(),
            kind: None,
            agent: None,
            group: None,
            text: format!("{item} {trouble}"),
            since: None,
        }
    }

    fn at(s: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_790_000_000 + s)
    }

    #[test]
    fn first_data_problems_started_before_the_console_later_ones_are_new() {
        let mut m = NowMemory::default();
        let a = problem("UPS-A2", Trouble::Failed, Severity::Warning);
        m.observe("dc1", std::slice::from_ref(&a), at(0));
        assert!(m.seen(&a).is_some_and(|s| s.at_start));
        assert!(!m.is_new(&a));
        m.last_look = Some(at(5));
        let b = problem("UPS-B1", Trouble::OnBattery, Severity::Critical);
        m.observe("dc1", &[a.clone(), b.clone()], at(10));
        assert_eq!(
            m.seen(&b).map(|s| (s.at, s.at_start)),
            Some((at(10), false))
        );
        assert!(m.is_new(&b));
        m.last_look = Some(at(11));
        assert!(!m.is_new(&b), "looked at since");
        // cleared and back: seen anew
        m.observe("dc1", std::slice::from_ref(&a), at(20));
        m.observe("dc1", &[a, b.clone()], at(30));
        assert_eq!(m.seen(&b).map(|s| s.at), Some(at(30)));
    }

    /// A unit failed before its agent went out is failed since then when the agent is
    /// back: not new, its acknowledgement kept. Repaired meanwhile, it is forgotten.
    #[test]
    fn a_problem_outlives_an_outage_of_its_agent() {
        let mut m = NowMemory::default();
        m.observe("dc1", &[], at(0));
        let failed = problem("CRAH-3", Trouble::Failed, Severity::Warning);
        m.observe("dc1", std::slice::from_ref(&failed), at(10));
        m.acks.push(Ack {
            site: "dc1".into(),
            item: "CRAH-3".into(),
            trouble: Trouble::Failed,
            severity: Severity::Warning,
            operator: "alice".into(),
            note: "ticket 42".into(),
            at: 1_790_000_015,
        });
        m.last_look = Some(at(20));
        let unknown = problem("CRAH-3", Trouble::Unknown, Severity::Unknown);
        m.observe("dc1", std::slice::from_ref(&unknown), at(30));
        m.observe("dc1", std::slice::from_ref(&failed), at(200));
        assert_eq!(m.seen(&failed).map(|s| s.at), Some(at(10)));
        assert!(!m.is_new(&failed));
        assert!(m.ack("dc1", &failed).is_some(), "kept through the outage");

        m.observe("dc1", std::slice::from_ref(&unknown), at(300));
        m.observe("dc1", &[], at(400));
        m.observe("dc1", std::slice::from_ref(&failed), at(500));
        assert_eq!(
            m.seen(&failed).map(|s| s.at),
            Some(at(500)),
            "repaired: anew"
        );
        assert!(m.ack("dc1", &failed).is_none());
    }

    #[test]
    fn a_problem_older_than_the_console_is_dated_when_the_data_says_when() {
        let mut m = NowMemory::default();
        let mut night = problem("UPS-B1", Trouble::OnBattery, Severity::Critical);
        night.since = Some(1_790_000_000.0 - 7200.0);
        let undated = problem("UPS-A2", Trouble::Failed, Severity::Warning);
        m.observe("dc1", &[night.clone(), undated.clone()], at(0));
        let seen = m.seen(&night).unwrap();
        assert_eq!(
            (seen.at, seen.at_start, seen.dated),
            (at(0) - Duration::from_secs(7200), true, true)
        );
        assert!(!m.is_new(&night), "it predates the console");
        assert!(m.seen(&undated).is_some_and(|s| !s.dated && s.at == at(0)));
        // later problems are seen when they come, whatever their data says
        let mut later = problem("UPS-A1", Trouble::Failed, Severity::Warning);
        later.since = Some(1.0);
        m.observe("dc1", &[night, undated, later.clone()], at(10));
        assert!(m.seen(&later).is_some_and(|s| !s.dated && s.at == at(10)));
    }

    #[test]
    fn an_ack_goes_when_the_problem_clears_or_gets_worse() {
        let mut m = NowMemory::default();
        let failed = problem("db1-sdc", Trouble::Failed, Severity::Warning);
        m.acks.push(Ack {
            site: "dc1".into(),
            item: "db1-sdc".into(),
            trouble: Trouble::Failed,
            severity: Severity::Warning,
            operator: "carol".into(),
            note: "vendor called".into(),
            at: 0,
        });
        assert!(!m.observe("dc1", std::slice::from_ref(&failed), at(0)));
        assert!(m.ack("dc1", &failed).is_some());
        assert!(m.ack("dc2", &failed).is_none(), "acks belong to their site");
        let worse = problem("db1-sdc", Trouble::Failed, Severity::Critical);
        assert!(m.observe("dc1", std::slice::from_ref(&worse), at(10)));
        assert!(m.ack("dc1", &worse).is_none());
        m.acks.push(Ack {
            site: "dc1".into(),
            item: "db1-sdc".into(),
            trouble: Trouble::Failed,
            severity: Severity::Critical,
            operator: "carol".into(),
            note: String::new(),
            at: 0,
        });
        assert!(m.observe("dc1", &[], at(20)), "cleared");
        assert!(m.acks.is_empty());
    }
}
