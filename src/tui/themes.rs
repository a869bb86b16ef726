//! Themes as RON files: three shipped (`assets/themes/`, embedded in the binary) and any
//! the operator puts in `themes/NAME.ron` under the config dir, which also overrides a
//! shipped one of the same name. Chosen by `--theme NAME`, else the console config's
//! `theme:`, else `default`; NO_COLOR forces `mono` whatever was asked for.

use std::ffi::OsStr;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::theme::Theme;
use super::userfile::{self, UserFileError, issue_at};

impl Theme {
    /// The shipped default theme (`assets/themes/default.ron`).
    pub fn colored() -> Theme {
        shipped("default").unwrap_or_else(Theme::mono)
    }
}

/// The shipped themes, by name.
pub const SHIPPED: [(&str, &str); 3] = [
    ("default", include_str!("../../assets/themes/default.ron")),
    (
        "16-colour",
        include_str!("../../assets/themes/16-colour.ron"),
    ),
    ("mono", include_str!("../../assets/themes/mono.ron")),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    #[serde(default)]
    fg: Option<String>,
    #[serde(default)]
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    ok: StyleSpec,
    degraded: StyleSpec,
    critical: StyleSpec,
    unknown: StyleSpec,
    badge: StyleSpec,
    title: StyleSpec,
    dim: StyleSpec,
    selected: StyleSpec,
    tab_active: StyleSpec,
}

/// A theme from its RON text; `file` names the source in errors. Every bad colour is
/// reported, not just the first.
pub fn parse(text: &str, file: &str) -> Result<Theme, UserFileError> {
    let f: ThemeFile = userfile::from_ron(text, file)?;
    let mut issues = Vec::new();
    let mut style = |s: &StyleSpec| {
        let mut out = Style::new();
        for (value, bg) in [(&s.fg, false), (&s.bg, true)] {
            let Some(v) = value else { continue };
            match Color::from_str(v) {
                Ok(c) if bg => out = out.bg(c),
                Ok(c) => out = out.fg(c),
                Err(_) => issues.push(issue_at(
                    text,
                    file,
                    &format!("\"{v}\""),
                    format!(
                        "unknown colour {v:?} (an ANSI name like \"red\" or \"dark_gray\", \"#rrggbb\", or 0-255)"
                    ),
                )),
            }
        }
        for (on, m) in [
            (s.bold, Modifier::BOLD),
            (s.dim, Modifier::DIM),
            (s.italic, Modifier::ITALIC),
            (s.underlined, Modifier::UNDERLINED),
            (s.reversed, Modifier::REVERSED),
        ] {
            if on {
                out = out.add_modifier(m);
            }
        }
        out
    };
    let theme = Theme {
        ok: style(&f.ok),
        degraded: style(&f.degraded),
        critical: style(&f.critical),
        unknown: style(&f.unknown),
        badge: style(&f.badge),
        title: style(&f.title),
        dim: style(&f.dim),
        selected: style(&f.selected),
        tab_active: style(&f.tab_active),
    };
    if issues.is_empty() {
        Ok(theme)
    } else {
        Err(UserFileError(issues))
    }
}

/// A shipped theme by name.
pub fn shipped(name: &str) -> Option<Theme> {
    let (_, text) = SHIPPED.iter().find(|(n, _)| *n == name)?;
    parse(text, &format!("assets/themes/{name}.ron")).ok()
}

fn names() -> String {
    SHIPPED.map(|(n, _)| n).join(", ")
}

