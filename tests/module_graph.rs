//! The module graph has no circle between the library's top-level modules: a module may use
//! only those below it (README, "Layout"). Read from the source: every `crate::NAME` outside
//! test code is an edge from the file's top-level module to NAME. Run it alone with
//! `cargo test --test module_graph`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test that cannot go on should stop loudly"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The library's top-level modules, from `src/lib.rs`.
fn modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .filter_map(|l| l.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Test code may reach anywhere; only the product's edges count.
fn is_test_file(rel: &Path) -> bool {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || rel.components().any(|c| c.as_os_str() == "tests")
}

fn edges(mods: &BTreeSet<String>) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for p in all {
        let rel = p.strip_prefix(src()).unwrap().to_path_buf();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let from = first.trim_end_matches(".rs").to_string();
        if !mods.contains(&from) || is_test_file(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let to: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if to != from && mods.contains(&to) {
                out.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    out
}

/// A circle through `start`, if there is one: the path back to it.
fn circle(edges: &BTreeMap<String, BTreeMap<String, String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in edges.get(&at).into_iter().flat_map(BTreeMap::keys) {
            if next == start {
                let mut p = path.clone();
                p.push(next.clone());
                return Some(p);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_top_level_module_reaches_back_to_itself() {
    let mods = modules();
    assert!(mods.len() > 10, "read the modules from lib.rs: {mods:?}");
    let edges = edges(&mods);
    assert!(
        edges
            .get("verdict")
            .is_some_and(|e| e.contains_key("classify")),
        "the reader sees edges: {edges:?}"
    );
    for m in &mods {
        if let Some(c) = circle(&edges, m) {
            let how: Vec<String> = c
                .windows(2)
                .map(|w| format!("{} -> {} ({})", w[0], w[1], edges[&w[0]][&w[1]]))
                .collect();
            panic!("a circle through {m}:\n  {}", how.join("\n  "));
        }
    }
}

#[test]
fn the_pure_core_uses_no_io_module() {
    let mods = modules();
    let edges = edges(&mods);
    for core in ["model", "classify", "verdict"] {
        let used: Vec<&String> = edges
            .get(core)
            .into_iter()
            .flat_map(BTreeMap::keys)
            .collect();
        for u in &used {
            assert!(
                ["model", "classify", "verdict"].contains(&u.as_str()),
                "{core} uses {u} ({})",
                edges[core][*u]
            );
        }
    }
}
