//! The keymap: one table from keys to actions. The `?` help is printed from this table, so
//! a key cannot exist without being listed there.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, View};

/// When a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Browsing: the normal keys.
    Browse,
    /// Typing a `/` filter: printable keys go into the filter.
    Filter,
    /// Typing a `:` command: printable keys go into the command.
    Palette,
    /// In every context (quitting must always work).
    Any,
}

pub struct Binding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub context: Context,
    /// How the key is written in the help.
    pub label: &'static str,
    pub help: &'static str,
    pub action: fn() -> Action,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! bind {
    ($code:expr, $mods:expr, $ctx:ident, $label:literal, $help:literal, $action:expr) => {
        Binding {
            code: $code,
            mods: $mods,
            context: Context::$ctx,
            label: $label,
            help: $help,
            action: || $action,
        }
    };
}

// one binding a line: the table is the keymap, it should read as one
#[rustfmt::skip]
pub const KEYS: &[Binding] = &[
    bind!(KeyCode::Char('c'), CTRL, Any, "Ctrl-C", "quit", Action::Quit),
    bind!(KeyCode::Char('q'), NONE, Browse, "q", "quit", Action::Quit),
    bind!(KeyCode::Tab, NONE, Browse, "Tab", "next view", Action::NextView),
    bind!(KeyCode::BackTab, SHIFT, Browse, "Shift-Tab", "previous view", Action::PrevView),
    bind!(KeyCode::Char('1'), NONE, Browse, "1", "overview", Action::Show(View::Overview)),
    bind!(KeyCode::Char('2'), NONE, Browse, "2", "findings & SPOFs", Action::Show(View::Findings)),
    bind!(KeyCode::Char('3'), NONE, Browse, "3", "components", Action::Show(View::Components)),
    bind!(KeyCode::Char('4'), NONE, Browse, "4", "event log", Action::Show(View::Events)),
    bind!(KeyCode::Char('5'), NONE, Browse, "5", "topology", Action::Show(View::Topology)),
    bind!(KeyCode::Up, NONE, Browse, "Up", "select previous row", Action::Up),
    bind!(KeyCode::Char('k'), NONE, Browse, "k", "select previous row", Action::Up),
    bind!(KeyCode::Down, NONE, Browse, "Down", "select next row", Action::Down),
    bind!(KeyCode::Char('j'), NONE, Browse, "j", "select next row", Action::Down),
    bind!(KeyCode::Char(']'), NONE, Browse, "]", "components: next/prev kind", Action::NextGroup),
    bind!(KeyCode::Char('['), NONE, Browse, "[", "components: next/prev kind", Action::PrevGroup),
    bind!(KeyCode::Char('s'), NONE, Browse, "s", "components: next sort order", Action::CycleSort),
    bind!(KeyCode::Enter, NONE, Browse, "Enter", "open the row's detail", Action::Open),
    bind!(KeyCode::Char('/'), NONE, Browse, "/", "filter the list", Action::FilterStart),
    bind!(KeyCode::Char(':'), NONE, Browse, ":", "a command: :ups, :site NAME", Action::PaletteStart),
    bind!(KeyCode::Char('?'), NONE, Browse, "?", "show or hide this help", Action::ToggleHelp),
    bind!(KeyCode::Esc, NONE, Browse, "Esc", "close help, pane or filter", Action::FilterClear),
    bind!(KeyCode::Enter, NONE, Filter, "Enter", "keep the filter", Action::FilterEnd),
    bind!(KeyCode::Esc, NONE, Filter, "Esc", "drop the filter", Action::FilterClear),
    bind!(KeyCode::Backspace, NONE, Filter, "Backspace", "delete a character", Action::FilterBackspace),
    bind!(KeyCode::Enter, NONE, Palette, "Enter", "run the command", Action::PaletteRun),
    bind!(KeyCode::Tab, NONE, Palette, "Tab", "complete the command", Action::PaletteComplete),
    bind!(KeyCode::Esc, NONE, Palette, "Esc", "cancel the command", Action::PaletteCancel),
    bind!(KeyCode::Backspace, NONE, Palette, "Backspace", "delete a character", Action::PaletteBackspace),
];

/// What the console is doing, as far as keys care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mode {
    pub filtering: bool,
    pub palette: bool,
    pub help: bool,
    pub detail: bool,
}

/// The action for a key press in `mode`. Unbound keys give None (and so no redraw).
pub fn action(key: KeyEvent, mode: Mode) -> Option<Action> {
    // key release and repeat reports (kitty protocol) would double every press
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctx = if mode.palette {
        Context::Palette
    } else if mode.filtering {
        Context::Filter
    } else {
        Context::Browse
    };
    // BackTab arrives with SHIFT on some terminals and without on others
    let mods = if key.code == KeyCode::BackTab {
        SHIFT
    } else {
        key.modifiers - SHIFT
    };
    let bound = KEYS
        .iter()
        .find(|b| {
            b.code == key.code && b.mods == mods && (b.context == ctx || b.context == Context::Any)
        })
        .map(|b| (b.action)());
    match (bound, ctx) {
        // Esc closes the topmost thing first: the help, then the pane, then the filter
        (Some(Action::FilterClear), Context::Browse) if mode.help => Some(Action::ToggleHelp),
        (Some(Action::FilterClear), Context::Browse) if mode.detail => Some(Action::CloseDetail),
        (Some(a), _) => Some(a),
        (None, Context::Filter) => match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(CTRL) => Some(Action::Filter(c)),
            _ => None,
        },
        (None, Context::Palette) => match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(CTRL) => Some(Action::PaletteInput(c)),
            _ => None,
        },
        (None, Context::Browse) => None,
        (None, Context::Any) => None,
    }
}

/// The contexts in the order the help and `redcon keys` list them, with their headings;
/// shared so the two listings cannot drift apart.
const CONTEXTS: [(Context, &str); 4] = [
    (Context::Any, "always"),
    (Context::Browse, "browsing"),
    (Context::Filter, "typing a filter"),
    (Context::Palette, "typing a : command"),
];

/// The help text: one line per action and context, in table order, keys that do the same
/// thing joined (`Up, k`).
pub fn help_lines() -> Vec<(&'static str, String, &'static str)> {
    let mut out: Vec<(&'static str, String, &'static str)> = Vec::new();
    for (ctx, name) in CONTEXTS {
        for b in KEYS.iter().filter(|b| b.context == ctx) {
            match out.iter_mut().find(|(c, _, h)| *c == name && *h == b.help) {
                Some((_, labels, _)) => {
                    labels.push_str(", ");
                    labels.push_str(b.label);
                }
                None => out.push((name, b.label.to_string(), b.help)),
            }
        }
    }
    out
}

/// What `redcon keys` prints: every binding of the console's table on its own line under
/// its context, then the wallboard's table. Read from `KEYS` and `wall::KEYS` themselves,
/// so a key added to either shows up here as it does in the `?` help.
pub fn keys_text() -> String {
    let mut out = String::new();
    for (ctx, name) in CONTEXTS {
        out.push_str(&format!("console, {name}:\n"));
        for b in KEYS.iter().filter(|b| b.context == ctx) {
            out.push_str(&format!("  {:<10} {}\n", b.label, b.help));
        }
    }
    out.push_str("wallboard:\n");
    for k in super::wall::KEYS {
        out.push_str(&format!("  {:<10} {}\n", k.label, k.help));
    }
    out
}
