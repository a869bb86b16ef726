//! Site files and live overlays are read strictly: what the console would otherwise drop,
//! misread or print raw is refused, each problem at the line and column of the offending
//! key or field, and a file with thousands of problems gives a bounded report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use redcon::model::{LoadError, MAX_ISSUES, Site, SiteIssue, parse_live, parse_site};

fn demo() -> Site {
    redcon::demo::site().unwrap_or_else(|e| panic!("{e}"))
}

fn live_issues(text: &str) -> Vec<SiteIssue> {
    match parse_live(text, "now.ron", &demo()) {
        Ok(l) => panic!("accepted {text}: {l:?}"),
        Err(e) => e.issues(),
    }
}

fn site_issues(text: &str) -> Vec<SiteIssue> {
    match parse_site(text, "dc.ron") {
        Ok(s) => panic!("accepted {text}: {s:?}"),
        Err(e) => e.issues(),
    }
}

/// The only issue, at `line:col`, saying `needle`.
fn single(issues: &[SiteIssue], line: usize, col: usize, needle: &str) {
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let i = &issues[0];
    assert_eq!((i.line, i.col), (line, col), "{i}");
    assert!(i.message.contains(needle), "{i} should say {needle}");
}

#[test]
fn a_duplicate_key_names_both_lines() {
    let text = "(\n  elements: {\n    \"UPS-A2\": failed,\n    \"UPS-A2\": ok,\n  },\n)";
    let issues = live_issues(text);
    single(
        &issues,
        4,
        5,
        "duplicate key \"UPS-A2\" in elements (first at line 3:5)",
    );
    // the same key in two maps is not a duplicate
    let text = "(elements: {\"UPS-A1\": on_battery}, battery_runtime_min: {\"UPS-A1\": 9})";
    assert!(parse_live(text, "now.ron", &demo()).is_ok());
}

#[test]
fn elements_and_members_each_go_in_their_own_map() {
    let issues = live_issues("(\n members: {\"UPS-A2\": failed},\n)");
    single(&issues, 2, 12, "UPS-A2 is a site element, not an IT member");
    let issues = live_issues("(\n elements: {\"db3\": failed},\n)");
    single(
        &issues,
        2,
        13,
        "db3 is an IT member or component, not an element",
    );
}

#[test]
fn numbers_and_references_must_make_sense() {
    let cases = [
        (
            "(rebuilds: {\"db1-sdg\": (progress: 0.4, eta_min: NaN)})",
            "eta_min must be >= 0 minutes, got NaN",
        ),
        (
            "(rebuilds: {\"db1-sdg\": (progress: 0.4, eta_min: -5)})",
            "eta_min must be >= 0 minutes, got -5",
        ),
        (
            "(rebuilds: {\"db1-sdg\": (progress: inf)})",
            "progress must be 0.0..=1.0, got inf",
        ),
        (
            "(engaged: [\"UPS-A1\"])",
            "engaged names UPS-A1, which is not a manual element",
        ),
        (
            "(battery_runtime_min: {\"G-1\": 12})",
            "battery runtime given for G-1, a generator: only a UPS has one",
        ),
        (
            "(battery_runtime_min: {\"UPS-A1\": -1})",
            "battery runtime of UPS-A1 must be >= 0 minutes",
        ),
        (
            "(fuel_tanks: {\"TK-1\": (hours: NaN)})",
            "hours must be >= 0",
        ),
    ];
    for (text, needle) in cases {
        let issues = live_issues(text);
        assert_eq!(issues.len(), 1, "{text}: {issues:#?}");
        assert!(issues[0].message.contains(needle), "{text}: {}", issues[0]);
        assert!(issues[0].col > 1, "located: {}", issues[0]);
    }
    assert!(parse_live("(engaged: [\"XV-AB\"])", "now.ron", &demo()).is_ok());
}

