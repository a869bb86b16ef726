//! One pass over a RON file's text: the start of every line, every quoted string (escapes
//! undone), every `id: "x"` declaration, every map key (with the field the map belongs
//! to, and keys written twice in one map) and every field name, each with its offsets.
//! Comments, raw strings and char literals are skipped as the RON parser would.
#![allow(
    clippy::indexing_slicing,
    reason = "the scanner reads b[i] only inside loops bounded by i < b.len(); slices past that use get()"
)]

use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Index<'a> {
    pub(super) line_starts: Vec<usize>,
    /// Every quoted string (escapes undone) -> offsets of its opening quote.
    pub(super) strings: HashMap<Cow<'a, str>, Vec<usize>>,
    /// Strings right after `id:`.
    pub(super) declarations: HashMap<Cow<'a, str>, Vec<usize>>,
    /// Strings right before a `:` (map keys in a live overlay), with the field the map is
    /// the value of (`elements` in `elements: {"UPS-A2": failed}`).
    pub(super) keys: HashMap<Cow<'a, str>, Vec<(usize, Option<&'a str>)>>,
    /// Keys written twice in one map: (field of the map, key, first offset, repeat offset).
    pub(super) duplicates: Vec<Duplicate<'a>>,
    /// Identifiers right before a `:` (struct fields).
    pub(super) fields: HashMap<&'a str, Vec<usize>>,
}

/// A key written twice in one map.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::model) struct Duplicate<'a> {
    pub field: Option<&'a str>,
    pub key: Cow<'a, str>,
    pub first: usize,
    pub again: usize,
}

/// An open `{` map: the field it is the value of, and its keys so far.
type OpenMap<'a> = (Option<&'a str>, HashMap<Cow<'a, str>, usize>);

/// An open bracket; only a map has keys to remember.
struct Frame<'a> {
    map: Option<OpenMap<'a>>,
}

#[derive(Clone, PartialEq)]
enum Token<'a> {
    Ident(&'a str, usize),
    Str(Cow<'a, str>, usize),
    Colon,
    Other,
}

impl<'a> Index<'a> {
    pub(super) fn build(text: &'a str) -> Index<'a> {
        let b = text.as_bytes();
        let mut ix = Index {
            line_starts: vec![0],
            ..Index::default()
        };
        // the two tokens before the current one: `id` `:` marks a declaration
        let (mut before, mut last) = (Token::Other, Token::Other);
        let mut open: Vec<Frame<'a>> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let token = match c {
                b'\n' => {
                    ix.line_starts.push(i + 1);
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    i = memchr(b, i, b'\n');
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = ix.block_comment(b, i);
                    continue;
                }
                b'"' => {
                    let end = quoted_end(b, i + 1);
                    let s = unescape(text.get(i + 1..end).unwrap_or(""));
                    ix.lines_within(b, i + 1, end);
                    let at = i;
                    i = (end + 1).min(b.len());
                    Token::Str(s, at)
                }
                b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                    let (end, next) = raw_end(b, i + 1);
                    ix.lines_within(b, i, next);
                    let open = b[i..].iter().position(|&x| x == b'"').map_or(i, |p| i + p);
                    let s = text.get((open + 1).min(end)..end).unwrap_or("");
                    i = next;
                    Token::Str(Cow::Borrowed(s), open)
                }
                b'\'' => {
                    // a char literal: skip it, so a quote inside is not read as a string
                    let mut j = i + 1;
                    if b.get(j) == Some(&b'\\') {
                        j += 1;
                    }
                    j += 1;
                    while j < b.len() && b[j] != b'\'' && b[j] != b'\n' {
                        j += 1;
                    }
                    i = (j + 1).min(b.len());
                    Token::Other
                }
                b':' => {
                    i += 1;
                    Token::Colon
                }
                b'{' | b'[' | b'(' => {
                    let map = (c == b'{').then(|| {
                        let field = match (&before, &last) {
                            (Token::Ident(f, _), Token::Colon) => Some(*f),
                            _ => None,
                        };
                        (field, HashMap::new())
                    });
                    open.push(Frame { map });
                    i += 1;
                    Token::Other
                }
                b'}' | b']' | b')' => {
                    open.pop();
                    i += 1;
                    Token::Other
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let start = i;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    Token::Ident(text.get(start..i).unwrap_or(""), start)
                }
                _ => {
                    i += 1;
                    Token::Other
                }
            };
            match &token {
                Token::Str(s, at) => {
                    ix.strings.entry(s.clone()).or_default().push(*at);
                    if last == Token::Colon && matches!(before, Token::Ident("id", _)) {
                        ix.declarations.entry(s.clone()).or_default().push(*at);
                    }
                }
                Token::Colon => match &last {
                    Token::Str(s, at) => {
                        let map = open.last_mut().and_then(|f| f.map.as_mut());
                        let field = map.as_ref().and_then(|m| m.0);
                        ix.keys.entry(s.clone()).or_default().push((*at, field));
                        if let Some((field, seen)) = map {
                            match seen.get(s) {
                                Some(&first) => ix.duplicates.push(Duplicate {
                                    field: *field,
                                    key: s.clone(),
                                    first,
                                    again: *at,
                                }),
                                None => {
                                    seen.insert(s.clone(), *at);
                                }
                            }
                        }
                    }
                    Token::Ident(f, at) => ix.fields.entry(f).or_default().push(*at),
                    _ => {}
                },
                _ => {}
            }
            before = last;
            last = token;
        }
        ix
    }

    /// Skip a (nested, as in RON) block comment starting at `i`; returns the offset after it.
    fn block_comment(&mut self, b: &[u8], mut i: usize) -> usize {
        let mut depth = 0usize;
        while i < b.len() {
            match (b[i], b.get(i + 1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    i += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                (b'\n', _) => {
                    self.line_starts.push(i + 1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        i
    }

    fn lines_within(&mut self, b: &[u8], from: usize, to: usize) {
        for (k, &c) in b
            .get(from..to.min(b.len()))
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if c == b'\n' {
                self.line_starts.push(from + k + 1);
            }
        }
    }
}

/// A quoted string's text with its escapes undone, as the RON parser reads it; borrowed
/// when it has none (nearly always).
fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |digits: &str| {
            u32::from_str_radix(digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('x') => {
                let digits: String = chars.by_ref().take(2).collect();
                out.extend(hex(&digits));
            }
            Some('u') => {
                let rest = chars.as_str();
                if let Some(braced) = rest.strip_prefix('{') {
                    let digits: String = braced.chars().take_while(|&c| c != '}').collect();
                    out.extend(hex(&digits));
                    chars = braced.get(digits.len() + 1..).unwrap_or("").chars();
                } else {
                    let digits: String = chars.by_ref().take(4).collect();
                    out.extend(hex(&digits));
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

fn memchr(b: &[u8], from: usize, c: u8) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&x| x == c))
        .map_or(b.len(), |p| from + p)
}

/// The offset of the closing quote of a string whose content starts at `i`.
fn quoted_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// For a raw string `r#"..."#` whose `#`s or quote start at `i`: (end of content, offset
/// after the closing delimiter).
fn raw_end(b: &[u8], mut i: usize) -> (usize, usize) {
    let mut hashes = 0;
    while b.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == b'#')
                .count()
                == hashes
        {
            return (i, (i + 1 + hashes).min(b.len()));
        }
        i += 1;
    }
    (b.len(), b.len())
}
