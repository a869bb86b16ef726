//! Findings & SPOFs (live): the list, filtered by `/`, and the selected row in full below
//! it, since a finding rarely fits on one line at 80 columns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::clean;
use crate::tui::app::App;
use crate::tui::items::{self, ItemKind};
use crate::tui::theme::{Status, Theme};

fn status(kind: ItemKind) -> Status {
    match kind {
        ItemKind::NewSpof => Status::Critical,
        ItemKind::Finding | ItemKind::Spof => Status::Degraded,
        ItemKind::AcceptedSpof => Status::Ok,
    }
}

/// The list above and the selected row's box below; the box grows with the screen, and at
/// 24 rows it still leaves 10 rows of list.
fn split(area: Rect) -> [Rect; 2] {
    let detail_h = (area.height / 4).clamp(4, 10);
    Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(area)
}

/// Where the list is drawn (the mouse needs it too).
pub(super) fn list_area(area: Rect) -> Rect {
    split(area)[0]
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = items::filtered(app.items(), app.filter());
    let [list_area, detail_area] = split(area);
    let title = format!(
        " Findings & SPOFs (live) {} of {} ",
        rows.len(),
        app.items().len()
    );
    let list_items: Vec<ListItem> = rows
        .iter()
        .map(|i| {
            let st = status(i.kind);
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<8} ", i.kind.word()), theme.status(st)),
                Span::styled(format!("{:<8}", i.scope), theme.dim),
                Span::raw(clean(&i.text).into_owned()),
            ]))
        })
        .collect();
    let empty = list_items.is_empty();
    let list = List::new(list_items)
        .block(Block::bordered().title(Span::styled(title, theme.title)))
        .highlight_style(theme.selected)
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected((!empty).then_some(app.selected()));
    frame.render_stateful_widget(list, list_area, &mut state);
    let detail = match rows.get(app.selected()) {
        Some(i) => Paragraph::new(vec![
            Line::from(vec![
                Span::styled(i.kind.word(), theme.status(status(i.kind))),
                Span::raw(format!(" · {}", i.scope)),
            ]),
            Line::raw(clean(&i.text).into_owned()),
        ]),
        None if app.items().is_empty() => {
            Paragraph::new("nothing to report: no findings, no SPOFs")
        }
        None => Paragraph::new("no row matches the filter"),
    };
    frame.render_widget(
        detail
            .block(Block::bordered().title(" selected "))
            .wrap(Wrap { trim: true }),
        detail_area,
    );
}
