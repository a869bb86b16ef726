//! redcon's entry point: parse the command line and hand over. Nothing else lives here.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use redcon::classify::Tier;
use redcon::config::Config;
use redcon::status::source::{Source, gather};
use redcon::status::{self, State};

// A poller decodes thousands of small strings a second; mimalloc halves what glibc
// malloc costs there (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[macro_use]
mod emit;
mod audit_cli;
mod completions;
mod logs;
mod ops_cli;
mod report;
mod serve;

#[derive(Parser)]
#[command(
    name = "redcon",
    version,
    about = "Data-center redundancy console: Uptime tiers, SPOFs and safe failovers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Console: click tabs and rows, wheel to move. Off by default, since capturing the
    /// mouse takes the terminal's own copy and paste away (Shift-drag still selects in
    /// most terminals).
    #[arg(long)]
    mouse: bool,
    /// Console: look, never act. No operation can be prepared or sent from it.
    #[arg(long)]
    read_only: bool,
    #[command(flatten)]
    input: Input,
}

#[derive(clap::Args, Clone, Default)]
struct Input {
    /// Site file (RON). Without it: the config's site, else the embedded demo site.
    #[arg(long, global = true)]
    site: Option<PathBuf>,
    /// Live-state overlay (RON) instead of polling agents.
    #[arg(long, global = true)]
    live: Option<PathBuf>,
    /// Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Which configured site (default: the first).
    #[arg(long, global = true, value_name = "NAME")]
    site_name: Option<String>,
    /// Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the
    /// config dir. NO_COLOR forces mono.
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,
    /// Deadline for polling every agent once, seconds.
    #[arg(long, global = true, default_value_t = 5.0)]
    timeout: f64,
}

