//! The console's vocabulary of events: the views, the actions that reach `update`, and the
//! effects it asks of the runtime. Below the state and every module that produces actions
//! (keys, mouse, palette), so none of them needs the state's module to speak.
#![allow(
    clippy::indexing_slicing,
    reason = "View::ALL is indexed by a position taken rem_euclid its length"
)]

use std::time::SystemTime;

use super::now::Ack;
use super::observe::Observation;

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

    pub(crate) fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub(crate) fn step(self, by: isize) -> View {
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
    /// A mouse click or wheel turn (only with `--mouse`); the runtime turns it into the
    /// action it means (`mouse::action`) before `update` sees it.
    Pointer(Pointer),
    /// A click on a row of the current list: select it.
    Select(usize),
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

/// Rows a PgUp / PgDn moves: a screenful of a list at 80x24.
pub const PAGE_ROWS: usize = 15;

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Redraw,
    Quit,
    /// Poll another configured site (`:site NAME`). Its observations must carry
    /// `generation`, so one still in flight from the old site is not taken for the new.
    SwitchSite {
        name: String,
        generation: u64,
    },
    /// Send a cleared operation to the agent at `url`, audited; `plan` is what the audit
    /// record says of its plan.
    Operate {
        mutation: Box<crate::ops::Mutation>,
        plan: Vec<String>,
        url: String,
    },
    /// Append a record to the audit log: an operation the console refused before sending
    /// is audited as the command line's are.
    Audit(Box<crate::ops::audit::Record>),
    /// Keep the acknowledgements in force in the state file; `new` is one just made, for
    /// the audit log too.
    SaveAcks {
        acks: Vec<Ack>,
        new: Option<Ack>,
    },
}

/// A mouse event as the runtime reports it: where, on a screen of which size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    Click {
        col: u16,
        row: u16,
        width: u16,
        height: u16,
    },
    WheelUp,
    WheelDown,
}

/// The verbs the console offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Drain,
    Undrain,
    Standby,
    Failover,
    Move,
}

impl Verb {
    /// Every verb; kept whole by `number`'s match and the test that finds each number here.
    pub const ALL: [Verb; 5] = [
        Verb::Drain,
        Verb::Undrain,
        Verb::Standby,
        Verb::Failover,
        Verb::Move,
    ];

    /// The verb's place in `ALL`.
    pub fn number(self) -> usize {
        match self {
            Verb::Drain => 0,
            Verb::Undrain => 1,
            Verb::Standby => 2,
            Verb::Failover => 3,
            Verb::Move => 4,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Verb::Drain => "drain",
            Verb::Undrain => "undrain",
            Verb::Standby => "standby",
            Verb::Failover => "failover",
            Verb::Move => "move",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Verb;

    #[test]
    fn every_verb_is_in_all_once_in_its_place() {
        let numbers: Vec<usize> = Verb::ALL.iter().map(|v| v.number()).collect();
        assert_eq!(numbers, (0..Verb::ALL.len()).collect::<Vec<_>>());
    }
}
