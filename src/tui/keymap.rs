//! `keymap.ron`: a user's rebindings of the console's keys, by action name.
//!
//! ```ron
//! {
//!     "down": ["j", "Down", "Ctrl-N"],
//!     "up": ["k", "Up", "Ctrl-P"],
//! }
//! ```
//!
//! An action named in the file gets exactly the keys listed; actions left out keep their
//! built-in keys. A file with any problem (syntax, an unknown action or key, two actions
//! on one key, an action with no key) is refused whole, every problem reported, and the
//! built-in keymap used: half a keymap would leave an operator guessing which keys work.
#![allow(
    clippy::indexing_slicing,
    reason = "i enumerates bound, so i + 1 is at most its length"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyModifiers};

use super::keys::{Binding, Bound, Context, KEYS, Keymap};
use super::userfile::{self, UserFileError, issue_at};

/// Where the user's keymap lives: `keymap.ron` in redcon's config dir.
pub fn user_path() -> Option<PathBuf> {
    Some(crate::config::config_dir()?.join("keymap.ron"))
}

/// The keymap in effect: the user's file over the built-in table, or the built-in table
/// and the reason the file was refused.
pub fn load(path: Option<&Path>) -> (Keymap, Option<UserFileError>) {
    let Some(path) = path else {
        return (Keymap::default(), None);
    };
    let text = match userfile::read(path) {
        Ok(Some(t)) => t,
        Ok(None) => return (Keymap::default(), None),
        Err(e) => return (Keymap::default(), Some(e)),
    };
    match parse(&text, &path.display().to_string()) {
        Ok(k) => (k, None),
        Err(e) => (Keymap::default(), Some(e)),
    }
}

/// A key as the help writes it: `q`, `Enter`, `Shift-Tab`, `Ctrl-C`, `Alt-x`, `F5`.
pub fn parse_key(s: &str) -> Result<(KeyCode, KeyModifiers), UnknownKey> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        let (prefix, m) = if let Some(r) = rest.strip_prefix("Ctrl-") {
            (r, KeyModifiers::CONTROL)
        } else if let Some(r) = rest.strip_prefix("Alt-") {
            (r, KeyModifiers::ALT)
        } else if let Some(r) = rest.strip_prefix("Shift-") {
            (r, KeyModifiers::SHIFT)
        } else {
            break;
        };
        // `Ctrl-` alone is no key; `Ctrl--` is Ctrl and the minus key
        if prefix.is_empty() {
            break;
        }
        mods |= m;
        rest = prefix;
    }
    let named = match rest {
        "Enter" => Some(KeyCode::Enter),
        "Esc" => Some(KeyCode::Esc),
        "Tab" if mods.contains(KeyModifiers::SHIFT) => Some(KeyCode::BackTab),
        "Tab" => Some(KeyCode::Tab),
        "Backspace" => Some(KeyCode::Backspace),
        "Delete" => Some(KeyCode::Delete),
        "Insert" => Some(KeyCode::Insert),
        "Up" => Some(KeyCode::Up),
        "Down" => Some(KeyCode::Down),
        "Left" => Some(KeyCode::Left),
        "Right" => Some(KeyCode::Right),
        "Home" => Some(KeyCode::Home),
        "End" => Some(KeyCode::End),
        "PageUp" => Some(KeyCode::PageUp),
        "PageDown" => Some(KeyCode::PageDown),
        "Space" => Some(KeyCode::Char(' ')),
        _ => None,
    };
    if let Some(code) = named {
        return Ok((code, mods));
    }
    if let Some(n) = rest.strip_prefix('F').and_then(|n| n.parse::<u8>().ok())
        && (1..=24).contains(&n)
    {
        return Ok((KeyCode::F(n), mods));
    }
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() && c != ' ' => {
            // a letter with Shift arrives as the capital and the lookup ignores the SHIFT
            // bit; with Ctrl, terminals send the small letter
            let code = if mods.contains(KeyModifiers::SHIFT) {
                KeyCode::Char(c.to_ascii_uppercase())
            } else if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            };
            Ok((code, mods - KeyModifiers::SHIFT))
        }
        _ => Err(UnknownKey(s.to_string())),
    }
}

/// A key `parse_key` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown key {0:?} (a character, Enter, Esc, Tab, Backspace, Up, Down, Left, Right, Home, End, PageUp, PageDown, Space, F1-F24, with Ctrl-/Alt-/Shift-)"
)]
pub struct UnknownKey(pub String);

