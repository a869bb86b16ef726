//! The console's state and the only function that changes it. `update` does no IO and
//! reads no clock: time arrives in actions, so a test can replay any session exactly.
#![allow(
    clippy::indexing_slicing,
    reason = "View::ALL is indexed by a position taken rem_euclid its length"
)]

use std::time::SystemTime;

use crate::ops::Authority;
use crate::ops::audit::OpenMaintenance;

use super::command;
use super::components::{Group, Sort};
use super::items::{self, Item};
use super::keys::Keymap;
use super::layout::{self, ScreenLayout};
use super::log::EventLog;
use super::mouse::{self, Pointer};
use super::now::NowMemory;
use super::observe::Observation;
use super::operate::{self, Dialog, Verb};
use super::timefmt;
use super::topology;

/// The screens reachable with Tab / 1-6: the state of the moment first, the design's
/// reasoning last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Overview,
    /// Every current problem, worst first.
    Now,
    Components,
    Events,
    Topology,
    Findings,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Overview,
        View::Now,
        View::Components,
        View::Events,
        View::Topology,
        View::Findings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Now => "Now",
            View::Findings => "Findings & SPOFs",
            View::Components => "Components",
            View::Events => "Events",
            View::Topology => "Topology",
        }
    }

    fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    fn step(self, by: isize) -> View {
        let n = View::ALL.len() as isize;
        View::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// Everything that can happen to the console: keys (through the key table), poll results,
/// the clock, the terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    NextView,
    PrevView,
    Show(View),
    Up,
    Down,
    /// `g` / Home, `G` / End: the first or last row.
    Top,
    Bottom,
    /// PgUp / PgDn: a page of rows.
    PageUp,
    PageDown,
    /// `a`: acknowledge the selected problem (the note is typed in the palette).
    AckStart,
    /// `/`: start typing a filter.
    FilterStart,
    Filter(char),
    FilterBackspace,
    /// Enter: keep the filter, leave typing.
    FilterEnd,
    /// Esc while typing: drop the filter.
    FilterClear,
    ToggleHelp,
    /// `]` / `[`: the next or previous kind group of the Components view.
    NextGroup,
    PrevGroup,
    /// `s`: the next sort order of the Components view.
    CycleSort,
    /// Enter: the detail pane of the selected row's element.
    Open,
    /// Esc with the detail pane open.
    CloseDetail,
    /// `:`: start typing a command.
    PaletteStart,
    PaletteInput(char),
    PaletteBackspace,
    /// Tab while typing a command.
    PaletteComplete,
    /// Enter while typing a command.
    PaletteRun,
    /// Esc while typing a command.
    PaletteCancel,
    /// A mouse click or wheel turn (only with `--mouse`).
    Pointer(Pointer),
    /// A line from the runtime for the footer (a site switch that failed).
    Notice(String),
    /// An operation's key (`d`, `u`, `t`, `f`, `m`) on the selected unit.
    OpStart(Verb),
    /// Typing into the operation dialog (its reason, or the target's id).
    OpInput(char),
    OpBackspace,
    /// Tab / arrows: move the focus between Cancel and Confirm.
    OpFocus,
    OpEnter,
    OpCancel,
    /// What came back from the agent, for the event log.
    OpResult(String),
    PollUpdate(Box<Observation>),
    /// The wall clock, once a second; redraws only when the shown clock or age changes.
    Tick(SystemTime),
    Resize,
}

// where every face of the console can reach it without reaching this module's actions
pub use super::drive::Effect;

