//! The wallboard: render snapshots on the degraded demo at 80x24 and 200x60, a NO_COLOR
//! render that keeps every marker, every key of the console's table doing nothing but turn
//! a page or quit, pages turning on the 1 s tick (also through the real loop on paused
//! time), and the STALE / NO DATA banner.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tokio::sync::mpsc;

use redcon::model::ElementState;
use redcon::poll::Freshness;
use redcon::tui::drive::apply;
use redcon::tui::observe::AgentCounts;
use redcon::tui::wall::{self, Banner, Page, Wall, WallAction, update};
use redcon::tui::{Effect, Input, Observation, Screen, Theme, drive, keys, ticker};

/// 2026-11-22 10:00:30 UTC, as in the console's render tests.
const T0: u64 = 1_795_341_630;

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

fn demo_obs(fail: &[&str]) -> Observation {
    let site = redcon::demo::site().unwrap();
    let mut live = redcon::demo::live(&site).unwrap();
    for id in fail {
        live.elements
            .insert((*id).to_string(), ElementState::Failed);
    }
    let mut obs = Observation::of_file(&site, &live, t0());
    obs.agents = Some(AgentCounts {
        fresh: 3,
        not_answering: 0,
        stale: 0,
        dead: 0,
    });
    obs.agent_freshness = ["pdu-a", "ups-b", "crah-1"]
        .iter()
        .map(|n| (n.to_string(), Freshness::Fresh))
        .collect();
    obs
}

/// The demo as shipped (degraded: UPS-A2 failed, a RAID member rebuilding), 60 s dead limit.
fn demo_wall(page: Page) -> Wall {
    let mut w = Wall::new("dc1", t0(), 15, Some(Duration::from_secs(60)));
    update(&mut w, WallAction::PollUpdate(Box::new(demo_obs(&[]))));
    while w.page != page {
        update(&mut w, WallAction::NextPage);
    }
    w
}

