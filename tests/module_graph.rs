//! The module graph has no circle between the library's top-level modules, nor between the
//! modules inside the console (`tui` and each of its directories): a module may use only
//! those below it (README, "Layout"). Read from the source: every `crate::NAME` outside
//! test code is an edge from the file's top-level module to NAME, and inside `tui` every
//! path a file names (`crate::tui::x`, `super::x`, `super::{x, y}`) is an edge between the
//! two siblings it connects. Run it alone with `cargo test --test module_graph`.
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

/// A source file's module path: `tui/app/mod.rs` is `[tui, app]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The module paths `code` (in module `here`) names: `crate::a::b`, `super::x`,
/// `self::x`, and each first name of a `{...}` group after them.
fn named_paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let starts = |p: &str| {
            code[i..].starts_with(p)
                && (i == 0 || !(bytes[i - 1] as char).is_alphanumeric() && bytes[i - 1] != b'_')
        };
        let (mut base, mut j) = if starts("crate::") {
            (Vec::new(), i + 7)
        } else if starts("self::") {
            (here.to_vec(), i + 6)
        } else if starts("super::") {
            let mut j = i;
            let mut up = 0;
            while code[j..].starts_with("super::") {
                j += 7;
                up += 1;
            }
            (here[..here.len().saturating_sub(up)].to_vec(), j)
        } else {
            i += 1;
            continue;
        };
        loop {
            let name = ident(&code[j..]);
            if !name.is_empty() {
                j += name.len();
                base.push(name);
                if code[j..].starts_with("::") {
                    j += 2;
                    continue;
                }
                out.push(base.clone());
            } else if code[j..].starts_with('{') {
                let end = code[j..].find('}').map_or(code.len(), |e| j + e);
                for piece in code[j + 1..end].split(',') {
                    let name = ident(piece.trim_start());
                    if !name.is_empty() {
                        let mut p = base.clone();
                        p.push(name);
                        out.push(p);
                    }
                }
            }
            break;
        }
        i = j.max(i + 1);
    }
    out
}

/// For every module under `top` (itself included), the edges between its children.
fn inner_edges(top: &str) -> BTreeMap<Vec<String>, BTreeMap<String, BTreeMap<String, String>>> {
    let mut all = Vec::new();
    files(&src().join(top), &mut all);
    let rels: Vec<PathBuf> = all
        .iter()
        .map(|p| p.strip_prefix(src()).unwrap().to_path_buf())
        .filter(|r| !is_test_file(r))
        .collect();
    let known: BTreeSet<Vec<String>> = rels.iter().map(|r| module_path(r)).collect();
    let mut out: BTreeMap<Vec<String>, BTreeMap<String, BTreeMap<String, String>>> =
        BTreeMap::new();
    for rel in &rels {
        let here = module_path(rel);
        let text = std::fs::read_to_string(src().join(rel)).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for p in named_paths(code, &here) {
            // the two siblings the path connects: the first place it leaves `here`
            let k = here.iter().zip(&p).take_while(|(a, b)| a == b).count();
            if k >= here.len() || k >= p.len() || !known.contains(&p[..=k]) {
                continue;
            }
            out.entry(here[..k].to_vec())
                .or_default()
                .entry(here[k].clone())
                .or_default()
                .entry(p[k].clone())
                .or_insert_with(|| rel.display().to_string());
        }
    }
    out
}

#[test]
fn no_module_inside_the_console_reaches_back_to_itself() {
    let packages = inner_edges("tui");
    let tui = packages
        .get(&vec!["tui".to_string()])
        .expect("tui's children use each other");
    assert!(
        tui.get("view").is_some_and(|e| e.contains_key("app")),
        "the reader sees `use super::app::...`: {tui:?}"
    );
    assert!(
        tui.get("drive").is_some_and(|e| e.contains_key("action")),
        "and `use super::action::{{...}}`: {tui:?}"
    );
    assert!(
        packages.len() >= 3,
        "tui, its views, its app: {:?}",
        packages.keys()
    );
    for (parent, edges) in &packages {
        for m in edges.keys() {
            if let Some(c) = circle(edges, m) {
                let how: Vec<String> = c
                    .windows(2)
                    .map(|w| format!("{} -> {} ({})", w[0], w[1], edges[&w[0]][&w[1]]))
                    .collect();
                panic!(
                    "a circle inside {} through {m}:\n  {}",
                    parent.join("::"),
                    how.join("\n  ")
                );
            }
        }
    }
}

#[test]
fn the_path_reader_reads_groups_and_supers() {
    let here = vec!["tui".to_string(), "app".to_string(), "command".to_string()];
    let got = named_paths(
        "use super::{App, View};\nuse super::super::palette::{self, Command};\nlet x = crate::tui::keys::Mode;",
        &here,
    );
    let want: Vec<Vec<String>> = [
        vec!["tui", "app", "App"],
        vec!["tui", "app", "View"],
        vec!["tui", "palette", "self"],
        vec!["tui", "palette", "Command"],
        vec!["tui", "keys", "Mode"],
    ]
    .iter()
    .map(|v| v.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(got, want);
}
