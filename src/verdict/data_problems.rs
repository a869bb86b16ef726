//! The problems that are about the data rather than the site: agents not answering, stale
//! or dead, items unknown, readings old. Part of the problems of the moment (`problems`).

use super::problems::{Problem, Severity, Trouble};
use super::unknown::age_text;
use super::{Freshness, Verdict};

pub(super) fn unknown(v: &Verdict, out: &mut Vec<Problem>) {
    for a in &v.agents {
        if a.freshness == Freshness::Fresh {
            // its data is still used; the outage is news now, not when the data goes stale
            if let Some(e) = &a.error {
                out.push(Problem {
                    severity: Severity::Warning,
                    trouble: Trouble::NotAnswering,
                    item: a.name.clone(),
                    kind: None,
                    agent: Some(a.name.clone()),
                    group: None,
                    text: format!(
                        "agent {} not answering: {e} (its data is still fresh)",
                        a.name
                    ),
                    since: None,
                });
            }
            continue;
        }
        let items = v
            .unknown
            .iter()
            .filter(|u| u.agent.as_deref() == Some(a.name.as_str()))
            .count();
        let mut text = format!("agent {} {}", a.name, a.freshness);
        if let Some(e) = &a.error {
            text.push_str(&format!(": {e}"));
        }
        if items > 0 {
            text.push_str(&format!(" ({items} items unknown)"));
        }
        out.push(Problem {
            severity: if a.freshness == Freshness::Stale {
                Severity::Warning
            } else {
                Severity::Unknown
            },
            trouble: if a.freshness == Freshness::Stale {
                Trouble::Stale
            } else {
                Trouble::AgentDown
            },
            item: a.name.clone(),
            kind: None,
            agent: Some(a.name.clone()),
            group: None,
            text,
            since: None,
        });
    }
    let now = v.now.0;
    for u in &v.unknown {
        let mut text = format!("{} unknown", u.id);
        match (u.last_state, u.last_seen) {
            (Some(s), Some(t)) => {
                text.push_str(&format!(", last {s} {} ago", age_text(now - t)));
            }
            (Some(s), None) => text.push_str(&format!(", last {s}")),
            (None, _) => text.push_str(", never reported"),
        }
        if let Some(a) = &u.agent {
            text.push_str(&format!(" (agent {a})"));
        }
        out.push(Problem {
            severity: Severity::Unknown,
            trouble: Trouble::Unknown,
            item: u.id.clone(),
            kind: Some(u.kind),
            agent: u.agent.clone(),
            group: None,
            text,
            since: u.last_seen,
        });
    }
    for s in &v.stale {
        out.push(Problem {
            severity: Severity::Unknown,
            trouble: Trouble::Stale,
            item: s.id.clone(),
            kind: None,
            agent: Some(s.agent.clone()),
            group: None,
            text: format!(
                "{} stale: data {} old (agent {})",
                s.id,
                age_text(s.age_s),
                s.agent
            ),
            since: Some(now - s.age_s),
        });
    }
}
