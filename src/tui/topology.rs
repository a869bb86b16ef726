//! The Topology view's tree, built from the design alone: each subsystem from its sources
//! (utility, generators, chillers, carriers) down through distribution to the loads.
//!
//! A site's feed graph is a DAG with shared nodes (three generators feed both main
//! switchgears) and may hold cycles through normally-closed ties. Printing every path would
//! repeat whole sub-trees, so an element is expanded once, under its first input (its
//! primary feed), and under every other input it appears as a one-line reference. Loads are
//! leaves and are listed under every feed they have, so a dual-corded row shows on both the
//! A and the B path. Each element is expanded at most once, which is also what stops a cycle.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Id, Site, Subsystem};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A subsystem's heading line.
    Heading(Subsystem),
    /// An element expanded here, with its dependants below it.
    Element,
    /// An element already expanded under `shown_under`: listed so the path reads whole.
    Reference {
        shown_under: Id,
    },
    Load,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub depth: usize,
    /// The element or load id; the subsystem's name for a heading.
    pub id: Id,
    pub kind: RowKind,
    /// For a node with several inputs, which of them this branch is: `A` its first, `B`
    /// its second, and so on (a row's A and B cords).
    pub feed: Option<char>,
    /// How many inputs the node has, so `B of 2` can be read without the site file.
    pub inputs: usize,
}

impl Row {
    /// The element the row's Enter opens: none for headings and loads.
    pub fn element(&self) -> Option<&str> {
        match self.kind {
            RowKind::Element | RowKind::Reference { .. } => Some(&self.id),
            RowKind::Heading(_) | RowKind::Load => None,
        }
    }
}

/// The letter of input `i` (A, B, ... Z, then `+`: nobody cords a rack 27 ways).
fn feed_letter(i: usize) -> char {
    u8::try_from(i)
        .ok()
        .filter(|i| *i < 26)
        .map_or('+', |i| char::from(b'A' + i))
}

/// One subsystem's nodes: who feeds whom, in site-file order.
struct Graph<'a> {
    /// Element ids of the subsystem, in site order.
    elements: Vec<&'a str>,
    /// The inputs of elements and loads alike, in their own order (A first).
    inputs: BTreeMap<&'a str, Vec<&'a str>>,
    /// For each node, what it feeds: elements first, then loads, each in site order.
    feeds: BTreeMap<&'a str, Vec<(&'a str, bool)>>,
}

impl<'a> Graph<'a> {
    fn of(site: &'a Site, sub: Subsystem) -> Graph<'a> {
        let elements: Vec<&str> = site
            .elements
            .iter()
            .filter(|e| e.subsystem() == sub)
            .map(|e| e.id.as_str())
            .collect();
        let known: BTreeSet<&str> = elements.iter().copied().collect();
        let mut inputs = BTreeMap::new();
        let mut feeds: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
        for e in site.elements.iter().filter(|e| e.subsystem() == sub) {
            // inputs from another subsystem or to nothing are not part of this tree
            let ins: Vec<&str> = e
                .inputs
                .iter()
                .map(String::as_str)
                .filter(|i| known.contains(i))
                .collect();
            for i in &ins {
                feeds.entry(i).or_default().push((e.id.as_str(), false));
            }
            inputs.insert(e.id.as_str(), ins);
        }
        for l in site.loads.iter().filter(|l| l.subsystem == sub) {
            let ins: Vec<&str> = l
                .inputs
                .iter()
                .map(String::as_str)
                .filter(|i| known.contains(i))
                .collect();
            for i in &ins {
                feeds.entry(i).or_default().push((l.id.as_str(), true));
            }
            inputs.insert(l.id.as_str(), ins);
        }
        Graph {
            elements,
            inputs,
            feeds,
        }
    }
}

/// The tree of every subsystem that has elements, headings included, in display order.
pub fn build(site: &Site) -> Vec<Row> {
    let mut out = Vec::new();
    for sub in Subsystem::ALL {
        let g = Graph::of(site, sub);
        if g.elements.is_empty() {
            continue;
        }
        out.push(Row {
            depth: 0,
            id: sub.name().into(),
            kind: RowKind::Heading(sub),
            feed: None,
            inputs: 0,
        });
        let mut expanded = BTreeSet::new();
        // sources first; then anything a cycle kept out of reach of every source
        let roots = g
            .elements
            .iter()
            .filter(|e| g.inputs.get(*e).is_none_or(Vec::is_empty));
        for root in roots {
            expand(&g, root, None, 1, &mut expanded, &mut out);
        }
        for e in &g.elements {
            if !expanded.contains(e) {
                expand(&g, e, None, 1, &mut expanded, &mut out);
            }
        }
    }
    out
}

/// `id` and, if this is its primary feed, everything below it. Iterative so a deep chain
/// cannot exhaust the stack.
fn expand<'a>(
    g: &Graph<'a>,
    id: &'a str,
    parent: Option<&'a str>,
    depth: usize,
    expanded: &mut BTreeSet<&'a str>,
    out: &mut Vec<Row>,
) {
    let mut stack = vec![(id, parent, depth, false)];
    while let Some((id, parent, depth, is_load)) = stack.pop() {
        let ins: &[&str] = g.inputs.get(id).map_or(&[], Vec::as_slice);
        let feed = parent
            .filter(|_| ins.len() > 1)
            .and_then(|p| ins.iter().position(|x| *x == p))
            .map(feed_letter);
        let inputs = ins.len();
        if is_load {
            out.push(row(depth, id, RowKind::Load, feed, inputs));
            continue;
        }
        // primary feed: the first input; a root (or a cycle's entry) is its own primary
        let primary = parent.is_none() || ins.first().copied() == parent;
        if expanded.contains(id) || !primary {
            let shown_under = ins.first().copied().unwrap_or(id);
            let kind = RowKind::Reference {
                shown_under: shown_under.into(),
            };
            out.push(row(depth, id, kind, feed, inputs));
            continue;
        }
        expanded.insert(id);
        out.push(row(depth, id, RowKind::Element, feed, inputs));
        if let Some(children) = g.feeds.get(id) {
            for (child, load) in children.iter().rev() {
                stack.push((child, Some(id), depth + 1, *load));
            }
        }
    }
}

