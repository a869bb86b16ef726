//! Drawing the wallboard: a pure function of the `Wall` and the `Theme`, like the console's
//! views. Sized to be read from across a room: a block-letter tier badge, few words a tile.
//!
//! ```text
//!  READ-ONLY WALLBOARD · dc1 · page 1/3 Overview · data <10s · 10:00 UTC
//! ┌ STALE DATA: ups-b ─────────────────────────────────────────┐   only when data ages out
//! ┌ live ─────────────────────────┐┌ verdict ──────────────────┐
//! │ █████ ███ ████ ████   ███ ... ││ WARNING  dc1              │
//! │   █    █  █    █   █   █  ... ││ design Tier III · = design│
//! └───────────────────────────────┘└───────────────────────────┘
//! ┌power ✓ ok──────┐┌cooling ▲ degraded┐┌network ✓ ok───┐        one tile a subsystem
//! └────────────────┘└──────────────────┘└───────────────┘
//! ┌ Top findings ───────────────────────────────────────────────┐ when there is room
//! ```

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::big;
use super::{Banner, Page, Wall};
use crate::classify::SubsystemReport;
use crate::tui::items::{Item, ItemKind};
use crate::tui::observe::Observation;
use crate::tui::theme::{Status, Theme};
use crate::tui::timefmt;
use crate::tui::view::{clean, group_health, tier_marker};
use crate::verdict::SubsystemVerdict;

/// Rows of one subsystem tile: its border and four lines.
const TILE_H: u16 = 6;

pub fn render(frame: &mut Frame, wall: &Wall, theme: &Theme) {
    let banner = wall.banner();
    // the banner takes no room while there is nothing to say
    let hidden: &[&str] = if banner == Banner::None {
        &["banner"]
    } else {
        &[]
    };
    let (mut head, mut band, mut body) = (Rect::ZERO, Rect::ZERO, Rect::ZERO);
    for (panel, area) in wall.layout.areas(frame.area(), hidden) {
        match panel {
            "head" => head = area,
            "banner" => band = area,
            "page" => body = area,
            _ => {}
        }
    }
    render_head(frame, head, wall, theme);
    render_banner(frame, band, &banner, theme);
    let Some(obs) = &wall.obs else {
        frame.render_widget(Paragraph::new("waiting for the first data…"), body);
        return;
    };
    match wall.page {
        Page::Overview => overview(frame, body, wall, obs, banner == Banner::NoData, theme),
        Page::Findings => findings(frame, body, &wall.items, true, theme),
        Page::Groups => groups(frame, body, obs, theme),
    }
}

