//! The `:` command palette's language: a word, and for `:site` a name. Pure: `parse` turns
//! the typed text into a `Command` or says clearly what is wrong, `complete` extends it on
//! Tab. What a command does is `app::update`'s business.

use super::action::View;
use super::components::Group;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Show(View),
    /// The Components view at a kind group; for IT groups, the first row of a row kind
    /// (`raid` matches `raid6`, `vrrp` matches `vrrp`).
    Components(Group, Option<&'static str>),
    Site(String),
    /// `:ack ITEM NOTE`: acknowledge ITEM's current problem.
    Ack {
        item: String,
        note: String,
    },
    /// `:goto ID` or `:ID`: the element, member, group, zone or load with this id.
    Goto(String),
    Help,
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaletteError {
    #[error("type a command: :ups, :raid, :topology, :site NAME, :q …")]
    Empty,
    #[error(
        "unknown command :{0} (Tab completes; :ups :cooling :raid :bond :cluster :vrrp :overview :now :findings :topology :events :goto ID :ack ID NOTE :site NAME :q)"
    )]
    Unknown(String),
    #[error(":site needs a site name")]
    SiteName,
    #[error(":{0} needs an id")]
    NeedsId(String),
    #[error(":{0} takes no argument")]
    Extra(String),
}

/// Every command word, in the order Tab offers them.
pub const WORDS: &[&str] = &[
    "ups",
    "cooling",
    "generators",
    "distribution",
    "network",
    "it",
    "raid",
    "bond",
    "uplinks",
    "vrrp",
    "cluster",
    "overview",
    "now",
    "findings",
    "components",
    "events",
    "topology",
    "site",
    "goto",
    "ack",
    "help",
    "q",
    "quit",
];

fn word(w: &str) -> Option<Command> {
    let components = |g, kind| Some(Command::Components(g, kind));
    match w {
        "ups" => components(Group::Ups, None),
        "cooling" => components(Group::Cooling, None),
        "generators" => components(Group::Generators, None),
        "distribution" => components(Group::Distribution, None),
        "network" => components(Group::Network, None),
        "it" => components(Group::It, None),
        "raid" => components(Group::It, Some("raid")),
        "bond" => components(Group::It, Some("bond")),
        "uplinks" => components(Group::It, Some("uplinks")),
        "vrrp" => components(Group::It, Some("vrrp")),
        "cluster" => components(Group::It, Some("cluster")),
        "overview" => Some(Command::Show(View::Overview)),
        "now" | "problems" => Some(Command::Show(View::Now)),
        "findings" => Some(Command::Show(View::Findings)),
        "components" => Some(Command::Show(View::Components)),
        "events" => Some(Command::Show(View::Events)),
        "topology" => Some(Command::Show(View::Topology)),
        "help" => Some(Command::Help),
        "q" | "quit" => Some(Command::Quit),
        _ => None,
    }
}

/// The command the text (without its `:`) names.
pub fn parse(text: &str) -> Result<Command, PaletteError> {
    let text = text.trim();
    let (head, rest) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(h, r)| (h, r.trim()));
    if head.is_empty() {
        return Err(PaletteError::Empty);
    }
    let head_lc = head.to_lowercase();
    if head_lc == "site" {
        return match rest {
            "" => Err(PaletteError::SiteName),
            name => Ok(Command::Site(name.to_string())),
        };
    }
    if head_lc == "goto" || head_lc == "ack" {
        let (id, note) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(i, n)| (i, n.trim()));
        if id.is_empty() {
            return Err(PaletteError::NeedsId(head_lc));
        }
        return Ok(if head_lc == "goto" {
            Command::Goto(id.to_string())
        } else {
            Command::Ack {
                item: id.to_string(),
                note: note.to_string(),
            }
        });
    }
    let cmd = word(&head_lc).ok_or_else(|| PaletteError::Unknown(head.to_string()))?;
    if rest.is_empty() {
        Ok(cmd)
    } else {
        Err(PaletteError::Extra(head.to_string()))
    }
}