/// A key written back as `parse_key` reads it.
pub fn format_key(code: KeyCode, mods: KeyModifiers) -> String {
    let mut out = String::new();
    if mods.contains(KeyModifiers::CONTROL) {
        out.push_str("Ctrl-");
    }
    if mods.contains(KeyModifiers::ALT) {
        out.push_str("Alt-");
    }
    if mods.contains(KeyModifiers::SHIFT) && !matches!(code, KeyCode::Char(_)) {
        out.push_str("Shift-");
    }
    let name = match code {
        KeyCode::BackTab => "Tab".into(),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
            c.to_ascii_uppercase().to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    out.push_str(&name);
    out
}

/// A user keymap over the built-in table. `file` names the source in errors.
pub fn parse(text: &str, file: &str) -> Result<Keymap, UserFileError> {
    let map: BTreeMap<String, Vec<String>> = userfile::from_ron(text, file)?;
    let mut issues = Vec::new();
    let mut bound: Vec<Bound> = Keymap::default().bound;
    for (name, keys) in &map {
        let quoted = format!("\"{name}\"");
        let Some(binding) = KEYS.iter().find(|b| b.name == name) else {
            let known: Vec<&str> = names();
            issues.push(issue_at(
                text,
                file,
                &quoted,
                format!("unknown action {name:?}; actions: {}", known.join(", ")),
            ));
            continue;
        };
        if keys.is_empty() {
            issues.push(issue_at(
                text,
                file,
                &quoted,
                format!("{name}: no key given (leave it out to keep its built-in keys)"),
            ));
            continue;
        }
        bound.retain(|b| b.binding.name != name);
        for k in keys {
            match parse_key(k) {
                Ok((code, mods)) => bound.push(Bound {
                    code,
                    mods,
                    label: format_key(code, mods),
                    binding,
                }),
                Err(m) => issues.push(issue_at(text, file, &format!("\"{k}\""), m.to_string())),
            }
        }
    }
    // table order, so the help reads the same whatever order the file is in
    bound.sort_by_key(|b| KEYS.iter().position(|k| k.name == b.binding.name));
    for (i, a) in bound.iter().enumerate() {
        for b in &bound[i + 1..] {
            if a.code == b.code && a.mods == b.mods && overlap(a.binding, b.binding) {
                issues.push(issue_at(
                    text,
                    file,
                    &format!("\"{}\"", b.label),
                    format!(
                        "{} is bound to both {} and {}",
                        a.label, a.binding.name, b.binding.name
                    ),
                ));
            }
        }
    }
    if issues.is_empty() {
        Ok(Keymap { bound })
    } else {
        Err(UserFileError(issues))
    }
}

fn overlap(a: &Binding, b: &Binding) -> bool {
    a.context == b.context || a.context == Context::Any || b.context == Context::Any
}

/// Every action name, in table order.
pub fn names() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for b in KEYS {
        if !out.contains(&b.name) {
            out.push(b.name);
        }
    }
    out
}