/// The theme to use, and why it is not the one asked for when it is not. `dir` is the
/// config dir (its `themes/NAME.ron` overrides), passed in so tests need no environment.
pub fn choose(
    asked: Option<&str>,
    no_color: Option<&OsStr>,
    dir: Option<&Path>,
) -> (Theme, Option<String>) {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return (Theme::mono(), None);
    }
    let name = asked.unwrap_or("default");
    // the name becomes a file name: nothing that could leave the themes directory
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let fallback = |why: String| {
        let theme = shipped(name)
            .or_else(|| shipped("default"))
            .unwrap_or_else(Theme::mono);
        (theme, Some(why))
    };
    if !plain {
        return fallback(format!(
            "theme {name:?}: not a theme name (shipped: {})",
            names()
        ));
    }
    if let Some(path) = dir.map(|d| d.join("themes").join(format!("{name}.ron"))) {
        match userfile::read(&path) {
            Ok(Some(text)) => {
                return match parse(&text, &path.display().to_string()) {
                    Ok(t) => (t, None),
                    Err(e) => fallback(format!("theme refused, using the shipped one: {e}")),
                };
            }
            Ok(None) => {}
            Err(e) => return fallback(e.to_string()),
        }
    }
    match shipped(name) {
        Some(t) => (t, None),
        None => fallback(format!(
            "no theme {name:?} (shipped: {}; or themes/{name}.ron in the config dir)",
            names()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_shipped_theme_parses_and_mono_matches_the_fallback() {
        for (name, text) in SHIPPED {
            if let Err(e) = parse(text, name) {
                panic!("{name}: {e}");
            }
        }
        assert_eq!(shipped("mono"), Some(Theme::mono()));
        assert_ne!(shipped("default"), shipped("16-colour"));
    }

    #[test]
    fn no_color_forces_mono_whatever_was_asked() {
        let one = Some(OsStr::new("1"));
        assert_eq!(choose(Some("16-colour"), one, None), (Theme::mono(), None));
        assert_eq!(choose(None, Some(OsStr::new("")), None).0, Theme::colored());
        assert_eq!(choose(None, None, None).0, Theme::colored());
        assert_eq!(
            choose(Some("16-colour"), None, None).0,
            shipped("16-colour").unwrap_or_else(Theme::mono)
        );
    }

    #[test]
    fn an_unknown_or_hostile_name_gets_the_default_and_a_reason() {
        for name in ["neon", "../../etc/passwd", ""] {
            let (t, why) = choose(Some(name), None, None);
            assert_eq!(t, Theme::colored());
            let why = why.unwrap_or_default();
            assert!(why.contains("default, 16-colour, mono"), "{why}");
        }
    }

    #[test]
    fn a_user_theme_overrides_and_a_bad_one_falls_back_with_its_place() {
        let dir = std::env::temp_dir().join(format!("redcon-themes-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("themes")).unwrap_or_else(|e| panic!("{e}"));
        let mine = SHIPPED[2].1.replace("ok: ()", "ok: (fg: \"blue\")");
        std::fs::write(dir.join("themes/mono.ron"), &mine).unwrap_or_else(|e| panic!("{e}"));
        let (t, why) = choose(Some("mono"), None, Some(&dir));
        assert_eq!((t.ok.fg, why), (Some(Color::Blue), None));
        let bad = mine.replace("\"blue\"", "\"bleu\"");
        std::fs::write(dir.join("themes/mono.ron"), bad).unwrap_or_else(|e| panic!("{e}"));
        let (t, why) = choose(Some("mono"), None, Some(&dir));
        assert_eq!(t, Theme::mono(), "the shipped mono");
        let why = why.unwrap_or_default();
        assert!(
            why.contains("mono.ron:4:") && why.contains("unknown colour \"bleu\""),
            "{why}"
        );
        std::fs::write(dir.join("themes/mono.ron"), "(ok: (fg: ").unwrap_or_else(|e| panic!("{e}"));
        let (_, why) = choose(Some("mono"), None, Some(&dir));
        assert!(why.unwrap_or_default().contains("mono.ron:1:"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        #[test]
        fn any_text_is_a_theme_or_a_located_error(text in "\\PC{0,80}|[(): a-z\"#0-9,]{0,60}") {
            if let Err(e) = parse(&text, "t.ron") {
                prop_assert!(e.to_string().starts_with("t.ron:"));
            }
        }
    }
}
