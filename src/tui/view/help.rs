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
    let label_w = lines
        .iter()
        .map(|(_, l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = Vec::new();
    let mut last = "";
    for (ctx, label, help) in lines {
        if *ctx != last {
            text.push(Line::styled(ctx.to_string(), theme.title));
            last = ctx;
        }
        text.push(Line::from(vec![
            Span::raw(format!(" {label:<label_w$} ")),
            Span::raw(help.to_string()),
        ]));
    }
    let inner_h = area.height.saturating_sub(2).max(1) as usize;
    let cols = text.len().div_ceil(inner_h).max(1);
    let rows = text.len().div_ceil(cols);
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
    for (chunk, col) in text.chunks(rows.max(1)).zip(areas.iter()) {
        frame.render_widget(Paragraph::new(chunk.to_vec()), *col);
    }
}
