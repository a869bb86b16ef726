//! Broken site files (tests/bad_sites/) and what the loader says about them: a RON syntax error
//! comes back with its line and column, and every content error is collected and reported in
//! one go, each located at the line of the thing it concerns, in the file it was read from.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use redcon::model::{LoadError, SiteIssue, load_live_file, load_site_file, parse_site};

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad_sites")
        .join(name)
}

fn load_err(name: &str) -> LoadError {
    match load_site_file(&bad(name)) {
        Ok(_) => panic!("{name} loaded, but it is broken"),
        Err(e) => e,
    }
}

/// 1-based number of the first line of `file` containing `needle`.
fn line_of(file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(bad(file)).expect("readable test file");
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{file}: no line contains {needle:?}"))
}

fn assert_in_file(issue: &SiteIssue, name: &str) {
    assert_eq!(issue.file, bad(name).display().to_string(), "{issue}");
}

/// The file holds exactly one problem, `message`, on the line containing `needle`.
fn assert_single(name: &str, needle: &str, message: &str) -> SiteIssue {
    let issues = load_err(name).issues();
    assert_eq!(issues.len(), 1, "{name}: {issues:#?}");
    let issue = issues.into_iter().next().expect("one issue");
    assert_in_file(&issue, name);
    assert_eq!(issue.line, line_of(name, needle), "{issue}");
    assert_eq!(issue.message, message, "{issue}");
    issue
}

#[test]
fn ron_syntax_error_has_line_and_column() {
    let err = load_err("syntax.ron");
    assert!(matches!(err, LoadError::Syntax(_)), "{err:?}");
    let issues = err.issues();
    assert_eq!(issues.len(), 1);
    let i = &issues[0];
    assert_in_file(i, "syntax.ron");
    // The comma is missing after G1's element; the parser notices at G2's `(`.
    assert_eq!((i.line, i.col), (7, 9), "{i}");
    assert_eq!(i.line, line_of("syntax.ron", "(id: \"G2\""));
    assert_eq!(i.message, "Expected comma");
    assert!(
        err.to_string().contains("syntax.ron:7:9: Expected comma"),
        "{err}"
    );
}

#[test]
fn unknown_enum_variant_is_a_located_syntax_error() {
    let err = load_err("unknown-kind.ron");
    assert!(matches!(err, LoadError::Syntax(_)), "{err:?}");
    let i = &err.issues()[0];
    assert_in_file(i, "unknown-kind.ron");
    assert_eq!((i.line, i.col), (5, 26), "{i}");
    assert!(i.message.contains("`generater`"), "{i}");
    assert!(
        i.message.contains("`generator`"),
        "the message lists the kinds: {i}"
    );
}

#[test]
fn unknown_reference() {
    let i = assert_single(
        "unknown-reference.ron",
        "(id: \"UOB-1\"",
        "element UOB-1: unknown input \"U9\"",
    );
    let text = std::fs::read_to_string(bad("unknown-reference.ron")).expect("readable");
    let line = text.lines().nth(i.line - 1).expect("line");
    assert_eq!(
        &line[i.col - 1..i.col + 3],
        "\"U9\"",
        "the column points at the reference"
    );
}

#[test]
fn duplicate_id() {
    let issues = load_err("duplicate-id.ron").issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let i = &issues[0];
    assert_in_file(i, "duplicate-id.ron");
    // located at the second declaration of U1
    let first = line_of("duplicate-id.ron", "(id: \"U1\"");
    assert_eq!(i.line, first + 1, "{i}");
    assert!(
        i.message
            .starts_with("duplicate id \"U1\": already used by a"),
        "{i}"
    );
}

#[test]
fn negative_capacity() {
    assert_single(
        "negative-capacity.ron",
        "(id: \"U1\"",
        "element U1: capacity must be a positive number, got -200",
    );
}

#[test]
fn load_with_no_inputs() {
    assert_single(
        "load-no-inputs.ron",
        "(id: \"IT\"",
        "load IT: has no inputs (cords, coils or uplinks)",
    );
}

#[test]
fn feed_loop_without_a_manual_tie() {
    assert_single(
        "feed-loop.ron",
        "(id: \"SWB-A\"",
        "feed loop through SWB-A -> TIE-AB with no manual tie: \
         a loop must pass through a normally-open (manual) element",
    );
}

