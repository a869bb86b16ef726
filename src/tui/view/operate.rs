//! The operation dialog: the plan first (verdict as a word, then why, then what changes),
//! then the reason, the id to type for a site-level unit, and Cancel / Confirm with the
//! focused button marked by `>` as well as by style.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::clean;
use crate::ops::Verdict;
use crate::tui::operate::{Dialog, Step};
use crate::tui::theme::{Status, Theme};

fn verdict_style(v: Verdict, theme: &Theme) -> ratatui::style::Style {
    theme.status(match v {
        Verdict::Safe => Status::Ok,
        Verdict::Degrades => Status::Degraded,
        Verdict::Refused => Status::Critical,
    })
}

pub fn render(frame: &mut Frame, area: Rect, d: &Dialog, theme: &Theme) {
    let mut text: Vec<Line> = Vec::new();
    for (i, l) in d.lines.iter().enumerate() {
        if i == 0 {
            text.push(Line::from(Span::styled(
                clean(l).into_owned(),
                verdict_style(d.plan.verdict, theme),
            )));
        } else {
            text.push(Line::raw(clean(l).into_owned()));
        }
    }
    text.push(Line::raw(""));
    let cursor = |on: bool| if on { "_" } else { "" };
    text.push(Line::from(vec![
        Span::styled("reason: ", theme.title),
        Span::raw(clean(&d.op.reason).into_owned()),
        Span::styled(cursor(d.step == Step::Reason), theme.selected),
    ]));
    let confirming = matches!(d.step, Step::Confirm { .. });
    if d.plan.site_level && d.step != Step::Reason {
        text.push(Line::from(vec![
            Span::styled(format!("type {} to confirm: ", d.op.target), theme.title),
            Span::raw(clean(&d.typed).into_owned()),
            Span::styled(cursor(confirming), theme.selected),
        ]));
    }
    let buttons = match d.step {
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
            let confirm = if d.plan.verdict == Verdict::Refused {
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
    };
    text.push(Line::raw(""));
    text.push(buttons);
    let w = area.width.min(76);
    let h = (text.len() as u16 + 2).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let title = format!(" {} (agent {}) ", d.op.describe(), d.agent);
    let block = Block::bordered().title(Span::styled(clean(&title).into_owned(), theme.title));
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        popup,
    );
}
