//! The console must not redraw for nothing: an idle minute on paused tokio time, with the
//! real event loop, the real 1 s clock task and a fake fleet answering every 5 s with
//! unchanged data, draws a couple of frames, not 60 and certainly not 3,600.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use redcon::model::ElementState;
use redcon::tui::observe::AgentCounts;
use redcon::tui::{Action, App, Input, Observation, Screen, Theme, drive, ticker};

/// 10:00:30 UTC: the shown minute turns once during the idle minute.
const T0: u64 = 1_795_341_630;

struct Counting {
    terminal: Terminal<TestBackend>,
    theme: Theme,
    draws: Vec<Duration>,
    start: Instant,
}

impl Screen for Counting {
    fn draw(&mut self, app: &App) -> io::Result<()> {
        let theme = &self.theme;
        self.terminal
            .draw(|f| redcon::tui::view::render(f, app, theme))
            .unwrap();
        self.draws.push(self.start.elapsed());
        Ok(())
    }
}

fn obs(fail: &[&str], at: SystemTime) -> Observation {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    for id in fail {
        live.elements
            .insert((*id).to_string(), ElementState::Failed);
    }
    let mut o = Observation::of_file(&site, &live, at);
    o.agents = Some(AgentCounts {
        fresh: 10,
        not_answering: 0,
        stale: 0,
        dead: 0,
    });
    o
}

/// One minute of the event loop. `change_at`: when the fleet reports a failure, if ever.
/// Returns when each frame was drawn, relative to the start.
async fn idle_minute(change_at: Option<Duration>) -> Vec<Duration> {
    let start = Instant::now();
    let base = UNIX_EPOCH + Duration::from_secs(T0);
    let clock = move || base + start.elapsed();
    let (tx, mut rx) = mpsc::channel::<Input>(256);
    tokio::spawn(ticker(tx.clone(), clock));
    let fleet = tx.clone();
    tokio::spawn(async move {
        loop {
            let broken = change_at.is_some_and(|c| start.elapsed() >= c);
            let fail: &[&str] = if broken { &["UPS-B1"] } else { &[] };
            let update = Action::PollUpdate(Box::new(obs(fail, clock())));
            if fleet.send(Input::Action(update)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60_500)).await;
        let _ = tx.send(Input::Action(Action::Quit)).await;
    });
    let mut app = App::new("dc1", clock());
    let mut screen = Counting {
        terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        theme: Theme::colored(),
        draws: Vec::new(),
        start,
    };
    let drawn = drive(&mut app, &mut rx, &mut screen).await.unwrap();
    assert_eq!(drawn as usize, screen.draws.len());
    assert!(
        start.elapsed() >= Duration::from_secs(60),
        "a whole minute ran"
    );
    screen.draws
}

/// Frames after start-up (the "waiting" frame and the first data, 50 ms apart at most).
fn after_startup(draws: &[Duration]) -> Vec<Duration> {
    let startup = draws
        .iter()
        .filter(|d| **d < Duration::from_secs(1))
        .count();
    assert!(startup <= 2, "start-up frames {draws:?}");
    draws[startup..].to_vec()
}

#[tokio::test(start_paused = true)]
async fn an_idle_minute_draws_only_when_the_shown_minute_turns() {
    let draws = idle_minute(None).await;
    // 10:00 -> 10:01 on the clock; 60 ticks and 12 unchanged polls cost nothing
    let idle = after_startup(&draws);
    assert_eq!(idle, [Duration::from_secs(30)], "frames at {draws:?}");
    assert!(draws.len() <= 3);
}

#[tokio::test(start_paused = true)]
async fn one_change_in_the_fleet_costs_exactly_one_more_frame() {
    let draws = idle_minute(Some(Duration::from_secs(42))).await;
    // the change is drawn at the first poll after it (45 s), once
    let idle = after_startup(&draws);
    assert_eq!(
        idle,
        [Duration::from_secs(30), Duration::from_secs(45)],
        "frames at {draws:?}"
    );
}
