//! What the file-based collectors share: the error a parser gives, and a small in-memory
//! copy of a sysfs subtree so parsers stay pure functions over text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CollectorError;

/// A source could not be understood. `source` names it the way an operator would look
/// for it: a file path, a sysfs directory, a command line or a URL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ParseError {
    pub source_name: String,
    pub message: String,
}

impl ParseError {
    pub fn new(source: &str, message: impl Into<String>) -> Self {
        ParseError {
            source_name: source.to_string(),
            message: message.into(),
        }
    }

    pub fn into_collector(self, collector: &'static str) -> CollectorError {
        CollectorError {
            collector,
            message: self.to_string(),
        }
    }
}

/// Files of a sysfs subtree by relative path (`md/level`, `md/dev-sda/state`), trimmed,
/// plus where its symlinks point (`md/rd0` -> `dev-sda`). Values are short, so a whole
/// array or bond is a few hundred bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SysTree {
    pub files: BTreeMap<String, String>,
    pub links: BTreeMap<String, String>,
}

impl SysTree {
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Names directly below `dir` (files, directories and links), sorted, once each.
    pub fn children(&self, dir: &str) -> Vec<&str> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: Vec<&str> = self
            .files
            .keys()
            .chain(self.links.keys())
            .filter_map(|k| k.strip_prefix(prefix.as_str()))
            .map(|rest| rest.split('/').next().unwrap_or(rest))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Read `dir` recursively, `depth` levels deep. Symlinks are recorded, not followed
    /// (sysfs links lead back up the tree), except where `follow` says the link leads to
    /// a directory whose files we need. Unreadable files are left out: sysfs has
    /// write-only and permission-guarded attributes next to the ones we want.
    pub fn read(dir: &Path, depth: usize, follow: &dyn Fn(&str) -> bool) -> std::io::Result<Self> {
        let mut tree = SysTree::default();
        read_into(&mut tree, dir, "", depth, follow)?;
        Ok(tree)
    }
}

fn read_into(
    tree: &mut SysTree,
    dir: &Path,
    rel: &str,
    depth: usize,
    follow: &dyn Fn(&str) -> bool,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let key = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            if let Ok(target) = std::fs::read_link(&path) {
                let last = target.file_name().map(|n| n.to_string_lossy().into_owned());
                tree.links.insert(key.clone(), last.unwrap_or_default());
            }
            if depth > 0 && follow(&key) && path.is_dir() {
                let _ = read_into(tree, &path, &key, depth - 1, follow);
            }
        } else if kind.is_dir() {
            if depth > 0 {
                read_into(tree, &path, &key, depth - 1, follow)?;
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            // sysfs values are one short line; anything large is not an attribute of ours.
            if bytes.len() <= 64 * 1024 {
                let text = String::from_utf8_lossy(&bytes).trim().to_string();
                tree.files.insert(key, text);
            }
        }
    }
    Ok(())
}

/// `root` joined with an absolute-looking path such as `/proc/mdstat`.
pub fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// `tests/fixtures`: real data of other projects, vendored with their licences
/// (`tests/fixtures/README.md`).
#[cfg(test)]
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Cut points for truncation tests: every byte boundary of short text, a spread of
/// them for long text, always on a char boundary.
#[cfg(test)]
pub fn cut_points(text: &str, max: usize) -> Vec<usize> {
    let step = (text.len() / max).max(1);
    (0..=text.len())
        .step_by(step)
        .filter(|&i| text.is_char_boundary(i))
        .collect()
}

/// What a multi-item source gave: the items it could read and one error per item it
/// could not, so one bad item never costs the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial<T> {
    pub items: Vec<T>,
    pub errors: Vec<ParseError>,
}

impl<T> Default for Partial<T> {
    fn default() -> Self {
        Partial {
            items: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// All errors of a round as one collector error (the trait returns one), or `Ok`.
pub fn finish(collector: &'static str, errors: Vec<ParseError>) -> Result<(), CollectorError> {
    if errors.is_empty() {
        return Ok(());
    }
    let message = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    Err(CollectorError { collector, message })
}

/// Read a text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String, ParseError> {
    let source = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| ParseError::new(&source, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|_| ParseError::new(&source, "not text (invalid UTF-8)"))
}