fn render(w: &Wall, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| wall::view::render(f, w, theme)).unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn overview_80x24() {
    let t = render(&demo_wall(Page::Overview), &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn overview_200x60() {
    let t = render(&demo_wall(Page::Overview), &Theme::colored(), 200, 60);
    let screen = text(&t);
    // the badge is the state in block letters, doubled to fill a big wall, beside the
    // verdict word and the design tier
    let big = wall::big::scaled("WARNING", 2);
    for row in &big {
        assert!(screen.contains(row.trim_end()), "{row}\n{screen}");
    }
    assert!(screen.contains("WARNING") && screen.contains("design Tier III"));
    insta::assert_snapshot!(t.backend());
}

/// Every page carries the verdict word in the status colour: a critical site never hides
/// behind a page of green rows.
#[test]
fn every_page_shows_the_verdict_word_in_its_colour() {
    for page in Page::ALL {
        let mut w = demo_wall(page);
        update(
            &mut w,
            WallAction::PollUpdate(Box::new(demo_obs(&["PDU-A2", "PDU-B2"]))),
        );
        for (width, height) in [(80, 24), (200, 60)] {
            let t = render(&w, &Theme::colored(), width, height);
            let (x, y) = find(&t, " CRITICAL ");
            assert_eq!(
                t.backend().buffer()[(x + 1, y)].bg,
                Color::Red,
                "{page:?} at {width}x{height}"
            );
        }
    }
}

#[test]
fn now_page_80x24() {
    let t = render(&demo_wall(Page::Now), &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn now_page_200x60() {
    let t = render(&demo_wall(Page::Now), &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn groups_80x24() {
    let t = render(&demo_wall(Page::Groups), &Theme::colored(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn groups_200x60() {
    let t = render(&demo_wall(Page::Groups), &Theme::colored(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn no_color_keeps_the_words_and_symbols_and_uses_no_colour() {
    let mut w = demo_wall(Page::Overview);
    let mut obs = demo_obs(&["LOOP-B", "UPS-B1"]);
    obs.agent_freshness[1].1 = Freshness::Stale;
    obs.agents = Some(AgentCounts {
        fresh: 2,
        not_answering: 0,
        stale: 1,
        dead: 0,
    });
    update(&mut w, WallAction::PollUpdate(Box::new(obs)));
    let theme = Theme::for_no_color(Some(std::ffi::OsStr::new("1")));
    let t = render(&w, &theme, 80, 24);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "no foreground colour under NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "no background colour under NO_COLOR");
    }
    let screen = text(&t);
    for marker in [
        "CRITICAL",
        "▼ below design",
        "✗",
        "✓",
        "STALE DATA: ups-b",
        "READ-ONLY",
    ] {
        assert!(screen.contains(marker), "{marker:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(t.backend());
}

#[test]
fn the_badge_and_banner_carry_colour_where_colour_means_something() {
    let mut w = demo_wall(Page::Overview);
    let mut obs = demo_obs(&[]);
    obs.agent_freshness[0].1 = Freshness::Stale;
    update(&mut w, WallAction::PollUpdate(Box::new(obs)));
    let t = render(&w, &Theme::colored(), 200, 60);
    let buf = t.backend().buffer();
    let (x, y) = find(&t, "STALE DATA: pdu-a");
    assert_eq!(buf[(x, y)].bg, Color::Yellow, "stale banner background");
    let (x, y) = find(&t, " WARNING ");
    assert_eq!(buf[(x + 1, y)].bg, Color::Yellow, "verdict badge");
    let (x, y) = find(&t, "█████");
    assert_eq!(
        buf[(x, y)].fg,
        Color::Yellow,
        "block letters in the verdict colour"
    );
}

fn find(t: &Terminal<TestBackend>, needle: &str) -> (u16, u16) {
    for (y, line) in text(t).lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let n: Vec<char> = needle.chars().collect();
        if let Some(x) = chars.windows(n.len()).position(|w| w == n.as_slice()) {
            return (x as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{}", text(t));
}

/// Every key the console binds, in every modifier the table gives it, plus a spread of
/// other keys: the wallboard only ever turns a page or quits.
#[test]
fn no_console_key_does_anything_but_turn_a_page_or_quit() {
    let mut keys_to_try: Vec<KeyEvent> = keys::KEYS
        .iter()
        .map(|b| KeyEvent::new(b.code, b.mods))
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..500 {
        // xorshift: a fixed, repeatable spread of characters and modifiers
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let c = char::from_u32((seed % 0x250) as u32 + 0x20).unwrap_or('x');
        let mods = KeyModifiers::from_bits_truncate((seed >> 32) as u8 & 0x7);
        keys_to_try.push(KeyEvent::new(KeyCode::Char(c), mods));
    }
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::F(1),
        KeyCode::F(9),
        KeyCode::F(10),
        KeyCode::Null,
    ] {
        keys_to_try.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    let before = demo_wall(Page::Overview);
    for k in keys_to_try {
        let mut w = before.clone();
        let action = wall::key_action(k);
        assert!(
            matches!(
                action,
                None | Some(WallAction::Quit | WallAction::NextPage | WallAction::PrevPage)
            ),
            "{k:?} gave {action:?}"
        );
        let effect = action.map(|a| update(&mut w, a));
        assert!(
            matches!(effect, None | Some(Effect::Redraw | Effect::Quit)),
            "{k:?} gave {effect:?}"
        );
        // everything but the page (and the page's clock and the redraw flag) is as it was
        w.page = before.page;
        w.on_page = before.on_page;
        w.dirty = before.dirty;
        assert_eq!(w, before, "{k:?} changed the wallboard");
        // and through the loop's own dispatch: only q and Ctrl-C end it
        let mut w = before.clone();
        let quits = apply(&mut w, Input::Key(k));
        let is_quit = matches!(
            (k.code, k.modifiers - KeyModifiers::SHIFT),
            (KeyCode::Char('q'), KeyModifiers::NONE) | (KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(quits, is_quit, "{k:?}");
    }
    // key releases (kitty protocol) never count
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(wall::key_action(release), None);
}

#[test]
fn pages_turn_on_the_tick_and_wrap() {
    let mut w = Wall::new("dc1", t0(), 3, None);
    update(&mut w, WallAction::PollUpdate(Box::new(demo_obs(&[]))));
    let mut seen = Vec::new();
    for s in 1..=9 {
        update(&mut w, WallAction::Tick(t0() + Duration::from_secs(s)));
        seen.push(w.page);
    }
    use Page::*;
    assert_eq!(
        seen,
        [
            Overview, Overview, Now, Now, Now, Groups, Groups, Groups, Overview
        ]
    );
    // a page turned by hand gets its full time
    update(&mut w, WallAction::Tick(t0() + Duration::from_secs(10)));
    update(&mut w, WallAction::NextPage);
    assert_eq!(w.page, Now);
    update(&mut w, WallAction::Tick(t0() + Duration::from_secs(11)));
    update(&mut w, WallAction::Tick(t0() + Duration::from_secs(12)));
    assert_eq!(w.page, Now);
    // rotation 0 holds the page for ever
    let mut held = Wall::new("dc1", t0(), 0, None);
    for s in 1..=100 {
        update(&mut held, WallAction::Tick(t0() + Duration::from_secs(s)));
    }
    assert_eq!((held.page, held.on_page), (Overview, 0));
}

struct Frames {
    terminal: Terminal<TestBackend>,
    pages: Vec<(Duration, Page)>,
    start: tokio::time::Instant,
}

impl Screen<Wall> for Frames {
    fn draw(&mut self, w: &Wall) -> io::Result<()> {
        self.terminal
            .draw(|f| wall::view::render(f, w, &Theme::colored()))
            .unwrap();
        self.pages.push((self.start.elapsed(), w.page));
        Ok(())
    }
}

/// The real loop and the real 1 s clock task on paused time: a page every 15 s, and no
/// other frame while the data stands still.
#[tokio::test(start_paused = true)]
async fn the_loop_turns_pages_every_15_seconds_and_draws_nothing_else() {
    let start = tokio::time::Instant::now();
    let clock = move || t0() + start.elapsed();
    let (tx, mut rx) = mpsc::channel::<Input<WallAction>>(64);
    tokio::spawn(ticker(tx.clone(), clock));
    // the fleet answers every 5 s with the same data, as a healthy site does
    let fleet = tx.clone();
    tokio::spawn(async move {
        loop {
            let mut obs = demo_obs(&[]);
            obs.newest = Some(clock());
            let update = Input::Action(WallAction::PollUpdate(Box::new(obs)));
            if fleet.send(update).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(29_500)).await;
        let _ = tx.send(Input::Action(WallAction::Quit)).await;
    });
    let mut w = Wall::new("dc1", clock(), 15, None);
    let mut screen = Frames {
        terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        pages: Vec::new(),
        start,
    };
    drive(&mut w, &mut rx, &mut screen).await.unwrap();
    let secs = |s| Duration::from_secs(s);
    // a "waiting" frame, the first data one frame gap later; the first tick fires at once,
    // so the 15th (14 s later) turns the page; the clock's minute turns at 10:01:00 (30 s),
    // after the quit
    assert_eq!(
        screen.pages,
        [
            (secs(0), Page::Overview),
            (Duration::from_millis(50), Page::Overview),
            (secs(14), Page::Now),
            (secs(29), Page::Groups)
        ]
    );
}

#[test]
fn one_stale_agent_is_named_and_all_dead_reads_no_data() {
    let mut w = demo_wall(Page::Overview);
    assert_eq!(w.banner(), Banner::None);
    let mut obs = demo_obs(&[]);
    obs.agent_freshness[1].1 = Freshness::Stale;
    obs.agents = Some(AgentCounts {
        fresh: 2,
        not_answering: 0,
        stale: 1,
        dead: 0,
    });
    update(&mut w, WallAction::PollUpdate(Box::new(obs.clone())));
    assert_eq!(w.banner(), Banner::Stale(vec!["ups-b".into()]));
    let screen = text(&render(&w, &Theme::colored(), 80, 24));
    assert!(screen.contains("STALE DATA: ups-b"), "{screen}");

    // every agent dead: NO DATA, and the tier badge says it is the last known
    for a in &mut obs.agent_freshness {
        a.1 = Freshness::Dead;
    }
    obs.agents = Some(AgentCounts {
        fresh: 0,
        not_answering: 0,
        stale: 0,
        dead: 3,
    });
    update(&mut w, WallAction::PollUpdate(Box::new(obs)));
    assert_eq!(w.banner(), Banner::NoData);
    let screen = text(&render(&w, &Theme::colored(), 80, 24));
    assert!(screen.contains("NO DATA"), "{screen}");
    assert!(screen.contains("last known"), "{screen}");
    assert!(!screen.contains("STALE DATA"), "{screen}");
}

/// The poller can stop reporting altogether; the wall's own clock must still age the data
/// out: past the dead limit the tick alone turns the banner to NO DATA.
#[test]
fn data_older_than_the_dead_limit_reads_no_data_on_the_tick_alone() {
    let mut w = demo_wall(Page::Overview);
    update(&mut w, WallAction::Tick(t0() + Duration::from_secs(60)));
    assert_eq!(w.banner(), Banner::None);
    w.dirty = false;
    let effect = update(&mut w, WallAction::Tick(t0() + Duration::from_secs(61)));
    assert_eq!(w.banner(), Banner::NoData);
    assert_eq!(effect, Effect::Redraw, "the banner change is drawn");
}

/// Unattended: resizes, lost agents and a day of ticks leave the state the same size.
#[test]
fn a_day_of_ticks_resizes_and_agent_loss_keeps_the_state_bounded() {
    let mut w = demo_wall(Page::Overview);
    let seen = w.memory.seen.len();
    for s in 1..=86_400u64 {
        update(&mut w, WallAction::Tick(t0() + Duration::from_secs(s)));
        if s % 600 == 0 {
            update(&mut w, WallAction::Resize);
            let mut obs = demo_obs(&[]);
            if s % 1200 == 0 {
                obs.agent_freshness[2].1 = Freshness::Dead;
            }
            obs.newest = Some(t0() + Duration::from_secs(s));
            update(&mut w, WallAction::PollUpdate(Box::new(obs)));
        }
        assert!(w.on_page < w.rotate);
    }
    assert_eq!(
        w.memory.seen.len(),
        seen,
        "one entry per problem, however long it runs"
    );
    for (width, height) in [(20, 5), (80, 24), (200, 60), (1, 1)] {
        render(&w, &Theme::colored(), width, height);
    }
}

/// A KVM console with 16 colours shows the wallboard in those 16 and nothing else.
#[test]
fn the_16_colour_theme_keeps_the_wallboard_to_the_16_ansi_colours() {
    let theme = redcon::tui::themes::shipped("16-colour").expect("16-colour ships");
    for page in Page::ALL {
        for (w, h) in [(80, 24), (200, 60)] {
            let t = render(&demo_wall(page), &theme, w, h);
            for cell in t.backend().buffer().content() {
                for c in [cell.fg, cell.bg] {
                    assert!(
                        !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                        "{page:?} {w}x{h}: {c:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_wallboard_layout_with_the_head_at_the_bottom_draws_it_there() {
    use redcon::tui::layout::{ScreenLayout, WALLBOARD_PANELS};
    let text = r#"(split: vertical, parts: [
        (size: Length(3), panel: "banner"),
        (size: Min(0), panel: "page"),
        (size: Length(1), panel: "head"),
    ])"#;
    let mut w = demo_wall(Page::Overview);
    w.layout = ScreenLayout::parse(text, "wallboard.ron", WALLBOARD_PANELS).unwrap();
    let t = render(&w, &Theme::colored(), 80, 24);
    let rows: Vec<String> = (0..24)
        .map(|y| {
            (0..80)
                .map(|x| t.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    assert!(rows[23].contains("READ-ONLY WALLBOARD"), "{rows:#?}");
    // no banner to show: the page starts on the top row
    assert!(rows[0].contains("now"), "{rows:#?}");
}
