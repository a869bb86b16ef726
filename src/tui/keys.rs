//! The keymap: one table from keys to actions. The `?` help and `redcon keys` are printed
//! from the effective keymap, so a key cannot exist without being listed there.
//!
//! `KEYS` is the built-in table and the source of truth for what each action is and does;
//! a user's `keymap.ron` (see `keymap`) can only move actions to other keys, by name.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Verb, View};

/// When a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Browsing: the normal keys.
    Browse,
    /// Typing a `/` filter: printable keys go into the filter.
    Filter,
    /// Typing a `:` command: printable keys go into the command.
    Palette,
    /// An operation's dialog: printable keys go into its reason or the typed id.
    Dialog,
    /// In every context (quitting must always work).
    Any,
}

#[derive(Debug)]
pub struct Binding {
    /// The action's name in `keymap.ron`; one name, one context.
    pub name: &'static str,
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
    ($name:literal, $code:expr, $mods:expr, $ctx:ident, $label:literal, $help:literal, $action:expr) => {
        Binding {
            name: $name,
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
    bind!("quit_always", KeyCode::Char('c'), CTRL, Any, "Ctrl-C", "quit", Action::Quit),
    bind!("quit", KeyCode::Char('q'), NONE, Browse, "q", "quit", Action::Quit),
    bind!("next_view", KeyCode::Tab, NONE, Browse, "Tab", "next/previous view", Action::NextView),
    bind!("prev_view", KeyCode::BackTab, SHIFT, Browse, "Shift-Tab", "next/previous view", Action::PrevView),
    bind!("show_overview", KeyCode::Char('1'), NONE, Browse, "1", "overview", Action::Show(View::Overview)),
    bind!("show_now", KeyCode::Char('2'), NONE, Browse, "2", "now: the problems", Action::Show(View::Now)),
    bind!("show_components", KeyCode::Char('3'), NONE, Browse, "3", "components", Action::Show(View::Components)),
    bind!("show_events", KeyCode::Char('4'), NONE, Browse, "4", "event log", Action::Show(View::Events)),
    bind!("show_topology", KeyCode::Char('5'), NONE, Browse, "5", "topology", Action::Show(View::Topology)),
    bind!("show_findings", KeyCode::Char('6'), NONE, Browse, "6", "findings & SPOFs", Action::Show(View::Findings)),
    bind!("up", KeyCode::Up, NONE, Browse, "Up", "select previous row", Action::Up),
    bind!("up", KeyCode::Char('k'), NONE, Browse, "k", "select previous row", Action::Up),
    bind!("down", KeyCode::Down, NONE, Browse, "Down", "select next row", Action::Down),
    bind!("down", KeyCode::Char('j'), NONE, Browse, "j", "select next row", Action::Down),
    bind!("top", KeyCode::Char('g'), NONE, Browse, "g", "first row", Action::Top),
    bind!("top", KeyCode::Home, NONE, Browse, "Home", "first row", Action::Top),
    bind!("bottom", KeyCode::Char('G'), NONE, Browse, "G", "last row", Action::Bottom),
    bind!("bottom", KeyCode::End, NONE, Browse, "End", "last row", Action::Bottom),
    bind!("page_up", KeyCode::PageUp, NONE, Browse, "PageUp", "page up/down", Action::PageUp),
    bind!("page_down", KeyCode::PageDown, NONE, Browse, "PageDown", "page up/down", Action::PageDown),
    bind!("ack", KeyCode::Char('a'), NONE, Browse, "a", "acknowledge + note", Action::AckStart),
    bind!("next_kind", KeyCode::Char(']'), NONE, Browse, "]", "next/prev kind group", Action::NextGroup),
    bind!("prev_kind", KeyCode::Char('['), NONE, Browse, "[", "next/prev kind group", Action::PrevGroup),
    bind!("sort", KeyCode::Char('s'), NONE, Browse, "s", "next sort order", Action::CycleSort),
    bind!("open", KeyCode::Enter, NONE, Browse, "Enter", "open the detail", Action::Open),
    bind!("filter", KeyCode::Char('/'), NONE, Browse, "/", "filter the list", Action::FilterStart),
    bind!("command", KeyCode::Char(':'), NONE, Browse, ":", "command (Tab lists)", Action::PaletteStart),
    bind!("help", KeyCode::Char('?'), NONE, Browse, "?", "show or hide this help", Action::ToggleHelp),
    bind!("back", KeyCode::Esc, NONE, Browse, "Esc", "close help, pane or filter", Action::FilterClear),
    bind!("filter_keep", KeyCode::Enter, NONE, Filter, "Enter", "keep the filter", Action::FilterEnd),
    bind!("filter_drop", KeyCode::Esc, NONE, Filter, "Esc", "drop the filter", Action::FilterClear),
    bind!("filter_backspace", KeyCode::Backspace, NONE, Filter, "Backspace", "delete a character", Action::FilterBackspace),
    bind!("command_run", KeyCode::Enter, NONE, Palette, "Enter", "run the command", Action::PaletteRun),
    bind!("command_complete", KeyCode::Tab, NONE, Palette, "Tab", "complete the command", Action::PaletteComplete),
    bind!("command_cancel", KeyCode::Esc, NONE, Palette, "Esc", "cancel the command", Action::PaletteCancel),
    bind!("command_backspace", KeyCode::Backspace, NONE, Palette, "Backspace", "delete a character", Action::PaletteBackspace),
    bind!("drain", KeyCode::Char('d'), NONE, Browse, "d", "drain (the plan comes first)", Action::OpStart(Verb::Drain)),
    bind!("undrain", KeyCode::Char('u'), NONE, Browse, "u", "undrain: back to service", Action::OpStart(Verb::Undrain)),
    bind!("standby", KeyCode::Char('t'), NONE, Browse, "t", "cluster node to standby", Action::OpStart(Verb::Standby)),
    bind!("failover", KeyCode::Char('f'), NONE, Browse, "f", "fail over (UPS: to bypass)", Action::OpStart(Verb::Failover)),
    bind!("move", KeyCode::Char('m'), NONE, Browse, "m", "move a cluster resource", Action::OpStart(Verb::Move)),
    bind!("op_enter", KeyCode::Enter, NONE, Dialog, "Enter", "next step, or the button", Action::OpEnter),
    bind!("op_focus", KeyCode::Tab, NONE, Dialog, "Tab", "Cancel <-> Confirm", Action::OpFocus),
    bind!("op_cancel", KeyCode::Esc, NONE, Dialog, "Esc", "cancel the operation", Action::OpCancel),
    bind!("op_backspace", KeyCode::Backspace, NONE, Dialog, "Backspace", "delete a character", Action::OpBackspace),
];

/// What the console is doing, as far as keys care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mode {
    pub filtering: bool,
    pub palette: bool,
    pub dialog: bool,
    pub help: bool,
    pub detail: bool,
}

/// One key of the effective keymap: a key, how it is written, and the built-in binding
/// whose action, context and help it carries.
#[derive(Debug, Clone)]
pub struct Bound {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub label: String,
    pub binding: &'static Binding,
}

impl PartialEq for Bound {
    fn eq(&self, other: &Bound) -> bool {
        self.code == other.code
            && self.mods == other.mods
            && self.label == other.label
            && self.binding.name == other.binding.name
    }
}

/// The keys in effect: the built-in table, or it with a user's rebindings applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    pub bound: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bound: KEYS
                .iter()
                .map(|b| Bound {
                    code: b.code,
                    mods: b.mods,
                    label: b.label.to_string(),
                    binding: b,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The action for a key press in `mode`. Unbound keys give None (and so no redraw).
    pub fn action(&self, key: KeyEvent, mode: Mode) -> Option<Action> {
        // key release and repeat reports (kitty protocol) would double every press
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let ctx = if mode.dialog {
            Context::Dialog
        } else if mode.palette {
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
        let bound = self
            .bound
            .iter()
            .find(|b| {
                let c = b.binding.context;
                b.code == key.code && b.mods == mods && (c == ctx || c == Context::Any)
            })
            .map(|b| (b.binding.action)());
        match (bound, ctx) {
            // Esc closes the topmost thing first: the help, then the pane, then the filter
            (Some(Action::FilterClear), Context::Browse) if mode.help => Some(Action::ToggleHelp),
            (Some(Action::FilterClear), Context::Browse) if mode.detail => {
                Some(Action::CloseDetail)
            }
            (Some(a), _) => Some(a),
            (None, Context::Filter) => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(CTRL) => Some(Action::Filter(c)),
                _ => None,
            },
            (None, Context::Palette) => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(CTRL) => Some(Action::PaletteInput(c)),
                _ => None,
            },
            (None, Context::Dialog) => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(CTRL) => Some(Action::OpInput(c)),
                _ => None,
            },
            (None, Context::Browse) => None,
            (None, Context::Any) => None,
        }
    }