pub struct App {
    /// The site's name until the first observation brings the classification's.
    pub site: String,
    /// OPERATOR for now; the wallboard will be READ-ONLY.
    pub mode: &'static str,
    pub obs: Option<Observation>,
    /// Findings & SPOF rows of `obs`, kept so a frame does not rebuild them.
    pub items: Vec<Item>,
    /// The Topology view's rows, rebuilt only when the design changes.
    pub topology: Vec<topology::Row>,
    pub now: SystemTime,
    pub view: View,
    /// Row selected in the current list view.
    pub selected: usize,
    /// The row each view had selected when it was left.
    places: [usize; View::ALL.len()],
    pub filter: String,
    /// Keys go into the filter text while this is set.
    pub filtering: bool,
    pub help: bool,
    /// The kind group and order the Components view shows.
    pub group: Group,
    pub sort: Sort,
    /// The element (or IT group) whose detail pane is open over the current view.
    pub detail: Option<String>,
    pub log: EventLog,
    /// The `:` command being typed; keys go into it while this is set.
    pub palette: Option<String>,
    /// The sites of the console config, for `:site`; empty for a file or the demo.
    pub sites: Vec<String>,
    /// Which of `sites` is shown (its config name, which the site file need not share).
    pub current_site: Option<String>,
    /// Bumped on every site switch; observations of another generation are from the old
    /// site and are dropped.
    pub generation: u64,
    /// The keys in effect: the built-in table with the user's `keymap.ron` over it.
    pub keymap: Keymap,
    /// Where the header, tabs, body and footer go.
    pub layout: ScreenLayout,
    /// A one-off answer for the footer (Enter on a row that names nothing); the next key
    /// clears it.
    pub message: Option<String>,
    /// The right to operate; None in a read-only console, which therefore cannot build
    /// an operation to send.
    pub authority: Option<Authority>,
    /// The operation being prepared, confirmed or sent.
    pub operation: Option<Dialog>,
    /// Maintenance started through redcon and not ended (from the audit log).
    pub maintenance: Vec<OpenMaintenance>,
    /// Since when each current problem has been seen, what is new, what is acknowledged.
    pub memory: NowMemory,
    /// Acknowledgements dropped by the last observation (cleared or worse): to be saved.
    pub(super) acks_dropped: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
}

/// Rows a PgUp / PgDn moves: a screenful of a list at 80x24.
pub const PAGE_ROWS: usize = 15;

impl App {
    pub fn new(site: impl Into<String>, now: SystemTime) -> App {
        App {
            site: site.into(),
            mode: "OPERATOR",
            obs: None,
            items: Vec::new(),
            topology: Vec::new(),
            now,
            view: View::Overview,
            selected: 0,
            places: [0; View::ALL.len()],
            filter: String::new(),
            filtering: false,
            help: false,
            group: Group::Ups,
            sort: Sort::State,
            detail: None,
            log: EventLog::default(),
            palette: None,
            sites: Vec::new(),
            current_site: None,
            generation: 0,
            keymap: Keymap::default(),
            layout: layout::operator(),
            message: None,
            authority: Some(Authority::operator("operator")),
            operation: None,
            maintenance: Vec::new(),
            memory: NowMemory::default(),
            acks_dropped: false,
            dirty: true,
        }
    }

    /// Operations as `authority` (None: read-only, and the header says so).
    pub fn with_authority(mut self, authority: Option<Authority>) -> App {
        self.mode = if authority.is_some() {
            "OPERATOR"
        } else {
            "READ-ONLY"
        };
        self.authority = authority;
        self
    }

    /// The header's time-dependent text; a tick redraws only when this changes.
    fn time_text(&self) -> (String, String) {
        let newest = self.obs.as_ref().and_then(|o| o.newest);
        (timefmt::clock(self.now), timefmt::age(self.now, newest))
    }

    pub(super) fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.rows().saturating_sub(1));
    }

    /// The keys to use instead of the built-in table.
    pub fn with_keymap(mut self, keymap: Keymap) -> App {
        self.keymap = keymap;
        self
    }

    /// The configured sites `:site` can switch between, and the one shown first.
    pub fn with_sites(mut self, sites: Vec<String>, current: Option<String>) -> App {
        self.current_site = current.or_else(|| sites.first().cloned());
        self.sites = sites;
        self
    }

    fn observe(&mut self, mut obs: Observation) {
        if obs.generation != self.generation {
            return;
        }
        // maintenance started here and left in place is part of the verdict, as in `status`
        let lingering = operate::lingering_items(self, &obs);
        let lines: Vec<String> = lingering.iter().map(|i| i.text.clone()).collect();
        obs.verdict.add_lingering(&lines);
        let same = self.obs.as_ref().is_some_and(|old| {
            // the newest-data time moves on every poll; only what it shows matters
            old.verdict == obs.verdict
                && old.agents == obs.agents
                && old.agent_freshness == obs.agent_freshness
                && old.live == obs.live
                && old.metrics == obs.metrics
                && old.sparks == obs.sparks
                && old.roles == obs.roles
                && timefmt::age(self.now, old.newest) == timefmt::age(self.now, obs.newest)
        });
        if self.obs.as_ref().is_none_or(|old| old.site != obs.site) {
            self.topology = topology::build(&obs.site);
            self.dirty = true;
        }
        self.log.observe(self.obs.as_ref(), &obs, self.now);
        let site = obs.verdict.site.clone();
        if self.memory.observe(&site, &obs.verdict.problems, self.now) {
            self.acks_dropped = true;
        }
        if !same {
            self.site = obs.verdict.classification.site.clone();
            self.items = items::items(&obs.verdict.classification);
            // ... and a finding like any other
            self.items.splice(0..0, lingering);
            self.dirty = true;
        }
        self.obs = Some(obs);
        self.clamp_selection();
    }
}

