//! The two header lines: the verdict badge, site, live tier against design, mode; then the
//! agents' freshness, the age of the newest data and the clock.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::clean;
use crate::classify::Tier;
use crate::tui::app::App;
use crate::tui::theme::{Status, Theme};
use crate::tui::timefmt;
use crate::verdict::TierRange;

/// `= design`, `▼ below design Tier III`, `? unknown items` : the comparison in words, so it
/// does not depend on colour.
pub fn tier_marker(live: TierRange, design: Tier) -> (String, Status) {
    let Some(live) = live.known() else {
        return ("? unknown items".into(), Status::Unknown);
    };
    match live.cmp(&design) {
        std::cmp::Ordering::Equal => ("= design".into(), Status::Ok),
        std::cmp::Ordering::Less => (format!("▼ below design {design}"), Status::Critical),
        std::cmp::Ordering::Greater => (format!("▲ above design {design}"), Status::Ok),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let site = clean(app.site()).into_owned();
    let first = match &app.obs() {
        None => Line::from(vec![
            Span::styled(" WAITING ", theme.badge(Status::Unknown)),
            Span::raw(format!(" {site} · no data yet · ")),
            Span::styled(app.mode(), theme.title),
        ]),
        Some(o) => {
            let v = &o.verdict;
            let status = Status::of_state(v.state);
            let (marker, mstatus) = tier_marker(v.live_tier, v.design_tier);
            let spans = vec![
                Span::styled(format!(" {} ", v.state), theme.badge(status)),
                Span::raw(format!(" {site} · live ")),
                Span::styled(v.live_tier.to_string(), theme.title),
                Span::raw(" "),
                Span::styled(marker, theme.status(mstatus)),
                Span::raw(" · "),
                Span::styled(app.mode(), theme.title),
            ];
            Line::from(spans)
        }
    };
    let mut second = Vec::new();
    match app.obs().and_then(|o| o.agents) {
        Some(a) => {
            second.push(Span::raw("agents "));
            // "0 fresh" is nothing to be glad about
            let fresh = if a.fresh == 0 {
                theme.critical
            } else {
                theme.ok
            };
            second.push(Span::styled(format!("{} fresh", a.fresh), fresh));
            if a.not_answering > 0 {
                second.push(Span::styled(
                    format!(" ({} not answering)", a.not_answering),
                    theme.degraded,
                ));
            }
            second.push(Span::raw(" · "));
            let stale = if a.stale > 0 {
                theme.degraded
            } else {
                theme.dim
            };
            second.push(Span::styled(format!("{} stale", a.stale), stale));
            second.push(Span::raw(" · "));
            let dead = if a.dead > 0 {
                theme.critical
            } else {
                theme.dim
            };
            second.push(Span::styled(format!("{} dead", a.dead), dead));
        }
        None if app.obs().is_some() => {
            let source = app.obs().map(|o| o.verdict.source.to_string());
            second.push(Span::raw(format!(
                "agents: none, {}",
                source.unwrap_or_default()
            )));
        }
        None => second.push(Span::raw("agents: waiting for the first poll")),
    }
    let newest = app.obs().and_then(|o| o.newest);
    let polled = app.obs().is_none_or(|o| o.agents.is_some());
    // a file or the design alone has no data age to speak of
    if polled {
        second.push(Span::raw(format!(
            " · data {}",
            timefmt::age(app.now(), newest)
        )));
    }
    second.push(Span::raw(format!(" · {}", timefmt::clock(app.now()))));
    frame.render_widget(Paragraph::new(vec![first, Line::from(second)]), area);
}
