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
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::clean;
use super::header::tier_marker;
use crate::classify::SubsystemReport;
use crate::tui::app::App;
use crate::tui::figures::Figure;
use crate::tui::observe::Observation;
use crate::tui::theme::{Status, Theme};
use crate::verdict::{GroupVerdict, Health, SubsystemVerdict};

/// The body split into the list of current problems on top and the tiles below: the list
/// takes what it needs up to half the body (at least three rows, so "nothing wrong" shows).
pub fn split(body: Rect, problems: usize) -> (Rect, Rect) {
    let want = u16::try_from(problems.max(1) + 2).unwrap_or(u16::MAX);
    let most = (body.height / 2).max(3);
    let h = want.min(most).min(body.height);
    let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(body);
    (top, rest)
}

pub fn render(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(obs) = &app.obs() else {
        frame.render_widget(Paragraph::new("waiting for the first data…"), body);
        return;
    };
    let (now_area, area) = split(body, app.problem_rows().len());
    super::now::render_list(frame, now_area, app, theme, true);
    let c = &obs.verdict.classification;
    let tiles = c.subsystems.len() + 1;
    let cols = if area.width >= 150 {
        3
    } else if area.width >= 60 {
        2
    } else {
        1
    };
    let mut contents: Vec<(Line<'static>, Vec<Line<'static>>)> = Vec::with_capacity(tiles);
    for s in &c.subsystems {
        if let Some(v) = obs.verdict.subsystem(s.subsystem) {
            let figures = crate::tui::figures::of(obs, s.subsystem);
            contents.push(subsystem_tile(s, v, &figures, theme));
        }
    }
    contents.push(groups_tile(obs, theme));
    // each row of tiles as tall as its fullest tile needs, in proportion: a quiet tile
    // gives its rows to a busy one
    let weights: Vec<Constraint> = contents
        .chunks(cols)
        .map(|row| {
            let most = row.iter().map(|(_, l)| l.len()).max().unwrap_or(1);
            Constraint::Fill(u16::try_from(most + 2).unwrap_or(u16::MAX))
        })
        .collect();
    let row_areas = Layout::vertical(weights).split(area);
    let cells = row_areas.iter().flat_map(|r| {
        Layout::horizontal(vec![Constraint::Fill(1); cols])
            .split(*r)
            .to_vec()
    });
    for (cell, (title, lines)) in cells.zip(contents) {
        tile(frame, cell, title, lines, theme);
    }
}

fn subsystem_tile(
    s: &SubsystemReport,
    v: &SubsystemVerdict,
    figures: &[Figure],
    theme: &Theme,
) -> (Line<'static>, Vec<Line<'static>>) {
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
    let figure = |f: &Figure| {
        let style = if f.alarm {
            theme.degraded
        } else {
            Style::default()
        };
        Line::styled(clean(&f.text).into_owned(), style)
    };
    // bad news first, then the tier, then the figures of the moment; the design's
    // reasoning is on the Findings view
    let mut lines: Vec<Line<'static>> = figures.iter().filter(|f| f.alarm).map(figure).collect();
    lines.push(Line::from(vec![
        Span::raw("live "),
        Span::styled(v.live_tier.to_string(), theme.title),
        Span::raw(" "),
        Span::styled(marker, theme.status(mstatus)),
    ]));
    lines.extend(figures.iter().filter(|f| !f.alarm).map(figure));
    lines.push(Line::from(format!(
        "redundancy {} -> {}",
        v.design_label, v.live_label
    )));
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
    // a single point of failure the design does not have is news; the designed ones are
    // on the Findings view
    let new = crate::verdict::new_spofs(s);
    if !new.is_empty() && v.why.as_deref().is_none_or(|w| !w.contains("new SPOF")) {
        lines.push(Line::styled(
            format!("new SPOF {}", clean(&new.join(", "))),
            theme.critical,
        ));
    }
    (title, lines)
}

/// Rows `text` takes when wrapped at word boundaries to `width` (as the paragraph does).
fn wrapped_rows(text: &str, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let mut rows = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            rows += 1 + w.saturating_sub(1) / width;
            used = w % width;
        }
    }
    rows
}

/// A bordered tile whose lines never fall off its bottom unsaid: what does not fit becomes
/// "… +N more".
fn tile(
    frame: &mut Frame,
    area: Rect,
    title: Line<'static>,
    lines: Vec<Line<'static>>,
    theme: &Theme,
) {
    let inner_w = usize::from(area.width.saturating_sub(2));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let rows: Vec<usize> = lines
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner_w))
        .collect();
    let mut shown = lines;
    if rows.iter().sum::<usize>() > inner_h && inner_h > 0 {
        let mut used = 0;
        let keep = rows
            .iter()
            .take_while(|r| {
                used += *r;
                used < inner_h
            })
            .count();
        let hidden = shown.len() - keep;
        shown.truncate(keep);
        shown.push(Line::styled(format!("… +{hidden} more"), theme.dim));
    }
    frame.render_widget(
        Paragraph::new(shown)
            .block(Block::bordered().title(title))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// "master lb-2", "active eth0": the member carrying a group's work, when its agent says.
fn active_member(obs: &Observation, g: &GroupVerdict) -> Option<String> {
    let ids = crate::verdict::member_ids(&obs.site, &g.id, g.kind);
    ids.iter().find_map(|m| {
        let roles = obs.roles.get(*m)?;
        let word = roles
            .iter()
            .find(|r| matches!(r.as_str(), "MASTER" | "active"))?;
        let word = if word == "MASTER" { "master" } else { "active" };
        Some(format!("{word} {}", clean(m)))
    })
}

fn groups_tile(obs: &Observation, theme: &Theme) -> (Line<'static>, Vec<Line<'static>>) {
    let groups = &obs.verdict.groups;
    let worst = groups.iter().map(|g| g.health).max().unwrap_or(Health::Ok);
    let status = Status::of_health(worst);
    // one count per health, worst first: "1 degraded · 4 unknown", never one word for all
    let mut counts: Vec<(Health, usize)> = Vec::new();
    for g in groups.iter().filter(|g| g.health != Health::Ok) {
        match counts.iter_mut().find(|(h, _)| *h == g.health) {
            Some((_, n)) => *n += 1,
            None => counts.push((g.health, 1)),
        }
    }
    counts.sort_by_key(|(h, _)| std::cmp::Reverse(*h));
    let summary = if counts.is_empty() {
        format!("{} ok", status.marker())
    } else {
        let parts: Vec<String> = counts.iter().map(|(h, n)| format!("{n} {h}")).collect();
        format!("{} {}", status.marker(), parts.join(" · "))
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
            // which members are down is in the list of problems above
            let mut text = format!("{} {label} grade {}", clean(&g.id), g.grade.high.roman());
            if let Some(a) = active_member(obs, g) {
                text.push_str(&format!(" · {a}"));
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
    (title, lines)
}