fn row(depth: usize, id: &str, kind: RowKind, feed: Option<char>, inputs: usize) -> Row {
    Row {
        depth,
        id: id.into(),
        kind,
        feed,
        inputs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Element, Kind, Load};

    fn el(id: &str, kind: Kind, inputs: &[&str]) -> Element {
        let mut e: Element = ron::from_str(&format!("(id: {id:?}, kind: {})", kind.name()))
            .unwrap_or_else(|e| panic!("{e}"));
        e.inputs = inputs.iter().map(|s| s.to_string()).collect();
        e
    }

    fn load(id: &str, sub: Subsystem, inputs: &[&str]) -> Load {
        Load {
            id: id.into(),
            subsystem: sub,
            demand: 10.0,
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            zone: None,
            description: None,
        }
    }

    fn lines(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                let tag = match &r.kind {
                    RowKind::Heading(_) => "#".to_string(),
                    RowKind::Element => String::new(),
                    RowKind::Reference { shown_under } => format!(" ^{shown_under}"),
                    RowKind::Load => " load".into(),
                };
                let feed = r.feed.map(|f| format!(" [{f}]")).unwrap_or_default();
                format!("{}{}{feed}{tag}", "  ".repeat(r.depth), r.id)
            })
            .collect()
    }

    #[test]
    fn a_dual_corded_load_appears_on_both_paths_with_its_cord() {
        let site = Site::new(
            "t",
            vec![
                el("U", Kind::Utility, &[]),
                el("PDU-A", Kind::Pdu, &["U"]),
                el("PDU-B", Kind::Pdu, &["U"]),
            ],
            vec![load("ROW-1", Subsystem::Power, &["PDU-A", "PDU-B"])],
        );
        let got = lines(&build(&site));
        assert_eq!(
            got,
            [
                "power#",
                "  U",
                "    PDU-A",
                "      ROW-1 [A] load",
                "    PDU-B",
                "      ROW-1 [B] load",
            ]
        );
    }

    #[test]
    fn a_shared_feeder_is_expanded_once_and_referenced_elsewhere() {
        let site = Site::new(
            "t",
            vec![
                el("G-1", Kind::Generator, &[]),
                el("G-2", Kind::Generator, &[]),
                el("SWGR", Kind::Switchgear, &["G-1", "G-2"]),
                el("UPS", Kind::Ups, &["SWGR"]),
            ],
            vec![load("ROW", Subsystem::Power, &["UPS"])],
        );
        let got = lines(&build(&site));
        assert_eq!(
            got,
            [
                "power#",
                "  G-1",
                "    SWGR [A]",
                "      UPS",
                "        ROW load",
                "  G-2",
                "    SWGR [B] ^G-1",
            ]
        );
    }

    #[test]
    fn a_cycle_through_a_manual_tie_ends_and_shows_every_element() {
        let mut tie = el("XV", Kind::Valve, &["LOOP-A", "LOOP-B"]);
        tie.activation = crate::model::Activation::Manual;
        let site = Site::new(
            "t",
            vec![
                el("CH", Kind::Chiller, &[]),
                el("LOOP-A", Kind::Loop, &["CH", "XV"]),
                el("LOOP-B", Kind::Loop, &["XV"]),
                tie,
                el("CRAH", Kind::Crah, &["LOOP-B"]),
            ],
            vec![load("HEAT", Subsystem::Cooling, &["CRAH"])],
        );
        let rows = build(&site);
        let got = lines(&rows);
        assert_eq!(
            got,
            [
                "cooling#",
                "  CH",
                "    LOOP-A [A]",
                "      XV [A]",
                "        LOOP-A [B] ^CH",
                "        LOOP-B",
                "          XV [B] ^LOOP-A",
                "          CRAH",
                "            HEAT load",
            ]
        );
    }

    #[test]
    fn a_cycle_no_source_reaches_is_still_listed_once_each() {
        let site = Site::new(
            "t",
            vec![el("X", Kind::Loop, &["Y"]), el("Y", Kind::Loop, &["X"])],
            vec![],
        );
        let rows = build(&site);
        let expanded: Vec<&str> = rows
            .iter()
            .filter(|r| r.kind == RowKind::Element)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(expanded, ["X", "Y"], "{:#?}", lines(&rows));
        assert_eq!(rows.len(), 4, "{:#?}", lines(&rows));
    }

    #[test]
    fn the_demo_site_shows_both_cords_of_every_row_and_each_element_once() {
        let site = crate::demo::site().unwrap_or_else(|e| panic!("{e:?}"));
        let rows = build(&site);
        for row in ["ROW-1", "ROW-2", "ROW-3", "ROW-4"] {
            let feeds: Vec<Option<char>> = rows
                .iter()
                .filter(|r| r.id == row)
                .map(|r| r.feed)
                .collect();
            assert_eq!(feeds, [Some('A'), Some('B')], "{row}");
        }
        for e in &site.elements {
            let n = rows
                .iter()
                .filter(|r| r.id == e.id && r.kind == RowKind::Element)
                .count();
            assert_eq!(n, 1, "{} expanded {n} times", e.id);
        }
        let headings: Vec<&str> = rows
            .iter()
            .filter(|r| matches!(r.kind, RowKind::Heading(_)))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(headings, ["power", "cooling", "network"]);
    }
}