/// The keymap as a `keymap.ron` that reproduces it: every action, its keys and, as a
/// comment, what it does.
pub fn to_ron(k: &Keymap) -> String {
    let mut out = String::from(
        "// redcon console keymap: save as keymap.ron in the config dir and edit.\n\
         // An action listed gets exactly these keys; one left out keeps its built-in keys.\n{\n",
    );
    for name in names() {
        let keys: Vec<String> = k
            .bound
            .iter()
            .filter(|b| b.binding.name == name)
            .map(|b| format!("{:?}", b.label))
            .collect();
        let help = KEYS.iter().find(|b| b.name == name).map_or("", |b| b.help);
        out.push_str(&format!(
            "    {:<20} [{}], // {help}\n",
            format!("{name:?}:"),
            keys.join(", ")
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Action;
    use crate::tui::keys::Mode;
    use crossterm::event::KeyEvent;
    use proptest::prelude::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn every_built_in_label_reads_back_as_its_key() {
        for b in KEYS {
            assert_eq!(parse_key(b.label), Ok((b.code, b.mods)), "{}", b.label);
            assert_eq!(format_key(b.code, b.mods), b.label);
        }
        assert_eq!(
            parse_key("Ctrl-Alt-x"),
            Ok((
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            ))
        );
        assert_eq!(parse_key("F12"), Ok((KeyCode::F(12), KeyModifiers::NONE)));
        assert_eq!(
            parse_key("Ctrl--"),
            Ok((KeyCode::Char('-'), KeyModifiers::CONTROL))
        );
    }

    #[test]
    fn the_printed_keymap_reads_back_as_the_same_keymap() {
        let built_in = Keymap::default();
        let text = to_ron(&built_in);
        assert_eq!(parse(&text, "keymap.ron"), Ok(built_in));
        let moved = parse(r#"{"down": ["n", "Ctrl-N"], "quit": ["x"]}"#, "k.ron")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parse(&to_ron(&moved), "k.ron"), Ok(moved));
    }

    #[test]
    fn a_rebinding_moves_the_action_and_frees_the_old_key() {
        let k =
            parse(r#"{ "down": ["n"], "quit": ["x"] }"#, "k.ron").unwrap_or_else(|e| panic!("{e}"));
        let browse = Mode::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            k.action(press(KeyCode::Char('n'), none), browse),
            Some(Action::Down)
        );
        assert_eq!(k.action(press(KeyCode::Char('j'), none), browse), None);
        assert_eq!(
            k.action(press(KeyCode::Char('x'), none), browse),
            Some(Action::Quit)
        );
        assert_eq!(k.action(press(KeyCode::Char('q'), none), browse), None);
        // untouched actions keep their keys, and the help lists the new ones
        assert_eq!(k.action(press(KeyCode::Up, none), browse), Some(Action::Up));
        let help = k.help_lines();
        assert!(
            help.iter()
                .any(|(_, l, h)| l == "n" && *h == "select next row"),
            "{help:?}"
        );
    }

    #[test]
    fn bad_files_are_refused_with_every_problem_located() {
        let text = "{\n  \"dwon\": [\"n\"],\n  \"up\": [\"Hyper-Q\"],\n  \"help\": [],\n}";
        let Err(UserFileError(issues)) = parse(text, "keymap.ron") else {
            panic!("accepted a bad keymap");
        };
        assert_eq!(issues.len(), 3, "{issues:?}");
        let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
        assert!(
            lines.contains(&2) && lines.contains(&3) && lines.contains(&4),
            "{issues:?}"
        );
        assert!(
            issues
                .iter()
                .any(|i| i.message.contains("unknown action \"dwon\""))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.message.contains("unknown key \"Hyper-Q\""))
        );
        // two actions on one key in the same context
        let Err(e) = parse(r#"{"down": ["q"]}"#, "k.ron") else {
            panic!("accepted a clash");
        };
        assert!(
            e.to_string().contains("q is bound to both quit and down"),
            "{e}"
        );
        // Enter in browsing and Enter in a filter do not clash
        assert!(parse(r#"{"open": ["Enter"], "filter_keep": ["Enter"]}"#, "k.ron").is_ok());
        // syntax: file, line and column from ron
        let Err(e) = parse("{\n  \"down\": [\"n\",, ]\n}", "keymap.ron") else {
            panic!("accepted a syntax error");
        };
        assert!(e.to_string().starts_with("keymap.ron:2:"), "{e}");
    }

    #[test]
    fn a_bad_or_missing_file_falls_back_to_the_built_in_keys() {
        let dir = std::env::temp_dir().join(format!("redcon-keymap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("keymap.ron");
        let _ = std::fs::remove_file(&path);
        assert_eq!(load(Some(&path)), (Keymap::default(), None));
        std::fs::write(&path, "{ \"down\": [\"n\"").unwrap_or_else(|e| panic!("{e}"));
        let (k, err) = load(Some(&path));
        assert_eq!(k, Keymap::default());
        let err = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with(&format!("{}:1:", path.display())), "{err}");
        std::fs::write(&path, "{ \"down\": [\"n\"] }").unwrap_or_else(|e| panic!("{e}"));
        let (k, err) = load(Some(&path));
        assert_eq!(err, None);
        assert_ne!(k, Keymap::default());
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        #[test]
        fn any_text_is_a_keymap_or_a_located_error(text in "\\PC{0,80}|[{}\\[\\]\":, a-zA-Z-]{0,40}") {
            if let Err(e) = parse(&text, "k.ron") {
                prop_assert!(e.to_string().starts_with("k.ron:"));
            }
        }

        #[test]
        fn any_key_name_parses_or_errors(s in "\\PC{0,12}") {
            if let Ok((code, mods)) = parse_key(&s) {
                prop_assert_eq!(parse_key(&format_key(code, mods)), Ok((code, mods)));
            }
        }
    }
}
