//! The rows of the Findings & SPOFs list, derived from a classification. Shared by `update`
//! (to keep the selection inside the list) and the view (to draw it), so both count the
//! same rows.

use crate::classify::{Classification, SpofKind};
use crate::status::new_spofs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Why the site is not at the next tier.
    Finding,
    /// A single point of failure the design has too.
    Spof,
    /// A SPOF the design does not have: one more failure drops a load.
    NewSpof,
    /// Listed but accepted (a rack ATS under the point-of-use concession).
    AcceptedSpof,
}

impl ItemKind {
    /// The word shown in the row, so the kind is never told by colour alone.
    pub fn word(self) -> &'static str {
        match self {
            ItemKind::Finding => "finding",
            ItemKind::Spof => "SPOF",
            ItemKind::NewSpof => "NEW SPOF",
            ItemKind::AcceptedSpof => "SPOF ok",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// `power`, `cooling`, `network`, or `site` for site-level findings.
    pub scope: String,
    pub text: String,
    /// The elements (or `zone:NAME`) the row is about: Enter opens the first site element.
    pub elements: Vec<String>,
}

impl Item {
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.text.to_lowercase().contains(needle)
            || self.scope.contains(needle)
            || self.kind.word().to_lowercase().contains(needle)
    }
}

/// Live findings (site-level first), then live SPOFs, new ones first within a subsystem.
pub fn items(c: &Classification) -> Vec<Item> {
    let mut out: Vec<Item> = c
        .findings
        .iter()
        .map(|f| Item {
            kind: ItemKind::Finding,
            scope: "site".into(),
            text: f.message.clone(),
            elements: f.elements.clone(),
        })
        .collect();
    for s in &c.subsystems {
        out.extend(s.live.findings.iter().map(|f| Item {
            kind: ItemKind::Finding,
            scope: s.subsystem.name().into(),
            text: f.message.clone(),
            elements: f.elements.clone(),
        }));
    }
    for s in &c.subsystems {
        let fresh: std::collections::HashSet<&str> = new_spofs(s).into_iter().collect();
        let mut spofs: Vec<Item> = s
            .live
            .spofs
            .items
            .iter()
            .map(|p| {
                let kind = if fresh.contains(p.id.as_str()) {
                    ItemKind::NewSpof
                } else if p.accepted {
                    ItemKind::AcceptedSpof
                } else {
                    ItemKind::Spof
                };
                let what = match p.kind {
                    SpofKind::Element => "its failure drops a load",
                    SpofKind::Zone => "one event in this compartment drops a load",
                };
                Item {
                    kind,
                    scope: s.subsystem.name().into(),
                    text: format!("{}: {what}", p.id),
                    elements: vec![p.id.clone()],
                }
            })
            .collect();
        spofs.sort_by_key(|i| i.kind != ItemKind::NewSpof);
        out.extend(spofs);
    }
    out
}

/// The rows left after the `/` filter (case-insensitive substring).
pub fn filtered<'a>(all: &'a [Item], filter: &str) -> Vec<&'a Item> {
    let needle = filter.to_lowercase();
    all.iter().filter(|i| i.matches(&needle)).collect()
}
