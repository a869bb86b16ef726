//! The problems of the moment, worst first: the top of the Overview and the whole of the
//! Now view. One line each: severity marker, the verdict's words, for how long, new since
//! the operator last looked, and who acknowledged it.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

use super::clean;
use crate::tui::app::App;
use crate::tui::now::{NowMemory, Seen};
use crate::tui::theme::{Status, Theme};
use crate::verdict::{Problem, Severity, age_text};

pub fn status(s: Severity) -> Status {
    match s {
        Severity::Critical => Status::Critical,
        Severity::Warning => Status::Degraded,
        Severity::Unknown => Status::Unknown,
    }
}

fn unix(t: SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Since when the problem has been seen: the minute it appeared, or "before" the minute
/// the console started when it was already there.
fn since_text(seen: Seen) -> String {
    let at = crate::tui::timefmt::clock(seen.at);
    let hhmm = at.trim_end_matches(" UTC");
    if seen.at_start && !seen.dated {
        format!("before {hhmm}")
    } else {
        format!("since {hhmm}")
    }
}

/// One problem as a line, at `now` on `site`'s console or wall.
pub fn line<'a>(
    now: SystemTime,
    site: &str,
    memory: &NowMemory,
    p: &'a Problem,
    theme: &Theme,
) -> Line<'a> {
    let st = status(p.severity);
    let mut spans = vec![
        Span::styled(format!("{} ", st.marker()), theme.status(st)),
        Span::styled(clean(&p.text).into_owned(), theme.status(st)),
    ];
    if let Some(seen) = memory.seen(p) {
        spans.push(Span::styled(format!(" · {}", since_text(seen)), theme.dim));
    }
    if memory.is_new(p) {
        spans.push(Span::styled(" NEW", theme.title));
    }
    if let Some(a) = memory.ack(site, p) {
        let ago = age_text((unix(now) - a.at as f64).max(0.0));
        let mut text = format!(" · ack {} {ago} ago", clean(&a.operator));
        if !a.note.is_empty() {
            text.push_str(&format!(": {}", clean(&a.note)));
        }
        spans.push(Span::styled(text, theme.ok));
    }
    Line::from(spans)
}

/// The title: how many problems, of which new and acknowledged.
pub fn title(app: &App, theme: &Theme) -> Line<'static> {
    let rows = app.problem_rows();
    let new = rows.iter().filter(|p| app.memory().is_new(p)).count();
    let acked = rows
        .iter()
        .filter(|p| app.memory().ack(app.site(), p).is_some())
        .count();
    let mut text = match rows.len() {
        0 => " Now: nothing wrong ".to_string(),
        1 => " Now: 1 problem ".to_string(),
        n => format!(" Now: {n} problems, worst first "),
    };
    if new > 0 {
        text.push_str(&format!("· {new} new "));
    }
    if acked > 0 {
        text.push_str(&format!("· {acked} acknowledged "));
    }
    Line::styled(text, theme.title)
}

/// The list in `area`, bordered, the selection highlighted; `selectable` off draws it
/// without a cursor. A list longer than the area ends in "+N more".
pub fn render_list(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, selectable: bool) {
    let block = Block::bordered().title(title(app, theme));
    let Some(obs) = &app.obs() else {
        frame.render_widget(
            Paragraph::new("waiting for the first data…").block(block),
            area,
        );
        return;
    };
    let rows = app.problem_rows();
    if rows.is_empty() {
        let text = if obs.verdict.problems.is_empty() {
            "✓ every item as designed, every agent answering"
        } else {
            "no problem matches the filter"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.ok)).block(block),
            area,
        );
        return;
    }
    let visible = usize::from(area.height.saturating_sub(2).max(1));
    let first = (app.selected() + 1).saturating_sub(visible);
    let more = rows.len().saturating_sub(first + visible);
    // the last line says what does not fit rather than dropping it silently
    let take = if more > 0 { visible - 1 } else { visible };
    let mut items: Vec<ListItem> = rows
        .iter()
        .skip(first)
        .take(take)
        .map(|p| ListItem::new(line(app.now(), app.site(), app.memory(), p, theme)))
        .collect();
    if more > 0 {
        let hidden = rows.len() - first - take;
        items.push(ListItem::new(Line::styled(
            format!("… +{hidden} more (2 Now, PageDown)"),
            theme.dim,
        )));
    }
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected)
        .highlight_symbol("> ");
    let selected = (selectable && app.selected() >= first).then(|| app.selected() - first);
    let mut state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(list, area, &mut state);
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    render_list(frame, area, app, theme, true);
}
