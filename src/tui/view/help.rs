//! The `?` overlay: every key, straight from the key table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::keys;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines = Vec::new();
    let mut last = "";
    for (ctx, label, help) in keys::help_lines() {
        if ctx != last {
            lines.push(Line::styled(ctx, theme.title));
            last = ctx;
        }
        lines.push(Line::from(vec![
            Span::raw(format!("  {label:<10} ")),
            Span::raw(help),
        ]));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 48.min(area.width);
    let [row] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(Span::styled(" keys (? closes) ", theme.title))),
        popup,
    );
}
