//! The `?` overlay: every key, straight from the key table. When the keys do not fit one
//! column (80x24 has 22 rows inside the border) they flow into a second, so no key is ever
//! hidden below the screen's edge.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::theme::Theme;

/// A column's width, border excluded: the widest label and help text side by side.
const COLUMN: u16 = 46;

pub fn render(frame: &mut Frame, area: Rect, lines: &[(&str, String, &str)], theme: &Theme) {
    // headings and keys first, laid out after: each column aligns its own labels, so one
    // long label does not push every help text in the other column off the edge
    let mut entries: Vec<(Option<&str>, &str, &str)> = Vec::new();
    let mut last = "";
    for (ctx, label, help) in lines {
        if *ctx != last {
            entries.push((None, ctx, ""));
            last = ctx;
        }
        entries.push((Some(label.as_str()), "", help));
    }
    let inner_h = area.height.saturating_sub(2).max(1) as usize;
    let cols = entries.len().div_ceil(inner_h).max(1);
    let rows = entries.len().div_ceil(cols);
    let text: Vec<Vec<Line>> = entries
        .chunks(rows.max(1))
        .map(|chunk| {
            let label_w = chunk
                .iter()
                .filter_map(|(l, _, _)| l.map(|l| l.chars().count()))
                .max()
                .unwrap_or(0);
            chunk
                .iter()
                .map(|(label, ctx, help)| match label {
                    None => Line::styled(ctx.to_string(), theme.title),
                    Some(label) => Line::from(vec![
                        Span::raw(format!(" {label:<label_w$} ")),
                        Span::raw(help.to_string()),
                    ]),
                })
                .collect()
        })
        .collect();
    let w = (COLUMN * cols as u16 + 2).min(area.width);
    let h = (rows as u16 + 2).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(" keys (? closes) ", theme.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); cols]).split(inner);
    for (chunk, col) in text.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(chunk), *col);
    }
}