    /// The help text: one line per action and context, in table order, keys that do the
    /// same thing joined (`Up, k`).
    pub fn help_lines(&self) -> Vec<(&'static str, String, &'static str)> {
        self.help_lines_for(true)
    }

    /// The help of a console that may (`operator`) or may not act: a read-only one lists
    /// no key it cannot use.
    pub fn help_lines_for(&self, operator: bool) -> Vec<(&'static str, String, &'static str)> {
        let acts = |b: &Binding| {
            b.context == Context::Dialog
                || matches!((b.action)(), Action::OpStart(_) | Action::AckStart)
        };
        let mut out: Vec<(&'static str, String, &'static str)> = Vec::new();
        for (ctx, name) in CONTEXTS {
            for b in self
                .bound
                .iter()
                .filter(|b| b.binding.context == ctx && (operator || !acts(b.binding)))
            {
                let help = b.binding.help;
                match out.iter_mut().find(|(c, _, h)| *c == name && *h == help) {
                    Some((_, labels, _)) => {
                        labels.push_str(", ");
                        labels.push_str(&b.label);
                    }
                    None => out.push((name, b.label.clone(), help)),
                }
            }
        }
        out
    }

    /// The console's part of what `redcon keys` prints: every key on its own line under its
    /// context, so a key added shows up here as in the `?` help (`tui::keys_text` adds the
    /// wallboard's table).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (ctx, name) in CONTEXTS {
            out.push_str(&format!("console, {name}:\n"));
            for b in self.bound.iter().filter(|b| b.binding.context == ctx) {
                out.push_str(&format!("  {:<10} {}\n", b.label, b.binding.help));
            }
        }
        out
    }
}

/// The action for a key press under the built-in keymap.
pub fn action(key: KeyEvent, mode: Mode) -> Option<Action> {
    Keymap::default().action(key, mode)
}

/// The contexts in the order the help and `redcon keys` list them, with their headings;
/// shared so the two listings cannot drift apart.
pub const CONTEXTS: [(Context, &str); 5] = [
    (Context::Any, "always"),
    (Context::Browse, "browsing"),
    (Context::Filter, "typing a filter"),
    (Context::Palette, "typing a : command"),
    (Context::Dialog, "in an operation's dialog"),
];

/// The built-in keymap's help lines.
pub fn help_lines() -> Vec<(&'static str, String, &'static str)> {
    Keymap::default().help_lines()
}
