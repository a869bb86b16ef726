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
use crate::classify::SubsystemReport;
use crate::tui::app::App;
use crate::tui::theme::{Status, Theme};
use crate::verdict::{GroupVerdict, Health, SubsystemVerdict};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(obs) = &app.obs else {
        frame.render_widget(Paragraph::new("waiting for the first data…"), area);
        return;
    };
    let c = &obs.verdict.classification;
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
        if let (Some(cell), Some(v)) = (cells.next(), obs.verdict.subsystem(s.subsystem)) {
            subsystem_tile(frame, cell, s, v, theme);
        }
    }
    if let Some(cell) = cells.next() {
        groups_tile(frame, cell, &obs.verdict.groups, theme);
    }
}

fn subsystem_tile(
    frame: &mut Frame,
    area: Rect,
    s: &SubsystemReport,
    v: &SubsystemVerdict,
    theme: &Theme,
) {
    let status = Status::of_health(v.health);
    let title = Line::from(vec![
        Span::styled(s.subsystem.name(), theme.title),
        Span::raw(" "),
        Span::styled(
            format!("{} {}", status.marker(), v.health),
            theme.status(status),
        ),
    ]);
    let (marker, mstatus) = tier_marker(v.live_tier, v.design_tier);
    let mut lines = vec![
        Line::from(vec![
            Span::raw("live "),
            Span::styled(v.live_tier.to_string(), theme.title),
            Span::raw(" "),
            Span::styled(marker, theme.status(mstatus)),
        ]),
        Line::from(format!("redundancy {} -> {}", v.design_label, v.live_label)),
    ];
    if !s.in_scope {
        lines.push(Line::styled("graded, not in the site tier", theme.dim));
    }
    // why the tile says what it says, in the verdict's own words
    if let Some(why) = &v.why {
        lines.push(Line::styled(clean(why).into_owned(), theme.status(status)));
    }
    let mut seen = Vec::new();
    for g in s.groups.iter().filter(|g| g.live_label != g.design_label) {
        let text = format!("▲ {} {} -> {}", g.kind, g.design_label, g.live_label);
        let bare = text.strip_prefix("▲ ").unwrap_or(&text);
        if !seen.contains(&text) && v.why.as_deref().is_none_or(|w| !w.contains(bare)) {
            lines.push(Line::styled(clean(&text).into_owned(), theme.degraded));
            seen.push(text);
        }
    }
    // the finding that blocks the lowest tier is the one that matters most
    if v.health != Health::Unknown
        && let Some(f) = s.live.findings.iter().min_by_key(|f| f.blocks_tier)
        && v.why.as_deref().is_none_or(|w| !f.message.contains(w))
    {
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

fn groups_tile(frame: &mut Frame, area: Rect, groups: &[GroupVerdict], theme: &Theme) {
    let worst = groups.iter().map(|g| g.health).max().unwrap_or(Health::Ok);
    let status = Status::of_health(worst);
    let bad = groups.iter().filter(|g| g.health != Health::Ok).count();
    let summary = if bad == 0 {
        format!("{} ok", status.marker())
    } else {
        format!("{} {bad} {worst}", status.marker())
    };
    let title = Line::from(vec![
        Span::styled("IT groups", theme.title),
        Span::raw(" "),
        Span::styled(summary, theme.status(status)),
    ]);
    let mut lines: Vec<Line> = groups
        .iter()
        .map(|g| {
            let st = Status::of_health(g.health);
            let label = if g.live_label == g.design_label {
                g.live_label.clone()
            } else {
                format!("{} -> {}", g.design_label, g.live_label)
            };
            let mut text = format!("{} {label} grade {}", clean(&g.id), g.grade.high.roman());
            if !g.members.is_empty() {
                text.push_str(&format!(": {}", clean(&g.members.join(", "))));
            }
            Line::from(vec![
                Span::styled(format!("{} ", st.marker()), theme.status(st)),
                Span::raw(text),
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
