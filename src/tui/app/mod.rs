//! The console's state. Its fields are private: the only code that changes them is
//! `update` and the handlers it calls (this module's children), and a face reads them
//! through the accessors below. `update` does no IO and reads no clock: time arrives in
//! actions, so a test can replay any session exactly.

mod ack;
mod command;
pub mod operate;
mod rows;
mod update;

use std::time::SystemTime;

use crate::ops::Authority;
use crate::ops::audit::OpenMaintenance;

pub use super::action::{Action, Effect, PAGE_ROWS, View};
use super::components::{Group, Sort};
use super::items::{self, Item};
use super::keys::Keymap;
use super::layout::{self, ScreenLayout};
use super::log::EventLog;
use super::now::NowMemory;
use super::observe::Observation;
use super::timefmt;
use super::topology;
use operate::Dialog;
pub use update::update;

pub struct App {
    /// The site's name until the first observation brings the classification's.
    site: String,
    /// READ-ONLY unless an `Authority` was given.
    mode: &'static str,
    obs: Option<Observation>,
    /// Findings & SPOF rows of `obs`, kept so a frame does not rebuild them.
    items: Vec<Item>,
    /// The Topology view's rows, rebuilt only when the design changes.
    topology: Vec<topology::Row>,
    now: SystemTime,
    view: View,
    /// Row selected in the current list view.
    selected: usize,
    /// The row each view had selected when it was left.
    places: [usize; View::ALL.len()],
    filter: String,
    /// Keys go into the filter text while this is set.
    filtering: bool,
    help: bool,
    /// The kind group and order the Components view shows.
    group: Group,
    sort: Sort,
    /// The element (or IT group) whose detail pane is open over the current view.
    detail: Option<String>,
    log: EventLog,
    /// The `:` command being typed; keys go into it while this is set.
    palette: Option<String>,
    /// The sites of the console config, for `:site`; empty for a file or the demo.
    sites: Vec<String>,
    /// Which of `sites` is shown (its config name, which the site file need not share).
    current_site: Option<String>,
    /// Bumped on every site switch; observations of another generation are from the old
    /// site and are dropped.
    generation: u64,
    /// The keys in effect: the built-in table with the user's `keymap.ron` over it.
    keymap: Keymap,
    /// Where the header, tabs, body and footer go.
    layout: ScreenLayout,
    /// A one-off answer for the footer (Enter on a row that names nothing); the next key
    /// clears it.
    message: Option<String>,
    /// The right to operate; None in a read-only console, which therefore cannot build
    /// an operation to send.
    authority: Option<Authority>,
    /// The operation being prepared, confirmed or sent.
    operation: Option<Dialog>,
    /// Maintenance started through redcon and not ended (from the audit log).
    maintenance: Vec<OpenMaintenance>,
    /// Since when each current problem has been seen, what is new, what is acknowledged.
    memory: NowMemory,
    /// Acknowledgements dropped by the last observation (cleared or worse): to be saved.
    acks_dropped: bool,
    /// Something visible changed since the last frame.
    dirty: bool,
}

impl App {
    pub fn new(site: impl Into<String>, now: SystemTime) -> App {
        App {
            site: site.into(),
            mode: "READ-ONLY",
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
            authority: None,
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
    pub(crate) fn time_text(&self) -> (String, String) {
        let newest = self.obs.as_ref().and_then(|o| o.newest);
        (timefmt::clock(self.now), timefmt::age(self.now, newest))
    }

    /// Another view; each keeps its place, so back on a view the same row is selected.
    fn show(&mut self, to: View) {
        if to == self.view {
            return;
        }
        if let Some(place) = self.places.get_mut(self.view.index()) {
            *place = self.selected;
        }
        self.view = to;
        self.selected = self.places.get(to.index()).copied().unwrap_or(0);
        self.clamp_selection();
        // the pane belongs to the row it was opened from
        self.detail = None;
        self.dirty = true;
    }

    fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.rows().saturating_sub(1));
    }

    /// The acknowledgements in force (from the state file).
    pub fn with_acks(mut self, acks: Vec<super::now::Ack>) -> App {
        self.memory.acks = acks;
        self
    }

    /// The screen layout (the user's `layout.ron`, or the built-in one).
    pub fn with_layout(mut self, layout: ScreenLayout) -> App {
        self.layout = layout;
        self
    }

    /// A first line for the footer (a refused keymap or layout file).
    pub fn with_message(mut self, message: Option<String>) -> App {
        self.message = message;
        self
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

/// Read access for the faces (views, mouse, runtime): they see the state, never change it.
impl App {
    pub fn site(&self) -> &str {
        &self.site
    }
    /// "OPERATOR" or "READ-ONLY", for the header.
    pub fn mode(&self) -> &'static str {
        self.mode
    }
    pub fn obs(&self) -> Option<&Observation> {
        self.obs.as_ref()
    }
    /// Findings & SPOF rows of the observation.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// Every row of the Topology view, before the filter.
    pub fn topology(&self) -> &[topology::Row] {
        &self.topology
    }
    pub fn now(&self) -> SystemTime {
        self.now
    }
    pub fn view(&self) -> View {
        self.view
    }
    pub fn selected(&self) -> usize {
        self.selected
    }
    pub fn filter(&self) -> &str {
        &self.filter
    }
    pub fn filtering(&self) -> bool {
        self.filtering
    }
    pub fn help(&self) -> bool {
        self.help
    }
    pub fn group(&self) -> Group {
        self.group
    }
    pub fn sort(&self) -> Sort {
        self.sort
    }
    /// The id whose detail pane is open.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    pub fn log(&self) -> &EventLog {
        &self.log
    }
    /// The `:` command being typed.
    pub fn palette(&self) -> Option<&str> {
        self.palette.as_deref()
    }
    pub fn sites(&self) -> &[String] {
        &self.sites
    }
    pub fn current_site(&self) -> Option<&str> {
        self.current_site.as_deref()
    }
    pub fn generation(&self) -> u64 {
        self.generation
    }
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    pub fn layout(&self) -> &ScreenLayout {
        &self.layout
    }
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    pub fn authority(&self) -> Option<&Authority> {
        self.authority.as_ref()
    }
    pub fn operation(&self) -> Option<&Dialog> {
        self.operation.as_ref()
    }
    pub fn maintenance(&self) -> &[OpenMaintenance] {
        &self.maintenance
    }
    pub fn memory(&self) -> &NowMemory {
        &self.memory
    }
    /// Something visible changed since the last frame.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }
    /// The frame was drawn: the one change a face makes, and it shows nothing new.
    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }
    /// Which keys apply now (typing, a dialog, the help...).
    pub fn key_mode(&self) -> super::keys::Mode {
        super::keys::Mode {
            filtering: self.filtering,
            palette: self.palette.is_some(),
            dialog: self.operation.is_some(),
            help: self.help,
            detail: self.detail.is_some(),
        }
    }
}
