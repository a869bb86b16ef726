//! The event loop, free of terminals: inputs in, `update`, draw when dirty. No fixed-rate
//! redraw: an idle console draws when its clock's minute turns and when data changes, and
//! at most `MIN_FRAME_GAP` apart however fast events arrive (a burst is coalesced into one
//! frame).
//!
//! The loop is generic over the face it drives (`Model`): the operator console and the
//! read-only wallboard each bring their own state, action enum and key table, and share
//! this loop, the terminal and the feeding tasks.

use std::io;
use std::time::{Duration, SystemTime};

use crossterm::event::KeyEvent;
use tokio::sync::mpsc;
use tokio::time::Instant;

pub use super::action::Effect;
use super::action::{Action, Pointer};
use super::app::{App, update};
use super::mouse;
use super::observe::Observation;

/// 20 frames a second at most: plenty for a console, and cheap over a slow SSH link.
pub const MIN_FRAME_GAP: Duration = Duration::from_millis(50);

/// What reaches the loop. Keys travel raw because their meaning depends on the app's mode
/// (typing a filter or not), which only the loop knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<A = Action> {
    Key(KeyEvent),
    Action(A),
}

/// The actions the runtime's tasks (clock, poller, terminal, signals) send. Every face's
/// action enum has these and nothing else is required, so the shared tasks cannot smuggle
/// an operator action into a face that has none.
pub trait Runtime: Send + 'static {
    fn quit() -> Self;
    fn tick(now: SystemTime) -> Self;
    fn poll(obs: Box<Observation>) -> Self;
    fn resize() -> Self;
    /// A mouse event, for faces that take one (the wallboard does not).
    fn pointer(_p: Pointer) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
    /// A line for the operator from the runtime (a site switch that failed); faces that
    /// show no such line have none.
    fn notice(_text: String) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
    /// An operation's outcome for the event log; faces that cannot operate have none.
    fn operated(_text: String) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
}

impl Runtime for Action {
    fn quit() -> Self {
        Action::Quit
    }
    fn tick(now: SystemTime) -> Self {
        Action::Tick(now)
    }
    fn poll(obs: Box<Observation>) -> Self {
        Action::PollUpdate(obs)
    }
    fn resize() -> Self {
        Action::Resize
    }
    fn notice(text: String) -> Option<Self> {
        Some(Action::Notice(text))
    }
    fn operated(text: String) -> Option<Self> {
        Some(Action::OpResult(text))
    }
    fn pointer(p: Pointer) -> Option<Self> {
        Some(Action::Pointer(p))
    }
}

/// A face the loop can drive: its key table, its `update`, its dirty flag.
pub trait Model {
    type Action: Runtime;
    /// The action for a key press in the current state; None for an unbound key.
    fn key(&self, key: KeyEvent) -> Option<Self::Action>;
    fn update(&mut self, action: Self::Action) -> Effect;
    /// Something visible changed since the last frame.
    fn dirty(&self) -> bool;
    /// The frame was drawn.
    fn drawn(&mut self);
}

impl Model for App {
    type Action = Action;
    fn key(&self, key: KeyEvent) -> Option<Action> {
        self.keymap().action(key, self.key_mode())
    }
    fn update(&mut self, action: Action) -> Effect {
        match action {
            // a pointer means what is drawn where it lands: the mouse reads the state
            Action::Pointer(p) => mouse::action(self, p).map_or(Effect::None, |a| update(self, a)),
            a => update(self, a),
        }
    }
    fn dirty(&self) -> bool {
        self.is_dirty()
    }
    fn drawn(&mut self) {
        self.mark_drawn();
    }
}

/// Something that can show the app: the real terminal, or a test backend.
pub trait Screen<M = App> {
    fn draw(&mut self, app: &M) -> io::Result<()>;
}

/// Frame pacing: how long to hold a frame so frames stay `MIN_FRAME_GAP` apart.
#[derive(Debug, Default)]
pub struct Pacer {
    last: Option<Instant>,
}

impl Pacer {
    pub fn wait(&self, now: Instant) -> Duration {
        self.last.map_or(Duration::ZERO, |t| {
            (t + MIN_FRAME_GAP).saturating_duration_since(now)
        })
    }

    pub fn drew(&mut self, now: Instant) {
        self.last = Some(now);
    }
}

/// Apply one input and return its effect (None for an unbound key).
pub fn step<M: Model>(app: &mut M, input: Input<M::Action>) -> Effect {
    let action = match input {
        Input::Key(k) => app.key(k),
        Input::Action(a) => Some(a),
    };
    action.map_or(Effect::None, |a| app.update(a))
}

/// Apply one input; true when the app must quit.
pub fn apply<M: Model>(app: &mut M, input: Input<M::Action>) -> bool {
    step(app, input) == Effect::Quit
}

/// Run until a quit or until every sender is gone. Returns the number of frames drawn.
pub async fn drive<M: Model, S: Screen<M>>(
    app: &mut M,
    rx: &mut mpsc::Receiver<Input<M::Action>>,
    screen: &mut S,
) -> io::Result<u64> {
    drive_with(app, rx, screen, |_| {}).await
}

/// `drive`, handing every effect other than redraw and quit (a site switch) to `effects`.
pub async fn drive_with<M: Model, S: Screen<M>>(
    app: &mut M,
    rx: &mut mpsc::Receiver<Input<M::Action>>,
    screen: &mut S,
    mut effects: impl FnMut(Effect),
) -> io::Result<u64> {
    let mut pacer = Pacer::default();
    let mut draws = 0u64;
    let mut apply = |app: &mut M, input| match step(app, input) {
        Effect::Quit => true,
        Effect::None | Effect::Redraw => false,
        other => {
            effects(other);
            false
        }
    };
    loop {
        // take everything already queued before drawing: a burst becomes one frame
        while let Ok(input) = rx.try_recv() {
            if apply(app, input) {
                return Ok(draws);
            }
        }
        if app.dirty() {
            let wait = pacer.wait(Instant::now());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                continue;
            }
            screen.draw(app)?;
            app.drawn();
            pacer.drew(Instant::now());
            draws += 1;
        }
        let Some(input) = rx.recv().await else {
            return Ok(draws);
        };
        if apply(app, input) {
            return Ok(draws);
        }
    }
}