fn render_head(frame: &mut Frame, area: Rect, wall: &Wall, theme: &Theme) {
    let newest = wall.obs.as_ref().and_then(|o| o.newest);
    let mut spans = vec![
        Span::styled(" READ-ONLY WALLBOARD ", theme.title),
        Span::raw(format!(
            "· {} · page {}/{} {} · data {} · {} ",
            clean(&wall.site),
            wall.page.number(),
            Page::ALL.len(),
            wall.page.title(),
            timefmt::age(wall.now, newest),
            timefmt::clock(wall.now)
        )),
    ];
    // key hints only where they fit whole: a wall is read, seldom typed at
    if area.width >= 100 {
        spans.push(Span::styled("· n/p page · q quit", theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_banner(frame: &mut Frame, area: Rect, banner: &Banner, theme: &Theme) {
    let (text, status) = match banner {
        Banner::None => return,
        Banner::NoData => (
            "!! NO DATA !!  no agent is answering: every figure below is the last known".into(),
            Status::Critical,
        ),
        Banner::Stale(names) => (
            format!("!! STALE DATA: {} !!", clean(&names.join(", "))),
            Status::Degraded,
        ),
    };
    // the whole band in the badge style: loud in colour, reversed without it
    let style = theme.badge(status);
    frame.render_widget(
        Paragraph::new(Line::styled(text, style))
            .alignment(Alignment::Center)
            .block(Block::bordered().style(style)),
        area,
    );
}

fn overview(
    frame: &mut Frame,
    area: Rect,
    wall: &Wall,
    obs: &Observation,
    no_data: bool,
    theme: &Theme,
) {
    let c = &obs.verdict.classification;
    let tiles = c.subsystems.len().max(1) as u16;
    let cols: u16 = tiles.min(if area.width >= 150 { 6 } else { 3 });
    let tiles_h = tiles.div_ceil(cols) * TILE_H;
    // block letters only when they leave room for the tiles
    let big_h = big::HEIGHT + 2;
    let badge_h = if area.height >= big_h + tiles_h {
        big_h
    } else {
        3
    };
    let findings_h = area.height.saturating_sub(badge_h + tiles_h);
    let [badge, tile_area, top] = Layout::vertical([
        Constraint::Length(badge_h),
        Constraint::Length(tiles_h.min(area.height.saturating_sub(badge_h))),
        Constraint::Length(if findings_h >= 4 { findings_h } else { 0 }),
    ])
    .areas(area);
    render_badge(frame, badge, wall, obs, no_data, theme);
    let rows = Layout::vertical(vec![
        Constraint::Length(TILE_H);
        tiles.div_ceil(cols) as usize
    ])
    .split(tile_area);
    let mut cells = rows.iter().flat_map(|r| {
        Layout::horizontal(vec![Constraint::Fill(1); cols as usize])
            .split(*r)
            .to_vec()
    });
    for s in &c.subsystems {
        if let (Some(cell), Some(v)) = (cells.next(), obs.verdict.subsystem(s.subsystem)) {
            tile(frame, cell, s, v, theme);
        }
    }
    if top.height > 0 {
        // one line each here: more of them, and the findings page has them in full
        findings(frame, top, &wall.items, false, theme);
    }
}

fn render_badge(
    frame: &mut Frame,
    area: Rect,
    wall: &Wall,
    obs: &Observation,
    no_data: bool,
    theme: &Theme,
) {
    let v = &obs.verdict;
    let status = Status::of_state(v.state);
    let word = match v.live_tier.known() {
        Some(t) => format!("TIER {}", t.roman()),
        None => format!(
            "TIER {}-{}",
            v.live_tier.low.roman(),
            v.live_tier.high.roman()
        ),
    };
    // with no data the figure is history, and the box says so in words
    let title = if no_data { " last known " } else { " live " };
    let big_w = big::width(&word) + 4;
    let block_letters = area.height >= big::HEIGHT + 2 && area.width >= big_w + 24;
    let left_w = if block_letters {
        big_w
    } else {
        word.len() as u16 + 6
    };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    let lines: Vec<Line> = if block_letters {
        big::lines(&word)
            .into_iter()
            .map(|l| Line::styled(format!(" {l}"), theme.status(status)))
            .collect()
    } else {
        vec![Line::styled(format!(" {word} "), theme.badge(status))]
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(title, theme.title))),
        left,
    );
    let (marker, mstatus) = tier_marker(v.live_tier, v.design_tier);
    let side = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", v.state), theme.badge(status)),
            Span::styled(format!("  {}", clean(&wall.site)), theme.title),
        ]),
        Line::from(vec![
            Span::raw("design "),
            Span::styled(v.design_tier.to_string(), theme.title),
            Span::raw(" · live "),
            Span::styled(v.live_tier.to_string(), theme.title),
        ]),
        Line::styled(marker, theme.status(mstatus)),
    ];
    // why the verdict is what it is, as far as the box lets it, in the status colour
    let reasons = v.reasons.iter().map(|r| {
        let st = Status::of_state(r.severity);
        Line::styled(clean(&r.text).into_owned(), theme.status(st))
    });
    frame.render_widget(
        Paragraph::new(side.into_iter().chain(reasons).collect::<Vec<_>>())
            // no trim: it would eat the padding that makes the verdict a badge
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" verdict ")),
        right,
    );
}

