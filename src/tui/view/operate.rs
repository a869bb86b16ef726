//! The operation dialog: the plan first (verdict as a word, then why, then what changes),
//! then the reason, the id to type for a site-level unit, and Cancel / Confirm with the
//! focused button marked by `>` as well as by style.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::clean;
use crate::ops::Verdict;
use crate::tui::app::operate::{Dialog, Step};
use crate::tui::theme::{Status, Theme};

fn verdict_style(v: Verdict, theme: &Theme) -> ratatui::style::Style {
    theme.status(match v {
        Verdict::Safe => Status::Ok,
        Verdict::Degrades => Status::Degraded,
        Verdict::Uncertain => Status::Unknown,
        Verdict::Refused => Status::Critical,
    })
}

/// Rows `line` takes when wrapped at `width` columns.
fn rows(line: &Line, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    u16::try_from(line.width().div_ceil(w).max(1)).unwrap_or(u16::MAX)
}

fn rows_of(lines: &[Line], width: u16) -> u16 {
    lines
        .iter()
        .map(|l| rows(l, width))
        .fold(0, u16::saturating_add)
}

/// The plan's lines that fit in `room` rows, the last one saying how many were left out.
fn fit<'a>(body: Vec<Line<'a>>, width: u16, room: u16, theme: &Theme) -> Vec<Line<'a>> {
    if rows_of(&body, width) <= room {
        return body;
    }
    let total = body.len();
    let mut shown = Vec::new();
    let mut used = 0u16;
    for l in body {
        let r = rows(&l, width);
        // keep one row for the note
        if used + r + 1 > room {
            break;
        }
        used += r;
        shown.push(l);
    }
    let more = total - shown.len();
    shown.push(Line::styled(
        format!("… {more} more lines (--dry-run shows all)"),
        theme.dim,
    ));
    shown
}

/// The dialog: the verdict on top, the reason, the id to type and the buttons pinned at
/// the bottom, and between them as much of the plan as fits: the decision is never cut off,
/// whatever the size of the terminal or the plan.
pub fn render(frame: &mut Frame, area: Rect, d: &Dialog, theme: &Theme) {
    let w = area.width.min(76);
    let inner_w = w.saturating_sub(2).max(1);
    let mut lines = d.lines.iter();
    let head = vec![Line::from(Span::styled(
        clean(lines.next().map_or("", String::as_str)).into_owned(),
        verdict_style(d.plan.verdict, theme),
    ))];
    let body: Vec<Line> = lines.map(|l| Line::raw(clean(l).into_owned())).collect();
    let cursor = |on: bool| if on { "_" } else { "" };
    let mut foot = vec![
        Line::raw(""),
        Line::from(vec![
            Span::styled("reason: ", theme.title),
            Span::raw(clean(&d.op.reason).into_owned()),
            Span::styled(cursor(d.step == Step::Reason), theme.selected),
        ]),
    ];
    let confirming = matches!(d.step, Step::Confirm { .. });
    if d.plan.site_level && d.step != Step::Reason {
        foot.push(Line::from(vec![
            Span::styled(format!("type {} to confirm: ", d.op.target), theme.title),
            Span::raw(clean(&d.typed).into_owned()),
            Span::styled(cursor(confirming), theme.selected),
        ]));
    }
    foot.push(Line::raw(""));
    foot.push(buttons(d, theme));
    let (head_h, foot_h) = (rows_of(&head, inner_w), rows_of(&foot, inner_w));
    let body_room = area
        .height
        .saturating_sub(2 + head_h + foot_h)
        .min(rows_of(&body, inner_w));
    let body = fit(body, inner_w, body_room, theme);
    let h = (2 + head_h + rows_of(&body, inner_w) + foot_h).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let title = format!(" {} (agent {}) ", d.op.describe(), d.agent);
    let block = Block::bordered().title(Span::styled(clean(&title).into_owned(), theme.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    // the buttons win when even the verdict and the foot do not fit
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Fill(1),
        Constraint::Length(foot_h),
    ])
    .areas(inner);
    let wrap = Wrap { trim: false };
    frame.render_widget(Paragraph::new(head).wrap(wrap), top);
    frame.render_widget(Paragraph::new(body).wrap(wrap), middle);
    frame.render_widget(Paragraph::new(foot).wrap(wrap), bottom);
}

fn buttons<'a>(d: &Dialog, theme: &Theme) -> Line<'a> {
    match d.step {
        Step::Reason => Line::styled("Enter: on to the confirmation · Esc: cancel", theme.dim),
        Step::Sending => Line::styled("sent; waiting for the agent…", theme.dim),
        Step::Confirm { second } => {
            let button = |label: &str, focused: bool| {
                if focused {
                    Span::styled(format!("> {label} <"), theme.selected)
                } else {
                    Span::raw(format!("  {label}  "))
                }
            };
            let confirm = if matches!(d.plan.verdict, Verdict::Refused | Verdict::Uncertain) {
                "Confirm (refused)"
            } else if second {
                "Confirm again"
            } else {
                "Confirm"
            };
            Line::from(vec![
                button("Cancel", !d.confirm),
                Span::raw("   "),
                button(confirm, d.confirm),
            ])
        }
    }
}
