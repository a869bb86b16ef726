//! Drawing. Every function here is a pure function of the `App` and the `Theme`: no IO,
//! no clock, no mutation, so a frame can be rendered in a test exactly as on a terminal.

mod components;
mod detail;
mod detail_site;
mod events;
mod findings;
mod header;
mod help;
pub(crate) mod now;
mod operate;
mod overview;
mod topology;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, View};
use super::theme::Theme;

// the wallboard draws the same facts in its own layout, from the same words
/// Whether Enter can open a pane for `id` (an element, IT group, zone, load or tank).
pub(crate) use header::tier_marker;
/// One line of a detail pane: the field's name in a dim column, then its value.
fn field<'a>(name: &'a str, value: impl Into<Span<'a>>, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{name:<9}"), theme.dim),
        value.into(),
    ])
}

/// The whole screen:
///
/// ```text
///  ________________________________________________
/// | [ WARNING ] site · live tier vs design · MODE  |  header: verdict and tiers
/// | agents fresh/stale/dead · data age · clock     |  header: how good the data is
/// | [1 Overview]  2 Findings & SPOFs  3 Components |  tabs
/// |                                                |
/// |                 the current view               |
/// |                                                |
/// | key hints, or the filter being typed           |  footer
///  ------------------------------------------------
/// ```
///
/// That is the shipped `layouts/operator.ron`; `app.layout()` may place the panels otherwise.
/// A detail pane (Enter) is drawn over the view; the `?` help over everything.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let (mut head, mut tabs, mut body, mut foot) = (Rect::ZERO, Rect::ZERO, Rect::ZERO, Rect::ZERO);
    for (panel, area) in app.layout().areas(frame.area(), &[]) {
        match panel {
            "header" => head = area,
            "tabs" => tabs = area,
            "body" => body = area,
            "footer" => foot = area,
            _ => {}
        }
    }
    header::render(frame, head, app, theme);
    render_tabs(frame, tabs, app, theme);
    match app.view() {
        View::Overview => overview::render(frame, body, app, theme),
        View::Now => now::render(frame, body, app, theme),
        View::Findings => findings::render(frame, body, app, theme),
        View::Components => components::render(frame, body, app, theme),
        View::Events => events::render(frame, body, app, theme),
        View::Topology => topology::render(frame, body, app, theme),
    }
    if let Some(id) = &app.detail() {
        detail::render(frame, body, id, app.obs(), app.log(), app.now(), theme);
    }
    if let Some(d) = &app.operation() {
        operate::render(frame, body, d, theme);
    }
    render_footer(frame, foot, app, theme);
    if app.help() {
        // over the whole screen: at 80x24 the body alone is too short for every key
        let lines = app.keymap().help_lines_for(app.authority().is_some());
        help::render(frame, frame.area(), &lines, theme);
    }
}

/// Each tab's text as drawn, one cell of space after each. Shared with the mouse, so a
/// click lands on the tab that is drawn there.
pub fn tab_labels(current: View) -> Vec<(View, String)> {
    View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let label = format!("{} {}", i + 1, v.title());
            // brackets as well as the style: the active tab must show without colour
            let text = if *v == current {
                format!("[{label}]")
            } else {
                format!(" {label} ")
            };
            (*v, text)
        })
        .collect()
}

/// The tab drawn at column `x` of the tab bar `area`.
pub fn tab_at(current: View, area: Rect, x: u16) -> Option<View> {
    let mut left = area.x;
    for (v, text) in tab_labels(current) {
        let w = text.chars().count() as u16;
        if (left..left + w).contains(&x) {
            return Some(v);
        }
        left += w + 1;
    }
    None
}

/// Where the current view draws its rows inside `body`: the rows' area (inside the
/// border, under a table's header). None for a view without rows.
pub fn rows_area(app: &App, body: Rect) -> Option<Rect> {
    let view = app.view();
    let list = match view {
        View::Overview => overview::split(body, app.problem_rows().len()).0,
        View::Findings => findings::list_area(body),
        View::Components | View::Events | View::Topology | View::Now => body,
    };
    let header = u16::from(view == View::Components);
    let inner = Rect {
        x: list.x + 1,
        y: list.y + 1 + header,
        width: list.width.saturating_sub(2),
        height: list.height.saturating_sub(2 + header),
    };
    Some(inner)
}

