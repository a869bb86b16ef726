//! The mouse, when `--mouse` turns it on (off by default: capturing the mouse takes the
//! terminal's own selection, and so copy and paste, away from the operator). A click on a
//! tab shows that view; on a row, selects it, and on the selected row, opens it, as Enter
//! would. The wheel moves the selection. Geometry comes from the same layout and helpers
//! the views draw with, so a click lands on what is drawn where it was made.

use ratatui::layout::Rect;

use super::action::{Action, Pointer};
use super::app::App;
use super::view;

/// What a pointer event means in the state shown: the action it stands for, or None when
/// it lands on nothing. Reads the state, changes nothing: `update` does that.
pub fn action(app: &App, p: Pointer) -> Option<Action> {
    let (col, row, width, height) = match p {
        Pointer::WheelUp => return Some(Action::Up),
        Pointer::WheelDown => return Some(Action::Down),
        Pointer::Click {
            col,
            row,
            width,
            height,
        } => (col, row, width, height),
    };
    // a click anywhere closes the help, as Esc would
    if app.help() {
        return Some(Action::ToggleHelp);
    }
    let screen = Rect::new(0, 0, width, height);
    let at = |r: Rect| r.contains(ratatui::layout::Position::new(col, row));
    let areas = app.layout().areas(screen, &[]);
    let area = |name: &str| {
        areas
            .iter()
            .find(|(p, _)| *p == name)
            .map_or(Rect::ZERO, |(_, r)| *r)
    };
    let tabs = area("tabs");
    if at(tabs) {
        return view::tab_at(app.view(), tabs, col).map(Action::Show);
    }
    // the detail pane covers the rows; Esc or a tab closes it
    if app.detail().is_some() {
        return None;
    }
    let rows = view::rows_area(app, area("body")).filter(|r| at(*r))?;
    // the lists draw from offset 0 and scroll just enough to show the selection
    let visible = usize::from(rows.height.max(1));
    let first = (app.selected() + 1).saturating_sub(visible);
    let index = first + usize::from(row - rows.y);
    if index >= app.rows() {
        return None;
    }
    Some(if index == app.selected() {
        Action::Open
    } else {
        Action::Select(index)
    })
}
