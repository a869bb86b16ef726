//! `redcon wallboard`: the console's read-only face for a NOC wall.
//!
//! Read-only by construction: the wallboard has its own state (`Wall`), its own action
//! enum (`WallAction`) and its own key table (`KEYS`), and none of them can name an
//! operator action. It shares the event loop, terminal, poll observation and theme with
//! the console through `drive::Model` and `drive::Runtime`, which require only quit, the
//! clock, poll results and resize. Nothing here imports the console's `Action`, so no key,
//! signal or poll result can reach one from this face.
//!
//! It runs unattended: its state is one observation and a page counter (no log, no
//! history), so weeks of uptime use the memory of the first minute.
#![allow(
    clippy::indexing_slicing,
    reason = "Page::ALL is indexed by a position taken rem_euclid its length"
)]

pub mod big;
pub mod view;

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::drive::{Effect, Model, Runtime};
use super::observe::Observation;
use super::timefmt;
use crate::poll::Freshness;
use crate::status::source::Source;

/// Seconds each page stays up unless `--rotate` says otherwise (a Grafana playlist's pace).
pub const DEFAULT_ROTATE: u64 = 15;

/// The pages of the playlist, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Overview,
    /// The problems of the moment, in full.
    Now,
    Groups,
}

impl Page {
    pub const ALL: [Page; 3] = [Page::Overview, Page::Now, Page::Groups];

    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::Now => "Now: problems",
            Page::Groups => "IT groups",
        }
    }

    pub fn number(self) -> usize {
        Page::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    fn step(self, by: isize) -> Page {
        let n = Page::ALL.len() as isize;
        Page::ALL[(self.number() as isize - 1 + by).rem_euclid(n) as usize]
    }
}

/// Everything that can happen to the wallboard. There is deliberately no variant that
/// changes the site, selects an element or opens anything: a wall has nothing to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum WallAction {
    Quit,
    NextPage,
    PrevPage,
    PollUpdate(Box<Observation>),
    /// The 1 s clock: turns pages and ages the data.
    Tick(SystemTime),
    Resize,
}

impl Runtime for WallAction {
    fn quit() -> Self {
        WallAction::Quit
    }
    fn tick(now: SystemTime) -> Self {
        WallAction::Tick(now)
    }
    fn poll(obs: Box<Observation>) -> Self {
        WallAction::PollUpdate(obs)
    }
    fn resize() -> Self {
        WallAction::Resize
    }
}

pub struct WallKey {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub label: &'static str,
    pub help: &'static str,
    pub action: fn() -> WallAction,
}

const NONE: KeyModifiers = KeyModifiers::NONE;

// one binding a line: the table is the keymap, it should read as one
#[rustfmt::skip]
pub const KEYS: &[WallKey] = &[
    WallKey { code: KeyCode::Char('c'), mods: KeyModifiers::CONTROL, label: "Ctrl-C", help: "quit", action: || WallAction::Quit },
    WallKey { code: KeyCode::Char('q'), mods: NONE, label: "q", help: "quit", action: || WallAction::Quit },
    WallKey { code: KeyCode::Char('n'), mods: NONE, label: "n", help: "next page", action: || WallAction::NextPage },
    WallKey { code: KeyCode::Right, mods: NONE, label: "Right", help: "next page", action: || WallAction::NextPage },
    WallKey { code: KeyCode::Char('p'), mods: NONE, label: "p", help: "previous page", action: || WallAction::PrevPage },
    WallKey { code: KeyCode::Left, mods: NONE, label: "Left", help: "previous page", action: || WallAction::PrevPage },
];

/// The action for a key press; every other key is ignored (None: no redraw either).
pub fn key_action(key: KeyEvent) -> Option<WallAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let mods = key.modifiers - KeyModifiers::SHIFT;
    KEYS.iter()
        .find(|b| b.code == key.code && b.mods == mods)
        .map(|b| (b.action)())
}

/// How long a problem is marked NEW on a wall.
pub const NEW_ON_A_WALL: Duration = Duration::from_secs(15 * 60);

/// The loud line across the wall when the data cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    None,
    /// Some agents are late: the named ones (dead ones say so).
    Stale(Vec<String>),
    /// Nothing usable: no agent answering, or the newest answer is older than the dead limit.
    NoData,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Wall {
    pub site: String,
    pub obs: Option<Observation>,
    /// Since when each problem has been seen, and the acknowledgements made at consoles
    /// (shown here, never made here).
    pub memory: crate::tui::now::NowMemory,
    pub now: SystemTime,
    pub page: Page,
    /// Ticks (seconds) per page; 0 holds the page.
    pub rotate: u64,
    /// Ticks the current page has been up.
    pub on_page: u64,
    /// Agent data older than this is dead; None when the live state is a file.
    pub dead_after: Option<Duration>,
    /// Where the head, banner and page go.
    pub layout: crate::tui::layout::ScreenLayout,
    /// Maintenance started through redcon and not ended, from the audit log: left in place
    /// too long, it is part of the verdict here as in `status` and the console.
    pub maintenance: Vec<crate::ops::audit::OpenMaintenance>,
    pub dirty: bool,
}

