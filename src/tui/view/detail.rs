//! The detail pane for one element or IT group, drawn over the current view: design facts,
//! live state, the loads that depend on it and what its loss would do. Reads only the
//! observation (the dependent loads were walked when it was built).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{clean, field};
use crate::classify::GroupReport;
use crate::model::Element;
use crate::tui::components::{element_status, findings_naming, group_kind_word, member_map};
use crate::tui::log::{EventLog, LogEntry};
use crate::tui::metrics::{fmt_value, spark_with_range};
use crate::tui::observe::Observation;
use crate::tui::theme::Theme;
use crate::tui::timefmt;

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        clean(&ids.join(", ")).into_owned()
    }
}

fn element_lines<'a>(obs: &'a Observation, e: &'a Element, theme: &Theme) -> Vec<Line<'a>> {
    let state = obs.live.element_state(&e.id);
    let st = element_status(state);
    let unit = e.subsystem().unit();
    let mut design = format!(
        "{} · capacity {} · zone {} · activation {}",
        e.kind.name(),
        e.capacity
            .map_or_else(|| "-".into(), |c| format!("{c} {unit}")),
        e.zone.as_deref().map_or_else(|| "-".into(), clean),
        format!("{:?}", e.activation).to_lowercase(),
    );
    if let Some(t) = e.transfer_s {
        design.push_str(&format!(" ({t} s)"));
    }
    let mut lines = vec![
        field(
            "state",
            Span::styled(
                format!("{} {}", st.marker(), state.name()),
                theme.status(st),
            ),
            theme,
        ),
        field("design", Span::raw(design), theme),
        field("inputs", Span::raw(list(&e.inputs)), theme),
    ];
    if let Some(m) = obs.live.battery_runtime_min.get(&e.id) {
        lines.push(field(
            "runtime",
            Span::raw(format!("~{m} min of battery (agent estimate)")),
            theme,
        ));
    }
    lines.extend(metric_lines(obs, &e.id, theme));
    lines.extend(part_lines(obs, &e.id, theme));
    let loads = obs.dependents.get(&e.id).cloned().unwrap_or_default();
    lines.push(field(
        "loads",
        Span::raw(format!("{} ({})", list(&loads), loads.len())),
        theme,
    ));
    let sub = e.subsystem().name();
    let spofs = obs
        .verdict
        .classification
        .subsystem(e.subsystem())
        .map(|s| s.live.spofs.ids())
        .unwrap_or_default();
    let zone_spof = e
        .zone
        .as_ref()
        .is_some_and(|z| spofs.contains(&format!("zone:{z}").as_str()));
    let loss = if spofs.contains(&e.id.as_str()) {
        Span::styled(
            format!("✗ a live SPOF of {sub}: its failure drops a load"),
            theme.critical,
        )
    } else if loads.is_empty() {
        Span::raw("no critical load depends on it")
    } else {
        Span::styled(
            format!("✓ not a live SPOF of {sub}: its loads have another path"),
            theme.ok,
        )
    };
    lines.push(field("loss", loss, theme));
    if zone_spof {
        lines.push(field(
            "",
            Span::styled(
                "▲ its zone is a common-mode SPOF: one event there drops a load",
                theme.degraded,
            ),
            theme,
        ));
    }
    let named = findings_naming(&obs.verdict.classification, &e.id);
    lines.push(field(
        "findings",
        Span::raw(if named.is_empty() {
            "none names it"
        } else {
            ""
        }),
        theme,
    ));
    for f in named {
        lines.push(Line::raw(format!("  · {}", clean(f))));
    }
    lines
}

/// One line per metric: name, current value and the recent samples as block characters,
/// so a trend (a climbing return temperature, a draining battery) reads at a glance.
fn metric_lines<'a>(obs: &'a Observation, id: &str, theme: &Theme) -> Vec<Line<'a>> {
    let Some(m) = obs.metrics.get(id) else {
        return Vec::new();
    };
    let sparks = obs.sparks.get(id);
    m.iter()
        .enumerate()
        .map(|(i, (name, v))| {
            let spark = sparks
                .and_then(|s| s.get(name.as_str()))
                .map(|s| spark_with_range(name, s))
                .unwrap_or_default();
            field(
                if i == 0 { "metrics" } else { "" },
                Span::raw(format!("{:<20} {:>8}  {spark}", clean(name), fmt_value(v))),
                theme,
            )
        })
        .collect()
}

/// The most parts one element shows; a 48-outlet PDU would push everything else off.
const MAX_PARTS: usize = 16;

