//! Starting the console: where its data comes from (the embedded demo behind an in-process
//! simulator, a console config's agents, or a file), the tasks feeding the loop (terminal
//! events, poll views, a 1 s clock, signals), and the terminal around it all.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crossterm::event::{Event, EventStream, MouseButton, MouseEvent, MouseEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::action::Pointer;
use super::app::App;
use super::drive::{Effect, Input, Model, Runtime, drive_with};
use super::guard::{self, Tty};
use super::observe::Observation;
use super::send;
use super::state_files;
use super::term::{Render, TermScreen};
use super::theme::Theme;
use super::themes;
use super::view;
use super::watch::observe;
use super::{keymap, layout};
use crate::config::{Config, PollPolicy};
use crate::model::{LiveState, Site};
use crate::poll::{self, AgentSpec};
use crate::status::source::{GatherError, Source, gather};
use crate::status::source::{Reader, configured, start};

/// How often the embedded demo's agents are polled: quick enough to see a fault land.
const DEMO_INTERVAL: Duration = Duration::from_secs(2);

/// Where the console's live state comes from.
enum Feed {
    /// Fixed: a live file, or a site file alone (as designed).
    Static(Site, Box<crate::verdict::Inputs>),
    /// The embedded demo, served by an in-process simulator and polled like a real site.
    Demo(Site, LiveState),
    /// A configured site's agents, polled or read from Prometheus; `:site` can move to
    /// another site of the same config.
    Agents(Site, Reader, PollPolicy, PathBuf),
}

fn feed(source: &Source, timeout: Duration) -> Result<Feed, GatherError> {
    match source {
        Source::Demo { live: None } => {
            let site = crate::demo::site()?;
            let live = crate::demo::live(&site)?;
            Ok(Feed::Demo(site, live))
        }
        Source::Config { path, site: wanted } => {
            let (site, reader, policy) = configured(path, wanted.as_deref())?;
            Ok(Feed::Agents(site, reader, policy, path.clone()))
        }
        // files need no network: the one-shot loader is exactly right
        _ => gather(source, timeout).map(|g| Feed::Static(g.site, Box::new(g.inputs))),
    }
}

/// Run the interactive console until the operator quits. Load errors are printed before
/// the terminal is touched, one line per problem.
pub fn run(
    source: &Source,
    timeout: Duration,
    theme: Option<&str>,
    mouse: bool,
    read_only: bool,
) -> ExitCode {
    // `:site` switches between the config's sites; a broken config fails in `feed` below
    let (sites, current) = match source {
        Source::Config { path, site } => (
            Config::load(path)
                .map(|c| c.sites.into_iter().map(|s| s.name).collect())
                .unwrap_or_default(),
            site.clone(),
        ),
        _ => (Vec::new(), None),
    };
    // a refused keymap is reported before the terminal is taken, and again in the footer
    let (keymap, refused) = keymap::load(keymap::user_path().as_deref());
    if let Some(e) = &refused {
        eprintln!("redcon: keymap refused, using the built-in keys:\n{e}");
    }
    let (layout, layout_refused) = layout::load(
        crate::config::config_dir().as_deref(),
        "operator",
        layout::OPERATOR,
        layout::OPERATOR_PANELS,
    );
    if let Some(why) = &layout_refused {
        eprintln!("redcon: {why}");
    }
    // the audit log's operations show in the event log, and maintenance left in place
    // becomes a finding
    let audit = state_files::audit_records();
    let acks = state_files::saved_acks();
    session(
        source,
        timeout,
        theme,
        mouse,
        |site, _| {
            // operations against a configured site need the operator's token: without one
            // the console says so and does not offer what would end in a 401
            let no_token = matches!(source, Source::Config { .. })
                && std::env::var("REDCON_TOKEN").map_or(true, |t| t.is_empty());
            let authority = (!read_only && !no_token).then(|| {
                crate::ops::Authority::operator(
                    std::env::var("USER").unwrap_or_else(|_| "operator".into()),
                )
            });
            let app = App::new(site.name.clone(), SystemTime::now())
                .with_sites(sites, current)
                .with_keymap(keymap)
                .with_authority(authority)
                .with_audit(&audit)
                .with_acks(acks)
                .with_layout(layout);
            let message = refused
                .map(|e| format!("keymap refused: {}", e.first_line()))
                .or_else(|| layout_refused.and_then(|w| w.lines().next().map(str::to_string)))
                .or_else(|| {
                    (no_token && !read_only).then(|| {
                        "read-only: no operate token (set REDCON_TOKEN to one of the agents')"
                            .to_string()
                    })
                });
            app.with_message(message)
        },
        view::render,
    )
}

