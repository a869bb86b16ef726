//! Detail panes for the site's named things that are not elements or IT groups: a
//! compartment (`zone:NAME`, what a zone SPOF names), a critical load, a fuel or
//! makeup-water tank. Findings name all of these, and Enter on any finding must land
//! somewhere useful.

use ratatui::text::{Line, Span};

use super::{clean, field};
use crate::tui::components::{element_status, findings_naming};
use crate::tui::observe::Observation;
use crate::tui::theme::{Status, Theme};

pub fn lines<'a>(obs: &'a Observation, id: &'a str, theme: &Theme) -> Option<Vec<Line<'a>>> {
    if let Some(zone) = id.strip_prefix("zone:") {
        return zone_lines(obs, id, zone, theme);
    }
    if let Some(lines) = member_lines(obs, id, theme) {
        return Some(lines);
    }
    if let Some(l) = obs.site.loads.iter().find(|l| l.id == id) {
        let up: Vec<&String> = l
            .inputs
            .iter()
            .filter(|i| !obs.live.element_state(i).is_unavailable())
            .collect();
        let st = match up.len() {
            0 => Status::Critical,
            n if n < l.inputs.len() => Status::Degraded,
            _ => Status::Ok,
        };
        let mut out = vec![
            field(
                "state",
                Span::styled(
                    format!(
                        "{} fed by {} of {} inputs",
                        st.marker(),
                        up.len(),
                        l.inputs.len()
                    ),
                    theme.status(st),
                ),
                theme,
            ),
            field(
                "design",
                Span::raw(format!(
                    "{} load · demand {} {} · zone {}",
                    l.subsystem.name(),
                    l.demand,
                    l.subsystem.unit(),
                    l.zone.as_deref().map_or_else(|| "-".into(), clean)
                )),
                theme,
            ),
            field(
                "inputs",
                Span::raw(clean(&l.inputs.join(", ")).into_owned()),
                theme,
            ),
        ];
        out.extend(named(obs, id));
        return Some(out);
    }
    if let Some((c, r)) = obs
        .site
        .clusters
        .iter()
        .find_map(|c| c.resources.iter().find(|r| r.id == id).map(|r| (c, r)))
    {
        let nodes: Vec<String> = c
            .nodes
            .iter()
            .map(|n| format!("{} {}", n.id, obs.live.member_state(&n.id).name()))
            .collect();
        let mut out = vec![
            field(
                "cluster",
                Span::raw(format!(
                    "resource of {} · health {}",
                    clean(&c.id),
                    <&str>::from(obs.group_health(&c.id))
                )),
                theme,
            ),
            field(
                "nodes",
                Span::raw(clean(&nodes.join(", ")).into_owned()),
                theme,
            ),
            field(
                "prefers",
                Span::raw(r.prefers.as_deref().map_or_else(|| "-".into(), clean)),
                theme,
            ),
            // where it runs now is the cluster's to say; no source reports it yet
            field(
                "ops",
                Span::raw("m move it to another node that is up"),
                theme,
            ),
        ];
        out.extend(named(obs, id));
        return Some(out);
    }
    let tanks = obs
        .site
        .fuel_tanks
        .iter()
        .map(|t| (t, "fuel", obs.live.fuel_tanks.get(&t.id)))
        .chain(
            obs.site
                .makeup_water
                .iter()
                .map(|t| (t, "makeup water", obs.live.makeup_water.get(&t.id))),
        );
    let mut tanks = tanks.filter(|(t, _, _)| t.id == id);
    if let Some((t, what, live)) = tanks.next() {
        let state = live.map(|l| l.state).unwrap_or_default();
        let st = element_status(state);
        let hours = live
            .and_then(|l| l.hours)
            .map_or_else(|| "no level reported".into(), |h| format!("{h} h at N now"));
        let mut out = vec![
            field(
                "state",
                Span::styled(
                    format!("{} {}", st.marker(), state.name()),
                    theme.status(st),
                ),
                theme,
            ),
            field(
                "design",
                Span::raw(format!(
                    "{what} tank · {} h at N · zone {}",
                    t.hours_at_n,
                    t.zone.as_deref().map_or_else(|| "-".into(), clean)
                )),
                theme,
            ),
            field("level", Span::raw(hours), theme),
        ];
        out.extend(named(obs, id));
        return Some(out);
    }
    None
}