impl Input {
    fn source(&self) -> Source {
        if let Some(site) = &self.site {
            return Source::File {
                site: site.clone(),
                live: self.live.clone(),
            };
        }
        let config = self
            .config
            .clone()
            .or_else(|| Config::default_path().filter(|p| p.exists()));
        match config {
            Some(path) if self.live.is_none() => Source::Config {
                path,
                site: self.site_name.clone(),
            },
            _ => Source::Demo {
                live: self.live.clone(),
            },
        }
    }
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum KeysFormat {
    #[default]
    Text,
    Ron,
}

#[derive(Subcommand)]
enum Command {
    /// One-shot check: monitoring-plugins line or JSON, exit 0/1/2/3.
    Status {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// CRITICAL when the live tier is below N (1-4).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
        require_tier: Option<u8>,
        /// Print findings and SPOFs per subsystem after the status line.
        #[arg(long, short)]
        verbose: bool,
        /// Audit log to read maintenance left in place from (default
        /// $XDG_STATE_HOME/redcon/audit.jsonl when it exists).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Maintenance started through redcon and older than this is a WARNING.
        #[arg(long, value_name = "HOURS", default_value_t = 24.0)]
        maintenance_age: f64,
    },
    /// Per subsystem: tier, redundancy label, what blocks the next tier, and the SPOFs.
    /// Exits 0 whenever it could explain.
    Explain {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Each agent's error with its whole cause chain.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Serve this host's live state over the agent API (v1).
    Agent {
        /// Agent config (RON); without it: the host collector only, id = hostname.
        #[arg(long = "agent-config", value_name = "FILE")]
        agent_config: Option<PathBuf>,
        /// Address to listen on (default from the config, else 127.0.0.1:9470).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Read-only wallboard for a NOC wall: tier badge, tiles, findings, rotating pages.
    Wallboard {
        /// Seconds each page stays up (0: no rotation).
        #[arg(long, value_name = "SECONDS", default_value_t = redcon::tui::wall::DEFAULT_ROTATE)]
        rotate: u64,
    },
    /// Print the console's key bindings in effect (keymap.ron applied) and the wallboard's.
    Keys {
        /// `ron` prints the console's keymap as a keymap.ron to save and edit.
        #[arg(long, value_enum, default_value_t)]
        format: KeysFormat,
    },
    /// Take a unit out of service for maintenance, after a preflight (see docs/operations.md).
    Drain(OpArgs),
    /// Put a cluster node into standby (it keeps its quorum vote), after a preflight.
    Standby(OpArgs),
    /// Return a unit to service.
    Undrain(OpArgs),
    /// Fail a VRRP group or active-backup bond over to member --to, or a UPS to its bypass.
    Failover {
        #[command(flatten)]
        args: OpArgs,
        /// The member to hand over to (a UPS: omit, or `bypass`).
        #[arg(long)]
        to: Option<String>,
    },
    /// Move a cluster resource to node --to.
    Move {
        #[command(flatten)]
        args: OpArgs,
        #[arg(long)]
        to: String,
    },
    /// Print the operations audit log.
    Audit {
        /// The log (default $XDG_STATE_HOME/redcon/audit.jsonl).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Only records from this many hours ago on.
        #[arg(long, value_name = "HOURS")]
        since: Option<f64>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Poll one site's agents and serve its verdict as OpenMetrics at /metrics, for
    /// Prometheus (docs/prometheus.md). Without --config: the embedded demo site.
    Exporter {
        #[arg(long, default_value = "127.0.0.1:9481")]
        listen: std::net::SocketAddr,
        /// Audit log to read maintenance left in place from (default
        /// $XDG_STATE_HOME/redcon/audit.jsonl when it exists).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
        /// Maintenance started through redcon and older than this is a problem.
        #[arg(long, value_name = "HOURS", default_value_t = 24.0)]
        maintenance_age: f64,
    },
    /// Serve a simulated site (default: the demo) behind the agent API, with fault injection.
    Sim {
        /// Scenario timeline (RON): faults applied at given times.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:9480")]
        listen: std::net::SocketAddr,
        /// Token file (`read`/`operate` tokens) enabling POST .../v1/ops; without it
        /// operations are refused.
        #[arg(long, value_name = "FILE")]
        tokens: Option<PathBuf>,
        /// Where the simulated agents audit the operations they receive (JSON lines).
        #[arg(long, value_name = "FILE")]
        audit: Option<PathBuf>,
    },
    /// Print the completion script for a shell, e.g. `redcon completions bash >
    /// ~/.local/share/bash-completion/completions/redcon`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page redcon(1); with --dir, write it and one page per subcommand
    /// (redcon-status(1), ...) there.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(clap::Args, Clone)]
struct OpArgs {
    /// Element, group member, group or resource id from the site file.
    target: String,
    /// Why (required; goes to the audit log and the agent).
    #[arg(long)]
    reason: String,
    /// Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Carry out a plan that degrades the site.
    #[arg(long)]
    accept_degrade: bool,
    /// Carry out a plan preflight refused (a load or quorum would be lost).
    #[arg(long)]
    force: bool,
    /// Do not ask for confirmation (scripts).
    #[arg(long, short)]
    yes: bool,
    /// File whose first line is the agent's operate token (else $REDCON_TOKEN).
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl).
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Who is acting (default $USER).
    #[arg(long)]
    operator: Option<String>,
}

impl OpArgs {
    fn request(&self, kind: redcon::ops::OpKind) -> ops_cli::Request {
        ops_cli::Request {
            kind,
            target: self.target.clone(),
            reason: self.reason.clone(),
            dry_run: self.dry_run,
            ack: redcon::ops::Acknowledged {
                degrade: self.accept_degrade,
                force: self.force,
            },
            yes: self.yes,
            token_file: self.token_file.clone(),
            audit: self.audit.clone(),
            operator: self.operator.clone(),
        }
    }
}

fn main() -> ExitCode {
    report::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // help and version are answers; any other usage error is UNKNOWN to a monitor
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(State::Unknown.exit_code() as u8),
            };
        }
    };
    // The console needs a terminal; piped or redirected, the bare command explains instead.
    if cli.command.is_none() && std::io::stdout().is_terminal() {
        let timeout = redcon::config::secs(cli.input.timeout);
        return redcon::tui::run(
            &cli.input.source(),
            timeout.max(Duration::from_millis(1)),
            cli.input.theme.as_deref(),
            cli.mouse,
            cli.read_only,
        );
    }
    let (format, require_tier, verbose, audit, maintenance_age) = match &cli.command {
        Some(Command::Status {
            format,
            require_tier,
            verbose,
            audit,
            maintenance_age,
        }) => (
            *format,
            *require_tier,
            *verbose,
            audit.clone(),
            *maintenance_age,
        ),
        // Without a terminal the bare command explains (the console is above).
        Some(Command::Explain { format, verbose }) => (*format, None, *verbose, None, 24.0),
        None => (Format::Text, None, false, None, 24.0),
        Some(Command::Agent {
            agent_config,
            listen,
        }) => {
            return serve::agent(agent_config.as_deref(), *listen);
        }
        Some(Command::Wallboard { rotate }) => {
            // raw mode on a pipe fails obscurely; say what is wrong instead
            if !std::io::stdout().is_terminal() {
                eprintln!("redcon: the wallboard needs a terminal (try `redcon explain`)");
                return ExitCode::FAILURE;
            }
            let timeout = redcon::config::secs(cli.input.timeout);
            return redcon::tui::wall::run(
                &cli.input.source(),
                timeout.max(Duration::from_millis(1)),
                *rotate,
                cli.input.theme.as_deref(),
            );
        }
        Some(Command::Keys { format }) => {
            use redcon::tui::keymap;
            let (keys, refused) = keymap::load(keymap::user_path().as_deref());
            match format {
                KeysFormat::Text => out!("{}", redcon::tui::keys_text(&keys)),
                KeysFormat::Ron => out!("{}", keymap::to_ron(&keys)),
            }
            // the built-in keys are printed either way; the exit code says the file is bad
            return match refused {
                Some(e) => {
                    eprintln!("redcon: keymap refused, showing the built-in keys:\n{e}");
                    ExitCode::FAILURE
                }
                None => ExitCode::SUCCESS,
            };
        }
        Some(Command::Drain(a) | Command::Standby(a) | Command::Undrain(a)) => {
            use redcon::ops::OpKind;
            let kind = match &cli.command {
                Some(Command::Drain(_)) => OpKind::Drain,
                Some(Command::Standby(_)) => OpKind::Standby,
                _ => OpKind::Undrain,
            };
            let timeout = redcon::config::secs(cli.input.timeout).max(Duration::from_millis(1));
            return ops_cli::run(&cli.input.source(), timeout, a.request(kind));
        }
        Some(Command::Failover { args, to }) => {
            let kind = redcon::ops::OpKind::Failover { to: to.clone() };
            let timeout = redcon::config::secs(cli.input.timeout).max(Duration::from_millis(1));
            return ops_cli::run(&cli.input.source(), timeout, args.request(kind));
        }
        Some(Command::Move { args, to }) => {
            let kind = redcon::ops::OpKind::Move { to: to.clone() };
            let timeout = redcon::config::secs(cli.input.timeout).max(Duration::from_millis(1));
            return ops_cli::run(&cli.input.source(), timeout, args.request(kind));
        }
        Some(Command::Audit {
            audit,
            since,
            format,
        }) => {
            let since = since.map(|h| redcon::api::unix_now() - h * 3600.0);
            return audit_cli::print_audit(audit.as_deref(), since, matches!(format, Format::Json));
        }
        Some(Command::Exporter {
            listen,
            audit,
            maintenance_age,
        }) => {
            let maintenance = redcon::exporter::Maintenance {
                audit: audit.clone(),
                max_age_s: maintenance_age * 3600.0,
            };
            return serve::exporter(&cli.input.source(), *listen, maintenance);
        }
        Some(Command::Completions { shell }) => {
            return completions::print(*shell, Cli::command());
        }
        Some(Command::Man { dir }) => return completions::man(Cli::command(), dir.as_deref()),
        Some(Command::Sim {
            scenario,
            listen,
            tokens,
            audit,
        }) => {
            return serve::sim(
                &cli.input.site,
                &cli.input.live,
                scenario.as_deref(),
                *listen,
                tokens.as_deref(),
                audit.as_deref(),
            );
        }
    };
    let timeout = redcon::config::secs(cli.input.timeout);
    let gathered = match gather(&cli.input.source(), timeout.max(Duration::from_millis(1))) {
        Ok(g) => g,
        Err(e) => {
            let lines = e.lines();
            let first = lines.first().cloned().unwrap_or_default();
            match format {
                Format::Text => {
                    outln!("REDCON UNKNOWN - cannot load site: {first}");
                    for l in &lines {
                        eprintln!("{l}");
                    }
                }
                Format::Json => outln!(
                    "{}",
                    serde_json::json!({
                        "schema": status::SCHEMA,
                        "state": "UNKNOWN",
                        "exit_code": 3,
                        "summary": format!("REDCON UNKNOWN - cannot load site: {first}"),
                        "errors": lines,
                    })
                ),
            }
            return ExitCode::from(State::Unknown.exit_code() as u8);
        }
    };
    let mut inputs = gathered.inputs;
    inputs.lingering = audit_cli::lingering(
        audit.as_deref(),
        &gathered.site,
        &inputs.live,
        maintenance_age * 3600.0,
    );
    inputs.require_tier = require_tier.map(Tier);
    let v = redcon::verdict::build(&gathered.site, inputs);
    let explaining = !matches!(cli.command, Some(Command::Status { .. }));
    match format {
        Format::Json => outln!("{}", status::render_json(&v)),
        Format::Text if explaining => out!("{}", status::render_explain(&v, verbose)),
        Format::Text if verbose => out!("{}", status::render_explain(&v, true)),
        Format::Text => outln!("{}", status::render_line(&v)),
    }
    if explaining {
        // a human command: it explained, whatever the verdict
        return ExitCode::SUCCESS;
    }
    ExitCode::from(v.state.exit_code() as u8)
}