/// One line per part the element's agent reports (a PDU's outlets, a CDU's pumps), the
/// ones not `ok` first, then "… +N more".
fn part_lines<'a>(obs: &'a Observation, id: &str, theme: &Theme) -> Vec<Line<'a>> {
    let Some(parts) = obs.parts.get(id).filter(|p| !p.is_empty()) else {
        return Vec::new();
    };
    let mut order: Vec<&crate::poll::Part> = parts.iter().collect();
    order.sort_by_key(|p| p.state == crate::model::MemberState::Ok);
    let ok = parts
        .iter()
        .filter(|p| p.state == crate::model::MemberState::Ok)
        .count();
    let mut lines = vec![field(
        "parts",
        Span::raw(format!("{ok} of {} ok", parts.len())),
        theme,
    )];
    for p in order.iter().take(MAX_PARTS) {
        let st = crate::tui::components::member_status(p.state);
        lines.push(field(
            "",
            Span::styled(
                format!(
                    "{} {:<20} {:<11} {}",
                    st.marker(),
                    clean(&p.name),
                    p.state.name(),
                    clean(&p.flags.join(" "))
                ),
                theme.status(st),
            ),
            theme,
        ));
    }
    if parts.len() > MAX_PARTS {
        lines.push(field(
            "",
            Span::raw(format!("… +{} more", parts.len() - MAX_PARTS)),
            theme,
        ));
    }
    lines
}

fn group_lines<'a>(obs: &'a Observation, g: &'a GroupReport, theme: &Theme) -> Vec<Line<'a>> {
    let st = crate::tui::theme::Status::of_health(obs.group_health(&g.id));
    let mut lines = vec![
        field(
            "state",
            Span::styled(
                format!(
                    "{} {} -> {} (grade {})",
                    st.marker(),
                    g.design.label,
                    g.live.label,
                    g.live.grade.roman()
                ),
                theme.status(st),
            ),
            theme,
        ),
        field("kind", Span::raw(group_kind_word(g.kind)), theme),
        field("why", Span::raw(clean(&g.live.reason).into_owned()), theme),
        field(
            "members",
            Span::raw(format!(
                "{} available, {} needed",
                g.live.available, g.live.need
            )),
            theme,
        ),
        field(
            "loss",
            Span::raw(format!("SPOFs: {}", list(&g.live.spofs))),
            theme,
        ),
    ];
    if let Some(r) = obs.site.raid.iter().find(|r| r.id == g.id) {
        let map = member_map(&r.members, &r.spares, &obs.live);
        lines.push(field(
            "map",
            Span::raw(format!("{map}  (U ok, _ failed, R rebuilding, S spare)")),
            theme,
        ));
    }
    for n in &g.notes {
        lines.push(Line::raw(format!("  · {}", clean(n))));
    }
    for f in findings_naming(&obs.verdict.classification, &g.id) {
        lines.push(Line::raw(format!("  · {}", clean(f))));
    }
    lines
}

/// The agent that reports `e` and how fresh it is, then its last changes with their times.
fn source_lines<'a>(
    obs: &Observation,
    e: &Element,
    log: &'a EventLog,
    now: std::time::SystemTime,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let source = match e.agent.as_deref() {
        Some(a) => {
            let f = obs
                .agent_freshness
                .iter()
                .find(|(n, _)| n == a)
                .map_or("not polled".to_string(), |(_, f)| f.to_string());
            // the data's age as of this observation, in the header's coarse steps
            let age = obs
                .answered
                .get(a)
                .map(|t| format!(", data {}", timefmt::age(now, Some(*t))))
                .unwrap_or_default();
            format!("agent {} ({f}{age})", clean(a))
        }
        None => "no agent named in the site file".to_string(),
    };
    lines.push(field("source", Span::raw(source), theme));
    let history: Vec<&LogEntry> = log.about(&e.id).take(HISTORY).collect();
    if history.is_empty() {
        lines.push(field(
            "history",
            Span::styled("no change seen since the console started", theme.dim),
            theme,
        ));
    }
    for (i, h) in history.iter().enumerate() {
        lines.push(field(
            if i == 0 { "history" } else { "" },
            Span::raw(format!("{}  {}", timefmt::stamp(h.at), clean(&h.text))),
            theme,
        ));
    }
    lines
}

/// Changes of an element the detail pane lists.
const HISTORY: usize = 5;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    id: &str,
    obs: Option<&Observation>,
    log: &EventLog,
    now: std::time::SystemTime,
    theme: &Theme,
) {
    // the whole body: at 80x24 the pane needs every row, and a second border would waste two
    let pane = area;
    let lines = match obs {
        Some(o) => match (o.site.element(id), o.verdict.classification.group(id)) {
            (Some(e), _) => {
                let mut all = element_lines(o, e, theme);
                // where the state comes from and what it did lately, under the state
                let at = all.len().min(1);
                all.splice(at..at, source_lines(o, e, log, now, theme));
                all
            }
            (None, Some(g)) => group_lines(o, g, theme),
            (None, None) => super::detail_site::lines(o, id, theme)
                .unwrap_or_else(|| vec![Line::raw("not in the site any more")]),
        },
        None => vec![Line::raw("waiting for the first data…")],
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", clean(id)), theme.title),
        Span::raw("· Esc closes "),
    ]);
    frame.render_widget(Clear, pane);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(title))
            .wrap(Wrap { trim: false }),
        pane,
    );
}