pub fn update(app: &mut App, action: Action) -> Effect {
    let from_runtime = matches!(
        action,
        Action::PollUpdate(_) | Action::Tick(_) | Action::Resize
    );
    if !from_runtime && app.message.take().is_some() {
        app.dirty = true;
    }
    if !from_runtime {
        // a key means someone is looking: what was new is seen
        app.memory.last_look = Some(app.now);
    }
    match action {
        Action::Quit => return Effect::Quit,
        Action::NextView | Action::PrevView | Action::Show(_) => {
            let to = match action {
                Action::NextView => app.view.step(1),
                Action::PrevView => app.view.step(-1),
                Action::Show(v) => v,
                _ => app.view,
            };
            if to != app.view {
                // each view keeps its place: back on a view, the same row is selected
                app.places[app.view.index()] = app.selected;
                app.view = to;
                app.selected = app.places[to.index()];
                app.clamp_selection();
                // the pane belongs to the row it was opened from
                app.detail = None;
                app.dirty = true;
            }
        }
        Action::Up if app.selected > 0 => {
            app.selected -= 1;
            app.dirty = true;
        }
        Action::Down if app.selected + 1 < app.rows() => {
            app.selected += 1;
            app.dirty = true;
        }
        Action::Up | Action::Down => {}
        Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
            let last = app.rows().saturating_sub(1);
            let to = match action {
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => app.selected.saturating_sub(PAGE_ROWS),
                _ => (app.selected + PAGE_ROWS).min(last),
            };
            if to != app.selected {
                app.selected = to;
                app.dirty = true;
            }
        }
        Action::AckStart => return super::ack::start(app),
        Action::FilterStart => {
            app.filtering = true;
            app.dirty = true;
        }
        Action::Filter(c) if !c.is_control() => {
            app.filter.push(c);
            app.selected = 0;
            app.dirty = true;
        }
        Action::Filter(_) => {}
        Action::FilterBackspace => {
            app.filter.pop();
            app.clamp_selection();
            app.dirty = true;
        }
        Action::FilterEnd => {
            app.filtering = false;
            app.dirty = true;
        }
        Action::FilterClear => {
            app.filtering = false;
            app.filter.clear();
            app.clamp_selection();
            app.dirty = true;
        }
        Action::ToggleHelp => {
            app.help = !app.help;
            app.dirty = true;
        }
        Action::NextGroup | Action::PrevGroup if app.view == View::Components => {
            app.group = app
                .group
                .step(if action == Action::NextGroup { 1 } else { -1 });
            app.selected = 0;
            app.detail = None;
            app.dirty = true;
        }
        Action::CycleSort if app.view == View::Components => {
            app.sort = app.sort.next();
            app.selected = 0;
            app.dirty = true;
        }
        Action::NextGroup | Action::PrevGroup | Action::CycleSort => {}
        Action::Open => {
            match app.selected_target() {
                Some(id) => app.detail = Some(id),
                None if app.view == View::Findings && app.rows() > 0 => {
                    app.message = Some("this row names no element, zone or load to open".into());
                }
                None => {}
            }
            app.dirty = true;
        }
        Action::CloseDetail => {
            app.detail = None;
            app.dirty = true;
        }
        Action::PaletteStart
        | Action::PaletteInput(_)
        | Action::PaletteBackspace
        | Action::PaletteComplete
        | Action::PaletteCancel
        | Action::PaletteRun => return command::palette(app, action),
        Action::Pointer(p) => return mouse::pointer(app, p),
        Action::Notice(text) => {
            app.message = Some(text);
            app.dirty = true;
        }
        Action::OpStart(verb) => return operate::start(app, verb),
        Action::OpInput(_)
        | Action::OpBackspace
        | Action::OpFocus
        | Action::OpEnter
        | Action::OpCancel
        | Action::OpResult(_) => return operate::update(app, action),
        Action::PollUpdate(obs) => {
            app.observe(*obs);
            if std::mem::take(&mut app.acks_dropped) {
                return Effect::SaveAcks {
                    acks: app.memory.acks.clone(),
                    new: None,
                };
            }
        }
        Action::Tick(now) => {
            let before = app.time_text();
            app.now = now;
            if app.time_text() != before {
                app.dirty = true;
            }
        }
        Action::Resize => app.dirty = true,
    }
    if app.dirty {
        Effect::Redraw
    } else {
        Effect::None
    }
}