const SITE: &str = r#"(
    name: "dc",
    elements: [
        (id: "G1", kind: generator, capacity: 500, mtbf_h: 2000, mttr_h: 8),
        (id: "U1", kind: ups, capacity: 300, inputs: ["G1"]),
    ],
    loads: [(id: "IT", subsystem: power, demand: 100, inputs: ["U1"])],
)"#;

#[test]
fn the_base_site_loads() {
    let site = parse_site(SITE, "dc.ron").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(site.elements.len(), 2);
}

#[test]
fn reliability_figures_must_be_positive_and_finite() {
    for (bad, needle) in [
        (
            "mtbf_h: NaN",
            "mtbf_h must be a positive number of hours, got NaN",
        ),
        ("mtbf_h: inf", "got inf"),
        ("mtbf_h: -2000", "got -2000"),
        (
            "mttr_h: 0",
            "mttr_h must be a positive number of hours, got 0",
        ),
    ] {
        let field = bad.split(':').next().unwrap_or_default();
        let original = if field == "mtbf_h" {
            "mtbf_h: 2000"
        } else {
            "mttr_h: 8"
        };
        let text = SITE.replace(original, bad);
        let issues = site_issues(&text);
        let col = text.lines().nth(3).and_then(|l| l.find(field)).unwrap_or(0) + 1;
        single(&issues, 4, col, needle);
    }
}

#[test]
fn takes_down_cannot_name_the_element_itself() {
    let text = SITE.replace(
        "inputs: [\"G1\"])",
        "inputs: [\"G1\"], takes_down: [\"U1\"])",
    );
    let issues = site_issues(&text);
    let col = text
        .lines()
        .nth(4)
        .and_then(|l| l.find("takes_down"))
        .unwrap_or(0)
        + 1;
    single(
        &issues,
        5,
        col,
        "element U1: takes_down names the element itself",
    );
}

#[test]
fn ids_and_names_are_printable_and_bounded() {
    // an escape sequence that would clear the operator's screen, written as RON escapes
    let text = SITE.replace("\"U1\"", "\"U1\\u{1b}[2J\"");
    let issues = site_issues(&text);
    assert!(!issues.is_empty());
    let first = &issues[0];
    assert_eq!((first.line, first.col), (5, 14), "{first}");
    assert!(first.message.contains("unprintable"), "{first}");
    for i in &issues {
        assert!(!i.message.contains('\u{1b}'), "raw ESC in {i:?}");
    }
    // a 10 MB name: refused, and the message stays short
    let huge = "n".repeat(10_000_000);
    let text = SITE.replace("name: \"dc\"", &format!("name: \"{huge}\""));
    let issues = site_issues(&text);
    single(
        &issues,
        2,
        5,
        "site name is 10000000 bytes long, more than 128",
    );
    let text = SITE.replace(
        "capacity: 300,",
        &format!("capacity: 300, zone: \"{huge}\","),
    );
    let issues = site_issues(&text);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert!(
        issues[0].message.contains("U1: zone is 10000000 bytes"),
        "{}",
        issues[0]
    );
    assert!(issues[0].to_string().len() < 500);
}

#[test]
fn thousands_of_problems_give_a_bounded_report() {
    let mut text = String::from("(name: \"big\", loads: [], elements: [\n");
    for i in 0..5_000 {
        text.push_str(&format!("(id: \"U{i}\", kind: ups, capacity: -1),\n"));
    }
    text.push_str("])");
    let err = match parse_site(&text, "big.ron") {
        Ok(_) => panic!("5,000 negative capacities accepted"),
        Err(e) => e,
    };
    assert!(matches!(err, LoadError::Invalid(_)));
    let issues = err.issues();
    assert_eq!(issues.len(), MAX_ISSUES + 1);
    assert_eq!(issues[0].line, 2);
    assert_eq!(issues[MAX_ISSUES - 1].line, MAX_ISSUES + 1);
    assert_eq!(issues[MAX_ISSUES].message, "and 4,900 more problems");
    let shown = err.to_string();
    assert!(shown.starts_with("more than 100 problems:"), "{shown}");
    assert_eq!(shown.lines().count(), MAX_ISSUES + 2);
}