/// Run one face (the console or the wallboard) on `source` until it quits. `make` builds
/// the face's state from the site and the age past which agent data is dead (None when the
/// live state is a file, which does not age).
pub(crate) fn session<M>(
    source: &Source,
    timeout: Duration,
    theme: Option<&str>,
    mouse: bool,
    make: impl FnOnce(&Site, Option<Duration>) -> M,
    render: Render<M>,
) -> ExitCode
where
    M: Model,
{
    let feed = match feed(source, timeout) {
        Ok(f) => f,
        Err(e) => {
            for l in e.lines() {
                eprintln!("redcon: {l}");
            }
            return ExitCode::from(3);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("redcon: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    // --theme, else the console config's `theme:`; a problem is said before the terminal
    // is taken and again on screen, and the console runs on the fallback theme
    let configured = match source {
        Source::Config { path, .. } => Config::load(path).ok().and_then(|c| c.theme),
        _ => None,
    };
    let (theme, problem) = themes::choose(
        theme.or(configured.as_deref()),
        std::env::var_os("NO_COLOR").as_deref(),
        crate::config::config_dir().as_deref(),
    );
    if let Some(p) = &problem {
        eprintln!("redcon: {p}");
    }
    let result = rt.block_on(console(feed, theme, problem, mouse, make, render));
    // a poll still decoding must not hold up the exit the operator asked for
    rt.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("redcon: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why the console could not run (said on stderr, with its causes, once the terminal is
/// given back).
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("embedded demo simulator: {0}")]
    Demo(#[source] crate::sim::SimError),
    #[error("the demo's operate token: {0}")]
    Token(#[source] crate::ops::tokens::RandomError),
    #[error(transparent)]
    Client(#[from] poll::ClientError),
    #[error("cannot watch the terminal: {0}")]
    Watch(#[source] std::io::Error),
    #[error("terminal: {0}")]
    Terminal(#[source] std::io::Error),
}

async fn console<M: Model>(
    feed: Feed,
    theme: Theme,
    notice: Option<String>,
    mouse: bool,
    make: impl FnOnce(&Site, Option<Duration>) -> M,
    render: Render<M>,
) -> Result<(), ConsoleError> {
    let (tx, mut rx) = mpsc::channel::<Input<M::Action>>(256);
    if let Some(n) = notice.and_then(M::Action::notice) {
        let _ = tx.send(Input::Action(n)).await;
    }
    // kept alive for the session: dropping them stops the polling and the simulator
    let mut _poller = None;
    let mut _sim = None;
    let mut _switcher = None;
    let (switch_tx, switch_rx) = mpsc::unbounded_channel::<(String, u64)>();
    // a configured site's agents take the operator's token from the environment
    let mut token = std::env::var("REDCON_TOKEN").ok().filter(|t| !t.is_empty());
    let (site, dead_after) = match feed {
        Feed::Static(site, inputs) => {
            let obs = Observation::offline(&site, *inputs, SystemTime::now());
            let _ = tx.send(Input::Action(M::Action::poll(Box::new(obs)))).await;
            (site, None)
        }
        Feed::Demo(site, live) => {
            let (addr, handle, task) = crate::sim::spawn_local(site.clone(), live, None)
                .await
                .map_err(ConsoleError::Demo)?;
            // the demo's simulator takes operations from this console alone, with a token
            // made up for this run and never written anywhere
            let secret = crate::ops::tokens::random_secret().map_err(ConsoleError::Token)?;
            handle
                .lock()
                .set_tokens(crate::ops::tokens::Tokens::single_operator(
                    &secret,
                    "demo operator",
                ));
            token = Some(secret);
            _sim = Some(AbortOnDrop(task));
            let specs: Vec<AgentSpec> = crate::sim::agent_urls(&site, &format!("http://{addr}"))
                .into_iter()
                .map(|(name, url)| AgentSpec {
                    name,
                    url,
                    interval: DEMO_INTERVAL,
                    timeout: DEMO_INTERVAL,
                })
                .collect();
            let policy = PollPolicy::default();
            let dead = policy.dead_after();
            let client = poll::client_for(specs.iter().map(|s| s.url.as_str()))?;
            let (view, handle) = poll::spawn(client, specs, policy.clone());
            _poller = Some(handle);
            tokio::spawn(observe(site.clone(), policy, view, tx.clone(), 0));
            (site, Some(dead))
        }
        Feed::Agents(site, reader, policy, config) => {
            let dead = policy.dead_after();
            // `:site` may move to any site of the config: TLS if any of them needs it
            let urls: Vec<String> = Config::load(&config).map_or_else(
                |_| vec!["https://".into()],
                |c| {
                    c.sites
                        .iter()
                        .flat_map(|s| {
                            let agents = s.agents.iter().map(|a| a.url.clone());
                            agents.chain(s.prometheus.iter().map(|p| p.url.clone()))
                        })
                        .collect()
                },
            );
            let client = poll::client_for(urls.iter().map(String::as_str))?;
            let (view, handle) = start(reader, &policy, client);
            tokio::spawn(observe(site.clone(), policy, view, tx.clone(), 0));
            _switcher = Some(AbortOnDrop(tokio::spawn(switcher(
                config,
                switch_rx,
                tx.clone(),
                handle,
            ))));
            (site, Some(dead))
        }
    };
    tokio::spawn(ticker(tx.clone(), SystemTime::now));
    tokio::spawn(terminal_events(tx.clone()));
    let tty = Tty::new(mouse);
    watch_terminal(&tty, &tx).map_err(ConsoleError::Watch)?;
    let ops_tx = tx.clone();
    drop(tx);
    let mut app = make(&site, dead_after);
    let mut screen = TermScreen::enter(theme, render, tty).map_err(ConsoleError::Terminal)?;
    let result = drive_with(&mut app, &mut rx, &mut screen, |effect| match effect {
        Effect::SwitchSite { name, generation } => {
            // nobody listens unless the feed is a config's agents, and then the app
            // refuses the switch before it gets here
            let _ = switch_tx.send((name, generation));
        }
        Effect::Audit(record) => {
            let tx = ops_tx.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = state_files::append_audit(&record)
                    && let Some(a) = M::Action::operated(format!("audit not written: {e}"))
                {
                    let _ = tx.blocking_send(Input::Action(a));
                }
            });
        }
        Effect::SaveAcks { acks, new } => {
            let tx = ops_tx.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = state_files::save_acks(&acks, new.as_ref())
                    && let Some(a) = M::Action::operated(format!("acknowledgement not saved: {e}"))
                {
                    let _ = tx.blocking_send(Input::Action(a));
                }
            });
        }
        Effect::Operate {
            mutation,
            plan,
            url,
        } => {
            tokio::spawn(send::operate(
                ops_tx.clone(),
                mutation,
                plan,
                url,
                token.clone(),
            ));
        }
        _ => {}
    })
    .await;
    drop(screen);
    result.map(|_| ()).map_err(ConsoleError::Terminal)
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Serves `:site NAME`: stops polling the current site and polls the named one of the
/// same config, its observations tagged with the switch's generation. A site that cannot
/// be loaded is reported to the operator and the console waits on the next request.
async fn switcher<A: Runtime>(
    config: PathBuf,
    mut requests: mpsc::UnboundedReceiver<(String, u64)>,
    tx: mpsc::Sender<Input<A>>,
    first: poll::PollHandle,
) {
    let mut current = Some(first);
    // dropping a handle stops its polling; the last one stops when this task is aborted
    while let Some((name, generation)) = requests.recv().await {
        // stop the old site first: its agents must not be polled under the new name
        drop(current.take());
        let path = config.clone();
        let wanted = name.clone();
        let loaded = tokio::task::spawn_blocking(move || configured(&path, Some(&wanted)))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.lines().join("; ")));
        let client = loaded.and_then(|l| poll::client().map(|c| (l, c)).map_err(|e| e.to_string()));
        match client {
            Ok(((site, reader, policy), client)) => {
                let (view, handle) = start(reader, &policy, client);
                current = Some(handle);
                tokio::spawn(observe(site, policy, view, tx.clone(), generation));
            }
            Err(e) => {
                if let Some(n) = A::notice(format!("cannot switch to site {name}: {e}")) {
                    let _ = tx.send(Input::Action(n)).await;
                }
            }
        }
    }
}

/// The clock, once a second. `update` decides whether anything visible changed, so this
/// costs a wakeup, not a frame. `clock` is injected so tests can run on paused time.
pub async fn ticker<A: Runtime>(tx: mpsc::Sender<Input<A>>, clock: impl Fn() -> SystemTime) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        if tx.send(Input::Action(A::tick(clock()))).await.is_err() {
            return;
        }
    }
}

async fn terminal_events<A: Runtime>(tx: mpsc::Sender<Input<A>>) {
    let mut events = EventStream::new();
    while let Some(event) = events.next().await {
        let input = match event {
            Ok(Event::Key(k)) => Input::Key(k),
            Ok(Event::Resize(..)) => Input::Action(A::resize()),
            Ok(Event::Mouse(m)) => match pointer::<A>(m) {
                Some(a) => Input::Action(a),
                None => continue,
            },
            Ok(_) => continue,
            // a terminal that cannot be read cannot be operated: leave cleanly
            Err(_) => Input::Action(A::quit()),
        };
        if tx.send(input).await.is_err() {
            return;
        }
    }
    let _ = tx.send(Input::Action(A::quit())).await;
}

/// A left click or a wheel turn, with the screen size the click must be read against.
fn pointer<A: Runtime>(m: MouseEvent) -> Option<A> {
    let p = match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let (width, height) = crossterm::terminal::size().ok()?;
            Pointer::Click {
                col: m.column,
                row: m.row,
                width,
                height,
            }
        }
        MouseEventKind::ScrollUp => Pointer::WheelUp,
        MouseEventKind::ScrollDown => Pointer::WheelDown,
        _ => return None,
    };
    A::pointer(p)
}

/// The guard thread: SIGTERM, SIGHUP (the SSH session went away), SIGINT and a hung-up
/// terminal end the console the normal way, so the terminal is restored, or by force
/// if the loop does not get there in time; SIGTSTP, SIGCONT and SIGQUIT give the terminal
/// back (and take it again). It queues its requests without waiting, from outside the
/// runtime, so busy workers cannot hold them up.
fn watch_terminal<A: Runtime>(tty: &Arc<Tty>, tx: &mpsc::Sender<Input<A>>) -> std::io::Result<()> {
    let (quit, redraw) = (tx.clone(), tx.clone());
    guard::spawn(
        Arc::clone(tty),
        guard::tty_fd()?,
        guard::Hooks {
            quit: Box::new(move || quit.try_send(Input::Action(A::quit())).is_ok()),
            redraw: Box::new(move || {
                let _ = redraw.try_send(Input::Action(A::resize()));
            }),
        },
    )
}
