//! How the command line says an error: the message and every cause under it, so the
//! operator sees why (`cannot listen on 127.0.0.1:80: Permission denied (os error 13)`).

use std::error::Error;

use color_eyre::eyre::Report;

/// Install color-eyre's hooks: a panic or an error report names its causes and where it
/// happened. Colour only on a terminal that has not asked for none.
pub fn install() {
    use std::io::IsTerminal;
    let plain = !std::io::stderr().is_terminal() || std::env::var_os("NO_COLOR").is_some();
    let mut hooks = color_eyre::config::HookBuilder::default().display_env_section(false);
    if plain {
        hooks = hooks.theme(color_eyre::config::Theme::new());
    }
    // only fails when hooks are already installed, and then those stand
    let _ = hooks.install();
}

/// `message: cause: cause`, each cause said once: many errors already quote their
/// source in their own message, and saying it twice reads as two problems.
pub fn chain(report: &Report) -> String {
    causes(report.chain())
}

fn causes<'a>(mut chain: impl Iterator<Item = &'a (dyn Error + 'static)>) -> String {
    let mut out = chain.next().map(ToString::to_string).unwrap_or_default();
    for cause in chain {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use color_eyre::eyre::WrapErr;

    #[derive(Debug, thiserror::Error)]
    #[error("audit log a.jsonl: {0}")]
    struct Quoting(#[source] std::io::Error);

    fn denied() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied")
    }

    #[test]
    fn every_cause_is_said_once() {
        let r: Result<(), _> = Err(Quoting(denied()));
        let report = r.wrap_err("redcon sim").unwrap_err();
        assert_eq!(
            chain(&report),
            "redcon sim: audit log a.jsonl: permission denied"
        );
    }

    #[test]
    fn a_cause_not_quoted_is_added() {
        let r: Result<(), _> = Err(denied());
        let report = r.wrap_err("cannot listen on 127.0.0.1:80").unwrap_err();
        assert_eq!(
            chain(&report),
            "cannot listen on 127.0.0.1:80: permission denied"
        );
    }
}
