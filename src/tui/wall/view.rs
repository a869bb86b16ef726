//! Drawing the wallboard: a pure function of the `Wall` and the `Theme`, like the console's
//! views. Sized to be read from across a room: a block-letter tier badge, few words a tile.
//!
//! ```text
//!  READ-ONLY WALLBOARD · dc1 · page 1/3 Overview · data <10s · 10:00 UTC
//! ┌ STALE DATA: ups-b ─────────────────────────────────────────┐   only when data ages out
//! ┌ live ─────────────────────────┐┌ verdict ──────────────────┐
//! │ █   █  ███  ████  █   █ ...   ││ WARNING  dc1              │
//! │ █   █ █   █ █   █ ██  █ ...   ││ design Tier III · = design│
//! └───────────────────────────────┘└───────────────────────────┘
//! ┌power ✓ ok──────┐┌cooling ▲ degraded┐┌network ✓ ok───┐        one tile a subsystem
//! └────────────────┘└──────────────────┘└───────────────┘
//! ┌ Now: 4 problems, worst first ───────────────────────────────┐ when there is room
//! ```

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::big;
use super::{Banner, Page, Wall};
use crate::classify::SubsystemReport;
use crate::tui::observe::Observation;
use crate::tui::theme::{Status, Theme};
use crate::tui::timefmt;
use crate::tui::view::{clean, tier_marker};
use crate::verdict::SubsystemVerdict;

/// Rows of one subsystem tile: its border and six lines (tier, why, figures, redundancy).
const TILE_H: u16 = 8;

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
    if wall.page == Page::Overview {
        overview(frame, body, wall, obs, banner == Banner::NoData, theme);
        return;
    }
    // every other page carries the verdict too: a critical site never hides behind a
    // page of green rows
    let [band, rest] = Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(body);
    strip(frame, band, wall, obs, theme);
    match wall.page {
        Page::Now => problems(frame, rest, wall, obs, theme),
        _ => groups(frame, rest, obs, theme),
    }
}

/// The verdict in one band: its word in the badge style, the live tier, the top reasons in
/// the status colour, the border in it too.
fn strip(frame: &mut Frame, area: Rect, wall: &Wall, obs: &Observation, theme: &Theme) {
    let v = &obs.verdict;
    let status = Status::of_state(v.state);
    let (marker, _) = tier_marker(v.live_tier, v.design_tier);
    let mut spans = vec![
        Span::styled(format!(" {} ", v.state), theme.badge(status)),
        Span::styled(
            format!(" {} · live {} {marker}", clean(&wall.site), v.live_tier),
            theme.title,
        ),
    ];
    for r in v.reasons.iter().take(3) {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            clean(&r.text).into_owned(),
            theme.status(Status::of_state(r.severity)),
        ));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans))
            .block(Block::bordered().border_style(theme.status(status))),
        area,
    );
}

/// The problems of the moment, as many as fit; the title says how many there are.
fn problems(frame: &mut Frame, area: Rect, wall: &Wall, obs: &Observation, theme: &Theme) {
    let all = &obs.verdict.problems;
    let room = usize::from(area.height.saturating_sub(2));
    let fits = if all.len() > room {
        room.saturating_sub(1)
    } else {
        all.len()
    };
    let mut lines: Vec<Line> = all
        .iter()
        .take(fits)
        .map(|p| crate::tui::view::now::line(wall.now, &wall.site, &wall.memory, p, theme))
        .collect();
    if all.len() > fits {
        lines.push(Line::styled(
            format!("… +{} more", all.len() - fits),
            theme.title,
        ));
    }
    if all.is_empty() {
        lines.push(Line::styled(
            "✓ every item as designed, every agent answering",
            theme.ok,
        ));
    }
    let title = match all.len() {
        0 => " Now: nothing wrong ".to_string(),
        1 => " Now: 1 problem ".to_string(),
        n => format!(" Now: {n} problems, worst first "),
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(title, theme.title))),
        area,
    );
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
    // block letters only when they leave room for the tiles (doubled when they also leave
    // room for the problems)
    let word = obs.verdict.state.to_string();
    let (big_h, huge_h) = (big::HEIGHT + 2, 2 * big::HEIGHT + 2);
    let badge_h = if area.height >= huge_h + tiles_h + 6 && area.width >= 2 * big::width(&word) + 44
    {
        huge_h
    } else if area.height >= big_h + tiles_h {
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
            let figures = crate::tui::figures::of(obs, s.subsystem);
            tile(frame, cell, s, v, &figures, theme);
        }
    }
    if top.height > 0 {
        problems(frame, top, wall, obs, theme);
    }
}

/// How large the block letters of `word` can be in `area`: 2 on a big wall, 1 where five
/// rows and the verdict's side box fit, 0 for plain text.
pub fn badge_scale(area: Rect, word: &str) -> u16 {
    let w = big::width(word);
    if area.height >= 2 * big::HEIGHT + 2 && area.width >= 2 * w + 4 + 40 {
        2
    } else if area.height >= big::HEIGHT + 2 && area.width >= w + 4 + 24 {
        1
    } else {
        0
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
    // the state first: what the room must react to, not the tier it was designed for
    let word = v.state.to_string();
    // with no data the figure is history, and the box says so in words
    let title = if no_data { " last known " } else { " now " };
    let scale = badge_scale(area, &word);
    let left_w = if scale > 0 {
        big::width(&word) * scale + 4
    } else {
        word.len() as u16 + 6
    };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    let lines: Vec<Line> = if scale > 0 {
        big::scaled(&word, scale)
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

fn tile(
    frame: &mut Frame,
    area: Rect,
    s: &SubsystemReport,
    v: &SubsystemVerdict,
    figures: &[crate::tui::figures::Figure],
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
    let mut lines = vec![Line::from(vec![
        Span::styled(v.live_tier.short(), theme.title),
        Span::raw(" "),
        Span::styled(marker, theme.status(mstatus)),
    ])];
    // the reason the tile says what it says, in the verdict's words, then the figures
    if let Some(why) = &v.why {
        lines.push(Line::styled(clean(why).into_owned(), theme.status(status)));
    }
    for f in figures {
        let style = if f.alarm {
            theme.degraded
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::styled(clean(&f.text).into_owned(), style));
    }
    lines.push(Line::raw(format!("{} -> {}", s.design_label, s.live_label)));
    if !s.in_scope {
        lines.push(Line::styled("not in the site tier", theme.dim));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        area,
    );
}

fn groups(frame: &mut Frame, area: Rect, obs: &Observation, theme: &Theme) {
    let gs = &obs.verdict.classification.groups;
    let mut lines = Vec::new();
    for g in gs {
        let st = Status::of_health(obs.group_health(&g.id));
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
