//! Where things are in a RON file, found in one pass over the text (`index`): every quoted string,
//! every `id: "x"` declaration, every map key and every field name, each with its byte
//! offsets, and the start of every line. Content errors are located by looking up this
//! index, so locating 50,000 problems costs 50,000 lookups, not 50,000 scans of the file.
//! The index is built at the first lookup: a valid site file asks for none, and building it
//! was a fifth of parsing the embedded demo site.

use super::super::load::SiteIssue;
use super::super::text::shown;
pub(in crate::model) use super::index::Duplicate;
use super::index::Index;
use std::cell::OnceCell;

/// Content problems kept in full; past this many only a count is kept, so a file with
/// 50,000 broken elements gives a readable report (and a bounded one) instead of a flood.
pub const MAX_ISSUES: usize = 100;

/// A message longer than this is cut: it can only be long by quoting something huge.
const MAX_MESSAGE_CHARS: usize = 400;

/// Finds where ids appear in the source text, so content errors get a line and column,
/// and collects those errors (the first [`MAX_ISSUES`] in full, then a count).
pub(in crate::model) struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    index: OnceCell<Index<'a>>,
    issues: Vec<SiteIssue>,
    more: usize,
}

impl<'a> Locator<'a> {
    pub(in crate::model) fn new(text: &'a str, file: &'a str) -> Self {
        Locator {
            file,
            text,
            index: OnceCell::new(),
            issues: Vec::new(),
            more: 0,
        }
    }

    fn index(&self) -> &Index<'a> {
        self.index.get_or_init(|| Index::build(self.text))
    }

    /// 1-based line and column (in bytes) of `offset`.
    pub(in crate::model) fn position(&self, offset: usize) -> (usize, usize) {
        let starts = &self.index().line_starts;
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        (line, offset.saturating_sub(start) + 1)
    }

    /// Offsets of every `id: "x"` declaration of `id`, in file order.
    pub(in crate::model) fn declarations(&self, id: &str) -> &[usize] {
        self.index().declarations.get(id).map_or(&[], Vec::as_slice)
    }

    /// The first `"key":` in the map that is the value of `field`.
    pub(in crate::model) fn key(&self, field: &str, key: &str) -> Option<usize> {
        let v = self.index().keys.get(key)?;
        v.iter().find(|(_, f)| *f == Some(field)).map(|&(at, _)| at)
    }

    /// Keys written twice in one map, in file order.
    pub(in crate::model) fn duplicates(&self) -> &[Duplicate<'a>] {
        &self.index().duplicates
    }

    /// The first quoted `s` anywhere.
    pub(in crate::model) fn string(&self, s: &str) -> Option<usize> {
        self.index().strings.get(s).and_then(|v| v.first().copied())
    }

    /// The first of `offsets` at or after `start`.
    fn after(offsets: Option<&Vec<usize>>, start: usize) -> Option<usize> {
        let v = offsets?;
        v.get(v.partition_point(|&o| o < start)).copied()
    }

    /// The first quoted `target` after the declaration of `owner`.
    pub(in crate::model) fn reference(&self, owner: &str, target: &str) -> Option<usize> {
        let start = self.declarations(owner).first().copied().unwrap_or(0);
        Self::after(self.index().strings.get(target), start)
    }

    /// The first `field:` after the declaration of `owner` (its declaration, if none).
    pub(in crate::model) fn field(&self, owner: &str, field: &str) -> Option<usize> {
        let start = self.declarations(owner).first().copied();
        Self::after(self.index().fields.get(field), start.unwrap_or(0)).or(start)
    }

    /// The first quoted `s` after the first `field:` of the file.
    pub(in crate::model) fn string_in(&self, field: &str, s: &str) -> Option<usize> {
        let start = self.top_field(field).unwrap_or(0);
        Self::after(self.index().strings.get(s), start)
    }

    /// The first `field:` in the file.
    pub(in crate::model) fn top_field(&self, field: &str) -> Option<usize> {
        Self::after(self.index().fields.get(field), 0)
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
