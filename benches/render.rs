//! The console's cost per frame on a large site: a generated campus of 2,010 elements
//! (10 halls, 1,000 dual-corded racks) in a degraded state, at 200x60.
//!
//! - time: a full frame of the overview and of the findings view (`view::render` into
//!   ratatui's buffer plus ratatui's diff against the previous frame), on a `TestBackend`
//!   so the figure is the console's work and not a terminal's; and a frame that changes
//!   every cell (overview and findings alternating) through a `CrosstermBackend`, so the
//!   escape-sequence encoding of a full redraw is in it too;
//! - bytes: what one frame writes to the terminal, unchanged and after typical changes,
//!   printed before the timings (bytes are counted, not timed).
//!
//! Figures and the machine they were taken on: docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{execute, queue};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use redcon::model::synth::{HallShape, campus};
use redcon::model::{ElementState, LiveState, Site};
use redcon::tui::observe::AgentCounts;
use redcon::tui::{Action, App, Observation, Theme, View, update};

const W: u16 = 200;
const H: u16 = 60;

/// 2026-11-22 10:00:30 UTC, as in the render tests: a fixed clock, so a run's bytes do not
/// depend on the time of day.
const T0: u64 = 1_795_341_630;

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

/// A degraded hour, as in the classify bench: a UPS module failed in two halls, a CRAH in
/// maintenance in a third; `more` fails further elements on top.
fn observation(site: &Site, more: &[&str]) -> Observation {
    let mut live = LiveState::default();
    live.elements
        .insert("H1-UPS-A2".into(), ElementState::Failed);
    live.elements
        .insert("H4-UPS-B1".into(), ElementState::Failed);
    live.elements
        .insert("H7-CRAH-03".into(), ElementState::Maintenance);
    for id in more {
        live.elements.insert((*id).into(), ElementState::Failed);
    }
    let mut obs = Observation::of_file(site, &live, t0());
    // as the poller would report a 100-agent site with a few agents lagging
    obs.agents = Some(AgentCounts {
        fresh: 97,
        not_answering: 0,
        stale: 2,
        dead: 1,
    });
    obs
}

/// The app as the console holds it after a poll, built the way tests/tui_render.rs does.
fn app(obs: &Observation, view: View) -> App {
    let mut app = App::new("campus", t0());
    update(&mut app, Action::PollUpdate(Box::new(obs.clone())));
    update(&mut app, Action::Show(view));
    app
}

/// A terminal's input: every byte ratatui writes, kept for counting. Shared because
/// `CrosstermBackend` owns its writer (reading it back needs ratatui's unstable
/// `backend-writer` feature).
#[derive(Clone, Default)]
struct Tty(Rc<RefCell<Vec<u8>>>);

impl Write for Tty {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Tty {
    fn take(&self) -> usize {
        let n = self.0.borrow().len();
        self.0.borrow_mut().clear();
        n
    }
}

type Crossterm = Terminal<CrosstermBackend<Tty>>;

/// A fixed viewport: a fullscreen one would ask the process's own terminal for its size,
/// and a bench may have none.
fn crossterm_terminal(tty: &Tty) -> io::Result<Crossterm> {
    Terminal::with_options(
        CrosstermBackend::new(tty.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
        },
    )
}

/// One frame exactly as the console's TermScreen writes it: inside a synchronized update.
fn frame(t: &mut Crossterm, app: &App, theme: &Theme) -> io::Result<()> {
    queue!(t.backend_mut(), BeginSynchronizedUpdate)?;
    t.draw(|f| redcon::tui::view::render(f, app, theme))?;
    execute!(t.backend_mut(), EndSynchronizedUpdate)
}

/// Bytes per frame: the first frame, an unchanged one, and the changes a console sees.
fn bytes(site: &Site, obs: &Observation, theme: &Theme) -> io::Result<()> {
    let tty = Tty::default();
    let mut t = crossterm_terminal(&tty)?;
    let mut a = app(obs, View::Overview);
    let row = |what: &str, n: usize| println!("bytes/frame {W}x{H} {what}: {n}");

    frame(&mut t, &a, theme)?;
    row("first frame, overview", tty.take());
    frame(&mut t, &a, theme)?;
    row("unchanged frame, overview", tty.take());

    // the header's minute turns: the idle console's one regular redraw
    update(&mut a, Action::Tick(t0() + Duration::from_secs(60)));
    frame(&mut t, &a, theme)?;
    row("clock minute turns", tty.take());

    // a poll brings a second failed UPS module on the same side of hall 1: the side drops below N
    let worse = observation(site, &["H1-UPS-A1"]);
    update(&mut a, Action::PollUpdate(Box::new(worse)));
    frame(&mut t, &a, theme)?;
    row("a new failure, overview", tty.take());

    update(&mut a, Action::Show(View::Findings));
    frame(&mut t, &a, theme)?;
    row("view switch to findings", tty.take());
    frame(&mut t, &a, theme)?;
    row("unchanged frame, findings", tty.take());

    update(&mut a, Action::Down);
    frame(&mut t, &a, theme)?;
    row("selection moves one row, findings", tty.take());
    Ok(())
}

fn render(c: &mut Criterion) {
    let site = campus(10, HallShape::default());
    let obs = observation(&site, &[]);
    let theme = Theme::colored();
    if let Err(e) = bytes(&site, &obs, &theme) {
        panic!("counting bytes per frame: {e}");
    }

    let mut group = c.benchmark_group("render");
    for (name, view) in [
        ("overview", View::Overview),
        ("findings", View::Findings),
        ("components", View::Components),
        ("topology", View::Topology),
    ] {
        let a = app(&obs, view);
        let mut t = match Terminal::new(TestBackend::new(W, H)) {
            Ok(t) => t,
            Err(e) => panic!("test backend: {e}"),
        };
        group.bench_function(
            format!("{name} {W}x{H}, 2,010 elements (render + diff)"),
            |b| {
                b.iter(|| {
                    if let Err(e) = t.draw(|f| redcon::tui::view::render(f, &a, &theme)) {
                        panic!("draw: {e}");
                    }
                })
            },
        );
    }

    // every cell changes every frame: the worst case a keypress can cause, encoding included
    let views = [app(&obs, View::Overview), app(&obs, View::Findings)];
    let tty = Tty::default();
    let mut t = match crossterm_terminal(&tty) {
        Ok(t) => t,
        Err(e) => panic!("crossterm backend: {e}"),
    };
    let mut i = 0usize;
    group.bench_function(
        format!("view switch {W}x{H} through crossterm (render + diff + encode)"),
        |b| {
            b.iter(|| {
                i += 1;
                if let Err(e) = frame(&mut t, &views[i % 2], &theme) {
                    panic!("draw: {e}");
                }
                tty.take()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
