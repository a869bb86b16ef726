//! The event log, newest first: every state change the console has seen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use super::clean;
use crate::tui::app::App;
use crate::tui::log::Level;
use crate::tui::theme::{Status, Theme};
use crate::tui::timefmt;

/// The marker and colour of an event's level: the same as the problems' (a recovery in
/// the ok colour, an operator's action plain).
fn level_style(level: Level, theme: &Theme) -> (&'static str, ratatui::style::Style) {
    let status = match level {
        Level::Critical => Status::Critical,
        Level::Warning => Status::Degraded,
        Level::Unknown => Status::Unknown,
        Level::Ok => Status::Ok,
        Level::Info => return ("·", ratatui::style::Style::default()),
    };
    (status.marker(), theme.status(status))
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let needle = app.filter().to_lowercase();
    let rows: Vec<ListItem> = app
        .log()
        .newest_first()
        .filter(|e| e.text.to_lowercase().contains(&needle))
        .map(|e| {
            let (marker, style) = level_style(e.level, theme);
            ListItem::new(Line::from(vec![
                Span::styled(format!("{}  ", timefmt::stamp(e.at)), theme.dim),
                Span::styled(format!("{marker} "), style),
                Span::styled(clean(&e.text).into_owned(), style),
            ]))
        })
        .collect();
    let title = format!(
        " Events {} of {} (newest first) · Enter opens what it is about ",
        rows.len(),
        app.log().len()
    );
    let empty = rows.is_empty();
    let list = List::new(rows)
        .block(Block::bordered().title(Span::styled(title, theme.title)))
        .highlight_style(theme.selected)
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected((!empty).then_some(app.selected()));
    frame.render_stateful_widget(list, area, &mut state);
}
