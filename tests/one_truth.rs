//! One truth on every face: for the demo and five live states (healthy, a UPS on battery, a
//! load without supply, one agent dead, every agent dead) the JSON's subsystem states and
//! check state, the plugin line, the console's header and tiles and the wallboard's badge and
//! tiles all say the same words, because they all render one verdict.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use redcon::config::PollPolicy;
use redcon::model::{ElementState, LiveState, Site};
use redcon::poll::{AgentSpec, History, PollView};
use redcon::status::{render_json, render_line};
use redcon::tui::wall::{self, Wall, WallAction};
use redcon::tui::{Action, App, Observation, Theme, View, update};
use redcon::verdict::Health;

fn site() -> Site {
    redcon::demo::site().unwrap()
}

fn shipped() -> LiveState {
    redcon::demo::live(&site()).unwrap()
}

fn screen(t: &Terminal<TestBackend>) -> String {
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

/// The state word a tile title shows for `sub` (`power ▲ degraded`), if one is drawn.
fn tile_word(screen: &str, sub: &str) -> Option<String> {
    health_words().into_iter().find_map(|(marker, word)| {
        screen
            .contains(&format!("{sub} {marker} {word}"))
            .then(|| word.to_string())
    })
}

fn health_words() -> Vec<(&'static str, &'static str)> {
    use strum::VariantArray;
    Health::VARIANTS
        .iter()
        .map(|h| {
            let marker = match h {
                Health::Ok => "✓",
                Health::Unknown => "?",
                Health::Degraded | Health::Unprotected => "▲",
                Health::Critical => "✗",
            };
            (marker, h.name())
        })
        .collect()
}

/// Every face of one observation agrees with its JSON.
fn faces_agree(name: &str, obs: Observation) {
    let v = &obs.verdict;
    let json: serde_json::Value = serde_json::from_str(&render_json(v)).unwrap();
    let state = json["state"].as_str().unwrap().to_string();
    let line = render_line(v);
    assert!(
        line.starts_with(&format!("REDCON {state} - ")),
        "{name}: {line}"
    );

    let mut app = App::new("dc1", SystemTime::UNIX_EPOCH);
    update(&mut app, Action::PollUpdate(Box::new(obs.clone())));
    update(&mut app, Action::Show(View::Overview));
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    t.draw(|f| redcon::tui::view::render(f, &app, &Theme::colored()))
        .unwrap();
    let console = screen(&t);
    assert!(
        console
            .lines()
            .next()
            .unwrap()
            .contains(&format!(" {state} ")),
        "{name}: console header says another state than {state}:\n{console}"
    );

    let mut w = Wall::new(
        "dc1",
        SystemTime::UNIX_EPOCH,
        15,
        Some(Duration::from_secs(60)),
    );
    wall::update(&mut w, WallAction::PollUpdate(Box::new(obs.clone())));
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    t.draw(|f| wall::view::render(f, &w, &Theme::colored()))
        .unwrap();
    let board = screen(&t);
    assert!(
        board.contains(&format!(" {state} ")),
        "{name}: wallboard verdict is not {state}:\n{board}"
    );

    for s in json["subsystems"].as_array().unwrap() {
        let sub = s["name"].as_str().unwrap();
        let word = s["state"].as_str().unwrap();
        assert_eq!(
            tile_word(&console, sub).as_deref(),
            Some(word),
            "{name}: console tile of {sub}:\n{console}"
        );
        assert_eq!(
            tile_word(&board, sub).as_deref(),
            Some(word),
            "{name}: wallboard tile of {sub}:\n{board}"
        );
    }
    // never a claim of lost supply from what is merely unknown
    if !v.unknown.is_empty() && v.serving_now != Some(false) {
        let all = format!("{json}");
        assert!(!all.contains("loses supply now"), "{name}");
    }
}

fn from_file(live: LiveState) -> Observation {
    Observation::of_file(&site(), &live, SystemTime::now())
}

#[test]
fn file_states_agree_on_every_face() {
    faces_agree("demo", from_file(shipped()));
    faces_agree("healthy", from_file(LiveState::default()));
    let mut battery = shipped();
    battery
        .elements
        .insert("UPS-B1".into(), ElementState::OnBattery);
    battery.battery_runtime_min.insert("UPS-B1".into(), 9.0);
    faces_agree("UPS-B1 on battery", from_file(battery));
    let mut unfed = shipped();
    for pdu in ["PDU-A2", "PDU-B2"] {
        unfed.elements.insert(pdu.into(), ElementState::Failed);
    }
    let obs = from_file(unfed);
    assert_eq!(obs.verdict.state, redcon::verdict::CheckState::Critical);
    faces_agree("a load without supply", obs);
}

/// The demo's agents served by an in-process simulator, `dead` of them pointed at a closed
/// port, polled once.
fn polled(dead: &[&str]) -> Observation {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let site = site();
        let (addr, _sim, task) = redcon::sim::spawn_local(site.clone(), shipped(), None)
            .await
            .unwrap();
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let specs: Vec<AgentSpec> = redcon::sim::agent_urls(&site, &format!("http://{addr}"))
            .into_iter()
            .map(|(name, url)| AgentSpec {
                url: if dead.contains(&name.as_str()) || dead == ["*"] {
                    format!("http://127.0.0.1:{closed}")
                } else {
                    url
                },
                name,
                interval: Duration::from_secs(1),
                timeout: Duration::from_secs(2),
            })
            .collect();
        let policy = PollPolicy::default();
        let client = redcon::poll::client().unwrap();
        let agents =
            redcon::poll::poll_once(&client, &specs, &policy, Duration::from_secs(3)).await;
        task.abort();
        let view = PollView {
            agents,
            history: Arc::new(Mutex::new(History::new(16, 64))),
            source: redcon::verdict::LiveSource::Agents,
        };
        Observation::from_poll(
            &site,
            &view,
            &policy,
            tokio::time::Instant::now(),
            SystemTime::now(),
        )
    })
}

#[test]
fn polled_states_agree_on_every_face() {
    let one = polled(&["ups-gw-a"]);
    assert_eq!(one.verdict.state, redcon::verdict::CheckState::Warning);
    assert!(
        one.verdict.live_tier.known().is_none(),
        "a range: {}",
        one.verdict.live_tier
    );
    faces_agree("one agent dead", one);

    let none = polled(&["*"]);
    assert_eq!(none.verdict.state, redcon::verdict::CheckState::Unknown);
    faces_agree("every agent dead", none);
}
