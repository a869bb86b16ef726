//! Topology: each subsystem as a tree from its sources to its loads, every node with its
//! live state. Scrolls with the selection; Enter opens the selected element's detail.
//!
//! ```text
//!  ┌ Topology 88 rows · [A of 2]: the node's first of two inputs ───────┐
//!  │> power                                                              │
//!  │  UTIL-1                 utility     ✓ ok                            │
//!  │    └ TX-A               transformer ✓ ok                            │
//!  │      └ MSWG-A           switchgear  ✓ ok        [A of 4]            │
//!  │  G-1                    generator   ✓ ok                            │
//!  │    └ MSWG-A             switchgear  ✓ ok        [B of 4] ↑ see TX-A │
//!
//! An element is drawn in full once, under its first input; under its other inputs it is
//! one line that says where (`↑ see TX-A`). Loads are drawn under every feed.
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

use super::clean;
use crate::tui::app::App;
use crate::tui::components::element_status;
use crate::tui::observe::Observation;
use crate::tui::theme::{Status, Theme};
use crate::tui::topology::{Row, RowKind};

/// A load's state is how many of its feeds are up: the tree is about paths, and a load
/// with one cord of two left is one failure from dark.
fn load_state(obs: &Observation, id: &str) -> (Status, String) {
    let Some(load) = obs.site.loads.iter().find(|l| l.id == id) else {
        return (Status::Unknown, "unknown".into());
    };
    let up = load
        .inputs
        .iter()
        .filter(|i| !obs.live.element_state(i).is_unavailable())
        .count();
    let n = load.inputs.len();
    let st = if up == 0 {
        Status::Critical
    } else if up < n {
        Status::Degraded
    } else {
        Status::Ok
    };
    (st, format!("fed {up}/{n}"))
}

fn line<'a>(obs: &Observation, r: &'a Row, theme: &Theme) -> Line<'a> {
    if let RowKind::Heading(_) = r.kind {
        return Line::styled(r.id.as_str(), theme.title);
    }
    let (kind, st, word) = match &r.kind {
        RowKind::Load => {
            let (st, word) = load_state(obs, &r.id);
            ("load".to_string(), st, word)
        }
        _ => {
            let kind = obs
                .site
                .element(&r.id)
                .map_or("?", |e| e.kind.name())
                .to_string();
            let state = obs.live.element_state(&r.id);
            (kind, element_status(state), state.name().to_string())
        }
    };
    let branch = if r.depth > 1 { "└ " } else { "" };
    let name = format!(
        "{}{branch}{}",
        "  ".repeat(r.depth.saturating_sub(1)),
        clean(&r.id)
    );
    let mut spans = vec![
        Span::raw(format!("{name:<22} ")),
        Span::styled(format!("{kind:<12}"), theme.dim),
        Span::styled(format!("{} {word:<11}", st.marker()), theme.status(st)),
    ];
    if let Some(f) = r.feed {
        spans.push(Span::raw(format!(" [{f} of {}]", r.inputs)));
    }
    if let RowKind::Reference { shown_under } = &r.kind {
        spans.push(Span::styled(
            format!(" ↑ see {}", clean(shown_under)),
            theme.dim,
        ));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = Line::from(vec![
        Span::styled(" Topology ", theme.title),
        Span::raw(format!(
            "{} rows · [A of 2]: the node's first of two inputs · Enter detail ",
            app.topology_rows().len()
        )),
    ]);
    let block = Block::bordered().title(title);
    let Some(obs) = &app.obs() else {
        frame.render_widget(
            Paragraph::new("waiting for the first data…").block(block),
            area,
        );
        return;
    };
    // only the rows on screen are built: a campus has thousands, and each looks up its
    // state. The window is the one a List scrolled to the selection shows (and the one
    // the mouse reads clicks against).
    let visible = usize::from(area.height.saturating_sub(2).max(1));
    let first = (app.selected() + 1).saturating_sub(visible);
    let rows: Vec<ListItem> = app
        .topology_rows()
        .into_iter()
        .skip(first)
        .take(visible)
        .map(|r| ListItem::new(line(obs, r, theme)))
        .collect();
    let empty = rows.is_empty();
    let list = List::new(rows)
        .block(block)
        .highlight_style(theme.selected)
        .highlight_symbol("> ");
    let mut state = ListState::default().with_selected((!empty).then_some(app.selected() - first));
    frame.render_stateful_widget(list, area, &mut state);
}
