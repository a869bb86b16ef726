//! The only function that changes the console's state.

use super::{App, View, command, operate};
use crate::tui::action::{Action, Effect, PAGE_ROWS};

pub fn update(app: &mut App, action: Action) -> Effect {
    let from_runtime = matches!(
        action,
        Action::PollUpdate(_) | Action::Tick(_) | Action::Resize
    );
    if !from_runtime && app.message.take().is_some() {
        app.dirty = true;
    }
    if !from_runtime {
        // a key means someone is looking: what was new is seen
        app.memory.last_look = Some(app.now);
    }
    match action {
        Action::Quit => return Effect::Quit,
        Action::NextView => app.show(app.view.step(1)),
        Action::PrevView => app.show(app.view.step(-1)),
        Action::Show(v) => app.show(v),
        Action::Up if app.selected > 0 => {
            app.selected -= 1;
            app.dirty = true;
        }
        Action::Down if app.selected + 1 < app.rows() => {
            app.selected += 1;
            app.dirty = true;
        }
        Action::Up | Action::Down => {}
        Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
            let last = app.rows().saturating_sub(1);
            let to = match action {
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => app.selected.saturating_sub(PAGE_ROWS),
                _ => (app.selected + PAGE_ROWS).min(last),
            };
            if to != app.selected {
                app.selected = to;
                app.dirty = true;
            }
        }
        Action::AckStart => return super::ack::start(app),
        Action::FilterStart => {
            app.filtering = true;
            app.dirty = true;
        }
        Action::Filter(c) if !c.is_control() => {
            app.filter.push(c);
            app.selected = 0;
            app.dirty = true;
        }
        Action::Filter(_) => {}
        Action::FilterBackspace => {
            app.filter.pop();
            app.clamp_selection();
            app.dirty = true;
        }
        Action::FilterEnd => {
            app.filtering = false;
            app.dirty = true;
        }
        Action::FilterClear => {
            app.filtering = false;
            app.filter.clear();
            app.clamp_selection();
            app.dirty = true;
        }
        Action::ToggleHelp => {
            app.help = !app.help;
            app.dirty = true;
        }
        Action::NextGroup | Action::PrevGroup if app.view == View::Components => {
            app.group = app
                .group
                .step(if action == Action::NextGroup { 1 } else { -1 });
            app.selected = 0;
            app.detail = None;
            app.dirty = true;
        }
        Action::CycleSort if app.view == View::Components => {
            app.sort = app.sort.next();
            app.selected = 0;
            app.dirty = true;
        }
        Action::NextGroup | Action::PrevGroup | Action::CycleSort => {}
        Action::Open => {
            match app.selected_target() {
                Some(id) => app.detail = Some(id),
                None if app.view == View::Findings && app.rows() > 0 => {
                    app.message = Some("this row names no element, zone or load to open".into());
                }
                None => {}
            }
            app.dirty = true;
        }
        Action::CloseDetail => {
            app.detail = None;
            app.dirty = true;
        }
        Action::PaletteStart
        | Action::PaletteInput(_)
        | Action::PaletteBackspace
        | Action::PaletteComplete
        | Action::PaletteCancel
        | Action::PaletteRun => return command::palette(app, action),
        // the runtime turns a pointer into what it means (`mouse::action`) first
        Action::Pointer(_) => {}
        Action::Select(row) if row < app.rows() && row != app.selected => {
            app.selected = row;
            app.dirty = true;
        }
        Action::Select(_) => {}
        Action::Notice(text) => {
            app.message = Some(text);
            app.dirty = true;
        }
        Action::OpStart(verb) => return operate::start(app, verb),
        Action::OpInput(_)
        | Action::OpBackspace
        | Action::OpFocus
        | Action::OpEnter
        | Action::OpCancel
        | Action::OpResult(_) => return operate::update(app, action),
        Action::PollUpdate(obs) => {
            app.observe(*obs);
            if std::mem::take(&mut app.acks_dropped) {
                return Effect::SaveAcks {
                    acks: app.memory.acks.clone(),
                    new: None,
                };
            }
        }
        Action::Tick(now) => {
            let before = app.time_text();
            app.now = now;
            if app.time_text() != before {
                app.dirty = true;
            }
        }
        Action::Resize => app.dirty = true,
    }
    if app.dirty {
        Effect::Redraw
    } else {
        Effect::None
    }
}