#[test]
fn feed_loop_through_a_manual_tie_is_allowed() {
    let text = std::fs::read_to_string(bad("feed-loop.ron")).expect("readable");
    let fixed = text.replace("activation: active", "activation: manual");
    assert_ne!(text, fixed);
    if let Err(e) = parse_site(&fixed, "feed-loop-manual.ron") {
        panic!("a loop through a manual tie must load:\n{e}");
    }
}

#[test]
fn every_semantic_error_is_reported_in_one_go() {
    const F: &str = "all-semantic.ron";
    let err = load_err(F);
    assert!(matches!(err, LoadError::Invalid(_)), "{err:?}");
    let issues = err.issues();
    let expected: Vec<(&str, &str)> = vec![
        ("(id: \"G2\"", "element G2: a generator needs a capacity"),
        (
            "(id: \"SWB-A\"",
            "feed loop through SWB-A -> TIE-AB with no manual tie: \
             a loop must pass through a normally-open (manual) element",
        ),
        (
            "capacity: -200",
            "element U1: capacity must be a positive number, got -200",
        ),
        (
            "capacity: -200",
            "element U1: rating applies to generators only",
        ),
        (
            "(id: \"U1\", kind: ups, capacity: 200",
            "duplicate id \"U1\": already used by a element at line 10:14",
        ),
        ("(id: \"UOB-1\"", "element UOB-1: unknown input \"U9\""),
        (
            "(id: \"UOB-1\"",
            "element UOB-1: takes_down names unknown element \"PDU-9\"",
        ),
        (
            "(id: \"PDU-1\"",
            "element PDU-1: input C1 is cooling equipment but PDU-1 is power; \
             use `requires` for cross-subsystem dependencies",
        ),
        (
            "(id: \"C1\"",
            "element C1: transfer_s must be >= 0 seconds, got -5",
        ),
        (
            "(id: \"IT\"",
            "load IT: has no inputs (cords, coils or uplinks)",
        ),
        (
            "(id: \"HEAT\"",
            "load HEAT: demand must be a positive number, got -100",
        ),
        ("(id: \"T1\"", "tank T1: hours_at_n must be >= 0, got -12"),
        (
            "(id: \"md0\"",
            "RAID array md0: Raid6 needs at least 4 members, has 3",
        ),
        (
            "(id: \"cl1\"",
            "cluster cl1: nodes_needed must be 1..=2, got 0",
        ),
    ];
    assert_eq!(issues.len(), expected.len(), "{issues:#?}");
    assert!(err.to_string().starts_with("14 problem(s):"), "{err}");
    for i in &issues {
        assert_in_file(i, F);
    }
    let got: BTreeSet<(usize, String)> =
        issues.iter().map(|i| (i.line, i.message.clone())).collect();
    let want: BTreeSet<(usize, String)> = expected
        .iter()
        .map(|(needle, msg)| (line_of(F, needle), (*msg).to_string()))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

#[test]
fn live_overlay_naming_an_unknown_element() {
    let site_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/e05.ron");
    let site = load_site_file(&site_path).unwrap_or_else(|e| panic!("e05.ron: {e}"));
    const F: &str = "live-unknown-element.ron";
    let err = match load_live_file(&bad(F), &site) {
        Ok(_) => panic!("{F} names U9, which e05 does not have"),
        Err(e) => e,
    };
    let issues = err.issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let i = &issues[0];
    assert_in_file(i, F);
    assert_eq!(i.line, line_of(F, "\"U9\""), "{i}");
    assert_eq!(i.message, "element \"U9\" is not in site e05");
}

#[test]
fn live_overlay_naming_an_unknown_member_is_reported() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/e09.ron");
    let site = redcon::model::load_site_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = "(members: {\"n1\": failed, \"n9\": standby}, rebuilds: {\"d99\": (progress: 0.5)})";
    let err = match redcon::model::parse_live(text, "typo-live.ron", &site) {
        Ok(_) => panic!("a mistyped node id must not pass as ok"),
        Err(e) => e,
    };
    let issues = err.issues();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues
            .iter()
            .all(|i| i.file == "typo-live.ron" && i.line == 1 && i.col > 1),
        "{issues:?}"
    );
    assert!(issues[0].message.contains("\"n9\""), "{issues:?}");
    assert!(issues[1].message.contains("\"d99\""), "{issues:?}");
}