fn tile(frame: &mut Frame, area: Rect, s: &SubsystemReport, v: &SubsystemVerdict, theme: &Theme) {
    let status = Status::of_health(v.health);
    let title = Line::from(vec![
        Span::styled(s.subsystem.name(), theme.title),
        Span::raw(" "),
        Span::styled(
            format!("{} {}", status.marker(), v.health),
            theme.status(status),
        ),
    ]);
    // short enough for a third of 80 columns: `Tier I ▼ design III`
    let (marker, mstatus) = match v.live_tier.known().map(|t| t.cmp(&s.design.tier)) {
        None => ("? unknown items".to_string(), Status::Unknown),
        Some(std::cmp::Ordering::Equal) => ("= design".to_string(), Status::Ok),
        Some(std::cmp::Ordering::Less) => (
            format!("▼ design {}", s.design.tier.roman()),
            Status::Critical,
        ),
        Some(std::cmp::Ordering::Greater) => {
            (format!("▲ design {}", s.design.tier.roman()), Status::Ok)
        }
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(v.live_tier.short(), theme.title),
            Span::raw(" "),
            Span::styled(marker, theme.status(mstatus)),
        ]),
        Line::raw(format!("{} -> {}", s.design_label, s.live_label)),
    ];
    // the reason the tile says what it says, in the verdict's words
    if let Some(why) = &v.why {
        lines.push(Line::styled(clean(why).into_owned(), theme.status(status)));
    }
    if !s.in_scope {
        lines.push(Line::styled("not in the site tier", theme.dim));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        area,
    );
}

fn item_status(kind: ItemKind) -> Status {
    match kind {
        ItemKind::NewSpof => Status::Critical,
        ItemKind::Finding | ItemKind::Spof => Status::Degraded,
        ItemKind::AcceptedSpof => Status::Ok,
    }
}

/// Findings and SPOFs, as many as fit whole (wrapped or cut to a line each); the title
/// says how many there are.
fn findings(frame: &mut Frame, area: Rect, items: &[Item], wrap: bool, theme: &Theme) {
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let mut room = area.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for i in items {
        let text = clean(&i.text);
        // kind and scope columns take 18 cells before the text
        let rows = if wrap {
            (18 + text.chars().count()).div_ceil(inner_w)
        } else {
            1
        };
        if rows > room {
            break;
        }
        room -= rows;
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<8} ", i.kind.word()),
                theme.status(item_status(i.kind)),
            ),
            Span::styled(format!("{:<8} ", i.scope), theme.dim),
            Span::raw(text.into_owned()),
        ]));
    }
    let title = format!(
        " Findings & SPOFs (live): {} of {} ",
        lines.len(),
        items.len()
    );
    if items.is_empty() {
        lines.push(Line::raw("✓ nothing to report: no findings, no SPOFs"));
    }
    let mut list = Paragraph::new(lines);
    if wrap {
        list = list.wrap(Wrap { trim: false });
    }
    frame.render_widget(
        list.block(Block::bordered().title(Span::styled(title, theme.title))),
        area,
    );
}

fn groups(frame: &mut Frame, area: Rect, obs: &Observation, theme: &Theme) {
    let gs = &obs.verdict.classification.groups;
    let mut lines = Vec::new();
    for g in gs {
        let st = Status::of_health(group_health(obs, &g.id));
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", st.marker()), theme.status(st)),
            Span::styled(format!("{:<14} ", clean(&g.id)), theme.title),
            Span::raw(format!(
                "{:<8} {} -> {}  grade {}",
                format!("{:?}", g.kind).to_lowercase(),
                g.design.label,
                g.live.label,
                g.live.grade.roman()
            )),
        ]));
        for n in &g.notes {
            lines.push(Line::styled(format!("    {}", clean(n)), theme.dim));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("no IT-level groups in this site", theme.dim));
    }
    let title = format!(" IT groups: {} ", gs.len());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(title, theme.title))),
        area,
    );
}