fn render_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for (v, text) in tab_labels(app.view()) {
        if v == app.view() {
            spans.push(Span::styled(text, theme.tab_active));
        } else {
            spans.push(Span::raw(text));
        }
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_footer(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = if let Some(text) = &app.palette() {
        // what Tab could not decide between, else the palette's keys
        let hint = app.message().map_or_else(
            || "  Tab complete · Enter run · Esc cancel".to_string(),
            |m| format!("  {}", clean(m)),
        );
        Line::from(vec![
            Span::styled(":", theme.title),
            Span::raw(clean(text).into_owned()),
            Span::styled("_", theme.selected),
            Span::styled(hint, theme.dim),
        ])
    } else if let Some(m) = &app.message() {
        Line::styled(clean(m).into_owned(), theme.title)
    } else if app.operation().is_some() {
        // the keys of the mode in force: the dialog owns the keyboard now
        Line::styled(
            "dialog: type · Enter next step or the button · Tab Cancel/Confirm · Esc cancel",
            theme.dim,
        )
    } else if app.detail().is_some() {
        // a read-only console offers nothing it would refuse
        let keys = if app.authority().is_some() {
            "pane: Esc closes · d u t f m operate on it · a acknowledge · ? help"
        } else {
            "pane: Esc closes · read-only: no operations or acknowledgements · ? help"
        };
        Line::styled(keys, theme.dim)
    } else if app.filtering() {
        Line::from(vec![
            Span::styled("filter /", theme.title),
            Span::raw(clean(app.filter()).into_owned()),
            Span::styled("_", theme.selected),
            Span::styled("  Enter keep · Esc drop", theme.dim),
        ])
    } else if !app.filter().is_empty() {
        Line::from(vec![
            Span::styled("filter: ", theme.title),
            Span::raw(clean(app.filter()).into_owned()),
            Span::styled("  / edit · Esc clear · ? help · q quit", theme.dim),
        ])
    } else if app.authority().is_some() {
        Line::styled(
            "Tab view · ↑↓ select · Enter open · a ack · / filter · : cmd · ? help · q quit",
            theme.dim,
        )
    } else {
        Line::styled(
            "read-only · Tab view · ↑↓ select · Enter open · / filter · ? help · q quit",
            theme.dim,
        )
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Names and messages come from site files and agents: a control character in one must
/// not reach the terminal as an escape sequence.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use std::time::{Duration, UNIX_EPOCH};

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::tui::{Action, App, Observation, Theme, update};

    fn demo() -> Observation {
        let site = crate::demo::site().unwrap();
        let live = crate::demo::live(&site).unwrap();
        Observation::of_file(
            &site,
            &live,
            UNIX_EPOCH + Duration::from_secs(1_795_341_630),
        )
    }

    #[test]
    fn control_characters_never_reach_the_screen() {
        assert_eq!(super::clean("UPS-\x1b]52;c;x\x07B"), "UPS-?]52;c;x?B");
        // text from agents and site files, drawn: an OSC 52 (clipboard write) and a colour
        // change in a problem's words, the site's name and the detail pane's id
        let mut obs = demo();
        let hostile = "\x1b]52;c;aGk=\x07\x1b[31mUPS\u{9b}2J";
        obs.verdict.classification.site = format!("dc1{hostile}");
        for p in &mut obs.verdict.problems {
            p.text = format!("{}{hostile}", p.text);
        }
        let mut app = App::new("dc1", UNIX_EPOCH);
        update(&mut app, Action::PollUpdate(Box::new(obs)));
        for (w, h) in [(80, 24), (200, 60)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| super::render(f, &app, &Theme::colored()))
                .unwrap();
            let buf = t.backend().buffer();
            let cells: String = buf.content.iter().map(|c| c.symbol()).collect();
            assert!(cells.contains("UPS"), "the problem is drawn: {cells}");
            assert!(
                cells.contains("?]52;c;aGk="),
                "escaped, not dropped: {cells}"
            );
            assert!(
                !cells.chars().any(|c| c.is_control()),
                "{w}x{h}: a control character reached the screen"
            );
        }
    }

    /// `Observation::has_pane` (what Enter and `:goto` can open) and the panes themselves
    /// (what the detail view can draw) say the same of every id the site names.
    #[test]
    fn what_can_be_opened_is_what_has_a_pane() {
        let obs = demo();
        let site = &obs.site;
        let mut ids: Vec<String> = site.elements.iter().map(|e| e.id.clone()).collect();
        ids.extend(site.loads.iter().map(|l| l.id.clone()));
        ids.extend(site.fuel_tanks.iter().map(|t| t.id.clone()));
        ids.extend(site.makeup_water.iter().map(|t| t.id.clone()));
        ids.extend(
            site.elements
                .iter()
                .filter_map(|e| e.zone.clone())
                .map(|z| format!("zone:{z}")),
        );
        for g in &obs.verdict.groups {
            ids.push(g.id.clone());
            ids.extend(
                crate::verdict::member_ids(site, &g.id, g.kind)
                    .iter()
                    .map(|m| m.to_string()),
            );
        }
        for c in &site.clusters {
            ids.extend(c.resources.iter().map(|r| r.id.clone()));
        }
        ids.extend(["zone:NOWHERE", "nothing", "", "zone:"].map(String::from));
        let theme = Theme::mono();
        let mut opened = 0;
        for id in &ids {
            let drawn = site.element(id).is_some()
                || obs.verdict.classification.group(id).is_some()
                || super::detail_site::lines(&obs, id, &theme).is_some();
            assert_eq!(obs.has_pane(id), drawn, "{id:?}");
            opened += usize::from(drawn);
        }
        assert!(
            opened + 4 == ids.len(),
            "every named id opens, the made-up ones do not"
        );
    }
}
