//! Components: one kind group at a time (`[` / `]`), sorted with `s`, filtered by `/`.
//!
//! ```text
//!  ┌Components: UPS 6 of 6 · sort id──────────────────────────────┐
//!  │  id        kind   state        capacity  zone     metrics     │
//!  │> UPS-A1    ups    ✓ ok         300 kW    ELEC-A               │
//!  │  UPS-A2    ups    ✗ failed     300 kW    ELEC-A               │
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::clean;
use crate::tui::app::App;
use crate::tui::components::Group;
use crate::tui::theme::{Status, Theme};
use ratatui::style::Style;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = app.component_rows();
    let title = Line::from(vec![
        Span::styled(
            format!(" Components: {} ", app.group().title()),
            theme.title,
        ),
        Span::raw(format!(
            "{} rows · sort {} · [ ] kind · s sort ",
            rows.len(),
            app.sort().name()
        )),
    ]);
    let block = Block::bordered().title(title);
    if app.obs().is_none() {
        frame.render_widget(
            Paragraph::new("waiting for the first data…").block(block),
            area,
        );
        return;
    }
    let [h1, h2, h3] = app.group().headers();
    let header = Row::new(["id", "kind", "state", h1, h2, h3]).style(theme.title);
    let body: Vec<Row> = rows
        .iter()
        .map(|r| {
            // a member sits under its group; a failed item is red across the whole row
            let id = match r.parent {
                Some(_) => format!("└ {}", clean(&r.id)),
                None => clean(&r.id).into_owned(),
            };
            let style = if r.status == Status::Critical {
                theme.critical
            } else {
                Style::default()
            };
            Row::new(vec![
                Cell::from(id),
                Cell::from(clean(&r.kind).into_owned()),
                // the marker and the word: the state must read without colour
                Cell::from(Span::styled(
                    format!("{} {}", r.status.marker(), r.state),
                    theme.status(r.status),
                )),
                Cell::from(clean(&r.cells[0]).into_owned()),
                Cell::from(clean(&r.cells[1]).into_owned()),
                Cell::from(clean(&r.cells[2]).into_owned()),
            ])
            .style(style)
        })
        .collect();
    let widths = match app.group() {
        Group::It => [
            Constraint::Length(14),
            Constraint::Length(8),
            Constraint::Length(11),
            Constraint::Length(14),
            Constraint::Length(6),
            Constraint::Fill(1),
        ],
        _ => [
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Fill(1),
        ],
    };
    let empty = body.is_empty();
    let table = Table::new(body, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("> ");
    let mut state = TableState::default().with_selected((!empty).then_some(app.selected()));
    frame.render_stateful_widget(table, area, &mut state);
}
