//! What a `:` command does to the console. Split from `update` so the palette's
//! language (`palette`) and its effects read on their own.

use super::{Action, App, Effect, View};
use crate::tui::components::{self, Group};
use crate::tui::palette::{self, Command};

/// An element, member, group, zone or load of the shown site has this id.
fn target_exists(app: &App, id: &str) -> bool {
    app.obs.as_ref().is_some_and(|o| {
        o.has_pane(id) || o.site.element(id).is_some() || app.topology.iter().any(|r| r.id == id)
    })
}

/// `:goto ID`: an element's row in Components with its pane open; anything else with a
/// pane (member, IT group, zone, load, tank) opens it over the view in force.
fn goto(app: &mut App, id: &str) {
    let Some(obs) = &app.obs else {
        app.message = Some("no data yet".into());
        return;
    };
    let found = Group::ALL.iter().find_map(|g| {
        components::rows(obs, *g, app.sort, "")
            .iter()
            .position(|r| r.id == id)
            .map(|i| (*g, i))
    });
    if let Some((group, i)) = found {
        app.show(View::Components);
        app.filter.clear();
        app.group = group;
        app.selected = i;
        app.detail = Some(id.to_string());
    } else if obs.has_pane(id) {
        app.detail = Some(id.to_string());
    } else {
        app.message = Some(format!(
            "{id}: no element, member, group, zone or load has this id"
        ));
    }
}

/// The palette's keys: typing, completing, cancelling and running a command.
pub fn palette(app: &mut App, action: Action) -> Effect {
    match action {
        Action::PaletteStart => {
            app.palette = Some(String::new());
            app.dirty = true;
        }
        Action::PaletteInput(c) if !c.is_control() => {
            if let Some(p) = &mut app.palette {
                p.push(c);
                app.dirty = true;
            }
        }
        Action::PaletteInput(_) => {}
        Action::PaletteBackspace => {
            // Backspace on an empty command leaves the palette, as in vi
            if app.palette.as_mut().and_then(String::pop).is_none() {
                app.palette = None;
            }
            app.dirty = true;
        }
        Action::PaletteComplete => {
            if let Some(p) = &mut app.palette {
                match palette::complete(p, &app.sites) {
                    // Tab that cannot decide lists what it could become
                    Some(done) if done == *p && !p.starts_with("site ") => {
                        let words = palette::candidates(p);
                        if words.len() > 1 {
                            app.message = Some(format!(":{}", words.join("  :")));
                        }
                    }
                    Some(done) => *p = done,
                    None => app.message = Some(format!("no command starts with :{p}")),
                }
                app.dirty = true;
            }
        }
        Action::PaletteCancel => {
            app.palette = None;
            app.dirty = true;
        }
        Action::PaletteRun => {
            app.dirty = true;
            let Some(text) = app.palette.take() else {
                return Effect::Redraw;
            };
            match palette::parse(&text) {
                Ok(cmd) => return run(app, cmd),
                // `:UPS-B1` is `:goto UPS-B1` when nothing else is called that
                Err(palette::PaletteError::Unknown(w)) if target_exists(app, &w) => {
                    return run(app, Command::Goto(w));
                }
                Err(e) => app.message = Some(e.to_string()),
            }
        }
        _ => {}
    }
    if app.dirty {
        Effect::Redraw
    } else {
        Effect::None
    }
}

pub fn run(app: &mut App, cmd: Command) -> Effect {
    app.dirty = true;
    match cmd {
        Command::Show(v) => app.show(v),
        Command::Components(group, kind) => {
            app.show(View::Components);
            app.group = group;
            app.detail = None;
            app.selected = kind
                .and_then(|k| {
                    app.component_rows()
                        .iter()
                        .position(|r| r.kind.starts_with(k))
                })
                .unwrap_or(0);
            if let (Some(k), true) = (kind, app.obs.is_some())
                && app.component_rows().iter().all(|r| !r.kind.starts_with(k))
            {
                app.message = Some(format!("no {k} in this site"));
            }
        }
        Command::Help => app.help = true,
        Command::Quit => return Effect::Quit,
        Command::Site(name) => return switch_site(app, name),
        Command::Goto(id) => goto(app, &id),
        Command::Ack { item, note } => return super::ack::make(app, &item, &note),
    }
    Effect::Redraw
}

fn switch_site(app: &mut App, name: String) -> Effect {
    if app.sites.len() < 2 {
        app.message = Some(match app.sites.first() {
            Some(only) => format!("only one site is configured ({only}): nothing to switch to"),
            None => "one site only (no console config with several sites)".into(),
        });
        return Effect::Redraw;
    }
    if !app.sites.contains(&name) {
        app.message = Some(format!(
            "no site {name:?}; configured: {}",
            app.sites.join(", ")
        ));
        return Effect::Redraw;
    }
    if app.current_site.as_ref() == Some(&name) {
        app.message = Some(format!("already showing {name}"));
        return Effect::Redraw;
    }
    app.generation += 1;
    app.site = name.clone();
    app.current_site = Some(name.clone());
    // the old site's state must not linger under the new name
    app.obs = None;
    app.items.clear();
    app.topology.clear();
    app.detail = None;
    app.selected = 0;
    app.log.push(app.now, format!("switched to site {name}"));
    app.message = Some(format!("switching to {name}…"));
    Effect::SwitchSite {
        name,
        generation: app.generation,
    }
}
