//! The console's optional user files (`keymap.ron`, `themes/NAME.ron`, `layouts/NAME.ron`
//! in the config dir): read if present, every problem located as `file:line:col`, and the
//! caller falls back to the shipped default on any error, so a typo never costs the
//! operator a working console.

use std::path::Path;

use crate::model::SiteIssue;

/// Every problem in one user file, one `file:line:col: message` a line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct UserFileError(pub Vec<SiteIssue>);

impl UserFileError {
    pub fn one(file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        UserFileError(vec![SiteIssue {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
        }])
    }

    /// The first problem, for a footer line.
    pub fn first_line(&self) -> String {
        self.0.first().map(ToString::to_string).unwrap_or_default()
    }
}

/// A RON syntax or shape error at its place.
pub fn ron_error(e: &ron::error::SpannedError, file: &str) -> UserFileError {
    UserFileError::one(
        file,
        e.span.start.line,
        e.span.start.col,
        e.code.to_string(),
    )
}

/// RON into `T`, with `Some(..)` implied (`fg: "red"`, not `fg: Some("red")`), a syntax or
/// shape error located.
pub fn from_ron<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, UserFileError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e| ron_error(&e, file))
}

/// A problem at the first occurrence of `needle` in `text` (1:1 when it is not there).
pub fn issue_at(text: &str, file: &str, needle: &str, message: String) -> SiteIssue {
    let off = text.find(needle).unwrap_or(0);
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    SiteIssue {
        file: file.to_string(),
        line,
        col,
        message,
    }
}

/// Largest user file read: these are a few lines; a huge one is a mistake, not a keymap.
const MAX_BYTES: u64 = 1 << 20;

/// The file's text, None when it does not exist.
pub fn read(path: &Path) -> Result<Option<String>, UserFileError> {
    let file = path.display().to_string();
    let fail = |m: String| UserFileError::one(&file, 1, 1, m);
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(format!("cannot read: {e}"))),
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(fail(format!("{} bytes: larger than {MAX_BYTES}", m.len())));
        }
        Ok(_) => {}
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| fail(format!("cannot read: {e}")))
}
