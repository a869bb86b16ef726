//! The overview: one tile per subsystem and one for the IT-level groups.
//!
//! ```text
//!  ┌power ✓ ok──────────────┐┌cooling ▲ degraded──────┐
//!  │live Tier III = design  ││live Tier II ▼ below ...│
//!  │redundancy N+1 -> N+1   ││...                     │
//!  │▲ ups 2(N+1) -> 2N      │└────────────────────────┘
//!  │Not Tier IV: ...        │┌IT groups ▲ 1 degraded──┐
//!  └────────────────────────┘│▲ db1-md0 N+2 -> N+1 ...│
//! ```
//!
//! Two columns at 80 wide, three from 150: tiles stay wide enough for a finding to read.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::clean;
use super::header::tier_marker;
use crate::classify::{GroupReport, SubsystemReport};
use crate::status::subsystem_state;
use crate::tui::app::App;
use crate::tui::theme::{Status, Theme};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(obs) = &app.obs else {
        frame.render_widget(Paragraph::new("waiting for the first data…"), area);
        return;
    };
    let c = &obs.classification;
    let tiles = c.subsystems.len() + 1;
    let cols = if area.width >= 150 {
        3
    } else if area.width >= 60 {
        2
    } else {
        1
    };
    let rows = tiles.div_ceil(cols);
    let row_areas = Layout::vertical(vec![Constraint::Fill(1); rows]).split(area);
    let mut cells = row_areas.iter().flat_map(|r| {
        Layout::horizontal(vec![Constraint::Fill(1); cols])
            .split(*r)
            .to_vec()
    });
    for s in &c.subsystems {
        if let Some(cell) = cells.next() {
            subsystem_tile(frame, cell, s, theme);
        }
    }
    if let Some(cell) = cells.next() {
        groups_tile(frame, cell, &c.groups, theme);
    }
}

/// The tile's state word (shared with the wallboard's tiles).
pub(crate) fn subsystem_word(s: &SubsystemReport) -> &'static str {
    // a unit group below its design label (UPS 2(N+1) -> 2N) is a degradation even while
    // the subsystem's headline label holds; the tile must not say "ok" next to it
    match subsystem_state(s) {
        "ok" if s.groups.iter().any(|g| g.live_label != g.design_label) => "degraded",
        w => w,
    }
}

fn subsystem_tile(frame: &mut Frame, area: Rect, s: &SubsystemReport, theme: &Theme) {
    let word = subsystem_word(s);
    let status = Status::of_word(word);
    let title = Line::from(vec![
        Span::styled(s.subsystem.name(), theme.title),
        Span::raw(" "),
        Span::styled(format!("{} {word}", status.marker()), theme.status(status)),
    ]);
    let (marker, mstatus) = tier_marker(s.live.tier, s.design.tier);
    let mut lines = vec![
        Line::from(vec![
            Span::raw("live "),
            Span::styled(s.live.tier.to_string(), theme.title),
            Span::raw(" "),
            Span::styled(marker, theme.status(mstatus)),
        ]),
        Line::from(format!("redundancy {} -> {}", s.design_label, s.live_label)),
    ];
    if !s.in_scope {
        lines.push(Line::styled("graded, not in the site tier", theme.dim));
    }
    let mut seen = Vec::new();
    for g in s.groups.iter().filter(|g| g.live_label != g.design_label) {
        let text = format!("▲ {} {} -> {}", g.kind, g.design_label, g.live_label);
        if !seen.contains(&text) {
            lines.push(Line::styled(clean(&text).into_owned(), theme.degraded));
            seen.push(text);
        }
    }
    // the finding that blocks the lowest tier is the one that matters most
    if let Some(f) = s.live.findings.iter().min_by_key(|f| f.blocks_tier) {
        lines.push(Line::raw(clean(&f.message).into_owned()));
    }
    if !s.live.spofs.items.is_empty() {
        let ids: Vec<String> = s
            .live
            .spofs
            .items
            .iter()
            .map(|p| {
                let accepted = if p.accepted { " (accepted)" } else { "" };
                format!("{}{accepted}", clean(&p.id))
            })
            .collect();
        lines.push(Line::styled(format!("SPOF {}", ids.join(", ")), theme.dim));
    }
    let block = Block::bordered().title(title);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

pub(crate) fn group_status(g: &GroupReport) -> Status {
    if g.live.tolerance < 0 {
        Status::Critical
    } else if g.live.tolerance < g.design.tolerance || g.live.grade < g.design.grade {
        Status::Degraded
    } else {
        Status::Ok
    }
}

fn groups_tile(frame: &mut Frame, area: Rect, groups: &[GroupReport], theme: &Theme) {
    let worst = groups
        .iter()
        .map(group_status)
        .max_by_key(|s| *s as u8)
        .unwrap_or(Status::Ok);
    let bad = groups
        .iter()
        .filter(|g| group_status(g) != Status::Ok)
        .count();
    let summary = if bad == 0 {
        format!("{} ok", worst.marker())
    } else {
        format!("{} {bad} degraded", worst.marker())
    };
    let title = Line::from(vec![
        Span::styled("IT groups", theme.title),
        Span::raw(" "),
        Span::styled(summary, theme.status(worst)),
    ]);
    let mut lines: Vec<Line> = groups
        .iter()
        .map(|g| {
            let st = group_status(g);
            let label = if g.live.label == g.design.label {
                g.live.label.clone()
            } else {
                format!("{} -> {}", g.design.label, g.live.label)
            };
            Line::from(vec![
                Span::styled(format!("{} ", st.marker()), theme.status(st)),
                Span::raw(format!(
                    "{} {label} grade {}",
                    clean(&g.id),
                    g.live.grade.roman()
                )),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("none in this site", theme.dim));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(title))
            .wrap(Wrap { trim: true }),
        area,
    );
}