/// Tab: the text extended as far as the candidates agree (a unique word gets completed
/// whole; `site ` completes site names). None when nothing matches.
pub fn complete(text: &str, sites: &[String]) -> Option<String> {
    if let Some(name) = text.strip_prefix("site ") {
        let names: Vec<&str> = sites
            .iter()
            .map(String::as_str)
            .filter(|s| s.starts_with(name.trim_start()))
            .collect();
        return common_prefix(&names).map(|p| format!("site {p}"));
    }
    let lc = text.to_lowercase();
    let words: Vec<&str> = WORDS
        .iter()
        .copied()
        .filter(|w| w.starts_with(&lc))
        .collect();
    match words.as_slice() {
        ["site"] => Some("site ".into()),
        _ => common_prefix(&words).map(str::to_string),
    }
}

/// The command words `text` could become, for the footer when Tab cannot decide.
pub fn candidates(text: &str) -> Vec<&'static str> {
    let lc = text.to_lowercase();
    WORDS
        .iter()
        .copied()
        .filter(|w| w.starts_with(&lc))
        .collect()
}

fn common_prefix<'a>(words: &[&'a str]) -> Option<&'a str> {
    let first = *words.first()?;
    let len = words.iter().fold(first.len(), |len, w| {
        first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(len))
    });
    Some(&first[..len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_word_parses_and_the_issue_commands_do_what_they_say() {
        for w in WORDS
            .iter()
            .filter(|w| !["site", "goto", "ack"].contains(*w))
        {
            assert!(parse(w).is_ok(), "{w}");
        }
        assert_eq!(parse("ups"), Ok(Command::Components(Group::Ups, None)));
        assert_eq!(
            parse(" RAID "),
            Ok(Command::Components(Group::It, Some("raid")))
        );
        assert_eq!(parse("topology"), Ok(Command::Show(View::Topology)));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("site  fra 2 "), Ok(Command::Site("fra 2".into())));
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert_eq!(parse(""), Err(PaletteError::Empty));
        assert_eq!(parse("   "), Err(PaletteError::Empty));
        assert_eq!(parse("upz"), Err(PaletteError::Unknown("upz".into())));
        assert_eq!(parse("site"), Err(PaletteError::SiteName));
        assert_eq!(parse("site   "), Err(PaletteError::SiteName));
        assert_eq!(parse("ups now"), Err(PaletteError::Extra("ups".into())));
        let msg = parse("frobnicate").unwrap_err().to_string();
        assert!(msg.contains(":frobnicate") && msg.contains(":ups"), "{msg}");
    }

    #[test]
    fn tab_completes_as_far_as_the_candidates_agree() {
        let sites = vec!["fra1".to_string(), "fra2".to_string(), "ams1".to_string()];
        assert_eq!(complete("top", &sites).as_deref(), Some("topology"));
        assert_eq!(
            complete("c", &sites).as_deref(),
            Some("c"),
            "cooling, cluster, components"
        );
        assert_eq!(complete("co", &sites).as_deref(), Some("co"));
        assert_eq!(complete("coo", &sites).as_deref(), Some("cooling"));
        assert_eq!(complete("si", &sites).as_deref(), Some("site "));
        assert_eq!(complete("site f", &sites).as_deref(), Some("site fra"));
        assert_eq!(complete("site a", &sites).as_deref(), Some("site ams1"));
        assert_eq!(complete("site x", &sites), None);
        assert_eq!(complete("zzz", &sites), None);
        assert_eq!(complete("", &sites).as_deref(), Some(""));
        assert_eq!(candidates("co"), ["cooling", "components"]);
        assert_eq!(
            candidates("").len(),
            WORDS.len(),
            "an empty : lists them all"
        );
    }

    proptest! {
        /// Hostile text (control characters, long junk, multi-byte) never panics: it is a
        /// command or a clear error, and completion stays a prefix-extension of the text.
        #[test]
        fn any_text_parses_or_errors_cleanly(text in "\\PC{0,64}|[\\x00-\\x1f:a-z ]{0,16}") {
            let _ = parse(&text);
            let sites = vec!["dc1".to_string(), "dč2".to_string()];
            if let Some(c) = complete(&text, &sites) {
                prop_assert!(c.to_lowercase().starts_with(&text.to_lowercase()) || c.starts_with("site "));
            }
        }
    }
}
