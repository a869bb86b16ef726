//! Scenario timelines (RON): what happens to a simulated site, and when.
//!
//! ```ron
//! (
//!     description: "mains loss, then a generator that will not start",
//!     events: [
//!         (at_s: 30.0, action: on_battery(target: "UPS-A2", runtime_min: 12.0)),
//!         (at_s: 90.0, action: fail(target: "G-1")),
//!         (at_s: 120.0, action: slow(agent: "ups-gw-a", delay_ms: 3000)),
//!     ],
//! )
//! ```
//!
//! Times are seconds since the simulation started. The actions are those of the fault API
//! ([`Action`]), written with the action as the variant name. Events at the same time are
//! applied in file order.

use std::path::Path;

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};

use crate::model::{LoadError, Site, SiteIssue};

use super::catalog::Catalog;
use super::faults::Action;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Seconds after the simulation started.
    pub at_s: f64,
    pub action: Action,
}

/// Parse a scenario and check every event against `site`; all problems are reported at
/// once, each located at `file:line:col`.
pub fn parse_scenario(text: &str, file: &str, site: &Site) -> Result<Scenario, LoadError> {
    // `runtime_min: 12.0` reads better than `runtime_min: Some(12.0)`.
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let mut scenario: Scenario = options.from_str(text).map_err(|e| {
        LoadError::Syntax(SiteIssue {
            file: file.to_string(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })
    })?;
    let catalog = Catalog::new(site);
    let mut locate = Locator::new(text, file);
    let mut issues = Vec::new();
    for (i, event) in scenario.events.iter().enumerate() {
        if !event.at_s.is_finite() || event.at_s < 0.0 {
            issues.push(locate.nth(
                "at_s",
                i,
                format!("event {}: at_s must be >= 0, got {}", i + 1, event.at_s),
            ));
        }
        if let Err(e) = catalog.check(&event.action) {
            let message = format!("event {} ({}): {e}", i + 1, event.action.name());
            let issue = match e.target() {
                Some(target) => locate.next(&format!("\"{target}\""), message),
                None => locate.nth("at_s", i, message),
            };
            issues.push(issue);
        }
    }
    if !issues.is_empty() {
        issues.sort_by_key(|i| (i.line, i.col));
        return Err(LoadError::Invalid(issues));
    }
    scenario.events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    Ok(scenario)
}

pub fn load_scenario_file(path: &Path, site: &Site) -> Result<Scenario, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    parse_scenario(&text, &file, site)
}

