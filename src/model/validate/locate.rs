//! Where things are in a RON file, found in one pass over the text: every quoted string,
//! every `id: "x"` declaration, every map key and every field name, each with its byte
//! offsets, and the start of every line. Content errors are located by looking up this
//! index, so locating 50,000 problems costs 50,000 lookups, not 50,000 scans of the file.

use std::borrow::Cow;
use std::collections::HashMap;

use super::super::load::SiteIssue;
use super::super::text::shown;

/// Content problems kept in full; past this many only a count is kept, so a file with
/// 50,000 broken elements gives a readable report (and a bounded one) instead of a flood.
pub const MAX_ISSUES: usize = 100;

/// A message longer than this is cut: it can only be long by quoting something huge.
const MAX_MESSAGE_CHARS: usize = 400;

#[derive(Default)]
struct Index<'a> {
    line_starts: Vec<usize>,
    /// Every quoted string (escapes undone) -> offsets of its opening quote.
    strings: HashMap<Cow<'a, str>, Vec<usize>>,
    /// Strings right after `id:`.
    declarations: HashMap<Cow<'a, str>, Vec<usize>>,
    /// Strings right before a `:` (map keys in a live overlay), with the field the map is
    /// the value of (`elements` in `elements: {"UPS-A2": failed}`).
    keys: HashMap<Cow<'a, str>, Vec<(usize, Option<&'a str>)>>,
    /// Keys written twice in one map: (field of the map, key, first offset, repeat offset).
    duplicates: Vec<Duplicate<'a>>,
    /// Identifiers right before a `:` (struct fields).
    fields: HashMap<&'a str, Vec<usize>>,
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
    fn build(text: &'a str) -> Index<'a> {
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
        for (k, &c) in b[from..to.min(b.len())].iter().enumerate() {
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
    b[from..]
        .iter()
        .position(|&x| x == c)
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

/// Finds where ids appear in the source text, so content errors get a line and column,
/// and collects those errors (the first [`MAX_ISSUES`] in full, then a count).
pub(in crate::model) struct Locator<'a> {
    file: &'a str,
    index: Index<'a>,
    issues: Vec<SiteIssue>,
    more: usize,
}

impl<'a> Locator<'a> {
    pub(in crate::model) fn new(text: &'a str, file: &'a str) -> Self {
        Locator {
            file,
            index: Index::build(text),
            issues: Vec::new(),
            more: 0,
        }
    }

    /// 1-based line and column (in bytes) of `offset`.
    pub(in crate::model) fn position(&self, offset: usize) -> (usize, usize) {
        let starts = &self.index.line_starts;
        let line = starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - starts[line - 1] + 1)
    }

    /// Offsets of every `id: "x"` declaration of `id`, in file order.
    pub(in crate::model) fn declarations(&self, id: &str) -> &[usize] {
        self.index.declarations.get(id).map_or(&[], Vec::as_slice)
    }

    /// The first `"key":` in the map that is the value of `field`.
    pub(in crate::model) fn key(&self, field: &str, key: &str) -> Option<usize> {
        let v = self.index.keys.get(key)?;
        v.iter().find(|(_, f)| *f == Some(field)).map(|&(at, _)| at)
    }

    /// Keys written twice in one map, in file order.
    pub(in crate::model) fn duplicates(&self) -> &[Duplicate<'a>] {
        &self.index.duplicates
    }

    /// The first quoted `s` anywhere.
    pub(in crate::model) fn string(&self, s: &str) -> Option<usize> {
        self.index.strings.get(s).and_then(|v| v.first().copied())
    }

    /// The first of `offsets` at or after `start`.
    fn after(offsets: Option<&Vec<usize>>, start: usize) -> Option<usize> {
        let v = offsets?;
        v.get(v.partition_point(|&o| o < start)).copied()
    }

    /// The first quoted `target` after the declaration of `owner`.
    pub(in crate::model) fn reference(&self, owner: &str, target: &str) -> Option<usize> {
        let start = self.declarations(owner).first().copied().unwrap_or(0);
        Self::after(self.index.strings.get(target), start)
    }

    /// The first `field:` after the declaration of `owner` (its declaration, if none).
    pub(in crate::model) fn field(&self, owner: &str, field: &str) -> Option<usize> {
        let start = self.declarations(owner).first().copied();
        Self::after(self.index.fields.get(field), start.unwrap_or(0)).or(start)
    }

    /// The first quoted `s` after the first `field:` of the file.
    pub(in crate::model) fn string_in(&self, field: &str, s: &str) -> Option<usize> {
        let start = self.top_field(field).unwrap_or(0);
        Self::after(self.index.strings.get(s), start)
    }

    /// The first `field:` in the file.
    pub(in crate::model) fn top_field(&self, field: &str) -> Option<usize> {
        Self::after(self.index.fields.get(field), 0)
    }

    pub(in crate::model) fn at(&mut self, offset: Option<usize>, message: String) {
        if self.issues.len() >= MAX_ISSUES {
            self.more += 1;
            return;
        }
        let (line, col) = offset.map_or((1, 1), |o| self.position(o));
        self.issues.push(SiteIssue {
            file: self.file.to_string(),
            line,
            col,
            // ids in messages come from the file: never let one reach a terminal raw
            message: shown(&message, MAX_MESSAGE_CHARS),
        });
    }

    /// Whether another issue would still be kept in full: checks whose message is costly
    /// to build may skip building it.
    pub(in crate::model) fn full(&self) -> bool {
        self.issues.len() >= MAX_ISSUES
    }

    pub(in crate::model) fn at_decl(&mut self, id: &str, message: String) {
        let off = self.declarations(id).first().copied();
        self.at(off, message);
    }

    pub(in crate::model) fn at_ref(&mut self, owner: &str, target: &str, message: String) {
        let off = self.reference(owner, target);
        self.at(off, message);
    }

    pub(in crate::model) fn at_field(&mut self, owner: &str, field: &str, message: String) {
        let off = self.field(owner, field);
        self.at(off, message);
    }

    /// The issues, and a last line counting those not kept.
    pub(in crate::model) fn finish(mut self) -> Vec<SiteIssue> {
        if self.more > 0 {
            let line = SiteIssue {
                file: self.file.to_string(),
                line: 0,
                col: 0,
                message: format!("and {} more problems", thousands(self.more)),
            };
            self.issues.push(line);
        }
        self.issues
    }
}

/// `49990` as `49,990`.
pub(in crate::model) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"// "U1" in a comment is not a declaration
Site(
    name: "x", /* nested /* "U2" */ still comment */
    elements: [
        (id: "U1", kind: ups, inputs: ["G1"], mtbf_h: -1),
        (id: "G1", kind: generator, description: r#"a "raw" one"#, c: 'x'),
    ],
)
LiveState(elements: {"U1": failed, "U1": ok})
"##;

    #[test]
    fn finds_declarations_references_keys_and_fields() {
        let loc = Locator::new(TEXT, "f.ron");
        let u1 = loc.declarations("U1");
        assert_eq!(u1.len(), 1);
        assert_eq!(loc.position(u1[0]), (5, 14));
        assert!(loc.declarations("U2").is_empty(), "comments are skipped");
        let g1 = loc.reference("U1", "G1").map(|o| loc.position(o));
        assert_eq!(g1, Some((5, 40)));
        assert_eq!(
            loc.field("U1", "mtbf_h").map(|o| loc.position(o)),
            Some((5, 47))
        );
        assert_eq!(
            loc.field("G1", "mtbf_h").map(|o| loc.position(o)),
            Some((6, 14))
        );
        let first = loc.key("elements", "U1").map(|o| loc.position(o));
        assert_eq!(first, Some((9, 22)));
        let d = loc.duplicates();
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].field, d[0].key.as_ref()), (Some("elements"), "U1"));
        assert_eq!(loc.position(d[0].again), (9, 36));
        assert!(
            loc.string("a \"raw\" one").is_some(),
            "a raw string is its text"
        );
        assert!(loc.string("x").is_some());
    }

    #[test]
    fn escaped_ids_are_found_as_the_parser_reads_them() {
        let text = r#"(id: "a\u{1b}b", x: "t\x07", y: "q\"z", u: "\u00e9")"#;
        let loc = Locator::new(text, "f.ron");
        assert_eq!(loc.declarations("a\u{1b}b").len(), 1);
        assert!(loc.string("t\u{7}").is_some());
        assert!(loc.string("q\"z").is_some());
        assert!(loc.string("é").is_some());
    }

    #[test]
    fn issues_past_the_cap_are_counted() {
        let mut loc = Locator::new("", "f.ron");
        for i in 0..MAX_ISSUES + 49_990 {
            loc.at(None, format!("problem {i}"));
        }
        let issues = loc.finish();
        assert_eq!(issues.len(), MAX_ISSUES + 1);
        assert_eq!(issues[MAX_ISSUES].message, "and 49,990 more problems");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn unterminated_strings_and_comments_end_at_the_end() {
        for text in ["\"abc", "/* abc", "r#\"abc", "'", "r", "x: \"\\"] {
            let loc = Locator::new(text, "f.ron");
            assert_eq!(loc.position(text.len()).0, 1);
        }
    }
}
