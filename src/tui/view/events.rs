//! The event log, newest first: every state change the console has seen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use super::clean;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::timefmt;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let needle = app.filter.to_lowercase();
    let rows: Vec<ListItem> = app
        .log
        .newest_first()
        .filter(|e| e.text.to_lowercase().contains(&needle))
        .map(|e| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("{}  ", timefmt::stamp(e.at)), theme.dim),
                Span::raw(clean(&e.text).into_owned()),
            ]))
        })
        .collect();
    let title = format!(
        " Events {} of {} (newest first) ",
        rows.len(),
        app.log.len()
    );
    let empty = rows.is_empty();
    let list = List::new(rows)
        .block(Block::bordered().title(Span::styled(title, theme.title)))
        .highlight_style(theme.selected)
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected((!empty).then_some(app.selected));
    frame.render_stateful_widget(list, area, &mut state);
}
