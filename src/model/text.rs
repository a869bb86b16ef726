//! Text that reaches an operator's terminal: ids, names and descriptions from site files
//! and agents. Printable and bounded, so a hostile or broken file cannot move the cursor,
//! ring the bell, reorder a line or fill the screen with one name.

use std::fmt::Write;

/// Longest id (of an element, load, tank, group, member, agent, metric): bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest name-like text (site name, zone, isolation group, agent, source): bytes.
pub const MAX_NAME_BYTES: usize = 128;
/// Longest description: bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

/// Characters a terminal would act on instead of showing: C0 and C1 controls (ESC, BEL,
/// CR, LF, TAB ...) and the invisible bidirectional overrides that reorder a line.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Why `s` cannot be an id or name of at most `max` bytes; None when it can.
pub fn problem(s: &str, max: usize) -> Option<String> {
    if s.len() > max {
        return Some(format!("is {} bytes long, more than {max}", s.len()));
    }
    s.chars()
        .find(|&c| is_unprintable(c))
        .map(|c| format!("holds the unprintable character {}", c.escape_unicode()))
}

/// `s` as it may be shown in a message: unprintable characters escaped, and cut after
/// `max` characters with an ellipsis and the full length.
pub fn shown(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max) + 2);
    for (count, c) in s.chars().enumerate() {
        if count == max {
            let _ = write!(out, "… ({} bytes)", s.len());
            return out;
        }
        if is_unprintable(c) {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_printable_and_short() {
        assert_eq!(problem("UPS-A1", MAX_ID_BYTES), None);
        assert_eq!(problem("Ünterverteilung 3", MAX_ID_BYTES), None);
        let bell = problem("UPS\u{7}", MAX_ID_BYTES).unwrap_or_default();
        assert!(bell.contains("\\u{7}"), "{bell}");
        assert!(problem("a\u{1b}[2J", MAX_ID_BYTES).is_some());
        assert!(problem("abc\u{202e}def", MAX_ID_BYTES).is_some());
        assert!(problem("line\nbreak", MAX_ID_BYTES).is_some());
        let long = "x".repeat(MAX_ID_BYTES + 1);
        assert_eq!(
            problem(&long, MAX_ID_BYTES).as_deref(),
            Some("is 129 bytes long, more than 128")
        );
    }

    #[test]
    fn shown_text_is_escaped_and_cut() {
        assert_eq!(shown("a\u{1b}[31mb", 40), "a\\u{1b}[31mb");
        assert_eq!(shown(&"y".repeat(10_000_000), 5), "yyyyy… (10000000 bytes)");
        assert_eq!(shown("short", 5), "short");
    }
}
