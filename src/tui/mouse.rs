//! The mouse, when `--mouse` turns it on (off by default: capturing the mouse takes the
//! terminal's own selection, and so copy and paste, away from the operator). A click on a
//! tab shows that view; on a row, selects it, and on the selected row, opens it, as Enter
//! would. The wheel moves the selection. Geometry comes from the same layout and helpers
//! the views draw with, so a click lands on what is drawn where it was made.

use ratatui::layout::Rect;

use super::app::{Action, App, Effect, update};
use super::view;

/// A mouse event as the runtime reports it: where, on a screen of which size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    Click {
        col: u16,
        row: u16,
        width: u16,
        height: u16,
    },
    WheelUp,
    WheelDown,
}

pub fn pointer(app: &mut App, p: Pointer) -> Effect {
    let (col, row, width, height) = match p {
        Pointer::WheelUp => return update(app, Action::Up),
        Pointer::WheelDown => return update(app, Action::Down),
        Pointer::Click {
            col,
            row,
            width,
            height,
        } => (col, row, width, height),
    };
    // a click anywhere closes the help, as Esc would
    if app.help {
        return update(app, Action::ToggleHelp);
    }
    let screen = Rect::new(0, 0, width, height);
    let at = |r: Rect| r.contains(ratatui::layout::Position::new(col, row));
    let areas = app.layout.areas(screen, &[]);
    let area = |name: &str| {
        areas
            .iter()
            .find(|(p, _)| *p == name)
            .map_or(Rect::ZERO, |(_, r)| *r)
    };
    let tabs = area("tabs");
    if at(tabs) {
        return match view::tab_at(app.view, tabs, col) {
            Some(v) => update(app, Action::Show(v)),
            None => Effect::None,
        };
    }
    // the detail pane covers the rows; Esc or a tab closes it
    if app.detail.is_some() {
        return Effect::None;
    }
    let Some(rows) = view::rows_area(app, area("body")).filter(|r| at(*r)) else {
        return Effect::None;
    };
    // the lists draw from offset 0 and scroll just enough to show the selection
    let visible = usize::from(rows.height.max(1));
    let first = (app.selected + 1).saturating_sub(visible);
    let index = first + usize::from(row - rows.y);
    if index >= app.rows() {
        return Effect::None;
    }
    if index == app.selected {
        return update(app, Action::Open);
    }
    app.selected = index;
    app.message = None;
    app.dirty = true;
    Effect::Redraw
}
