//! Every site file the project ships (the worked examples in tests/sites/ and the demo in
//! assets/demo/) must load without a single issue, and every live overlay must load against
//! its site. A live file is paired with its site by name: `eNN-live*.ron` goes with
//! `eNN.ron` (or the one variant named in `live_site`), `live.ron` with `site.ron`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::fs;
use std::path::{Path, PathBuf};

use redcon::model::{Site, load_live_file, load_site_file, parse_live, parse_site};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn ron_files(rel: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn is_live(p: &Path) -> bool {
    let s = stem(p);
    s == "live" || s.contains("-live")
}

fn load_site(p: &Path) -> Site {
    match load_site_file(p) {
        Ok(site) => site,
        Err(e) => panic!("{} does not load:\n{e}", p.display()),
    }
}

/// Live overlays whose site is a variant rather than the plain `eNN.ron`.
fn live_site(live: &str) -> Option<&'static str> {
    match live {
        "e12-live" => Some("e12-rstp"),
        _ => None,
    }
}

fn site_for(live: &Path) -> PathBuf {
    let s = stem(live);
    let name = match live_site(&s) {
        Some(site) => site.to_string(),
        None if s == "live" => "site".to_string(),
        None => s.split("-live").next().unwrap_or_default().to_string(),
    };
    live.with_file_name(format!("{name}.ron"))
}

fn check_dir(rel: &str) -> usize {
    let files = ron_files(rel);
    let mut checked = 0;
    for p in files.iter().filter(|p| !is_live(p)) {
        load_site(p);
        checked += 1;
    }
    for p in files.iter().filter(|p| is_live(p)) {
        let site_path = site_for(p);
        assert!(
            site_path.exists(),
            "{}: no site {}",
            p.display(),
            site_path.display()
        );
        let site = load_site(&site_path);
        if let Err(e) = load_live_file(p, &site) {
            panic!(
                "{} does not load against {}:\n{e}",
                p.display(),
                site_path.display()
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn worked_example_files_load() {
    let n = check_dir("tests/sites");
    assert!(
        n >= 17,
        "expected at least one file per worked example, found {n}"
    );
}

#[test]
fn every_worked_example_has_a_site_file() {
    for k in 1..=17 {
        let found = ron_files("tests/sites")
            .iter()
            .any(|p| stem(p).starts_with(&format!("e{k:02}")) && !is_live(p));
        assert!(found, "no site file for worked example E{k}");
    }
}

#[test]
fn demo_site_and_live_load() {
    assert_eq!(check_dir("assets/demo"), 2);
    let site = load_site(&dir("assets/demo/site.ron"));
    assert_eq!(site.name, "dc1");
    assert!(
        (40..=60).contains(&site.elements.len()),
        "demo has {} elements",
        site.elements.len()
    );
}

/// The complete examples in docs/site-format.md (```ron blocks starting with `Site(`, and
/// live overlays starting with `// live overlay`) load, so the documentation cannot rot.
#[test]
fn site_format_doc_examples_load() {
    let doc = fs::read_to_string(dir("docs/site-format.md")).expect("docs/site-format.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```ron") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    let mut site = None;
    let (mut sites, mut lives) = (0, 0);
    for (i, block) in blocks.iter().enumerate() {
        let name = format!("docs/site-format.md block {}", i + 1);
        if block.starts_with("Site(") {
            site = Some(parse_site(block, &name).unwrap_or_else(|e| panic!("{e}")));
            sites += 1;
        } else if block.starts_with("// live overlay") {
            let s = site.as_ref().expect("a live overlay follows its site");
            parse_live(block, &name, s).unwrap_or_else(|e| panic!("{e}"));
            lives += 1;
        }
    }
    assert!(
        sites >= 1 && lives >= 1,
        "{sites} site and {lives} live examples found"
    );
}
