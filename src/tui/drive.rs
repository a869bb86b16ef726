//! The event loop, free of terminals: inputs in, `update`, draw when dirty. No fixed-rate
//! redraw: an idle console draws when its clock's minute turns and when data changes, and
//! at most `MIN_FRAME_GAP` apart however fast events arrive (a burst is coalesced into one
//! frame).

use std::io;
use std::time::Duration;

use crossterm::event::KeyEvent;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::app::{Action, App, Effect, update};
use super::keys;

/// 20 frames a second at most: plenty for a console, and cheap over a slow SSH link.
pub const MIN_FRAME_GAP: Duration = Duration::from_millis(50);

/// What reaches the loop. Keys travel raw because their meaning depends on the app's mode
/// (typing a filter or not), which only the loop knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Key(KeyEvent),
    Action(Action),
}

/// Something that can show the app: the real terminal, or a test backend.
pub trait Screen {
    fn draw(&mut self, app: &App) -> io::Result<()>;
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

/// Apply one input; true when the app must quit.
pub fn apply(app: &mut App, input: Input) -> bool {
    let action = match input {
        Input::Key(k) => keys::action(k, app.filtering, app.help),
        Input::Action(a) => Some(a),
    };
    action.is_some_and(|a| update(app, a) == Effect::Quit)
}

/// Run until a quit or until every sender is gone. Returns the number of frames drawn.
pub async fn drive<S: Screen>(
    app: &mut App,
    rx: &mut mpsc::Receiver<Input>,
    screen: &mut S,
) -> io::Result<u64> {
    let mut pacer = Pacer::default();
    let mut draws = 0u64;
    loop {
        // take everything already queued before drawing: a burst becomes one frame
        while let Ok(input) = rx.try_recv() {
            if apply(app, input) {
                return Ok(draws);
            }
        }
        if app.dirty {
            let wait = pacer.wait(Instant::now());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                continue;
            }
            screen.draw(app)?;
            app.dirty = false;
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