impl Wall {
    pub fn new(
        site: impl Into<String>,
        now: SystemTime,
        rotate: u64,
        dead_after: Option<Duration>,
    ) -> Wall {
        Wall {
            site: site.into(),
            obs: None,
            memory: crate::tui::now::NowMemory::default(),
            now,
            page: Page::Overview,
            rotate,
            on_page: 0,
            dead_after,
            layout: crate::tui::layout::wallboard(),
            maintenance: Vec::new(),
            dirty: true,
        }
    }

    pub fn banner(&self) -> Banner {
        let Some(o) = &self.obs else {
            return Banner::NoData;
        };
        // a live state read from a file does not age and has no agents to lose
        let Some(counts) = o.agents else {
            return Banner::None;
        };
        let aged_out = match (o.newest, self.dead_after) {
            (None, _) => true,
            (Some(t), Some(limit)) => self.now.duration_since(t).unwrap_or_default() > limit,
            (Some(_), None) => false,
        };
        if aged_out || counts.fresh + counts.stale == 0 {
            return Banner::NoData;
        }
        let mut late: Vec<String> = o
            .agent_freshness
            .iter()
            .filter(|(_, f)| *f != Freshness::Fresh)
            .map(|(n, f)| match f {
                Freshness::Stale => n.clone(),
                _ => format!("{n} ({})", f.name()),
            })
            .collect();
        if late.is_empty() && counts.stale + counts.dead > 0 {
            // counted but not named (a feed that only counts): still say so
            late.push(format!("{} agents", counts.stale + counts.dead));
        }
        if late.is_empty() {
            Banner::None
        } else {
            Banner::Stale(late)
        }
    }

    /// What a tick can change on screen; a tick redraws only when this does (or the page
    /// turns), so an idle wall draws a frame a minute, not one a second.
    fn time_text(&self) -> (String, String, Banner) {
        let newest = self.obs.as_ref().and_then(|o| o.newest);
        (
            timefmt::clock(self.now),
            timefmt::age(self.now, newest),
            self.banner(),
        )
    }

    fn turn(&mut self, by: isize) {
        self.page = self.page.step(by);
        self.on_page = 0;
        self.dirty = true;
    }

    fn observe(&mut self, mut obs: Observation) {
        let now = self
            .now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let lingering: Vec<String> = crate::ops::audit::lingering_targets(
            &self.maintenance,
            &obs.site,
            &obs.live,
            now,
            crate::tui::app::operate::MAINTENANCE_AGE_S,
        )
        .into_iter()
        .map(|(_, text)| text)
        .collect();
        obs.verdict.add_lingering(&lingering);
        let same = self.obs.as_ref().is_some_and(|old| {
            old.verdict == obs.verdict
                && old.agents == obs.agents
                && old.agent_freshness == obs.agent_freshness
                && timefmt::age(self.now, old.newest) == timefmt::age(self.now, obs.newest)
        });
        // nobody presses a key at a wall: a problem is new for a while, then it is not
        self.memory.last_look = self.now.checked_sub(NEW_ON_A_WALL);
        self.memory
            .observe(&obs.verdict.site, &obs.verdict.problems, self.now);
        if !same {
            self.site = obs.verdict.classification.site.clone();
            self.dirty = true;
        }
        self.obs = Some(obs);
    }
}

pub fn update(wall: &mut Wall, action: WallAction) -> Effect {
    match action {
        WallAction::Quit => return Effect::Quit,
        WallAction::NextPage => wall.turn(1),
        WallAction::PrevPage => wall.turn(-1),
        WallAction::PollUpdate(obs) => wall.observe(*obs),
        WallAction::Tick(now) => {
            let before = wall.time_text();
            wall.now = now;
            if wall.rotate > 0 {
                wall.on_page += 1;
                if wall.on_page >= wall.rotate {
                    wall.turn(1);
                }
            }
            if wall.time_text() != before {
                wall.dirty = true;
            }
        }
        WallAction::Resize => wall.dirty = true,
    }
    if wall.dirty {
        Effect::Redraw
    } else {
        Effect::None
    }
}

impl Model for Wall {
    type Action = WallAction;
    fn key(&self, key: KeyEvent) -> Option<WallAction> {
        key_action(key)
    }
    fn update(&mut self, action: WallAction) -> Effect {
        update(self, action)
    }
    fn dirty(&self) -> bool {
        self.dirty
    }
    fn drawn(&mut self) {
        self.dirty = false;
    }
}

/// Run the wallboard on `source` until it is told to quit; `rotate` seconds per page.
pub fn run(source: &Source, timeout: Duration, rotate: u64, theme: Option<&str>) -> ExitCode {
    let audit = super::state_files::audit_records();
    let acks = super::state_files::saved_acks();
    super::run::session(
        source,
        timeout,
        theme,
        // read-only: no pointer either
        false,
        |site, dead_after| {
            let mut wall = Wall::new(site.name.clone(), SystemTime::now(), rotate, dead_after);
            let (layout, refused) = crate::tui::layout::load(
                crate::config::config_dir().as_deref(),
                "wallboard",
                crate::tui::layout::WALLBOARD,
                crate::tui::layout::WALLBOARD_PANELS,
            );
            if let Some(why) = refused {
                // the wall has no footer to say it in; stderr, as before the screen is taken
                eprintln!("redcon: {why}");
            }
            wall.layout = layout;
            wall.maintenance = crate::ops::audit::open_maintenance(&audit);
            wall.memory.acks = acks;
            wall
        },
        view::render,
    )
}
