//! Reading site and live-state files. RON syntax errors come back with file, line and
//! column; everything wrong with the content is collected and reported in one go.

use std::fmt;
use std::path::Path;

use ron::extensions::Extensions;

use super::live::LiveState;
use super::site::Site;
use super::text::shown;
use super::validate;

/// Largest site or live file read: a generous 64 MiB (a 50,000-element campus is ~10 MB).
/// A bigger one is refused before it is parsed.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// One problem in a file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteIssue {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for SiteIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {len} bytes, more than the {MAX_FILE_BYTES} a site or live file may have")]
    TooLarge { file: String, len: u64 },
    #[error("{0}")]
    Syntax(SiteIssue),
    #[error("{}", render_issues(.0))]
    Invalid(Vec<SiteIssue>),
}

impl LoadError {
    pub fn issues(&self) -> Vec<SiteIssue> {
        match self {
            LoadError::Io { file, source } => vec![SiteIssue {
                file: file.clone(),
                line: 0,
                col: 0,
                message: format!("cannot read: {source}"),
            }],
            LoadError::TooLarge { file, .. } => vec![SiteIssue {
                file: file.clone(),
                line: 0,
                col: 0,
                message: self.to_string(),
            }],
            LoadError::Syntax(i) => vec![i.clone()],
            LoadError::Invalid(v) => v.clone(),
        }
    }
}

fn render_issues(issues: &[SiteIssue]) -> String {
    // past the cap the list ends with a line counting the rest
    let mut out = if issues.len() > validate::MAX_ISSUES {
        format!("more than {} problems:", validate::MAX_ISSUES)
    } else {
        format!("{} problem(s):", issues.len())
    };
    for i in issues {
        out.push_str("\n  ");
        out.push_str(&i.to_string());
    }
    out
}

fn ron_options() -> ron::Options {
    // `capacity: 500` reads better than `capacity: Some(500)` in a hand-written file.
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

fn syntax<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<T, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: file.to_string(),
            len: text.len() as u64,
        });
    }
    ron_options().from_str(text).map_err(|e| {
        LoadError::Syntax(SiteIssue {
            file: file.to_string(),
            line: e.span.start.line,
            col: e.span.start.col,
            // the parser quotes what it found, which may be anything
            message: shown(&e.code.to_string(), 400),
        })
    })
}

/// Parse and validate a site. `file` names the source in every message.
pub fn parse_site(text: &str, file: &str) -> Result<Site, LoadError> {
    let mut site: Site = syntax(text, file)?;
    let issues = validate::site(&mut site, text, file);
    if issues.is_empty() {
        Ok(site)
    } else {
        Err(LoadError::Invalid(issues))
    }
}

/// Parse a live-state overlay and check every id it names exists in `site`.
pub fn parse_live(text: &str, file: &str, site: &Site) -> Result<LiveState, LoadError> {
    let live: LiveState = syntax(text, file)?;
    let issues = validate::live(&live, site, text, file);
    if issues.is_empty() {
        Ok(live)
    } else {
        Err(LoadError::Invalid(issues))
    }
}

fn read(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| LoadError::Io {
        file: file.clone(),
        source,
    };
    // read one byte past the limit, so a file that grows while read is caught too
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() > MAX_FILE_BYTES {
        let len = std::fs::metadata(path).map_or(text.len() as u64, |m| m.len());
        return Err(LoadError::TooLarge { file, len });
    }
    Ok(text)
}

pub fn load_site_file(path: &Path) -> Result<Site, LoadError> {
    parse_site(&read(path)?, &path.display().to_string())
}

pub fn load_live_file(path: &Path, site: &Site) -> Result<LiveState, LoadError> {
    parse_live(&read(path)?, &path.display().to_string(), site)
}
