//! redcon's entry point: parse the command line and hand over. Nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use redcon::classify::classify;
use redcon::model::{LiveState, LoadError, Site, load_live_file, load_site_file};
use redcon::status::{self, Options, State};

#[derive(Parser)]
#[command(
    name = "redcon",
    version,
    about = "Data-center redundancy console: Uptime tiers, SPOFs and safe failovers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    input: Input,
}

#[derive(clap::Args, Clone, Default)]
struct Input {
    /// Site file (RON); the embedded demo site when absent.
    #[arg(long, global = true)]
    site: Option<PathBuf>,
    /// Live-state overlay (RON); the demo's live state with the demo site, none otherwise.
    #[arg(long, global = true)]
    live: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum Format {
    #[default]
    Text,
    Json,
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
    },
    /// Per subsystem: tier, redundancy label, what blocks the next tier, and the SPOFs.
    Explain,
}

fn load(input: &Input) -> Result<(Site, LiveState), LoadError> {
    match &input.site {
        Some(path) => {
            let site = load_site_file(path)?;
            let live = match &input.live {
                Some(l) => load_live_file(l, &site)?,
                None => LiveState::default(),
            };
            Ok((site, live))
        }
        None => {
            let site = redcon::demo::site()?;
            let live = match &input.live {
                Some(l) => load_live_file(l, &site)?,
                None => redcon::demo::live(&site)?,
            };
            Ok((site, live))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (format, require_tier, verbose) = match &cli.command {
        Some(Command::Status {
            format,
            require_tier,
            verbose,
        }) => (*format, *require_tier, *verbose),
        // The interactive console is not built yet; until it is, the bare command explains.
        Some(Command::Explain) | None => (Format::Text, None, true),
    };
    let (site, live) = match load(&cli.input) {
        Ok(x) => x,
        Err(e) => {
            let first = e
                .issues()
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            match format {
                Format::Text => {
                    println!("REDCON UNKNOWN - cannot load site: {first}");
                    eprintln!("{e}");
                }
                Format::Json => println!(
                    "{}",
                    serde_json::json!({
                        "schema": status::SCHEMA,
                        "state": "UNKNOWN",
                        "exit_code": 3,
                        "summary": format!("REDCON UNKNOWN - cannot load site: {first}"),
                        "errors": e.issues().iter().map(ToString::to_string).collect::<Vec<_>>(),
                    })
                ),
            }
            return ExitCode::from(State::Unknown.exit_code() as u8);
        }
    };
    let c = classify(&site, &live);
    let verdict = status::evaluate(&c, &Options { require_tier });
    match format {
        Format::Json => println!("{}", status::render_json(&c, &verdict)),
        Format::Text if verbose => print!("{}", status::render_explain(&c, &verdict)),
        Format::Text => println!("{}", status::render_line(&c, &verdict)),
    }
    if cli.command.is_none() {
        // the console's own exit is not a check result
        return ExitCode::SUCCESS;
    }
    ExitCode::from(verdict.state.exit_code() as u8)
}