/// A compartment: every element and load in it with its state, and whether one event
/// there is a live SPOF.
/// A member of an IT group: its state, its group and how that stands, its role and rebuild,
/// and the operations that apply to it.
fn member_lines<'a>(obs: &'a Observation, id: &'a str, theme: &Theme) -> Option<Vec<Line<'a>>> {
    let g = obs
        .verdict
        .groups
        .iter()
        .find(|g| crate::verdict::member_ids(&obs.site, &g.id, g.kind).contains(&id))?;
    let state = obs.live.member_state(id);
    let st = match state {
        crate::model::MemberState::Ok => Status::Ok,
        crate::model::MemberState::Failed => Status::Critical,
        crate::model::MemberState::Unknown => Status::Unknown,
        _ => Status::Degraded,
    };
    let gs = Status::of_health(g.health);
    let mut out = vec![
        field(
            "state",
            Span::styled(format!("{} {state}", st.marker()), theme.status(st)),
            theme,
        ),
        field(
            "group",
            Span::styled(
                format!(
                    "{} {} ({} {} -> {})",
                    gs.marker(),
                    clean(&g.id),
                    g.kind,
                    g.design_label,
                    g.live_label
                ),
                theme.status(gs),
            ),
            theme,
        ),
    ];
    if let Some(roles) = obs.roles.get(id) {
        out.push(field(
            "role",
            Span::raw(clean(&roles.join(" ")).into_owned()),
            theme,
        ));
    }
    if let Some(r) = obs.live.rebuilds.get(id).filter(|r| r.progress.is_finite()) {
        let eta = r
            .eta_min
            .filter(|m| m.is_finite())
            .map(|m| format!(", about {m:.0} min left"))
            .unwrap_or_default();
        out.push(field(
            "rebuild",
            Span::raw(format!(
                "{:.0} %{eta}",
                (r.progress * 100.0).clamp(0.0, 100.0)
            )),
            theme,
        ));
    }
    let verbs = match g.kind {
        crate::classify::GroupKind::Cluster => "d drain (loses its vote) · t standby · u undrain",
        crate::classify::GroupKind::Gateway => "f fail the group over to it · d drain · u undrain",
        crate::classify::GroupKind::Bond => "f make it the active slave · d drain · u undrain",
        _ => "d drain · u undrain",
    };
    out.push(field("operate", Span::styled(verbs, theme.dim), theme));
    Some(out)
}

fn zone_lines<'a>(
    obs: &'a Observation,
    id: &str,
    zone: &str,
    theme: &Theme,
) -> Option<Vec<Line<'a>>> {
    let members: Vec<_> = obs
        .site
        .elements
        .iter()
        .filter(|e| e.zone.as_deref() == Some(zone))
        .collect();
    let loads: Vec<&str> = obs
        .site
        .loads
        .iter()
        .filter(|l| l.zone.as_deref() == Some(zone))
        .map(|l| l.id.as_str())
        .collect();
    if members.is_empty() && loads.is_empty() {
        return None;
    }
    let spof_of: Vec<&str> = obs
        .verdict
        .classification
        .subsystems
        .iter()
        .filter(|s| s.live.spofs.ids().contains(&id))
        .map(|s| s.subsystem.name())
        .collect();
    let loss = if spof_of.is_empty() {
        Span::styled(
            "✓ not a live SPOF: one event here leaves every load a path",
            theme.ok,
        )
    } else {
        Span::styled(
            format!(
                "✗ a live SPOF of {}: one event here drops a load",
                spof_of.join(", ")
            ),
            theme.critical,
        )
    };
    let mut out = vec![
        field(
            "kind",
            Span::raw("compartment (fire / physical zone)"),
            theme,
        ),
        field("loss", loss, theme),
    ];
    for (i, e) in members.iter().enumerate() {
        let state = obs.live.element_state(&e.id);
        let st = element_status(state);
        out.push(field(
            if i == 0 { "elements" } else { "" },
            Span::styled(
                format!(
                    "{} {:<12} {:<12} {}",
                    st.marker(),
                    clean(&e.id),
                    e.kind.name(),
                    state.name()
                ),
                theme.status(st),
            ),
            theme,
        ));
    }
    if !loads.is_empty() {
        out.push(field(
            "loads",
            Span::raw(clean(&loads.join(", ")).into_owned()),
            theme,
        ));
    }
    out.extend(named(obs, id));
    Some(out)
}

fn named<'a>(obs: &'a Observation, id: &str) -> Vec<Line<'a>> {
    findings_naming(&obs.verdict.classification, id)
        .into_iter()
        .map(|f| Line::raw(format!("  · {}", clean(f))))
        .collect()
}
