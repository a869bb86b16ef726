//! Acknowledging a problem: `a` on a problem row opens the palette with `:ack ITEM `, the
//! operator types a note, Enter makes the acknowledgement. Only an operator console can: a
//! read-only face shows acknowledgements and cannot make them.

use super::{App, Effect, View};
use crate::tui::now::Ack;

/// `a`: start an acknowledgement of the selected problem.
pub fn start(app: &mut App) -> Effect {
    app.dirty = true;
    if app.authority.is_none() {
        app.message =
            Some("read-only console: acknowledgements are made from an operator console".into());
        return Effect::Redraw;
    }
    let item = matches!(app.view, View::Overview | View::Now)
        .then(|| app.problem_rows().get(app.selected).map(|p| p.item.clone()))
        .flatten();
    match item {
        Some(item) => app.palette = Some(format!("ack {item} ")),
        None => {
            app.message = Some(
                "select a problem (Overview or Now) to acknowledge it, or :ack ITEM NOTE".into(),
            );
        }
    }
    Effect::Redraw
}

/// `:ack ITEM NOTE`: acknowledge the worst current problem of `item`.
pub fn make(app: &mut App, item: &str, note: &str) -> Effect {
    app.dirty = true;
    let Some(authority) = &app.authority else {
        app.message =
            Some("read-only console: acknowledgements are made from an operator console".into());
        return Effect::Redraw;
    };
    let Some(p) = app
        .obs
        .as_ref()
        .and_then(|o| o.verdict.problems.iter().find(|p| p.item == item))
    else {
        app.message = Some(format!("{item}: no current problem to acknowledge"));
        return Effect::Redraw;
    };
    let ack = Ack {
        site: app.site.clone(),
        item: p.item.clone(),
        trouble: p.trouble,
        severity: p.severity,
        operator: authority.name().to_string(),
        note: note.trim().to_string(),
        at: app
            .now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    app.memory
        .acks
        .retain(|a| !(a.site == ack.site && a.item == ack.item));
    app.memory.acks.push(ack.clone());
    app.message = Some(format!("{item} acknowledged"));
    Effect::SaveAcks {
        acks: app.memory.acks.clone(),
        new: Some(ack),
    }
}
