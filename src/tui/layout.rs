//! Screen layouts as RON (`layouts/operator.ron`, `layouts/wallboard.ron`, embedded): which
//! panels, in which vertical or horizontal grid, at which sizes. A copy in the config
//! dir's `layouts/` overrides the shipped one; a bad copy is reported and the shipped
//! layout used. The views draw each panel into the area the layout gives it.

use std::path::Path;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use serde::Deserialize;

use super::userfile::{self, UserFileError, issue_at};

pub const OPERATOR: &str = include_str!("../../layouts/operator.ron");
pub const WALLBOARD: &str = include_str!("../../layouts/wallboard.ron");

/// The panels each face draws; a layout must place each exactly once.
pub const OPERATOR_PANELS: &[&str] = &["header", "tabs", "body", "footer"];
pub const WALLBOARD_PANELS: &[&str] = &["head", "banner", "page"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Vertical,
    Horizontal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Size {
    Length(u16),
    Min(u16),
    Percentage(u16),
    Fill(u16),
}

impl Size {
    fn constraint(self) -> Constraint {
        match self {
            Size::Length(n) => Constraint::Length(n),
            Size::Min(n) => Constraint::Min(n),
            Size::Percentage(p) => Constraint::Percentage(p),
            Size::Fill(w) => Constraint::Fill(w),
        }
    }
}

/// One cell of a grid: a panel, or a grid of its own.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub size: Size,
    #[serde(default)]
    pub panel: Option<String>,
    #[serde(default)]
    pub split: Option<Split>,
    #[serde(default)]
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenLayout {
    pub split: Split,
    pub parts: Vec<Part>,
}

impl ScreenLayout {
    /// A layout from RON, checked against the panels its face draws.
    pub fn parse(text: &str, file: &str, panels: &[&str]) -> Result<ScreenLayout, UserFileError> {
        let layout: ScreenLayout = userfile::from_ron(text, file)?;
        let mut issues = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut at =
            |needle: &str, message: String| issues.push(issue_at(text, file, needle, message));
        if layout.parts.is_empty() {
            at("parts", "a grid needs at least one part".into());
        }
        let mut stack: Vec<&Part> = layout.parts.iter().collect();
        while let Some(p) = stack.pop() {
            if let Size::Percentage(n) = p.size
                && n > 100
            {
                at(
                    &format!("Percentage({n})"),
                    format!("Percentage({n}): above 100"),
                );
            }
            match (&p.panel, p.split, p.parts.is_empty()) {
                (Some(name), None, true) => {
                    let quoted = format!("\"{name}\"");
                    if !panels.contains(&name.as_str()) {
                        at(
                            &quoted,
                            format!("unknown panel {name:?}; panels: {}", panels.join(", ")),
                        );
                    } else if seen.contains(&name.as_str()) {
                        at(&quoted, format!("panel {name:?} placed twice"));
                    } else {
                        seen.push(name);
                    }
                }
                (None, Some(_), false) => stack.extend(p.parts.iter()),
                (Some(name), _, _) => at(
                    &format!("\"{name}\""),
                    format!("part {name:?}: a panel, or a split with parts, not both"),
                ),
                (None, _, _) => at("size", "a part needs a panel, or a split with parts".into()),
            }
        }
        for missing in panels.iter().filter(|p| !seen.contains(p)) {
            at("(", format!("panel {missing:?} is not placed"));
        }
        if issues.is_empty() {
            Ok(layout)
        } else {
            Err(UserFileError(issues))
        }
    }

    /// Each panel's area within `area`. A panel in `hidden` takes no room (the wallboard's
    /// banner while there is nothing to say); its neighbours share what it would have had.
    pub fn areas(&self, area: Rect, hidden: &[&str]) -> Vec<(&str, Rect)> {
        let mut out = Vec::new();
        split(self.split, &self.parts, area, hidden, &mut out);
        out
    }

    /// The area of one panel (empty if the layout has none by that name).
    pub fn area(&self, area: Rect, panel: &str, hidden: &[&str]) -> Rect {
        self.areas(area, hidden)
            .into_iter()
            .find(|(p, _)| *p == panel)
            .map_or(Rect::ZERO, |(_, r)| r)
    }
}

fn split<'a>(
    dir: Split,
    parts: &'a [Part],
    area: Rect,
    hidden: &[&str],
    out: &mut Vec<(&'a str, Rect)>,
) {
    let constraints: Vec<Constraint> = parts
        .iter()
        .map(|p| match &p.panel {
            Some(name) if hidden.contains(&name.as_str()) => Constraint::Length(0),
            _ => p.size.constraint(),
        })
        .collect();
    let direction = match dir {
        Split::Vertical => Direction::Vertical,
        Split::Horizontal => Direction::Horizontal,
    };
    let rects = Layout::new(direction, constraints).split(area);
    for (p, r) in parts.iter().zip(rects.iter()) {
        match (&p.panel, p.split) {
            (Some(name), _) => out.push((name.as_str(), *r)),
            (None, Some(d)) => split(d, &p.parts, *r, hidden, out),
            (None, None) => {}
        }
    }
}

/// The layout to use: `layouts/<name>.ron` under `dir` when present and good, else the
/// shipped `text`; the reason when a user file was refused.
pub fn load(
    dir: Option<&Path>,
    name: &str,
    shipped: &str,
    panels: &[&str],
) -> (ScreenLayout, Option<String>) {
    let builtin = || {
        ScreenLayout::parse(shipped, &format!("layouts/{name}.ron"), panels)
            .unwrap_or_else(|_| fallback(panels))
    };
    let Some(path) = dir.map(|d| d.join("layouts").join(format!("{name}.ron"))) else {
        return (builtin(), None);
    };
    match userfile::read(&path) {
        Ok(None) => (builtin(), None),
        Ok(Some(text)) => match ScreenLayout::parse(&text, &path.display().to_string(), panels) {
            Ok(l) => (l, None),
            Err(e) => (
                builtin(),
                Some(format!("layout refused, using the shipped one: {e}")),
            ),
        },
        Err(e) => (builtin(), Some(e.to_string())),
    }
}

/// The panels one under the other, the last taking what is left: only if a shipped
/// layout failed to parse, which a test rules out.
fn fallback(panels: &[&str]) -> ScreenLayout {
    let n = panels.len();
    ScreenLayout {
        split: Split::Vertical,
        parts: panels
            .iter()
            .enumerate()
            .map(|(i, p)| Part {
                size: if i + 1 == n {
                    Size::Fill(1)
                } else {
                    Size::Length(1)
                },
                panel: Some(p.to_string()),
                split: None,
                parts: Vec::new(),
            })
            .collect(),
    }
}

/// The shipped operator layout.
pub fn operator() -> ScreenLayout {
    load(None, "operator", OPERATOR, OPERATOR_PANELS).0
}

/// The shipped wallboard layout.
pub fn wallboard() -> ScreenLayout {
    load(None, "wallboard", WALLBOARD, WALLBOARD_PANELS).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_shipped_layouts_parse_and_place_every_panel() {
        for (text, panels) in [(OPERATOR, OPERATOR_PANELS), (WALLBOARD, WALLBOARD_PANELS)] {
            let l = ScreenLayout::parse(text, "shipped", panels).unwrap_or_else(|e| panic!("{e}"));
            let placed: Vec<&str> = l
                .areas(Rect::new(0, 0, 80, 24), &[])
                .iter()
                .map(|(p, _)| *p)
                .collect();
            assert_eq!(placed.len(), panels.len());
            assert!(panels.iter().all(|p| placed.contains(p)));
        }
        let op = operator();
        assert_eq!(
            op.area(Rect::new(0, 0, 80, 24), "footer", &[]),
            Rect::new(0, 23, 80, 1)
        );
        assert_eq!(
            op.area(Rect::new(0, 0, 80, 24), "body", &[]),
            Rect::new(0, 3, 80, 20)
        );
    }

    #[test]
    fn nested_grids_and_hidden_panels() {
        let text = r#"(split: horizontal, parts: [
            (size: Percentage(25), panel: "header"),
            (size: Fill(1), split: vertical, parts: [
                (size: Length(1), panel: "tabs"),
                (size: Fill(1), panel: "body"),
                (size: Length(1), panel: "footer"),
            ]),
        ])"#;
        let l =
            ScreenLayout::parse(text, "l.ron", OPERATOR_PANELS).unwrap_or_else(|e| panic!("{e}"));
        let area = Rect::new(0, 0, 100, 30);
        assert_eq!(l.area(area, "header", &[]), Rect::new(0, 0, 25, 30));
        assert_eq!(l.area(area, "footer", &[]), Rect::new(25, 29, 75, 1));
        assert_eq!(l.area(area, "body", &["tabs"]), Rect::new(25, 0, 75, 29));
    }

    #[test]
    fn a_bad_layout_names_every_problem_and_its_place() {
        let text = "(\n split: vertical,\n parts: [\n  (size: Length(2), panel: \"hedaer\"),\n  (size: Percentage(140), panel: \"body\"),\n  (size: Min(1), panel: \"body\"),\n  (size: Length(1)),\n ],\n)";
        let Err(UserFileError(issues)) = ScreenLayout::parse(text, "operator.ron", OPERATOR_PANELS)
        else {
            panic!("accepted a bad layout");
        };
        let all: Vec<String> = issues.iter().map(ToString::to_string).collect();
        let has = |s: &str| all.iter().any(|i| i.contains(s));
        assert!(
            has("operator.ron:4:") && has("unknown panel \"hedaer\""),
            "{all:#?}"
        );
        assert!(has("Percentage(140): above 100"), "{all:#?}");
        assert!(has("panel \"body\" placed twice"), "{all:#?}");
        assert!(
            has("a part needs a panel, or a split with parts"),
            "{all:#?}"
        );
        assert!(
            has("panel \"header\" is not placed") && has("panel \"tabs\" is not placed"),
            "{all:#?}"
        );
        let Err(e) = ScreenLayout::parse("(split: diagonal, parts: [])", "o.ron", OPERATOR_PANELS)
        else {
            panic!("accepted a diagonal split");
        };
        assert!(e.to_string().starts_with("o.ron:1:"), "{e}");
    }

    #[test]
    fn a_user_copy_overrides_and_a_bad_one_gives_the_shipped_layout() {
        let dir = std::env::temp_dir().join(format!("redcon-layouts-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("layouts")).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("layouts/operator.ron");
        let top = OPERATOR
            .replace("(size: Length(1), panel: \"footer\"),", "")
            .replace("parts: [", "parts: [(size: Length(1), panel: \"footer\"),");
        std::fs::write(&path, &top).unwrap_or_else(|e| panic!("{e}"));
        let (l, why) = load(Some(&dir), "operator", OPERATOR, OPERATOR_PANELS);
        assert_eq!(why, None);
        assert_eq!(l.area(Rect::new(0, 0, 80, 24), "footer", &[]).y, 0);
        std::fs::write(&path, "(split: vertical, parts: [").unwrap_or_else(|e| panic!("{e}"));
        let (l, why) = load(Some(&dir), "operator", OPERATOR, OPERATOR_PANELS);
        assert_eq!(l, operator());
        assert!(why.unwrap_or_default().contains("operator.ron:1:"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        #[test]
        fn any_text_is_a_layout_or_a_located_error(text in "\\PC{0,80}|[(): a-zA-Z\"0-9,\\[\\]]{0,80}") {
            match ScreenLayout::parse(&text, "l.ron", OPERATOR_PANELS) {
                Ok(l) => {
                    // and a good one lays out at any size without panicking
                    let _ = l.areas(Rect::new(0, 0, 7, 3), &["tabs"]);
                }
                Err(e) => prop_assert!(e.to_string().starts_with("l.ron:")),
            }
        }
    }
}