/// Finds where in the text an event or a name is, without a parser that keeps spans:
/// the n-th `at_s` is the n-th event, and repeated names are found in turn. Text after
/// `//` on a line is skipped so a comment cannot take the blame.
struct Locator<'a> {
    text: &'a str,
    file: &'a str,
    seen: std::collections::HashMap<String, usize>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, file: &'a str) -> Self {
        Locator {
            text,
            file,
            seen: Default::default(),
        }
    }

    fn occurrences(&self, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
        let text = self.text;
        text.match_indices(needle)
            .map(|(at, _)| at)
            .filter(move |&at| {
                let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
                !text[line_start..at].contains("//")
            })
    }

    fn nth(&self, needle: &str, n: usize, message: String) -> SiteIssue {
        let offset = self.occurrences(needle).nth(n);
        self.issue(offset, message)
    }

    fn next(&mut self, needle: &str, message: String) -> SiteIssue {
        let n = self.seen.get(needle).copied().unwrap_or(0);
        self.seen.insert(needle.to_string(), n + 1);
        self.nth(needle, n, message)
    }

    fn issue(&self, offset: Option<usize>, message: String) -> SiteIssue {
        let (line, col) = offset.map_or((0, 0), |at| {
            let before = &self.text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.rfind('\n').map_or(at, |n| at - n - 1) + 1;
            (line, col)
        });
        SiteIssue {
            file: self.file.to_string(),
            line,
            col,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MemberState;

    fn site() -> Site {
        crate::demo::site().unwrap_or_else(|e| panic!("{e}"))
    }

    fn issues(text: &str) -> Vec<String> {
        match parse_scenario(text, "t.ron", &site()) {
            Ok(s) => panic!("accepted {s:?}"),
            Err(e) => e.issues().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_documented_example_loads_in_time_order() {
        let text = r#"(events: [
            (at_s: 120, action: slow(agent: "ups-gw-a", delay_ms: 3000)),
            (at_s: 30.0, action: on_battery(target: "UPS-A2", runtime_min: 12.0)),
            (at_s: 90.0, action: fail(target: "G-1")),
            (at_s: 90.0, action: member(target: "db3", state: failed)),
        ])"#;
        let s = parse_scenario(text, "t.ron", &site()).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = s.events.iter().map(|e| e.action.name()).collect();
        assert_eq!(names, ["on_battery", "fail", "member", "slow"]);
        assert_eq!(
            s.events[0].action,
            Action::OnBattery {
                target: "UPS-A2".into(),
                runtime_min: Some(12.0)
            }
        );
        assert_eq!(
            s.events[2].action,
            Action::Member {
                target: "db3".into(),
                state: MemberState::Failed
            }
        );
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let e = issues("(events: [\n  (at_s: 30.0, action: fail(target: \"G-1\"),\n  oops\n])");
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("t.ron:3:"), "{e:?}");
    }

    #[test]
    fn unknown_actions_and_fields_are_located() {
        let e = issues("(events: [\n  (at_s: 1, action: explode(target: \"G-1\")),\n])");
        assert!(
            e[0].starts_with("t.ron:2:") && e[0].contains("explode"),
            "{e:?}"
        );
        let e = issues("(events: [\n  (at_s: 1, action: fail(target: \"G-1\", when: 3)),\n])");
        assert!(
            e[0].starts_with("t.ron:2:") && e[0].contains("when"),
            "{e:?}"
        );
        let e = issues("(events: [(at: 1, action: fail(target: \"G-1\"))])");
        assert!(e[0].contains("at"), "{e:?}");
    }

    #[test]
    fn all_unknown_targets_are_reported_at_once() {
        let text = "(events: [\n\
            // G-9 is not here\n\
            (at_s: 1, action: fail(target: \"G-9\")),\n\
            (at_s: 2, action: fail(target: \"G-1\")),\n\
            (at_s: 3, action: garbage(agent: \"nobody\")),\n\
            (at_s: 4, action: repair(target: \"G-9\")),\n\
            (at_s: 5, action: member(target: \"db9\", state: failed)),\n\
        ])";
        let e = issues(text);
        assert_eq!(e.len(), 4, "{e:#?}");
        assert!(
            e[0].starts_with("t.ron:3:") && e[0].contains("\"G-9\" is not in site dc1"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("t.ron:5:") && e[1].contains("agent \"nobody\""),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("t.ron:6:") && e[2].contains("event 4 (repair)"),
            "{e:?}"
        );
        assert!(
            e[3].starts_with("t.ron:7:") && e[3].contains("db9"),
            "{e:?}"
        );
    }

    #[test]
    fn nonsense_actions_and_times_are_refused() {
        let text = "(events: [\n\
            (at_s: 1, action: on_battery(target: \"G-1\")),\n\
            (at_s: -5, action: fail(target: \"G-1\")),\n\
            (at_s: 2, action: fail(target: \"db3\")),\n\
        ])";
        let e = issues(text);
        assert_eq!(e.len(), 3, "{e:#?}");
        assert!(
            e[0].starts_with("t.ron:2:") && e[0].contains("applies only to UPSs"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("t.ron:3:") && e[1].contains(">= 0"),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("t.ron:4:") && e[2].contains("IT-group member"),
            "{e:?}"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = load_scenario_file(Path::new("/nonexistent/s.ron"), &site());
        let e = e.map(|_| ()).unwrap_err().to_string();
        assert!(e.starts_with("/nonexistent/s.ron: cannot read"), "{e}");
    }

    #[test]
    fn the_demo_scenario_fits_the_demo_site() {
        let text = include_str!("../../assets/scenarios/demo-mains-loss.ron");
        let s = parse_scenario(text, "assets/scenarios/demo-mains-loss.ron", &site())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.events.len(), 16);
        assert_eq!(
            s.events[0].action,
            Action::Fail {
                target: "UTIL-1".into()
            }
        );
        assert_eq!(s.events[15].at_s, 600.0);
    }

    #[test]
    fn an_empty_scenario_is_fine() {
        let s = parse_scenario("()", "t.ron", &site()).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.events.is_empty());
    }
}
