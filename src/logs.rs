//! Logs of the long-running daemons (`redcon agent`, `redcon sim`) on stderr: one line an
//! event with its time and level, quiet by default (redcon's own events from `info` up,
//! other crates' from `warn`), filtered with `RUST_LOG` (`RUST_LOG=debug`,
//! `RUST_LOG=redcon::agent=debug,warn`). Under systemd (`JOURNAL_STREAM` set) each line
//! starts with its syslog priority (`<4>`) instead of a time, which journald stamps and
//! files by level itself.

use std::fmt;
use std::io::IsTerminal;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// What is logged when `RUST_LOG` is unset or empty.
const DEFAULT_FILTER: &str = "warn,redcon=info";

/// Install the daemon's logger. A `RUST_LOG` that does not parse is said once, and the
/// default filter stands.
pub fn init() {
    let asked = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let (filter, refused) = match asked.as_deref().map(EnvFilter::try_new) {
        Some(Ok(f)) => (f, None),
        Some(Err(e)) => (EnvFilter::new(DEFAULT_FILTER), Some(e)),
        None => (EnvFilter::new(DEFAULT_FILTER), None),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = if std::env::var_os("JOURNAL_STREAM").is_some() {
        builder.with_ansi(false).event_format(Journald).try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .with_target(false)
            .try_init()
    };
    // a logger already installed (a second call) keeps logging; nothing to add
    if installed.is_ok()
        && let Some(e) = refused
    {
        tracing::warn!("RUST_LOG refused ({e}); logging with {DEFAULT_FILTER:?}");
    }
}

/// `<priority>LEVEL message fields`: the `sd-daemon(3)` prefix journald reads the level from.
struct Journald;

impl<S, N> FormatEvent<S, N> for Journald
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = *event.metadata().level();
        write!(writer, "<{}>{level} ", priority(level))?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// syslog priorities: err, warning, info, debug.
fn priority(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        Level::DEBUG | Level::TRACE => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_syslog_priorities() {
        let got: Vec<u8> = [
            Level::ERROR,
            Level::WARN,
            Level::INFO,
            Level::DEBUG,
            Level::TRACE,
        ]
        .into_iter()
        .map(priority)
        .collect();
        assert_eq!(got, [3, 4, 6, 7, 7]);
    }

    #[test]
    fn the_default_filter_parses() {
        assert!(EnvFilter::try_new(DEFAULT_FILTER).is_ok());
    }
}
